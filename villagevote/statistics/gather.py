"""From the database to the plain input of the structure indicators (``indicators.TownshipInput``): a domain read.

Sources:
- members: the candidacies of the cycle with status 当选, with their organization's kind and village, the post and
  the person's gender, birth date, education and political status;
- elections, per village and body (党组织, 村委会): the latest first-round contest (its seats, whether it is official
  and its stored result valid, how many it elected, electorate, ballots returned and, for the branch, 实到) and
  whether an additional election (另行选举) was held (official or with a polling date);
- representatives: ``VillageRepresentative`` rows of the cycle;
- the previous cycle: when the township has an earlier ``ElectionCycle`` with elected candidacies, those; otherwise
  the imported ``PreviousRosterEntry`` rows. A member is 连任 when the same person (the person record; for an
  imported row without one: the same name and, when the row has one, birth date) was in 党组织 or 村委会 of the same
  village last cycle; a village with no previous members at all gets no 新进/连任 figure.

Settings (``setting`` table, defaults in code):
- ``statistics.stat_date`` — the reference date (ISO), default the cycle's election day;
- ``statistics.previous_stat_date`` — the previous cycle's reference date, default the previous cycle's election day
  or, for an imported roster, the reference date ``term_years`` earlier;
- ``statistics.count_probationary`` — count 预备党员 as Party members (default yes);
- the 村委会 size limits come from the cycle's profile (``village_committee_members``), default 3–7.
"""
from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from villagevote.errors import ValidationError
from villagevote.i18n import tr
from villagevote.models.candidates import Candidacy, Person
from villagevote.models.core import ElectionCycle, Organization, Township, Village
from villagevote.models.elections import Contest, ContestPost, Result
from villagevote.models.enums import CandidacyStatus, ContestRound, OrgKind
from villagevote.models.statistics import PreviousRosterEntry, VillageRepresentative
from villagevote.seed import get_setting
from villagevote.statistics.indicators import (
    ElectionIn,
    MemberIn,
    PreviousMemberIn,
    RepresentativeIn,
    TownshipInput,
    VillageIn,
)

__all__ = [
    "COMMITTEE_LIMITS",
    "SETTING_COUNT_PROBATIONARY",
    "SETTING_PREVIOUS_STAT_DATE",
    "SETTING_STAT_DATE",
    "StatOptions",
    "committee_limits",
    "gather",
    "previous_cycle",
    "stat_options",
    "village_code",
]

SETTING_STAT_DATE = "statistics.stat_date"
SETTING_PREVIOUS_STAT_DATE = "statistics.previous_stat_date"
SETTING_COUNT_PROBATIONARY = "statistics.count_probationary"
COMMITTEE_LIMITS = (3, 7)
TWO_BODIES = (OrgKind.PARTY_BRANCH, OrgKind.VILLAGE_COMMITTEE)


@dataclass(frozen=True)
class StatOptions:
    stat_date: dt.date
    previous_stat_date: dt.date | None
    count_probationary: bool


def village_code(village: Village) -> str:
    """The village's code in the statistics (its 区划代码; "#<id>" when none is recorded, never "", which means
    the total)."""
    return village.code.strip() or f"#{village.id}"


def _date_setting(session: Session, key: str) -> dt.date | None:
    raw = get_setting(session, key, None)
    if raw in (None, ""):
        return None
    try:
        return dt.date.fromisoformat(str(raw))
    except ValueError as exc:
        raise ValidationError(tr("设置 {key} 的日期「{value}」无法识别，应为 2026-11-18 的格式").format(
            key=key, value=raw)) from exc


def _years_before(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


def previous_cycle(session: Session, cycle: ElectionCycle) -> ElectionCycle | None:
    """The township's cycle before ``cycle`` (by election day), if this database holds one."""
    return session.scalar(
        select(ElectionCycle)
        .where(ElectionCycle.township_id == cycle.township_id, ElectionCycle.election_day < cycle.election_day)
        .order_by(ElectionCycle.election_day.desc(), ElectionCycle.id.desc()))


def stat_options(session: Session, cycle: ElectionCycle, stat_date: dt.date | None = None,
                 count_probationary: bool | None = None) -> StatOptions:
    """The reference dates and the 预备党员 setting in force (arguments override the settings)."""
    day = stat_date or _date_setting(session, SETTING_STAT_DATE) or cycle.election_day
    previous = _date_setting(session, SETTING_PREVIOUS_STAT_DATE)
    if previous is None:
        before = previous_cycle(session, cycle)
        previous = before.election_day if before is not None else _years_before(day, cycle.term_years or 5)
    if count_probationary is None:
        count_probationary = bool(get_setting(session, SETTING_COUNT_PROBATIONARY, True))
    return StatOptions(day, previous, count_probationary)


def committee_limits(cycle: ElectionCycle) -> tuple[int, int]:
    """(fewest, most) 村委会 members: the cycle profile's ``village_committee_members`` or 3–7 (组织法 §6)."""
    limits = (cycle.profile or {}).get("village_committee_members")
    if isinstance(limits, (list, tuple)) and len(limits) == 2 and all(isinstance(x, int) for x in limits):
        return int(limits[0]), int(limits[1])
    return COMMITTEE_LIMITS


def _elected(session: Session, cycle_id: int) -> list[tuple[Candidacy, Organization, Person]]:
    rows = session.execute(
        select(Candidacy, Organization, Person)
        .join(Organization, Organization.id == Candidacy.organization_id)
        .join(Person, Person.id == Candidacy.person_id)
        .where(Candidacy.cycle_id == cycle_id, Candidacy.status == CandidacyStatus.ELECTED)
        .order_by(Candidacy.id))
    return [(c, o, p) for c, o, p in rows.tuples()]


def _elections(session: Session, cycle_id: int, codes: dict[int, str]) -> list[ElectionIn]:
    orgs = session.scalars(select(Organization).where(Organization.cycle_id == cycle_id,
                                                      Organization.kind.in_(TWO_BODIES)))
    org_by_id = {o.id: o for o in orgs}
    if not org_by_id:
        return []
    contests = list(session.scalars(select(Contest).where(Contest.organization_id.in_(org_by_id))
                                    .order_by(Contest.id)))
    ids = [c.id for c in contests]
    results = {r.contest_id: r for r in session.scalars(select(Result).where(Result.contest_id.in_(ids)))}
    seats: dict[int, int] = defaultdict(int)
    for post in session.scalars(select(ContestPost).where(ContestPost.contest_id.in_(ids))):
        seats[post.contest_id] += post.seats
    first: dict[int, Contest] = {}
    additional: set[int] = set()
    for c in contests:
        if ContestRound(c.round) is ContestRound.FIRST:
            first[c.organization_id] = c  # the latest first-round contest of the body
        elif c.official or c.held_on is not None:
            additional.add(c.organization_id)
    out: list[ElectionIn] = []
    for org_id, org in org_by_id.items():
        contest = first.get(org_id)
        if contest is None and org_id not in additional:
            continue
        kind = OrgKind(org.kind)
        if contest is None:
            out.append(ElectionIn(codes[org.village_id], kind, additional_held=True))
            continue
        result = results.get(contest.id)
        decision = result.decision if result is not None else {}
        valid = bool(result is not None and result.valid and (decision or {}).get("valid", True))
        filled = len((decision or {}).get("elected", [])) if valid else 0
        out.append(ElectionIn(
            codes[org.village_id], kind, seats=seats.get(contest.id, 0), filled_first=filled,
            first_valid=bool(contest.official) and valid, additional_held=org_id in additional,
            electorate=contest.electorate or 0, ballots_returned=contest.ballots_returned or 0,
            present=contest.present if kind is OrgKind.PARTY_BRANCH else None))
    return out


def _norm(name: str) -> str:
    return "".join(name.split())


def gather(session: Session, cycle_id: int | None = None, *, stat_date: dt.date | None = None,
           count_probationary: bool | None = None) -> TownshipInput:
    """The plain input of the structure indicators for a cycle (the current one when None)."""
    cycle = session.get(ElectionCycle, cycle_id) if cycle_id is not None else None
    if cycle is None:
        cycle = session.scalar(select(ElectionCycle).order_by(ElectionCycle.election_day.desc(),
                                                              ElectionCycle.id.desc()))
    if cycle is None:
        raise ValidationError(tr("还没有换届届次，无法统计"))
    township = session.get(Township, cycle.township_id)
    if township is None:
        raise ValidationError(tr("还没有乡镇信息，无法统计"))
    options = stat_options(session, cycle, stat_date, count_probationary)
    villages = list(session.scalars(select(Village).where(Village.township_id == township.id)
                                    .order_by(Village.code, Village.id)))
    codes = {v.id: village_code(v) for v in villages}

    # previous cycle: persons (by person id, or name [+ birth date] for imported rows) per village
    previous: list[PreviousMemberIn] = []
    prev_ids: dict[str, set[int]] = defaultdict(set)
    prev_names: dict[str, set[tuple[str, dt.date | None]]] = defaultdict(set)
    before = previous_cycle(session, cycle)
    prev_rows = _elected(session, before.id) if before is not None else []
    if prev_rows:
        for _cand, org, person in prev_rows:
            kind = OrgKind(org.kind)
            if kind not in TWO_BODIES or org.village_id not in codes:
                continue
            code = codes[org.village_id]
            previous.append(PreviousMemberIn(f"p{person.id}", code, kind, person.birth_date))
            prev_ids[code].add(person.id)
    else:
        for entry in session.scalars(select(PreviousRosterEntry).where(PreviousRosterEntry.cycle_id == cycle.id)
                                     .order_by(PreviousRosterEntry.id)):
            kind = OrgKind(entry.body)
            if kind not in TWO_BODIES or entry.village_id not in codes:
                continue
            code = codes[entry.village_id]
            key = f"p{entry.person_id}" if entry.person_id is not None else \
                f"n{_norm(entry.name)}|{entry.birth_date or ''}"
            previous.append(PreviousMemberIn(key, code, kind, entry.birth_date))
            if entry.person_id is not None:
                prev_ids[code].add(entry.person_id)
            prev_names[code].add((_norm(entry.name), entry.birth_date))
    has_previous = {p.village_code for p in previous}

    def returning(code: str, person: Person) -> bool | None:
        if code not in has_previous:
            return None
        if person.id in prev_ids[code]:
            return True
        name = _norm(person.name)
        return any(n == name and (born is None or person.birth_date is None or born == person.birth_date)
                   for n, born in prev_names[code])

    members: list[MemberIn] = []
    for cand, org, person in _elected(session, cycle.id):
        if org.village_id not in codes:
            continue
        code = codes[org.village_id]
        kind = OrgKind(org.kind)
        members.append(MemberIn(
            f"p{person.id}", code, kind, cand.post, person.gender, person.birth_date, person.education,
            person.political_status, returning(code, person) if kind in TWO_BODIES else None))

    reps = [RepresentativeIn(codes[r.village_id], r.gender, r.political_status)
            for r in session.scalars(select(VillageRepresentative)
                                     .where(VillageRepresentative.cycle_id == cycle.id)
                                     .order_by(VillageRepresentative.id))
            if r.village_id in codes]
    return TownshipInput(
        code=township.code, name=township.name, stat_date=options.stat_date,
        villages=[VillageIn(codes[v.id], v.name) for v in villages],
        members=members, elections=_elections(session, cycle.id, codes), representatives=reps,
        previous=previous, previous_stat_date=options.previous_stat_date,
        count_probationary=options.count_probationary, committee_min=committee_limits(cycle)[0])
