"""Issue 14 item 5: qualification findings belong to the person within the cycle.

One person standing for two posts gets one set of findings (identical 资格审查表), a 不能 finding takes every
candidacy of the person off the 名单公示, the 县级联审 decision is taken from the imported workbook after a
confirmation, a pledge refusal moves the status to 取消资格 and off both notices, and migration 0010 moves old
per-candidacy findings to the person.
"""
from __future__ import annotations

import datetime as dt
import re
import sqlite3
from pathlib import Path

import pytest
from pypdf import PdfReader
from sqlalchemy import select

from tests.helpers_migrations import downgrade
from villagevote.audit import Actor
from villagevote.candidates import persons
from villagevote.candidates.candidacies import register_candidacy
from villagevote.candidates.sample import build_world, id_number
from villagevote.candidates.status import transition
from villagevote.database import open_database
from villagevote.errors import PermissionDenied
from villagevote.models import AuditLog, Candidacy, Finding, Pledge, ReviewStep
from villagevote.models.enums import CandidacyStatus as S
from villagevote.models.enums import (
    FindingResult,
    NominationSource,
    OrgKind,
    PledgeKind,
    PoliticalStatus,
    ReviewDecision,
    ReviewStage,
    Role,
)
from villagevote.qualification.findings import findings_of, record_finding
from villagevote.qualification.review import record_review, record_signoff, settle_qualification
from villagevote.qualification.rules_engine import VerdictOutcome
from villagevote.qualification.verdict import compute_verdict
from villagevote.reports.registry import Options, find_form

ADMIN = Actor(None, "admin", Role.ADMIN, "管理员")
CLERK = Actor(None, "clerk", Role.CLERK, "录入员甲")
REVIEWER = Actor(None, "reviewer", Role.REVIEWER, "审核员乙")
TODAY = dt.date(2026, 2, 20)  # the sample world's election day is 2026-03-15
FIXTURE_0001 = Path(__file__).parent / "fixtures" / "db_0001.sqlite3"


def _person(s, world, name: str, birth: dt.date, seq: int) -> int:
    return persons.register_person(s, ADMIN, persons.PersonData(
        name=name, id_number=id_number("330604", birth, seq), village_id=world.villages["青山村"],
        political_status=PoliticalStatus.MASSES), today=TODAY)


def _qualify(s, cid: int) -> None:
    for st in (S.VILLAGE_REVIEWED, S.TOWNSHIP_REVIEWED, S.COUNTY_REVIEWED, S.QUALIFIED):
        transition(s, cid, st, ADMIN)


def _text(path) -> list[str]:
    return [re.sub(r"\s+", "", page.extract_text()) for page in PdfReader(str(path)).pages]


@pytest.fixture
def two_posts(db):
    """李四 stands for 村民委员会主任 and 村务监督委员会主任; 张三 (a control) for 村民委员会委员."""
    with db.session() as s:
        world = build_world(s, election_day=dt.date(2026, 3, 15))
        li = _person(s, world, "李四", dt.date(1980, 1, 2), 33)
        zhang = _person(s, world, "张三", dt.date(1975, 6, 9), 21)
        ids = {
            "vc": register_candidacy(s, ADMIN, li, world.orgs[("青山村", OrgKind.VILLAGE_COMMITTEE)], "主任",
                                     NominationSource.SELF),
            "sc": register_candidacy(s, ADMIN, li, world.orgs[("青山村", OrgKind.SUPERVISION_COMMITTEE)], "主任",
                                     NominationSource.SELF),
            "zhang": register_candidacy(s, ADMIN, zhang, world.orgs[("青山村", OrgKind.VILLAGE_COMMITTEE)], "委员",
                                        NominationSource.SELF),
        }
    return world, ids


def test_one_person_two_candidacies_identical_findings_on_both_forms(db, two_posts, tmp_path):
    world, ids = two_posts
    with db.session() as s:
        for cid in (ids["vc"], ids["sc"]):
            record_review(s, ADMIN, cid, ReviewStage.VILLAGE, ReviewDecision.PASS, decided_on=dt.date(2026, 2, 1),
                          today=TODAY)
            record_review(s, ADMIN, cid, ReviewStage.TOWNSHIP, ReviewDecision.PASS, decided_on=dt.date(2026, 2, 5),
                          today=TODAY)
        # 公安 answered 无 through one candidacy, and a 公安 hit was recorded through the other (the old bug:
        # "无此情况" on one form, "有前科" on the other)
        record_signoff(s, ADMIN, ids["vc"], "公安", False, "无", "刘警官", dt.date(2026, 2, 10), today=TODAY)
        record_finding(s, ids["sc"], "N1", FindingResult.HIT, CLERK, department="公安",
                       evidence="有前科，2023年5月10日刑满释放", event_date=dt.date(2023, 5, 10), today=TODAY)
        # the township's own 不宜 check, recorded through the first candidacy
        record_finding(s, ids["vc"], "S3", FindingResult.HIT, CLERK, department="乡镇", evidence="常年在外地经商",
                       today=TODAY)
        assert findings_of(s, ids["vc"]) == findings_of(s, ids["sc"])
        assert len(findings_of(s, ids["vc"])) == 2
        assert compute_verdict(s, ids["vc"]) == compute_verdict(s, ids["sc"])
        assert compute_verdict(s, ids["vc"]).outcome is VerdictOutcome.DISQUALIFIED
        out = find_form("print", "qualification-forms").run(
            s, ADMIN, tmp_path / "qf.pdf", Options(village="青山村", extra={"ids": f"{ids['vc']},{ids['sc']}"}))
    pages = _text(out)
    assert len(pages) == 2
    assert "村民委员会主任" in pages[0] and "村务监督委员会主任" in pages[1]
    # the same answers on both pages: only the post applied for differs
    def answers(page: str, post: str) -> str:
        return re.sub(r"第\d+页", "", page.replace(post, "〇"))

    assert answers(pages[0], "村民委员会主任") == answers(pages[1], "村务监督委员会主任")
    for page in pages:
        assert "有情况" in page and "N1" in page and "有前科" in page  # 公安: the hit, not "无此情况"
        assert "无此情况" not in page
        assert "乡镇（街道）、村自行核查" in page and "S3" in page and "常年在外地经商" in page
        assert "不宜" in page


def test_township_row_says_no_issue_when_its_checks_are_clear(db, two_posts, tmp_path):
    world, ids = two_posts
    with db.session() as s:
        record_finding(s, ids["zhang"], "S3", FindingResult.CLEAR, CLERK, department="乡镇", today=TODAY)
        out = find_form("print", "qualification-forms").run(
            s, ADMIN, tmp_path / "qf.pdf", Options(village="青山村", extra={"ids": str(ids["zhang"])}))
    page = _text(out)[0]
    own = page[page.index("乡镇（街道）、村自行核查"):]
    assert own.split("（含“六不宜”等）")[1].startswith("无此情况录入员甲")


def test_a_cannot_finding_disqualifies_every_candidacy_and_leaves_the_notice(db, two_posts, tmp_path):
    world, ids = two_posts
    notice = find_form("print", "candidate-notice")
    with db.session() as s:
        for cid in ids.values():
            _qualify(s, cid)
        before = "".join(_text(notice.run(s, ADMIN, tmp_path / "n0.pdf", Options(village="青山村"))))
    assert before.count("李四") == 2 and "张三" in before
    with db.session() as s:
        record_finding(s, ids["vc"], "N1", FindingResult.HIT, CLERK, department="公安", evidence="有前科",
                       event_date=dt.date(2023, 5, 10), today=TODAY)
        # off the public notice at once, before anyone applies the verdict to the status
        pending = "".join(_text(notice.run(s, ADMIN, tmp_path / "n1.pdf", Options(village="青山村"))))
        assert "李四" not in pending and "张三" in pending
        with pytest.raises(PermissionDenied):
            settle_qualification(s, CLERK, ids["sc"])
    with db.session() as s:
        assert settle_qualification(s, REVIEWER, ids["sc"]) is S.DISQUALIFIED
        assert {S(s.get(Candidacy, ids[k]).status) for k in ("vc", "sc")} == {S.DISQUALIFIED}
        assert S(s.get(Candidacy, ids["zhang"]).status) is S.QUALIFIED
        moves = s.scalars(select(AuditLog).where(AuditLog.entity == "candidacy",
                                                 AuditLog.entity_id.in_([str(ids["vc"]), str(ids["sc"])]))
                          .order_by(AuditLog.id.desc()).limit(2)).all()
        assert all(m.username == "reviewer" and "disqualified" in str(m.after) for m in moves)
        after = "".join(_text(notice.run(s, ADMIN, tmp_path / "n2.pdf", Options(village="青山村"))))
    assert "李四" not in after and "张三" in after


def test_county_decision_taken_from_the_workbook_after_confirmation(db, ctx, settle, tmp_path, monkeypatch):
    from tests.test_county_review import _apply, _export, _populate, _preview, fill
    from villagevote.qualification.county_review import apply_county_decisions, plan_county_decisions
    from villagevote.ui.dialogs import county_review as dialog
    from villagevote.ui.dialogs.common import Ask

    ids = _populate(db)
    returned = fill(_export(db, tmp_path), {
        ("李四", "公安"): ("有", "因盗窃罪被判处有期徒刑，2023年5月10日刑满释放（N1）", "刘警官", None),
        ("王五", "信访"): ("有", "多次组织越级上访，扰乱公共秩序，属 S1 情形", "陈科长", None),
    })
    _apply(db, _preview(db, returned))

    def county_steps(s):
        return s.scalars(select(ReviewStep).where(ReviewStep.stage == ReviewStage.COUNTY)).all()

    with db.session() as s:
        cycle_id = s.get(Candidacy, ids["张三"]).cycle_id
        plan = plan_county_decisions(s, cycle_id, today=TODAY)
        decided = {d.name: d for d in plan.decisions}
        assert set(decided) == {"张三", "李四", "赵六"}  # 赵六: every department said 无
        assert decided["张三"].decision is ReviewDecision.PASS and decided["张三"].decided_on == dt.date(2026, 2, 15)
        assert decided["李四"].decision is ReviewDecision.FAIL and "N1" in decided["李四"].reason
        assert any("王五" in line and "信访" in line for line in plan.open)  # 不宜: a person decides
        assert plan.summary(limit=1).count("……另有") == 1  # a long list is cut in the confirmation
        assert county_steps(s) == []  # planning writes nothing
        with pytest.raises(PermissionDenied):
            apply_county_decisions(s, CLERK, plan, today=TODAY)

    # the import dialog asks first: declined, nothing is recorded
    asked: list[str] = []
    monkeypatch.setattr(Ask, "confirm", classmethod(lambda cls, parent, title, text: asked.append(text) or False))
    monkeypatch.setattr(Ask, "info", classmethod(lambda cls, parent, title, text: None))
    dialog._offer_county_decisions(None, ctx, cycle_id)
    settle()
    assert len(asked) == 1 and "张三（主任）：通过\n" in asked[0] and "需人工决定" in asked[0]
    assert "李四（委员）：不通过，理由：县级联审：不能 N1" in asked[0]
    with db.session() as s:
        assert county_steps(s) == []
    # confirmed: the decisions are recorded like typed ones
    monkeypatch.setattr(Ask, "confirm", classmethod(lambda cls, parent, title, text: True))
    dialog._offer_county_decisions(None, ctx, cycle_id)
    settle()
    with db.session() as s:
        steps = {s.get(Candidacy, st.candidacy_id).person.name: st for st in county_steps(s)}
        assert set(steps) == {"张三", "李四", "赵六"}
        assert steps["张三"].reviewer == "县委组织部" and steps["张三"].decided_on == dt.date(2026, 2, 15)
        assert S(s.get(Candidacy, ids["张三"]).status) is S.COUNTY_REVIEWED
        assert S(s.get(Candidacy, ids["李四"]).status) is S.DISQUALIFIED
        assert S(s.get(Candidacy, ids["王五"]).status) is S.TOWNSHIP_REVIEWED


def test_pledge_refusal_disqualifies_and_leaves_both_notices(db, tmp_path):
    from villagevote.pledges import service

    with db.session() as s:
        world = build_world(s, catalog_key="generic-2018", election_day=dt.date(2026, 3, 15))
        liu = _person(s, world, "刘䶮", dt.date(1972, 5, 6), 15)
        wang = _person(s, world, "王小明", dt.date(1971, 5, 6), 13)
        liu_vc = register_candidacy(s, ADMIN, liu, world.orgs[("青山村", OrgKind.VILLAGE_COMMITTEE)], "委员",
                                    NominationSource.SELF)
        liu_sc = register_candidacy(s, ADMIN, liu, world.orgs[("青山村", OrgKind.SUPERVISION_COMMITTEE)], "委员",
                                    NominationSource.SELF)
        wang_vc = register_candidacy(s, ADMIN, wang, world.orgs[("青山村", OrgKind.VILLAGE_COMMITTEE)], "主任",
                                     NominationSource.SELF)
        for cid in (liu_vc, liu_sc, wang_vc):
            _qualify(s, cid)
        service.generate_pledges(s, CLERK, world.cycle_id)
        # the 示诺公示 posts signed pledges only (issue 16): every pledge but the term goals (none written
        # here) is reviewed and signed, except the one 刘䶮 refuses
        refused = s.scalar(select(Pledge.id).where(Pledge.candidacy_id == liu_vc, Pledge.kind == PledgeKind.DISCIPLINE))
        for pledge in s.scalars(select(Pledge).where(Pledge.candidacy_id.in_([liu_vc, liu_sc, wang_vc]),
                                                     Pledge.kind != PledgeKind.TERM_GOALS)).all():
            for body in service.REVIEW_BODIES:
                service.review_pledge(s, ADMIN, pledge.id, body, "pass", reviewed_on=dt.date(2026, 2, 20))
            if pledge.id != refused:
                service.sign_pledge(s, ADMIN, pledge.id, dt.date(2026, 2, 24), "李见证")

    def notices(tag: str) -> tuple[str, str]:
        with db.session() as s:
            names = find_form("print", "candidate-notice").run(s, ADMIN, tmp_path / f"c{tag}.pdf",
                                                                Options(village="青山村"))
            pledges = find_form("print", "pledge-notice").run(
                s, ADMIN, tmp_path / f"p{tag}.pdf", Options(village="青山村", extra={"from": "2026-02-26"}))
        return "".join(_text(names)), "".join(_text(pledges))

    names, pledges = notices("0")
    assert "刘䶮" in names and "刘䶮" in pledges and "王小明" in names and "王小明" in pledges
    with db.session() as s:
        pid = s.scalar(select(Pledge.id).where(Pledge.candidacy_id == liu_vc, Pledge.kind == PledgeKind.DISCIPLINE))
        outcome = service.refuse_pledge(s, CLERK, pid, dt.date(2026, 2, 25), "2月25日在村委会拒绝签字",
                                        today=dt.date(2026, 3, 1))
        assert outcome.rule_code == "GN6" and "取消资格" in outcome.message
        # both candidacies of the person, through the verdict (origin QUALIFICATION), audited
        assert {S(s.get(Candidacy, c).status) for c in (liu_vc, liu_sc)} == {S.DISQUALIFIED}
        assert S(s.get(Candidacy, wang_vc).status) is S.QUALIFIED
        moves = s.scalars(select(AuditLog).where(AuditLog.entity == "candidacy", AuditLog.action == "status",
                                                 AuditLog.entity_id.in_([str(liu_vc), str(liu_sc)]))).all()
        reasons = [m.note + str(m.after) for m in moves if "disqualified" in str(m.after)]
        assert len(reasons) == 2 and all("拒签" in r and "录入员甲" in r for r in reasons)
        assert s.scalar(select(AuditLog.action).where(AuditLog.entity == "pledge", AuditLog.entity_id == str(pid))
                        .order_by(AuditLog.id.desc())) == "refuse"
    names, pledges = notices("1")
    assert "刘䶮" not in names and "刘䶮" not in pledges
    assert "王小明" in names and "王小明" in pledges


def test_migration_moves_per_candidacy_findings_to_the_person(tmp_path):
    """A database at 0009 with findings of one person recorded through two candidacies: 0010 keeps one answer per
    person, rule and department (most severe, then latest), the others in ``merged``; audit ids stay valid."""
    path = tmp_path / "old.sqlite3"
    db = open_database(path, backup_dir=tmp_path / "bk")
    with db.session() as s:
        world = build_world(s, election_day=dt.date(2026, 3, 15))
        li = _person(s, world, "李四", dt.date(1980, 1, 2), 33)
        a = register_candidacy(s, ADMIN, li, world.orgs[("青山村", OrgKind.VILLAGE_COMMITTEE)], "主任",
                               NominationSource.SELF)
        b = register_candidacy(s, ADMIN, li, world.orgs[("青山村", OrgKind.SUPERVISION_COMMITTEE)], "主任",
                               NominationSource.SELF)
        from villagevote.models import Rule
        rule = {r.code: r.id for r in s.scalars(select(Rule).where(Rule.rule_set_id == world.rule_set_id))}
        cycle_id = world.cycle_id
    db.dispose()
    downgrade(path, "0010_person_findings")  # the later revisions' tables go, as they would not exist at 0009
    # put the finding table back in its 0009 shape (the exact DDL of the old fixture) and fill it with raw SQL
    with sqlite3.connect(FIXTURE_0001) as old:
        ddl = [sql for (sql,) in old.execute("SELECT sql FROM sqlite_master WHERE tbl_name = 'finding' AND sql "
                                             "IS NOT NULL ORDER BY type DESC")]
    conn = sqlite3.connect(path)
    with conn:
        conn.execute("DROP TABLE finding")
        for sql in ddl:
            conn.execute(sql)
        rows = [
            # id, candidacy, rule, result, department, evidence, event_date, recorded_by, recorded_at
            (5, a, rule["N1"], "clear", "公安", "无此情况", None, "甲", "2026-02-01 09:00:00.000000"),
            (6, b, rule["N1"], "hit", "公安", "有前科", "2023-05-10", "乙", "2026-02-01 09:00:00.000000"),
            (7, a, rule["S3"], "clear", "乡镇", "走访", None, "甲", "2026-01-01 09:00:00.000000"),
            (8, b, rule["S3"], "clear", "乡镇", "复核走访", None, "乙", "2026-02-02 09:00:00.000000"),
            (9, a, rule["N2"], "doubt", "公安", "待核", None, "甲", "2026-02-03 09:00:00.000000"),
        ]
        conn.executemany("INSERT INTO finding (id, candidacy_id, rule_id, result, department, evidence, event_date, "
                         "recorded_by, recorded_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", rows)
        conn.execute("UPDATE alembic_version SET version_num = '0009_safety'")
    conn.close()

    db = open_database(path, backup_dir=tmp_path / "bk")
    try:
        with db.session() as s:
            kept = {f.id: f for f in s.scalars(select(Finding))}
            assert set(kept) == {6, 8, 9}  # the winners keep their ids (the audit log refers to them)
            assert all((f.person_id, f.cycle_id) == (li, cycle_id) for f in kept.values())
            assert FindingResult(kept[6].result) is FindingResult.HIT and kept[6].event_date == dt.date(2023, 5, 10)
            assert [(m["finding_id"], m["candidacy_id"], m["result"], m["evidence"]) for m in kept[6].merged] == [
                (5, a, "clear", "无此情况")]
            assert kept[8].evidence == "复核走访" and [m["finding_id"] for m in kept[8].merged] == [7]
            assert kept[9].merged == []
            assert findings_of(s, a) == findings_of(s, b)
            assert compute_verdict(s, a).outcome is compute_verdict(s, b).outcome is VerdictOutcome.DISQUALIFIED
        with db.engine.connect() as c:
            assert c.exec_driver_sql("PRAGMA foreign_key_check").fetchall() == []
    finally:
        db.dispose()
