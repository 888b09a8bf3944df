"""Tracking statistics (tracking.md §B2; report JNTJ-01) for a month (``2027-05``) or a quarter (``2027-Q2``): per
village and a township total recomputed from the villages' numerators and denominators.

The figures use the same rules as the tracking pages, so a village's number is the same in the 月查月比表, the
quarterly ranking and this report: the items are the cycle's village items as ``tracking.weekly.item_facts`` reads
them, leaf items only (a parent's children count, not the parent), never 撤销; everything is taken as of the end of
the period (``as_of``: the last day, or today while the period runs):
- 挂号: items registered by then (an item without a registration date counts); 本期新增: registered within the
  period; 报结: a 报结 by then (an item 退回 no longer has one); 销号: 销号 (or kept) by then;
- 逾期: past the current deadline by then, neither 报结 nor 销号, not 免责 (as the 月查月比表);
- 督办: under a 挂牌督办 issued by then and not lifted by then; 免责: 免责 status or an exemption in force then;
- 销号率 by count and by weight: of the items due (current deadline ≤ as_of), not 免责, those 销号 by then (as the
  ranking's ``closed_rate``; weights in hundredths, exact); 按期销号率: of the items whose ORIGINAL deadline has come,
  those 销号 no later than it (the ranking's ``on_time_rate``);
- 周报及时率: on-time reports ÷ reports due over the (item, week) pairs of the period's ISO weeks whose reports were
  due by as_of (``tracking.weekly.timeliness_counts``);
- 评议 grades: the 民主评议 counts of the sessions held within the period, by grade (any scale's words);
- consequences raised within the period, by current state and by kind (placed in a village by the flag, the cadre's
  candidacy or the item).

``compute_tracking`` is pure; ``gather_tracking`` reads the database.
"""
from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from villagevote.errors import ValidationError
from villagevote.evaluation.thresholds import BASIC, COMPETENT, EXCELLENT, UNFIT, grade_name
from villagevote.i18n import tr
from villagevote.models.candidates import Candidacy
from villagevote.models.core import ElectionCycle, Organization, Village
from villagevote.models.enums import CommitmentStatus, ConsequenceState, FlagKind
from villagevote.models.evaluation import EvaluationCount, EvaluationSession
from villagevote.models.tracking import Exemption, Flag, Supervision
from villagevote.statistics.catalog import TRACKING, Value, catalog, township_totals
from villagevote.statistics.gather import village_code
from villagevote.tracking import weekly

__all__ = [
    "CLOSED",
    "ConsequenceIn",
    "GradeIn",
    "ItemIn",
    "TrackingInput",
    "compute_tracking",
    "gather_tracking",
    "parse_period",
    "tracking_values",
]

Span = tuple[dt.date, dt.date | None]  # from, until (None = still in force)
# 销号 and the verdicts that follow it (as tracking.ranking.CLOSED)
CLOSED = frozenset({CommitmentStatus.CLOSED, CommitmentStatus.KEPT, CommitmentStatus.PARTLY_KEPT})


def parse_period(text: str) -> tuple[str, dt.date, dt.date]:
    """``2027-05`` or ``2027-Q2`` → (canonical text, first day, last day); a Chinese error otherwise."""
    period = str(text or "").strip().upper().replace("Q", "-Q").replace("--Q", "-Q")
    if period[:4].isdigit() and len(period) == 6 and period[4] == "-" and period[5].isdigit():
        period = f"{period[:5]}0{period[5]}"  # 2027-5 → 2027-05
    try:
        kind = weekly.period_kind(period)
    except ValidationError:
        kind = ""
    if kind not in ("month", "quarter"):
        raise ValidationError(tr("统计期“{v}”不对，应写成 2027-05（月）或 2027-Q2（季度）").format(v=text), field="period")
    start, end = weekly.period_bounds(period)
    return period, start, end


@dataclass(frozen=True)
class ItemIn:
    village_code: str
    status: CommitmentStatus
    registered_on: dt.date | None
    deadline: dt.date | None  # the original 时限
    deadline_current: dt.date | None  # after extensions
    weight: int = 100  # hundredths
    reported_done_on: dt.date | None = None
    closed_on: dt.date | None = None
    is_parent: bool = False
    supervisions: tuple[Span, ...] = ()
    exemptions: tuple[Span, ...] = ()


@dataclass(frozen=True)
class GradeIn:
    village_code: str
    grade: str  # any scale's words (优秀 / 称职 / 满意 / 基本合格 …)


@dataclass(frozen=True)
class ConsequenceIn:
    village_code: str
    kind: FlagKind
    state: ConsequenceState


@dataclass(frozen=True)
class TrackingInput:
    villages: Sequence[str]  # village codes
    period: str
    start: dt.date
    end: dt.date
    as_of: dt.date  # ≤ end: the day the figures are taken (today for a period not over)
    items: Sequence[ItemIn] = ()
    reports: Mapping[str, tuple[int, int]] = field(default_factory=dict)  # village → (on time, due)
    grades: Sequence[GradeIn] = ()  # of sessions held within the period
    consequences: Sequence[ConsequenceIn] = ()  # raised within the period


def _in_force(spans: Sequence[Span], day: dt.date) -> bool:
    return any(start <= day and (until is None or until > day) for start, until in spans)


def _by(day: dt.date | None, limit: dt.date) -> bool:
    return day is not None and day <= limit


_GRADE_CODE = {EXCELLENT: "J03.grade_top", COMPETENT: "J03.grade_pass", BASIC: "J03.grade_basic",
               UNFIT: "J03.grade_fail"}


def compute_tracking(data: TrackingInput) -> list[Value]:
    """Every JNTJ-01 indicator for each village in code order, then the township total row."""
    items: dict[str, list[ItemIn]] = defaultdict(list)
    for item in data.items:
        items[item.village_code].append(item)
    grades: dict[str, list[GradeIn]] = defaultdict(list)
    for g in data.grades:
        grades[g.village_code].append(g)
    cons: dict[str, list[ConsequenceIn]] = defaultdict(list)
    for c in data.consequences:
        cons[c.village_code].append(c)
    day = min(data.as_of, data.end)
    values: list[Value] = []
    for code in sorted(data.villages):
        out: dict[str, tuple[int, int]] = {}
        live = [i for i in items.get(code, []) if i.status is not CommitmentStatus.WITHDRAWN and not i.is_parent
                and (i.registered_on is None or i.registered_on <= day)]
        excused = [i.status is CommitmentStatus.EXCUSED or _in_force(i.exemptions, day) for i in live]
        closed = [i.status in CLOSED and _by(i.closed_on, day) for i in live]
        done = [_by(i.reported_done_on, day) for i in live]
        out["J01.registered"] = (len(live), 1)
        out["J01.new"] = (sum(1 for i in live if i.registered_on is not None and i.registered_on >= data.start), 1)
        out["J01.reported"] = (sum(done), 1)
        out["J01.closed"] = (sum(closed), 1)
        out["J01.overdue"] = (sum(1 for i, shut, told, free in zip(live, closed, done, excused)
                                  if i.deadline_current is not None and i.deadline_current < day
                                  and not (shut or told or free)), 1)
        out["J01.supervised"] = (sum(1 for i in live if _in_force(i.supervisions, day)), 1)
        out["J01.exempted"] = (sum(excused), 1)
        n_due = n_closed = w_due = w_closed = n_orig = n_on_time = 0
        for i, shut, free in zip(live, closed, excused):
            if free:
                continue
            current = i.deadline_current or i.deadline
            original = i.deadline or i.deadline_current
            if _by(current, day):
                n_due += 1
                w_due += i.weight
                n_closed += shut
                w_closed += i.weight if shut else 0
            if original is not None and original <= day:
                n_orig += 1
                n_on_time += bool(shut and i.closed_on is not None and i.closed_on <= original)
        out["J02.closed_rate"] = (n_closed, n_due)
        out["J02.closed_weight_rate"] = (w_closed, w_due)
        out["J02.on_time_rate"] = (n_on_time, n_orig)
        out["J02.report_rate"] = data.reports.get(code, (0, 0))
        tally = dict.fromkeys(_GRADE_CODE.values(), 0)
        for g in grades.get(code, []):
            name = grade_name(g.grade)
            if name is not None:
                tally[_GRADE_CODE[name]] += 1
        for key, n in tally.items():
            out[key] = (n, 1)
        for state in ConsequenceState:
            out[f"J04.{state.value}"] = (sum(1 for c in cons.get(code, []) if c.state is state), 1)
        for kind in FlagKind:
            out[f"J05.{kind.value}"] = (sum(1 for c in cons.get(code, []) if c.kind is kind), 1)
        values += [Value(d.code, code, *out[d.code]) for d in catalog(TRACKING)]
    return values + township_totals(values)


def _hundredths(weight: Decimal | None) -> int:
    return int((Decimal(weight if weight is not None else 1) * 100).to_integral_value())


def gather_tracking(session: Session, period: str, cycle_id: int | None = None,
                    as_of: dt.date | None = None) -> TrackingInput:
    """The plain input for ``compute_tracking`` (the current cycle when ``cycle_id`` is None; ``as_of`` defaults to
    today, capped at the period's end)."""
    label, start, end = parse_period(period)
    cycle = session.get(ElectionCycle, cycle_id) if cycle_id is not None else session.scalar(
        select(ElectionCycle).order_by(ElectionCycle.election_day.desc(), ElectionCycle.id.desc()))
    if cycle is None:
        raise ValidationError(tr("还没有换届届次，无法统计"))
    villages = list(session.scalars(select(Village).where(Village.township_id == cycle.township_id)
                                    .order_by(Village.code, Village.id)))
    codes = {v.id: village_code(v) for v in villages}
    day = min(as_of or dt.date.today(), end)
    facts = [f for f in weekly.item_facts(session, cycle_id=cycle.id) if f.village_id in codes]
    ids = [f.id for f in facts]
    supervision: dict[int, list[Span]] = defaultdict(list)
    exemption: dict[int, list[Span]] = defaultdict(list)
    for chunk in (ids[i:i + 500] for i in range(0, len(ids), 500)):
        for sup in session.scalars(select(Supervision).where(Supervision.commitment_id.in_(chunk))):
            supervision[sup.commitment_id].append((sup.issued_on, sup.lifted_on))
        for ex in session.scalars(select(Exemption).where(Exemption.commitment_id.in_(chunk))):
            if ex.commitment_id is not None:
                exemption[ex.commitment_id].append((ex.decided_on, ex.revoked_on))
    items = [ItemIn(
        codes[f.village_id or 0], f.status, f.registered_on, f.deadline, f.deadline_current, _hundredths(f.weight),
        f.reported_done_on, f.closed_on, f.is_parent, tuple(supervision.get(f.id, ())),
        tuple(exemption.get(f.id, ()))) for f in facts]
    weekday = weekly.due_weekday(session)
    weeks = [w for w in weekly.weeks_in(start, end) if weekly.due_date(w, weekday) <= day]
    reports = {codes[v]: counts for v, counts in
               weekly.timeliness_counts(session, cycle_id=cycle.id, periods=weeks).items() if v in codes}
    grades = [GradeIn(codes[village_id], grade) for village_id, grade in session.execute(
        select(EvaluationSession.village_id, EvaluationCount.grade)
        .join(EvaluationCount, EvaluationCount.session_id == EvaluationSession.id)
        .where(EvaluationSession.cycle_id == cycle.id, EvaluationSession.held_on >= start,
               EvaluationSession.held_on <= end)).tuples() if village_id in codes]
    consequences: list[ConsequenceIn] = []
    flags = list(session.scalars(select(Flag).where(Flag.raised_on >= start, Flag.raised_on <= end)))
    cadre_village = dict(session.execute(
        select(Candidacy.id, Organization.village_id).join(Organization, Organization.id == Candidacy.organization_id)
        .where(Candidacy.id.in_({f.candidacy_id for f in flags if f.candidacy_id is not None}))).tuples().all())
    village_of = {f.id: f.village_id for f in facts}
    for flag in flags:
        if flag.cycle_id is not None and flag.cycle_id != cycle.id:
            continue
        village_id = (flag.village_id or cadre_village.get(flag.candidacy_id or 0)
                      or village_of.get(flag.commitment_id or 0))
        if village_id in codes:
            consequences.append(ConsequenceIn(codes[village_id], FlagKind(flag.kind), ConsequenceState(flag.state)))
    return TrackingInput(list(codes.values()), label, start, end, day, items, reports, grades, consequences)


def tracking_values(session: Session, period: str, cycle_id: int | None = None,
                    as_of: dt.date | None = None) -> list[Value]:
    """JNTJ-01 for a month or a quarter, per village and the township total."""
    return compute_tracking(gather_tracking(session, period, cycle_id, as_of))
