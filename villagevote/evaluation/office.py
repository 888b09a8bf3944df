"""Who is in office in a year (the cadres an evaluation session may rate): an ELECTED candidacy of the cycle in the
village whose term covers the year, or an assessed role (生态指导员, 河长, 联村干部 …) active during the year. A role
ended before the year (职务终止, 辞职, 调离) takes the person out of office for that year. Reads only."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace

from sqlalchemy import select
from sqlalchemy.orm import Session

from villagevote.evaluation.triggers import add_months
from villagevote.models import Candidacy, ElectionCycle, Organization, Person
from villagevote.models.enums import AssessedRoleKind, CandidacyStatus, OrgKind
from villagevote.models.tracking import AssessedRole
from villagevote.names import stroke_key

__all__ = ["Holder", "holder", "holders", "post_of", "term_end", "term_years"]


@dataclass(frozen=True)
class Holder:
    person_id: int
    name: str
    post: str
    body: str  # OrgKind code for an elected cadre (village_committee / party_branch …), the role kind otherwise
    candidacy_id: int | None
    assessed_role_id: int | None
    village_id: int | None


def term_end(cycle: ElectionCycle) -> dt.date:
    """The first day after the cycle's term (election day + term years)."""
    return add_months(cycle.election_day, 12 * (cycle.term_years or 5))


def term_years(cycle: ElectionCycle) -> list[int]:
    """The calendar years the term touches (the election year to the year the term ends)."""
    last = term_end(cycle) - dt.timedelta(days=1)
    return list(range(cycle.election_day.year, last.year + 1))


def _active(starts: dt.date | None, ends: dt.date | None, year: int) -> bool:
    first, last = dt.date(year, 1, 1), dt.date(year, 12, 31)
    return (starts is None or starts <= last) and (ends is None or ends >= first)


def holders(session: Session, cycle_id: int, village_id: int | None, year: int) -> list[Holder]:
    """Everyone in office in the village (None: roles without a village too) during ``year``, by surname strokes;
    one row per person: a person elected to two posts (一肩挑) shows both (书记、主任, the Party branch first) and
    counts as a village-committee member (组织法 §33)."""
    cycle = session.get(ElectionCycle, cycle_id)
    if cycle is None:
        return []
    in_term = _active(cycle.election_day, term_end(cycle) - dt.timedelta(days=1), year)
    roles = list(session.scalars(select(AssessedRole).where(AssessedRole.cycle_id == cycle_id)
                                 .order_by(AssessedRole.id)))
    role_of_candidacy = {r.candidacy_id: r for r in roles if r.candidacy_id is not None}
    out: dict[int, Holder] = {}
    if in_term:
        stmt = (select(Candidacy, Organization.kind, Organization.village_id, Person.name)
                .join(Organization, Organization.id == Candidacy.organization_id)
                .join(Person, Person.id == Candidacy.person_id)
                .where(Candidacy.cycle_id == cycle_id, Candidacy.status == CandidacyStatus.ELECTED))
        if village_id is not None:
            stmt = stmt.where(Organization.village_id == village_id)
        order = {OrgKind.PARTY_BRANCH: 0, OrgKind.VILLAGE_COMMITTEE: 1}
        rows = sorted(session.execute(stmt).all(), key=lambda r: (order.get(OrgKind(r[1]), 9), r[0].id))
        for cand, kind, vid, name in rows:
            role = role_of_candidacy.get(cand.id)
            if role is not None and not _active(role.starts_on, role.ends_on, year):
                continue
            known = out.get(cand.person_id)
            if known is None:
                out[cand.person_id] = Holder(cand.person_id, name, cand.post, OrgKind(kind).value, cand.id,
                                             role.id if role is not None else None, vid)
            elif cand.post not in known.post.split("、"):
                # 一肩挑 (书记 and 主任): both posts; a village-committee member for 组织法 §33 whatever else he is
                body = OrgKind.VILLAGE_COMMITTEE.value if OrgKind(kind) is OrgKind.VILLAGE_COMMITTEE else known.body
                out[cand.person_id] = replace(known, post=f"{known.post}、{cand.post}", body=body)
    names = dict(session.execute(select(Person.id, Person.name).where(
        Person.id.in_({r.person_id for r in roles}))).tuples().all()) if roles else {}
    for role in roles:
        if role.candidacy_id is not None or role.person_id in out:
            continue
        if village_id is not None and role.village_id not in (village_id, None):
            continue
        if not _active(role.starts_on, role.ends_on, year):
            continue
        out[role.person_id] = Holder(role.person_id, names.get(role.person_id, ""),
                                     role.title or AssessedRoleKind(role.kind).label,
                                     AssessedRoleKind(role.kind).value, None, role.id, role.village_id)
    return sorted(out.values(), key=lambda h: stroke_key(h.name))


def holder(session: Session, cycle_id: int, village_id: int | None, year: int, person_id: int) -> Holder | None:
    """The person's office in that village and year, or None when not in office."""
    for h in holders(session, cycle_id, village_id, year):
        if h.person_id == person_id:
            return h
    return None


def post_of(session: Session, cycle_id: int, person_id: int) -> str:
    """The post the person was elected to (or the title of a role) in the cycle, in or out of office; "" for none
    (how a refusal names a cadre who is not in office)."""
    post = session.scalar(select(Candidacy.post).where(
        Candidacy.cycle_id == cycle_id, Candidacy.person_id == person_id,
        Candidacy.status == CandidacyStatus.ELECTED).order_by(Candidacy.id))
    if post:
        return post
    return session.scalar(select(AssessedRole.title).where(
        AssessedRole.cycle_id == cycle_id, AssessedRole.person_id == person_id).order_by(AssessedRole.id)) or ""
