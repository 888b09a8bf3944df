"""Evaluation sessions in the database (issue 18 item 1, tracking.md A4): create, enter counts (checked by the
engine before anything is stored), confirm (grades frozen, consequences proposed), and every bad input of the issue
refused in Chinese naming the cadre and the number, with nothing stored."""
from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import func, select

from villagevote.audit import Actor
from villagevote.candidates.sample import build_world
from villagevote.errors import PermissionDenied, ValidationError
from villagevote.evaluation import queries, sessions
from villagevote.evaluation.sessions import CountInput
from villagevote.models import Candidacy, Organization, Person, Setting
from villagevote.models.enums import (
    CandidacyStatus,
    ConsequenceState,
    FlagKind,
    NominationSource,
    OrgKind,
    Role,
)
from villagevote.models.evaluation import EvaluationCount, EvaluationSession
from villagevote.models.tracking import AssessedRole, Flag
from villagevote.tracking import consequences

CLERK = Actor(None, "clerk", Role.CLERK, "录入员甲")
REVIEWER = Actor(None, "reviewer", Role.REVIEWER, "审核员乙")
VIEWER = Actor(None, "viewer", Role.READONLY)
ELECTION = dt.date(2026, 3, 15)
TODAY = dt.date(2029, 6, 1)
THREE = ["满意", "基本满意", "不满意"]


def elect(s, world, village: str, name: str, kind: OrgKind, post: str) -> tuple[int, int]:
    """A person elected to a post (hand-made: the elections module is tested elsewhere); (person id, candidacy id)."""
    person = Person(name=name, village_id=world.villages[village])
    s.add(person)
    s.flush()
    org = s.get(Organization, world.orgs[(village, kind)])
    cand = Candidacy(person_id=person.id, organization_id=org.id, cycle_id=world.cycle_id, post=post,
                     source=NominationSource.SELF, status=CandidacyStatus.ELECTED)
    s.add(cand)
    s.flush()
    return person.id, cand.id


@pytest.fixture
def town(db):
    with db.session() as s:
        world = build_world(s, election_day=ELECTION)
        people = {}
        for name, kind, post in (("王主任", OrgKind.VILLAGE_COMMITTEE, "主任"),
                                 ("丁书记", OrgKind.PARTY_BRANCH, "书记"),
                                 ("李委员", OrgKind.VILLAGE_COMMITTEE, "委员")):
            people[name] = elect(s, world, "青山村", name, kind, post)
        outsider = Person(name="赵外人", village_id=world.villages["青山村"])
        s.add(outsider)
        s.flush()
        people["赵外人"] = (outsider.id, None)
        world.people = people  # type: ignore[attr-defined]
        return world


def new_session(s, town, year=2027, kind="people", meeting="representatives", due=45, present=40, **kw) -> int:
    args = dict(cycle_id=town.cycle_id, village_id=town.villages["青山村"], year=year, kind=kind, meeting=meeting,
                scale=THREE, due=due, present=present, first_ballot_no=1, scrutineers="张监票", counters="李计票",
                held_on=dt.date(year, 12, 20), today=TODAY)
    args.update(kw)
    return sessions.create_session(s, CLERK, **args)


def pid(town, name):
    return town.people[name][0]


def row(town, name, satisfied, basic, unsatisfied, blank=0, invalid=0):
    return CountInput(pid(town, name), counts={"满意": satisfied, "基本满意": basic, "不满意": unsatisfied},
                      blank=blank, invalid=invalid)


def test_create_enter_confirm_grades_and_proposals(db, town):
    with db.session() as s:
        sid = new_session(s, town)
        answer = sessions.enter_counts(s, CLERK, sid, [
            row(town, "王主任", 38, 2, 0),             # 38/40 = 95 % → 优秀, 表彰
            row(town, "丁书记", 20, 8, 12),            # 12/40 = 30 % exactly → 基本称职, 诫勉谈话
            row(town, "李委员", 10, 8, 20, blank=2),   # 20/38 ≥ 50 % → 不称职 (blanks not in the denominator)
        ])
        assert answer["valid"] is True
        # before confirmation: the grades are a preview, nothing proposed yet
        assert s.scalar(select(func.count()).select_from(Flag)) == 0
        detail = queries.session_detail(s, sid)
        assert [c.grade for c in detail.counts] == ["优秀", "基本称职", "不称职"]
        assert not detail.summary.confirmed and detail.last_ballot_no == 40
        assert "达到三分之二以上（至少 30 人）" in detail.quorum_text
        with pytest.raises(PermissionDenied):
            sessions.confirm_session(s, CLERK, sid)
        ids = sessions.confirm_session(s, REVIEWER, sid, today=TODAY)
        flags = {(f.person_id, FlagKind(f.kind)): f for f in s.scalars(select(Flag))}
        assert set(flags) == {(pid(town, "王主任"), FlagKind.COMMENDATION),
                              (pid(town, "丁书记"), FlagKind.WARNING_TALK),
                              (pid(town, "李委员"), FlagKind.WARNING_TALK)}
        assert sorted(ids) == sorted(f.id for f in flags.values())
        talk = flags[(pid(town, "丁书记"), FlagKind.WARNING_TALK)]
        assert talk.state == ConsequenceState.PROPOSED and talk.rule == "warning_percent"
        assert talk.source_type == "evaluation_count" and talk.year == 2027
        assert talk.village_id == town.villages["青山村"] and talk.cycle_id == town.cycle_id
        assert "30.0%" in talk.why and "诫勉谈话" in talk.why
        grades = dict(s.execute(select(EvaluationCount.name, EvaluationCount.grade)).tuples().all())
        assert grades == {"王主任": "优秀", "丁书记": "基本称职", "李委员": "不称职"}
        frozen = s.get(EvaluationSession, sid)
        assert frozen.result["valid"] is True and frozen.confirmed_by == "审核员乙"
        # idempotent; the counts are frozen
        assert sessions.confirm_session(s, REVIEWER, sid, today=TODAY) == ids
        assert s.scalar(select(func.count()).select_from(Flag)) == 3
        with pytest.raises(ValidationError, match="已由审核员乙确认"):
            sessions.enter_counts(s, CLERK, sid, [row(town, "王主任", 40, 0, 0)])
        # the reviewer confirms one proposal with a decision number (tracking.consequences)
        consequences.confirm(s, REVIEWER, talk.id, decision_no="东委〔2028〕3号", decided_on=dt.date(2028, 1, 5))
        confirmed = queries.proposals(s, town.cycle_id, state=ConsequenceState.CONFIRMED)
        assert [(p.name, p.kind_label, p.decision_no) for p in confirmed] == [("丁书记", "诫勉谈话", "东委〔2028〕3号")]


def _nothing_stored(s, sid):
    assert s.scalar(select(func.count()).select_from(EvaluationCount).where(EvaluationCount.session_id == sid)) == 0


def test_counts_exceeding_those_present_are_refused(db, town):
    with db.session() as s:
        sid = new_session(s, town, present=40)
        with pytest.raises(ValidationError) as err:
            sessions.enter_counts(s, CLERK, sid, [row(town, "王主任", 30, 8, 2, blank=1)])
        assert "王主任（主任）的票数合计 41 张" in err.value.message and "多于实到 40 人" in err.value.message
        _nothing_stored(s, sid)


def test_a_choice_not_on_the_scale_is_refused(db, town):
    with db.session() as s:
        sid = new_session(s, town)
        bad = CountInput(pid(town, "丁书记"), counts={"满意": 30, "称职": 5})
        with pytest.raises(ValidationError) as err:
            sessions.enter_counts(s, CLERK, sid, [bad])
        assert "丁书记（书记）的“称职”5 票" in err.value.message and "不是本次评议的档次" in err.value.message
        _nothing_stored(s, sid)


def test_a_session_below_quorum_is_refused(db, town):
    with db.session() as s:
        with pytest.raises(ValidationError) as err:
            new_session(s, town, due=45, present=29)
        assert "应到 45 人，实到 29 人，未达到三分之二以上（须至少 30 人）" in err.value.message
        assert s.scalar(select(func.count()).select_from(EvaluationSession)) == 0
        # exactly two thirds is a quorum; 村民会议 needs more than half
        new_session(s, town, due=45, present=30)
        with pytest.raises(ValidationError, match="实到 20 人，未达到过半数（须至少 21 人）"):
            new_session(s, town, meeting="villagers", due=40, present=20)
        # the township's own quorum rule (setting) is copied into the session
        s.add(Setting(key="evaluation.thresholds", value={"quorum": {"村民会议": ">=1/2"}}))
        s.flush()
        sid = new_session(s, town, meeting="villagers", due=40, present=20)
        assert s.get(EvaluationSession, sid).thresholds == {"quorum": {"村民会议": ">=1/2"}}


def test_a_cadre_not_in_office_that_year_is_refused(db, town):
    with db.session() as s:
        sid = new_session(s, town)
        with pytest.raises(ValidationError) as err:
            sessions.enter_counts(s, CLERK, sid, [row(town, "赵外人", 30, 5, 5)])
        assert "赵外人该年度不在任" in err.value.message
        _nothing_stored(s, sid)
        # a cadre whose role ended before the year is out of office; in the year it ended he still counts
        s.add(AssessedRole(cycle_id=town.cycle_id, person_id=pid(town, "李委员"), kind="elected", title="委员",
                           village_id=town.villages["青山村"], candidacy_id=town.people["李委员"][1],
                           starts_on=ELECTION, ends_on=dt.date(2026, 11, 30), end_reason="辞职"))
        s.flush()
        with pytest.raises(ValidationError, match="李委员（委员）该年度不在任"):
            sessions.enter_counts(s, CLERK, sid, [row(town, "李委员", 30, 5, 5)])
        _nothing_stored(s, sid)
        assert [c.name for c in queries.cadres_in_office(s, town.cycle_id, town.villages["青山村"], 2027)] == [
            "丁书记", "王主任"]
        assert "李委员" in [c.name for c in queries.cadres_in_office(s, town.cycle_id, town.villages["青山村"], 2026)]


def test_the_same_person_twice_is_refused(db, town):
    with db.session() as s:
        sid = new_session(s, town)
        with pytest.raises(ValidationError) as err:
            sessions.enter_counts(s, CLERK, sid, [row(town, "王主任", 30, 5, 5), row(town, "王主任", 31, 5, 4)])
        assert "王主任 在被评议人中出现 2 次" in err.value.message
        _nothing_stored(s, sid)


def test_bad_sessions_are_refused(db, town):
    with db.session() as s:
        with pytest.raises(ValidationError, match="2032 年不在本届任期内（2026—2031 年）"):
            new_session(s, town, year=2032, held_on=dt.date(2028, 1, 1))
        with pytest.raises(ValidationError, match="实到 46 人，多于应到 45 人"):
            new_session(s, town, due=45, present=46)
        with pytest.raises(ValidationError, match="发出评议票 41 张，多于实到 40 人"):
            new_session(s, town, ballots_issued=41)
        with pytest.raises(ValidationError, match="评议档次"):
            new_session(s, town, scale=["满意"])
        new_session(s, town)
        with pytest.raises(ValidationError, match="已经登记"):
            new_session(s, town)
        with pytest.raises(PermissionDenied):
            sessions.create_session(s, VIEWER, cycle_id=town.cycle_id, village_id=town.villages["青山村"],
                                    year=2028, kind="people", meeting="representatives", scale="satisfaction",
                                    due=45, present=40, held_on=dt.date(2028, 12, 1), today=TODAY)


def test_two_years_unfit_proposes_termination_and_the_trigger(db, town):
    with db.session() as s:
        for year in (2027, 2028):
            sid = new_session(s, town, year=year)
            sessions.enter_counts(s, CLERK, sid, [row(town, "李委员", 10, 5, 25), row(town, "丁书记", 10, 5, 25)])
            sessions.confirm_session(s, REVIEWER, sid, today=TODAY)
        flags = list(s.scalars(select(Flag).where(Flag.year == 2028)))
        by = {(f.person_id, FlagKind(f.kind)): f for f in flags}
        li, ding = pid(town, "李委员"), pid(town, "丁书记")
        assert (li, FlagKind.TERMINATION) in by and (ding, FlagKind.TEAM_ADJUSTMENT) in by  # 组织法 §33: 村委会 only
        trigger = by[(li, FlagKind.RESIGNATION_TRIGGER)]
        assert trigger.rule == "annual_evaluation" and "2027 年、2028 年" in trigger.why
        assert not any(FlagKind(f.kind) is FlagKind.TERMINATION for f in s.scalars(select(Flag).where(Flag.year == 2027)))


def test_a_session_of_another_kind_is_not_history(db, town):
    """The 镇评 of last year does not make this year's 民评 the second year running."""
    with db.session() as s:
        sid = new_session(s, town, year=2027, kind="township", meeting="township_panel", due=9, present=9)
        sessions.enter_counts(s, CLERK, sid, [row(town, "李委员", 1, 2, 6)])
        sessions.confirm_session(s, REVIEWER, sid, today=TODAY)
        sid = new_session(s, town, year=2028)
        sessions.enter_counts(s, CLERK, sid, [row(town, "李委员", 10, 5, 25)])
        sessions.confirm_session(s, REVIEWER, sid, today=TODAY)
        assert not list(s.scalars(select(Flag).where(Flag.kind == FlagKind.TERMINATION)))


def test_entering_again_replaces_and_merging_keeps_the_others(db, town):
    with db.session() as s:
        sid = new_session(s, town)
        sessions.enter_counts(s, CLERK, sid, [row(town, "王主任", 30, 5, 5), row(town, "丁书记", 30, 5, 5)])
        sessions.enter_counts(s, CLERK, sid, [row(town, "丁书记", 35, 5, 0)], replace=False)
        got = {c.name: c.counts["满意"] for c in s.scalars(select(EvaluationCount))}
        assert got == {"王主任": 30, "丁书记": 35}
        sessions.enter_counts(s, CLERK, sid, [row(town, "丁书记", 36, 4, 0)])
        assert [c.name for c in s.scalars(select(EvaluationCount))] == ["丁书记"]
        assert [x.cadres for x in queries.sessions_of(s, town.cycle_id, year=2027)] == [1]


def test_one_person_in_both_bodies_is_one_cadre_and_a_committee_member(db, town):
    """一肩挑: 丁书记 is also elected 主任 of the village committee — one row, both posts, and 不称职 twice ends
    the committee office (职务终止), not only a 班子调整."""
    with db.session() as s:
        ding = pid(town, "丁书记")
        org = s.scalar(select(Organization).where(Organization.id == town.orgs[("青山村", OrgKind.VILLAGE_COMMITTEE)]))
        s.add(Candidacy(person_id=ding, organization_id=org.id, cycle_id=town.cycle_id, post="副主任",
                        source=NominationSource.SELF, status=CandidacyStatus.ELECTED))
        s.flush()
        rows = queries.cadres_in_office(s, town.cycle_id, town.villages["青山村"], 2027)
        assert [(r.name, r.post, r.body) for r in rows if r.name == "丁书记"] == [
            ("丁书记", "书记、副主任", "village_committee")]
        for year in (2027, 2028):
            sid = new_session(s, town, year=year)
            sessions.enter_counts(s, CLERK, sid, [row(town, "丁书记", 10, 5, 25)])
            sessions.confirm_session(s, REVIEWER, sid, today=TODAY)
        kinds = {FlagKind(f.kind) for f in s.scalars(select(Flag).where(Flag.year == 2028))}
        assert FlagKind.TERMINATION in kinds and FlagKind.TEAM_ADJUSTMENT not in kinds
