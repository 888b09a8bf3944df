"""Per-village statutory calendar: the computed dates (villagevote.voters.calendar) with what was done and when."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from villagevote.i18n import tr
from villagevote.models.core import Village
from villagevote.models.enums import ObjectionOutcome
from villagevote.models.voters import Objection
from villagevote.voters.calendar import DeadlineStatus, deadline_status, objection_overdue, statutory_calendar
from villagevote.voters.register import cycle_profile, milestones

__all__ = ["CalendarRow", "MARKABLE", "village_calendar", "township_calendar"]

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
