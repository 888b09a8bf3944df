"""Weekly progress reports (每周一报, tracking.md A1, A3): one report per item and ISO week.

Rules (each refusal names the item's ledger number and the rule, and writes nothing):
- an item 销号, with a verdict, exempt or withdrawn takes no report;
- the report date is not in the future, nor before the week it reports on;
- a percent lies in 0–100; a percent (or a metric value) below the last report's needs a 无进展/倒退 reason;
- a cadre who has left office (the assessed role ended before the report date) can report no more;
- metric items report a value: it becomes ``metric_current`` and the percent is computed (A2 "computed, never
  claimed"); a parent's percent is the weighted roll-up of its children.
``on_time``: a report is on time when it is dated no later than the due weekday (setting ``report_due_weekday``,
Monday) of the week after its period. The first report with progress moves 已挂号 to 推进中.
"""
from __future__ import annotations

import datetime as dt
import functools
import re
from dataclasses import dataclass
from decimal import ROUND_FLOOR, Decimal
from typing import Any

from sqlalchemy import Date, Integer, Select, String, bindparam, exists, or_, select
from sqlalchemy.orm import Session

from villagevote import audit
from villagevote.audit import Actor
from villagevote.auth import Permission, requires
from villagevote.errors import ValidationError
from villagevote.i18n import tr
from villagevote.models.enums import CommitmentKind, CommitmentStatus
from villagevote.models.tracking import AssessedRole, Commitment, ProgressReport
from villagevote.tracking.ledger import ACTIVE, change_status, get_commitment, item_name, parent_percent, roll_up
from villagevote.tracking.settings import tracking_settings

__all__ = ["due_date", "iso_week", "metric_percent", "parent_percent", "record_report", "role_ended",
           "week_monday"]

_WEEK = re.compile(r"^(\d{4})-W(\d{2})$")


def iso_week(day: dt.date) -> str:
    """2026-04-01 → "2026-W14"."""
    year, week, _ = day.isocalendar()
    return f"{year}-W{week:02d}"


def week_monday(period: str) -> dt.date:
    """The Monday of an ISO week "2026-W14"; ValueError for a malformed or impossible week."""
    match = _WEEK.match(period or "")
    if not match:
        raise ValueError(period)
    return dt.date.fromisocalendar(int(match.group(1)), int(match.group(2)), 1)


def due_date(period: str, due_weekday: int = 0) -> dt.date:
    """The day a week's report is due: ``due_weekday`` (0 = Monday) of the following week."""
    return week_monday(period) + dt.timedelta(days=7 + due_weekday)


def metric_percent(baseline: Decimal, target: Decimal, current: Decimal) -> int:
    """(current − baseline)/(target − baseline) in Decimal, as a whole percent rounded down and clamped to 0–100
    (100 only when the target is reached; works for falling targets too)."""
    baseline, target, current = Decimal(str(baseline)), Decimal(str(target)), Decimal(str(current))
    if target == baseline:
        return 100 if current == target else 0
    value = (current - baseline) * 100 / (target - baseline)
    return max(0, min(100, int(value.to_integral_value(rounding=ROUND_FLOOR))))


def role_ended(session: Session, c: Commitment, on: dt.date) -> AssessedRole | None:
    """The ended assessed role of the item's owner (its own role, or the elected cadre's role of its candidacy)
    when that role ended before ``on``; None while the owner is in office (or the item is a team's)."""
    query = None
    if c.assessed_role_id is not None:
        query = select(AssessedRole).where(AssessedRole.id == c.assessed_role_id)
    elif c.candidacy_id is not None:
        query = select(AssessedRole).where(AssessedRole.candidacy_id == c.candidacy_id)
    if query is None:
        return None
    roles = list(session.scalars(query))
    if not roles or any(r.ends_on is None or r.ends_on >= on for r in roles):
        return None
    return max(roles, key=lambda r: r.ends_on or dt.date.min)


@dataclass(frozen=True)
class _Previous:
    period: str
    percent: int
    value: Decimal | None


@dataclass(frozen=True)
class _Around:
    """What one statement tells about an item's reports around a week."""
    previous: _Previous | None    # the newest report of an earlier week
    existing_id: int | None       # the newest report of this very week (a second report replaces it)
    later: bool                   # a later week is reported already
    is_parent: bool               # the item has children (its percent is their roll-up)
    owner_may_have_left: bool     # the owner has assessed roles and none is open on the day (role_ended tells)


@functools.cache
def _around_statement(by_candidacy: bool) -> Select[Any]:
    """The statement of :func:`_around`, built once (building it costs more than running it): parameters ``cid``,
    ``period``, ``on`` and ``role`` (the item's assessed role id, or with ``by_candidacy`` its candidacy id)."""
    pr = ProgressReport
    cid, role_key = bindparam("cid", type_=Integer), bindparam("role", type_=Integer)
    period, on = bindparam("period", type_=String), bindparam("on", type_=Date)
    mine = pr.commitment_id == cid
    earlier = select(pr.id).where(mine, pr.period < period).order_by(pr.period.desc(), pr.id.desc()).limit(1) \
        .scalar_subquery()
    role = (AssessedRole.candidacy_id if by_candidacy else AssessedRole.id) == role_key
    return select(
        select(pr.period).where(pr.id == earlier).scalar_subquery(),
        select(pr.percent).where(pr.id == earlier).scalar_subquery(),
        select(pr.value).where(pr.id == earlier).scalar_subquery(),
        select(pr.id).where(mine, pr.period == period).order_by(pr.id.desc()).limit(1).scalar_subquery(),
        exists().where(mine, pr.period > period),
        exists().where(Commitment.parent_id == cid),
        exists().where(role),
        exists().where(role, or_(AssessedRole.ends_on.is_(None), AssessedRole.ends_on >= on)),
    )


def _around(session: Session, c: Commitment, period: str, on: dt.date) -> _Around:
    """The earlier report, this week's report, a later one, the children and the owner's roles of ``c`` in one
    query (a weekly report is entered some 60 times a week per village: tracking.md A3). The owner's roles are
    those of :func:`role_ended`: the item's own assessed role, else its candidacy's; none for a team's item (an id
    of NULL matches no row)."""
    by_candidacy = c.assessed_role_id is None and c.candidacy_id is not None
    role = c.candidacy_id if by_candidacy else c.assessed_role_id
    row = session.execute(_around_statement(by_candidacy),
                          {"cid": c.id, "period": period, "on": on, "role": role}).one()
    previous = None if row[0] is None else _Previous(row[0], int(row[1] or 0), row[2])
    return _Around(previous=previous, existing_id=row[3], later=bool(row[4]), is_parent=bool(row[5]),
                   owner_may_have_left=bool(row[6]) and not bool(row[7]))


def _regress(c: Commitment, value: Decimal, last: Decimal) -> bool:
    """A metric value moved away from the target compared with the last report."""
    rising = Decimal(c.metric_target or 0) >= Decimal(c.metric_baseline or 0)
    return value < last if rising else value > last


@requires(Permission.EDIT)
def record_report(session: Session, actor: Actor, commitment_id: int, *, period: str, reported_on: dt.date,
                  percent: int | None = None, value: Decimal | None = None, narrative: str = "",
                  problems: str = "", next_plan: str = "", no_progress_reason: str = "", reported_by: str = "",
                  confirmed_by: str = "", confidence: int | None = None, today: dt.date | None = None) -> int:
    """Enter one week's report on an item (the clerk types what the village reported; ``reported_by`` is the
    village's 报告人, ``confirmed_by`` the 联村干部). A second report for the same week replaces the first (audited
    as an update). Returns the report's id."""
    today = today or dt.date.today()
    c = get_commitment(session, commitment_id)
    name = item_name(c)
    status = CommitmentStatus(c.status)
    if status not in ACTIVE:
        raise ValidationError(tr("{item}的状态是“{status}”，不能再录入进展（已销号、已有结论、免责或撤销的事项不再报告）").format(
            item=name, status=status.label))
    try:
        monday = week_monday(period)
    except ValueError:
        raise ValidationError(tr("{item}：周次“{period}”格式不对，应为“2026-W14”这样的年份与周数").format(
            item=name, period=period), field="period") from None
    if reported_on > today:
        raise ValidationError(tr("{item}：报告日期 {day} 晚于今天（{today}），不能录入未来日期的报告").format(
            item=name, day=reported_on.isoformat(), today=today.isoformat()), field="reported_on")
    if reported_on < monday:
        raise ValidationError(tr("{item}：报告日期 {day} 早于所报周次 {period} 的第一天（{monday}）").format(
            item=name, day=reported_on.isoformat(), period=period, monday=monday.isoformat()), field="reported_on")
    if c.registered_on is not None and monday + dt.timedelta(days=6) < c.registered_on:
        raise ValidationError(tr("{item}于 {day} 挂号，不能录入挂号以前的周次 {period}").format(
            item=name, day=c.registered_on.isoformat(), period=period), field="period")
    if confidence is not None and not 0 <= int(confidence) <= 10:
        raise ValidationError(tr("{item}：信心指数须在0到10之间（现为 {v}）").format(item=name, v=confidence),
                              field="confidence")
    around = _around(session, c, period, reported_on)
    ended = role_ended(session, c, reported_on) if around.owner_may_have_left else None
    if ended is not None:
        raise ValidationError(tr("{item}的责任人已于 {day} 离任（{reason}），不能再以其名义报告 {report_day} 的进展").format(
            item=name, day=ended.ends_on.isoformat() if ended.ends_on else "", reason=ended.end_reason or tr("离任"),
            report_day=reported_on.isoformat()), field="reported_on")
    reason = (no_progress_reason or "").strip()
    previous = around.previous
    is_parent = around.is_parent
    kind = CommitmentKind(c.kind)
    number: Decimal | None = None
    if kind is CommitmentKind.METRIC:
        if value is None:
            raise ValidationError(tr("{item}是指标类事项，请填写当前值（单位：{unit}），进度由系统计算").format(
                item=name, unit=c.unit or tr("无")), field="value")
        number = Decimal(str(value))
        if previous is not None and previous.value is not None and _regress(c, number, Decimal(previous.value)) \
                and not reason:
            raise ValidationError(tr("{item}：本周值 {v} 比上次报告（{period}）的 {last} 倒退，须填写无进展或倒退的原因").format(
                item=name, v=number, period=previous.period, last=Decimal(previous.value)),
                field="no_progress_reason")
        pct = metric_percent(Decimal(c.metric_baseline or 0), Decimal(c.metric_target or 0), number)
    elif is_parent:
        pct = int(c.percent_done or 0)  # a parent's progress is its children's roll-up
    else:
        if percent is None:
            if previous is None and not reason:
                raise ValidationError(tr("{item}：请填写完成进度（0–100），无进展时填写原因").format(item=name),
                                      field="percent")
            pct = previous.percent if previous is not None else int(c.percent_done or 0)
        else:
            pct = int(percent)
        if pct > 100 or pct < 0:
            raise ValidationError(tr("{item}：完成进度 {p}% 不在0到100之间").format(item=name, p=pct), field="percent")
        if previous is not None and pct < previous.percent and not reason:
            raise ValidationError(tr("{item}：本周进度 {p}% 低于上次报告（{period}）的 {last}%，须填写无进展或倒退的原因").format(
                item=name, p=pct, period=previous.period, last=previous.percent), field="no_progress_reason")
    settings = tracking_settings(session)
    on_time = reported_on <= due_date(period, settings.report_due_weekday)
    fields = dict(reported_on=reported_on, percent=pct, value=number, confidence=confidence,
                  narrative=narrative or "", problems=problems or "", next_plan=next_plan or "",
                  no_progress_reason=reason, reported_by=reported_by or "", entered_by=actor.username,
                  confirmed_by=confirmed_by or "", on_time=on_time)
    existing = session.get(ProgressReport, around.existing_id) if around.existing_id is not None else None
    if existing is not None:
        before = audit.snapshot(existing)
        for key, val in fields.items():
            setattr(existing, key, val)
        session.flush()
        audit.record(session, actor, "update", "progress_report", existing.id, before=before,
                     after=audit.snapshot(existing), note=tr("{no} 第 {period} 周报告重报，替换原报告").format(
                         no=c.ledger_no, period=period))
        report = existing
    else:
        report = ProgressReport(commitment_id=c.id, period=period, **fields)
        audit.add_recorded(session, actor, "create", "progress_report", report)
    # the item's current figures follow its latest week (the newest report of the latest period: this one, unless a
    # later week is already reported)
    if not around.later:
        if kind is CommitmentKind.METRIC:
            c.metric_current = number
        if not is_parent:
            c.percent_done = pct
    if status is CommitmentStatus.REGISTERED and (pct > 0 or (kind is CommitmentKind.METRIC and number is not None
                                                              and number != Decimal(c.metric_baseline or 0))):
        change_status(session, c, CommitmentStatus.IN_PROGRESS, on=reported_on, by=actor.username,
                      note=tr("首次报告进展（{period}，{p}%）").format(period=period, p=pct), audit_as=actor)
    if c.parent_id is not None:
        parent = session.get(Commitment, c.parent_id)
        if parent is not None:
            roll_up(session, parent)
    session.flush()
    return report.id
