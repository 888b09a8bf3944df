"""Per-village statutory calendar: the computed dates (villagevote.voters.calendar) with what was done and when."""
from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from villagevote import audit
from villagevote.audit import Actor
from villagevote.auth import Permission, requires
from villagevote.errors import ValidationError
from villagevote.i18n import tr
from villagevote.models.core import Village
from villagevote.models.enums import ObjectionOutcome
from villagevote.models.voters import Objection, VillageMilestone
from villagevote.voters.calendar import (
    DeadlineStatus,
    deadline_status,
    notice_date_problem,
    objection_overdue,
    statutory_calendar,
)
from villagevote.voters.register import cycle_profile, milestones, publish_voter_list, set_milestone

__all__ = [
    "MARKABLE",
    "OVERRIDE_CODES",
    "CalendarRow",
    "NoticeDateRefused",
    "NoticeOverride",
    "check_notice_date",
    "notice_override",
    "record_notice_override",
    "record_step_done",
    "township_calendar",
    "village_calendar",
]

# Steps a clerk marks as done by hand (the others follow from the register and objections).
MARKABLE = ("voter_list", "candidate_list", "proxy_list", "election")


@dataclass(frozen=True)
class CalendarRow:
    village_id: int
    village: str
    code: str
    label: str
    due: dt.date
    basis: str
    done_on: dt.date | None
    status: DeadlineStatus
    detail: str = ""


def village_calendar(session: Session, cycle_id: int, village_id: int, today: dt.date | None = None,
                     _done: dict | None = None, _objections: list | None = None) -> list[CalendarRow]:
    today = today or dt.date.today()
    cycle, profile = cycle_profile(session, cycle_id)
    village = session.get(Village, village_id)
    done = _done if _done is not None else milestones(session, cycle_id, village_id)
    published = done.get((village_id, "voter_list"))
    objections = _objections if _objections is not None else list(session.scalars(
        select(Objection).where(Objection.cycle_id == cycle_id, Objection.village_id == village_id)))
    rows = []
    for d in statutory_calendar(cycle.election_day, profile, published_on=published):
        done_on = done.get((village_id, d.code))
        detail = ""
        if d.code == "objection_deadline":
            status = DeadlineStatus.DONE if published and today > d.due else deadline_status(d.due, today)
            if published is None:
                status = DeadlineStatus.UPCOMING if today <= d.due else DeadlineStatus.LATE
                detail = tr("名单未公布")
            elif today > d.due:
                detail = tr("异议期已结束，共收到 {n} 件").format(n=len(objections))
        elif d.code == "objection_answers":
            pending = [o for o in objections if o.outcome == ObjectionOutcome.PENDING]
            overdue = [o for o in objections if o.answer_due and objection_overdue(o.answer_due, today, o.answered_on)]
            if overdue:
                status = DeadlineStatus.LATE
                detail = tr("逾期答复 {n} 件").format(n=len(overdue))
            elif pending:
                status = deadline_status(min(o.answer_due or d.due for o in pending), today)
                detail = tr("待答复 {n} 件").format(n=len(pending))
            elif published is not None and today > d.due:
                status = DeadlineStatus.DONE
                detail = tr("已全部答复") if objections else tr("无异议")
            else:
                status = deadline_status(d.due, today)
        else:
            status = deadline_status(d.due, today, done_on)
        rows.append(CalendarRow(village_id, village.name if village else "", d.code, d.label, d.due, d.basis, done_on,
                                status, detail))
    return rows


def township_calendar(session: Session, cycle_id: int, today: dt.date | None = None) -> list[CalendarRow]:
    """Every village's calendar in one list (village order, then date)."""
    cycle, _ = cycle_profile(session, cycle_id)
    done = milestones(session, cycle_id)
    objections: dict[int, list[Objection]] = {}
    for o in session.scalars(select(Objection).where(Objection.cycle_id == cycle_id)):
        objections.setdefault(o.village_id, []).append(o)
    rows: list[CalendarRow] = []
    for village in session.scalars(select(Village).where(Village.township_id == cycle.township_id)
                                   .order_by(Village.code, Village.id)):
        rows.extend(village_calendar(session, cycle_id, village.id, today, done, objections.get(village.id, [])))
    return rows


# ---------------------------------------------------------------------------------------------------------------
# Dating a notice: the statutory days before the election, or an administrator's recorded reason
# ---------------------------------------------------------------------------------------------------------------
#: village_milestone codes that hold an administrator's override for a notice dated too late. The row's ``done_on``
#: is the notice date the override allows, ``username`` who recorded it and ``note`` JSON {"reason", "by", "at"}; the
#: audit log keeps every change (action "notice_override"). No migration: the table and its unique key already fit.
OVERRIDE_CODES = {"voter_list": "voter_list_override", "candidate_list": "candidate_list_override"}


@dataclass(frozen=True)
class NoticeOverride:
    code: str  # voter_list / candidate_list
    on: dt.date  # the notice date it allows
    reason: str
    by: str  # the administrator's name
    at: dt.date  # when it was recorded
    problem: str  # the refusal it overrides, e.g. "…只有 14 天，法定应在选举日前至少 20 天公布…"

    def text(self) -> str:
        """The small line printed on the notice's file copy."""
        return tr("未满法定公告期：{problem}（{reason}，管理员 {by}，{at}）").format(
            problem=self.problem, reason=self.reason, by=self.by, at=_cn(self.at))


class NoticeDateRefused(ValidationError):
    """A notice dated closer to the election than the profile allows, with no override recorded for that date."""

    def __init__(self, message: str, *, cycle_id: int, village_id: int, code: str, on: dt.date) -> None:
        super().__init__(message)
        self.cycle_id, self.village_id, self.code, self.on = cycle_id, village_id, code, on


def _cn(day: dt.date) -> str:
    return tr("{y}年{m}月{d}日").format(y=day.year, m=day.month, d=day.day)


def _override_row(session: Session, cycle_id: int, village_id: int, code: str) -> VillageMilestone | None:
    return session.scalar(select(VillageMilestone).where(VillageMilestone.cycle_id == cycle_id,
                                                         VillageMilestone.village_id == village_id,
                                                         VillageMilestone.code == OVERRIDE_CODES[code]))


def notice_override(session: Session, cycle_id: int, village_id: int, code: str,
                    on: dt.date) -> NoticeOverride | None:
    """The override recorded for this village's notice dated ``on`` (None when there is none for that date)."""
    row = _override_row(session, cycle_id, village_id, code)
    if row is None or row.done_on != on:
        return None
    data = json.loads(row.note or "{}")
    return NoticeOverride(code, on, data.get("reason", ""), data.get("by", row.username),
                          dt.date.fromisoformat(data["at"]) if data.get("at") else on, data.get("problem", ""))


def check_notice_date(session: Session, cycle_id: int, village_id: int, code: str,
                      on: dt.date) -> NoticeOverride | None:
    """Check a notice's date against the cycle's profile. In time → None; too late with an administrator's override
    for exactly this date → the override (to be printed); too late otherwise → :class:`NoticeDateRefused` naming the
    village, the dates and the days the law wants."""
    cycle, profile = cycle_profile(session, cycle_id)
    problem = notice_date_problem(code, on, cycle.election_day, profile)
    if not problem:
        return None
    village = session.get(Village, village_id)
    name = village.name if village else ""
    if on >= cycle.election_day:  # after the vote nothing can excuse it
        raise ValidationError(tr("{village}：{problem}").format(village=name, problem=problem))
    override = notice_override(session, cycle_id, village_id, code, on)
    if override is not None:
        return override
    raise NoticeDateRefused(tr("{village}：{problem}。如确需按此日期公布，须由管理员填写理由（理由将印在存档件上并记入操作日志）").format(
        village=name, problem=problem), cycle_id=cycle_id, village_id=village_id, code=code, on=on)


@requires(Permission.ADMIN)
def record_notice_override(session: Session, actor: Actor, cycle_id: int, village_id: int, code: str, on: dt.date,
                           reason: str, *, today: dt.date | None = None) -> NoticeOverride:
    """An administrator accepts a notice dated closer to the election than the profile allows, with a reason. Stored
    on the village_milestone row ``<code>_override`` (replacing an earlier one) and audited; printed on the notice."""
    if code not in OVERRIDE_CODES:
        raise ValidationError(tr("没有名为“{code}”的公告").format(code=code))
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(tr("未满法定公告期仍要公布，须填写理由"))
    cycle, profile = cycle_profile(session, cycle_id)
    village = session.get(Village, village_id)
    if village is None:
        raise ValidationError(tr("找不到村（编号 {id}）").format(id=village_id))
    problem = notice_date_problem(code, on, cycle.election_day, profile)
    if not problem:
        raise ValidationError(tr("{village}：公告日期 {d} 已满足法定公告期，不需要填写理由").format(
            village=village.name, d=_cn(on)))
    if on >= cycle.election_day:
        raise ValidationError(tr("{village}：{problem}").format(village=village.name, problem=problem))
    at = today or dt.date.today()
    by = actor.display_name if actor.display_name and actor.display_name != actor.role.label else actor.username
    note = json.dumps({"reason": reason, "by": by, "at": at.isoformat(), "problem": problem}, ensure_ascii=False)
    row = _override_row(session, cycle_id, village_id, code)
    before = audit.snapshot(row)
    if row is None:
        row = VillageMilestone(cycle_id=cycle_id, village_id=village_id, code=OVERRIDE_CODES[code], done_on=on,
                               note=note, username=actor.username)
        session.add(row)
    else:
        row.done_on, row.note, row.username = on, note, actor.username
    session.flush()
    audit.record(session, actor, "notice_override", "village_milestone", row.id, before=before,
                 after=audit.snapshot(row), note=tr("{village}：{problem}；理由：{reason}").format(
                     village=village.name, problem=problem, reason=reason))
    return NoticeOverride(code, on, reason, by, at, problem)


@requires(Permission.EDIT)
def record_step_done(session: Session, actor: Actor, cycle_id: int, village_id: int, code: str,
                     on: dt.date) -> list[str]:
    """A statutory step marked done from the calendar (one of ``MARKABLE``). Publishing the voter list checks the
    register first and returns its warnings (:func:`publish_voter_list`); the other steps are recorded as they are."""
    if code not in MARKABLE:
        raise ValidationError(tr("异议期和异议答复的完成情况由异议记录自动判断。"))
    if code == "voter_list":
        return publish_voter_list(session, actor, cycle_id, village_id, on)
    set_milestone(session, actor, cycle_id, village_id, code, on)
    return []
