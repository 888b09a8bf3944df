"""Assessed roles (tracking.md C): an elected cadre (linked to the candidacy), a 生态指导员 / 剿劣督导员, a 河长 or a
联村干部, over a period. Ending a role keeps every record (the person's items, reports and consequences stay; a
report dated after the end is refused, see ``progress.record_report``)."""
from __future__ import annotations

import datetime as dt

from sqlalchemy import select
from sqlalchemy.orm import Session

from villagevote import audit
from villagevote.audit import Actor
from villagevote.auth import Permission, requires
from villagevote.errors import ValidationError
from villagevote.i18n import tr
from villagevote.lookup import get_row
from villagevote.models import Candidacy, ElectionCycle, Organization, Person, Village
from villagevote.models.enums import AssessedRoleKind, CandidacyStatus
from villagevote.models.tracking import AssessedRole

__all__ = ["appoint", "end_role", "roles_for_elected"]

_PERIODS = ("", "month", "quarter", "half_year", "year")


@requires(Permission.EDIT)
def appoint(session: Session, actor: Actor, *, cycle_id: int, person_id: int, kind: AssessedRoleKind, title: str,
            village_id: int | None = None, starts_on: dt.date, appointing_unit: str = "",
            patrol_min: int | None = None, patrol_period: str = "", candidacy_id: int | None = None) -> int:
    """Record that a person holds an assessed role from ``starts_on`` (with a minimum number of patrols or visits
    per ``patrol_period`` — month, quarter, half_year, year — for the shortfall alert). Returns the role's id."""
    get_row(session, ElectionCycle, cycle_id, tr("找不到换届届次（编号 {id}）"))
    person = get_row(session, Person, person_id, tr("找不到人员（编号 {id}）"))
    if village_id is not None:
        get_row(session, Village, village_id, tr("找不到村（编号 {id}）"))
    if candidacy_id is not None:
        get_row(session, Candidacy, candidacy_id, tr("找不到候选人登记（编号 {id}）"))
    name = (title or "").strip() or AssessedRoleKind(kind).label
    if patrol_min is not None and patrol_min < 0:
        raise ValidationError(tr("{name}的{title}：巡查（走访）最少次数不能为负").format(name=person.name, title=name),
                              field="patrol_min")
    if patrol_period not in _PERIODS:
        raise ValidationError(tr("{name}的{title}：巡查周期“{period}”不可用（可选 month、quarter、half_year、year）").format(
            name=person.name, title=name, period=patrol_period), field="patrol_period")
    if patrol_min and not patrol_period:
        raise ValidationError(tr("{name}的{title}：规定了最少巡查次数，须同时写明周期").format(name=person.name, title=name),
                              field="patrol_period")
    row = AssessedRole(cycle_id=cycle_id, person_id=person_id, kind=AssessedRoleKind(kind), title=name,
                       village_id=village_id, candidacy_id=candidacy_id, appointing_unit=appointing_unit or "",
                       starts_on=starts_on, patrol_min=patrol_min, patrol_period=patrol_period or "")
    return audit.add_recorded(session, actor, "appoint", "assessed_role", row)


@requires(Permission.EDIT)
def end_role(session: Session, actor: Actor, role_id: int, *, on: dt.date, reason: str) -> None:
    """The person left the role on ``on`` (调离, 辞职, 职务终止 …); every record stays."""
    role = get_row(session, AssessedRole, role_id, tr("找不到考核岗位（编号 {id}）"))
    person = session.get(Person, role.person_id)
    who = tr("{name}的{title}").format(name=person.name if person else "", title=role.title)
    text = (reason or "").strip()
    if not text:
        raise ValidationError(tr("{who}：离任须写明原因").format(who=who), field="reason")
    if role.ends_on is not None:
        raise ValidationError(tr("{who}已于 {day} 离任").format(who=who, day=role.ends_on.isoformat()))
    if role.starts_on is not None and on < role.starts_on:
        raise ValidationError(tr("{who}：离任日期 {day} 早于任职日期 {start}").format(
            who=who, day=on.isoformat(), start=role.starts_on.isoformat()), field="on")
    before = audit.snapshot(role)
    role.ends_on = on
    role.end_reason = text
    audit.record(session, actor, "end_role", "assessed_role", role.id, before=before, after=audit.snapshot(role))
    session.flush()


@requires(Permission.EDIT, Permission.REVIEW)
def roles_for_elected(session: Session, actor: Actor, cycle_id: int) -> list[int]:
    """An assessed role (kind elected, titled with the post, from the election day) for every elected candidacy of
    the cycle that has none yet; returns the ids of all the cycle's elected roles, new and old."""
    cycle = get_row(session, ElectionCycle, cycle_id, tr("找不到换届届次（编号 {id}）"))
    existing = {r.candidacy_id: r.id for r in session.scalars(
        select(AssessedRole).where(AssessedRole.cycle_id == cycle_id, AssessedRole.candidacy_id.is_not(None)))}
    rows = session.execute(select(Candidacy, Organization.village_id)
                           .join(Organization, Organization.id == Candidacy.organization_id)
                           .where(Candidacy.cycle_id == cycle_id, Candidacy.status == CandidacyStatus.ELECTED)
                           .order_by(Candidacy.id)).all()
    ids = []
    for cand, village_id in rows:
        rid = existing.get(cand.id)
        if rid is None:
            row = AssessedRole(cycle_id=cycle_id, person_id=cand.person_id, kind=AssessedRoleKind.ELECTED,
                               title=cand.post, village_id=village_id, candidacy_id=cand.id,
                               starts_on=cycle.election_day)
            rid = audit.add_recorded(session, actor, "appoint", "assessed_role", row)
        ids.append(rid)
    return ids
