"""From the database to the indicators: elected candidacies, contests, representatives, the previous cycle (stored or
imported), and the settings (reference date, 预备党员)."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from sqlalchemy import select

from villagevote import township as tw
from villagevote.errors import PermissionDenied, ValidationError
from villagevote.models.candidates import Candidacy, Person
from villagevote.models.core import Organization
from villagevote.models.elections import Contest, ContestPost, Result
from villagevote.models.enums import (
    CandidacyStatus,
    CommitmentStatus,
    ContestRound,
    Education,
    EvaluationKind,
    ExemptionCategory,
    FlagKind,
    Gender,
    MeetingKind,
    NominationSource,
    OrgKind,
    PoliticalStatus,
    SupervisionLevel,
    SupervisionReason,
)
from villagevote.models.evaluation import EvaluationCount, EvaluationSession
from villagevote.models.statistics import PreviousRosterEntry
from villagevote.models.tracking import Commitment, Exemption, Flag, ProgressReport, Supervision
from villagevote.seed import set_setting
from villagevote.statistics import options, roster
from villagevote.statistics.catalog import Value
from villagevote.statistics.compliance import consistency_errors
from villagevote.statistics.gather import gather
from villagevote.statistics.indicators import compute
from villagevote.statistics.queries import structure_view, tracking_view
from villagevote.statistics.tracking_stats import gather_tracking, tracking_values
from villagevote.tracking.monthly import monthly_comparison


def _org(s, village_id: int, cycle_id: int, kind: OrgKind) -> Organization:
    org = s.scalar(select(Organization).where(Organization.village_id == village_id,
                                              Organization.cycle_id == cycle_id, Organization.kind == kind))
    assert org is not None
    return org


def _person(s, name: str, gender: Gender, born: dt.date | None, edu: Education | None,
            status: PoliticalStatus | None, village_id: int) -> Person:
    person = Person(name=name, gender=gender, birth_date=born, education=edu, political_status=status,
                    village_id=village_id)
    s.add(person)
    s.flush()
    return person


def _elect(s, person: Person, org: Organization, post: str,
           status: CandidacyStatus = CandidacyStatus.ELECTED) -> None:
    s.add(Candidacy(person_id=person.id, organization_id=org.id, cycle_id=org.cycle_id, post=post,
                    source=NominationSource.SELF, status=status))
    s.flush()


def _contest(s, org: Organization, *, round_: ContestRound = ContestRound.FIRST, seats: int = 3, elected: int = 3,
             official: bool = True, valid: bool = True, electorate: int = 0, returned: int = 0,
             present: int | None = None, held_on: dt.date | None = None) -> None:
    c = Contest(organization_id=org.id, round=round_, official=official, electorate=electorate,
                ballots_returned=returned, present=present, held_on=held_on)
    c.posts = [ContestPost(post="委员", rank=1, seats=seats)]
    s.add(c)
    s.flush()
    s.add(Result(contest_id=c.id, valid=valid,
                 decision={"valid": valid, "elected": [{"name": f"n{i}", "post": "委员"} for i in range(elected)]}))
    s.flush()


def _table(values: list[Value]) -> dict[tuple[str, str], tuple[int, int]]:
    return {(v.village_code, v.indicator): (v.numerator, v.denominator) for v in values}


def test_gather_from_the_database(db, township, admin, clerk) -> None:
    east, west, _south = township.village_ids
    with db.session() as s:
        previous = tw.create_cycle(s, admin, township.township_id, "2021年换届", 2021, dt.date(2021, 12, 20))
        zhang = _person(s, "张一", Gender.MALE, dt.date(1970, 3, 1), Education.BACHELOR, PoliticalStatus.PARTY_MEMBER,
                        east)
        li = _person(s, "李二", Gender.FEMALE, dt.date(1991, 12, 20), Education.SENIOR, PoliticalStatus.PROBATIONARY,
                     east)
        wang = _person(s, "王三", Gender.MALE, dt.date(1960, 1, 1), Education.JUNIOR, PoliticalStatus.MASSES, east)
        old = _person(s, "孙老", Gender.MALE, dt.date(1950, 6, 1), None, None, east)
        # previous cycle in the database: 张一 and 孙老 in 东村's two bodies
        _elect(s, zhang, _org(s, east, previous, OrgKind.PARTY_BRANCH), "书记")
        _elect(s, old, _org(s, east, previous, OrgKind.VILLAGE_COMMITTEE), "主任")
        # this cycle: 张一 书记 + 主任 (一肩挑), 李二 branch 委员, 王三 村委会 委员; 李二 not elected to the 村委会
        pb, vc = _org(s, east, township.cycle_id, OrgKind.PARTY_BRANCH), _org(s, east, township.cycle_id,
                                                                              OrgKind.VILLAGE_COMMITTEE)
        _elect(s, zhang, pb, "书记")
        _elect(s, zhang, vc, "主任")
        _elect(s, li, pb, "委员")
        _elect(s, wang, vc, "委员")
        _elect(s, li, vc, "副主任", CandidacyStatus.NOT_ELECTED)
        _contest(s, pb, seats=2, elected=2, electorate=30, present=27)
        _contest(s, vc, seats=3, elected=2, electorate=800, returned=700)
        _contest(s, vc, round_=ContestRound.ADDITIONAL, seats=1, elected=0, held_on=dt.date(2026, 12, 27))
        # 西村: a first round that is not official yet
        _contest(s, _org(s, west, township.cycle_id, OrgKind.VILLAGE_COMMITTEE), official=False, electorate=500,
                 returned=450)
    with db.session() as s:
        for name, gender, status in (("甲", Gender.FEMALE, PoliticalStatus.PARTY_MEMBER),
                                     ("乙", Gender.MALE, PoliticalStatus.PROBATIONARY),
                                     ("丙", Gender.MALE, PoliticalStatus.MASSES)):
            roster.add_representative(s, clerk, east, name, gender=gender, political_status=status)
        set_setting(s, admin, "statistics.stat_date", "2026-12-20")
    with db.read_session() as s:
        data = gather(s)
    assert data.stat_date == dt.date(2026, 12, 20)
    assert data.previous_stat_date == dt.date(2021, 12, 20)  # the previous cycle's election day
    assert [v.code for v in data.villages] == ["001", "002", "003"]
    got = _table(compute(data))
    assert got[("001", "S10.members")] == (2, 1)
    assert got[("001", "S11.members")] == (2, 1)
    assert got[("001", "S12.members")] == (3, 1)  # 张一 once
    assert got[("001", "S14.one_shoulder")] == (1, 1)
    assert got[("001", "S30.age_le35")] == (1, 1)  # 李二 35 on 2026-12-20 exactly
    assert got[("001", "S30.youth_villages")] == (1, 1)
    # 连任: 张一 (in the previous 党组织); 新进: 李二, 王三
    assert got[("001", "S60.reelected")] == (1, 1) and got[("001", "S60.new")] == (2, 1)
    # previous average on 2021-12-20: 张一 51, 孙老 71 → 122/2
    assert got[("001", "S60.prev_avg_age")] == (122, 2)
    assert got[("002", "S60.new_rate")] == (0, 0)  # 西村 had nobody elected last cycle
    # 村委会 first round filled 2 of 3 → not a first-round success; the additional election was held
    assert got[("001", "S03.first_success")] == (0, 1)
    assert got[("001", "S04.additional")] == (1, 1)
    assert got[("001", "S80.turnout")] == (700, 800)
    assert got[("001", "S80.party_attendance")] == (27, 30)
    assert got[("002", "S80.turnout")] == (450, 500)  # counted, though not yet official
    # 预备党员 counted by default: 李二 is not on the 村委会; representatives 甲 + 乙 of 3
    assert got[("001", "S70.reps_party")] == (2, 1)
    assert consistency_errors(compute(data)) == []
    with db.session() as s:
        set_setting(s, admin, "statistics.count_probationary", False)
    with db.read_session() as s:
        strict = _table(compute(gather(s)))
    assert strict[("001", "S70.reps_party")] == (1, 1)


def test_previous_roster_imported_when_the_previous_cycle_is_not_in_the_database(db, township, admin) -> None:
    east = township.village_ids[0]
    with db.session() as s:
        zhang = _person(s, "张一", Gender.MALE, dt.date(1970, 3, 1), None, None, east)
        zhang2 = _person(s, "张 二", Gender.MALE, dt.date(1980, 3, 1), None, None, east)
        other = _person(s, "张一", Gender.MALE, dt.date(1985, 1, 1), None, None, east)  # same name, another person
        pb = _org(s, east, township.cycle_id, OrgKind.PARTY_BRANCH)
        vc = _org(s, east, township.cycle_id, OrgKind.VILLAGE_COMMITTEE)
        _elect(s, zhang, pb, "书记")
        _elect(s, zhang2, pb, "委员")
        _elect(s, other, vc, "主任")
        s.add_all([
            PreviousRosterEntry(cycle_id=township.cycle_id, village_id=east, name="张一",
                                birth_date=dt.date(1970, 3, 1), body=OrgKind.PARTY_BRANCH, post="书记"),
            PreviousRosterEntry(cycle_id=township.cycle_id, village_id=east, name="张二", birth_date=None,
                                body=OrgKind.VILLAGE_COMMITTEE, post="委员"),
        ])
    with db.read_session() as s:
        data = gather(s)
    # reference date: the cycle's election day; previous: five years (term_years) earlier
    assert data.stat_date == township.election_day
    assert data.previous_stat_date == dt.date(2021, 12, 20)
    got = _table(compute(data))
    # 张一 (1970) matches by name and birth date, 张 二 by name (the roster has no birth date); the other 张一 (1985)
    # does not match the 1970 entry → 新进
    assert got[("001", "S60.reelected")] == (2, 1)
    assert got[("001", "S60.new")] == (1, 1)
    assert got[("001", "S60.prev_avg_age")] == (51, 1)  # only 张一 has a birth date: 51 on 2021-12-20


def test_tracking_statistics_from_the_database(db, township, admin) -> None:
    east, west, _south = township.village_ids
    d = dt.date
    with db.session() as s:
        person = _person(s, "张一", Gender.MALE, d(1970, 3, 1), None, None, east)
        vc = _org(s, east, township.cycle_id, OrgKind.VILLAGE_COMMITTEE)
        _elect(s, person, vc, "主任")
        cand = s.scalar(select(Candidacy).where(Candidacy.person_id == person.id))
        done = Commitment(cycle_id=township.cycle_id, village_id=east, title="修路", status=CommitmentStatus.CLOSED,
                          registered_on=d(2027, 3, 1), deadline=d(2027, 4, 30), deadline_current=d(2027, 4, 30),
                          weight=Decimal("2.5"), reported_done_on=d(2027, 4, 20), closed_on=d(2027, 4, 25))
        late = Commitment(cycle_id=township.cycle_id, village_id=east, title="建桥", status=CommitmentStatus.OVERDUE,
                          registered_on=d(2027, 5, 3), deadline=d(2027, 5, 20), deadline_current=d(2027, 5, 20))
        excused = Commitment(cycle_id=township.cycle_id, village_id=west, title="治水",
                             status=CommitmentStatus.EXCUSED, registered_on=d(2027, 3, 1), deadline=d(2027, 5, 1),
                             deadline_current=d(2027, 5, 1))
        s.add_all([done, late, excused])
        s.flush()
        s.add(Supervision(commitment_id=late.id, level=SupervisionLevel.TOWNSHIP, reason=SupervisionReason.OVERDUE,
                          notice_no="督-1", issued_on=d(2027, 5, 21), limit_date=d(2027, 6, 10)))
        s.add(Exemption(commitment_id=excused.id, category=next(iter(ExemptionCategory)), reason="暴雨",
                        decided_on=d(2027, 4, 20)))
        # 建桥 (registered Monday 3 May) owes W18–W21: on time in W19, late in W20, none in W18 and W21
        s.add(ProgressReport(commitment_id=late.id, period="2027-W19", reported_on=d(2027, 5, 17), percent=10))
        s.add(ProgressReport(commitment_id=late.id, period="2027-W20", reported_on=d(2027, 5, 26), percent=20,
                             on_time=False))
        s.add(Flag(candidacy_id=cand.id if cand else None, cycle_id=township.cycle_id, kind=FlagKind.REMINDER_TALK,
                   raised_on=d(2027, 5, 22)))
        session_row = EvaluationSession(cycle_id=township.cycle_id, village_id=east, year=2027,
                                        kind=EvaluationKind.PEOPLE, meeting=MeetingKind.REPRESENTATIVES,
                                        scale=["满意", "基本满意", "不满意"], held_on=d(2027, 5, 8))
        s.add(session_row)
        s.flush()
        s.add(EvaluationCount(session_id=session_row.id, person_id=person.id, name="张一", grade="称职"))
    with db.read_session() as s:
        data = gather_tracking(s, "2027-05", as_of=d(2027, 6, 15))
        values = {(v.village_code, v.indicator): (v.numerator, v.denominator) for v in tracking_values(
            s, "2027-05", as_of=d(2027, 6, 15))}
    assert data.as_of == d(2027, 5, 31)  # capped at the end of the period
    assert values[("001", "J01.registered")] == (2, 1)
    assert values[("001", "J01.new")] == (1, 1)
    assert values[("001", "J01.overdue")] == (1, 1)
    assert values[("001", "J01.supervised")] == (1, 1)
    assert values[("002", "J01.exempted")] == (1, 1)
    assert values[("001", "J02.closed_rate")] == (1, 2)
    assert values[("001", "J02.closed_weight_rate")] == (250, 350)  # weights in hundredths
    assert values[("001", "J02.report_rate")] == (1, 4)
    assert values[("002", "J02.closed_rate")] == (0, 0)  # the 免责 item is not due
    assert values[("001", "J03.grade_pass")] == (1, 1)
    assert values[("001", "J05.reminder_talk")] == (1, 1)  # the village from the cadre's candidacy
    assert values[("", "J04.proposed")] == (1, 1)
    # the same figures as the 月查月比表 of the tracking pages
    with db.read_session() as s:
        month = {r.village: r for r in monthly_comparison(s, cycle_id=township.cycle_id, month="2027-05",
                                                         today=d(2027, 6, 15))}
    for code, name in (("001", "东村"), ("002", "西村")):
        row = month[name]
        assert [values[(code, f"J01.{k}")][0] for k in
                ("registered", "new", "reported", "closed", "overdue", "supervised")] == [
            row.registered, row.new, row.reported_done, row.closed, row.overdue, row.supervised]
        assert values[(code, "J02.report_rate")] == (row.reports_on_time, row.reports_due)


def test_options_and_the_page_views(db, township, admin, clerk, readonly) -> None:
    east = township.village_ids[0]
    d = dt.date
    with db.session() as s, pytest.raises(PermissionDenied):
        options.set_stat_dates(s, readonly, d(2026, 12, 31))
    with db.session() as s, pytest.raises(ValidationError, match="应早于本届统计时点"):
        options.set_stat_dates(s, clerk, d(2026, 12, 31), d(2027, 1, 1))
    with db.session() as s, pytest.raises(PermissionDenied):
        options.set_count_probationary(s, clerk, False)
    with db.session() as s:
        options.set_stat_dates(s, clerk, d(2026, 12, 31), d(2021, 12, 31))
        options.set_count_probationary(s, admin, False)
        zhang = _person(s, "张一", Gender.FEMALE, d(1991, 12, 31), Education.SENIOR, PoliticalStatus.PROBATIONARY,
                        east)
        vc = _org(s, east, township.cycle_id, OrgKind.VILLAGE_COMMITTEE)
        _elect(s, zhang, vc, "主任")
        cand = s.scalar(select(Candidacy).where(Candidacy.person_id == zhang.id))
        s.add(Commitment(cycle_id=township.cycle_id, village_id=east, candidacy_id=cand.id if cand else None,
                         title="修路", status=CommitmentStatus.REGISTERED, registered_on=d(2027, 1, 5),
                         deadline=d(2027, 3, 1), deadline_current=d(2027, 3, 1)))
    with db.read_session() as s:
        view = structure_view(s)
        track = tracking_view(s, "2027-Q1", as_of=d(2027, 3, 31))
    assert view.period == "2026-12-31"
    assert view.villages[-1] == ("", "合计") and [c for c, _n in view.villages[:-1]] == ["001", "002", "003"]
    assert "统计时点 2026-12-31（年龄按该日足岁计算）" in view.notes and "预备党员不计入党员" in view.notes
    assert view.cells[("001", "S30.age_le35")] == "1"  # 35 on 2026-12-31
    assert view.cells[("001", "S50.vc_party_rate")] == "0.0"  # the 预备党员 not counted
    assert view.cells[("", "S20.vc_women_rate")] == "100.0"
    assert view.problems == ()
    # 东村 has a 村委会 of one member and no representatives; 西村 and 南村 have nothing elected
    assert ("东村", "C5") in {(r.village, r.rule) for r in view.compliance}
    assert [c.code for c in track.columns][:2] == ["J01.registered", "J01.new"]
    assert track.cells[("001", "J01.registered")] == "1"
    assert track.cells[("001", "J01.overdue")] == "1"
    assert track.cells[("", "J02.closed_rate")] == "0.0"
