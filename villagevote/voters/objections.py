"""Objections to a published voter list (选民名单异议): registered, answered in time, applied to the register.

Due dates come from the village's publication date and the cycle's rule profile (villagevote.voters.calendar):
by default objections within 5 days of publication, answers within 3 days of receipt, never later than the day
before the vote. An upheld objection changes the register in the same transaction: REMOVE takes the voter off
(with history), ADD puts the person on the list, CORRECT changes the details given.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from villagevote import audit
from villagevote.audit import Actor
from villagevote.auth import Permission, requires
from villagevote.errors import NotFound, ValidationError
from villagevote.i18n import tr
from villagevote.idcard import parse_id_number
from villagevote.lookup import get_row
from villagevote.models.core import Village, VillageGroup
from villagevote.models.enums import Gender, ObjectionOutcome, VoterCategory, VoterStatus
from villagevote.models.voters import Objection, ObjectionRequest, Voter, VoterEvent
from villagevote.voters.calendar import objection_dates, objection_overdue
from villagevote.voters.register import cycle_profile, milestones, refresh_eligibility, remove_voter
from villagevote.voters.search import initials_key, name_sort_key

__all__ = ["ObjectionRequest", "ObjectionRow", "answer_objection", "list_objections", "register_objection"]


def _published_on(session: Session, cycle_id: int, village_id: int) -> dt.date:
    done = milestones(session, cycle_id, village_id).get((village_id, "voter_list"))
    if done is None:
        village = session.get(Village, village_id)
        raise ValidationError(tr("{village}的选民名单尚未公布，不能登记对名单的异议；请先登记公布日期").format(
            village=village.name if village else ""))
    return done


@requires(Permission.EDIT)
def register_objection(session: Session, actor: Actor, cycle_id: int, village_id: int, *, raised_by: str,
                       ground: str, received_on: dt.date, request: ObjectionRequest,
                       voter_id: int | None = None, about_name: str = "",
                       details: dict[str, Any] | None = None) -> int:
    """Record an objection; computes its raise deadline and answer due date. Returns the new id.

    REMOVE and CORRECT name a voter of the village (``voter_id``); ADD names the person to list in ``details``
    (name, id_number, group_id, category).
    """
    if not raised_by.strip():
        raise ValidationError(tr("请填写异议提出人"), field="raised_by")
    if not ground.strip():
        raise ValidationError(tr("请填写异议的事实和理由"), field="ground")
    cycle, profile = cycle_profile(session, cycle_id)
    published = _published_on(session, cycle_id, village_id)
    dates = objection_dates(received_on, published, cycle.election_day, profile)
    request = ObjectionRequest(request)
    details = dict(details or {})
    if request in (ObjectionRequest.REMOVE, ObjectionRequest.CORRECT):
        voter = session.get(Voter, voter_id) if voter_id else None
        if voter is None or voter.village_id != village_id or voter.cycle_id != cycle_id:
            raise ValidationError(tr("请选择本村名单上被提出异议的选民"), field="voter")
        about_name = voter.name
    else:
        name = str(details.get("name", "")).strip()
        if not name:
            raise ValidationError(tr("漏登异议须填写应列入名单的人的姓名"), field="name")
        if details.get("id_number"):
            try:
                details["id_number"] = parse_id_number(details["id_number"]).number
            except ValidationError as exc:
                exc.field = "id_number"
                raise
        about_name = name
    objection = Objection(village_id=village_id, cycle_id=cycle_id, voter_id=voter_id, raised_by=raised_by.strip(),
                          about_name=about_name, ground=ground.strip(), received_on=received_on,
                          answer_due=dates.answer_due, raise_deadline=dates.raise_deadline,
                          filed_late=dates.filed_late, request=request, details=details or None)
    return audit.add_recorded(session, actor, "register", "objection", objection)


@requires(Permission.EDIT)
def answer_objection(session: Session, actor: Actor, objection_id: int, outcome: ObjectionOutcome, answer: str,
                     answered_on: dt.date, today: dt.date | None = None) -> list[str]:
    """Record the election committee's decision; an upheld objection is applied to the register at once.

    Returns notes for the user (e.g. proxies cancelled by a removal).
    """
    objection = get_row(session, Objection, objection_id, tr("找不到异议（编号 {id}）"))
    if objection.outcome != ObjectionOutcome.PENDING:
        raise ValidationError(tr("该异议已于 {day} 处理，结论为「{outcome}」").format(
            day=objection.answered_on, outcome=objection.outcome.label))
    outcome = ObjectionOutcome(outcome)
    if outcome == ObjectionOutcome.PENDING:
        raise ValidationError(tr("请选择处理结论：成立或不成立"), field="outcome")
    if not answer.strip():
        raise ValidationError(tr("请填写处理意见（答复内容）"), field="answer")
    if answered_on < objection.received_on:
        raise ValidationError(tr("答复日期不能早于收到异议的日期 {day}").format(day=objection.received_on),
                              field="answered_on")
    before = audit.snapshot(objection)
    notes: list[str] = []
    if outcome == ObjectionOutcome.UPHELD:
        notes = _apply(session, actor, objection, answered_on, today)
    objection.outcome = outcome
    objection.answer = answer.strip()
    objection.answered_on = answered_on
    session.flush()
    audit.record(session, actor, "answer", "objection", objection.id, before=before, after=audit.snapshot(objection))
    if objection.answer_due and answered_on > objection.answer_due:
        notes.append(tr("答复日期晚于应答复日期 {due}，已标为逾期答复").format(due=objection.answer_due))
    return notes


def _apply(session: Session, actor: Actor, objection: Objection, on: dt.date, today: dt.date | None) -> list[str]:
    reason = tr("异议成立（{who}提出：{ground}）").format(who=objection.raised_by, ground=objection.ground)
    if objection.request == ObjectionRequest.REMOVE:
        if objection.voter_id is None:
            raise NotFound(tr("异议涉及的选民已不存在"))
        return remove_voter(session, actor, objection.voter_id, VoterStatus.REMOVED, reason, on,
                            today=max(today or dt.date.today(), on))
    cycle_id = objection.cycle_id
    if cycle_id is None:
        raise NotFound(tr("异议未记录换届届次"))
    details = objection.details or {}
    if objection.request == ObjectionRequest.ADD:
        idn = details.get("id_number") or None
        if idn:
            same = session.scalar(select(Voter).where(Voter.cycle_id == cycle_id, Voter.id_number == idn,
                                                      Voter.village_id == objection.village_id))
            if same is not None and same.status == VoterStatus.ACTIVE:
                raise ValidationError(tr("{name}已在本村选民名单中，无需补登").format(name=same.name))
        info = parse_id_number(idn) if idn else None
        name = str(details["name"]).strip()
        birth = info.birth_date if info else (dt.date.fromisoformat(details["birth_date"])
                                              if details.get("birth_date") else None)
        added = Voter(cycle_id=cycle_id, village_id=objection.village_id, group_id=details.get("group_id"),
                      id_number=idn, name=name, name_initials=initials_key(name), name_sort=name_sort_key(name),
                      gender=(Gender.MALE if info.gender == "男" else Gender.FEMALE) if info else None,
                      birth_date=birth, category=VoterCategory(details.get("category", VoterCategory.RESIDENT.value)),
                      source=tr("异议补登"))
        session.add(added)
        session.flush()
        objection.voter_id = added.id
        session.add(VoterEvent(voter_id=added.id, kind="objection", status_after=VoterStatus.ACTIVE.value,
                               reason=reason, event_date=on, username=actor.username))
        refresh_eligibility(session, cycle_id, voter_ids=[added.id])
        audit.record(session, actor, "add", "voter", added.id, after=audit.snapshot(added), note=reason)
        return []
    # CORRECT
    voter = session.get(Voter, objection.voter_id)
    if voter is None:
        raise NotFound(tr("异议涉及的选民已不存在"))
    before = audit.snapshot(voter)
    changed = []
    if details.get("name"):
        voter.name = str(details["name"]).strip()
        voter.name_initials, voter.name_sort = initials_key(voter.name), name_sort_key(voter.name)
        changed.append(tr("姓名"))
    if details.get("group_id"):
        group = session.get(VillageGroup, int(details["group_id"]))
        if group is None or group.village_id != voter.village_id:
            raise ValidationError(tr("更正后的村民小组不属于本村"))
        voter.group_id = group.id
        changed.append(tr("村民小组"))
    if details.get("category"):
        voter.category = VoterCategory(details["category"])
        changed.append(tr("登记类别"))
    if not changed:
        raise ValidationError(tr("更正类异议须写明要更正的内容（姓名、村民小组或登记类别）"))
    session.add(VoterEvent(voter_id=voter.id, kind="correct", status_before=voter.status.value,
                           status_after=voter.status.value, reason=reason + tr("；更正：") + "、".join(changed),
                           event_date=on, username=actor.username))
    session.flush()
    refresh_eligibility(session, cycle_id, voter_ids=[voter.id])
    audit.record(session, actor, "correct", "voter", voter.id, before=before, after=audit.snapshot(voter), note=reason)
    return []


@dataclass(frozen=True)
class ObjectionRow:
    id: int
    village: str
    raised_by: str
    about: str
    request: str
    ground: str
    received_on: dt.date
    raise_deadline: dt.date | None
    filed_late: bool
    answer_due: dt.date | None
    outcome: str
    answered_on: dt.date | None
    overdue: bool


def list_objections(session: Session, cycle_id: int, village_id: int | None = None,
                    today: dt.date | None = None) -> list[ObjectionRow]:
    """Objections, pending and overdue ones first, then by due date."""
    today = today or dt.date.today()
    stmt = (select(Objection, Village.name).join(Village, Village.id == Objection.village_id)
            .where(Objection.cycle_id == cycle_id))
    if village_id is not None:
        stmt = stmt.where(Objection.village_id == village_id)
    rows = []
    for o, village in session.execute(stmt):
        overdue = o.answer_due is not None and objection_overdue(o.answer_due, today, o.answered_on)
        rows.append(ObjectionRow(o.id, village, o.raised_by, o.about_name, o.request.label, o.ground, o.received_on,
                                 o.raise_deadline, o.filed_late, o.answer_due, o.outcome.label, o.answered_on, overdue))
    rows.sort(key=lambda r: (r.answered_on is not None, not r.overdue, r.answer_due or dt.date.max, r.id))
    return rows
