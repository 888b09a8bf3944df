"""概览 page: the statutory calendar per village — what is due, what is done, what is late."""
from __future__ import annotations

import datetime as dt

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from villagevote.auth import Permission
from villagevote.changes import Area
from villagevote.i18n import tr
from villagevote.ui.context import AppContext
from villagevote.ui.dialogs.common import Ask, ask_date
from villagevote.ui.pages.base import Page
from villagevote.ui.table_model import Column, RowsModel, sorting_proxy
from villagevote.ui.widgets import button
from villagevote.voters.calendar import DeadlineStatus
from villagevote.voters.queries import CalendarView, calendar_view
from villagevote.voters.schedule import MARKABLE, CalendarRow, record_step_done

__all__ = ["CalendarPanel"]

CENTER = Qt.AlignmentFlag.AlignCenter
COLUMNS = [Column(tr("村")), Column(tr("事项")), Column(tr("法定日期"), CENTER), Column(tr("依据")),
           Column(tr("完成日期"), CENTER), Column(tr("状态"), CENTER), Column(tr("说明"))]
COLORS = {DeadlineStatus.LATE: QColor("#F8D7DA"), DeadlineStatus.DUE_SOON: QColor("#FFF4CE"),
          DeadlineStatus.DONE: QColor("#E2F0D9"), DeadlineStatus.DONE_LATE: QColor("#FCE4D6")}
_STATUS, _VILLAGE_ID, _CODE = 7, 8, 9  # hidden cells of a row after the shown ones


class CalendarPanel(Page):
    """Every village's statutory dates (or the chosen village's), coloured by status."""

    AREAS = frozenset({Area.VOTERS, Area.TOWNSHIP, Area.CANDIDATES, Area.ELECTIONS})

    def __init__(self, ctx: AppContext, parent: QWidget | None = None, today: dt.date | None = None) -> None:
        super().__init__(ctx, parent)
        self.today = today
        self.cycle_id: int | None = None
        self._rows: list[CalendarRow] = []
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        box = QGroupBox(tr("换届法定日程"))
        outer.addWidget(box)
        layout = QVBoxLayout(box)
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        layout.addWidget(self.summary)
        self.open_only = QCheckBox(tr("只看未完成的事项"))
        self.open_only.setChecked(True)
        self.open_only.toggled.connect(lambda _c: self._show_rows())
        top = QHBoxLayout()
        top.addWidget(self.open_only)
        top.addStretch(1)
        self.mark = button(tr("登记所选事项完成日期…"), self.mark_done)
        self.mark.setEnabled(ctx.can(Permission.EDIT))
        top.addWidget(self.mark)
        layout.addLayout(top)
        self.view = QTableView()
        self.view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.view.horizontalHeader().setStretchLastSection(True)
        self.view.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        self.view.verticalHeader().setDefaultSectionSize(22)
        self.view.setMinimumHeight(260)
        self.model = RowsModel.from_rows(COLUMNS, [])
        self.proxy = sorting_proxy(self.model, self)
        self.view.setModel(self.proxy)
        self.view.horizontalHeader().setSortIndicator(-1, Qt.SortOrder.AscendingOrder)  # late and due first, as read
        self.view.setSortingEnabled(True)
        layout.addWidget(self.view, 1)
        for col, width in enumerate((90, 170, 90, 120, 90, 90)):
            self.view.setColumnWidth(col, width)
        self.reload()

    def _today(self) -> dt.date:
        return self.today or dt.date.today()

    def fetch(self, session) -> CalendarView:
        return calendar_view(session, self.ctx.village_id, self._today())

    def show_data(self, data: CalendarView) -> None:
        self.cycle_id, self._rows = data.cycle_id, data.rows
        self._show_rows()

    def refresh(self) -> None:
        """Read the calendar again (kept for callers of the former name)."""
        self.reload()

    def _show_rows(self) -> None:
        if self.cycle_id is None:
            self.summary.setText(tr("尚未设置换届届次，设置后这里显示各村的法定时间节点。"))
            self._set_model([])
            return
        rows = self._rows
        late = [r for r in rows if r.status == DeadlineStatus.LATE]
        soon = [r for r in rows if r.status == DeadlineStatus.DUE_SOON]
        shown = [r for r in rows if not self.open_only.isChecked()
                 or r.status not in (DeadlineStatus.DONE, DeadlineStatus.DONE_LATE)]
        shown.sort(key=lambda r: (r.status != DeadlineStatus.LATE, r.status != DeadlineStatus.DUE_SOON, r.due))
        self._set_model([(r.village, r.label, r.due, r.basis, r.done_on, r.status.label, r.detail, r.status,
                          r.village_id, r.code) for r in shown])
        self.summary.setText(tr("今天 {today}：已逾期 {late} 项（红色），3 天内到期 {soon} 项（黄色）。").format(
            today=self._today().isoformat(), late=len(late), soon=len(soon)))

    def _set_model(self, rows: list[tuple]) -> None:
        self.model = RowsModel.from_rows(COLUMNS, rows, row_brush=lambda row: COLORS.get(row[_STATUS]))
        self.proxy.setSourceModel(self.model)

    def mark_done(self) -> None:
        selected = self.view.selectionModel().selectedRows()
        if not selected:
            Ask.info(self, tr("请选择事项"), tr("请先选中一个事项。"))
            return
        row = self.model.row_at(self.proxy.mapToSource(selected[0]).row())
        if row[_CODE] not in MARKABLE:
            Ask.info(self, tr("无需登记"), tr("异议期和异议答复的完成情况由异议记录自动判断。"))
            return
        cycle_id = self.cycle_id
        if cycle_id is None:
            return
        on = ask_date(self, tr("登记完成日期"), tr("{v}「{item}」完成日期（YYYY-MM-DD）：").format(v=row[0], item=row[1]))
        if on is None:
            return
        actor, village_id, code = self.ctx.actor, row[_VILLAGE_ID], row[_CODE]

        def done(warnings: list[str]) -> None:
            if warnings:
                Ask.info(self, tr("已登记"), "\n".join(warnings))

        self.ctx.write(lambda s: record_step_done(s, actor, cycle_id, village_id, code, on), Area.VOTERS,
                       on_done=done, parent=self)
