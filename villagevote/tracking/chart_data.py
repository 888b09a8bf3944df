"""Figures for the 践诺跟踪 page's charts (a township leader's glance): 销号率 per village and the number of overdue
items week by week. Plain dataclasses, read with two small SQL queries; no Qt (the page draws them).

销号率 here = 已销号 items ÷ items of the village (撤销 and 免责 items left out of both), by count, as an exact
Fraction (shown to one decimal). An item counts as overdue at the end of a week (its Sunday) when it had been
registered by then, its current deadline had passed, and it was not 销号 by then (撤销/免责 items never count). The
current deadline is used for past weeks too: an approved extension moves the item out of the weeks before it was
approved — the chart shows today's view of the past, which is what the ledger shows.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from villagevote.models.core import Village
from villagevote.models.enums import CommitmentStatus
from villagevote.models.tracking import Commitment

__all__ = ["VillageRate", "WeekCount", "closure_rates", "overdue_by_week"]

_LEFT_OUT = (CommitmentStatus.WITHDRAWN, CommitmentStatus.EXCUSED)
_CLOSED = (CommitmentStatus.CLOSED, CommitmentStatus.KEPT, CommitmentStatus.PARTLY_KEPT)


@dataclass(frozen=True)
class VillageRate:
    village_id: int
    village: str
    items: int
    closed: int

    @property
    def rate(self) -> Fraction | None:
        return Fraction(self.closed, self.items) if self.items else None

    @property
    def percent_text(self) -> str:
        """The rate as printed: one decimal, half up, from the exact fraction ("—" without items)."""
        if self.rate is None:
            return "—"
        value = Decimal(self.rate.numerator * 100) / Decimal(self.rate.denominator)
        return f"{value.quantize(Decimal('0.1'), rounding=ROUND_HALF_UP)}%"

    @property
    def percent(self) -> float:
        """For drawing only (the bar's height); the exact figure is :attr:`rate`."""
        return float(self.rate * 100) if self.rate is not None else 0.0


@dataclass(frozen=True)
class WeekCount:
    period: str        # ISO week, 2027-W14
    sunday: dt.date
    overdue: int


def closure_rates(session: Session, *, cycle_id: int) -> list[VillageRate]:
    """销号率 of every village with items in the cycle, in village code order."""
    closed = func.sum(case((Commitment.status.in_(_CLOSED), 1), else_=0))
    q = (select(Village.id, Village.name, func.count(Commitment.id), closed)
         .join(Commitment, Commitment.village_id == Village.id)
         .where(Commitment.cycle_id == cycle_id, Commitment.status.not_in(_LEFT_OUT))
         .group_by(Village.id, Village.name, Village.code)
         .order_by(Village.code, Village.id))
    return [VillageRate(vid, name, int(n), int(c or 0)) for vid, name, n, c in session.execute(q)]


def overdue_by_week(session: Session, *, cycle_id: int, today: dt.date, weeks: int = 26,
                    village_id: int | None = None) -> list[WeekCount]:
    """The overdue items at the end of each of the last ``weeks`` ISO weeks (oldest first; this week counts to
    today)."""
    q = (select(Commitment.registered_on, Commitment.deadline_current, Commitment.deadline, Commitment.closed_on,
                Commitment.status)
         .where(Commitment.cycle_id == cycle_id, Commitment.status.not_in(_LEFT_OUT)))
    if village_id is not None:
        q = q.where(Commitment.village_id == village_id)
    items = [(reg, cur or dl, closed, status) for reg, cur, dl, closed, status in session.execute(q)
             if (cur or dl) is not None]
    this_monday = today - dt.timedelta(days=today.weekday())
    out = []
    for back in range(weeks - 1, -1, -1):
        monday = this_monday - dt.timedelta(weeks=back)
        end = min(monday + dt.timedelta(days=6), today)
        n = 0
        for registered, due, closed, status in items:
            if registered is not None and registered > end:
                continue
            if due >= end:
                continue
            if closed is not None and closed <= end:
                continue
            if closed is None and status in _CLOSED:
                continue  # closed without a date (old rows): not overdue
            n += 1
        year, week, _ = monday.isocalendar()
        out.append(WeekCount(f"{year}-W{week:02d}", monday + dt.timedelta(days=6), n))
    return out
