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
from villagevote.i18n import tr
from villagevote.ui.dialogs.common import Ask, ask_date, show_error
from villagevote.ui.table_model import Column, RowsModel
from villagevote.ui.widgets import button
from villagevote.voters.calendar import DeadlineStatus

__all__ = ["CalendarPanel"]

CENTER = Qt.AlignmentFlag.AlignCenter
COLUMNS = [Column(tr("村")), Column(tr("事项")), Column(tr("法定日期"), CENTER), Column(tr("依据")),
           Column(tr("完成日期"), CENTER), Column(tr("状态"), CENTER), Column(tr("说明"))]
COLORS = {DeadlineStatus.LATE: QColor("#F8D7DA"), DeadlineStatus.DUE_SOON: QColor("#FFF4CE"),
          DeadlineStatus.DONE: QColor("#E2F0D9"), DeadlineStatus.DONE_LATE: QColor("#FCE4D6")}


class CalendarPanel(QGroupBox):
    """Every village's statutory dates (or the chosen village's), coloured by status."""

    def __init__(self, ctx, parent: QWidget | None = None, today: dt.date | None = None) -> None:  # type: ignore[no-untyped-def]
        super().__init__(tr("换届法定日程"), parent)
        self.ctx = ctx
        self.today = today
        layout = QVBoxLayout(self)
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        layout.addWidget(self.summary)
        self.open_only = QCheckBox(tr("只看未完成的事项"))
        self.open_only.setChecked(True)
        self.open_only.toggled.connect(lambda _c: self.refresh())
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
        self.view.setModel(self.model)
        layout.addWidget(self.view, 1)
        ctx.village_changed.connect(lambda _v: self.refresh())
        ctx.data_changed.connect(lambda _a: self.refresh())
        ctx.database_replaced.connect(self.refresh)
        self.refresh()

    def refresh(self) -> None:
        from villagevote.voters.schedule import township_calendar, village_calendar
        today = self.today or dt.date.today()
        cycle_id = self.ctx.cycle_id()
        if cycle_id is None:
            self.summary.setText(tr("尚未设置换届届次，设置后这里显示各村的法定时间节点。"))
            self.model = RowsModel.from_rows(COLUMNS, [])
            self.view.setModel(self.model)
            return
        with self.ctx.read_session() as s:
            if self.ctx.village_id is not None:
                rows = village_calendar(s, cycle_id, self.ctx.village_id, today)
            else:
                rows = township_calendar(s, cycle_id, today)
        late = [r for r in rows if r.status == DeadlineStatus.LATE]
        soon = [r for r in rows if r.status == DeadlineStatus.DUE_SOON]
        shown = [r for r in rows if not self.open_only.isChecked()
                 or r.status not in (DeadlineStatus.DONE, DeadlineStatus.DONE_LATE)]
        shown.sort(key=lambda r: (r.status != DeadlineStatus.LATE, r.status != DeadlineStatus.DUE_SOON, r.due))
        data = [(r.village, r.label, r.due.isoformat(), r.basis, r.done_on.isoformat() if r.done_on else "",
                 r.status.label, r.detail, r.status, r.village_id, r.code) for r in shown]
        self.model = RowsModel.from_rows(COLUMNS, data, row_brush=lambda row: COLORS.get(row[7]))
        self.view.setModel(self.model)
        for col, width in enumerate((90, 170, 90, 120, 90, 90)):
            self.view.setColumnWidth(col, width)
        self.summary.setText(tr("今天 {today}：已逾期 {late} 项（红色），3 天内到期 {soon} 项（黄色）。").format(
            today=today.isoformat(), late=len(late), soon=len(soon)))

    def mark_done(self) -> None:
        from villagevote.voters.register import set_milestone
        from villagevote.voters.schedule import MARKABLE
        rows = self.view.selectionModel().selectedRows()
        if not rows:
            Ask.info(self, tr("请选择事项"), tr("请先选中一个事项。"))
            return
        row = self.model.row_at(rows[0].row())
        if row[9] not in MARKABLE:
            Ask.info(self, tr("无需登记"), tr("异议期和异议答复的完成情况由异议记录自动判断。"))
            return
        on = ask_date(self, tr("登记完成日期"), tr("{v}「{item}」完成日期（YYYY-MM-DD）：").format(v=row[0], item=row[1]))
        if on is None:
            return
        try:
            with self.ctx.session() as s:
                if row[9] == "voter_list":
                    from villagevote.voters.register import publish_voter_list
                    publish_voter_list(s, self.ctx.actor, self.ctx.cycle_id(), row[8], on)
                else:
                    set_milestone(s, self.ctx.actor, self.ctx.cycle_id(), row[8], row[9], on)
        except Exception as exc:
            show_error(self, exc)
            return
        self.ctx.data_changed.emit("voters")
