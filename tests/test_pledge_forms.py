"""`villagevote print pledges` / `print pledge-notice` through the registry, on a database, checked by text."""
from __future__ import annotations

import datetime as dt
import re
import subprocess
import sys
from pathlib import Path

import pytest
from pypdf import PdfReader
from sqlalchemy import select

from villagevote.audit import Actor
from villagevote.candidates import persons
from villagevote.candidates.candidacies import register_candidacy
from villagevote.candidates.sample import build_world, id_number
from villagevote.errors import NotFound, ValidationError
from villagevote.models import Candidacy, Pledge
from villagevote.models.enums import CandidacyStatus, NominationSource, OrgKind, PledgeKind, PoliticalStatus, Role
from villagevote.pledges import service
from villagevote.pledges.templates import TermGoalItem
from villagevote.reports.registry import Options, find_form

ADMIN = Actor(None, "admin", Role.ADMIN, "管理员")
READONLY = Actor(None, "viewer", Role.READONLY)
ELECTION = dt.date(2026, 3, 15)
DAY = dt.date(2026, 2, 20)


def text_pages(path: Path) -> list[str]:
    return [re.sub(r"\s+", "", p.extract_text() or "") for p in PdfReader(str(path)).pages]


@pytest.fixture
def village_db(db):
    """青山村: 王小明 (all signed, 30 goals), 丁一 (all signed, 1 goal), 刘䶮 (drafts only)."""
    with db.session() as s:
        world = build_world(s, catalog_key="generic-2018", election_day=ELECTION)
        cands = {}
        for seq, (name, kind, post) in enumerate([("王小明", OrgKind.VILLAGE_COMMITTEE, "主任"),
                                                  ("丁一", OrgKind.PARTY_BRANCH, "书记"),
                                                  ("刘䶮", OrgKind.VILLAGE_COMMITTEE, "委员")], start=1):
            pid = persons.register_person(s, ADMIN, persons.PersonData(
                name=name, id_number=id_number("330604", dt.date(1970 + seq, 5, 6), 11 + seq * 2),
                village_id=world.villages["青山村"], political_status=PoliticalStatus.PARTY_MEMBER,
                party_join_date=dt.date(2000, 7, 1)), today=dt.date(2026, 1, 10))
            cands[name] = register_candidacy(s, ADMIN, pid, world.orgs[("青山村", kind)], post, NominationSource.SELF)
        service.generate_pledges(s, ADMIN, world.cycle_id)
        goals_pid = s.scalar(select(Pledge.id).where(Pledge.candidacy_id == cands["王小明"],
                                                     Pledge.kind == PledgeKind.TERM_GOALS))
        service.save_goal_items(s, ADMIN, goals_pid, [
            TermGoalItem(f"河塘{i}号清淤", "剿劣治水", f"清淤{i * 100}立方米", dt.date(2027, 6, 30), None)
            for i in range(1, 31)])
        ding_goals = s.scalar(select(Pledge.id).where(Pledge.candidacy_id == cands["丁一"],
                                                      Pledge.kind == PledgeKind.TERM_GOALS))
        service.save_goal_items(s, ADMIN, ding_goals, [
            TermGoalItem("村道亮化", "美丽乡村", "安装路灯60盏", dt.date(2026, 12, 31), None)])
        for name in ("王小明", "丁一"):
            for pledge in s.scalars(select(Pledge).where(Pledge.candidacy_id == cands[name])):
                for body in service.REVIEW_BODIES:
                    service.review_pledge(s, ADMIN, pledge.id, body, "pass", reviewed_on=DAY)
                service.sign_pledge(s, ADMIN, pledge.id, dt.date(2026, 2, 25), "李见证")
        for cid in cands.values():  # their qualification review has passed (the candidates area records that)
            s.get(Candidacy, cid).status = CandidacyStatus.QUALIFIED
        # 赵审 is still in 乡镇复审: not on the public notice
        pid = persons.register_person(s, ADMIN, persons.PersonData(
            name="赵审", id_number=id_number("330604", dt.date(1980, 5, 6), 31),
            village_id=world.villages["青山村"], political_status=PoliticalStatus.PARTY_MEMBER,
            party_join_date=dt.date(2000, 7, 1)), today=dt.date(2026, 1, 10))
        register_candidacy(s, ADMIN, pid, world.orgs[("青山村", OrgKind.VILLAGE_COMMITTEE)], "委员",
                           NominationSource.SELF)
    return db


def test_print_pledges_of_a_village(village_db, tmp_path):
    form = find_form("print", "pledges")
    assert form.needs_village and not form.sensitive  # posted pledges: ID numbers masked (reports/masking.py)
    with village_db.session() as s:
        out = form.run(s, READONLY, tmp_path / "p.pdf", Options(village="青山村"))
    pages = text_pages(out)
    # 丁一: 4 short pledges x 2 copies; 王小明: 3 short x 2 + term goals (30 items: 2 pages) x 2 copies
    assert len(pages) == 8 + 6 + 4
    assert all("刘䶮" not in p for p in pages)  # drafts are not printed
    first_wang = next(i for i, p in enumerate(pages) if "本人王小明" in p)
    assert all("本人丁一" in p for p in pages[:first_wang])  # stroke order: 丁 before 王
    goal_pages = [p for p in pages if "河塘" in p]
    assert len(goal_pages) == 4
    assert "河塘1号清淤" in goal_pages[0] and "河塘30号清淤" in goal_pages[1] and "第一联" in goal_pages[1]
    qualification = [p for p in pages if "资格承诺书" in p]
    # the 资格承诺 is posted like the others: its ID number is masked too
    assert qualification and all(re.search(r"330604\*{8}\d{3}[\dX]", p) for p in qualification)
    assert not any(re.search(r"\d{17}[\dX]", p) for p in pages)
    # every copy is numbered on its own
    assert all(re.search(r"第\d+页共\d+页", p) for p in pages) and not any("第3页" in p for p in pages)


def test_print_pledges_filters_and_errors(village_db, tmp_path):
    form = find_form("print", "pledges")
    with village_db.session() as s:
        out = form.run(s, ADMIN, tmp_path / "one.pdf",
                       Options(village="青山村", extra={"candidate": "王小明", "kind": "辞职承诺"}))
        pages = text_pages(out)
        assert len(pages) == 2 and all("辞职承诺书" in p and "本人王小明" in p for p in pages)
        with pytest.raises(ValidationError, match="所选范围内还有4份草稿"):
            form.run(s, ADMIN, tmp_path / "x.pdf", Options(village="青山村", extra={"candidate": "刘䶮"}))
        with pytest.raises(NotFound, match="没有名为“黑山村”的村"):
            form.run(s, ADMIN, tmp_path / "x.pdf", Options(village="黑山村"))
        with pytest.raises(ValidationError, match="承诺种类“保证书”不认识"):
            form.run(s, ADMIN, tmp_path / "x.pdf", Options(village="青山村", extra={"kind": "保证书"}))


def test_print_pledges_of_one_person_standing_for_two_bodies(village_db, tmp_path):
    # 丁一 stands for 村党组织书记 and 村民委员会委员: "candidate=丁一" prints the pledges of both candidacies.
    from villagevote.models import Candidacy, Organization, Person

    with village_db.session() as s:
        first = s.scalar(select(Candidacy).join(Person, Person.id == Candidacy.person_id).where(Person.name == "丁一"))
        party = s.get(Organization, first.organization_id)
        committee = s.scalar(select(Organization.id).where(Organization.village_id == party.village_id,
                                                           Organization.kind == OrgKind.VILLAGE_COMMITTEE))
        second = register_candidacy(s, ADMIN, first.person_id, committee, "委员", NominationSource.SELF)
        service.generate_pledges(s, ADMIN, first.cycle_id)
        discipline = s.scalar(select(Pledge.id).where(Pledge.candidacy_id == second,
                                                      Pledge.kind == PledgeKind.DISCIPLINE))
        for body in service.REVIEW_BODIES:
            service.review_pledge(s, ADMIN, discipline, body, "pass", reviewed_on=DAY)
    form = find_form("print", "pledges")
    with village_db.session() as s:
        out = form.run(s, ADMIN, tmp_path / "ding.pdf",
                       Options(village="青山村", extra={"candidate": "丁一", "kind": "discipline"}))
    pages = text_pages(out)
    assert len(pages) == 4 and all("本人丁一" in p for p in pages)  # two pledges, two copies each
    assert any("党组织书记" in p for p in pages) and any("村民委员会委员" in p for p in pages)


def test_print_pledge_notice(village_db, tmp_path):
    form = find_form("print", "pledge-notice")
    with village_db.session() as s:
        out = form.run(s, READONLY, tmp_path / "n.pdf",
                       Options(village="青山村", extra={"from": "2026-03-05", "until": "2026-03-10"}))
    text = "".join(text_pages(out))
    assert "青山村村级组织换届候选人承诺公示" in text and "2026年3月5日至2026年3月10日" in text
    assert text.index("丁一") < text.index("王小明")  # one list in surname-stroke order
    assert "丁一竞选职务：村党组织书记" in text and "王小明竞选职务：村民委员会主任" in text
    assert "河塘30号清淤" in text and "清淤3000立方米" in text and "安装路灯60盏" in text
    assert "刘䶮" not in text and "尚未签订" not in text  # drafts only: nothing signed, not posted
    assert not re.search(r"\d{17}[\dX]", text)
    assert "赵审" not in text  # qualification not yet passed
    # each body under its own seal
    assert "中共城南镇委员会（盖章）" in text and "青山村党组织（盖章）" in text
    with village_db.session() as s:
        out = form.run(s, READONLY, tmp_path / "i.pdf", Options(village="青山村", extra={
            "from": "2026-03-05", "until": "2026-03-10", "issuer": "青山村党组织；青山村村民委员会"}))
    text = "".join(text_pages(out))
    assert "青山村党组织（盖章）" in text and "青山村村民委员会（盖章）" in text and "城南镇委员会" not in text


def test_pledge_notice_lists_a_person_standing_for_two_bodies_once(village_db, tmp_path):
    from villagevote.models import Organization, Person

    with village_db.session() as s:
        first = s.scalar(select(Candidacy).join(Person, Person.id == Candidacy.person_id).where(Person.name == "丁一"))
        party = s.get(Organization, first.organization_id)
        committee = s.scalar(select(Organization.id).where(Organization.village_id == party.village_id,
                                                           Organization.kind == OrgKind.VILLAGE_COMMITTEE))
        second = register_candidacy(s, ADMIN, first.person_id, committee, "委员", NominationSource.SELF)
        s.get(Candidacy, second).status = CandidacyStatus.QUALIFIED
        service.generate_pledges(s, ADMIN, first.cycle_id)
        goals = s.scalar(select(Pledge.id).where(Pledge.candidacy_id == second, Pledge.kind == PledgeKind.TERM_GOALS))
        service.save_goal_items(s, ADMIN, goals, [
            TermGoalItem("村道亮化", "美丽乡村", "安装路灯60盏", dt.date(2026, 12, 31), None),
            TermGoalItem("垃圾分类", "美丽乡村", "分类准确率90%", dt.date(2027, 12, 31), None)])
        for pledge in s.scalars(select(Pledge).where(Pledge.candidacy_id == second)):
            for body in service.REVIEW_BODIES:
                service.review_pledge(s, ADMIN, pledge.id, body, "pass", reviewed_on=DAY)
            service.sign_pledge(s, ADMIN, pledge.id, dt.date(2026, 2, 25), "李见证")
    with village_db.session() as s:
        out = find_form("print", "pledge-notice").run(s, READONLY, tmp_path / "n.pdf", Options(
            village="青山村", extra={"from": "2026-03-05", "until": "2026-03-10"}))
    text = "".join(text_pages(out))
    assert text.count("丁一竞选职务") == 1
    assert "丁一竞选职务：村党组织书记、村民委员会委员" in text
    assert text.count("安装路灯60盏") == 1 and "分类准确率90%" in text  # one goal list, the same goal once


def test_pledge_notice_without_signed_pledges_says_so(db, tmp_path):
    with db.session() as s:
        build_world(s, catalog_key="generic-2018", election_day=ELECTION)
    with db.session() as s, pytest.raises(ValidationError, match="还没有候选人签订承诺"):
        find_form("print", "pledge-notice").run(s, READONLY, tmp_path / "n.pdf", Options(village="青山村"))


def test_cli_print_commands(village_db, tmp_path):
    import os

    from villagevote import audit, users
    from villagevote.models.enums import Role
    with village_db.session() as s:  # a clerk's login, as in the office
        users.create_user(s, audit.SYSTEM, "lu", "lu-password", Role.CLERK)
    db_path = village_db.path
    village_db.dispose()
    root = Path(__file__).resolve().parents[1]
    env = dict(os.environ, VILLAGEVOTE_PASSWORD="lu-password")
    for name in ("pledges", "pledge-notice"):
        out = tmp_path / f"{name}.pdf"
        proc = subprocess.run([sys.executable, "-m", "villagevote", "print", name, "--db", str(db_path),
                               "--village", "青山村", "--user", "lu", "--out", str(out)], cwd=root,
                              capture_output=True, text=True, timeout=120, env=env)
        assert proc.returncode == 0, proc.stderr
        assert out.read_bytes().startswith(b"%PDF-")
    listing = subprocess.run([sys.executable, "-m", "villagevote", "print", "--list"], cwd=root,
                             capture_output=True, text=True, timeout=120)
    assert "pledge-notice" in listing.stdout and "pledges" in listing.stdout


def test_print_one_pledge_by_id(village_db, tmp_path):
    from villagevote.reports.registry import produce

    form = find_form("print", "pledge")
    assert not form.sensitive and not form.needs_village  # the 承诺 page's 打印此份: checked per kind inside
    with village_db.read_session() as s:
        ids = {p.kind: p.id for p in s.scalars(select(Pledge).where(Pledge.status == "signed"))}
        discipline, qualification = ids[PledgeKind.DISCIPLINE], ids[PledgeKind.QUALIFICATION]
        out = produce(s, READONLY, form, tmp_path / "one.pdf", Options(extra={"pledge": str(discipline)})).path
        pages = text_pages(out)
        assert len(pages) == 2 and "换届" in pages[0]  # one pledge, 一式两份
        assert all("第1页共1页" in p for p in pages)
        # the 资格承诺 is posted like the others: printed with the ID number masked, for everyone who may view
        pages = text_pages(produce(s, READONLY, form, tmp_path / "q.pdf", Options(extra={"pledge": str(qualification)})).path)
        assert all(re.search(r"330604\*{8}\d{3}[\dX]", p) for p in pages)
        assert not any(re.search(r"\d{17}[\dX]", p) for p in pages)
        with pytest.raises(ValidationError, match="pledge=编号"):
            produce(s, ADMIN, form, tmp_path / "x.pdf", Options())
        draft = s.scalar(select(Pledge.id).where(Pledge.status == "draft"))
        with pytest.raises(ValidationError, match="还没有通过审诺"):
            produce(s, ADMIN, form, tmp_path / "d.pdf", Options(extra={"pledge": str(draft)}))


def test_pledge_notice_names_the_term_of_the_cycle(village_db, tmp_path):
    from villagevote.models import ElectionCycle

    with village_db.session() as s:
        cycle = s.scalar(select(ElectionCycle))
        cycle.profile = {**(cycle.profile or {}), "term_number": 12}
    with village_db.session() as s:
        out = find_form("print", "pledge-notice").run(s, READONLY, tmp_path / "n.pdf", Options(
            village="青山村", extra={"from": "2026-03-05", "until": "2026-03-10"}))
    text = "".join(text_pages(out))
    assert "现将青山村第十二届村党组织、村民委员会换届候选人" in text


def test_masked_pledge_masks_a_number_frozen_before_a_correction():
    from villagevote.pledges.templates import ItemsTable, RenderedPledge
    from villagevote.pledges.templates import Paragraph as TextParagraph
    from villagevote.reports.forms_pledges import masked_pledge

    rendered = RenderedPledge(PledgeKind.QUALIFICATION, "t", 1, "资格承诺书", (
        TextParagraph("本人王小明，身份证号33060419710506001x，现号码330604197105060029。"),
        ItemsTable(("号码",), (("330604197105060029",),))), ("承诺人：",), ("第一联",))
    out = masked_pledge(rendered, "330604197105060029", "pledges")
    assert out.text.count("330604********0029") == 2 and "330604********001X" in out.text  # mask_id_number upper-cases
    assert not re.search(r"\d{17}[\dXx]", out.text)
