"""Editors for a pledge's items: term goals (创业承诺) and resignation triggers (辞职承诺).

The dialogs (:class:`~villagevote.ui.dialogs.pledges_actions.WriteDialog`) save ``write(edited list)`` through
``ctx.write``; when it refuses (a UserError) the message is shown and the dialog stays open with the user's input, so
nothing is lost and nothing is half-saved.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from decimal import Decimal, InvalidOperation

from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDateEdit,
    QDialogButtonBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from villagevote.errors import ValidationError
from villagevote.i18n import tr
from villagevote.pledges.templates import ResignationTrigger, TermGoalItem, cn_date, format_weight
from villagevote.ui.context import AppContext
from villagevote.ui.dialogs.common import ok_cancel
from villagevote.ui.dialogs.pledges_actions import Write, WriteDialog

__all__ = ["GoalsDialog", "TriggersDialog"]


def _qdate(day: dt.date) -> QDate:
    return QDate(day.year, day.month, day.day)


def _pydate(q: QDate) -> dt.date:
    return dt.date(q.year(), q.month(), q.day())


class GoalsDialog(WriteDialog):
    """Term-goal editor: 目标项目, 类别, 可量化目标, 完成时限 (not before the election day), 权重."""

    COLUMNS = (tr("目标项目"), tr("类别"), tr("可量化目标"), tr("完成时限"), tr("权重"), tr("删去理由"))

    def __init__(self, ctx: AppContext, title: str, goals: Sequence[TermGoalItem], categories: Sequence[str],
                 election_day: dt.date, write: Write, parent: QWidget | None = None) -> None:
        super().__init__(ctx, write, parent)
        self.setWindowTitle(title)
        self.resize(980, 460)
        self.categories = list(categories)
        self.election_day = election_day
        layout = QVBoxLayout(self)
        hint = QLabel(tr("完成时限不能早于选举日（{d}）；权重合计一般为100，可不填。审诺时被删去的事项显示删去理由，不会打印。")
                      .format(d=cn_date(election_day)))
        hint.setWordWrap(True)
        layout.addWidget(hint)
        self.table = QTableWidget(0, len(self.COLUMNS))
        self.table.setHorizontalHeaderLabels(list(self.COLUMNS))
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        layout.addWidget(self.table)
        row = QHBoxLayout()
        self.add_btn = QPushButton(tr("添加一项"))
        self.remove_btn = QPushButton(tr("移除所选"))
        self.up_btn = QPushButton(tr("上移"))
        self.down_btn = QPushButton(tr("下移"))
        for w in (self.add_btn, self.remove_btn, self.up_btn, self.down_btn):
            row.addWidget(w)
        row.addStretch(1)
        layout.addLayout(row)
        layout.addWidget(ok_cancel(self, self.try_submit, tr("保存"), ok_button=QDialogButtonBox.StandardButton.Save))
        self.add_btn.clicked.connect(lambda: self.add_row())
        self.remove_btn.clicked.connect(self.remove_selected)
        self.up_btn.clicked.connect(lambda: self.move_row(-1))
        self.down_btn.clicked.connect(lambda: self.move_row(1))
        for goal in goals:
            self.add_row(goal)

    def add_row(self, goal: TermGoalItem | None = None) -> None:
        r = self.table.rowCount()
        self.table.insertRow(r)
        self.table.setItem(r, 0, QTableWidgetItem(goal.title if goal else ""))
        combo = QComboBox()
        combo.addItems(self.categories)
        if goal and goal.category in self.categories:
            combo.setCurrentText(goal.category)
        self.table.setCellWidget(r, 1, combo)
        self.table.setItem(r, 2, QTableWidgetItem(goal.target if goal else ""))
        date = QDateEdit()
        date.setCalendarPopup(True)
        date.setDisplayFormat("yyyy-MM-dd")
        default = goal.deadline if goal else self.election_day.replace(year=self.election_day.year + 1)
        date.setDate(_qdate(default))
        self.table.setCellWidget(r, 3, date)
        weight = "" if goal is None or goal.weight is None else format_weight(goal.weight)
        self.table.setItem(r, 4, QTableWidgetItem(weight))
        reason = QTableWidgetItem(goal.strike_reason if goal and goal.struck else "")
        reason.setFlags(reason.flags() & ~Qt.ItemFlag.ItemIsEditable)
        reason.setData(Qt.ItemDataRole.UserRole, bool(goal and goal.struck))
        self.table.setItem(r, 5, reason)

    def remove_selected(self) -> None:
        rows = sorted({i.row() for i in self.table.selectedIndexes()}, reverse=True)
        for r in rows:
            self.table.removeRow(r)

    def move_row(self, step: int) -> None:
        r = self.table.currentRow()
        target = r + step
        if r < 0 or not 0 <= target < self.table.rowCount():
            return
        goals = self.goals(check=False)
        goals[r], goals[target] = goals[target], goals[r]
        self.table.setRowCount(0)
        for goal in goals:
            self.add_row(goal)
        self.table.selectRow(target)

    def _text(self, row: int, column: int) -> str:
        item = self.table.item(row, column)
        return item.text().strip() if item is not None else ""

    def goals(self, check: bool = True) -> list[TermGoalItem]:
        out = []
        for r in range(self.table.rowCount()):
            title = self._text(r, 0)
            combo, date = self.table.cellWidget(r, 1), self.table.cellWidget(r, 3)
            assert isinstance(combo, QComboBox) and isinstance(date, QDateEdit)  # made by add_row
            category = combo.currentText()
            target = self._text(r, 2)
            deadline = _pydate(date.date())
            weight_text = self._text(r, 4)
            weight = None
            if weight_text:
                try:
                    weight = Decimal(weight_text)
                except InvalidOperation:
                    if check:
                        raise ValidationError(tr("第{n}项目标“{t}”：权重“{w}”不是数字").format(
                            n=r + 1, t=title, w=weight_text)) from None
            reason_item = self.table.item(r, 5)
            struck = bool(reason_item.data(Qt.ItemDataRole.UserRole)) if reason_item else False
            out.append(TermGoalItem(title, category, target, deadline, weight, struck,
                                    reason_item.text() if struck and reason_item else ""))
        return out

    def value(self) -> list[TermGoalItem]:
        return self.goals()

    @classmethod
    def ask(cls, parent: QWidget | None, ctx: AppContext, title: str, goals: Sequence[TermGoalItem],
            categories: Sequence[str], election_day: dt.date, write: Write) -> bool:
        """Open the editor; True when saved."""
        return cls(ctx, title, goals, categories, election_day, write, parent).ask_saved()


class TriggersDialog(WriteDialog):
    """Resignation trigger editor: one condition per row."""

    def __init__(self, ctx: AppContext, title: str, triggers: Sequence[ResignationTrigger], write: Write,
                 parent: QWidget | None = None) -> None:
        super().__init__(ctx, write, parent)
        self.setWindowTitle(title)
        self.resize(760, 380)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel(tr("每行一种辞职情形（如：一年内累计4次以上不参加村级组织重要会议的）")))
        self.table = QTableWidget(0, 1)
        self.table.setHorizontalHeaderLabels([tr("辞职情形")])
        self.table.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        layout.addWidget(self.table)
        row = QHBoxLayout()
        self.add_btn = QPushButton(tr("添加一条"))
        self.remove_btn = QPushButton(tr("移除所选"))
        row.addWidget(self.add_btn)
        row.addWidget(self.remove_btn)
        row.addStretch(1)
        layout.addLayout(row)
        layout.addWidget(ok_cancel(self, self.try_submit, tr("保存"), ok_button=QDialogButtonBox.StandardButton.Save))
        self.add_btn.clicked.connect(lambda: self.add_row(ResignationTrigger("", "")))
        self.remove_btn.clicked.connect(lambda: self.table.removeRow(self.table.currentRow()))
        for trig in triggers:
            self.add_row(trig)

    def add_row(self, trig: ResignationTrigger) -> None:
        r = self.table.rowCount()
        self.table.insertRow(r)
        item = QTableWidgetItem(trig.text)
        item.setData(Qt.ItemDataRole.UserRole, (trig.code, dict(trig.params)))
        self.table.setItem(r, 0, item)

    def triggers(self) -> list[ResignationTrigger]:
        out = []
        for r in range(self.table.rowCount()):
            item = self.table.item(r, 0)
            if item is None:
                continue
            code, params = item.data(Qt.ItemDataRole.UserRole) or ("", {})
            out.append(ResignationTrigger(code, item.text().strip(), params))
        return out

    def value(self) -> list[ResignationTrigger]:
        return self.triggers()

    @classmethod
    def ask(cls, parent: QWidget | None, ctx: AppContext, title: str, triggers: Sequence[ResignationTrigger],
            write: Write) -> bool:
        return cls(ctx, title, triggers, write, parent).ask_saved()
