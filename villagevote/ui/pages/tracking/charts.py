"""Charts a township leader reads at a glance: 销号率 per village (bars), overdue items week by week (a line) and this
quarter's ranking (bars). Drawn with pyqtgraph (maintained, pure Python on PySide6-Essentials), which is imported in
:func:`_pg` only — the first time a chart is drawn — so start-up and the other tabs never pay for it. Axis texts
use the application's font (the bundled CJK face set in ``ui/app.py``). A chart with no data says so in Chinese
instead of showing an empty axis."""
from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QFont
from PySide6.QtWidgets import QApplication, QGridLayout, QLabel, QVBoxLayout, QWidget

from villagevote.i18n import tr
from villagevote.township import cycle_info
from villagevote.tracking import chart_data
from villagevote.tracking.chart_data import VillageRate, WeekCount
from villagevote.ui.pages.tracking.common import TrackingTab, quarter_of
from villagevote.ui.pages.tracking.ranking_tab import RankingData, read_ranking

__all__ = ["ChartsData", "ChartsTab", "bar_chart", "line_chart"]

BAR = QColor("#4a7ab5")
LOW = QColor("#c62828")
WEEKS = 26


def _pg() -> Any:
    """pyqtgraph, imported on first use: it costs ~0.3 s that start-up must not pay (a genuinely heavy import)."""
    import pyqtgraph as pg  # type: ignore[import-untyped]
    pg.setConfigOptions(antialias=True, background="w", foreground="k")
    return pg


def no_data(title: str, why: str) -> QWidget:
    box = QWidget()
    lay = QVBoxLayout(box)
    head = QLabel(title)
    head.setStyleSheet("font-weight: bold;")
    lay.addWidget(head)
    text = QLabel(why)
    text.setObjectName("chart_no_data")
    text.setAlignment(Qt.AlignmentFlag.AlignCenter)
    text.setStyleSheet("color: #666; font-size: 14px; border: 1px dashed #bbb; padding: 24px;")
    lay.addWidget(text, 1)
    return box


def _plot(title: str, left: str, bottom: str) -> Any:
    pg = _pg()
    font = QFont(QApplication.font())
    family = font.family()
    widget = pg.PlotWidget()
    widget.setObjectName("chart")
    widget.setMinimumHeight(220)
    item = widget.getPlotItem()
    item.setTitle(title, size="11pt", family=family)
    style = {"font-family": family, "font-size": "10pt"}
    item.setLabel("left", left, **style)
    item.setLabel("bottom", bottom, **style)
    for name in ("left", "bottom"):
        item.getAxis(name).setTickFont(font)
    item.showGrid(x=False, y=True, alpha=0.15)
    item.setMenuEnabled(False)
    item.hideButtons()
    widget.setMouseEnabled(x=False, y=False)
    return widget


def bar_chart(title: str, labels: list[str], values: list[float], *, left: str, bottom: str,
              y_max: float | None = None, highlight: set[int] | None = None,
              texts: list[str] | None = None) -> QWidget:
    """Vertical bars, one per label (village names under them), each with its figure written above it (``texts``,
    default the value); ``highlight`` bars in red."""
    pg = _pg()
    widget = _plot(title, left, bottom)
    item = widget.getPlotItem()
    xs = list(range(len(labels)))
    brushes = [pg.mkBrush(LOW if highlight and i in highlight else BAR) for i in xs]
    item.addItem(pg.BarGraphItem(x=xs, height=values, width=0.6, brushes=brushes))
    font = QFont(QApplication.font())
    for x, value, text in zip(xs, values, texts or [f"{v:g}" for v in values]):
        label = pg.TextItem(text, color="k", anchor=(0.5, 1.0))
        label.setFont(font)
        label.setPos(x, value)
        item.addItem(label)
    item.getAxis("bottom").setTicks([list(zip(xs, labels))])
    item.setXRange(-0.6, len(labels) - 0.4, padding=0)
    top = y_max if y_max is not None else (max(values) * 1.15 if values and max(values) > 0 else 1)
    item.setYRange(0, top * 1.08, padding=0)
    return widget


def line_chart(title: str, labels: list[str], values: list[int], *, left: str, bottom: str,
               every: int = 4) -> QWidget:
    """A count per period as a line with points (whole-number ticks); every ``every``-th label is written under
    the axis, counted back from the latest."""
    pg = _pg()
    widget = _plot(title, left, bottom)
    item = widget.getPlotItem()
    xs = list(range(len(labels)))
    item.plot(xs, [float(v) for v in values], pen=pg.mkPen(LOW, width=2), symbol="o", symbolSize=6,
              symbolBrush=pg.mkBrush(LOW))
    last = len(xs) - 1
    item.getAxis("bottom").setTicks([[(i, labels[i]) for i in xs if (last - i) % every == 0]])
    top = max(values) if values else 1
    step = max(1, math.ceil(top / 5))
    item.getAxis("left").setTickSpacing(step, step)
    item.setYRange(0, max(top * 1.15, 1), padding=0)
    item.setXRange(-0.5, last + 1.2, padding=0)  # room for the latest week's label
    return widget


@dataclass(frozen=True)
class ChartsData:
    rates: list[VillageRate]
    overdue: list[WeekCount]
    ranking: RankingData | None


class ChartsTab(TrackingTab):
    """The three charts, read and drawn when the tab is shown (and again after a tracking write while it is)."""

    def __init__(self, page: Any) -> None:
        super().__init__(page)
        self.data: ChartsData | None = None
        layout = QVBoxLayout(self)
        self.info = QLabel()
        self.info.setWordWrap(True)
        layout.addWidget(self.info)
        self.grid = QGridLayout()
        layout.addLayout(self.grid, 1)
        self.charts: list[QWidget] = []
        self._stale = True

    def fetch(self, session: Any) -> ChartsData | None:
        cycle = cycle_info(session)
        if cycle is None:
            return None
        today = self.today
        return ChartsData(chart_data.closure_rates(session, cycle_id=cycle.id),
                          chart_data.overdue_by_week(session, cycle_id=cycle.id, today=today, weeks=WEEKS,
                                                     village_id=self.ctx.village_id),
                          read_ranking(session, quarter_of(today), today))

    def show_data(self, data: ChartsData | None) -> None:
        self.data = data
        for w in self.charts:
            self.grid.removeWidget(w)
            w.deleteLater()
        self.charts = []
        if data is None:
            self.info.setText(tr("还没有换届届次，没有可画的图表。"))
            return
        self.info.setText(tr("销号率 = 已销号 ÷ 挂号事项（不含撤销、免责）；逾期按每周末统计；排名为本季度"
                             "（已冻结的以冻结版本为准，未冻结的为即时预览）。"))
        self.charts = [self._rates(data.rates), self._overdue(data.overdue), self._ranking(data.ranking)]
        self.grid.addWidget(self.charts[0], 0, 0)
        self.grid.addWidget(self.charts[1], 0, 1)
        self.grid.addWidget(self.charts[2], 1, 0, 1, 2)
        for w in self.charts:
            w.show()

    def _rates(self, rates: list[VillageRate]) -> QWidget:
        title = tr("各村销号率")
        if not rates:
            return no_data(title, tr("暂无数据：还没有挂号的事项。"))
        values = [r.percent for r in rates]
        low = {i for i, v in enumerate(values) if v == min(values)} if len(values) > 1 else set()
        texts = [tr("{p}（{c}/{n}）").format(p=r.percent_text, c=r.closed, n=r.items) for r in rates]
        return bar_chart(title, [r.village for r in rates], values, left=tr("销号率（%）"), bottom=tr("村"),
                         y_max=100, highlight=low, texts=texts)

    def _overdue(self, weeks: list[WeekCount]) -> QWidget:
        title = tr("逾期事项（近 {n} 周）").format(n=len(weeks) or WEEKS)
        if not weeks or not any(w.overdue for w in weeks):
            return no_data(title, tr("暂无数据：近 {n} 周没有逾期事项。").format(n=WEEKS))
        return line_chart(title, [w.period[2:] for w in weeks], [w.overdue for w in weeks],
                          left=tr("逾期事项数"), bottom=tr("周次"))

    def _ranking(self, data: RankingData | None) -> QWidget:
        quarter = data.quarter if data is not None else quarter_of(self.today)
        title = tr("{y}年第{q}季度排名（总分）").format(y=quarter[:4], q=quarter[-1])
        if data is None or not data.rows:
            return no_data(title, tr("暂无数据：本季度还没有可排名的村。"))
        rows = sorted(data.rows, key=lambda r: (r.rank, r.village))
        last = max(r.rank for r in rows)
        return bar_chart(title, [tr("{v}（第{r}）").format(v=r.village, r=r.rank) for r in rows],
                         [float(r.total) for r in rows], left=tr("总分"), bottom=tr("村（名次）"),
                         texts=[str(r.total) for r in rows],
                         highlight={i for i, r in enumerate(rows) if r.rank == last or r.veto})
