"""The whole 辞职承诺 loop in one test (issue 18 Must show, tracking.md A5): a pledge signed → elected → a 剿劣 item
broken and the 民主评议 不称职 two years running → triggers → confirmed → refusal recorded → the same person stands in
the NEXT cycle → the qualification check shows the finding, without retyping. Plus: an exemption (保护清单) that
neutralises a verdict and a trigger; meetings and absences firing missed_meetings and long_absence."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from sqlalchemy import select

from villagevote import township as tw
from villagevote.audit import Actor
from villagevote.candidates import persons
from villagevote.candidates.candidacies import register_candidacy
from villagevote.candidates.sample import build_world, id_number
from villagevote.candidates.status import transition
from villagevote.elections import contests, outcome, tally
from villagevote.errors import ValidationError
from villagevote.evaluation import attendance, queries, resignation, sessions, term_verdicts
from villagevote.evaluation.attendance import AbsentInput
from villagevote.evaluation.sessions import CountInput
from villagevote.models import Candidacy, Organization, Pledge
from villagevote.models.elections import BallotCandidate
from villagevote.models.enums import (
    CandidacyStatus,
    CommitmentSource,
    ConsequenceState,
    ExemptionCategory,
    FindingResult,
    FlagKind,
    NominationSource,
    OrgKind,
    PledgeKind,
    PoliticalStatus,
    ResignationOutcome,
    ReviewStage,
    Role,
)
from villagevote.models.tracking import Commitment, Flag
from villagevote.pledges import service
from villagevote.pledges.templates import TermGoalItem
from villagevote.qualification.findings import findings_of
from villagevote.qualification.review import record_review
from villagevote.qualification.rules_engine import VerdictOutcome
from villagevote.qualification.verdict import compute_verdict
from villagevote.tracking import consequences, exemptions, ledger
from villagevote.tracking.ledger import Owner

ADMIN = Actor(None, "admin", Role.ADMIN, "管理员")
CLERK = Actor(None, "clerk", Role.CLERK, "录入员甲")
REVIEWER = Actor(None, "reviewer", Role.REVIEWER, "审核员乙")
ELECTION = dt.date(2026, 3, 15)
NEXT_ELECTION = dt.date(2031, 3, 15)
THREE = ["满意", "基本满意", "不满意"]


@pytest.fixture
def world(db):
    with db.session() as s:
        world = build_world(s, catalog_key="zhejiang-2013", election_day=ELECTION)
        cands = {}
        for seq, (name, post) in enumerate((("王小明", "主任"), ("方芳", "副主任")), start=1):
            pid = persons.register_person(s, ADMIN, persons.PersonData(
                name=name, id_number=id_number("330604", dt.date(1970 + seq, 5, 6), 10 + seq * 2 + 1),
                village_id=world.villages["青山村"], political_status=PoliticalStatus.PARTY_MEMBER,
                party_join_date=dt.date(2000, 7, 1)), today=dt.date(2026, 1, 10))
            cands[name] = register_candidacy(s, ADMIN, pid, world.orgs[("青山村", OrgKind.VILLAGE_COMMITTEE)], post,
                                             NominationSource.SELF, today=dt.date(2026, 1, 10))
        world.cands = cands  # type: ignore[attr-defined]
        return world


def _elect(s, world, triggers=None) -> None:
    """Both sign their term goals and 辞职承诺 (``triggers(default) -> edited`` changes the latter's triggers),
    pass review and are elected by an official result (the real path)."""
    service.generate_pledges(s, CLERK, world.cycle_id)
    for cand in world.cands.values():
        pid = s.scalar(select(Pledge.id).where(Pledge.candidacy_id == cand, Pledge.kind == PledgeKind.TERM_GOALS))
        service.save_goal_items(s, CLERK, pid, [
            TermGoalItem("清理河塘", "剿劣治水", "清理河塘3处", dt.date(2027, 6, 30), Decimal("60")),
            TermGoalItem("村集体增收", "集体经济", "年经营性收入达50万元", dt.date(2028, 12, 31), Decimal("40"))])
        for body in service.REVIEW_BODIES:
            service.review_pledge(s, REVIEWER, pid, body, "pass", reviewed_on=dt.date(2026, 2, 20))
        service.sign_pledge(s, CLERK, pid, dt.date(2026, 2, 25), "李见证")
        # and the 辞职承诺 with the template's five triggers
        rid = s.scalar(select(Pledge.id).where(Pledge.candidacy_id == cand, Pledge.kind == PledgeKind.RESIGNATION))
        if triggers is not None:
            service.save_triggers(s, CLERK, rid, triggers(service.pledge_detail(s, rid).triggers))
        for body in service.REVIEW_BODIES:
            service.review_pledge(s, REVIEWER, rid, body, "pass", reviewed_on=dt.date(2026, 2, 20))
        service.sign_pledge(s, CLERK, rid, dt.date(2026, 2, 25), "李见证")
        for status in (CandidacyStatus.VILLAGE_REVIEWED, CandidacyStatus.TOWNSHIP_REVIEWED,
                       CandidacyStatus.COUNTY_REVIEWED, CandidacyStatus.QUALIFIED):
            transition(s, cand, status, ADMIN)
    contest_id = contests.create_contest(s, CLERK, world.orgs[("青山村", OrgKind.VILLAGE_COMMITTEE)], electorate=120)
    marks = {(post, name): (80, 15, 5) for post, name in s.execute(
        select(BallotCandidate.post, BallotCandidate.name).where(BallotCandidate.contest_id == contest_id))}
    tally.save_totals(s, CLERK, contest_id, issued=100, returned=100, invalid=0, marks=marks)
    outcome.compute_result(s, CLERK, contest_id)
    outcome.mark_official(s, REVIEWER, contest_id, today=ELECTION)
    for cand in world.cands.values():
        assert CandidacyStatus(s.get(Candidacy, cand).status) is CandidacyStatus.ELECTED


def _person(s, world, name) -> int:
    return s.get(Candidacy, world.cands[name]).person_id


def _special_item(s, world, name) -> int:
    """A 剿劣 item (专项任务) of the cadre, due mid-2027, never done."""
    return ledger.register(s, CLERK, cycle_id=world.cycle_id, village_id=None,
                           owner=Owner(candidacy_id=world.cands[name]), title="剿灭劣V类水体：村东河",
                           source=CommitmentSource.SPECIAL, deadline=dt.date(2027, 6, 30),
                           today=dt.date(2026, 4, 1))


def _unfit(s, world, year: int, names: list[str]) -> None:
    sid = sessions.create_session(s, CLERK, cycle_id=world.cycle_id, village_id=world.villages["青山村"], year=year,
                                  kind="people", meeting="representatives", scale=THREE, due=45, present=40,
                                  held_on=dt.date(year, 12, 20), today=dt.date(2031, 1, 1))
    sessions.enter_counts(s, CLERK, sid, [CountInput(_person(s, world, n), counts={"满意": 10, "基本满意": 8,
                                                                                    "不满意": 22}) for n in names])
    sessions.confirm_session(s, REVIEWER, sid, today=dt.date(2031, 1, 1))


def test_the_whole_loop_from_pledge_to_the_next_cycles_finding(db, world):
    with db.session() as s:
        _elect(s, world)
        wang = _person(s, world, "王小明")
        # the signed goals became commitments at election
        titles = list(s.scalars(select(Commitment.title).where(Commitment.candidacy_id == world.cands["王小明"])))
        assert titles == ["清理河塘", "村集体增收"]
        item = _special_item(s, world, "王小明")
        _unfit(s, world, 2027, ["王小明"])
        _unfit(s, world, 2028, ["王小明"])
        # the evaluation of 2028 proposed 职务终止 (组织法 §33) and the annual_evaluation trigger
        proposed = queries.proposals(s, world.cycle_id, person_id=wang, year=2028)
        assert {(p.kind, p.rule) for p in proposed} >= {(FlagKind.TERMINATION, "unfit_years"),
                                                         (FlagKind.RESIGNATION_TRIGGER, "annual_evaluation")}
        # the triggers over the records at the end of 2028: annual evaluation and the broken 剿劣 item
        result = resignation.evaluate_triggers(s, cycle_id=world.cycle_id, person_id=wang, as_of=dt.date(2028, 12, 31))
        fired = {f.code: f for f in result[0].fired}
        assert set(fired) == {"annual_evaluation", "term_goals"}
        assert "2027 年、2028 年" in fired["annual_evaluation"].why
        assert fired["term_goals"].evidence == (item,) and "剿劣专项任务 1 项未兑现" in fired["term_goals"].why
        ids = resignation.propose_triggers(s, CLERK, cycle_id=world.cycle_id, person_id=wang,
                                           as_of=dt.date(2028, 12, 31))
        triggers = {s.get(Flag, i).rule: s.get(Flag, i) for i in ids}
        # the trigger the evaluation already proposed is not proposed twice
        assert sum(1 for f in s.scalars(select(Flag).where(Flag.kind == FlagKind.RESIGNATION_TRIGGER,
                                                           Flag.rule == "annual_evaluation"))) == 1
        flag = triggers["annual_evaluation"]
        assert flag.state == ConsequenceState.PROPOSED
        # no refusal before the Party committee's decision
        with pytest.raises(ValidationError, match="须先经乡镇党委确认"):
            resignation.record_refusal(s, REVIEWER, flag.id, on=dt.date(2029, 2, 1), note="拒不辞职",
                                       today=dt.date(2029, 3, 1))
        consequences.confirm(s, REVIEWER, flag.id, decision_no="青委〔2029〕1号", decided_on=dt.date(2029, 1, 10))
        with pytest.raises(ValidationError, match="请写明拒不辞职的情况"):
            resignation.record_refusal(s, REVIEWER, flag.id, on=dt.date(2029, 2, 1), note=" ",
                                       today=dt.date(2029, 3, 1))
        assert resignation.record_refusal(s, REVIEWER, flag.id, on=dt.date(2029, 2, 1),
                                          note="经谈话，本人拒不辞职", today=dt.date(2029, 3, 1)) == []
        assert s.get(Flag, flag.id).outcome == ResignationOutcome.REFUSED
        notice = queries.trigger_notice(s, flag.id)
        assert (notice.name, notice.village, notice.post) == ("王小明", "青山村", "主任")
        assert notice.pledged_text == "年度考核或者民主评议不合格的" and notice.decision_no == "青委〔2029〕1号"
        assert notice.pledge_signed_on == dt.date(2026, 2, 25)
        assert notice.outcome_label == "拒不辞职" and "2027 年、2028 年" in notice.why
        with pytest.raises(ValidationError, match="已记录为“拒不辞职”"):
            resignation.record_refusal(s, REVIEWER, flag.id, on=dt.date(2029, 2, 2), note="又拒",
                                       today=dt.date(2029, 3, 1))

        # the NEXT cycle: the same person stands again; the qualification check shows the finding
        next_cycle = tw.create_cycle(s, ADMIN, world.township_id, "2031年村级组织换届", 2031, NEXT_ELECTION,
                                     rule_set_id=world.rule_set_id)
        org = s.scalar(select(Organization.id).where(Organization.cycle_id == next_cycle,
                                                     Organization.village_id == world.villages["青山村"],
                                                     Organization.kind == OrgKind.VILLAGE_COMMITTEE))
        again = register_candidacy(s, CLERK, wang, org, "主任", NominationSource.SELF, incumbent=True,
                                   today=dt.date(2031, 1, 5))
        record_review(s, REVIEWER, again, ReviewStage.VILLAGE, "pass", reason="", decided_on=dt.date(2031, 1, 10),
                      today=dt.date(2031, 1, 10))
        found = findings_of(s, again)
        assert [(f.rule_code, f.result, f.department) for f in found] == [("S4", FindingResult.HIT, "乡镇党委")]
        assert found[0].event_date == dt.date(2029, 2, 1)
        assert "拒不辞职" in found[0].evidence and "青委〔2029〕1号" in found[0].evidence
        verdict = compute_verdict(s, again)
        assert verdict.outcome is not VerdictOutcome.QUALIFIED
        assert any("S4" in r or "辞职承诺" in r for r in verdict.reasons)
        # the check again records nothing twice
        record_review(s, REVIEWER, again, ReviewStage.VILLAGE, "pass", reason="", decided_on=dt.date(2031, 1, 11),
                      today=dt.date(2031, 1, 11))
        assert len(findings_of(s, again)) == 1
        # 方芳 refused nothing: no finding when she stands again
        fang = _person(s, world, "方芳")
        other = register_candidacy(s, CLERK, fang, org, "副主任", NominationSource.SELF, today=dt.date(2031, 1, 5))
        record_review(s, REVIEWER, other, ReviewStage.VILLAGE, "pass", reason="", decided_on=dt.date(2031, 1, 10),
                      today=dt.date(2031, 1, 10))
        assert findings_of(s, other) == []


def test_a_refusal_recorded_after_the_next_candidacy_exists_is_found_at_once(db, world):
    with db.session() as s:
        _elect(s, world)
        wang = _person(s, world, "王小明")
        _special_item(s, world, "王小明")
        [flag_id] = [i for i in resignation.propose_triggers(s, CLERK, cycle_id=world.cycle_id, person_id=wang,
                                                             as_of=dt.date(2027, 12, 31))]
        assert s.get(Flag, flag_id).rule == "term_goals"
        next_cycle = tw.create_cycle(s, ADMIN, world.township_id, "2031年换届", 2031, NEXT_ELECTION,
                                     rule_set_id=world.rule_set_id)
        org = s.scalar(select(Organization.id).where(Organization.cycle_id == next_cycle,
                                                     Organization.village_id == world.villages["青山村"],
                                                     Organization.kind == OrgKind.VILLAGE_COMMITTEE))
        again = register_candidacy(s, CLERK, wang, org, "主任", NominationSource.SELF, today=dt.date(2031, 1, 5))
        consequences.confirm(s, REVIEWER, flag_id, decision_no="青委〔2028〕2号", decided_on=dt.date(2028, 1, 10))
        found = resignation.record_refusal(s, REVIEWER, flag_id, on=dt.date(2028, 2, 1), note="拒不辞职",
                                           today=dt.date(2031, 1, 6))
        assert len(found) == 1 and [f.rule_code for f in findings_of(s, again)] == ["S4"]


def test_resignation_ends_the_roles(db, world):
    from villagevote.models.tracking import AssessedRole
    from villagevote.tracking.roles import roles_for_elected

    with db.session() as s:
        _elect(s, world)
        roles_for_elected(s, CLERK, world.cycle_id)
        wang = _person(s, world, "王小明")
        _special_item(s, world, "王小明")
        [flag_id] = resignation.propose_triggers(s, CLERK, cycle_id=world.cycle_id, person_id=wang,
                                                 as_of=dt.date(2027, 12, 31))
        consequences.confirm(s, REVIEWER, flag_id, decision_no="青委〔2028〕2号", decided_on=dt.date(2028, 1, 10))
        resignation.record_resignation(s, REVIEWER, flag_id, on=dt.date(2028, 1, 20), today=dt.date(2028, 2, 1))
        flag = s.get(Flag, flag_id)
        assert flag.state == ConsequenceState.EXECUTED and flag.outcome == ResignationOutcome.RESIGNED
        role = s.scalar(select(AssessedRole).where(AssessedRole.person_id == wang))
        assert role.ends_on == dt.date(2028, 1, 20)
        # out of office from 2029: an evaluation of 2029 refuses him
        sid = sessions.create_session(s, CLERK, cycle_id=world.cycle_id, village_id=world.villages["青山村"],
                                      year=2029, kind="people", meeting="representatives", scale=THREE, due=45,
                                      present=40, held_on=dt.date(2029, 12, 20), today=dt.date(2030, 1, 1))
        with pytest.raises(ValidationError, match="王小明（主任）该年度不在任"):
            sessions.enter_counts(s, CLERK, sid, [CountInput(wang, counts={"满意": 30})])


def test_an_exemption_neutralises_a_verdict_and_a_trigger(db, world):
    with db.session() as s:
        _elect(s, world)
        wang, fang = _person(s, world, "王小明"), _person(s, world, "方芳")
        item = _special_item(s, world, "王小明")
        # the item: exempted (不可抗力) → verdict 未兑现·免责, not broken, no term_goals trigger, not in the rate
        exemptions.grant_exemption(s, REVIEWER, category=ExemptionCategory.FORCE_MAJEURE, reason="特大洪水冲毁工程",
                                   decision_no="青委〔2027〕9号", decided_on=dt.date(2027, 7, 20), commitment_id=item)
        [judged] = term_verdicts.judge_items(s, world.cycle_id, as_of=dt.date(2027, 12, 31), ids=[item])
        assert judged.verdict.verdict == "excused" and "免责" in judged.verdict.why
        assert not judged.verdict.evidence_missing  # it cites the decision
        [wang_triggers] = resignation.evaluate_triggers(s, cycle_id=world.cycle_id, person_id=wang,
                                                        as_of=dt.date(2027, 12, 31))
        assert wang_triggers.fired == []
        # the person's year: 方芳 不称职 in 2027 and 2028, but 2028 is on the 保护清单
        exemptions.grant_exemption(s, REVIEWER, category=ExemptionCategory.EXTERNAL, reason="承担征迁攻坚，群众误解",
                                   decision_no="青委〔2029〕2号", decided_on=dt.date(2029, 1, 5), person_id=fang,
                                   year=2028)
        _unfit(s, world, 2027, ["方芳"])
        _unfit(s, world, 2028, ["方芳"])
        flags = {(FlagKind(f.kind), f.rule): f for f in s.scalars(select(Flag).where(Flag.person_id == fang,
                                                                                       Flag.year == 2028))}
        trigger = flags[(FlagKind.RESIGNATION_TRIGGER, "annual_evaluation")]
        termination = flags[(FlagKind.TERMINATION, "unfit_years")]
        for f in (trigger, termination):
            assert f.state == ConsequenceState.WAIVED and "保护清单" in f.note and f.decision_no == "青委〔2029〕2号"
        [fang_triggers] = resignation.evaluate_triggers(s, cycle_id=world.cycle_id, person_id=fang,
                                                        as_of=dt.date(2028, 12, 31))
        annual = next(r for r in fang_triggers.results if r.code == "annual_evaluation")
        assert annual.fired is False and annual.neutralised is True and "保护清单" in annual.why
        with pytest.raises(ValidationError, match="免责"):
            resignation.record_refusal(s, REVIEWER, trigger.id, on=dt.date(2029, 2, 1), note="拒不辞职",
                                       today=dt.date(2029, 3, 1))


def test_meetings_and_absences_fire_their_triggers(db, world):
    with db.session() as s:
        _elect(s, world)
        wang, fang = _person(s, world, "王小明"), _person(s, world, "方芳")
        village = world.villages["青山村"]
        days = [dt.date(2027, 1, 10), dt.date(2027, 4, 10), dt.date(2027, 8, 10), dt.date(2028, 1, 9)]
        for day in days:
            attendance.record_meeting(s, CLERK, cycle_id=world.cycle_id, village_id=village, held_on=day,
                                      kind="committees", title="两委会议",
                                      absent=[AbsentInput(wang), AbsentInput(fang, True, "住院")],
                                      today=dt.date(2028, 6, 1))
        attendance.record_absence(s, CLERK, cycle_id=world.cycle_id, person_id=fang, from_on=dt.date(2027, 3, 1),
                                  to_on=dt.date(2027, 8, 31), reason="外出务工", today=dt.date(2028, 6, 1))
        result = {p.person_id: {f.code for f in p.fired} for p in resignation.evaluate_triggers(
            s, cycle_id=world.cycle_id, as_of=dt.date(2028, 6, 1))}
        # four absences without reason within 12 months (the 4th before 2028-01-10); 方芳 excused each time but
        # away 2027-03-01 … 08-31, which is six months
        assert result[wang] == {"missed_meetings"}
        assert result[fang] == {"long_absence"}
        # bad input
        with pytest.raises(ValidationError, match="两次"):
            attendance.record_meeting(s, CLERK, cycle_id=world.cycle_id, village_id=village,
                                      held_on=dt.date(2028, 2, 1), kind="committees",
                                      absent=[AbsentInput(wang), AbsentInput(wang)], today=dt.date(2028, 6, 1))
        with pytest.raises(ValidationError, match="请写明理由"):
            attendance.record_meeting(s, CLERK, cycle_id=world.cycle_id, village_id=village,
                                      held_on=dt.date(2028, 2, 1), kind="committees",
                                      absent=[AbsentInput(wang, True)], today=dt.date(2028, 6, 1))
        with pytest.raises(ValidationError, match="重叠"):
            attendance.record_absence(s, CLERK, cycle_id=world.cycle_id, person_id=fang,
                                      from_on=dt.date(2027, 8, 1), today=dt.date(2028, 6, 1))
        with pytest.raises(ValidationError, match="晚于今天"):
            attendance.record_absence(s, CLERK, cycle_id=world.cycle_id, person_id=fang,
                                      from_on=dt.date(2028, 7, 1), today=dt.date(2028, 6, 1))


def test_the_signed_pledge_sets_the_trigger_thresholds(db, world):
    """A pledge that says 5 absences (not the default 4) and has no long-absence clause: 4 absences and a six-month
    absence fire nothing."""
    from villagevote.pledges.templates import ResignationTrigger

    def edit(default):
        out = []
        for t in default:
            if t.code == "long_absence":
                continue
            if t.code == "missed_meetings":
                t = ResignationTrigger(t.code, "一年内无正当理由累计5次以上不参加村级组织重要会议的",
                                       {"count": 5, "period_months": 12})
            out.append(t)
        return out

    with db.session() as s:
        _elect(s, world, triggers=edit)
        wang = _person(s, world, "王小明")
        for day in (dt.date(2027, 1, 10), dt.date(2027, 4, 10), dt.date(2027, 8, 10), dt.date(2027, 11, 9)):
            attendance.record_meeting(s, CLERK, cycle_id=world.cycle_id, village_id=world.villages["青山村"],
                                      held_on=day, kind="committees", absent=[AbsentInput(wang)],
                                      today=dt.date(2028, 6, 1))
        attendance.record_absence(s, CLERK, cycle_id=world.cycle_id, person_id=wang, from_on=dt.date(2027, 3, 1),
                                  to_on=dt.date(2027, 8, 31), today=dt.date(2028, 6, 1))
        [p] = resignation.evaluate_triggers(s, cycle_id=world.cycle_id, person_id=wang, as_of=dt.date(2027, 12, 31))
        results = {r.code: r for r in p.results}
        assert p.fired == []
        assert "未达到 5 次" in results["missed_meetings"].why
        assert results["long_absence"].why == "本人签订的辞职承诺不含此情形"
