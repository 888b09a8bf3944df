"""The 概览 dashboard and the printed 换届统计 (issue 19 item 6): the structure indicators and the tracking figures of
the township and per village, the charts drawn of them and the compliance warnings, as plain data. The GUI draws the
charts with pyqtgraph, the PDF with reportlab's graphics — both from the same :class:`ChartSpec` list, so the printed
report shows the same charts as the screen.

Reads :func:`villagevote.statistics.queries.structure_view` and ``tracking_view``; nothing here is computed twice.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy.orm import Session

from villagevote.errors import ValidationError
from villagevote.i18n import tr
from villagevote.models.core import Village
from villagevote.statistics.catalog import TOTAL, indicator
from villagevote.statistics.compliance import ComplianceRow
from villagevote.statistics.queries import StatsView, structure_view, tracking_view
from villagevote.township import cycle_info

__all__ = [
    "STRUCTURE_KEYS",
    "TRACKING_KEYS",
    "ChartSpec",
    "Dashboard",
    "dashboard",
    "quarter_of",
    "term_quarters",
]

# the figures of the key-figures table (township and per village), in order
STRUCTURE_KEYS: tuple[str, ...] = (
    "S12.members", "S13.cross_rate", "S14.one_shoulder", "S20.lw_women_rate", "S30.avg_age", "S30.age_le35_rate",
    "S40.edu_senior_rate", "S50.vc_party_rate", "S60.new", "S70.reps_party_rate", "S70.reps_women_rate",
    "S80.turnout",
)
TRACKING_KEYS: tuple[str, ...] = (
    "J01.registered", "J01.closed", "J01.overdue", "J01.supervised", "J02.closed_rate", "J02.on_time_rate",
    "J02.report_rate",
)


def _charts() -> tuple[tuple[str, str, Decimal | None], ...]:
    """(indicator, title, reference line: a share the law or the county asks for, or None) of each chart."""
    return (
        ("S20.lw_women_rate", tr("两委女性成员占比"), None),
        ("S30.avg_age", tr("两委平均年龄"), None),
        ("S70.reps_party_rate", tr("党员代表占比（不低于1/3）"), Decimal("33.3")),
        ("S70.reps_women_rate", tr("妇女代表占比（1/3以上）"), Decimal("33.3")),
        ("J02.closed_rate", tr("销号率 {period}"), None),
        ("J01.overdue", tr("逾期事项 {period}"), None),
    )


@dataclass(frozen=True)
class ChartSpec:
    """One bar chart: a bar per village (code order), its value (None: no basis, no bar) and the text written above
    it; ``top`` the value axis' end (100 for percentages, None: from the data), ``line`` a reference value drawn as
    a dashed line (the one-third rules), ``total`` the township's figure as text."""
    code: str
    title: str
    unit: str  # axis title: "占比（%）", "岁", "项"
    labels: tuple[str, ...]
    values: tuple[Decimal | None, ...]
    texts: tuple[str, ...]
    top: Decimal | None
    line: Decimal | None
    total: str
    percent: bool

    @property
    def empty(self) -> bool:
        return not self.labels or all(v is None for v in self.values)


@dataclass(frozen=True)
class Dashboard:
    township: str
    cycle: str
    stat_date: str
    period: str  # the tracking quarter or month shown (2027-Q2)
    period_note: str
    structure: StatsView
    tracking: StatsView
    headers: tuple[str, ...]  # 村, then the labels of STRUCTURE_KEYS and TRACKING_KEYS
    rows: tuple[tuple[str, ...], ...]  # per village in code order, then 合计
    charts: tuple[ChartSpec, ...]
    compliance: tuple[ComplianceRow, ...]
    problems: tuple[str, ...]
    notes: tuple[str, ...]
    village: str | None  # the one village shown (None: the township)

    def figure(self, code: str, village_code: str = TOTAL) -> str:
        view = self.tracking if code.startswith("J") else self.structure
        return view.cells.get((village_code, code), "")


def quarter_of(day: dt.date) -> str:
    return f"{day.year}-Q{(day.month - 1) // 3 + 1}"


def term_quarters(election_day: dt.date, today: dt.date, years: int = 5) -> list[str]:
    """The quarters from the election to the end of the term (or today, whichever is later), newest first."""
    end = max(today, dt.date(election_day.year + years, election_day.month, 1))
    out: list[str] = []
    year, q = election_day.year, (election_day.month - 1) // 3 + 1
    while (year, q) <= (end.year, (end.month - 1) // 3 + 1):
        out.append(f"{year}-Q{q}")
        q += 1
        if q == 5:
            year, q = year + 1, 1
    return list(reversed(out))


def _chart(view: StatsView, code: str, title: str, villages: list[tuple[str, str]],
           line: Decimal | None) -> ChartSpec:
    definition = indicator(code)
    percent = definition.kind == "ratio"
    values: list[Decimal | None] = []
    texts: list[str] = []
    by_key = {(v.village_code, v.indicator): v for v in view.values}
    for village_code, _name in villages:
        value = by_key.get((village_code, code))
        values.append(value.decimal() if value is not None else None)
        texts.append(value.value_text() if value is not None else "—")
    unit = {"ratio": tr("占比（%）"), "average": tr("岁")}.get(definition.kind, tr("项") if code.startswith("J")
                                                               else tr("人"))
    return ChartSpec(code, title.format(period=view.period), unit,
                     tuple(name for _c, name in villages), tuple(values), tuple(texts),
                     Decimal(100) if percent else None, line, view.cells.get((TOTAL, code), "—"), percent)


def dashboard(session: Session, period: str | None = None, *, village_id: int | None = None,
              today: dt.date | None = None) -> Dashboard:
    """The dashboard of the current cycle: the structure report on its 统计时点 and the tracking figures of
    ``period`` (a quarter 2027-Q2 or a month 2027-05; default the quarter of ``today``) taken as of ``today``;
    with ``village_id`` the table and the charts keep that village (and the 合计)."""
    cycle = cycle_info(session)
    if cycle is None:
        raise ValidationError(tr("还没有换届届次，无法统计"))
    today = today or dt.date.today()
    period = period or quarter_of(today)
    structure = structure_view(session, cycle.id)
    tracking = tracking_view(session, period, cycle.id, as_of=today)
    villages = [(code, name) for code, name in structure.villages if code != TOTAL]
    chosen: str | None = None
    if village_id is not None:
        village = session.get(Village, village_id)
        chosen = village.name if village is not None else None
        villages = [(c, n) for c, n in villages if n == chosen] or villages
    keys = [*STRUCTURE_KEYS, *TRACKING_KEYS]
    headers = (tr("村"), *(indicator(k).title for k in keys))
    rows: list[tuple[str, ...]] = []
    for code, name in [*villages, (TOTAL, tr("合计"))]:
        rows.append((name, *((tracking if k.startswith("J") else structure).cells.get((code, k), "—")
                             for k in keys)))
    charts = tuple(_chart(tracking if code.startswith("J") else structure, code, title, villages, line)
                   for code, title, line in _charts())
    codes = {c for c, _n in villages}
    compliance = tuple(r for r in structure.compliance if r.village_code in codes)
    return Dashboard(structure.township, cycle.name, structure.period, tracking.period,
                     tracking.notes[0] if tracking.notes else "", structure, tracking, headers, tuple(rows), charts,
                     compliance, (*structure.problems, *tracking.problems), structure.notes, chosen)
