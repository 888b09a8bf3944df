"""Proposed consequences of issue 18 (tracking.md A4–A6): the Flag rows an evaluation, a 辞职承诺 trigger, a verdict
or a 专项考核 proposes. Proposals only — a reviewer confirms or waives them through
:mod:`villagevote.tracking.consequences`; nothing here is an act.

Used by the evaluation writes (each new Flag is audited as the caller's actor). A proposal is made once: the same person, kind, rule, year and source again
returns the existing row. An approved exemption (保护清单) covering the person's year makes a negative proposal
``waived`` at once, citing the exemption (so the record shows it was neutralised, and nothing follows from it).
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from villagevote import audit
from villagevote.audit import Actor
from villagevote.auth import Permission, requires
from villagevote.errors import ValidationError
from villagevote.i18n import tr
from villagevote.lookup import get_row
from villagevote.models import Person
from villagevote.models.enums import ConsequenceState, FlagKind
from villagevote.models.tracking import AssessedRole, Exemption, Flag

__all__ = ["NEGATIVE_KINDS", "Target", "exemption_for", "propose"]

# consequences an exemption (保护清单) neutralises; 表彰 is never waived
NEGATIVE_KINDS = frozenset({FlagKind.WARNING_TALK, FlagKind.TEAM_ADJUSTMENT, FlagKind.TERMINATION,
                            FlagKind.RESIGNATION_TRIGGER, FlagKind.REMINDER_TALK, FlagKind.INQUIRY,
                            FlagKind.INTERVIEW, FlagKind.RECALL, FlagKind.PUBLIC_NOTICE, FlagKind.ALERT})


@dataclass(frozen=True)
class Target:
    """Whom a proposal concerns: the person and, where known, the candidacy, the assessed role and the village."""
    cycle_id: int
    person_id: int
    candidacy_id: int | None = None
    assessed_role_id: int | None = None
    village_id: int | None = None


def exemption_for(session: Session, person_id: int, year: int | None,
                  role_ids: list[int] | None = None) -> Exemption | None:
    """An approved, unrevoked exemption of the person's (or one of the roles') year; one without a year covers
    every year. None when there is none."""
    roles = role_ids if role_ids is not None else list(session.scalars(
        select(AssessedRole.id).where(AssessedRole.person_id == person_id)))
    who = [Exemption.person_id == person_id]
    if roles:
        who.append(Exemption.assessed_role_id.in_(roles))
    stmt = (select(Exemption).where(or_(*who), Exemption.revoked_on.is_(None), Exemption.commitment_id.is_(None),
                                    Exemption.flag_id.is_(None))
            .order_by(Exemption.decided_on, Exemption.id))
    for row in session.scalars(stmt):
        if row.year is None or year is None or row.year == year:
            return row
    return None


@requires(Permission.EDIT, Permission.REVIEW, note=tr("由评议、辞职承诺情形、认定或专项考核提出；只提出建议，不执行"))
def propose(session: Session, actor: Actor, target: Target, *, kind: FlagKind | str, rule: str, why: str,
            year: int | None, raised_on: dt.date, source_type: str = "", source_id: int | None = None,
            commitment_id: int | None = None, exempt: bool = True) -> int:
    """A proposed consequence (idempotent); returns the Flag id. With ``exempt``, a negative kind whose person-year
    is exempted is stored as waived, naming the exemption."""
    if not isinstance(target, Target):
        raise ValidationError(tr("处理建议须指明对象（换届届次和人员）"))
    get_row(session, Person, target.person_id, tr("找不到人员（编号 {id}）"))
    kind = FlagKind(kind)
    stmt = select(Flag).where(Flag.cycle_id == target.cycle_id, Flag.person_id == target.person_id,
                              Flag.kind == kind, Flag.rule == rule)
    stmt = stmt.where(Flag.year.is_(None) if year is None else Flag.year == year)
    if kind is not FlagKind.RESIGNATION_TRIGGER:
        # one 辞职承诺 trigger per rule and year whatever found it; other proposals once per source
        stmt = stmt.where(Flag.source_type == source_type,
                          Flag.source_id.is_(None) if source_id is None else Flag.source_id == source_id)
    existing = session.scalars(stmt.order_by(Flag.id)).first()
    if existing is not None:
        return existing.id
    flag = Flag(cycle_id=target.cycle_id, person_id=target.person_id, candidacy_id=target.candidacy_id,
                assessed_role_id=target.assessed_role_id, village_id=target.village_id, kind=kind, rule=rule,
                why=why, year=year, source_type=source_type, source_id=source_id, commitment_id=commitment_id,
                state=ConsequenceState.PROPOSED, raised_on=raised_on,
                proposed_by=actor.display_name or actor.username)
    if exempt and kind in NEGATIVE_KINDS:
        roles = [target.assessed_role_id] if target.assessed_role_id is not None else None
        exemption = exemption_for(session, target.person_id, year, roles)
        if exemption is not None:
            flag.state = ConsequenceState.WAIVED
            flag.decision_no = exemption.decision_no
            flag.decided_by = exemption.decided_by
            flag.decided_on = exemption.decided_on
            flag.resolved_on = raised_on
            flag.note = tr("已列入保护清单免责（{no}，{cat}：{reason}），不作处理").format(
                no=exemption.decision_no, cat=exemption.category.label, reason=exemption.reason)
    return audit.add_recorded(session, actor, "propose", "flag", flag)
