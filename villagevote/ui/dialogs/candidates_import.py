"""Dialog: the import preview — what will be written, and every bad row with its row number and reasons.

The user imports everything (only offered when the file is clean), imports only the good rows (offered when there
are errors, after seeing them), or cancels; nothing is written before this choice.
"""
from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QLabel,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from villagevote.candidates.rowcheck import ImportPreview
from villagevote.i18n import tr
from villagevote.idcard import mask_id_number
from villagevote.ui.table_model import Column, RowsModel, sorting_proxy
from villagevote.ui.widgets import button

__all__ = ["ImportPreviewDialog"]

IMPORT_ALL = "all"
IMPORT_GOOD = "good"


class ImportPreviewDialog(QDialog):
    def __init__(self, preview: ImportPreview, file_name: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(tr("导入预览：{name}").format(name=file_name))
        self.resize(860, 520)
        self.choice: str | None = None
        layout = QVBoxLayout(self)
        summary = QLabel(
            tr("共{total}行：{good}行无误，{bad}行有误。").format(
                total=preview.total, good=len(preview.good), bad=len(preview.errors))
            + (tr("有误的行须改正后重新导入，或选择只导入无误的行。") if preview.errors else tr("确认后一次性导入。"))
        )
        summary.setWordWrap(True)
        layout.addWidget(summary)
        tabs = QTabWidget()
        layout.addWidget(tabs, 1)
        if preview.errors:
            errors = RowsModel.from_rows(
                [Column(tr("行号"), kind="number"), Column(tr("姓名"), kind="name"), Column(tr("问题"))],
                [(e.row, e.name, "；".join(e.problems)) for e in preview.errors], parent=self)
            tabs.addTab(self._table(errors, stretch=2), tr("有误的行（{n}）").format(n=len(preview.errors)))
        good = RowsModel.from_rows(
            [Column(tr("行号"), kind="number"), Column(tr("姓名"), kind="name"), Column(tr("身份证号码")), Column(tr("村")),
             Column(tr("参选组织")),
             Column(tr("职务")), Column(tr("推荐方式")), Column(tr("人员"))],
            [(r.row, r.name, mask_id_number(r.id_info.number), r.village_name, r.org_kind.label, r.post,
              r.source.label, tr("已登记，沿用") if r.existing_person_id else tr("新建")) for r in preview.good],
            parent=self)
        tabs.addTab(self._table(good, stretch=1), tr("将导入的行（{n}）").format(n=len(preview.good)))
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(tr("取消"))
        self.import_all = button(tr("全部导入"), lambda: self._choose(IMPORT_ALL))
        self.import_all.setEnabled(preview.clean and bool(preview.good))
        self.import_good = button(tr("只导入无误的{n}行").format(n=len(preview.good)), lambda: self._choose(IMPORT_GOOD))
        self.import_good.setVisible(bool(preview.errors))
        self.import_good.setEnabled(bool(preview.good))
        buttons.addButton(self.import_all, QDialogButtonBox.ButtonRole.AcceptRole)
        buttons.addButton(self.import_good, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)

    def _table(self, model: RowsModel, stretch: int) -> QTableView:
        view = QTableView()
        view.setModel(sorting_proxy(model, view))
        view.setSortingEnabled(True)
        view.horizontalHeader().setSortIndicator(-1, Qt.SortOrder.AscendingOrder)
        view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        view.verticalHeader().setVisible(False)
        view.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        view.horizontalHeader().setSectionResizeMode(stretch, QHeaderView.ResizeMode.Stretch)
        return view

    def _choose(self, choice: str) -> None:
        self.choice = choice
        self.accept()

    @classmethod
    def ask(cls, parent: QWidget | None, preview: ImportPreview, file_name: str) -> str | None:
        """'all', 'good' or None (cancelled)."""
        dialog = cls(preview, file_name, parent)
        return dialog.choice if dialog.exec() == QDialog.DialogCode.Accepted else None
