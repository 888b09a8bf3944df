"""资格审查表 and 候选人名单公示: rendered through the CLI/GUI registry, checked by extracting their text."""
from __future__ import annotations

import datetime as dt
import re

import pytest
from pypdf import PdfReader
from sqlalchemy import select, text

from villagevote.audit import Actor
from villagevote.candidates import persons
from villagevote.candidates.candidacies import register_candidacy
from villagevote.candidates.sample import build_world, id_number
from villagevote.candidates.status import transition
from villagevote.database import open_database
from villagevote.errors import PermissionDenied, ValidationError
from villagevote.models.enums import CandidacyStatus as S
from villagevote.models.enums import NominationSource, OrgKind, PoliticalStatus, ReviewDecision, ReviewStage, Role
from villagevote.qualification.review import county_departments, record_review, record_signoff
from villagevote.reports.registry import Options, find_form

ADMIN = Actor(None, "admin", Role.ADMIN, "管理员")
READONLY = Actor(None, "viewer", Role.READONLY)
TODAY = dt.date(2026, 2, 1)

# name, seq, birth, post, status reached
PEOPLE = [
    ("赵大伟", 11, dt.date(1970, 5, 1), "主任", S.QUALIFIED),
    ("丁小红", 22, dt.date(1985, 8, 8), "主任", S.QUALIFIED),
    ("王芳", 24, dt.date(1990, 1, 1), "委员", S.QUALIFIED),
    ("王志刚", 33, dt.date(1972, 3, 3), "委员", S.QUALIFIED),
    ("马云飞", 35, dt.date(1966, 6, 6), "委员", S.DISQUALIFIED),  # must not appear on the notice
]


@pytest.fixture
def printed(tmp_path):
    db = open_database(tmp_path / "t.db", backup_dir=tmp_path / "bk")
    ids = {}
    with db.session() as s:
        world = build_world(s, election_day=dt.date(2026, 3, 15))
        for name, seq, birth, post, status in PEOPLE:
            number = id_number("330604", birth, seq)
            pid = persons.register_person(s, ADMIN, persons.PersonData(
                name, number, political_status=PoliticalStatus.PARTY_MEMBER, village_id=world.villages["青山村"]),
                today=TODAY)
            cid = register_candidacy(s, ADMIN, pid, world.orgs[("青山村", OrgKind.VILLAGE_COMMITTEE)], post,
                                     NominationSource.SELF)
            ids[name] = (cid, number)
            if status is S.DISQUALIFIED:
                record_review(s, ADMIN, cid, ReviewStage.VILLAGE, ReviewDecision.FAIL, "户籍不在本村",
                              decided_on=dt.date(2026, 1, 10), today=TODAY)
                continue
            record_review(s, ADMIN, cid, ReviewStage.VILLAGE, ReviewDecision.PASS, "", "村党支部",
                          dt.date(2026, 1, 10), today=TODAY)
            record_review(s, ADMIN, cid, ReviewStage.TOWNSHIP, ReviewDecision.PASS, "", "镇党委",
                          dt.date(2026, 1, 15), today=TODAY)
            for dept in county_departments(s, world.cycle_id):
                record_signoff(s, ADMIN, cid, dept, dept == "信访" and name == "王芳", "曾信访一次，已化解"
                               if dept == "信访" and name == "王芳" else "无", "县经办", dt.date(2026, 1, 20),
                               today=TODAY)
            record_review(s, ADMIN, cid, ReviewStage.COUNTY, ReviewDecision.PASS, "", "县委组织部",
                          dt.date(2026, 1, 25), today=TODAY)
            transition(s, cid, S.QUALIFIED, ADMIN)
    yield db, ids, tmp_path
    db.dispose()


def _text(path) -> list[str]:
    """Text per page, with the line breaks and blanks that wrapping inserts removed."""
    return [re.sub(r"\s+", "", page.extract_text()) for page in PdfReader(str(path)).pages]


def test_qualification_forms_one_page_per_candidate_with_facts(printed):
    db, ids, tmp = printed
    form = find_form("print", "qualification-forms")
    assert form.sensitive
    with db.session() as s:
        out = form.run(s, ADMIN, tmp / "qf.pdf", Options(village="青山村"))
    pages = _text(out)
    assert len(pages) == len(PEOPLE)
    by_name = {}
    for page in pages:
        for name in ids:
            if name in page:
                by_name.setdefault(name, page)
    assert set(by_name) == set(ids)
    page = by_name["王芳"]
    assert ids["王芳"][1] in page  # the county needs the full ID number
    assert "村民委员会委员" in page and "自荐" in page and "2026年村级组织换届" in page
    for dept in ("公安", "法院", "纪委监委", "信访", "自然资源"):
        assert dept in page
    assert "信访有无以下情形：煽动群众闹事、扰乱公共秩序（S1）有情况曾信访一次，已化解" in page
    assert "公安有无以下情形：受过刑事处罚" in page and "无此情况" in page
    # each opinion: the body seals, the responsible person signs by hand, then the date
    assert "中共上虞区委员会组织部（盖章）负责人（签名）：______________2026年1月25日" in page
    assert "中共城南镇委员会（盖章）负责人（签名）" in page and "青山村党组织（盖章）负责人（签名）" in page
    assert "审查人：县委组织部" not in page and "负责人：" not in page  # never a body's name where a person signs
    assert "县经办2026年1月20日" in page  # department dates written like the rest of the form
    assert "注意保密" in page and "现任职务无" in page
    assert "户籍不在本村" in by_name["马云飞"]


def test_qualification_form_of_a_disqualified_person_carries_the_county_opinion(printed):
    """A county department's finding that bars the person (不能): the 县级联审意见 says 取消资格 and why, dated by
    the department's answer — never a blank county row on a disqualified form."""
    from villagevote.models.enums import FindingResult
    from villagevote.qualification.findings import record_finding
    from villagevote.qualification.review import settle_qualification

    db, _ids, tmp = printed
    with db.session() as s:
        world_org = s.scalar(text("SELECT organization_id FROM candidacy ORDER BY id LIMIT 1"))
        village_id = s.scalar(text("SELECT id FROM village WHERE name = '青山村'"))
        pid = persons.register_person(s, ADMIN, persons.PersonData(
            "钱立新", id_number("330604", dt.date(1975, 4, 4), 41), village_id=village_id), today=TODAY)
        cid = register_candidacy(s, ADMIN, pid, world_org, "委员", NominationSource.SELF)
        record_review(s, ADMIN, cid, ReviewStage.VILLAGE, ReviewDecision.PASS, "", "村党支部", dt.date(2026, 1, 10),
                      today=TODAY)
        record_review(s, ADMIN, cid, ReviewStage.TOWNSHIP, ReviewDecision.PASS, "", "镇党委", dt.date(2026, 1, 15),
                      today=TODAY)
        record_finding(s, cid, "N1", FindingResult.HIT, ADMIN, department="公安", evidence="刑满释放证明书",
                       event_date=dt.date(2023, 6, 1), today=TODAY)
        record_signoff(s, ADMIN, cid, "公安", True, "有前科，刑满释放未满5年", "县经办", dt.date(2026, 1, 20),
                       today=TODAY)
        assert settle_qualification(s, ADMIN, cid) is S.DISQUALIFIED
        out = find_form("print", "qualification-forms").run(s, ADMIN, tmp / "dq.pdf",
                                                           Options(extra={"ids": str(cid)}))
    page = _text(out)[0]
    county = page[page.index("县级联审意见"):]
    assert county.startswith("县级联审意见取消资格。不能N1") and "公安" in county
    assert "中共上虞区委员会组织部（盖章）负责人（签名）：______________2026年1月20日" in county


def test_qualification_form_shows_the_townships_own_findings_and_a_later_advice_to_withdraw(printed):
    """The township's own check (S3 长期外出) is listed under what it checked; the 劝退 it led to after a recorded
    复审通过 is added to the 复审 opinion, so the form never reads clearer than the outcome."""
    from villagevote.models.enums import FindingResult
    from villagevote.qualification.findings import record_finding
    from villagevote.qualification.review import settle_qualification

    db, _ids, tmp = printed
    with db.session() as s:
        org = s.scalar(text("SELECT organization_id FROM candidacy ORDER BY id LIMIT 1"))
        village_id = s.scalar(text("SELECT id FROM village WHERE name = '青山村'"))
        pid = persons.register_person(s, ADMIN, persons.PersonData(
            "孙长林", id_number("330604", dt.date(1968, 7, 7), 51), village_id=village_id), today=TODAY)
        cid = register_candidacy(s, ADMIN, pid, org, "委员", NominationSource.SELF)
        record_review(s, ADMIN, cid, ReviewStage.VILLAGE, ReviewDecision.PASS, "", "村党支部", dt.date(2026, 1, 10),
                      today=TODAY)
        record_review(s, ADMIN, cid, ReviewStage.TOWNSHIP, ReviewDecision.PASS, "", "镇党委", dt.date(2026, 1, 15),
                      today=TODAY)
        for dept in county_departments(s, s.scalar(text("SELECT cycle_id FROM candidacy WHERE id = :c"),
                                                   {"c": cid})):
            record_signoff(s, ADMIN, cid, dept, False, "无", "县经办", dt.date(2026, 1, 20), today=TODAY)
        record_finding(s, cid, "S3", FindingResult.HIT, ADMIN, department="乡镇", evidence="常年在外省经商",
                       today=TODAY)
        assert settle_qualification(s, ADMIN, cid) is S.ADVISED_WITHDRAW
        out = find_form("print", "qualification-forms").run(s, ADMIN, tmp / "s3.pdf", Options(extra={"ids": str(cid)}))
    page = _text(out)[0]
    assert "查有：【不宜】S3长期外出、不能正常履行职责（有）：常年在外省经商" in page
    township = page[page.index("复审意见"):page.index("县级联审意见")]
    assert township.startswith("复审意见通过。其后经核查：劝退。") and "S3" in township


def test_qualification_forms_need_sensitive_permission_and_accept_ids(printed):
    db, ids, tmp = printed
    form = find_form("print", "qualification-forms")
    with db.session() as s:
        with pytest.raises(PermissionDenied):
            form.run(s, READONLY, tmp / "x.pdf", Options(village="青山村"))
        out = form.run(s, ADMIN, tmp / "one.pdf", Options(extra={"ids": str(ids["丁小红"][0])}))
    pages = _text(out)
    assert len(pages) == 1 and "丁小红" in pages[0]


def test_candidate_notice_stroke_order_no_id_numbers(printed):
    db, ids, tmp = printed
    form = find_form("print", "candidate-notice")
    assert form.needs_village and not form.sensitive
    with db.session() as s:
        out = form.run(s, READONLY, tmp / "notice.pdf", Options(village="青山村"))
    text = "\n".join(_text(out))
    assert "青山村村级组织换届自荐人名单公示" in text  # all self-nominated
    assert "按姓氏笔画为序" in text
    assert "马云飞" not in text  # disqualified
    for _name, (_cid, number) in ids.items():
        assert number not in text and number[-4:] not in text
    assert not re.search(r"\d{17}[\dX]", text)
    # 主任: 丁(2 strokes) before 赵(9); 委员: 王芳 before 王志刚 (shorter name first within one surname)
    assert text.index("丁小红") < text.index("赵大伟")
    assert text.index("王芳") < text.index("王志刚")
    assert "主任（应选1名，自荐人2名）" in text
    assert "2026年3月10日" in text  # posted 5 days before the 2026-03-15 election
    assert "公示期：2026年3月10日至2026年3月14日（共5天）" in text
    assert "乡镇（街道）换届选举工作指导组" not in text  # the township's real name, not a placeholder
    assert "可向青山村村民选举委员会或城南镇换届选举工作指导组反映" in text
    assert "青山村村民选举委员会（盖章）" in text and "党组织（盖章）" not in text  # only the bodies posting it
    assert "现任职务" in text and "无" in text


def test_candidate_notice_by_nomination_votes(printed):
    db, _ids, tmp = printed
    form = find_form("print", "candidate-notice")
    votes = "赵大伟:120,丁小红:98,王芳:40,王志刚:77"
    with db.session() as s:
        out = form.run(s, READONLY, tmp / "votes.pdf", Options(village="青山村",
                                                               extra={"order": "votes", "votes": votes}))
        with pytest.raises(ValidationError, match="提名票数.*王志刚"):
            form.run(s, READONLY, tmp / "x.pdf", Options(village="青山村",
                                                         extra={"order": "votes", "votes": "赵大伟:1,丁小红:2,王芳:3"}))
        with pytest.raises(ValidationError, match="order 选项"):
            form.run(s, READONLY, tmp / "x.pdf", Options(village="青山村", extra={"order": "age"}))
    text = "".join(_text(out))
    assert "按提名得票多少为序" in text and "提名票数" in text
    assert text.index("赵大伟") < text.index("丁小红")  # 120 before 98, against stroke order
    assert text.index("王志刚") < text.index("王芳")


def test_term_and_page_numbers_per_document(printed):
    """届次 from the cycle's profile on both forms; every 资格审查表 is its own document (第 1 页 共 1 页)."""
    from villagevote.models import ElectionCycle

    db, _ids, tmp = printed
    with db.session() as s:
        cycle = s.scalars(select(ElectionCycle)).first()
        cycle.profile = {**(cycle.profile or {}), "term_number": 12}
        s.flush()
        notice = find_form("print", "candidate-notice").run(s, ADMIN, tmp / "n.pdf", Options(village="青山村"))
        forms = find_form("print", "qualification-forms").run(s, ADMIN, tmp / "q.pdf", Options(village="青山村"))
    assert "青山村第十二届村级组织换届自荐人名单公示" in "".join(_text(notice))
    pages = _text(forms)
    assert all("第十二届" in page and "第1页共1页" in page for page in pages), pages[0]


def test_candidate_notice_with_nobody_to_post_says_so(printed):
    db, _ids, tmp = printed
    with db.session() as s:
        with pytest.raises(ValidationError, match="还没有经资格审查合格"):
            find_form("print", "candidate-notice").run(s, ADMIN, tmp / "n.pdf", Options(village="绿水村"))
    assert not (tmp / "n.pdf").exists()


def test_candidate_notice_needs_a_known_village(printed):
    db, _ids, tmp = printed
    form = find_form("print", "candidate-notice")
    with db.session() as s:
        with pytest.raises(ValidationError, match="请指定村名"):
            form.run(s, ADMIN, tmp / "n.pdf", Options())
        with pytest.raises(Exception, match="没有名为“白云村”的村"):
            form.run(s, ADMIN, tmp / "n.pdf", Options(village="白云村"))


def test_command_line_prints(printed, capsys, monkeypatch):
    from villagevote import audit, users
    from villagevote.cli import main
    from villagevote.models.enums import Role

    db, ids, tmp = printed
    with db.session() as s:  # 资格审查表 carry full ID numbers: the command line needs a login for them
        users.create_user(s, audit.SYSTEM, "lu", "lu-password", Role.CLERK)
    path = str(db.path)
    db.dispose()
    monkeypatch.setenv("VILLAGEVOTE_PASSWORD", "lu-password")
    assert main(["print", "candidate-notice", "--db", path, "--village", "青山村", "--out", str(tmp / "n.pdf")]) == 0
    assert main(["print", "qualification-forms", "--db", path, "--out", str(tmp / "q.pdf"), "--user", "lu",
                 "--option", f"ids={ids['赵大伟'][0]},{ids['王芳'][0]}"]) == 0
    assert len(_text(tmp / "q.pdf")) == 2
    assert "丁小红" in "".join(_text(tmp / "n.pdf"))
    assert main(["print", "candidate-notice", "--db", path, "--out", str(tmp / "x.pdf")]) != 0
    assert "需要用 --village 指定村名" in capsys.readouterr().err


def test_footer_with_a_rare_character_uses_the_fallback_face(tmp_path):
    # Footers carry village names (e.g. "䶮山村　候选人名单公示"); 䶮 (CJK Ext. A) is not in the main face.
    from villagevote.fonts import pdf_fonts
    from villagevote.reports.pdf.base import Paragraph, build_pdf, styles

    out = build_pdf(tmp_path / "f.pdf", [Paragraph("公示", styles()["body"])], title="t",
                    footer="䶮山村　候选人名单公示")
    page = PdfReader(str(out)).pages[0]
    used = {str(font.get_object()["/BaseFont"]) for font in page["/Resources"]["/Font"].values()}
    extra = pdfmetrics_face_name(pdf_fonts().extra)
    assert any(extra in name for name in used), used
    assert "䶮山村" in re.sub(r"\s+", "", page.extract_text())


def pdfmetrics_face_name(font: str) -> str:
    from reportlab.pdfbase import pdfmetrics

    name = pdfmetrics.getFont(font).face.name
    return name.decode() if isinstance(name, bytes) else str(name)
