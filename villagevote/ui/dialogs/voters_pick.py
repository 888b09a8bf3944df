"""A search box over one village's register for choosing a voter (by name, pinyin initials or ID fragment)."""
from __future__ import annotations

from PySide6.QtCore import QTimer, Signal
from PySide6.QtWidgets import QAbstractItemView, QLineEdit, QTableView, QVBoxLayout, QWidget

from villagevote.auth import Permission
from villagevote.i18n import tr
from villagevote.ui.table_model import Column, RowsModel
from villagevote.voters import register as reg

COLUMNS = [Column(tr("姓名"), kind="name"), Column(tr("村民小组")), Column(tr("性别")), Column(tr("出生日期")), Column(tr("身份证号")),
           Column(tr("状态"))]


class VoterPicker(QWidget):
    picked = Signal(object)  # voter id or None

    def __init__(self, ctx, village_id: int | None, parent: QWidget | None = None) -> None:  # type: ignore[no-untyped-def]
        super().__init__(parent)
        self.ctx = ctx
        self.village_id = village_id
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.search = QLineEdit()
        self.search.setPlaceholderText(tr("输入姓名、拼音首字母或身份证号片段"))
        layout.addWidget(self.search)
        self.view = QTableView()
        self.view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.view.setMinimumHeight(160)
        layout.addWidget(self.view)
        self.model = RowsModel.from_rows(COLUMNS, [])
        self.view.setModel(self.model)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(200)
        self._timer.timeout.connect(self.reload)
        self.search.textChanged.connect(lambda _t: self._timer.start())
        self.reload()

    def set_village(self, village_id: int | None) -> None:
        self.village_id = village_id
        self.reload()

    def reload(self) -> None:
        cycle_id = self.ctx.cycle_id()
        rows = []
        if cycle_id is not None and self.village_id is not None:
            f = reg.RegisterFilter(cycle_id, village_id=self.village_id, status="active", query=self.search.text())
            with self.ctx.session() as s:
                rows = reg.fetch_voters(s, f, 0, 50, full_ids=self.ctx.can(Permission.VIEW_SENSITIVE))
        data = [(r[3], r[2], r[4], r[5], r[7], tr("有选举权") if r[10] else r[11], r[0]) for r in rows]
        self.model = RowsModel.from_rows(COLUMNS, data)
        self.view.setModel(self.model)
        self.view.selectionModel().selectionChanged.connect(lambda *_: self.picked.emit(self.current()))

    def current(self) -> int | None:
        rows = self.view.selectionModel().selectedRows()
        return self.model.row_at(rows[0].row())[-1] if rows else None
