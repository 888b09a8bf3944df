"""Catalogs in the database (seed, copy, edit, freeze), findings, computed verdicts, kinship flags, three-stage review."""
from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import func, select

from villagevote.audit import Actor
from villagevote.candidates import persons
from villagevote.candidates.candidacies import register_candidacy
from villagevote.candidates.sample import build_world, id_number
from villagevote.database import open_database
from villagevote.errors import LockedError, PermissionDenied, ValidationError
from villagevote.models import AuditLog, Candidacy, ElectionCycle, Finding, ReviewStep, Rule, RuleSet
from villagevote.models.enums import CandidacyStatus as S
from villagevote.models.enums import (
    FindingResult,
    NominationSource,
    OrgKind,
    PoliticalStatus,
    RelationKind,
    ReviewDecision,
    ReviewStage,
    Role,
    RuleGrade,
)
from villagevote.qualification import rulesets
from villagevote.qualification.findings import findings_of, record_finding, rule_for_cover
from villagevote.qualification.review import (
    county_departments,
    record_review,
    record_signoff,
    review_history,
    settle_qualification,
)
from villagevote.qualification.rules_engine import VerdictOutcome
from villagevote.qualification.verdict import compute_verdict, kinship_flags

ADMIN = Actor(None, "admin", Role.ADMIN, "管理员")
CLERK = Actor(None, "clerk", Role.CLERK, "录入员甲")
REVIEWER = Actor(None, "reviewer", Role.REVIEWER, "审核员乙")
TODAY = dt.date(2026, 2, 1)
HIT, CLEAR = FindingResult.HIT, FindingResult.CLEAR


def _cand(s, world, name="张三", seq=11, post="主任", kind=OrgKind.VILLAGE_COMMITTEE, birth=dt.date(1975, 1, 1)):
    pid = persons.register_person(s, CLERK, persons.PersonData(name, id_number("330604", birth, seq),
                                                                political_status=PoliticalStatus.PARTY_MEMBER,
                                                                village_id=world.villages["青山村"]), today=TODAY)
    return register_candidacy(s, CLERK, pid, world.orgs[("青山村", kind)], post, NominationSource.SELF)


def _clear_all(s, cid, skip=()):
    for rule in s.scalars(select(Rule).join(Candidacy, Candidacy.id == cid)
                          .join(ElectionCycle, ElectionCycle.id == Candidacy.cycle_id)
                          .where(Rule.rule_set_id == ElectionCycle.rule_set_id)):
        if rule.code not in skip:
            record_finding(s, cid, rule.code, CLEAR, CLERK, department=None, today=TODAY)


# ------------------------------------------------------------------------------------------------ catalogs


def test_catalogs_are_loaded_once_on_first_start(tmp_path):
    db = open_database(tmp_path / "a.db", backup_dir=tmp_path / "bk")
    with db.session() as s:
        keys = sorted(s.scalars(select(RuleSet.catalog_key)))
        assert keys == ["generic-2018", "zhejiang-2013"]
        zj = s.scalar(select(RuleSet).where(RuleSet.catalog_key == "zhejiang-2013"))
        assert [r.code for r in zj.rules][:5] == ["N1", "N2", "N3", "N4", "N5"] and len(zj.rules) == 11
        assert "浙村换发〔2013〕4号" in zj.source
    db.dispose()
    db = open_database(tmp_path / "a.db", backup_dir=tmp_path / "bk")  # second start: nothing added
    with db.session() as s:
        assert s.scalar(select(func.count()).select_from(RuleSet)) == 2
    db.dispose()


def test_unused_shipped_version_picks_up_n2_undated_hit_but_a_used_one_stays(tmp_path):
    db = open_database(tmp_path / "a.db", backup_dir=tmp_path / "bk")
    with db.session() as s:  # as loaded by an earlier version of the program: N2 without its tag
        for rule in s.scalars(select(Rule).where(Rule.code == "N2")):
            rule.covers = []
        s.connection().exec_driver_sql("DELETE FROM setting WHERE key = 'seed.fingerprint'")  # seeded by that one
    db.dispose()
    db = open_database(tmp_path / "a.db", backup_dir=tmp_path / "bk")
    with db.session() as s:
        n2 = s.scalar(select(Rule).join(RuleSet).where(RuleSet.catalog_key == "zhejiang-2013", Rule.code == "N2"))
        assert n2.covers == ["undated_hit"]
        assert s.scalar(select(func.count()).select_from(AuditLog).where(AuditLog.action == "update_rule")) == 1
        n2.covers = []  # now a cycle uses the version: it is frozen and keeps what its findings were weighed by
        world = build_world(s, township="北山镇", bind=False)
        rulesets.bind_cycle(s, ADMIN, world.cycle_id, n2.rule_set_id)
        s.connection().exec_driver_sql("DELETE FROM setting WHERE key = 'seed.fingerprint'")  # an older one again
    db.dispose()
    db = open_database(tmp_path / "a.db", backup_dir=tmp_path / "bk")
    with db.session() as s:
        assert s.scalar(select(Rule.covers).join(RuleSet).where(RuleSet.catalog_key == "zhejiang-2013",
                                                                Rule.code == "N2")) == []
    db.dispose()


def test_used_version_is_frozen_and_copy_is_editable(db, world):
    with db.session() as s:
        with pytest.raises(LockedError, match="已用于2026年村级组织换届，不能再修改；请复制为新版本"):
            rid = s.scalar(select(Rule.id).where(Rule.rule_set_id == world.rule_set_id, Rule.code == "S3"))
            rulesets.update_rule(s, ADMIN, rid, text="改过的内容")
        with pytest.raises(PermissionDenied):
            rulesets.copy_rule_set(s, CLERK, world.rule_set_id)
        new_id = rulesets.copy_rule_set(s, ADMIN, world.rule_set_id)
        new = s.get(RuleSet, new_id)
        assert new.version == 2 and new.parent_id == world.rule_set_id and not new.frozen
        rid = s.scalar(select(Rule.id).where(Rule.rule_set_id == new_id, Rule.code == "N1"))
        rulesets.update_rule(s, ADMIN, rid, window_years=3)
        with pytest.raises(ValidationError, match="不能同时设定期限年数"):
            rulesets.update_rule(s, ADMIN, rid, until_expiry=True)
        did = rulesets.add_rule(s, ADMIN, new_id, "D1", "上届任期承诺未兑现的", "乡镇党委")
        assert s.get(Rule, did).grade is RuleGrade.FALLBACK
        with pytest.raises(ValidationError, match="已有编号为 D1 的规则"):
            rulesets.add_rule(s, ADMIN, new_id, "D1", "另一条", ["乡镇"])
    with db.session() as s:
        old = {r.code: r.window_years for r in s.get(RuleSet, world.rule_set_id).rules}
        assert old["N1"] == 5 and "D1" not in old  # the used version did not move
        assert s.scalar(select(func.count()).select_from(AuditLog).where(AuditLog.action == "add_rule")) == 1


def test_binding_freezes_and_rebinding_after_findings_is_refused(db, world):
    with db.session() as s:
        generic = s.scalar(select(RuleSet.id).where(RuleSet.catalog_key == "generic-2018"))
        copy = rulesets.copy_rule_set(s, ADMIN, generic, name="城南镇资格条件")
        cid = _cand(s, world)
        record_finding(s, cid, "N1", CLEAR, CLERK, department="公安", today=TODAY)
        with pytest.raises(LockedError, match="已按原规则目录记录了1条核查结果"):
            rulesets.bind_cycle(s, ADMIN, world.cycle_id, copy)


def test_unbound_cycle_gives_a_clear_message(db):
    with db.session() as s:
        w = build_world(s, township="北山镇", bind=False)
        cid = _cand(s, w)
        with pytest.raises(ValidationError, match="还没有选定资格条件目录"):
            record_finding(s, cid, "N1", CLEAR, CLERK, today=TODAY)


# ------------------------------------------------------------------------------------------------ findings & verdicts


def test_findings_drive_the_verdict(db, world):
    with db.session() as s:
        cid = _cand(s, world)
        assert compute_verdict(s, cid).outcome is VerdictOutcome.UNDECIDED
        _clear_all(s, cid)
        assert compute_verdict(s, cid).outcome is VerdictOutcome.QUALIFIED
        # police report a release 4 years 11 months before the 2026-03-15 election
        record_finding(s, cid, "N1", HIT, CLERK, department="公安", evidence="刑满释放证明",
                       event_date=dt.date(2021, 4, 15), today=TODAY)
        verdict = compute_verdict(s, cid)
        assert verdict.outcome is VerdictOutcome.DISQUALIFIED
        assert "公安" in verdict.reasons[0] and "不满5年" in verdict.reasons[0]
        # the same department corrects its answer: replaced, history in the audit log
        # released 2021-03-14: the 5-year period ended 2026-03-14 (民法典 §202), clear on the 2026-03-15 election day
        record_finding(s, cid, "N1", HIT, CLERK, department="公安", event_date=dt.date(2021, 3, 14), today=TODAY)
        assert compute_verdict(s, cid).outcome is VerdictOutcome.QUALIFIED
        assert len([f for f in findings_of(s, cid) if f.rule_code == "N1"]) == 2  # township check + 公安
        assert s.scalar(select(func.count()).select_from(AuditLog).where(AuditLog.action == "record_finding")) == 13


def test_finding_input_errors(db, world):
    with db.session() as s:
        cid = _cand(s, world)
        with pytest.raises(ValidationError, match="没有编号为「X9」的规则"):
            record_finding(s, cid, "X9", HIT, CLERK, today=TODAY)
        with pytest.raises(ValidationError, match="刑满释放或缓刑期满日期2026-05-01晚于今天"):
            record_finding(s, cid, "N1", HIT, CLERK, event_date=dt.date(2026, 5, 1), today=TODAY)
        with pytest.raises(ValidationError, match="早于本人出生日期"):
            record_finding(s, cid, "N1", HIT, CLERK, event_date=dt.date(1960, 5, 1), today=TODAY)
        with pytest.raises(ValidationError, match="核查结果「maybe」无效"):
            record_finding(s, cid, "N1", "maybe", CLERK, today=TODAY)
        record_finding(s, cid, "S3", "有", CLERK, department="乡镇", today=TODAY)  # Chinese label accepted
        assert s.scalar(select(func.count()).select_from(Finding)) == 1


def test_pledge_refusal_rule_lookup(db, world):
    with db.session() as s:
        cid = _cand(s, world)
        assert rule_for_cover(s, cid, "pledge_refusal") is None  # Zhejiang 2013 has none
        generic_world = build_world(s, township="东岭镇", catalog_key="generic-2018")
        cid2 = _cand(s, generic_world, "李四", 12)
        assert rule_for_cover(s, cid2, "pledge_refusal") == "GN6"


def test_kinship_flags_on_one_committee(db, world):
    with db.session() as s:
        a = _cand(s, world, "王建国", 11, "主任")
        b = _cand(s, world, "李秀英", 12, "委员")
        c = _cand(s, world, "王小明", 13, "委员", kind=OrgKind.PARTY_BRANCH)
        pa, pb, pc = (s.get(Candidacy, x).person_id for x in (a, b, c))
        persons.add_relationship(s, CLERK, pa, pb, RelationKind.SPOUSE)
        persons.add_relationship(s, CLERK, pa, pc, RelationKind.PARENT_CHILD)
        flags = kinship_flags(s, world.cycle_id)
        assert len(flags) == 1  # the son stands for the Party branch: Zhejiang 2013 bars the village committee only
        assert {flags[0].first.name, flags[0].second.name} == {"王建国", "李秀英"}
        assert "配偶" in flags[0].message
        from villagevote.candidates.status import transition
        transition(s, b, S.WITHDRAWN, CLERK, reason="本人退出")
        assert kinship_flags(s, world.cycle_id) == []


# ------------------------------------------------------------------------------------------------ three-stage review


def test_review_stages_in_order_with_history(db, world):
    with db.session() as s:
        cid = _cand(s, world)
        with pytest.raises(ValidationError, match="还没有村级初审记录，不能先记录乡镇复审"):
            record_review(s, REVIEWER, cid, ReviewStage.TOWNSHIP, ReviewDecision.PASS, today=TODAY)
        record_review(s, REVIEWER, cid, ReviewStage.VILLAGE, ReviewDecision.PENDING, "户籍待核", "村党支部",
                      dt.date(2026, 1, 10), today=TODAY)
        with pytest.raises(ValidationError, match="村级初审结论为「待定」，不能进入乡镇复审"):
            record_review(s, REVIEWER, cid, ReviewStage.TOWNSHIP, ReviewDecision.PASS, today=TODAY)
        record_review(s, REVIEWER, cid, ReviewStage.VILLAGE, ReviewDecision.PASS, "", "村党支部",
                      dt.date(2026, 1, 12), today=TODAY)
        assert s.get(Candidacy, cid).status is S.VILLAGE_REVIEWED
        with pytest.raises(ValidationError, match="早于村级初审日期"):
            record_review(s, REVIEWER, cid, ReviewStage.TOWNSHIP, ReviewDecision.PASS, decided_on=dt.date(2026, 1, 11),
                          today=TODAY)
        with pytest.raises(ValidationError, match="晚于今天"):
            record_review(s, REVIEWER, cid, ReviewStage.TOWNSHIP, ReviewDecision.PASS, decided_on=dt.date(2026, 3, 1),
                          today=TODAY)
        record_review(s, REVIEWER, cid, ReviewStage.TOWNSHIP, ReviewDecision.PASS, decided_on=dt.date(2026, 1, 15),
                      today=TODAY)
        assert s.get(Candidacy, cid).status is S.TOWNSHIP_REVIEWED
        with pytest.raises(ValidationError, match="已有乡镇复审记录，不能再修改村级初审"):
            record_review(s, REVIEWER, cid, ReviewStage.VILLAGE, ReviewDecision.FAIL, "x", today=TODAY)
        with pytest.raises(PermissionDenied):
            record_review(s, CLERK, cid, ReviewStage.COUNTY, ReviewDecision.PASS, today=TODAY)
        history = review_history(s, cid)
        assert [(h.stage, h.decision, h.superseded) for h in history] == [
            (ReviewStage.VILLAGE, ReviewDecision.PENDING, True),
            (ReviewStage.VILLAGE, ReviewDecision.PASS, False),
            (ReviewStage.TOWNSHIP, ReviewDecision.PASS, False),
        ]


def _to_county(s, cid):
    record_review(s, REVIEWER, cid, ReviewStage.VILLAGE, ReviewDecision.PASS, decided_on=dt.date(2026, 1, 10), today=TODAY)
    record_review(s, REVIEWER, cid, ReviewStage.TOWNSHIP, ReviewDecision.PASS, decided_on=dt.date(2026, 1, 15),
                  today=TODAY)


def test_county_stage_needs_every_department_and_no_cannot_hit(db, world):
    with db.session() as s:
        cid = _cand(s, world)
        depts = county_departments(s, world.cycle_id)
        assert depts[:3] == ["公安", "法院", "司法"] and "乡镇" not in depts and "纪委监委" in depts
        with pytest.raises(ValidationError, match="还没有乡镇复审记录"):
            record_signoff(s, CLERK, cid, "公安", False, today=TODAY)
        _to_county(s, cid)
        with pytest.raises(ValidationError, match="「交通局」不是本届县级联审的部门"):
            record_signoff(s, CLERK, cid, "交通局", False, today=TODAY)
        for dept in depts[:-1]:
            record_signoff(s, CLERK, cid, dept, False, "无", "经办人", dt.date(2026, 1, 20), today=TODAY)
        with pytest.raises(ValidationError, match=f"县级联审还缺1个部门的意见：{depts[-1]}"):
            record_review(s, REVIEWER, cid, ReviewStage.COUNTY, ReviewDecision.PASS, today=TODAY)
        record_signoff(s, CLERK, cid, depts[-1], True, "有", "经办人", dt.date(2026, 1, 20), today=TODAY)
        _clear_all(s, cid, skip=("N5",))
        record_finding(s, cid, "N5", HIT, CLERK, department="法院", today=TODAY)
        with pytest.raises(ValidationError, match="有「不能」情形，县级联审不能记为通过"):
            record_review(s, REVIEWER, cid, ReviewStage.COUNTY, ReviewDecision.PASS, today=TODAY)
        assert settle_qualification(s, REVIEWER, cid) is S.DISQUALIFIED
        assert s.get(Candidacy, cid).status is S.DISQUALIFIED


def test_clean_candidate_becomes_qualified_only_after_county_pass(db, world):
    with db.session() as s:
        cid = _cand(s, world)
        _clear_all(s, cid)
        with pytest.raises(ValidationError, match="尚未通过县级联审"):
            settle_qualification(s, REVIEWER, cid)
        _to_county(s, cid)
        for dept in county_departments(s, world.cycle_id):
            record_signoff(s, CLERK, cid, dept, False, "无", "经办人", dt.date(2026, 1, 20), today=TODAY)
        record_review(s, REVIEWER, cid, ReviewStage.COUNTY, ReviewDecision.PASS, decided_on=dt.date(2026, 1, 25),
                      today=TODAY)
        assert settle_qualification(s, REVIEWER, cid) is S.QUALIFIED
        assert s.get(Candidacy, cid).status is S.QUALIFIED


def test_unsuitable_finding_advises_withdrawal_and_failed_review_needs_reason(db, world):
    with db.session() as s:
        cid = _cand(s, world)
        _clear_all(s, cid, skip=("S3",))
        record_finding(s, cid, "S3", HIT, CLERK, department="乡镇", evidence="常年在外地经商", today=TODAY)
        assert settle_qualification(s, REVIEWER, cid) is S.ADVISED_WITHDRAW
        other = _cand(s, world, "李四", 12, "委员")
        with pytest.raises(ValidationError, match="结论为「不通过」时必须填写理由"):
            record_review(s, REVIEWER, other, ReviewStage.VILLAGE, ReviewDecision.FAIL, today=TODAY)
        record_review(s, REVIEWER, other, ReviewStage.VILLAGE, ReviewDecision.FAIL, "户籍不在本村", today=TODAY)
        assert s.get(Candidacy, other).status is S.DISQUALIFIED
        assert s.scalar(select(func.count()).select_from(ReviewStep)) == 1


def test_passed_stage_re_recorded_as_pending_steps_the_status_back(db, world):
    with db.session() as s:
        cid = _cand(s, world)
        record_review(s, REVIEWER, cid, ReviewStage.VILLAGE, ReviewDecision.PASS, decided_on=dt.date(2026, 1, 10),
                      today=TODAY)
        assert s.get(Candidacy, cid).status is S.VILLAGE_REVIEWED
        record_review(s, REVIEWER, cid, ReviewStage.VILLAGE, ReviewDecision.PENDING, "户籍证明有疑问",
                      decided_on=dt.date(2026, 1, 11), today=TODAY)
        assert s.get(Candidacy, cid).status is S.REGISTERED
        with pytest.raises(ValidationError, match="不能进入乡镇复审"):
            record_review(s, REVIEWER, cid, ReviewStage.TOWNSHIP, ReviewDecision.PASS, today=TODAY)
        assert [h.superseded for h in review_history(s, cid)] == [True, False]
