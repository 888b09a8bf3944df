"""Dialog: record a kinship relation of a person — find the relative by name, pinyin initials or ID fragment."""
from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import QDialog, QFormLayout, QLineEdit, QListWidget, QListWidgetItem, QWidget

from villagevote.candidates.persons import PersonRow
from villagevote.i18n import tr
from villagevote.idcard import mask_id_number
from villagevote.models.enums import RelationKind
from villagevote.ui.dialogs.common import ok_cancel
from villagevote.ui.widgets import combo_enum, enum_combo

__all__ = ["RelationDialog"]


class RelationDialog(QDialog):
    def __init__(self, person_name: str, search: Callable[[str], list[PersonRow]], exclude: int,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(tr("登记{name}的亲属关系").format(name=person_name))
        self.setMinimumWidth(420)
        self.search, self.exclude = search, exclude
        form = QFormLayout(self)
        self.query = QLineEdit()
        self.query.setPlaceholderText(tr("姓名、拼音首字母（如 zs）或身份证号码片段"))
        self.query.textChanged.connect(self._search)
        form.addRow(tr("查找亲属"), self.query)
        self.results = QListWidget()
        form.addRow(self.results)
        self.kind = enum_combo(RelationKind)
        form.addRow(tr("关系"), self.kind)
        form.addRow(ok_cancel(self))

    def _search(self, text: str) -> None:
        self.results.clear()
        if not text.strip():
            return
        for row in self.search(text)[:50]:
            if row.id == self.exclude:
                continue
            item = QListWidgetItem(f"{row.name}　{row.gender}　{row.village}　{mask_id_number(row.id_number)}")
            item.setData(256, row.id)
            self.results.addItem(item)
        if self.results.count():
            self.results.setCurrentRow(0)

    @classmethod
    def ask(cls, parent: QWidget | None, person_name: str, search: Callable[[str], list[PersonRow]],
            exclude: int) -> tuple[int, RelationKind] | None:
        dialog = cls(person_name, search, exclude, parent)
        if dialog.exec() != QDialog.DialogCode.Accepted or dialog.results.currentItem() is None:
            return None
        return int(dialog.results.currentItem().data(256)), combo_enum(dialog.kind, RelationKind)
