"""每周一报: the weekly entry grid of one village, the 周报缺报清单, saving a week's reports, and 周报及时率
(tracking.md A3 "weekly"; issue 17 item 3). Domain: no Qt, no reports.

Periods are ISO weeks written ``2026-W14`` (:func:`week_of`). A week's reports are due by the first working day of
the next week (:func:`due_date`, the same as ``progress.due_date``; the weekday is the setting
``tracking.report_due_weekday``, 0 = Monday).

Which items a village reports on in a week (:func:`open_in_week`, one rule for the grid, the 缺报清单 and the
及时率): every item of the village that had started by the week's Sunday and was not yet finished by its Monday —
not 撤销 or 免责, not 销号 (or given its verdict) before the Monday, not waiting for acceptance after a 报结 made
before the Monday — except a parent item (一点一策, 剿劣清单), whose progress is the roll-up of its children: the
village reports on the children. An item that owes a report and has none is shown as "未报".

周报及时率 = on-time reports ÷ reports due, counted over (item, week) pairs of open items: a Fraction, exact.
"""
from __future__ import annotations

import datetime as dt
import re
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from typing import Any

from sqlalchemy import and_, func, null, select
from sqlalchemy.orm import Session, aliased

from villagevote.audit import Actor
from villagevote.auth import Permission, requires
from villagevote.errors import UserError, ValidationError
from villagevote.i18n import tr
from villagevote.lookup import get_row
from villagevote.models import Candidacy, Person
from villagevote.models.core import Organization, Village
from villagevote.models.enums import CommitmentKind, CommitmentStatus, OrgKind
from villagevote.models.tracking import AssessedRole, Commitment, ProgressReport
from villagevote.tracking import progress
from villagevote.tracking.ledger import FINAL
from villagevote.tracking.queries import post_title
from villagevote.tracking.settings import tracking_settings

__all__ = [
    "ItemFacts",
    "MissingRow",
    "WeekEntry",
    "WeekGrid",
    "WeekReport",
    "WeekRow",
    "due_date",
    "due_weekday",
    "item_facts",
    "missing_reports",
    "open_in_week",
    "parse_week",
    "period_bounds",
    "period_kind",
    "period_label",
    "previous_period",
    "save_week",
    "timeliness",
    "timeliness_counts",
    "week_bounds",
    "week_label",
    "week_of",
    "weeks_between",
    "weeks_in",
]

_WEEK = re.compile(r"(\d{4})-W(\d{2})")
FINISHED = FINAL
STRUCK = frozenset({CommitmentStatus.WITHDRAWN, CommitmentStatus.EXCUSED})


# --------------------------------------------------------------------------------------------------- ISO weeks
def parse_week(period: str) -> tuple[int, int]:
    """"2026-W14" -> (2026, 14); a ValidationError naming the text for anything else (W53 only in years with 53)."""
    match = _WEEK.fullmatch(str(period).strip())
    if match:
        year, week = int(match.group(1)), int(match.group(2))
        try:
            dt.date.fromisocalendar(year, week, 1)
        except ValueError:
            pass
        else:
            return year, week
    raise ValidationError(tr("周次“{period}”不对：应写成 2026-W14 这样的 ISO 周（年份-W两位周数）。").format(period=period),
                          field="period")


def week_of(day: dt.date) -> str:
    """The ISO week a date falls in: 2026-04-01 -> "2026-W14"."""
    return progress.iso_week(day)


def week_bounds(period: str) -> tuple[dt.date, dt.date]:
    """Monday and Sunday of an ISO week."""
    year, week = parse_week(period)
    monday = dt.date.fromisocalendar(year, week, 1)
    return monday, monday + dt.timedelta(days=6)


def week_label(period: str) -> str:
    """"2026-W14" -> 2026年第14周 (the ISO year)."""
    year, week = parse_week(period)
    return tr("{year}年第{week}周").format(year=year, week=week)


def due_date(period: str, weekday: int = 0) -> dt.date:
    """The day a week's reports are due: the ``weekday`` (0 = Monday, the first working day) of the next week."""
    parse_week(period)
    return progress.due_date(period, max(0, min(int(weekday), 6)))


def due_weekday(session: Session) -> int:
    """The setting ``tracking.report_due_weekday``: the weekday of the next week a week's report is due (0 = Monday)."""
    return tracking_settings(session).report_due_weekday


def weeks_between(first: str, last: str) -> list[str]:
    """Every ISO week from ``first`` to ``last`` inclusive."""
    start, _ = week_bounds(first)
    end, _ = week_bounds(last)
    weeks = []
    day = start
    while day <= end:
        weeks.append(week_of(day))
        day += dt.timedelta(days=7)
    return weeks


def weeks_in(start: dt.date, end: dt.date) -> list[str]:
    """The ISO weeks that belong to a month or quarter [start, end]: those whose Thursday falls in it (the ISO rule,
    so every week belongs to exactly one month)."""
    thursday = start + dt.timedelta(days=(3 - start.weekday()) % 7)
    weeks = []
    while thursday <= end:
        weeks.append(week_of(thursday))
        thursday += dt.timedelta(days=7)
    return weeks


# --------------------------------------------------------------------------------------------------- other periods
_MONTH = re.compile(r"(\d{4})-(\d{2})")
_QUARTER = re.compile(r"(\d{4})-Q([1-4])")
_HALF = re.compile(r"(\d{4})-H([12])")
_YEAR = re.compile(r"(\d{4})")


def period_kind(period: str) -> str:
    """"week" (2026-W14), "month" (2026-05), "quarter" (2026-Q2), "half" (2026-H1) or "year" (2026)."""
    text = str(period).strip()
    for kind, pattern in (("week", _WEEK), ("month", _MONTH), ("quarter", _QUARTER), ("half", _HALF),
                          ("year", _YEAR)):
        match = pattern.fullmatch(text)
        if match and (kind != "month" or 1 <= int(match.group(2)) <= 12):
            return kind
    raise ValidationError(tr("期间“{period}”不对：应写成 2026-W14（周）、2026-05（月）、2026-Q2（季度）、2026-H1（半年）"
                             "或 2026（年）。").format(period=period), field="period")


def period_bounds(period: str) -> tuple[dt.date, dt.date]:
    """First and last day of a week, month, quarter, half-year or year."""
    kind = period_kind(period)
    text = str(period).strip()
    if kind == "week":
        return week_bounds(text)
    year = int(text[:4])
    if kind == "year":
        return dt.date(year, 1, 1), dt.date(year, 12, 31)
    if kind == "month":
        first_month = last_month = int(text[5:7])
    elif kind == "quarter":
        q = int(text[-1])
        first_month, last_month = 3 * q - 2, 3 * q
    else:
        h = int(text[-1])
        first_month, last_month = 6 * h - 5, 6 * h
    start = dt.date(year, first_month, 1)
    end = (dt.date(year + 1, 1, 1) if last_month == 12 else dt.date(year, last_month + 1, 1)) - dt.timedelta(days=1)
    return start, end


def previous_period(period: str) -> str:
    """The period of the same kind before ``period`` (2026-Q1 -> 2025-Q4)."""
    kind = period_kind(period)
    start, _ = period_bounds(period)
    before = start - dt.timedelta(days=1)
    if kind == "week":
        return week_of(before)
    if kind == "month":
        return f"{before.year}-{before.month:02d}"
    if kind == "quarter":
        return f"{before.year}-Q{(before.month - 1) // 3 + 1}"
    if kind == "half":
        return f"{before.year}-H{(before.month - 1) // 6 + 1}"
    return str(before.year)


def period_label(period: str) -> str:
    """2026-W14 -> 2026年第14周, 2026-05 -> 2026年5月, 2026-Q2 -> 2026年第二季度, 2026-H1 -> 2026年上半年, 2026 -> 2026年."""
    kind = period_kind(period)
    text = str(period).strip()
    if kind == "week":
        return week_label(text)
    year = int(text[:4])
    if kind == "month":
        return tr("{year}年{month}月").format(year=year, month=int(text[5:7]))
    if kind == "quarter":
        return tr("{year}年第{q}季度").format(year=year, q="一二三四"[int(text[-1]) - 1])
    if kind == "half":
        return tr("{year}年上半年").format(year=year) if text.endswith("1") else tr("{year}年下半年").format(year=year)
    return tr("{year}年").format(year=year)


# --------------------------------------------------------------------------------------------------- item facts
@dataclass(frozen=True)
class ItemFacts:
    """What the cadence rules need of an item (read once, plain)."""

    id: int
    ledger_no: str
    village_id: int | None
    village: str
    title: str
    owner: str
    kind: CommitmentKind
    unit: str
    baseline: Decimal | None
    target: Decimal | None
    weight: Decimal
    status: CommitmentStatus
    percent: int
    registered_on: dt.date | None
    starts_on: dt.date | None
    deadline: dt.date | None
    deadline_current: dt.date | None
    reported_done_on: dt.date | None
    closed_on: dt.date | None
    closed_by: str
    verdict_on: dt.date | None
    is_parent: bool


def open_in_week(item: ItemFacts, monday: dt.date, sunday: dt.date) -> bool:
    """Does the item owe a report for the week [monday, sunday]? (the module docstring's rule)"""
    if item.is_parent or item.status in STRUCK:
        return False
    start = item.starts_on or item.registered_on
    if start is not None and start > sunday:
        return False
    if item.status in FINISHED:
        end = item.closed_on or item.verdict_on
        if end is None or end < monday:
            return False
    waiting = item.status is CommitmentStatus.REPORTED_DONE and item.reported_done_on is not None
    return not (waiting and item.reported_done_on is not None and item.reported_done_on < monday)


def owner_label(candidate: str | None, post: str | None, org_village: str | None, org_kind: Any,
                role_person: str | None, role_title: str | None, candidacy_kind: Any = None) -> str:
    """The owner as the ledger shows it: 张三（村委会主任）, 东村村民委员会, 李四（村级河长）."""
    if candidate:
        title = post_title(post, candidacy_kind)
        return f"{candidate}（{title}）" if title else candidate
    if role_person:
        return f"{role_person}（{role_title}）" if role_title else role_person
    if org_village and org_kind:
        kind = OrgKind(org_kind).label
        if org_village.endswith("村") and kind.startswith("村党"):  # as pledges.service.organization_name
            return org_village + kind[1:]
        return org_village + kind
    return ""


def item_facts(session: Session, *, cycle_id: int, village_id: int | None = None,
               ids: Iterable[int] | None = None, owners: bool = True) -> list[ItemFacts]:
    """The items of a cycle (optionally one village, or some ids), in village and ledger-number order: one query.
    ``owners=False`` leaves ``owner`` empty and skips its joins (the counts of the monthly table and the ranking)."""
    cand_person = aliased(Person)
    role_person = aliased(Person)
    org_village = aliased(Village)
    cand_org = aliased(Organization)
    parents = select(Commitment.parent_id).where(Commitment.parent_id.is_not(None)).distinct().subquery()
    owner_columns: tuple[Any, ...] = (
        (cand_person.name, Candidacy.post, org_village.name, Organization.kind, role_person.name, AssessedRole.title)
        if owners else (null(), null(), null(), null(), null(), null()))
    stmt = (
        select(Commitment.id, Commitment.ledger_no, Commitment.village_id, Village.name, Commitment.title,
               *owner_columns, Commitment.kind, Commitment.unit, Commitment.metric_baseline,
               Commitment.metric_target, Commitment.weight, Commitment.status, Commitment.percent_done,
               Commitment.registered_on, Commitment.starts_on, Commitment.deadline, Commitment.deadline_current,
               Commitment.reported_done_on, Commitment.closed_on, Commitment.closed_by, Commitment.verdict_on,
               parents.c.parent_id, cand_org.kind if owners else null())
        .outerjoin(Village, Village.id == Commitment.village_id)
        .outerjoin(parents, parents.c.parent_id == Commitment.id)
        .where(Commitment.cycle_id == cycle_id)
        .order_by(Village.code, Village.id, Commitment.ledger_no, Commitment.id)
    )
    if owners:
        stmt = (stmt.outerjoin(Candidacy, Candidacy.id == Commitment.candidacy_id)
                .outerjoin(cand_person, cand_person.id == Candidacy.person_id)
                .outerjoin(cand_org, cand_org.id == Candidacy.organization_id)
                .outerjoin(Organization, Organization.id == Commitment.organization_id)
                .outerjoin(org_village, org_village.id == Organization.village_id)
                .outerjoin(AssessedRole, AssessedRole.id == Commitment.assessed_role_id)
                .outerjoin(role_person, role_person.id == AssessedRole.person_id))
    if village_id is not None:
        stmt = stmt.where(Commitment.village_id == village_id)
    if ids is not None:
        stmt = stmt.where(Commitment.id.in_(list(ids)))
    out = []
    for r in session.execute(stmt):
        out.append(ItemFacts(
            id=r[0], ledger_no=r[1] or f"#{r[0]}", village_id=r[2], village=r[3] or "", title=r[4],
            owner=owner_label(r[5], r[6], r[7], r[8], r[9], r[10], r[-1]) if owners else "", kind=CommitmentKind(r[11]), unit=r[12] or "",
            baseline=r[13], target=r[14], weight=r[15] if r[15] is not None else Decimal(1),
            status=CommitmentStatus(r[16]), percent=r[17] or 0, registered_on=r[18], starts_on=r[19], deadline=r[20],
            deadline_current=r[21], reported_done_on=r[22], closed_on=r[23], closed_by=r[24] or "", verdict_on=r[25],
            is_parent=r[26] is not None))
    return out


# --------------------------------------------------------------------------------------------------- the grid
@dataclass(frozen=True)
class WeekReport:
    id: int
    reported_on: dt.date
    percent: int
    value: Decimal | None
    narrative: str
    problems: str
    next_plan: str
    no_progress_reason: str
    reported_by: str
    confirmed_by: str
    entered_by: str
    confidence: int | None
    on_time: bool


@dataclass(frozen=True)
class WeekRow:
    """One open item of the week: the last cumulative figures before the week and the week's report (None: 未报)."""

    commitment_id: int
    ledger_no: str
    title: str
    owner: str
    kind: CommitmentKind
    unit: str
    baseline: Decimal | None
    target: Decimal | None
    deadline: dt.date | None
    status: CommitmentStatus
    last_period: str          # "" when nothing was reported before this week
    last_percent: int | None
    last_value: Decimal | None
    report: WeekReport | None

    @property
    def missing(self) -> bool:
        return self.report is None

    @property
    def state(self) -> str:
        """未报 / 按时 / 迟报."""
        if self.report is None:
            return tr("未报")
        return tr("按时") if self.report.on_time else tr("迟报")


@dataclass(frozen=True)
class WeekGrid:
    cycle_id: int
    village_id: int
    village: str
    period: str
    label: str                # 2026年第14周
    monday: dt.date
    sunday: dt.date
    due: dt.date
    rows: tuple[WeekRow, ...]

    @property
    def missing(self) -> int:
        return sum(1 for row in self.rows if row.report is None)


def _report(r: ProgressReport) -> WeekReport:
    return WeekReport(id=r.id, reported_on=r.reported_on, percent=r.percent, value=r.value, narrative=r.narrative or "",
                      problems=r.problems or "", next_plan=r.next_plan or "",
                      no_progress_reason=r.no_progress_reason or "", reported_by=r.reported_by or "",
                      confirmed_by=r.confirmed_by or "", entered_by=r.entered_by or "", confidence=r.confidence,
                      on_time=bool(r.on_time))


def _latest_reports(session: Session, ids: Sequence[int], *, before: str | None = None,
                    period: str | None = None) -> dict[int, ProgressReport]:
    """Per item: the report of ``period``, or the latest report before ``before`` (by period, then id)."""
    out: dict[int, ProgressReport] = {}
    for chunk in _chunks(ids):
        stmt = select(ProgressReport).where(ProgressReport.commitment_id.in_(chunk))
        if period is not None:
            stmt = stmt.where(ProgressReport.period == period)
        if before is not None:
            # only each item's latest week before ``before`` (the (commitment_id, period) index), not its history
            latest = (select(ProgressReport.commitment_id.label("cid"), func.max(ProgressReport.period).label("last"))
                      .where(ProgressReport.commitment_id.in_(chunk), ProgressReport.period < before,
                             ProgressReport.period != "")
                      .group_by(ProgressReport.commitment_id).subquery())
            stmt = stmt.join(latest, and_(latest.c.cid == ProgressReport.commitment_id,
                                          latest.c.last == ProgressReport.period))
        for rep in session.scalars(stmt.order_by(ProgressReport.period, ProgressReport.reported_on,
                                                 ProgressReport.id)):
            out[rep.commitment_id] = rep  # the last one wins
    return out


def week_grid(session: Session, *, cycle_id: int, village_id: int, period: str) -> WeekGrid:
    """The entry grid of one village and week: its open items (ledger order) with the last cumulative %/value
    before the week and this week's report, or none (未报)."""
    monday, sunday = week_bounds(period)
    village = get_row(session, Village, village_id, tr("找不到村（编号 {id}）"))
    items = [f for f in item_facts(session, cycle_id=cycle_id, village_id=village_id) if open_in_week(f, monday, sunday)]
    ids = [f.id for f in items]
    this_week = _latest_reports(session, ids, period=period)
    before = _latest_reports(session, ids, before=period)
    rows = []
    for f in items:
        last = before.get(f.id)
        rep = this_week.get(f.id)
        rows.append(WeekRow(
            commitment_id=f.id, ledger_no=f.ledger_no, title=f.title, owner=f.owner, kind=f.kind, unit=f.unit,
            baseline=f.baseline, target=f.target, deadline=f.deadline_current or f.deadline, status=f.status,
            last_period=last.period if last is not None else "", last_percent=last.percent if last is not None else None,
            last_value=last.value if last is not None else None, report=_report(rep) if rep is not None else None))
    return WeekGrid(cycle_id=cycle_id, village_id=village_id, village=village.name, period=period,
                    label=week_label(period), monday=monday, sunday=sunday,
                    due=due_date(period, due_weekday(session)), rows=tuple(rows))


# --------------------------------------------------------------------------------------------------- 缺报清单
@dataclass(frozen=True)
class MissingRow:
    """One line of the 周报缺报清单."""

    period: str
    village_id: int | None
    village: str
    commitment_id: int
    ledger_no: str
    title: str
    owner: str
    last_period: str   # the last week anything was reported ("" never)
    due: dt.date


def missing_reports(session: Session, *, cycle_id: int, period: str,
                    village_id: int | None = None) -> list[MissingRow]:
    """Items that owed a report for the week and have none, by village (code order) and ledger number."""
    monday, sunday = week_bounds(period)
    due = due_date(period, due_weekday(session))
    items = [f for f in item_facts(session, cycle_id=cycle_id, village_id=village_id)
             if open_in_week(f, monday, sunday)]
    ids = [f.id for f in items]
    reported: set[int] = set()
    for chunk in _chunks(ids):
        reported.update(session.scalars(select(ProgressReport.commitment_id).where(
            ProgressReport.commitment_id.in_(chunk), ProgressReport.period == period)))
    missing = [f for f in items if f.id not in reported]
    last = _latest_reports(session, [f.id for f in missing], before=period)
    return [MissingRow(period=period, village_id=f.village_id, village=f.village, commitment_id=f.id,
                       ledger_no=f.ledger_no, title=f.title, owner=f.owner,
                       last_period=last[f.id].period if f.id in last else "", due=due) for f in missing]


def _chunks(ids: Sequence[int], size: int = 900) -> Iterable[list[int]]:
    for i in range(0, len(ids), size):
        yield list(ids[i:i + size])


# --------------------------------------------------------------------------------------------------- saving
@dataclass(frozen=True)
class WeekEntry:
    """One item's report typed into the grid (or read from the village workbook)."""

    commitment_id: int
    reported_on: dt.date
    percent: int | None = None
    value: Decimal | None = None
    narrative: str = ""
    problems: str = ""
    next_plan: str = ""
    no_progress_reason: str = ""
    reported_by: str = ""
    confirmed_by: str = ""
    confidence: int | None = None


def _with_ledger_no(exc: UserError, ledger_no: str, prefix: str = "") -> UserError:
    text = exc.message if ledger_no in exc.message else f"{ledger_no}：{exc.message}"
    new = ValidationError(prefix + text)
    new.__cause__ = exc
    return new


@requires(Permission.EDIT, note=tr("只能保存本村在该周应报的事项；任一条不合规则全部不保存"))
def save_week(session: Session, actor: Actor, *, village_id: int, period: str, entries: list[WeekEntry],
              today: dt.date | None = None) -> list[int]:
    """The grid's 保存本周: one report per entry through ``progress.record_report``, all in the caller's
    transaction — any refusal raises (naming the item's ledger number) and the caller's session writes nothing.
    Returns the report ids."""
    monday, sunday = week_bounds(period)
    get_row(session, Village, village_id, tr("找不到村（编号 {id}）"))
    ids = [e.commitment_id for e in entries]
    if len(set(ids)) != len(ids):
        raise ValidationError(tr("同一事项在本周填了两行，请合并后再保存。"))
    commitments = {c.id: c for c in session.scalars(select(Commitment).where(Commitment.id.in_(ids)))} if ids else {}
    for entry in entries:
        c = commitments.get(entry.commitment_id)
        if c is None:
            raise ValidationError(tr("找不到事项（编号 {id}），未保存。").format(id=entry.commitment_id))
        if c.village_id != village_id:
            raise ValidationError(tr("{no}不是本村的事项，不能在本村周报中保存。").format(no=c.ledger_no))
        if entry.reported_on < monday:
            raise ValidationError(tr("{no}：报告日期{day}早于{week}的第一天，请核对日期或周次。").format(
                no=c.ledger_no, day=entry.reported_on.isoformat(), week=week_label(period)))
    saved = []
    for entry in entries:
        c = commitments[entry.commitment_id]
        try:
            saved.append(progress.record_report(
                session, actor, entry.commitment_id, period=period, reported_on=entry.reported_on,
                percent=entry.percent, value=entry.value, narrative=entry.narrative, problems=entry.problems,
                next_plan=entry.next_plan, no_progress_reason=entry.no_progress_reason,
                reported_by=entry.reported_by, confirmed_by=entry.confirmed_by, confidence=entry.confidence,
                today=today))
        except UserError as exc:
            raise _with_ledger_no(exc, c.ledger_no or f"#{c.id}") from exc
    return saved


# --------------------------------------------------------------------------------------------------- 及时率
def timeliness_counts(session: Session, *, cycle_id: int, periods: Sequence[str], village_id: int | None = None,
                      facts: Sequence[ItemFacts] | None = None) -> dict[int | None, tuple[int, int]]:
    """Per village: (on-time reports, reports due) over the (item, week) pairs of the given weeks (``facts``: the
    cycle's items when the caller has read them already)."""
    bounds = {p: week_bounds(p) for p in periods}
    items = (item_facts(session, cycle_id=cycle_id, village_id=village_id, owners=False) if facts is None
             else [f for f in facts if village_id is None or f.village_id == village_id])
    due: dict[int | None, int] = defaultdict(int)
    owed: set[tuple[int, str]] = set()
    village_of: dict[int, int | None] = {}
    for f in items:
        village_of[f.id] = f.village_id
        for p, (monday, sunday) in bounds.items():
            if open_in_week(f, monday, sunday):
                due[f.village_id] += 1
                owed.add((f.id, p))
    on_time: dict[int | None, int] = defaultdict(int)
    if owed and periods:
        stmt = (select(ProgressReport.commitment_id, ProgressReport.period)
                .join(Commitment, Commitment.id == ProgressReport.commitment_id)
                .where(Commitment.cycle_id == cycle_id, ProgressReport.period.in_(list(periods)),
                       ProgressReport.on_time.is_(True))
                .distinct())
        if village_id is not None:
            stmt = stmt.where(Commitment.village_id == village_id)
        for cid, p in session.execute(stmt):
            if (cid, p) in owed:
                on_time[village_of[cid]] += 1
    return {v: (on_time.get(v, 0), n) for v, n in due.items()}


def timeliness(session: Session, cycle_id: int, period_from: str, period_to: str,
               village_id: int | None = None) -> Fraction:
    """周报及时率 over the weeks ``period_from``–``period_to``: on-time reports ÷ reports due (0 when none was due)."""
    counts = timeliness_counts(session, cycle_id=cycle_id, periods=weeks_between(period_from, period_to),
                               village_id=village_id)
    on_time = sum(a for a, _ in counts.values())
    due = sum(b for _, b in counts.values())
    return Fraction(on_time, due) if due else Fraction(0)
