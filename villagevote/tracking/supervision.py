"""挂牌督办 (tracking.md A1, A2): a flag on an item, not a status — issued by a reviewer with a notice number and a
limit date, followed by 催办 and the village's 回执, and lifted when the item is 销号 (or by a reviewer).

Notice numbers follow the setting ``supervision_notice_format`` (default ``督〔{year}〕{n}号``): the year of issue
and the next number of that year.
"""
from __future__ import annotations

import datetime as dt
import re

from sqlalchemy import select
from sqlalchemy.orm import Session

from villagevote import audit
from villagevote.audit import Actor
from villagevote.auth import Permission, requires
from villagevote.errors import ValidationError
from villagevote.i18n import tr
from villagevote.lookup import get_row
from villagevote.models.enums import CommitmentStatus, SupervisionLevel, SupervisionReason
from villagevote.models.tracking import Commitment, Supervision, SupervisionUrge
from villagevote.tracking.ledger import OPEN, get_commitment, item_name
from villagevote.tracking.settings import tracking_settings

__all__ = ["active_supervision", "lift", "next_notice_no", "record_receipt", "supervise", "urge"]


def active_supervision(session: Session, commitment_id: int) -> Supervision | None:
    return session.scalar(select(Supervision).where(Supervision.commitment_id == commitment_id,
                                                    Supervision.lifted_on.is_(None))
                          .order_by(Supervision.id.desc()).limit(1))


def next_notice_no(session: Session, year: int) -> str:
    fmt = tracking_settings(session).supervision_notice_format
    head, _, tail = fmt.partition("{n}")
    head, tail = head.format(year=year), tail.format(year=year)
    pattern = re.compile("^" + re.escape(head) + r"(\d+)" + re.escape(tail) + "$")
    highest = 0
    for number in session.scalars(select(Supervision.notice_no)):
        match = pattern.match(number or "")
        if match:
            highest = max(highest, int(match.group(1)))
    return f"{head}{highest + 1}{tail}"


def _text(value: str, message: str, field: str) -> str:
    text = (value or "").strip()
    if not text:
        raise ValidationError(message, field=field)
    return text


def _supervision(session: Session, supervision_id: int) -> tuple[Supervision, Commitment]:
    sup = get_row(session, Supervision, supervision_id, tr("找不到督办记录（编号 {id}）"))
    return sup, get_commitment(session, sup.commitment_id)


@requires(Permission.REVIEW)
def supervise(session: Session, actor: Actor, commitment_id: int, *, level: SupervisionLevel,
              reason: SupervisionReason, reason_text: str = "", limit_date: dt.date, notice_no: str | None = None,
              today: dt.date | None = None) -> int:
    """挂牌督办 an open item (reviewer): one active supervision per item; the limit date is not before today; the
    notice number is given or the next of the year. Returns the supervision's id."""
    today = today or dt.date.today()
    c = get_commitment(session, commitment_id)
    name = item_name(c)
    status = CommitmentStatus(c.status)
    if status not in OPEN:
        raise ValidationError(tr("{item}的状态是“{status}”，只有未报结的事项才能挂牌督办").format(
            item=name, status=status.label))
    current = active_supervision(session, c.id)
    if current is not None:
        raise ValidationError(tr("{item}已在挂牌督办中（{no}，限期 {limit}），不能重复挂牌").format(
            item=name, no=current.notice_no, limit=current.limit_date.isoformat()))
    if limit_date < today:
        raise ValidationError(tr("{item}：督办限期 {limit} 早于签发日 {today}").format(
            item=name, limit=limit_date.isoformat(), today=today.isoformat()), field="limit_date")
    number = (notice_no or "").strip() or next_notice_no(session, today.year)
    if session.scalar(select(Supervision.id).where(Supervision.notice_no == number)) is not None:
        raise ValidationError(tr("{item}：督办编号“{no}”已被使用").format(item=name, no=number), field="notice_no")
    row = Supervision(commitment_id=c.id, level=SupervisionLevel(level), reason=SupervisionReason(reason),
                      reason_text=reason_text or "", notice_no=number, issued_on=today, issued_by=actor.username,
                      limit_date=limit_date)
    return audit.add_recorded(session, actor, "supervise", "supervision", row)


def _active(session: Session, supervision_id: int) -> tuple[Supervision, Commitment]:
    sup, c = _supervision(session, supervision_id)
    if sup.lifted_on is not None:
        raise ValidationError(tr("{item}的督办 {no} 已于 {day} 解除").format(
            item=item_name(c), no=sup.notice_no, day=sup.lifted_on.isoformat()))
    return sup, c


def _not_future(c: Commitment, on: dt.date, today: dt.date) -> None:
    if on > today:
        raise ValidationError(tr("{item}：日期 {day} 晚于今天（{today}）").format(
            item=item_name(c), day=on.isoformat(), today=today.isoformat()), field="on")


@requires(Permission.EDIT, Permission.REVIEW)
def urge(session: Session, actor: Actor, supervision_id: int, *, on: dt.date, method: str, note: str = "",
         today: dt.date | None = None) -> int:
    """催办: log one chase of an active supervision (电话 / 书面 / 现场). Returns the log row's id."""
    sup, c = _active(session, supervision_id)
    _not_future(c, on, today or dt.date.today())
    if on < sup.issued_on:
        raise ValidationError(tr("{item}：催办日期 {day} 早于督办签发日 {issued}").format(
            item=item_name(c), day=on.isoformat(), issued=sup.issued_on.isoformat()), field="on")
    row = SupervisionUrge(supervision_id=sup.id, urged_on=on, method=(method or "").strip(), note=note or "",
                          urged_by=actor.username)
    return audit.add_recorded(session, actor, "urge", "supervision_urge", row)


@requires(Permission.EDIT, Permission.REVIEW)
def record_receipt(session: Session, actor: Actor, supervision_id: int, *, on: dt.date, text: str,
                   today: dt.date | None = None) -> None:
    """回执: the village's written account of what it did about the supervision."""
    sup, c = _active(session, supervision_id)
    body = _text(text, tr("{item}：请填写回执的办理情况").format(item=item_name(c)), "text")
    _not_future(c, on, today or dt.date.today())
    before = audit.snapshot(sup)
    sup.receipt_on = on
    sup.receipt_text = body
    audit.record(session, actor, "receipt", "supervision", sup.id, before=before, after=audit.snapshot(sup))
    session.flush()


@requires(Permission.REVIEW)
def lift(session: Session, actor: Actor, supervision_id: int, *, on: dt.date, note: str,
         today: dt.date | None = None) -> None:
    """Lift (撤牌) a supervision before the item is 销号 (reviewer), with a note."""
    sup, c = _active(session, supervision_id)
    body = _text(note, tr("{item}：解除督办须说明理由").format(item=item_name(c)), "note")
    _not_future(c, on, today or dt.date.today())
    before = audit.snapshot(sup)
    sup.lifted_on = on
    sup.lifted_note = body
    audit.record(session, actor, "lift", "supervision", sup.id, before=before, after=audit.snapshot(sup))
    session.flush()


def _lift_all(session: Session, actor: Actor, c: Commitment, *, on: dt.date, note: str) -> list[int]:
    """Lift every active supervision of ``c`` (called inside 销号, 免责 and 撤销, whose permission covers it);
    returns their ids."""
    lifted = []
    for sup in session.scalars(select(Supervision).where(Supervision.commitment_id == c.id,
                                                         Supervision.lifted_on.is_(None))):
        before = audit.snapshot(sup)
        sup.lifted_on = on
        sup.lifted_note = note
        audit.record(session, actor, "lift", "supervision", sup.id, before=before, after=audit.snapshot(sup))
        lifted.append(sup.id)
    return lifted
