"""Charts a township leader reads at a glance: 销号率 per village (bars), overdue items week by week (a line) and this
quarter's ranking (bars), drawn with the shared :mod:`villagevote.ui.charts` (pyqtgraph, imported when the first
chart is drawn)."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from PySide6.QtWidgets import QGridLayout, QLabel, QVBoxLayout, QWidget

from villagevote.i18n import tr
from villagevote.township import cycle_info
from villagevote.tracking import chart_data
from villagevote.tracking.chart_data import VillageRate, WeekCount
from villagevote.ui.charts import bar_chart, line_chart, no_data
from villagevote.ui.pages.tracking.common import TrackingTab, quarter_of
from villagevote.ui.pages.tracking.ranking_tab import RankingData, read_ranking

__all__ = ["ChartsData", "ChartsTab"]

WEEKS = 26


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
