"""The status machine of tracking.md A2, beyond registration and reports:

| from → to | function | rule |
|---|---|---|
| 推进中/逾期 → 已报结 | :func:`report_done` (clerk) | ≥ 1 verified attachment on the item or its reports; a metric item has reached its target; a parent has every child 销号, exempt or withdrawn |
| 已报结 → 已销号 | :func:`accept` (reviewer) | not the user who entered the 报结; an acceptance opinion; lifts 挂牌督办 |
| 已报结 → 推进中 | :func:`reject` (reviewer) | a reason; the 报结 date no longer counts |
| 已销号 → 推进中 | :func:`reopen` (反弹) | a reason; ``reopen_count += 1`` |
| 已挂号/推进中 → 逾期 (and back after an extension) | :func:`refresh_overdue` | today > ``deadline_current``; changed_by 系统 |

Each transition writes a ``CommitmentStatusChange`` and an audit row; each refusal is a ValidationError naming the
item's ledger number and the rule, with nothing written.
"""
from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from villagevote import audit
from villagevote.audit import Actor
from villagevote.auth import Permission, requires
from villagevote.errors import ValidationError
from villagevote.i18n import tr
from villagevote.lookup import get_row
from villagevote.models.enums import CommitmentKind, CommitmentStatus
from villagevote.models.tracking import Commitment, CommitmentStatusChange, InspectionFinding, ProgressReport
from villagevote.tracking.evidence import attachments_for_item
from villagevote.tracking.ledger import (
    SYSTEM_NAME,
    change_status,
    get_commitment,
    item_name,
    open_children,
    roll_up,
)
from villagevote.tracking.supervision import _lift_all

__all__ = ["LIGHTS", "accept", "light", "refresh_overdue", "reject", "reopen", "report_done", "target_reached"]

LIGHTS = ("ok", "due_soon", "overdue", "done")


def light(deadline_current: dt.date | None, status: CommitmentStatus | str, today: dt.date, warn_days: int) -> str:
    """The due-date light: "done" (报结, 销号 or final), "overdue" (逾期, or past ``deadline_current``), "due_soon"
    (due within ``warn_days``), otherwise "ok" (also for an item without a deadline)."""
    st = CommitmentStatus(status)
    if st not in (CommitmentStatus.REGISTERED, CommitmentStatus.IN_PROGRESS, CommitmentStatus.OVERDUE):
        return "done"
    if st is CommitmentStatus.OVERDUE:
        return "overdue"
    if deadline_current is None:
        return "ok"
    if today > deadline_current:
        return "overdue"
    if (deadline_current - today).days <= warn_days:
        return "due_soon"
    return "ok"


def target_reached(c: Commitment) -> bool:
    """A metric item's current value has reached its target (for a falling target: gone down to it)."""
    if c.metric_current is None or c.metric_target is None:
        return False
    current, target = Decimal(c.metric_current), Decimal(c.metric_target)
    rising = target >= Decimal(c.metric_baseline if c.metric_baseline is not None else 0)
    return current >= target if rising else current <= target


def _dates(c: Commitment, on: dt.date, today: dt.date, what: str, after: dt.date | None = None,
           after_what: str = "") -> None:
    if on > today:
        raise ValidationError(tr("{item}：{what}日期 {day} 晚于今天（{today}）").format(
            item=item_name(c), what=what, day=on.isoformat(), today=today.isoformat()), field="on")
    if after is not None and on < after:
        raise ValidationError(tr("{item}：{what}日期 {day} 早于{after_what} {after}").format(
            item=item_name(c), what=what, day=on.isoformat(), after_what=after_what, after=after.isoformat()),
            field="on")


def _text(value: str, message: str, field: str) -> str:
    text = (value or "").strip()
    if not text:
        raise ValidationError(message, field=field)
    return text


@requires(Permission.EDIT, note=tr("须有已核验的佐证材料；指标类须达到目标值；有子项的须全部销号或免责"))
def report_done(session: Session, actor: Actor, commitment_id: int, *, on: dt.date, note: str = "",
                today: dt.date | None = None, data_dir: Path | None = None) -> None:
    """报结 (clerk enters what the village reports): 推进中/逾期 → 已报结."""
    today = today or dt.date.today()
    c = get_commitment(session, commitment_id)
    name = item_name(c)
    status = CommitmentStatus(c.status)
    if status not in (CommitmentStatus.IN_PROGRESS, CommitmentStatus.OVERDUE):
        hint = tr("，须先录入进展") if status is CommitmentStatus.REGISTERED else ""
        raise ValidationError(tr("{item}的状态是“{status}”，只有推进中或逾期的事项才能报结{hint}").format(
            item=name, status=status.label, hint=hint))
    _dates(c, on, today, tr("报结"), c.registered_on, tr("挂号日"))
    children = open_children(session, c)
    if children:
        raise ValidationError(tr("{item}还有 {n} 个子项未销号或免责（{list}），子项全部销号或免责后才能报结").format(
            item=name, n=len(children), list="、".join(ch.ledger_no or str(ch.id) for ch in children[:5])))
    if CommitmentKind(c.kind) is CommitmentKind.METRIC and not target_reached(c):
        raise ValidationError(tr("{item}是指标类事项，当前值 {current}{unit} 未达到目标值 {target}{unit}，不能报结").format(
            item=name, current=c.metric_current if c.metric_current is not None else "—", unit=c.unit or "",
            target=c.metric_target))
    files = attachments_for_item(session, c.id, data_dir=data_dir)
    if not any(f.state == "ok" for f in files):
        if files:
            raise ValidationError(tr("{item}的佐证材料都未通过核验（{why}），报结须至少有一份完好的佐证材料").format(
                item=name, why="；".join(f.state_text for f in files[:3])))
        raise ValidationError(tr("{item}没有佐证材料，报结须至少上传一份照片、验收单等佐证材料").format(item=name))
    before = audit.snapshot(c)
    c.reported_done_on = on
    c.reported_done_by = actor.username
    change_status(session, c, CommitmentStatus.REPORTED_DONE, on=on, by=actor.username,
                  note=(note or "").strip() or tr("村报结"))
    audit.record(session, actor, "report_done", "commitment", c.id, before=before, after=audit.snapshot(c),
                 note=note or "")
    session.flush()


@requires(Permission.REVIEW, note=tr("销号人不能是录入该事项报结的同一用户"))
def accept(session: Session, actor: Actor, commitment_id: int, *, on: dt.date, opinion: str,
           today: dt.date | None = None) -> None:
    """销号 (验收, reviewer): 已报结 → 已销号, with the acceptance opinion; lifts any 挂牌督办."""
    today = today or dt.date.today()
    c = get_commitment(session, commitment_id)
    name = item_name(c)
    status = CommitmentStatus(c.status)
    if status is not CommitmentStatus.REPORTED_DONE:
        raise ValidationError(tr("{item}的状态是“{status}”，只有已报结的事项才能销号").format(
            item=name, status=status.label))
    if c.reported_done_by and c.reported_done_by == actor.username:
        raise ValidationError(tr("{item}的报结由用户“{user}”录入，销号须由另一位用户验收（报结与销号不能是同一人）").format(
            item=name, user=actor.username))
    body = _text(opinion, tr("{item}：销号须填写验收意见").format(item=name), "opinion")
    _dates(c, on, today, tr("销号"), c.reported_done_on, tr("报结日"))
    before = audit.snapshot(c)
    c.closed_on = on
    c.closed_by = actor.username
    c.acceptance_opinion = body
    c.percent_done = 100
    change_status(session, c, CommitmentStatus.CLOSED, on=on, by=actor.username, note=body)
    _lift_all(session, actor, c, on=on, note=tr("事项已销号，督办解除"))
    audit.record(session, actor, "accept", "commitment", c.id, before=before, after=audit.snapshot(c), note=body)
    if c.parent_id is not None:
        parent = session.get(Commitment, c.parent_id)
        if parent is not None:
            roll_up(session, parent)
    session.flush()


@requires(Permission.REVIEW)
def reject(session: Session, actor: Actor, commitment_id: int, *, on: dt.date, reason: str,
           today: dt.date | None = None) -> None:
    """退回 (reviewer): 已报结 → 推进中 with a reason; the 报结 date no longer counts."""
    today = today or dt.date.today()
    c = get_commitment(session, commitment_id)
    name = item_name(c)
    status = CommitmentStatus(c.status)
    if status is not CommitmentStatus.REPORTED_DONE:
        raise ValidationError(tr("{item}的状态是“{status}”，只有已报结的事项才能退回").format(
            item=name, status=status.label))
    body = _text(reason, tr("{item}：退回须填写理由").format(item=name), "reason")
    _dates(c, on, today, tr("退回"), c.reported_done_on, tr("报结日"))
    before = audit.snapshot(c)
    c.reported_done_on = None
    c.reported_done_by = ""
    change_status(session, c, CommitmentStatus.IN_PROGRESS, on=on, by=actor.username,
                  note=tr("退回：{reason}").format(reason=body))
    audit.record(session, actor, "reject", "commitment", c.id, before=before, after=audit.snapshot(c), note=body)
    session.flush()


@requires(Permission.EDIT, Permission.REVIEW, note=tr("须有理由；只对已销号的事项"))
def reopen(session: Session, actor: Actor, commitment_id: int, *, on: dt.date, reason: str,
           finding_id: int | None = None, today: dt.date | None = None) -> None:
    """反弹: an inspection finds a closed item has relapsed — 已销号 → 推进中, ``reopen_count += 1``; the finding
    (when given) is marked as a relapse."""
    today = today or dt.date.today()
    c = get_commitment(session, commitment_id)
    name = item_name(c)
    status = CommitmentStatus(c.status)
    if status is not CommitmentStatus.CLOSED:
        raise ValidationError(tr("{item}的状态是“{status}”，只有已销号的事项才能因反弹重新打开").format(
            item=name, status=status.label))
    body = _text(reason, tr("{item}：反弹重新打开须填写理由").format(item=name), "reason")
    _dates(c, on, today, tr("反弹"), c.closed_on, tr("销号日"))
    finding = None
    if finding_id is not None:
        finding = get_row(session, InspectionFinding, finding_id, tr("找不到检查发现的问题（编号 {id}）"))
    before = audit.snapshot(c)
    c.reopen_count = int(c.reopen_count or 0) + 1
    c.reported_done_on = None
    c.reported_done_by = ""
    c.closed_on = None
    c.closed_by = ""
    last = session.scalar(select(ProgressReport.percent).where(ProgressReport.commitment_id == c.id)
                          .order_by(ProgressReport.period.desc(), ProgressReport.id.desc()).limit(1))
    c.percent_done = min(int(last if last is not None else c.percent_done or 0), 99)
    change_status(session, c, CommitmentStatus.IN_PROGRESS, on=on, by=actor.username,
                  note=tr("反弹（第 {n} 次）：{reason}").format(n=c.reopen_count, reason=body))
    if finding is not None and not finding.relapse:
        finding_before = audit.snapshot(finding)
        finding.relapse = True
        if finding.commitment_id is None:
            finding.commitment_id = c.id
        audit.record(session, actor, "update", "inspection_finding", finding.id, before=finding_before,
                     after=audit.snapshot(finding))
    audit.record(session, actor, "reopen", "commitment", c.id, before=before, after=audit.snapshot(c), note=body)
    if c.parent_id is not None:
        parent = session.get(Commitment, c.parent_id)
        if parent is not None:
            roll_up(session, parent)
    session.flush()


def _reported(session: Session, c: Commitment) -> bool:
    return int(c.percent_done or 0) > 0 or session.scalar(
        select(ProgressReport.id).where(ProgressReport.commitment_id == c.id).limit(1)) is not None


def refresh_overdue(session: Session, *, cycle_id: int, today: dt.date) -> list[int]:
    """The daily check: items 已挂号/推进中 whose ``deadline_current`` is before ``today`` become 逾期; an 逾期
    item whose current deadline was moved past the day it became 逾期 (an approved extension) goes back to 推进中 (or
    已挂号 when nothing was reported). Status-change rows say 系统; audited as the system. Idempotent. Returns the ids
    that turned 逾期 now (each proposes 挂牌督办 when the setting says so).

    A clock behind the record never rewrites it: an item whose latest status change is dated after ``today`` (a
    computer whose date is wrong, or a township whose records run ahead of it) is left as it is."""
    newly: list[int] = []
    last_change: dict[int, dt.date] = {item: day for item, day in session.execute(
        select(CommitmentStatusChange.commitment_id, func.max(CommitmentStatusChange.changed_on))
        .join(Commitment, Commitment.id == CommitmentStatusChange.commitment_id)
        .where(Commitment.cycle_id == cycle_id).group_by(CommitmentStatusChange.commitment_id))}
    candidates = session.scalars(select(Commitment).where(
        Commitment.cycle_id == cycle_id,
        Commitment.status.in_([CommitmentStatus.REGISTERED, CommitmentStatus.IN_PROGRESS, CommitmentStatus.OVERDUE]),
        Commitment.deadline_current.is_not(None)))
    for c in candidates:
        status = CommitmentStatus(c.status)
        assert c.deadline_current is not None
        changed_on = last_change.get(c.id)
        if changed_on is not None and changed_on > today:
            continue
        if status is not CommitmentStatus.OVERDUE and today > c.deadline_current:
            change_status(session, c, CommitmentStatus.OVERDUE, on=today, by=SYSTEM_NAME,
                          note=tr("超过时限 {day} 未报结").format(day=c.deadline_current.isoformat()),
                          audit_as=audit.SYSTEM)
            newly.append(c.id)
        elif (status is CommitmentStatus.OVERDUE and today <= c.deadline_current
              and (changed_on is None or c.deadline_current >= changed_on)):
            back = CommitmentStatus.IN_PROGRESS if _reported(session, c) else CommitmentStatus.REGISTERED
            change_status(session, c, back, on=today, by=SYSTEM_NAME,
                          note=tr("时限已延至 {day}，不再逾期").format(day=c.deadline_current.isoformat()),
                          audit_as=audit.SYSTEM)
    session.flush()
    return newly
