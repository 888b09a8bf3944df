"""The 评分录入 tab: one rater's paper sheet typed into the grid (first or second entry), saved all or nothing.

The grid's data is read once when the rater or the entry changes (or the candidates, recusals or locks change) and
then kept: what is typed stays on screen while the page reloads after any write, and a save updates the sheet's
state (mismatches between the two entries) locally instead of reloading the grid.
"""
from __future__ import annotations

from typing import Any

from PySide6.QtCore import QModelIndex
from PySide6.QtWidgets import QComboBox, QGroupBox, QHBoxLayout, QHeaderView, QLabel, QVBoxLayout

from villagevote.changes import Area
from villagevote.i18n import tr
from villagevote.scoring import service
from villagevote.scoring.queries import SchemeView, SheetEntry, sheet_entry
from villagevote.scoring.rows import SheetState
from villagevote.ui.dialogs.common import show_error
from villagevote.ui.pages.scoring.common import Panel, rows_source, table
from villagevote.ui.pages.scoring.grid import FIXED_COLS, GridView, ScoreGridModel, num_text
from villagevote.ui.table_model import Column, RowsModel
from villagevote.ui.widgets import button


class EntryPanel(Panel):
    def __init__(self, page: Any) -> None:
        super().__init__(page)
        self._loaded_key: tuple | None = None   # what the grid shows: see _grid_key
        lay = QVBoxLayout(self)
        top = QHBoxLayout()
        self.entry_rater = QComboBox()
        self.entry_rater.setMinimumWidth(220)
        self.entry_no = QComboBox()
        self.entry_no.addItem(tr("第一次录入"), 1)
        self.entry_no.addItem(tr("第二次录入（核对）"), 2)
        top.addWidget(QLabel(tr("评委：")))
        top.addWidget(self.entry_rater)
        top.addWidget(self.entry_no)
        self.sheet_state = QLabel()
        top.addWidget(self.sheet_state)
        top.addStretch(1)
        lay.addLayout(top)
        hint = QLabel(tr("直接输入分数，回车或 Tab 跳到下一格；删除内容即为“未填”。黄色格子为未填（不等于 0 分），"
                         "灰色为回避，红色为两次录入不一致。"))
        hint.setWordWrap(True)
        hint.setStyleSheet("color: #555;")
        lay.addWidget(hint)
        self.grid_model = ScoreGridModel(self)
        self.grid = GridView()
        self.grid.setModel(self.grid_model)
        self.grid.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        self.grid.horizontalHeader().setDefaultSectionSize(130)
        self.grid.horizontalHeader().setMinimumHeight(44)
        lay.addWidget(self.grid, 1)
        self.entry_error = QLabel()
        self.entry_error.setStyleSheet("color: #C00000; font-weight: bold;")
        self.entry_error.setWordWrap(True)
        lay.addWidget(self.entry_error)
        self.entry_info = QLabel()
        self.entry_info.setStyleSheet("color: #2E7D32;")
        lay.addWidget(self.entry_info)
        self.mismatch_model = RowsModel([Column(tr("行")), Column(tr("人选"), kind="name"), Column(tr("评分项")),
                                         Column(tr("第一次")), Column(tr("第二次"))])
        self.mismatch_view = table(self.mismatch_model, self)
        self.mismatch_view.setMaximumHeight(140)
        self.mismatch_box = QGroupBox(tr("两次录入不一致之处（对照纸质评分表改正后再保存）"))
        QVBoxLayout(self.mismatch_box).addWidget(self.mismatch_view)
        lay.addWidget(self.mismatch_box)
        bottom = QHBoxLayout()
        self.save_btn = button(tr("保存（未录完）"), lambda: self.save_grid(False))
        self.complete_btn = button(tr("保存并标记已录完"), lambda: self.save_grid(True))
        self.reload_btn = button(tr("放弃修改"), self.load_grid)
        bottom.addWidget(self.save_btn)
        bottom.addWidget(self.complete_btn)
        bottom.addWidget(self.reload_btn)
        bottom.addStretch(1)
        lay.addLayout(bottom)
        self.entry_rater.currentIndexChanged.connect(self.load_grid)
        self.entry_no.currentIndexChanged.connect(self.load_grid)
        self.grid_model.error.connect(self.entry_error.setText)
        self.grid_model.edited.connect(self._edited)

    def _edited(self) -> None:
        self.entry_error.setText("")
        self.entry_info.setText("")

    # ------------------------------------------------------------------------------------------------ loading
    def _grid_key(self) -> tuple | None:
        """What the grid's rows, columns and locks depend on: a reload that leaves it alone keeps the typed values."""
        view, rater_id = self.view, self.entry_rater.currentData()
        if view is None or rater_id is None:
            return None
        rater = next((r for r in view.raters if r.id == rater_id), None)
        recusals = tuple(sorted(x.candidacy_id for x in rater.recusals)) if rater is not None else ()
        return (view.info.id, rater_id, self.entry_no.currentData() or 1, view.info.participants, recusals,
                view.info.outcome_applied, view.info.double_entry, self.page.can_change)

    def show_view(self, view: SchemeView | None) -> None:
        can_change = self.page.can_change
        for b in (self.save_btn, self.complete_btn):
            b.setEnabled(can_change)
        double = view is not None and view.info.double_entry
        self.entry_no.blockSignals(True)
        self.entry_no.setEnabled(double)
        if not double:
            self.entry_no.setCurrentIndex(0)
        self.entry_no.blockSignals(False)
        current = self.entry_rater.currentData()
        self.entry_rater.blockSignals(True)
        self.entry_rater.clear()
        raters = view.raters if view is not None else []
        for r in raters:
            self.entry_rater.addItem(tr("{g} · {n}").format(g=r.group_name, n=r.name), r.id)
        ids = [r.id for r in raters]
        if current in ids:
            self.entry_rater.setCurrentIndex(ids.index(current))
        self.entry_rater.blockSignals(False)
        if self._grid_key() != self._loaded_key or self._loaded_key is None:
            self.load_grid()
        else:
            rater = next(r for r in raters if r.id == current)
            self._show_state(rater.state)

    def forget(self) -> None:
        """Another database was opened: the next reload reads the grid again even if the ids look the same."""
        self._loaded_key = None

    def load_grid(self) -> None:
        """Read the chosen entry of the chosen rater's sheet (discarding what was typed and not saved)."""
        self.entry_error.setText("")
        self.entry_info.setText("")
        key = self._grid_key()
        rater_id = self.entry_rater.currentData()
        if key is None or rater_id is None:
            self._loaded_key = None
            self.grid_model.load(None)
            self.sheet_state.setText(tr("请先添加评委") if self.view is not None else "")
            self.mismatch_box.hide()
            return
        entry_no = self.entry_no.currentData() or 1

        def loaded(entry: SheetEntry) -> None:
            if self._grid_key() != key:
                return  # the choice changed while this was read: the newer read fills the grid
            self._loaded_key = key
            self._fill(entry)
        self.ctx.query(lambda s: sheet_entry(s, rater_id, entry_no), loaded, parent=self)

    def _fill(self, entry: SheetEntry) -> None:
        sheet = entry.sheet
        self.grid_model.read_only = not self.page.can_change
        self.grid_model.load(sheet, {(m.candidate_id, m.criterion_code) for m in entry.state.mismatches})
        self.grid.setColumnWidth(0, 80)
        self.grid.setColumnWidth(1, 150)
        self._show_state(entry.state)
        first = self.grid.next_editable(self.grid_model.index(0, FIXED_COLS - 1)) if sheet.rows else QModelIndex()
        if first.isValid():
            self.grid.setCurrentIndex(first)

    def _show_state(self, state: SheetState) -> None:
        sheet = self.grid_model.sheet
        locked = sheet.locked_reason if sheet is not None else ""
        self.sheet_state.setText(state.text + (("　" + locked) if locked else ""))
        self.grid_model.set_mismatches({(m.candidate_id, m.criterion_code) for m in state.mismatches})
        if sheet is None:
            self.mismatch_box.hide()
            return
        names = {p.candidacy_id: p.name for p in sheet.rows}
        row_no = {p.candidacy_id: i for i, p in enumerate(sheet.rows, start=1)}
        crit = {c.code: c.name for c in sheet.criteria}
        rows = [(row_no.get(m.candidate_id, ""), names.get(m.candidate_id, "?"),
                 crit.get(m.criterion_code, m.criterion_code),
                 tr("（空）") if m.first is None else num_text(m.first),
                 tr("（空）") if m.second is None else num_text(m.second))
                for m in state.mismatches]
        self.mismatch_model.set_source(*rows_source(rows))
        self.mismatch_box.setVisible(bool(rows))

    # ------------------------------------------------------------------------------------------------ saving
    def save_grid(self, complete: bool) -> None:
        rater_id = self.entry_rater.currentData()
        if rater_id is None or self.grid_model.sheet is None:
            return
        entry_no = self.entry_no.currentData() or 1
        values, actor = self.grid_model.values_for_save(), self.ctx.actor

        def saved(state: SheetState) -> None:
            self.grid_model.dirty = False
            self._show_state(state)
            self.entry_info.setText(tr("已保存。") + state.text)

        def refused(exc: BaseException) -> None:
            self.entry_error.setText(str(exc))
            show_error(self, exc)

        self.ctx.write(lambda s: service.save_sheet(s, actor, rater_id, entry_no, values, complete=complete),
                       Area.SCORING, on_done=saved, on_error=refused, parent=self)
