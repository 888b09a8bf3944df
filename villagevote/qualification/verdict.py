"""The computed qualification verdict of a candidacy, and kinship-bar flags, from what is in the database.

Findings belong to the person within the cycle (migration 0010), so every candidacy of one person in one cycle gets
the same verdict; :func:`person_candidacies` lists them for whoever applies a verdict to all of them.
"""
from __future__ import annotations

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from villagevote.i18n import tr
from villagevote.lookup import get_row
from villagevote.models import Candidacy, ElectionCycle, Finding, Organization, Person, Relationship, Rule
from villagevote.models.enums import CandidacyStatus
from villagevote.qualification.rules_engine import (
    FindingInput,
    KinCandidate,
    KinshipFlag,
    Relation,
    Verdict,
    evaluate,
    kinship_conflicts,
)
from villagevote.qualification.rulesets import cycle_rule_set, kinship_bar_of, rule_defs

__all__ = ["compute_verdict", "compute_verdicts", "kinship_flags", "person_candidacies"]

# Candidacies no longer standing are left out of the kinship check.
_INACTIVE = {CandidacyStatus.WITHDRAWN, CandidacyStatus.DISQUALIFIED, CandidacyStatus.NOT_ELECTED}


def _inputs(session: Session, candidacy_ids: list[int]) -> dict[int, list[FindingInput]]:
    out: dict[int, list[FindingInput]] = {cid: [] for cid in candidacy_ids}
    if not candidacy_ids:
        return out
    owners: dict[tuple[int, int], list[int]] = {}
    for cid, person_id, cycle_id in session.execute(
            select(Candidacy.id, Candidacy.person_id, Candidacy.cycle_id).where(Candidacy.id.in_(candidacy_ids))):
        owners.setdefault((person_id, cycle_id), []).append(cid)
    if not owners:
        return out
    person_ids = {p for p, _ in owners}
    cycle_ids = {c for _, c in owners}
    rows = session.execute(
        select(Finding, Rule.code).join(Rule, Finding.rule_id == Rule.id)
        .where(Finding.person_id.in_(person_ids), Finding.cycle_id.in_(cycle_ids))
    ).all()
    for f, code in rows:
        for cid in owners.get((f.person_id, f.cycle_id), ()):
            out[cid].append(
                FindingInput(code, f.result, f.event_date, f.expiry_date, f.department or None, f.evidence or None)
            )
    return out


def person_candidacies(session: Session, candidacy_id: int) -> list[Candidacy]:
    """Every candidacy of the candidacy's person in the candidacy's cycle (the candidacy itself included), by id."""
    cand = get_row(session, Candidacy, candidacy_id, tr("找不到候选人登记（编号 {id}）"))
    return list(session.scalars(
        select(Candidacy).where(Candidacy.person_id == cand.person_id, Candidacy.cycle_id == cand.cycle_id)
        .order_by(Candidacy.id)))


def compute_verdict(session: Session, candidacy_id: int) -> Verdict:
    """Verdict of one candidacy against its cycle's catalog version on the cycle's election day."""
    cand = get_row(session, Candidacy, candidacy_id, tr("找不到候选人登记（编号 {id}）"))
    cycle = session.get(ElectionCycle, cand.cycle_id)
    rules = rule_defs(session, cycle_rule_set(session, cand.cycle_id))
    return evaluate(rules, _inputs(session, [cand.id])[cand.id], cycle.election_day if cycle else None)


def compute_verdicts(session: Session, cycle_id: int, candidacy_ids: list[int]) -> dict[int, Verdict]:
    """Verdicts of many candidacies of one cycle (one query for all findings)."""
    cycle = get_row(session, ElectionCycle, cycle_id, tr("找不到换届届次（编号 {id}）"))
    if cycle.rule_set_id is None:
        return {}
    rules = rule_defs(session, cycle.rule_set_id)
    inputs = _inputs(session, candidacy_ids)
    return {cid: evaluate(rules, inputs[cid], cycle.election_day) for cid in candidacy_ids}


def kinship_flags(session: Session, cycle_id: int, village_id: int | None = None) -> list[KinshipFlag]:
    """Pairs of active candidates for one organization who are barred relatives (per the cycle's catalog).

    ``organization`` of each flag is the organization id; ``first``/``second`` carry candidacy ids and names.
    """
    cycle = get_row(session, ElectionCycle, cycle_id, tr("找不到换届届次（编号 {id}）"))
    relations_barred, org_kinds = kinship_bar_of(session, cycle.rule_set_id)
    stmt = (
        select(Candidacy.id, Candidacy.person_id, Person.name, Candidacy.organization_id, Candidacy.status)
        .join(Person, Candidacy.person_id == Person.id)
        .join(Organization, Candidacy.organization_id == Organization.id)
        .where(Candidacy.cycle_id == cycle_id, Organization.kind.in_(org_kinds))
    )
    if village_id is not None:
        stmt = stmt.where(Organization.village_id == village_id)
    cands = [
        KinCandidate(cid, pid, name, org)
        for cid, pid, name, org, status in session.execute(stmt)
        if CandidacyStatus(status) not in _INACTIVE
    ]
    if len(cands) < 2:
        return []
    person_ids = {c.person_id for c in cands}
    rels = session.scalars(
        select(Relationship).where(
            or_(Relationship.person_a_id.in_(person_ids), Relationship.person_b_id.in_(person_ids))
        )
    ).all()
    relations = [Relation(r.person_a_id, r.person_b_id, r.kind) for r in rels]
    return kinship_conflicts(cands, relations, relations_barred)
