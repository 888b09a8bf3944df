"""Dialog: record a kinship relation of a person — find the relative by name, pinyin initials or ID fragment.

The search runs on the database worker 250 ms after the last keystroke (never a query per keystroke on the GUI
thread); an answer to an older text is dropped."""
from __future__ import annotations

from typing import Any

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QDialog, QFormLayout, QLineEdit, QListWidget, QListWidgetItem, QWidget

from villagevote.candidates.persons import PersonRow, find_persons
from villagevote.i18n import tr
from villagevote.idcard import mask_id_number
from villagevote.models.enums import RelationKind
from villagevote.ui.dialogs.candidates_finding import chosen
from villagevote.ui.dialogs.common import ok_cancel
from villagevote.ui.widgets import enum_combo

__all__ = ["RelationDialog"]


class RelationDialog(QDialog):
    DEBOUNCE_MS = 250

    def __init__(self, ctx: Any, person_name: str, exclude: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(tr("登记{name}的亲属关系").format(name=person_name))
        self.setMinimumWidth(420)
        self.ctx, self.exclude = ctx, exclude
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(self.DEBOUNCE_MS)
        self._timer.timeout.connect(self._search)
        form = QFormLayout(self)
        self.query = QLineEdit()
        self.query.setPlaceholderText(tr("姓名、拼音首字母（如 zs）或身份证号码片段"))
        self.query.textChanged.connect(lambda _t: self._timer.start())
        form.addRow(tr("查找亲属"), self.query)
        self.results = QListWidget()
        form.addRow(self.results)
        self.kind = enum_combo(RelationKind)
        form.addRow(tr("关系"), self.kind)
        form.addRow(ok_cancel(self))

    def _search(self) -> None:
        text = self.query.text().strip()
        if not text:
            self.results.clear()
            return
        self.ctx.query(lambda s: find_persons(s, text, limit=51), lambda rows: self._show(text, rows), parent=self)

    def _show(self, text: str, rows: list[PersonRow]) -> None:
        if text != self.query.text().strip():
            return  # the user typed on meanwhile: a newer search is on its way
        self.results.clear()
        for row in rows[:50]:
            if row.id == self.exclude:
                continue
            item = QListWidgetItem(f"{row.name}　{row.gender}　{row.village}　{mask_id_number(row.id_number)}")
            item.setData(256, row.id)
            self.results.addItem(item)
        if self.results.count():
            self.results.setCurrentRow(0)

    @classmethod
    def ask(cls, parent: QWidget | None, ctx: Any, person_name: str, exclude: int) -> tuple[int, RelationKind] | None:
        dialog = cls(ctx, person_name, exclude, parent)
        if dialog.exec() != QDialog.DialogCode.Accepted or dialog.results.currentItem() is None:
            return None
        return int(dialog.results.currentItem().data(256)), chosen(dialog.kind, RelationKind)
