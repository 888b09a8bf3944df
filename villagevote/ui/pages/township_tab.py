"""系统 → 乡镇与村: villages (add, edit) and the current cycle's election day."""
from __future__ import annotations

from PySide6.QtWidgets import (
    QAbstractItemView,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from villagevote import township as tw
from villagevote.auth import Permission
from villagevote.i18n import tr
from villagevote.ui.dialogs.common import show_error
from villagevote.ui.table_model import Column, RowsModel
from villagevote.ui.widgets import button


class VillageDialog(QDialog):
    def __init__(self, parent: QWidget | None, row: tw.VillageRow | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(tr("编辑村") if row else tr("添加村"))
        form = QFormLayout(self)
        self.name = QLineEdit(row.name if row else "")
        self.code = QLineEdit(row.code if row else "")
        self.households, self.population, self.groups = QSpinBox(), QSpinBox(), QSpinBox()
        for box, value, top in ((self.households, row.households if row else 0, 100000),
                                (self.population, row.population if row else 0, 1000000),
                                (self.groups, row.groups if row else 0, 99)):
            box.setRange(0, top)
            box.setValue(value)
        form.addRow(tr("村名"), self.name)
        form.addRow(tr("编码"), self.code)
        form.addRow(tr("户数"), self.households)
        form.addRow(tr("人口"), self.population)
        form.addRow(tr("村民小组数"), self.groups)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)


class TownshipTab(QWidget):
    def __init__(self, ctx, on_changed=None) -> None:  # type: ignore[no-untyped-def]
        super().__init__()
        self.ctx = ctx
        self.on_changed = on_changed
        layout = QVBoxLayout(self)
        cycle_row = QHBoxLayout()
        self.cycle_label = QLabel()
        self.day = QDateEdit()
        self.day.setCalendarPopup(True)
        self.day.setDisplayFormat("yyyy-MM-dd")
        save_day = button(tr("保存选举日"), self.save_day)
        save_day.setEnabled(ctx.can(Permission.ADMIN))
        for w in (self.cycle_label, QLabel(tr("选举日：")), self.day, save_day):
            cycle_row.addWidget(w)
        cycle_row.addStretch(1)
        layout.addLayout(cycle_row)
        self.model = RowsModel([Column(tr("编码")), Column(tr("村名")), Column(tr("户数")), Column(tr("人口")),
                                Column(tr("村民小组"))])
        self.view = QTableView()
        self.view.setModel(self.model)
        self.view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.view.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.view.doubleClicked.connect(lambda _i: self.edit_village())
        layout.addWidget(self.view)
        row = QHBoxLayout()
        add, edit = QPushButton(tr("添加村")), QPushButton(tr("编辑所选村"))
        add.clicked.connect(self.add_village)
        edit.clicked.connect(self.edit_village)
        for b in (add, edit):
            b.setEnabled(ctx.can(Permission.EDIT))
            row.addWidget(b)
        row.addStretch(1)
        layout.addLayout(row)
        self.refresh()

    def refresh(self) -> None:
        with self.ctx.session() as s:
            self.rows = tw.list_villages(s)
            cycle = tw.current_cycle(s)
            self.cycle_id = cycle.id if cycle else None
            if cycle:
                self.cycle_label.setText(tr("当前届次：{name}").format(name=cycle.name))
                self.day.setDate(cycle.election_day)
        data = [(r.code, r.name, r.households, r.population, r.groups) for r in self.rows]
        self.model.set_source(lambda o, n: data[o:o + n], lambda: len(data))

    def _changed(self) -> None:
        self.refresh()
        if self.on_changed:
            self.on_changed()

    def save_day(self) -> None:
        if self.cycle_id is None:
            return
        try:
            with self.ctx.session() as s:
                tw.update_cycle(s, self.ctx.actor, self.cycle_id, election_day=self.day.date().toPython())
        except Exception as exc:
            show_error(self, exc)
        self._changed()

    def add_village(self) -> None:
        dialog = VillageDialog(self)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return
        try:
            with self.ctx.session() as s:
                township = tw.get_township(s)
                tw.add_village(s, self.ctx.actor, township.id, dialog.name.text(), code=dialog.code.text(),
                               households=dialog.households.value(), population=dialog.population.value(),
                               groups=dialog.groups.value())
        except Exception as exc:
            show_error(self, exc)
        self._changed()

    def edit_village(self) -> None:
        idx = self.view.currentIndex()
        if not idx.isValid():
            return
        row = self.rows[idx.row()]
        dialog = VillageDialog(self, row)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return
        try:
            with self.ctx.session() as s:
                tw.update_village(s, self.ctx.actor, row.id, name=dialog.name.text(), code=dialog.code.text(),
                                  households=dialog.households.value(), population=dialog.population.value(),
                                  groups=dialog.groups.value())
        except Exception as exc:
            show_error(self, exc)
        self._changed()
