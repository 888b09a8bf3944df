"""延期申请 (tracking.md A1 "Extension"): requested before the item's current deadline, decided by a reviewer; an
approval moves ``deadline_current`` (the original ``deadline`` stays, for the 按期率), and an item already 逾期 when
the approval comes returns to 推进中 if the new date is still ahead."""
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
from villagevote.models.enums import CommitmentStatus, DecisionState
from villagevote.models.tracking import Extension, ProgressReport
from villagevote.tracking.ledger import OPEN, change_status, get_commitment, item_name

__all__ = ["decide_extension", "request_extension"]


@requires(Permission.EDIT, note=tr("须在当前时限之前提出；同一事项同时只能有一份待审批的申请"))
def request_extension(session: Session, actor: Actor, commitment_id: int, *, new_date: dt.date, reason: str,
                      today: dt.date | None = None) -> int:
    """Ask for a later deadline (the clerk enters the village's request on ``today``). Refused on or after the
    current deadline, for an item not open, for a date not later than the current deadline, and while another
    request is pending. Returns the request's id."""
    today = today or dt.date.today()
    c = get_commitment(session, commitment_id)
    name = item_name(c)
    status = CommitmentStatus(c.status)
    if status not in OPEN:
        raise ValidationError(tr("{item}的状态是“{status}”，不能申请延期").format(item=name, status=status.label))
    text = (reason or "").strip()
    if not text:
        raise ValidationError(tr("{item}：申请延期须填写理由").format(item=name), field="reason")
    current = c.deadline_current
    if current is None:
        raise ValidationError(tr("{item}没有时限，无需申请延期").format(item=name))
    if today >= current:
        raise ValidationError(tr("{item}的时限是 {deadline}，延期申请须在时限之前提出（今天 {today} 已到期或逾期）").format(
            item=name, deadline=current.isoformat(), today=today.isoformat()), field="new_date")
    if new_date <= current:
        raise ValidationError(tr("{item}：申请的新时限 {new} 须晚于当前时限 {deadline}").format(
            item=name, new=new_date.isoformat(), deadline=current.isoformat()), field="new_date")
    pending = session.scalar(select(Extension.id).where(Extension.commitment_id == c.id,
                                                        Extension.state == DecisionState.PENDING))
    if pending is not None:
        raise ValidationError(tr("{item}已有一份待审批的延期申请，请先审批").format(item=name))
    row = Extension(commitment_id=c.id, requested_on=today, requested_by=actor.username, reason=text,
                    old_date=current, new_date=new_date, state=DecisionState.PENDING)
    return audit.add_recorded(session, actor, "request_extension", "extension", row)


@requires(Permission.REVIEW)
def decide_extension(session: Session, actor: Actor, extension_id: int, *, approve: bool, note: str = "",
                     today: dt.date | None = None) -> None:
    """Approve or refuse a pending request (reviewer). A refusal needs a note. An approval sets the item's
    ``deadline_current`` to the new date."""
    today = today or dt.date.today()
    ext = get_row(session, Extension, extension_id, tr("找不到延期申请（编号 {id}）"))
    c = get_commitment(session, ext.commitment_id)
    name = item_name(c)
    if DecisionState(ext.state) is not DecisionState.PENDING:
        raise ValidationError(tr("{item}的这份延期申请已于 {day} {state}").format(
            item=name, day=ext.decided_on.isoformat() if ext.decided_on else "", state=DecisionState(ext.state).label))
    text = (note or "").strip()
    if not approve and not text:
        raise ValidationError(tr("{item}：不予批准延期须说明理由").format(item=name), field="note")
    status = CommitmentStatus(c.status)
    if approve and status not in OPEN:
        raise ValidationError(tr("{item}的状态已是“{status}”，不能再批准延期").format(item=name, status=status.label))
    before = audit.snapshot(ext)
    ext.state = DecisionState.APPROVED if approve else DecisionState.REJECTED
    ext.decided_by = actor.username
    ext.decided_on = today
    ext.decision_note = text
    audit.record(session, actor, "decide_extension", "extension", ext.id, before=before, after=audit.snapshot(ext),
                 note=text)
    if approve:
        item_before = audit.snapshot(c)
        c.deadline_current = ext.new_date
        if status is CommitmentStatus.OVERDUE and ext.new_date >= today:
            reported = c.percent_done > 0 or session.scalar(
                select(ProgressReport.id).where(ProgressReport.commitment_id == c.id).limit(1)) is not None
            change_status(session, c, CommitmentStatus.IN_PROGRESS if reported else CommitmentStatus.REGISTERED,
                          on=today, by=actor.username,
                          note=tr("批准延期至 {day}，不再逾期").format(day=ext.new_date.isoformat()))
        audit.record(session, actor, "update", "commitment", c.id, before=item_before, after=audit.snapshot(c),
                     note=tr("批准延期至 {day}").format(day=ext.new_date.isoformat()))
    session.flush()
