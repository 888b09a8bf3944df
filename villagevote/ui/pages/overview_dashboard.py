"""The 概览 dashboard (issue 19 item 6): the township's structure indicators and a quarter's tracking figures, per
village and in total, as a table and as charts, with the compliance warnings — the same figures and charts as the
printed 换届统计 (``stats-report``), read through :func:`villagevote.statistics.dashboard.dashboard`.

The 概览 page is the first page the main window builds, so this module imports little: the statistics code when the
figures are first read (on the database worker), pyqtgraph when the first chart is drawn (:mod:`villagevote.ui.charts`), the print
registry when 打印 is pressed.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QScrollArea,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from villagevote.changes import Area
from villagevote.errors import UserError
from villagevote.i18n import tr
from villagevote.township import cycle_info
from villagevote.ui.charts import bar_chart, no_data
from villagevote.ui.pages.base import Page
from villagevote.ui.table_model import Column, RowsModel
from villagevote.ui.widgets import button

if TYPE_CHECKING:
    from villagevote.statistics.dashboard import ChartSpec, Dashboard

__all__ = ["DashboardPanel", "chart_widget"]

TOTAL_BG = QColor("#eeeeee")
CHARTS_SIDE_BY_SIDE = 8  # villages


def chart_widget(spec: ChartSpec) -> QWidget:
    """One chart of the dashboard: a bar per village with its figure above it, the township's figure in the title,
    a dashed reference line for the one-third rules with the bars under it in red. A chart with no basis says so."""
    title = tr("{title}：全乡镇 {total}").format(title=spec.title, total=spec.total)
    if spec.empty:
        return no_data(title, tr("暂无数据：还没有可计算的基数。"))
    low = {i for i, v in enumerate(spec.values) if spec.line is not None and v is not None and v < spec.line}
    return bar_chart(title, list(spec.labels), [float(v) if v is not None else 0.0 for v in spec.values],
                     left=spec.unit, y_max=float(spec.top) if spec.top is not None else None, highlight=low,
                     texts=list(spec.texts), line=float(spec.line) if spec.line is not None else None, height=260)


def _table(model: RowsModel) -> QTableView:
    view = QTableView()
    view.setModel(model)
    view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    view.setAlternatingRowColors(True)
    view.verticalHeader().hide()
    view.verticalHeader().setDefaultSectionSize(24)
    view.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    return view


def _set_rows(model: RowsModel, rows: list[Any]) -> None:
    model.set_source(lambda o, n: rows[o:o + n], lambda: len(rows))


class DashboardPanel(Page):
    """Table, charts and warnings; reloads when the data they rest on is written or another village is chosen."""

    AREAS = frozenset({Area.TOWNSHIP, Area.ELECTIONS, Area.CANDIDATES, Area.TRACKING, Area.STATISTICS,
                       Area.EVALUATION})

    def __init__(self, ctx: Any, parent: QWidget | None = None, *,
                 clock: Callable[[], dt.date] = dt.date.today) -> None:
        super().__init__(ctx, parent)
        self.clock = clock
        self.data: Dashboard | None = None
        self.charts: list[QWidget] = []
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        box = QGroupBox(tr("换届统计与践诺情况"))
        outer.addWidget(box)
        layout = QVBoxLayout(box)
        bar = QHBoxLayout()
        bar.addWidget(QLabel(tr("践诺统计期")))
        self.period = QComboBox()
        self.period.setObjectName("dashboard_period")
        self.period.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.period.currentIndexChanged.connect(lambda _i: self.reload())
        bar.addWidget(self.period)
        self.info = QLabel(tr("正在读取统计数据…"))
        self.info.setWordWrap(True)
        bar.addWidget(self.info, 1)
        bar.addWidget(button(tr("打印换届统计…"), self.print_report))
        layout.addLayout(bar)
        self.warnings = QLabel()
        self.warnings.setObjectName("dashboard_warnings")
        self.warnings.setWordWrap(True)
        self.warnings.setStyleSheet("color: #B00020;")
        self.warnings.hide()
        layout.addWidget(self.warnings)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        inner = QWidget()
        inner_layout = QVBoxLayout(inner)
        self.model = RowsModel.from_rows([Column(tr("村"))], [],
                                         row_brush=lambda r: TOTAL_BG if r[0] == tr("合计") else None)
        self.view = _table(self.model)
        self.view.setObjectName("dashboard_table")
        self.view.setMinimumHeight(150)
        inner_layout.addWidget(self.view)
        self.grid = QGridLayout()
        inner_layout.addLayout(self.grid)
        self.notes = QLabel()
        self.notes.setWordWrap(True)
        self.notes.setStyleSheet("color: #555;")
        inner_layout.addWidget(self.notes)
        scroll.setWidget(inner)
        layout.addWidget(scroll, 1)
        # first read after the event that built the 概览 page has returned: the main window asks for the village tree
        # in that same event, and the tree must not wait behind these figures on the one database worker
        QTimer.singleShot(0, self, self.reload)

    def chosen(self) -> str:
        day = self.clock()
        return self.period.currentData() or f"{day.year}-Q{(day.month - 1) // 3 + 1}"

    def fetch(self, session: Any) -> tuple[Any, Dashboard | None, str]:
        from villagevote.statistics.dashboard import dashboard  # on the worker, after the first paint
        cycle = cycle_info(session)
        if cycle is None:
            return None, None, ""
        try:
            return cycle, dashboard(session, self.chosen(), village_id=self.ctx.village_id, today=self.clock()), ""
        except UserError as exc:  # e.g. no cycle: say so in place of the figures
            return cycle, None, exc.message

    def show_data(self, data: tuple[Any, Dashboard | None, str]) -> None:
        cycle, board, why = data
        self.data = board
        for w in self.charts:
            self.grid.removeWidget(w)
            w.deleteLater()
        self.charts = []
        if cycle is None or board is None:
            self.info.setText(why or tr("还没有换届届次，没有可统计的数据。"))
            _set_rows(self.model, [])
            return
        from villagevote.statistics.dashboard import term_quarters
        chosen = self.chosen()
        self.period.blockSignals(True)
        self.period.clear()
        for q in term_quarters(cycle.election_day, self.clock()):
            self.period.addItem(tr("{y}年第{q}季度").format(y=q[:4], q=q[-1]), q)
        self.period.setCurrentIndex(max(self.period.findData(chosen), 0))
        self.period.blockSignals(False)
        self.info.setText(tr("统计时点 {d}；{note}").format(d=board.stat_date, note=board.period_note))
        # grouped by rule (20 villages' warnings one by one fill the page); the figures are on the 统计上报 page
        by_rule: dict[str, list[str]] = {}
        for r in board.compliance:
            by_rule.setdefault(r.text, []).append(r.village)
        warnings = [tr("{text}——{villages}").format(text=text, villages="、".join(dict.fromkeys(names)))
                    for text, names in by_rule.items()]
        warnings += [tr("数据矛盾：{p}").format(p=p) for p in board.problems]
        self.warnings.setText(tr("合规提示（详见 统计上报 → 合规提示）：") + "；".join(warnings) if warnings else "")
        self.warnings.setVisible(bool(warnings))
        right = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
        _set_rows(self.model, [])
        self.model.beginResetModel()
        self.model.columns = [Column(board.headers[0])] + [Column(h, right, kind="number")
                                                           for h in board.headers[1:]]
        self.model.endResetModel()
        _set_rows(self.model, list(board.rows))
        self.view.setFixedHeight(min(60 + 26 * len(board.rows), 420))
        # three charts a row; one a row across the page for many villages (their names need the width)
        per_row = 3 if len(board.rows) - 1 <= CHARTS_SIDE_BY_SIDE else 1
        for i, spec in enumerate(board.charts):
            widget = chart_widget(spec)
            self.charts.append(widget)
            self.grid.addWidget(widget, i // per_row, i % per_row)
        self.notes.setText("；".join(board.notes))

    def print_report(self) -> None:
        from villagevote.reports.registry import Options
        from villagevote.ui.printing import produce  # the print registry: when 打印 is pressed
        village = self.data.village if self.data is not None else None
        produce(self, self.ctx, "print", "stats-report", Options(village=village, extra={"period": self.chosen()}))
