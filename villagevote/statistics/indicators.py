"""The structure indicators S01–S90 (tracking.md §B1) from plain input: pure, no database, no Qt.

Definitions, all per village and then as a township total recomputed from the villages' numerators and
denominators (``catalog.township_totals``):
- scope: the members elected in the cycle (``MemberIn``, one row per person, body and post); 两委 = the distinct
  persons of 党组织 ∪ 村委会 in a village;
- age = full years on the township's ``stat_date``; 35周岁以下 = age ≤ 35 ("以下" includes the number); 60周岁及以上 =
  age ≥ 60; the bands ≤ 35, 36–59, ≥ 60 and 不详 (no birth date) add up to S12; averages are over those with a date;
- 交叉任职 = a person in both bodies; 一肩挑 = the 书记 is also the 主任; 支委兼任主任 = the 主任 is a member of the
  branch but not its 书记;
- 完成换届 = the 书记 and the 主任 are elected and the 村委会 has at least ``committee_min`` members (组织法 §6: three);
  未成功 = not completed; 一次选举成功 = both bodies' first-round contests are official and valid and filled every
  seat they were held for; 另行选举村数 = a village where either body held an additional election;
- 青年委员 = a 两委 member aged ≤ 35 with 高中/中专 or above;
- Party members = 正式党员, and 预备党员 when ``count_probationary`` (a setting) — among 村委会 members and among the
  representatives alike;
- 新进 / 连任: ``MemberIn.returning`` (set from the previous cycle's roster by ``gather``; None when the village has
  no previous roster, and such members count in neither); the previous average age is taken on the previous
  cycle's reference date;
- 参选率 = ballots returned ÷ electorate of the 村委会 first round; 党员到会率 = present ÷ due of the 党组织 first round;
- 监委会 / 合作社 members, and 交叉兼职 = persons in both.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TypeVar

from villagevote.models.enums import Education, Gender, OrgKind, PoliticalStatus
from villagevote.statistics.catalog import STRUCTURE, Value, catalog, difference, township_totals

__all__ = [
    "COLLEGE_UP",
    "COMMITTEE_MIN",
    "SENIOR_UP",
    "ElectionIn",
    "MemberIn",
    "PreviousMemberIn",
    "RepresentativeIn",
    "TownshipInput",
    "VillageIn",
    "age_in_years",
    "compute",
    "compute_village",
    "is_party_member",
]

_T = TypeVar("_T")
SECRETARY = "书记"
DIRECTOR = "主任"
DEPUTY_DIRECTOR = "副主任"
COMMITTEE_MIN = 3
YOUTH_MAX_AGE = 35
OLD_MIN_AGE = 60

SENIOR_UP = frozenset({Education.SENIOR, Education.VOCATIONAL, Education.COLLEGE, Education.BACHELOR,
                       Education.POSTGRADUATE})
COLLEGE_UP = frozenset({Education.COLLEGE, Education.BACHELOR, Education.POSTGRADUATE})
BACHELOR_UP = frozenset({Education.BACHELOR, Education.POSTGRADUATE})
TWO_BODIES = (OrgKind.PARTY_BRANCH, OrgKind.VILLAGE_COMMITTEE)


@dataclass(frozen=True)
class VillageIn:
    code: str
    name: str


@dataclass(frozen=True)
class MemberIn:
    """One elected post: a person (``person`` is a key unique in the township) in one body of one village."""
    person: str
    village_code: str
    body: OrgKind
    post: str
    gender: Gender | None = None
    birth_date: dt.date | None = None
    education: Education | None = None
    political_status: PoliticalStatus | None = None
    returning: bool | None = None  # 连任: in 两委 last cycle; False = 新进; None = no previous roster


@dataclass(frozen=True)
class ElectionIn:
    """A body's election in a village: the first round (seats it was held for, seats it filled, official and valid)
    and whether an additional election (另行选举) was held; the counts of the first round."""
    village_code: str
    body: OrgKind
    seats: int = 0
    filled_first: int = 0
    first_valid: bool = False  # the first-round contest is official (locked) and its result valid
    additional_held: bool = False
    electorate: int = 0  # 村委会: registered voters; 党组织: Party members due (应到)
    ballots_returned: int = 0
    present: int | None = None  # 党组织: Party members present (实到)


@dataclass(frozen=True)
class PreviousMemberIn:
    """A 两委 member of the previous cycle (from the database or an imported roster)."""
    person: str
    village_code: str
    body: OrgKind
    birth_date: dt.date | None = None


@dataclass(frozen=True)
class RepresentativeIn:
    village_code: str
    gender: Gender | None = None
    political_status: PoliticalStatus | None = None


@dataclass(frozen=True)
class TownshipInput:
    code: str
    name: str
    stat_date: dt.date
    villages: Sequence[VillageIn]
    members: Sequence[MemberIn] = ()
    elections: Sequence[ElectionIn] = ()
    representatives: Sequence[RepresentativeIn] = ()
    previous: Sequence[PreviousMemberIn] = ()
    previous_stat_date: dt.date | None = None
    count_probationary: bool = True
    committee_min: int = COMMITTEE_MIN


def age_in_years(birth: dt.date, day: dt.date) -> int:
    """Full years on ``day`` (the day of the birthday counts; 29 February counts from 1 March in common years)."""
    years = day.year - birth.year
    if (day.month, day.day) < (birth.month, birth.day):
        years -= 1
    return years


def is_party_member(status: PoliticalStatus | None, count_probationary: bool) -> bool:
    if status is PoliticalStatus.PARTY_MEMBER:
        return True
    return status is PoliticalStatus.PROBATIONARY and count_probationary


def _group(rows: Iterable[_T], key: str) -> dict[str, list[_T]]:
    out: dict[str, list[_T]] = {}
    for row in rows:
        out.setdefault(getattr(row, key), []).append(row)
    return out


def compute(township: TownshipInput) -> list[Value]:
    """Every structure indicator (report HJTJ-01) for each village in code order, then the township total row
    (village_code "") recomputed from the villages' numerators and denominators."""
    members = _group(township.members, "village_code")
    elections = _group(township.elections, "village_code")
    reps = _group(township.representatives, "village_code")
    previous = _group(township.previous, "village_code")
    values: list[Value] = []
    for village in sorted(township.villages, key=lambda v: v.code):
        values += compute_village(township, village.code, members.get(village.code, []),
                                  elections.get(village.code, []), reps.get(village.code, []),
                                  previous.get(village.code, []))
    return values + township_totals(values)


def compute_village(township: TownshipInput, code: str, members: Sequence[MemberIn],
                    elections: Sequence[ElectionIn], reps: Sequence[RepresentativeIn],
                    previous: Sequence[PreviousMemberIn]) -> list[Value]:
    """One village's values, in catalogue order."""
    day = township.stat_date
    out: dict[str, tuple[int, int]] = {}

    def count(name: str, n: int) -> None:
        out[name] = (n, 1)

    def frac(name: str, num: int, den: int) -> None:
        out[name] = (num, den)

    def flag(name: str, condition: bool) -> None:
        out[name] = (1 if condition else 0, 1)

    by_body: dict[OrgKind, list[MemberIn]] = {}
    for m in members:
        by_body.setdefault(OrgKind(m.body), []).append(m)
    pb = by_body.get(OrgKind.PARTY_BRANCH, [])
    vc = by_body.get(OrgKind.VILLAGE_COMMITTEE, [])
    pb_people = {m.person for m in pb}
    vc_people = {m.person for m in vc}
    # one record per distinct 两委 person (the first row seen carries the person's attributes)
    people: dict[str, MemberIn] = {}
    for m in (*pb, *vc):
        people.setdefault(m.person, m)
    returning: dict[str, bool | None] = {}
    for m in (*pb, *vc):
        if m.returning is not None:
            returning[m.person] = returning.get(m.person, False) or m.returning
        else:
            returning.setdefault(m.person, None)
    secretaries = [m for m in pb if m.post == SECRETARY]
    directors = [m for m in vc if m.post == DIRECTOR]
    secretary_ids = {m.person for m in secretaries}
    director_ids = {m.person for m in directors}

    # T1: completion and the first round
    s01 = 1
    completed = bool(secretaries) and bool(directors) and len(vc_people) >= township.committee_min
    first = {OrgKind(e.body): e for e in elections}
    first_success = all(
        body in first and first[body].first_valid and first[body].seats > 0
        and first[body].filled_first >= first[body].seats for body in TWO_BODIES)
    count("S01.villages", s01)
    flag("S02.completed", completed)
    flag("S03.first_success", first_success)
    frac("S03.first_success_rate", 1 if first_success else 0, 1)
    flag("S04.additional", any(e.additional_held for e in elections if OrgKind(e.body) in TWO_BODIES))
    flag("S05.failed", not completed)
    vc_election = first.get(OrgKind.VILLAGE_COMMITTEE)
    pb_election = first.get(OrgKind.PARTY_BRANCH)
    frac("S80.turnout", vc_election.ballots_returned if vc_election else 0,
         vc_election.electorate if vc_election else 0)
    if pb_election is not None and pb_election.present is not None:
        frac("S80.party_attendance", pb_election.present, pb_election.electorate)
    else:
        frac("S80.party_attendance", 0, 0)

    # T2: bodies, 两委, cross posts
    s10, s11 = len(pb_people), len(vc_people)
    cross = pb_people & vc_people
    s12 = len(people)
    count("S10.members", s10)
    count("S10.secretary", len(secretary_ids))
    count("S11.members", s11)
    count("S11.director", len(director_ids))
    count("S11.deputy", len({m.person for m in vc if m.post == DEPUTY_DIRECTOR}))
    count("S11.member", len({m.person for m in vc if m.post not in (DIRECTOR, DEPUTY_DIRECTOR)}))
    count("S12.members", s12)
    count("S13.cross", len(cross))
    frac("S13.cross_rate", len(cross), s12)
    one_shoulder = bool(secretary_ids & director_ids)
    flag("S14.one_shoulder", one_shoulder)
    frac("S14.one_shoulder_rate", 1 if one_shoulder else 0, s01)
    flag("S15.branch_director", any(p in pb_people and p not in secretary_ids for p in director_ids))

    # S20 women
    def women(ids: set[str]) -> int:
        return sum(1 for p in ids if people[p].gender is Gender.FEMALE)

    pb_women, vc_women, lw_women = women(pb_people), women(vc_people), women(set(people))
    count("S20.pb_women", pb_women)
    frac("S20.pb_women_rate", pb_women, s10)
    count("S20.vc_women", vc_women)
    frac("S20.vc_women_rate", vc_women, s11)
    count("S20.lw_women", lw_women)
    frac("S20.lw_women_rate", lw_women, s12)
    count("S20.female_secretary", women(secretary_ids))
    count("S20.female_director", women(director_ids))
    flag("S20.villages_vc_woman", vc_women > 0)
    flag("S20.villages_pb_woman", pb_women > 0)

    # S30 ages
    ages = {p: age_in_years(m.birth_date, day) for p, m in people.items() if m.birth_date is not None}

    def average(ids: Iterable[str]) -> tuple[int, int]:
        known = [ages[p] for p in set(ids) if p in ages]
        return sum(known), len(known)

    avg_now = average(people)
    frac("S30.avg_age", *avg_now)
    frac("S30.avg_age_secretary", *average(secretary_ids))
    frac("S30.avg_age_director", *average(director_ids))
    young = sum(1 for a in ages.values() if a <= YOUTH_MAX_AGE)
    old = sum(1 for a in ages.values() if a >= OLD_MIN_AGE)
    count("S30.age_le35", young)
    frac("S30.age_le35_rate", young, s12)
    count("S30.age_36_59", len(ages) - young - old)
    count("S30.age_ge60", old)
    frac("S30.age_ge60_rate", old, s12)
    count("S30.age_unknown", s12 - len(ages))
    flag("S30.youth_villages", any(
        ages.get(p, YOUTH_MAX_AGE + 1) <= YOUTH_MAX_AGE and m.education in SENIOR_UP for p, m in people.items()))

    # S40 education
    def educated(ids: Iterable[str], band: frozenset[Education]) -> int:
        return sum(1 for p in set(ids) if people[p].education in band)

    for name, band in (("senior", SENIOR_UP), ("college", COLLEGE_UP), ("bachelor", BACHELOR_UP)):
        n = educated(people, band)
        count(f"S40.edu_{name}", n)
        frac(f"S40.edu_{name}_rate", n, s12)
        count(f"S40.secretary_{name}", educated(secretary_ids, band))

    # S50 Party members among the 村委会
    vc_party = sum(1 for p in vc_people if is_party_member(people[p].political_status, township.count_probationary))
    count("S50.vc_party", vc_party)
    frac("S50.vc_party_rate", vc_party, s11)

    # S60 new and re-elected, and the change of the average age
    new = sum(1 for r in returning.values() if r is False)
    again = sum(1 for r in returning.values() if r is True)
    count("S60.new", new)
    frac("S60.new_rate", new, new + again)
    count("S60.reelected", again)
    prev_people: dict[str, PreviousMemberIn] = {}
    for pm in previous:
        if OrgKind(pm.body) in TWO_BODIES:
            prev_people.setdefault(pm.person, pm)
    prev_day = township.previous_stat_date
    prev_ages = [age_in_years(pm.birth_date, prev_day) for pm in prev_people.values()
                 if pm.birth_date is not None and prev_day is not None]
    avg_prev = (sum(prev_ages), len(prev_ages))
    frac("S60.prev_avg_age", *avg_prev)
    change = difference("S60.avg_age_change", code, avg_now, avg_prev)
    frac("S60.avg_age_change", change.numerator, change.denominator)

    # S90 supervision committee and cooperative
    sup = {m.person for m in by_body.get(OrgKind.SUPERVISION_COMMITTEE, [])}
    coop = {m.person for m in by_body.get(OrgKind.COOP, [])}
    count("S90.supervision", len(sup))
    count("S90.coop", len(coop))
    count("S90.cross", len(sup & coop))

    # T3 representatives
    n_reps = len(reps)
    reps_party = sum(1 for r in reps if is_party_member(r.political_status, township.count_probationary))
    reps_women = sum(1 for r in reps if r.gender is Gender.FEMALE)
    count("S70.reps", n_reps)
    count("S70.reps_party", reps_party)
    frac("S70.reps_party_rate", reps_party, n_reps)
    count("S70.reps_women", reps_women)
    frac("S70.reps_women_rate", reps_women, n_reps)

    return [Value(d.code, code, *out[d.code]) for d in catalog(STRUCTURE)]
