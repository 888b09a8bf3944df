"""Dialog: side-by-side differences between the first and the second entry of a tally (double entry)."""
from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QTableView, QVBoxLayout, QWidget

from villagevote.elections.tally import DiffRow
from villagevote.i18n import tr
from villagevote.ui.table_model import Column, RowsModel, sorting_proxy

RIGHT = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter


class DiffDialog(QDialog):
    def __init__(self, rows: list[DiffRow], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(tr("两次录入对比"))
        self.resize(640, 420)
        layout = QVBoxLayout(self)
        if rows:
            text = tr("两次录入有 {n} 处不一致，请对照原始计票单核对后改正其中一次录入。").format(n=len(rows))
        else:
            text = tr("两次录入完全一致。")
        label = QLabel(text)
        label.setWordWrap(True)
        layout.addWidget(label)
        self.view = QTableView()
        self.model = RowsModel.from_rows(
            [Column(tr("职务")), Column(tr("姓名"), kind="name"), Column(tr("项目")),
             Column(tr("第 1 次"), RIGHT, kind="number"), Column(tr("第 2 次"), RIGHT, kind="number")],
            [(r.post, r.name, r.field, "" if r.first is None else r.first, "" if r.second is None else r.second)
             for r in rows], parent=self)
        self.view.setSortingEnabled(True)
        self.view.setModel(sorting_proxy(self.model, self))
        self.view.horizontalHeader().setStretchLastSection(True)
        layout.addWidget(self.view)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)

    @classmethod
    def show_diff(cls, rows: list[DiffRow], parent: QWidget | None = None) -> None:
        cls(rows, parent).exec()
