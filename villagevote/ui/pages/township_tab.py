"""系统 → 乡镇与村: villages (add, edit) and the current cycle's election day."""
from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDateEdit,
    QDialog,
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
from villagevote.changes import Area
from villagevote.i18n import tr
from villagevote.ui.dialogs.common import FieldErrors, ok_cancel, show_error
from villagevote.ui.pages.base import Page
from villagevote.ui.table_model import ID_ROLE, Column, RowsModel, sorting_proxy
from villagevote.ui.widgets import button

_RIGHT = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter


class VillageDialog(QDialog):
    """Add or edit a village. OK saves through ``ctx.write``; a refusal (empty or duplicate name, fewer groups) is
    shown under its field and the dialog stays open with everything typed."""

    def __init__(self, ctx, parent: QWidget | None, row: tw.VillageRow | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.row = row
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
        self.errors = FieldErrors(form)
        self.errors.add("name", self.name)
        self.errors.add("groups", self.groups)
        form.addRow(ok_cancel(self, self.save))

    def writer(self) -> Callable:
        """The domain write for what is typed now."""
        actor, row = self.ctx.actor, self.row
        name, code = self.name.text(), self.code.text()
        households, population, groups = self.households.value(), self.population.value(), self.groups.value()
        if row is None:
            return lambda s: tw.add_village(s, actor, None, name, code=code, households=households,
                                            population=population, groups=groups)
        return lambda s: tw.update_village(s, actor, row.id, name=name, code=code, households=households,
                                           population=population, groups=groups)

    def save(self) -> None:
        self.errors.clear()
        if not self.name.text().strip():
            self.errors.show(tr("村名不能为空。"), "name")
            return
        self.ctx.write(self.writer(), Area.TOWNSHIP, on_done=lambda _r: self.accept(),
                       on_error=self.errors.show_error, parent=self)


class TownshipTab(Page):
    AREAS = frozenset({Area.TOWNSHIP})

    def __init__(self, ctx, on_changed=None) -> None:
        super().__init__(ctx)
        self.on_changed = on_changed
        self.rows: list[tw.VillageRow] = []
        self.cycle_id: int | None = None
        layout = QVBoxLayout(self)
        cycle_row = QHBoxLayout()
        self.cycle_label = QLabel()
        self.day = QDateEdit()
        self.day.setCalendarPopup(True)
        self.day.setDisplayFormat("yyyy-MM-dd")
        # 届次 (第十二届 → 12): printed on ballots, notices, certificates and reports; 0 = not recorded
        self.term = QSpinBox()
        self.term.setRange(0, 99)
        self.term.setSpecialValueText(tr("未填"))
        self.term.setPrefix(tr("第 "))
        self.term.setSuffix(tr(" 届"))
        save_day = button(tr("保存选举日和届次"), self.save_day)
        save_day.setEnabled(ctx.can(Permission.ADMIN))
        for w in (self.cycle_label, QLabel(tr("选举日：")), self.day, QLabel(tr("届次：")), self.term, save_day):
            cycle_row.addWidget(w)
        cycle_row.addStretch(1)
        layout.addLayout(cycle_row)
        self.model = RowsModel([Column(tr("编码"), field="code"), Column(tr("村名"), field="name"),
                                Column(tr("户数"), _RIGHT, field="households"),
                                Column(tr("人口"), _RIGHT, field="population"),
                                Column(tr("村民小组"), _RIGHT, field="groups")])
        self.proxy = sorting_proxy(self.model, self)
        self.view = QTableView()
        self.view.setModel(self.proxy)
        self.view.horizontalHeader().setSortIndicator(-1, Qt.SortOrder.AscendingOrder)  # by code until a click
        self.view.setSortingEnabled(True)
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
        self.reload()

    def refresh(self) -> None:
        self.reload()

    def fetch(self, session) -> tw.TownshipView:
        return tw.township_view(session)

    def show_data(self, data: tw.TownshipView) -> None:
        self.rows = data.villages
        self.cycle_id = data.cycle.id if data.cycle else None
        if data.cycle:
            self.cycle_label.setText(tr("当前届次：{name}").format(name=data.cycle.name))
            day = data.cycle.election_day
            self.day.setDate(QDate(day.year, day.month, day.day))
            self.term.setValue(data.cycle.term_number or 0)
        rows = list(data.villages)
        self.model.set_source(lambda o, n: rows[o:o + n], lambda: len(rows))

    def selected(self) -> tw.VillageRow | None:
        index = self.view.currentIndex()
        if not index.isValid():
            return None
        village_id = self.proxy.data(index, ID_ROLE)
        return next((r for r in self.rows if r.id == village_id), None)

    def _changed(self, _result: object = None) -> None:
        if self.on_changed:
            self.on_changed()

    def save_day(self) -> None:
        if self.cycle_id is None:
            return
        chosen = self.day.date()
        cycle_id, actor, day = self.cycle_id, self.ctx.actor, dt.date(chosen.year(), chosen.month(), chosen.day())
        profile = {"term_number": self.term.value() or None}
        self.ctx.write(lambda s: tw.update_cycle(s, actor, cycle_id, election_day=day, profile=profile), Area.TOWNSHIP,
                       on_done=self._changed, on_error=self._election_day_refused, parent=self)

    def _election_day_refused(self, exc: BaseException) -> None:
        show_error(self, exc)
        self.reload()  # the saved day back in the field

    def add_village(self) -> None:
        if VillageDialog(self.ctx, self).exec() == QDialog.DialogCode.Accepted:
            self._changed()

    def edit_village(self) -> None:
        row = self.selected()
        if row is None:
            return
        if VillageDialog(self.ctx, self, row).exec() == QDialog.DialogCode.Accepted:
            self._changed()
