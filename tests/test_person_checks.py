"""The one person-and-candidacy check: the same bad input is refused, with the same words, by the person dialog's path
(register_person + register_candidacy, as the 候选人 page runs them) and by the workbook import; nothing is written."""
from __future__ import annotations

import datetime as dt

import openpyxl
import pytest
from sqlalchemy import func, select

from villagevote.audit import Actor
from villagevote.candidates import persons
from villagevote.candidates.candidacies import register_candidacy, register_candidate
from villagevote.candidates.checks import PersonFacts, check_person
from villagevote.candidates.importing import preview_import
from villagevote.candidates.sample import id_number
from villagevote.candidates.workbook import COLUMNS, SHEET_NAME
from villagevote.errors import ValidationError
from villagevote.models import Candidacy, Person
from villagevote.models.enums import NominationSource, OrgKind, PoliticalStatus, Role
from villagevote.reports.forms_candidates import export_template

CLERK = Actor(None, "clerk", Role.CLERK, "录入员甲")
TODAY = dt.date(2026, 2, 1)
ELECTION = dt.date(2026, 3, 15)  # the sample world's election day
HEADERS = [c.header for c in COLUMNS]

ADULT = id_number("330604", dt.date(1976, 5, 4), 15)
AGED_14 = id_number("330604", dt.date(2011, 9, 1), 25)  # 14 on the election day
TURNS_18_DAY_AFTER = id_number("330604", dt.date(2008, 3, 16), 35)  # 17 on 2026-03-15, 18 on 2026-03-16
TURNS_18_ON_THE_DAY = id_number("330604", dt.date(2008, 3, 15), 45)
BORN_1990 = id_number("330604", dt.date(1990, 6, 10), 55)
REGISTERED = id_number("330604", dt.date(1968, 12, 1), 37)  # registered as 王五 before each test
BAD_CHECK = ADULT[:-1] + ("1" if ADULT[-1] != "1" else "2")

MEMBER = PoliticalStatus.PARTY_MEMBER
MASSES = PoliticalStatus.MASSES
PROBATIONARY = PoliticalStatus.PROBATIONARY

# (case id, name, id number, political status, party join date, organization, expected words in the refusal)
BAD = [
    ("aged-14", "张小明", AGED_14, None, None, OrgKind.VILLAGE_COMMITTEE, "选举日（2026-03-15）未满18周岁"),
    ("17-on-election-day", "李小红", TURNS_18_DAY_AFTER, None, None, OrgKind.VILLAGE_COMMITTEE,
     "选举日（2026-03-15）未满18周岁"),
    ("joined-party-at-16", "王建国", BORN_1990, MEMBER, dt.date(2006, 7, 1), OrgKind.VILLAGE_COMMITTEE,
     "入党时间 2006-07-01 时未满18周岁"),
    ("joined-day-before-18th-birthday", "王建国", BORN_1990, MEMBER, dt.date(2008, 6, 9), OrgKind.VILLAGE_COMMITTEE,
     "入党时间 2008-06-09 时未满18周岁"),
    ("joined-before-birth", "王建国", BORN_1990, MEMBER, dt.date(1989, 7, 1), OrgKind.VILLAGE_COMMITTEE,
     "入党时间 1989-07-01 早于出生日期 1990-06-10"),
    ("joined-in-future", "王建国", BORN_1990, MEMBER, dt.date(2030, 1, 1), OrgKind.VILLAGE_COMMITTEE,
     "入党时间 2030-01-01 晚于今天"),
    ("join-date-for-non-member", "王建国", BORN_1990, MASSES, dt.date(2010, 7, 1), OrgKind.VILLAGE_COMMITTEE,
     "政治面貌为「群众」，却填写了入党时间"),
    ("check-digit", "赵六", BAD_CHECK, None, None, OrgKind.VILLAGE_COMMITTEE, f"第18位应为 {ADULT[-1]}"),
    ("id-of-another-person", "王伍", REGISTERED, None, None, OrgKind.VILLAGE_COMMITTEE, "已登记给「王五」"),
    ("probationary-for-party-branch", "陈三", BORN_1990, PROBATIONARY, dt.date(2025, 7, 1), OrgKind.PARTY_BRANCH,
     "政治面貌为「中共预备党员」：参选村党组织须为中共正式党员"),
    ("name-not-chinese", "Wang5", ADULT, None, None, OrgKind.VILLAGE_COMMITTEE, "应为2至20个汉字"),
]


def _counts(db):
    with db.session() as s:
        return (s.scalar(select(func.count()).select_from(Person)),
                s.scalar(select(func.count()).select_from(Candidacy)))


def _through_dialog(db, world, tmp_path, name, number, political, joined, org_kind):
    """What the 候选人 page's person dialog saves on 登记: the one register_candidate workflow (reuse the person with
    the same ID and name, or register them; find the village's organization; register the candidacy)."""
    with db.session() as s:
        return register_candidate(s, CLERK, world.cycle_id, persons.PersonData(
            name, number, political_status=political, party_join_date=joined, village_id=world.villages["青山村"]),
            org_kind, "委员", NominationSource.SELF, today=TODAY)


def _through_import(db, world, tmp_path, name, number, political, joined, org_kind):
    """The registration workbook: one row, previewed (the preview is what refuses rows)."""
    with db.session() as s:
        template = export_template(s, world.cycle_id, tmp_path / "t.xlsx")
    values = {"姓名": name, "身份证号码": number, "所在村": "青山村", "参选组织": org_kind.label, "参选职务": "委员",
              "推荐方式": "自荐", "政治面貌": political.label if political else None,
              "入党时间": joined.isoformat() if joined else None}
    wb = openpyxl.load_workbook(template)
    ws = wb[SHEET_NAME]
    for c, header in enumerate(HEADERS, start=1):
        ws.cell(row=2, column=c, value=values.get(header))
    path = tmp_path / "in.xlsx"
    wb.save(path)
    with db.session() as s:
        preview = preview_import(s, world.cycle_id, path, today=TODAY)
    if preview.errors:
        raise ValidationError(preview.error_text())
    return preview


PATHS = {"dialog": _through_dialog, "import": _through_import}


@pytest.fixture
def registered(db, world):
    with db.session() as s:
        persons.register_person(s, CLERK, persons.PersonData("王五", REGISTERED), today=TODAY)


@pytest.mark.parametrize("path", sorted(PATHS))
@pytest.mark.parametrize("case, name, number, political, joined, org_kind, expected", BAD, ids=[b[0] for b in BAD])
def test_same_bad_input_refused_the_same_way_by_each_path(db, world, tmp_path, registered, path, case, name, number,
                                                          political, joined, org_kind, expected):
    before = _counts(db)
    with pytest.raises(ValidationError) as refused:
        PATHS[path](db, world, tmp_path, name, number, political, joined, org_kind)
    assert expected in str(refused.value)
    assert _counts(db) == before  # nothing half-written


@pytest.mark.parametrize("path", sorted(PATHS))
@pytest.mark.parametrize("number, political, joined, org_kind", [
    (TURNS_18_ON_THE_DAY, None, None, OrgKind.VILLAGE_COMMITTEE),  # 18 on the election day itself
    (BORN_1990, MEMBER, dt.date(2008, 6, 10), OrgKind.PARTY_BRANCH),  # joined on the 18th birthday
], ids=["18-on-election-day", "joined-on-18th-birthday"])
def test_boundary_cases_pass_each_path(db, world, tmp_path, path, number, political, joined, org_kind):
    PATHS[path](db, world, tmp_path, "张建华", number, political, joined, org_kind)


def test_dialog_path_names_the_person_and_the_post(db, world):
    with db.session() as s:
        pid = persons.register_person(s, CLERK, persons.PersonData("张小明", AGED_14), today=TODAY)
        with pytest.raises(ValidationError, match="张小明不能登记参选青山村村民委员会委员：选举日（2026-03-15）未满18周岁"):
            register_candidacy(s, CLERK, pid, world.orgs[("青山村", OrgKind.VILLAGE_COMMITTEE)], "委员",
                               NominationSource.SELF, today=TODAY)


def test_import_names_the_row_and_the_person(db, world, tmp_path):
    with pytest.raises(ValidationError, match="第2行（张小明）：选举日（2026-03-15）未满18周岁"):
        _through_import(db, world, tmp_path, "张小明", AGED_14, None, None, OrgKind.VILLAGE_COMMITTEE)


def test_check_is_plain_data_and_reports_every_problem_with_its_field():
    check = check_person(
        PersonFacts("王建国", BORN_1990, MASSES, dt.date(2006, 7, 1), phone="abc"),
        today=TODAY, election_day=ELECTION, org_kind=OrgKind.PARTY_BRANCH,
    )
    fields = [p.field for p in check.problems]
    assert fields == ["入党时间", "入党时间", "政治面貌", "联系电话"]
    assert all(p.message.startswith("王建国：") for p in check.problems)
    assert check.id_info is not None and check.id_info.birth_date == dt.date(1990, 6, 10)
