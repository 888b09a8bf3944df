"""What the 践诺跟踪 prints read (issue 17 item 6, tracking.md A7): plain dataclasses for ``reports/forms_tracking.py``
and its renderers, taken from the same domain reads as the 践诺跟踪 page (one way to the data), with the print's own
choices of default period, grouping, wording and the refusals. No ORM object leaves this module.

- ``ledger_print`` — the 践诺台账 of a village or the township (``queries.ledger_all``, optionally the page's filters),
  grouped by village (township items last), 一点一策 children after their parent, the light of ``today``;
- ``weekly_print`` / ``weekly_missing_print`` — the reports of one ISO week (``2027-W14``) and the items that owed one
  and have none (``weekly.item_facts`` / ``open_in_week`` / ``missing_reports``: "未报");
- ``monthly_print`` — the 月查月比表 of one month (``monthly.monthly_comparison``) with a 合计 row;
- ``closure_print`` — the 销号备案表 (``monthly.closure_register``);
- ``supervision_notices`` — 挂牌督办通知书 data (``queries.supervisions`` + the 催办 log);
- ``ranking_print`` — the 季度排名通报 from the FROZEN ranking snapshot (``ranking.snapshot_rows``, never recomputed)
  and the circular drafted from it (``circulars.circulars_of``).

Options are normalised here with Chinese messages naming the expected form (2027-W14, 2027-05, 2027-Q2); every
function refuses (UserError) when its print would be empty. Rates are Decimal percentages rounded half-up to one
place; counts are integers.
"""
from __future__ import annotations

import datetime as dt
import re
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from villagevote.errors import NotFound, UserError, ValidationError
from villagevote.i18n import tr
from villagevote.models.core import ElectionCycle, Township, User, Village
from villagevote.models.enums import CommitmentKind, CommitmentStatus, InspectionKind, SupervisionLevel
from villagevote.models.tracking import (
    Commitment,
    Inspection,
    ProgressReport,
    Supervision,
    SupervisionUrge,
)
from villagevote.names import stroke_key
from villagevote.tracking import circulars, machine, monthly, queries, ranking, weekly

__all__ = [
    "ClosureLine",
    "ClosurePrint",
    "Heading",
    "LedgerLine",
    "LedgerPrint",
    "MissingLine",
    "MissingPrint",
    "MonthlyLine",
    "MonthlyPrint",
    "NoticeData",
    "OverdueLine",
    "RankingLine",
    "RankingPrint",
    "SupervisedLine",
    "WeeklyLine",
    "WeeklyPrint",
    "closure_print",
    "ledger_print",
    "month_bounds",
    "monthly_print",
    "parse_month",
    "parse_quarter",
    "parse_week",
    "percent_text",
    "quarter_bounds",
    "ranking_print",
    "supervision_notices",
    "village_id_by_name",
    "week_bounds",
    "weekly_missing_print",
    "weekly_print",
]

TOWNSHIP_GROUP = tr("全镇")  # the group of items that belong to no village (as the page and the 年度汇总 say)


# --- periods ------------------------------------------------------------------------------------------------------
_WEEK = re.compile(r"^\s*(\d{4})-?W(\d{1,2})\s*$", re.IGNORECASE)
_MONTH = re.compile(r"^\s*(\d{4})-(\d{1,2})\s*$")
_QUARTER = re.compile(r"^\s*(\d{4})-?Q([1-4])\s*$", re.IGNORECASE)


def parse_week(text: str) -> str:
    """``2027-W14`` (also ``2027W14``, ``2027-w4``) → the canonical ``2027-W14``, checked by ``weekly.parse_week``."""
    m = _WEEK.match(text or "")
    if m:
        period = f"{int(m.group(1))}-W{int(m.group(2)):02d}"
        weekly.parse_week(period)
        return period
    raise ValidationError(tr("周次“{v}”不对，应写成 2027-W14（年份-W周序号）").format(v=text))


def parse_month(text: str) -> str:
    m = _MONTH.match(text or "")
    if m and 1 <= int(m.group(2)) <= 12:
        return f"{int(m.group(1))}-{int(m.group(2)):02d}"
    raise ValidationError(tr("月份“{v}”不对，应写成 2027-05（年份-月份）").format(v=text))


def parse_quarter(text: str) -> str:
    m = _QUARTER.match(text or "")
    if m:
        return f"{int(m.group(1))}-Q{int(m.group(2))}"
    raise ValidationError(tr("季度“{v}”不对，应写成 2027-Q2（年份-Q季度序号）").format(v=text))


week_bounds = weekly.week_bounds
week_label = weekly.week_label
month_bounds = monthly.month_bounds


def quarter_bounds(quarter: str) -> tuple[dt.date, dt.date]:
    return weekly.period_bounds(quarter)


def month_label(month: str) -> str:
    return weekly.period_label(month)


def quarter_label(quarter: str) -> str:
    return weekly.period_label(quarter)


# --- numbers ------------------------------------------------------------------------------------------------------
def rate(part: int, whole: int) -> Decimal | None:
    """part / whole as a percentage rounded half-up to one place; None without a basis."""
    if not whole:
        return None
    return (Decimal(part) * 100 / Decimal(whole)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def fraction_percent(value: Fraction | None) -> Decimal | None:
    """A Fraction as a percentage rounded half-up to one place (the rates of the cadence modules)."""
    if value is None:
        return None
    return (Decimal(value.numerator) * 100 / Decimal(value.denominator)).quantize(Decimal("0.1"),
                                                                                 rounding=ROUND_HALF_UP)


def percent_text(value: Decimal | None) -> str:
    return "—" if value is None else f"{value}%"


def _num(value: Decimal | None) -> str:
    if value is None:
        return ""
    text = format(value.normalize(), "f")
    return text


# --- shared parts -------------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Heading:
    """Who the form is about: the township, the 届次 and the village (None for the whole township)."""
    township: str
    term: str          # 第十二届, "" when the cycle records none
    cycle_name: str
    village: str | None


def heading(session: Session, cycle_id: int, village_id: int | None, term: str = "") -> Heading:
    cycle = session.get(ElectionCycle, cycle_id)
    if cycle is None:
        raise UserError(tr("没有编号为 {v} 的换届届次").format(v=cycle_id))
    township = session.get(Township, cycle.township_id)
    village = session.get(Village, village_id) if village_id is not None else None
    return Heading(township.name if township else "", term, cycle.name, village.name if village else None)


def _villages(session: Session, cycle_id: int, village_id: int | None) -> list[tuple[int, str]]:
    cycle = session.get(ElectionCycle, cycle_id)
    q = select(Village.id, Village.name).order_by(Village.code, Village.id)
    if cycle is not None:
        q = q.where(Village.township_id == cycle.township_id)
    if village_id is not None:
        q = q.where(Village.id == village_id)
    return [(int(i), str(n)) for i, n in session.execute(q)]


def _user_names(session: Session) -> dict[str, str]:
    return {u: (d or u) for u, d in session.execute(select(User.username, User.display_name))}


def _chunks(ids: Iterable[int], size: int = 500) -> Iterable[list[int]]:
    values = sorted(ids)
    for start in range(0, len(values), size):
        yield values[start:start + size]


def _items(session: Session, cycle_id: int, village_id: int | None) -> list[Commitment]:
    q = select(Commitment).where(Commitment.cycle_id == cycle_id)
    if village_id is not None:
        q = q.where(Commitment.village_id == village_id)
    return list(session.scalars(q))


def _ledger_sort_key(ledger_no: str | None, cid: int) -> tuple:
    parts = re.split(r"(\d+)", ledger_no or "")
    return (tuple(int(p) if p.isdigit() else p for p in parts), cid)


# --- 践诺台账 ------------------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class LedgerLine:
    """One row of the 践诺台账 (tracking.md A7); dates are dates, the renderer writes them."""
    id: int
    ledger_no: str
    village: str
    owner_name: str
    owner_post: str
    title: str
    category: str
    target: str            # 基数→目标（单位） or the goal in words
    weight: Decimal
    starts_on: dt.date | None
    deadline: dt.date | None
    deadline_current: dt.date | None
    percent: int
    status: str            # the status of the day (逾期 when past the current deadline)
    light: str             # ok / due_soon / overdue / done
    supervision: str       # 县级督办，限2027年6月30日, or ""
    last_report: str       # 2027-W14 or 未报
    last_report_on: dt.date | None
    reported_done_on: dt.date | None
    closed_on: dt.date | None
    closed_by: str
    is_child: bool = False
    # the same, split and typed for the workbook
    source: str = ""
    category_name: str = ""
    kind: str = ""
    baseline: Decimal | None = None
    target_value: Decimal | None = None
    unit: str = ""
    goal: str = ""


@dataclass(frozen=True)
class LedgerPrint:
    heading: Heading
    as_of: dt.date
    groups: list[tuple[str, list[LedgerLine]]]
    scope: str = ""   # the filter printed in the title: 逾期事项, 挂牌督办事项, 已销号事项 …; "" for every item

    @property
    def count(self) -> int:
        return sum(len(lines) for _, lines in self.groups)


def ledger_print(session: Session, cycle_id: int, village_id: int | None, *, today: dt.date, term: str = "",
                 overdue_only: bool = False, supervised_only: bool = False,
                 status: CommitmentStatus | None = None) -> LedgerPrint:
    """Every item of the cycle (of one village, or all — township items last) from ``queries.ledger_all``, grouped
    by village in code order, each group in ledger-number order with 一点一策 children after their parent; or only
    the overdue items (on ``today``), those under 挂牌督办, or those of one status (the ledger page's filters)."""
    head = heading(session, cycle_id, village_id, term)
    rows = queries.ledger_all(session, queries.LedgerFilter(
        cycle_id=cycle_id, village_id=village_id, overdue_only=overdue_only, supervised_only=supervised_only,
        status=status), today=today)
    scope = "、".join(x for x in (tr("逾期") if overdue_only else "", tr("挂牌督办") if supervised_only else "",
                                 status.label if status is not None else "") if x)
    scope = tr("{s}事项").format(s=scope) if scope else ""
    if not rows:
        where = head.village or head.township or tr("本乡镇")
        if scope:
            raise UserError(tr("{where}没有{scope}（截至{day}），践诺台账无内容可打印").format(
                where=where, scope=scope, day=_cn(today)))
        raise UserError(tr("{where}还没有挂号的践诺事项，践诺台账无内容可打印").format(where=where))
    users = _user_names(session)
    by_id = {r.id: r for r in rows}
    children: dict[int, list[queries.LedgerRow]] = defaultdict(list)
    roots: list[queries.LedgerRow] = []
    for r in rows:
        if r.parent_id is not None and r.parent_id in by_id:
            children[r.parent_id].append(r)
        else:
            roots.append(r)

    def line(r: queries.LedgerRow, child: bool) -> LedgerLine:
        supervision = ""
        if r.supervision_level is not None and r.supervision_limit is not None:
            supervision = tr("{level}，限{date}").format(level=level_text(r.supervision_level),
                                                      date=_cn(r.supervision_limit))
        if r.light == "overdue":
            status = CommitmentStatus.OVERDUE.label
        elif r.light == "due_soon":
            status = tr("{s}\n（临期）").format(s=r.status_label)
        else:
            status = r.status_label
        category = r.source_label + (f"\n{r.category}" if r.category and r.category != r.source_label else "")
        target = r.target_text
        if r.kind is CommitmentKind.METRIC and r.target is not None:
            target = _metric(r.baseline, r.target, r.unit)
        return LedgerLine(
            r.id, r.ledger_no, r.village if r.village_id is not None else TOWNSHIP_GROUP, r.owner_name, r.owner_post,
            r.title, category, target, r.weight, r.starts_on, r.deadline, r.deadline_current, r.percent, status,
            r.light, supervision, r.last_period or tr("未报"), r.last_reported_on, r.reported_done_on, r.closed_on,
            users.get(r.closed_by, r.closed_by) if r.closed_by else "", child, r.source_label, r.category,
            r.kind_label, _dec(r.baseline), _dec(r.target), r.unit, r.target_text)

    lines: dict[int | None, list[LedgerLine]] = defaultdict(list)

    def walk(r: queries.LedgerRow, child: bool) -> None:
        lines[r.village_id].append(line(r, child))
        for k in children.get(r.id, []):
            walk(k, True)

    for r in roots:
        walk(r, False)
    return LedgerPrint(head, today, _grouped(session, cycle_id, village_id, lines), scope)


def _unit(unit: str) -> str:
    """A unit after a figure: 70% for a percentage, 3（公里） otherwise."""
    return unit if unit in ("%", "％") else (f"（{unit}）" if unit else "")


def _metric(baseline: Decimal | None, target: Decimal | None, unit: str) -> str:
    """基数→目标（单位）: 0→3（公里）, 20→70%."""
    return f"{_num(baseline) or '0'}→{_num(target)}{_unit(unit)}"


def level_text(level: SupervisionLevel) -> str:
    """乡镇督办 / 县级督办 / 市级督办."""
    return tr("乡镇督办") if level is SupervisionLevel.TOWNSHIP else tr("{l}级督办").format(l=level.label)


def _dec(value: Decimal | None) -> Decimal | None:
    return None if value is None else Decimal(value)


def _cn(day: dt.date | None) -> str:
    return "" if day is None else tr("{y}年{m}月{d}日").format(y=day.year, m=day.month, d=day.day)


# --- weekly ---------------------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class WeeklyLine:
    """One report of the week (周报汇总)."""
    village: str
    ledger_no: str
    title: str
    progress: str       # 本周进展 (or 无进展：reason)
    cumulative: str     # 累计值/%: "12（户），60%" or "60%"
    problems: str
    next_plan: str
    reported_by: str
    on_time: bool


@dataclass(frozen=True)
class WeeklyPrint:
    heading: Heading
    week: str
    monday: dt.date
    sunday: dt.date
    groups: list[tuple[str, list[WeeklyLine]]]
    due: int          # items due a report this week
    reported: int     # of them, reported
    on_time: int      # of the reports, on time
    missing: int


@dataclass(frozen=True)
class MissingLine:
    village: str
    ledger_no: str
    title: str
    owner_name: str
    owner_post: str
    last_report: str     # the last week reported before, or 从未报告
    deadline: dt.date | None


@dataclass(frozen=True)
class MissingPrint:
    heading: Heading
    week: str
    monday: dt.date
    sunday: dt.date
    groups: list[tuple[str, list[MissingLine]]]
    due: int
    missing: int


def _week_reports(session: Session, ids: Sequence[int], week: str) -> dict[int, ProgressReport]:
    out: dict[int, ProgressReport] = {}
    for chunk in _chunks(ids):
        for r in session.scalars(select(ProgressReport).where(ProgressReport.commitment_id.in_(chunk),
                                                              ProgressReport.period == week)
                                 .order_by(ProgressReport.reported_on, ProgressReport.id)):
            out[r.commitment_id] = r  # a later one for the same week replaces the earlier
    return out


def _latest_week_with_reports(session: Session, ids: Sequence[int]) -> str | None:
    best: str | None = None
    for chunk in _chunks(ids):
        value = session.scalar(select(func.max(ProgressReport.period))
                               .where(ProgressReport.commitment_id.in_(chunk), ProgressReport.period.like("%-W%")))
        if value and (best is None or value > best):
            best = value
    return best


def _cumulative(c: Commitment, r: ProgressReport) -> str:
    pct = f"{r.percent}%"
    if r.value is not None:
        unit = _unit(c.unit)
        return f"{_num(Decimal(r.value))}{unit}\n{pct}"
    return pct


def weekly_print(session: Session, cycle_id: int, village_id: int | None, week: str | None, *,
                 term: str = "") -> WeeklyPrint:
    """The 周报汇总 of one ISO week (default: the latest week anybody reported). Which items owed a report is the
    weekly grid's rule (``weekly.open_in_week``)."""
    items = _items(session, cycle_id, village_id)
    head = heading(session, cycle_id, village_id, term)
    ids = [c.id for c in items]
    week = parse_week(week) if week else _latest_week_with_reports(session, ids)
    where = head.village or head.township or tr("本乡镇")
    if week is None:
        raise UserError(tr("{where}还没有任何周报，周报汇总无内容可打印").format(where=where))
    monday, sunday = week_bounds(week)
    reports = _week_reports(session, ids, week)
    if not reports:
        raise UserError(tr("{where}{week}（{w}）没有周报，周报汇总无内容可打印").format(
            where=where, week=week_label(week), w=week))
    due = [f for f in weekly.item_facts(session, cycle_id=cycle_id, village_id=village_id)
           if weekly.open_in_week(f, monday, sunday)]
    vnames = dict(_villages(session, cycle_id, None))
    lines: dict[int | None, list[WeeklyLine]] = defaultdict(list)
    for c in sorted(items, key=lambda x: _ledger_sort_key(x.ledger_no, x.id)):
        r = reports.get(c.id)
        if r is None:
            continue
        progress = r.narrative
        if r.no_progress_reason and r.no_progress_reason not in progress:
            progress = (progress + "\n" if progress else "") + tr("无进展：{why}").format(why=r.no_progress_reason)
        lines[c.village_id].append(WeeklyLine(
            vnames.get(c.village_id or 0, TOWNSHIP_GROUP), c.ledger_no or "", c.title, progress, _cumulative(c, r),
            r.problems, r.next_plan, r.reported_by, bool(r.on_time)))
    groups = _grouped(session, cycle_id, village_id, lines)
    reported = sum(1 for f in due if f.id in reports)
    return WeeklyPrint(head, week, monday, sunday, groups, len(due), reported,
                       sum(1 for r in reports.values() if r.on_time), len(due) - reported)


def _grouped(session: Session, cycle_id: int, village_id: int | None,
             lines: dict[int | None, list]) -> list[tuple[str, list]]:
    groups = [(name, lines[vid]) for vid, name in _villages(session, cycle_id, village_id) if lines.get(vid)]
    if village_id is None and lines.get(None):
        groups.append((TOWNSHIP_GROUP, lines[None]))
    return groups


def weekly_missing_print(session: Session, cycle_id: int, village_id: int | None, week: str | None, *,
                         term: str = "") -> MissingPrint:
    """The 周报缺报清单 of one ISO week: ``weekly.missing_reports`` (default: the latest week with a report in which
    something is missing)."""
    head = heading(session, cycle_id, village_id, term)
    where = head.village or head.township or tr("本乡镇")
    facts = weekly.item_facts(session, cycle_id=cycle_id, village_id=village_id)
    if week:
        week = parse_week(week)
    else:
        week = _latest_week_with_missing(session, facts)
        if week is None:
            raise UserError(tr("{where}没有缺报的周报，缺报清单无内容可打印").format(where=where))
    monday, sunday = week_bounds(week)
    due = sum(1 for f in facts if weekly.open_in_week(f, monday, sunday))
    missing = weekly.missing_reports(session, cycle_id=cycle_id, period=week, village_id=village_id)
    if not missing:
        raise UserError(tr("{where}{week}（{w}）应报的{n}项周报都已报送，缺报清单无内容可打印").format(
            where=where, week=week_label(week), w=week, n=due))
    by_id = {f.id: f for f in facts}
    lines: dict[int | None, list[MissingLine]] = defaultdict(list)
    for m in missing:
        f = by_id.get(m.commitment_id)
        lines[m.village_id].append(MissingLine(
            m.village or TOWNSHIP_GROUP, m.ledger_no, m.title, m.owner, "", m.last_period or tr("从未报告"),
            (f.deadline_current or f.deadline) if f is not None else None))
    return MissingPrint(head, week, monday, sunday, _grouped(session, cycle_id, village_id, lines), due,
                        len(missing))


def _latest_week_with_missing(session: Session, facts: Sequence[weekly.ItemFacts]) -> str | None:
    ids = [f.id for f in facts]
    by_week: dict[str, set[int]] = defaultdict(set)
    for chunk in _chunks(ids):
        for cid, period in session.execute(select(ProgressReport.commitment_id, ProgressReport.period)
                                           .where(ProgressReport.commitment_id.in_(chunk),
                                                  ProgressReport.period.like("%-W%"))):
            by_week[period].add(cid)
    for week in sorted(by_week, reverse=True):
        try:
            monday, sunday = week_bounds(week)
        except ValidationError:
            continue
        if any(weekly.open_in_week(f, monday, sunday) and f.id not in by_week[week] for f in facts):
            return week
    return None


# --- 月查月比表 ------------------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class MonthlyLine:
    village: str
    registered: int          # 挂号 (by the month's end, withdrawn items not counted)
    new: int                 # 本月新增
    reported_done: int       # 累计报结
    closed: int              # 累计销号
    overdue: int             # 逾期 at the month's end
    supervised: int          # 督办 open at the month's end
    closure_rate: Decimal | None   # 销号率 = 累计销号 / 挂号
    report_rate: Decimal | None    # 周报及时率 = on-time reports / reports due in the month's weeks
    inspection_score: Decimal | None  # 月查得分
    change: Decimal | None   # 环比: closure rate minus last month's, percentage points
    rank: int | None         # by the 月比得分 of the ranking scheme (ties share a rank)
    score: Decimal | None = None   # 月比得分


@dataclass(frozen=True)
class MonthlyPrint:
    heading: Heading
    month: str
    first: dt.date
    last: dt.date
    lines: list[MonthlyLine]
    total: MonthlyLine


def monthly_print(session: Session, cycle_id: int, month: str | None, *, village_id: int | None = None,
                  term: str = "", today: dt.date | None = None) -> MonthlyPrint:
    """The 月查月比表 of one month (default: the month of the latest report or 销号): the rows of
    ``monthly.monthly_comparison`` as of the month's end (or ``today`` while it runs), with a 合计 row summed from the
    villages' counts."""
    items = _items(session, cycle_id, None)
    head = heading(session, cycle_id, village_id, term)
    if not items:
        raise UserError(tr("{where}还没有挂号的践诺事项，月查月比表无内容可打印").format(
            where=head.township or tr("本乡镇")))
    month = parse_month(month) if month else _latest_month(session, cycle_id, items)
    first, last = month_bounds(month)
    if not any(c.registered_on is None or c.registered_on <= last for c in items):
        raise UserError(tr("{m}底以前还没有挂号的践诺事项，月查月比表无内容可打印").format(m=month_label(month)))
    today = today or dt.date.today()
    # a month after the clock (data entered ahead, the demo) is read as of its end
    rows = monthly.monthly_comparison(session, cycle_id=cycle_id, month=month,
                                      today=today if today >= first else last)
    lines = [MonthlyLine(r.village, r.registered, r.new, r.reported_done, r.closed, r.overdue, r.supervised,
                         fraction_percent(r.closure_rate), fraction_percent(r.timeliness), r.inspection_score,
                         r.closure_change, r.rank, r.score) for r in rows]
    scores = [r.inspection_score for r in rows if r.inspection_score is not None]
    mean = (sum(scores, Decimal(0)) / len(scores)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP) \
        if scores else None
    total = MonthlyLine(tr("合计"), sum(r.registered for r in rows), sum(r.new for r in rows),
                        sum(r.reported_done for r in rows), sum(r.closed for r in rows),
                        sum(r.overdue for r in rows), sum(r.supervised for r in rows),
                        rate(sum(r.closed for r in rows), sum(r.registered for r in rows)),
                        rate(sum(r.reports_on_time for r in rows), sum(r.reports_due for r in rows)), mean, None, None)
    if village_id is not None:
        lines = [ln for r, ln in zip(rows, lines, strict=True) if r.village_id == village_id]
    return MonthlyPrint(head, month, first, last, lines, total)


def _latest_month(session: Session, cycle_id: int, items: Sequence[Commitment]) -> str:
    """The month of the latest 月查 (the table is the month's check and comparison); without one, the month of the
    latest report, 挂号, 报结 or 销号."""
    checked = session.scalar(select(func.max(Inspection.period)).where(
        Inspection.cycle_id == cycle_id, Inspection.kind == InspectionKind.MONTHLY, Inspection.period.like("____-__")))
    if checked:
        return str(checked)
    days = [d for c in items for d in (c.registered_on, c.closed_on, c.reported_done_on) if d is not None]
    ids = [c.id for c in items]
    for chunk in _chunks(ids):
        value = session.scalar(select(func.max(ProgressReport.reported_on))
                               .where(ProgressReport.commitment_id.in_(chunk)))
        if value is not None:
            days.append(value)
    latest = max(days) if days else dt.date.today()
    return f"{latest.year}-{latest.month:02d}"


# --- 销号备案表 ------------------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class ClosureLine:
    ledger_no: str
    village: str
    title: str
    owner: str
    registered_on: dt.date | None
    reported_done_on: dt.date | None
    closed_on: dt.date | None
    closed_by: str
    evidence: int      # attachments on the item and its reports


@dataclass(frozen=True)
class ClosurePrint:
    heading: Heading
    month: str
    lines: list[ClosureLine]


def closure_print(session: Session, cycle_id: int, village_id: int | None, month: str | None, *,
                  term: str = "") -> ClosurePrint:
    """Items 销号 in the month (``monthly.closure_register``; default: the latest month with a 销号), for the monthly
    备案 upward."""
    head = heading(session, cycle_id, village_id, term)
    where = head.village or head.township or tr("本乡镇")
    if month:
        month = parse_month(month)
    else:
        q = select(func.max(Commitment.closed_on)).where(Commitment.cycle_id == cycle_id,
                                                        Commitment.status.in_([s.value for s in ranking.CLOSED]))
        if village_id is not None:
            q = q.where(Commitment.village_id == village_id)
        latest = session.scalar(q)
        if latest is None:
            raise UserError(tr("{where}还没有销号的践诺事项，销号备案表无内容可打印").format(where=where))
        month = f"{latest.year}-{latest.month:02d}"
    rows = monthly.closure_register(session, cycle_id=cycle_id, month=month)
    if head.village is not None:
        rows = [r for r in rows if r.village == head.village]
    if not rows:
        raise UserError(tr("{where}{m}没有销号的践诺事项，销号备案表无内容可打印").format(
            where=where, m=month_label(month)))
    lines = [ClosureLine(r.ledger_no, r.village or TOWNSHIP_GROUP, r.title, r.owner, r.registered_on,
                         r.reported_done_on, r.closed_on, r.closed_by, r.evidence) for r in rows]
    return ClosurePrint(head, month, lines)


# --- 挂牌督办通知书 -------------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class NoticeData:
    notice_no: str
    township: str
    ledger_no: str
    title: str
    target: str
    village: str
    owner: str           # 张三（村委会主任）
    reason: str          # 进度缓慢：…
    level: str           # 乡镇督办 / 县级督办 / 市级督办
    issued_on: dt.date
    issued_by: str
    limit_date: dt.date
    deadline: dt.date | None
    percent: int
    status: str
    urges: list[str] = field(default_factory=list)   # 2027年5月3日 电话催办：…
    lifted_on: dt.date | None = None


def supervision_notices(session: Session, cycle_id: int, village_id: int | None, notice_no: str | None
                        ) -> list[NoticeData]:
    """One notice (by its number, open or lifted), or every open one of the village / township — or, when none is
    open, every one issued there (a reprint for the file; each says when it was lifted): ``queries.supervisions``
    with the item's ledger row (时限, 进度, 状态) and the 催办 log."""
    cycle = session.get(ElectionCycle, cycle_id)
    township = session.get(Township, cycle.township_id) if cycle else None
    every = queries.supervisions(session, cycle_id=cycle_id, village_id=village_id, open_only=False)
    if notice_no:
        rows = [r for r in every if r.notice_no == notice_no.strip()]
    else:
        rows = [r for r in every if r.lifted_on is None] or every
    if not rows:
        if notice_no:
            raise UserError(tr("没有督办编号为“{no}”的挂牌督办").format(no=notice_no))
        village = session.get(Village, village_id) if village_id is not None else None
        where = village.name if village is not None else (township.name if township else tr("本乡镇"))
        raise UserError(tr("{where}没有挂牌督办事项，督办通知书无内容可打印").format(where=where))
    items = {r.id: r for r in queries.ledger_all(session, queries.LedgerFilter(
        cycle_id=cycle_id, ids=tuple({r.commitment_id for r in rows})), today=dt.date.today())}
    users = _user_names(session)
    urges: dict[int, list[str]] = defaultdict(list)
    for u in session.scalars(select(SupervisionUrge).where(SupervisionUrge.supervision_id.in_([r.id for r in rows]))
                             .order_by(SupervisionUrge.urged_on, SupervisionUrge.id)):
        urges[u.supervision_id].append(" ".join(x for x in (_cn(u.urged_on), u.method, u.note) if x))
    out = []
    for r in rows:
        item = items.get(r.commitment_id)
        due = (item.deadline_current or item.deadline) if item is not None else None
        status = r.status_label
        if item is not None and machine.light(due, item.status, r.issued_on, 0) == "overdue":
            status = CommitmentStatus.OVERDUE.label
        target = ""
        if item is not None:
            target = item.target_text
            if item.kind is CommitmentKind.METRIC and item.target is not None:
                target = _metric(item.baseline, item.target, item.unit)
        out.append(NoticeData(
            r.notice_no, township.name if township else "", r.ledger_no, r.title, target,
            r.village if item is None or item.village_id is not None else TOWNSHIP_GROUP, r.owner,
            r.reason_label + (tr("：{t}").format(t=r.reason_text) if r.reason_text else ""), level_text(r.level),
            r.issued_on, users.get(r.issued_by, r.issued_by), r.limit_date, due,
            item.percent if item is not None else 0, status, urges.get(r.id, []), r.lifted_on))
    return out


# --- 季度排名通报 ---------------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class RankingLine:
    rank: int | None
    village: str
    total: str            # Decimal text, two places
    parts: list[str]
    change: str           # 较上季: 上升2位 / 下降1位 / 持平 / 新列入
    veto: bool


@dataclass(frozen=True)
class SupervisedLine:
    notice_no: str
    level: str            # 乡镇 / 县 / 市
    ledger_no: str
    village: str
    title: str
    owner: str            # 张三（主任）
    limit_date: dt.date | None


@dataclass(frozen=True)
class OverdueLine:
    ledger_no: str
    village: str
    title: str
    owner: str
    deadline: dt.date | None


@dataclass(frozen=True)
class RankingPrint:
    heading: Heading
    quarter: str
    serial: int
    issue: int           # 期数: the quarters ranked so far in the cycle, this one included
    number: str          # 文号 (the circular's), "" when none was drafted
    title: str
    body: list[str]      # the circular's text, one paragraph a line
    part_labels: list[str]
    lines: list[RankingLine]
    red: list[str]       # 红榜 villages
    bottom: list[str]    # 末位 villages
    cadres: list[str]    # cadres named, in stroke order
    supervised: list[SupervisedLine]   # under 挂牌督办 (frozen in the circular when it was drafted)
    overdue: list[OverdueLine]         # open past the current deadline (idem)
    lists_as_of: dt.date | None        # the day of those lists
    signed_by: str
    issued_on: dt.date | None
    scheme_version: int
    digest: str
    intact: bool = True  # the snapshot's digest still matches its rows
    drafted: bool = False  # a circular was drafted from the snapshot (else the text is a default introduction)


def _change(change: int | None) -> str:
    if change is None:
        return tr("新列入")
    if change > 0:
        return tr("上升{n}位").format(n=change)
    if change < 0:
        return tr("下降{n}位").format(n=-change)
    return tr("持平")


def _quantized(value: Decimal) -> str:
    return format(value.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP), "f")


def _iso(value: object) -> dt.date | None:
    try:
        return dt.date.fromisoformat(str(value)) if value else None
    except ValueError:
        return None


def ranking_print(session: Session, cycle_id: int, quarter: str | None, *, term: str = "") -> RankingPrint:
    """The 季度排名通报 from the frozen snapshot of the quarter (default: the latest quarter frozen; its highest serial):
    ranks, totals and parts are ``ranking.snapshot_rows`` — never recomputed. The circular drafted from it
    (``circulars.circulars_of``, the latest) gives the 文号, title, text, 红榜/末位, the cadres named and the lists of
    overdue and supervised items frozen on its date; without one, the lists are read as of the quarter's last day."""
    head = heading(session, cycle_id, None, term)
    frozen = [i for i in ranking.snapshots(session, cycle_id) if weekly.period_kind(i.period) == "quarter"]
    if quarter:
        quarter = parse_quarter(quarter)
        chosen = [i for i in frozen if i.period == quarter]
        if not chosen:
            raise UserError(tr("{q}（{v}）还没有冻结的季度排名，请先在践诺跟踪页生成并签署排名").format(
                q=quarter_label(quarter), v=quarter))
    elif not frozen:
        raise UserError(tr("还没有冻结的季度排名，季度排名通报无内容可打印"))
    else:
        chosen = frozen
    info = chosen[0]  # latest period first, highest serial first
    quarter = info.period
    rows = ranking.snapshot_rows(session, info.id)
    if not rows:
        raise UserError(tr("{q}的排名快照没有任何村，季度排名通报无内容可打印").format(q=quarter_label(quarter)))
    keys: list[str] = []
    for r in rows:
        keys += [k for k in r.parts if k not in keys]
    extra = [(tr("扣分"), "deduction")] if any(r.deduction for r in rows) else []
    extra += [(tr("加分"), "bonus")] if any(r.bonus for r in rows) else []
    lines = []
    for r in sorted(rows, key=lambda x: (x.veto, x.rank)):
        parts = [_quantized(r.parts[k]) if k in r.parts else "" for k in keys]
        parts += [_quantized(getattr(r, attr)) for _, attr in extra]
        lines.append(RankingLine(r.rank, r.village, _quantized(r.total), parts, _change(r.change), r.veto))
    drafted = circulars.circulars_of(session, cycle_id, info.id)
    circular = drafted[0] if drafted else None
    named = circular.named if circular is not None else {}
    worst = max((r.rank for r in rows), default=None)
    red = [str(x) for x in named.get("red", [])] if circular is not None else [
        r.village for r in rows if r.rank == 1 and not r.veto]
    bottom = [str(x) for x in named.get("bottom", [])] if circular is not None else [
        r.village for r in rows if r.veto or (len(rows) > 1 and r.rank == worst)]
    cadres = sorted((str(x) for x in named.get("cadres", [])), key=stroke_key)
    if circular is not None:
        as_of = circular.issued_on
        supervised = [SupervisedLine(str(x.get("notice_no", "")), str(x.get("level", "")), str(x.get("ledger_no", "")),
                                     str(x.get("village", "")) or TOWNSHIP_GROUP, str(x.get("title", "")),
                                     str(x.get("owner", "")), _iso(x.get("limit_date")))
                      for x in named.get("supervised", []) if isinstance(x, dict)]
        overdue = [OverdueLine(str(x.get("ledger_no", "")), str(x.get("village", "")) or TOWNSHIP_GROUP,
                               str(x.get("title", "")), str(x.get("owner", "")), _iso(x.get("deadline")))
                   for x in named.get("overdue", []) if isinstance(x, dict)]
    else:
        as_of = quarter_bounds(quarter)[1]
        supervised, overdue = _quarter_lists(session, cycle_id, as_of)
    title = circular.title if circular is not None and circular.title else tr(
        "关于{q}村级践诺事项排名情况的通报").format(q=quarter_label(quarter))
    body = [p for p in (circular.body if circular is not None else "").split("\n") if p.strip()]
    if not body:
        body = [tr("根据村干部践诺“挂号、报结、销号”管理和“每周一报、每月一查一比、每季一排名一通报”制度，"
                   "按照第{v}版排名办法，对各村{q}践诺事项推进情况进行了排名，现将有关情况通报如下。").format(
                       v=info.scheme_version, q=quarter_label(quarter))]
    signed = circular.signed_by if circular is not None and circular.signed_by else info.signed_by
    users = _user_names(session)
    issue = len({i.period for i in frozen if i.period <= quarter})
    return RankingPrint(head, quarter, info.serial, issue, circular.number if circular is not None else "", title,
                        body, [ranking.component_label(k) for k in keys] + [label for label, _ in extra], lines, red,
                        bottom, cadres, supervised, overdue, as_of, users.get(signed, signed),
                        circular.issued_on if circular is not None else None, info.scheme_version, info.digest,
                        info.intact, circular is not None)


def _quarter_lists(session: Session, cycle_id: int, end: dt.date) -> tuple[list[SupervisedLine], list[OverdueLine]]:
    """Without a circular: the items under 挂牌督办 on ``end`` and those open past their current deadline then."""
    facts = {f.id: f for f in weekly.item_facts(session, cycle_id=cycle_id)}
    supervised = []
    for s in session.scalars(select(Supervision).where(Supervision.issued_on <= end)
                             .where((Supervision.lifted_on.is_(None)) | (Supervision.lifted_on > end))
                             .order_by(Supervision.issued_on, Supervision.id)):
        f = facts.get(s.commitment_id)
        if f is not None:
            supervised.append(SupervisedLine(s.notice_no, s.level.label, f.ledger_no, f.village or TOWNSHIP_GROUP,
                                             f.title, f.owner, s.limit_date))
    overdue = []
    for f in facts.values():
        due = f.deadline_current or f.deadline
        if (f.is_parent or f.status in weekly.STRUCK or due is None or due >= end
                or any(d is not None and d <= end for d in (f.closed_on, f.reported_done_on))):
            continue
        overdue.append(OverdueLine(f.ledger_no, f.village or TOWNSHIP_GROUP, f.title, f.owner, due))
    return supervised, overdue


def village_id_by_name(session: Session, cycle_id: int, name: str | None) -> int | None:
    """The id of the village named (None for none); NotFound naming the villages there are."""
    if not name or not name.strip():
        return None
    cycle = session.get(ElectionCycle, cycle_id)
    q = select(Village.id).where(Village.name == name.strip())
    if cycle is not None:
        q = q.where(Village.township_id == cycle.township_id)
    vid = session.scalar(q)
    if vid is None:
        names = "、".join(n for _, n in _villages(session, cycle_id, None))
        raise NotFound(tr("没有名为“{name}”的村。现有：{names}").format(name=name, names=names or tr("（无）")))
    return int(vid)
