"""A search box over one village's register for choosing a voter (by name, pinyin initials or ID fragment), and the
village / 村民小组 choices the voter dialogs share; all read on the database worker."""
from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import QAbstractItemView, QComboBox, QDateEdit, QLineEdit, QTableView, QVBoxLayout, QWidget

from villagevote.auth import Permission
from villagevote.i18n import tr
from villagevote.ui.context import AppContext
from villagevote.ui.table_model import Column, RowsModel, sorting_proxy
from villagevote.voters.queries import Choice, group_choices, picker_rows, village_choices

__all__ = ["VoterPicker", "day_of", "fill_combo", "fill_groups", "fill_villages"]

COLUMNS = [Column(tr("姓名"), kind="name"), Column(tr("村民小组")), Column(tr("性别")), Column(tr("出生日期")),
           Column(tr("身份证号")), Column(tr("状态"))]


def day_of(edit: QDateEdit) -> dt.date:
    """The day shown in a date field, as a ``datetime.date``."""
    day = edit.date().toPython()
    assert isinstance(day, dt.date)
    return day


def fill_combo(combo: QComboBox, first: str | None, choices: list[Choice], wanted: int | None) -> None:
    """Refill ``combo`` (``first``: a top item with no choice, data None) keeping ``wanted`` selected when listed,
    else the top item; emits no signals."""
    combo.blockSignals(True)
    combo.clear()
    if first is not None:
        combo.addItem(first, None)
    for key, name in choices:
        combo.addItem(name, key)
    combo.setCurrentIndex(max(combo.findData(wanted), 0))
    combo.blockSignals(False)


def fill_villages(ctx: AppContext, combo: QComboBox, village_id: int | None, first: str | None = None,
                  then: Callable[[], None] | None = None) -> None:
    """Fill ``combo`` with the township's villages (item data: id), ``village_id`` selected when listed, else the top
    item; ``first`` adds a top item with no village (data None). ``then()`` runs once it is filled."""
    def done(choices: list[Choice]) -> None:
        fill_combo(combo, first, choices, village_id)
        if then is not None:
            then()
    ctx.query(village_choices, done, parent=combo.window())


def fill_groups(ctx: AppContext, combo: QComboBox, village_id: int | None, first: str) -> None:
    """Fill ``combo`` with a village's 村民小组 after ``first`` (data None)."""
    ctx.query(lambda s: group_choices(s, village_id), lambda choices: fill_combo(combo, first, choices, None),
              parent=combo.window())


class VoterPicker(QWidget):
    picked = Signal(object)  # voter id or None

    def __init__(self, ctx: AppContext, village_id: int | None, parent: QWidget | None = None) -> None:
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
        self.proxy = sorting_proxy(self.model, self)
        self.view.setModel(self.proxy)
        self.view.horizontalHeader().setSortIndicator(-1, Qt.SortOrder.AscendingOrder)  # as read until clicked
        self.view.setSortingEnabled(True)
        self.view.selectionModel().selectionChanged.connect(lambda *_: self.picked.emit(self.current()))
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(250)
        self._timer.timeout.connect(self.reload)
        self.search.textChanged.connect(lambda _t: self._timer.start())
        self.reload()

    def setStyleSheet(self, styleSheet: str) -> None:
        """A dialog marks an invalid field by its border (FieldErrors): here the search box's, not every cell's."""
        self.search.setStyleSheet(styleSheet)

    def set_village(self, village_id: int | None) -> None:
        self.village_id = village_id
        self.reload()

    def reload(self) -> None:
        self._timer.stop()  # the search typed so far is read now
        village_id, query, full = self.village_id, self.search.text(), self.ctx.can(Permission.VIEW_SENSITIVE)
        self.ctx.query(lambda s: picker_rows(s, village_id, query, full), self._show, parent=self.window())

    def _show(self, rows: list[tuple]) -> None:
        chosen = self.current()
        self.model = RowsModel.from_rows(COLUMNS, rows)
        self.proxy.setSourceModel(self.model)
        # the voter chosen stays chosen when the new list still holds them
        found = next((i for i, row in enumerate(rows) if chosen is not None and row[-1] == chosen), None)
        if found is not None:
            self.view.selectRow(self.proxy.mapFromSource(self.model.index(found, 0)).row())
        if self.current() != chosen:
            self.picked.emit(self.current())

    def current(self) -> int | None:
        rows = self.view.selectionModel().selectedRows()
        if not rows:
            return None
        return self.model.row_at(self.proxy.mapToSource(rows[0]).row())[-1]
