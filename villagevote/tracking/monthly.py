"""每月一查一比 (tracking.md A3 "monthly", A7; issue 17 item 4): the data of the 月查月比表 and of the 销号备案表 that
goes upward every month. Domain: no Qt, no reports.

月查月比表, one row per village (code order), as of the month's last day (or today while the month runs):

- 挂号: items registered by then; 本月新增: registered in the month; 累计报结: 报结 by then (an item 退回 no longer
  counts: the machine clears its date); 累计销号: 销号 by then; 逾期: open items past their current deadline, neither
  报结 nor 销号 by then; 督办: items under a 挂牌督办 issued by then and not yet lifted;
- 销号率 = 累计销号 ÷ 挂号 (a Fraction; None without items); 周报及时率 over the month's ISO weeks whose reports were
  due by then (``weekly.timeliness_counts``); 月查得分: the mean score of the village's 月查 of the month;
- 名次 and 月比得分: the ranking scheme applied to the month (``ranking.score_period``), ties sharing a rank; 环比:
  the change of 销号率 against the previous month, in percentage points (Decimal, 1 place), and the previous rank.

Counted items are the leaf items of a village (a parent's children, not the parent) that are not 撤销; the counts
are SQL aggregates grouped by village.
"""
from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

from sqlalchemy import ColumnElement, and_, case, func, or_, select
from sqlalchemy.orm import Session, aliased

from villagevote.errors import ValidationError
from villagevote.i18n import tr
from villagevote.lookup import get_row
from villagevote.models.core import ElectionCycle, User, Village
from villagevote.models.enums import CommitmentStatus, InspectionKind
from villagevote.models.tracking import Attachment, Commitment, Inspection, ProgressReport, Supervision
from villagevote.tracking import ranking
from villagevote.tracking.weekly import (
    item_facts,
    period_bounds,
    period_kind,
    period_label,
    previous_period,
)

__all__ = ["ClosureRow", "MonthRow", "closure_register", "month_bounds", "monthly_comparison"]

CLOSED_VALUES = [s.value for s in ranking.CLOSED]


@dataclass(frozen=True)
class MonthRow:
    village_id: int
    village: str
    registered: int
    new: int
    reported_done: int
    closed: int
    overdue: int
    supervised: int
    closure_rate: Fraction | None        # 累计销号 ÷ 挂号
    reports_on_time: int
    reports_due: int
    inspection_score: Decimal | None     # 月查得分 (mean of the month's 月查)
    score: Decimal                       # 月比得分 by the ranking scheme
    rank: int
    previous_rank: int | None
    closure_change: Decimal | None       # 环比: 销号率 change in percentage points

    @property
    def timeliness(self) -> Fraction | None:
        """周报及时率; None when no report was due."""
        return Fraction(self.reports_on_time, self.reports_due) if self.reports_due else None


def month_bounds(month: str) -> tuple[dt.date, dt.date]:
    """"2026-05" -> (2026-05-01, 2026-05-31); ValidationError for anything but a month."""
    if period_kind(month) != "month":
        raise ValidationError(tr("月份“{month}”不对：应写成 2026-05 这样的年-月。").format(month=month), field="month")
    return period_bounds(month)


def _counts(session: Session, cycle_id: int, start: dt.date, as_of: dt.date) -> dict[int, tuple[int, ...]]:
    """Per village: registered, new, reported_done, closed, overdue — one GROUP BY query."""
    child = aliased(Commitment)
    is_parent = select(child.id).where(child.parent_id == Commitment.id).exists()
    registered = or_(Commitment.registered_on.is_(None), Commitment.registered_on <= as_of)
    closed = and_(Commitment.status.in_(CLOSED_VALUES), Commitment.closed_on.is_not(None),
                  Commitment.closed_on <= as_of)
    done = and_(Commitment.reported_done_on.is_not(None), Commitment.reported_done_on <= as_of)
    overdue = and_(registered, Commitment.deadline_current.is_not(None), Commitment.deadline_current < as_of,
                   ~closed, ~done, Commitment.status != CommitmentStatus.EXCUSED.value)

    def count(cond: ColumnElement[bool]) -> ColumnElement[int]:
        return func.sum(case((cond, 1), else_=0))

    stmt = (select(Commitment.village_id, count(registered),
                   count(and_(Commitment.registered_on >= start, Commitment.registered_on <= as_of)),
                   count(and_(registered, done)), count(and_(registered, closed)), count(overdue))
            .where(Commitment.cycle_id == cycle_id, Commitment.village_id.is_not(None),
                   Commitment.status != CommitmentStatus.WITHDRAWN.value, ~is_parent)
            .group_by(Commitment.village_id))
    return {r[0]: tuple(int(x or 0) for x in r[1:]) for r in session.execute(stmt)}


def _supervised(session: Session, cycle_id: int, as_of: dt.date) -> dict[int, int]:
    stmt = (select(Commitment.village_id, func.count(func.distinct(Supervision.commitment_id)))
            .join(Commitment, Commitment.id == Supervision.commitment_id)
            .where(Commitment.cycle_id == cycle_id, Supervision.issued_on <= as_of,
                   or_(Supervision.lifted_on.is_(None), Supervision.lifted_on > as_of))
            .group_by(Commitment.village_id))
    return {vid: int(n) for vid, n in session.execute(stmt) if vid is not None}


def _monthly_scores(session: Session, cycle_id: int, month: str, start: dt.date, end: dt.date) -> dict[int, Decimal]:
    scores: dict[int, list[Decimal]] = defaultdict(list)
    for vid, score in session.execute(
            select(Inspection.village_id, Inspection.score).where(
                Inspection.cycle_id == cycle_id, Inspection.kind == InspectionKind.MONTHLY.value,
                Inspection.village_id.is_not(None), Inspection.score.is_not(None),
                or_(Inspection.period == month, and_(Inspection.period == "", Inspection.held_on >= start,
                                                     Inspection.held_on <= end)))):
        scores[vid].append(Decimal(str(score)))
    return {vid: (sum(s, Decimal(0)) / len(s)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
            for vid, s in scores.items()}


def _closure_rates(session: Session, cycle_id: int, start: dt.date, as_of: dt.date) -> dict[int, Fraction]:
    return {vid: Fraction(c[3], c[0]) for vid, c in _counts(session, cycle_id, start, as_of).items() if c[0]}


def _points(diff: Fraction) -> Decimal:
    """A difference of two rates in percentage points, 1 decimal ROUND_HALF_UP."""
    return (Decimal(diff.numerator * 100) / Decimal(diff.denominator)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def monthly_comparison(session: Session, *, cycle_id: int, month: str, today: dt.date | None = None) -> list[MonthRow]:
    """The 月查月比表 of one month (module docstring), one row per village in code order."""
    start, end = month_bounds(month)
    today = today or dt.date.today()
    cycle = get_row(session, ElectionCycle, cycle_id, tr("找不到换届届次（编号 {id}）"))
    if today < start:
        raise ValidationError(tr("{month}尚未开始，没有月比数据。").format(month=period_label(month)), field="month")
    as_of = min(end, today)
    villages = list(session.execute(select(Village.id, Village.name).where(Village.township_id == cycle.township_id)
                                    .order_by(Village.code, Village.id)))
    counts = _counts(session, cycle_id, start, as_of)
    supervised = _supervised(session, cycle_id, as_of)
    facts = item_facts(session, cycle_id=cycle_id, owners=False)
    scores = _monthly_scores(session, cycle_id, month, start, end)
    scheme = ranking.current_scheme(session)
    ranked = {r.village_id: r for r in ranking.score_period(session, cycle_id=cycle_id, start=start, end=end,
                                                            today=today, scheme=scheme, facts=facts)}
    prev = previous_period(month)
    prev_start, prev_end = period_bounds(prev)
    prev_rates: dict[int, Fraction] = {}
    prev_ranks: dict[int, int] = {}
    if prev_end >= cycle.election_day:  # before the election there was nothing to compare
        prev_rates = _closure_rates(session, cycle_id, prev_start, prev_end)
        prev_ranks = {r.village_id: r.rank for r in ranking.score_period(
            session, cycle_id=cycle_id, start=prev_start, end=prev_end, today=today, scheme=scheme, facts=facts)}
    rows = []
    for vid, name in villages:
        registered, new, done, closed, overdue = counts.get(vid, (0, 0, 0, 0, 0))
        rate = Fraction(closed, registered) if registered else None
        change = _points(rate - prev_rates[vid]) if rate is not None and vid in prev_rates else None
        r = ranked[vid]
        # the scheme's 周报及时率 is over the same weeks (those of the month due by as_of)
        on_time, due = int(r.figures["reports_on_time"]), int(r.figures["reports_due"])
        rows.append(MonthRow(village_id=vid, village=name, registered=registered, new=new, reported_done=done,
                             closed=closed, overdue=overdue, supervised=supervised.get(vid, 0), closure_rate=rate,
                             reports_on_time=on_time, reports_due=due, inspection_score=scores.get(vid),
                             score=r.total, rank=r.rank, previous_rank=prev_ranks.get(vid), closure_change=change))
    return rows


# --------------------------------------------------------------------------------------------------- 销号备案表
@dataclass(frozen=True)
class ClosureRow:
    """One line of the 销号备案表."""

    commitment_id: int
    ledger_no: str
    village: str
    title: str
    owner: str
    registered_on: dt.date | None
    reported_done_on: dt.date | None
    closed_on: dt.date
    closed_by: str          # the verifier's display name (or user name)
    opinion: str            # 验收意见
    evidence: int           # 佐证数: attachments of the item and of its reports


def closure_register(session: Session, *, cycle_id: int, month: str) -> list[ClosureRow]:
    """Items 销号 in the month (still 销号 now), by village (code order) and ledger number."""
    start, end = month_bounds(month)
    get_row(session, ElectionCycle, cycle_id, tr("找不到换届届次（编号 {id}）"))
    ids = list(session.scalars(select(Commitment.id).where(
        Commitment.cycle_id == cycle_id, Commitment.status.in_(CLOSED_VALUES), Commitment.closed_on >= start,
        Commitment.closed_on <= end)))
    if not ids:
        return []
    facts = item_facts(session, cycle_id=cycle_id, ids=ids)
    opinions = dict(session.execute(select(Commitment.id, Commitment.acceptance_opinion)
                                    .where(Commitment.id.in_(ids))).tuples().all())
    evidence: dict[int, int] = defaultdict(int)
    for cid, n in session.execute(select(Attachment.owner_id, func.count()).where(
            Attachment.owner_type == "commitment", Attachment.owner_id.in_(ids)).group_by(Attachment.owner_id)):
        evidence[cid] += int(n)
    for cid, n in session.execute(
            select(ProgressReport.commitment_id, func.count())
            .join(Attachment, and_(Attachment.owner_type == "progress_report", Attachment.owner_id == ProgressReport.id))
            .where(ProgressReport.commitment_id.in_(ids)).group_by(ProgressReport.commitment_id)):
        evidence[cid] += int(n)
    users = {u: d for u, d in session.execute(select(User.username, User.display_name))}
    return [ClosureRow(commitment_id=f.id, ledger_no=f.ledger_no, village=f.village, title=f.title, owner=f.owner,
                       registered_on=f.registered_on, reported_done_on=f.reported_done_on,
                       closed_on=f.closed_on or end, closed_by=users.get(f.closed_by) or f.closed_by,
                       opinion=opinions.get(f.id) or "", evidence=evidence.get(f.id, 0)) for f in facts]
