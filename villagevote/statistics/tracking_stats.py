"""Tracking statistics (tracking.md §B2; report JNTJ-01) for a month (``2027-05``) or a quarter (``2027-Q2``): per
village and a township total recomputed from the villages' numerators and denominators.

Definitions, at the end of the period (``end``; for a period not over yet, as of ``as_of``), over the cycle's items
of a village (township-level items without a village are not in these village tables); 撤销 (withdrawn) items count
nowhere:
- 挂号: items registered by the end; 本期新增: registered within the period;
- 报结: items with a 报结 by the end (cumulative, whether accepted since or not); 销号: items closed (销号) by the end;
- 逾期: items whose current deadline has passed by the end and that were not closed by then (免责 items excluded);
- 督办: items under a 挂牌督办 at the end (issued by then, not lifted by then);
- 免责: items covered by an exemption in force at the end;
- 销号率 (count): items due by the end (current deadline ≤ end, not 免责) and closed by the end ÷ items due;
  (weight): the same in weights (hundredths, exact); 按期销号率: items due and closed by their ORIGINAL deadline ÷
  items due;
- 周报及时率: on-time weekly reports ÷ reports due, over (item, ISO week) pairs of the weeks that end (Sunday)
  within the period and by ``as_of``; an item owes a week's report when it was registered by the Sunday and was not
  finished by the Monday (not 免责, not 销号 and not waiting for acceptance after a 报结 made before the Monday), and
  it has no child items (a parent's progress is its children's);
- 评议 grades: the 民主评议 counts of sessions held within the period, by grade (any scale's words);
- consequences raised within the period, by current state and by kind.

``compute_tracking`` is pure; ``gather_tracking`` reads the database.
"""
from __future__ import annotations

import datetime as dt
import re
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from villagevote.errors import ValidationError
from villagevote.evaluation.thresholds import BASIC, COMPETENT, EXCELLENT, UNFIT, grade_name
from villagevote.i18n import tr
from villagevote.models.candidates import Candidacy
from villagevote.models.core import ElectionCycle, Organization, Township, Village
from villagevote.models.enums import CommitmentStatus, ConsequenceState, FlagKind
from villagevote.models.evaluation import EvaluationCount, EvaluationSession
from villagevote.models.tracking import Commitment, Exemption, Flag, ProgressReport, Supervision
from villagevote.statistics.catalog import TRACKING, Value, catalog, township_totals
from villagevote.statistics.gather import village_code

__all__ = [
    "ConsequenceIn",
    "GradeIn",
    "ItemIn",
    "TrackingInput",
    "compute_tracking",
    "gather_tracking",
    "parse_period",
    "tracking_values",
    "weeks_in",
]

_MONTH = re.compile(r"^\s*(\d{4})-(\d{1,2})\s*$")
_QUARTER = re.compile(r"^\s*(\d{4})-?Q([1-4])\s*$", re.IGNORECASE)
Span = tuple[dt.date, dt.date | None]  # from, until (None = still in force)


def parse_period(text: str) -> tuple[str, dt.date, dt.date]:
    """``2027-05`` or ``2027-Q2`` → (canonical text, first day, last day); a Chinese error otherwise."""
    m = _MONTH.match(text or "")
    if m and 1 <= int(m.group(2)) <= 12:
        year, month = int(m.group(1)), int(m.group(2))
        first = dt.date(year, month, 1)
        nxt = dt.date(year + (month == 12), month % 12 + 1, 1)
        return f"{year}-{month:02d}", first, nxt - dt.timedelta(days=1)
    m = _QUARTER.match(text or "")
    if m:
        year, q = int(m.group(1)), int(m.group(2))
        first = dt.date(year, 3 * q - 2, 1)
        nxt = dt.date(year + (q == 4), (3 * q) % 12 + 1, 1)
        return f"{year}-Q{q}", first, nxt - dt.timedelta(days=1)
    raise ValidationError(tr("统计期“{v}”不对，应写成 2027-05（月）或 2027-Q2（季度）").format(v=text), field="period")


def weeks_in(start: dt.date, end: dt.date) -> list[tuple[str, dt.date, dt.date]]:
    """ISO weeks whose Sunday falls within [start, end]: (``2027-W14``, Monday, Sunday)."""
    sunday = start + dt.timedelta(days=(6 - start.weekday()) % 7)
    out = []
    while sunday <= end:
        monday = sunday - dt.timedelta(days=6)
        year, week, _ = monday.isocalendar()
        out.append((f"{year}-W{week:02d}", monday, sunday))
        sunday += dt.timedelta(days=7)
    return out


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
    has_children: bool = False
    supervisions: tuple[Span, ...] = ()
    exemptions: tuple[Span, ...] = ()
    on_time_weeks: frozenset[str] = field(default_factory=frozenset)  # weeks with an on-time report


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
    weeks = [w for w in weeks_in(data.start, data.end) if w[2] <= data.as_of]
    values: list[Value] = []
    for code in sorted(data.villages):
        out: dict[str, tuple[int, int]] = {}
        live = [i for i in items.get(code, []) if i.status is not CommitmentStatus.WITHDRAWN
                and _by(i.registered_on, day)]
        is_exempt = [_in_force(i.exemptions, day) or i.status is CommitmentStatus.EXCUSED for i in live]
        exempt = [i for i, e in zip(live, is_exempt) if e]
        out["J01.registered"] = (len(live), 1)
        out["J01.new"] = (sum(1 for i in live if i.registered_on is not None and i.registered_on >= data.start), 1)
        out["J01.reported"] = (sum(1 for i in live if _by(i.reported_done_on, day)), 1)
        out["J01.closed"] = (sum(1 for i in live if _by(i.closed_on, day)), 1)
        counted = [i for i, e in zip(live, is_exempt) if not e]
        out["J01.overdue"] = (sum(1 for i in counted if i.deadline_current is not None and i.deadline_current < day
                                  and not _by(i.closed_on, day)), 1)
        out["J01.supervised"] = (sum(1 for i in live if _in_force(i.supervisions, day)), 1)
        out["J01.exempted"] = (len(exempt), 1)
        due = [i for i in counted if _by(i.deadline_current or i.deadline, day)]
        closed = [i for i in due if _by(i.closed_on, day)]
        out["J02.closed_rate"] = (len(closed), len(due))
        out["J02.closed_weight_rate"] = (sum(i.weight for i in closed), sum(i.weight for i in due))
        on_time = [i for i in closed if i.deadline is None or _by(i.closed_on, i.deadline)]
        out["J02.on_time_rate"] = (len(on_time), len(due))
        owed = reported = 0
        for label, monday, sunday in weeks:
            for i in live:
                if i.has_children or not _by(i.registered_on, sunday):
                    continue
                if _in_force(i.exemptions, monday) or (i.closed_on is not None and i.closed_on < monday):
                    continue
                if i.reported_done_on is not None and i.reported_done_on < monday and i.closed_on is None:
                    continue  # waiting for acceptance
                owed += 1
                reported += label in i.on_time_weeks
        out["J02.report_rate"] = (reported, owed)
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
    township = session.get(Township, cycle.township_id)
    villages = list(session.scalars(select(Village).where(Village.township_id == cycle.township_id)
                                    .order_by(Village.code, Village.id))) if township is not None else []
    codes = {v.id: village_code(v) for v in villages}
    day = min(as_of or dt.date.today(), end)
    # items store their cycle and village; rows written without them (older code) take them from the owner
    candidates = list(session.scalars(select(Commitment).where(
        (Commitment.cycle_id == cycle.id) | Commitment.cycle_id.is_(None))))
    owner_orgs = {c.candidacy_id for c in candidates if c.cycle_id is None or c.village_id is None}
    by_candidacy = dict(session.execute(
        select(Candidacy.id, Organization.id).join(Organization, Organization.id == Candidacy.organization_id)
        .where(Candidacy.id.in_({i for i in owner_orgs if i is not None}))).tuples().all())
    org_ids = set(by_candidacy.values()) | {c.organization_id for c in candidates if c.organization_id is not None}
    orgs = {o.id: (o.cycle_id, o.village_id) for o in session.scalars(
        select(Organization).where(Organization.id.in_(org_ids)))} if org_ids else {}

    def owner_org(c: Commitment) -> tuple[int | None, int | None]:
        org = by_candidacy.get(c.candidacy_id or 0) or c.organization_id
        return orgs.get(org or 0, (None, None))

    rows: list[Commitment] = []
    village_of: dict[int, int] = {}
    for c in candidates:
        org_cycle, org_village = owner_org(c) if c.cycle_id is None or c.village_id is None else (None, None)
        village = c.village_id or org_village
        if (c.cycle_id or org_cycle) == cycle.id and village in codes:
            rows.append(c)
            village_of[c.id] = village
    ids = [c.id for c in rows]
    parents = set(session.scalars(select(Commitment.parent_id).where(Commitment.parent_id.is_not(None))))
    supervision: dict[int, list[Span]] = defaultdict(list)
    exemption: dict[int, list[Span]] = defaultdict(list)
    weeks_ok: dict[int, set[str]] = defaultdict(set)
    for chunk in (ids[i:i + 500] for i in range(0, len(ids), 500)):
        for sup in session.scalars(select(Supervision).where(Supervision.commitment_id.in_(chunk))):
            supervision[sup.commitment_id].append((sup.issued_on, sup.lifted_on))
        for ex in session.scalars(select(Exemption).where(Exemption.commitment_id.in_(chunk))):
            if ex.commitment_id is not None:
                exemption[ex.commitment_id].append((ex.decided_on, ex.revoked_on))
        for cid, week in session.execute(
                select(ProgressReport.commitment_id, ProgressReport.period)
                .where(ProgressReport.commitment_id.in_(chunk), ProgressReport.on_time.is_(True),
                       ProgressReport.period != "")).tuples():
            weeks_ok[cid].add(week)
    items = [ItemIn(
        codes[village_of[c.id]], CommitmentStatus(c.status),
        c.registered_on or (c.created_at.date() if c.created_at else None), c.deadline,
        c.deadline_current or c.deadline, _hundredths(c.weight), c.reported_done_on, c.closed_on, c.id in parents,
        tuple(supervision.get(c.id, ())), tuple(exemption.get(c.id, ())), frozenset(weeks_ok.get(c.id, ())))
        for c in rows]
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
    for f in flags:
        if f.cycle_id is not None and f.cycle_id != cycle.id:
            continue
        village_id = (f.village_id or cadre_village.get(f.candidacy_id or 0)
                      or village_of.get(f.commitment_id or 0))
        if village_id in codes:
            consequences.append(ConsequenceIn(codes[village_id], FlagKind(f.kind), ConsequenceState(f.state)))
    return TrackingInput(list(codes.values()), label, start, end, day, items, grades, consequences)


def tracking_values(session: Session, period: str, cycle_id: int | None = None,
                    as_of: dt.date | None = None) -> list[Value]:
    """JNTJ-01 for a month or a quarter, per village and the township total."""
    return compute_tracking(gather_tracking(session, period, cycle_id, as_of))
