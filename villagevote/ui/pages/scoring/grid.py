"""实绩比选: scoring schemes, candidates and raters (with recusals), a keyboard-fast entry grid per rater sheet (with
optional double entry), bonus/deduction entries, results with the breakdown, tie decisions, the outcome, prints.

All reads and writes go through ``villagevote.scoring.service``; this module only shows and collects.
"""
from __future__ import annotations

import html
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt, Signal
from PySide6.QtGui import QBrush, QColor, QKeyEvent
from PySide6.QtWidgets import (
    QAbstractItemDelegate,
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QSplitter,
    QTableView,
    QTabWidget,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from villagevote.auth import Permission
from villagevote.errors import UserError, ValidationError
from villagevote.i18n import tr
from villagevote.reports.registry import Options
from villagevote.scoring import engine, service
from villagevote.scoring.engine import parse_score
from villagevote.scoring.scheme import SCOPE_PER_GROUP, load_example_schemes, method_label, scheme_to_dict, scope_label
from villagevote.ui.dialogs.common import Ask, show_error
from villagevote.ui.dialogs.scoring_forms import (
    AdjustmentDialog,
    NewSchemeDialog,
    PickCandidaciesDialog,
    RaterDialog,
    RecusalDialog,
    TieDecisionDialog,
)
from villagevote.ui.table_model import Column, RowsModel
from villagevote.ui.widgets import button

__all__ = ["ScoreGridModel", "ScoringPage"]

Index = QModelIndex | QPersistentModelIndex
EMPTY_BG = QColor("#FFF3C4")     # not filled in yet: clearly not a zero
RECUSED_BG = QColor("#D9D9D9")
MISMATCH_BG = QColor("#F8CBAD")
PASS_BG = QColor("#E2EFDA")
PENDING_BG = QColor("#FFF2CC")
FIXED_COLS = 2


def _n(d: Decimal | None) -> str:
    if d is None:
        return ""
    return format(d.normalize(), "f") if d != 0 else "0"


class ScoreGridModel(QAbstractTableModel):
    """Candidates (rows, surname-stroke order) × criteria (columns) of one entry of one rater's sheet.

    Typed values are checked at once against the criterion's maximum, sign, decimals and grades; a refused value
    leaves the cell as it was and ``error`` carries the message. Empty cells stay empty (shown shaded, never 0).
    """

    error = Signal(str)
    edited = Signal()

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self.sheet: service.SheetData | None = None
        self.values: dict[tuple[int, str], Decimal | None] = {}
        self.mismatch: set[tuple[int, str]] = set()
        self.dirty = False
        self.read_only = False

    def load(self, sheet: service.SheetData | None, mismatches: set[tuple[int, str]] | None = None) -> None:
        self.beginResetModel()
        self.sheet = sheet
        self.values = {}
        if sheet is not None:
            for p in sheet.rows:
                for c in sheet.criteria:
                    self.values[(p.candidacy_id, c.code)] = sheet.values.get((p.candidacy_id, c.code))
        self.mismatch = set(mismatches or ())
        self.dirty = False
        self.endResetModel()

    # helpers
    def _cell(self, index: Index) -> tuple[service.ParticipantRow, Any] | None:
        if self.sheet is None or not index.isValid():
            return None
        p = self.sheet.rows[index.row()]
        col = index.column() - FIXED_COLS
        return p, (self.sheet.criteria[col] if col >= 0 else None)

    def empty_cells(self) -> int:
        if self.sheet is None:
            return 0
        return sum(1 for (cid, _), v in self.values.items() if v is None and cid not in self.sheet.recused)

    def values_for_save(self) -> dict[tuple[int, str], Decimal | None]:
        assert self.sheet is not None
        return {k: v for k, v in self.values.items() if k[0] not in self.sheet.recused}

    # Qt API
    def rowCount(self, parent: Index = QModelIndex()) -> int:
        return 0 if parent.isValid() or self.sheet is None else len(self.sheet.rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:
        return 0 if parent.isValid() or self.sheet is None else FIXED_COLS + len(self.sheet.criteria)

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role != Qt.ItemDataRole.DisplayRole or self.sheet is None:
            return None
        if orientation == Qt.Orientation.Vertical:
            return str(section + 1)
        if section == 0:
            return tr("姓名")
        if section == 1:
            return tr("村·职位")
        c = self.sheet.criteria[section - FIXED_COLS]
        return tr("{name}\n（满分 {max}）").format(name=c.name, max=_n(c.max))

    def flags(self, index: Index) -> Qt.ItemFlag:
        base = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
        cell = self._cell(index)
        if cell is None:
            return Qt.ItemFlag.NoItemFlags
        p, crit = cell
        if crit is not None and p.candidacy_id not in self.sheet.recused and not self.sheet.locked_reason \
                and not self.read_only:  # type: ignore[union-attr]
            return base | Qt.ItemFlag.ItemIsEditable
        return base

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        cell = self._cell(index)
        if cell is None:
            return None
        p, crit = cell
        recused = p.candidacy_id in self.sheet.recused  # type: ignore[union-attr]
        if crit is None:
            if role == Qt.ItemDataRole.DisplayRole:
                return p.name if index.column() == 0 else f"{p.village} {p.post}"
            if role == Qt.ItemDataRole.BackgroundRole and recused:
                return QBrush(RECUSED_BG)
            return None
        key = (p.candidacy_id, crit.code)
        value = self.values.get(key)
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.EditRole):
            if recused:
                return tr("回避") if role == Qt.ItemDataRole.DisplayRole else ""
            if value is None and role == Qt.ItemDataRole.DisplayRole:
                return tr("未填")
            return _n(value)
        if role == Qt.ItemDataRole.ForegroundRole and value is None and not recused:
            return QBrush(QColor("#8A6D00"))
        if role == Qt.ItemDataRole.BackgroundRole:
            if recused:
                return QBrush(RECUSED_BG)
            if key in self.mismatch:
                return QBrush(MISMATCH_BG)
            if value is None:
                return QBrush(EMPTY_BG)
            return None
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return int(Qt.AlignmentFlag.AlignCenter)
        if role == Qt.ItemDataRole.ToolTipRole:
            if recused:
                return tr("回避：{why}").format(why=self.sheet.recused[p.candidacy_id])  # type: ignore[union-attr]
            if value is None:
                return tr("未填写（空白不等于 0 分）；满分 {m}").format(m=_n(crit.max))
            return tr("满分 {m}").format(m=_n(crit.max))
        return None

    def setData(self, index: Index, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:
        if role != Qt.ItemDataRole.EditRole or not (self.flags(index) & Qt.ItemFlag.ItemIsEditable):
            return False
        p, crit = self._cell(index)  # type: ignore[misc]
        where = tr("第 {n} 行 {name}").format(n=index.row() + 1, name=p.name)
        try:
            parsed = parse_score(None if value is None else str(value), crit, self.sheet.entry_places,  # type: ignore[union-attr]
                                 where=where)
        except ValidationError as exc:
            self.error.emit(exc.message)
            return False
        key = (p.candidacy_id, crit.code)
        if self.values.get(key) != parsed or (self.values.get(key) is None) != (parsed is None):
            self.values[key] = parsed
            self.dirty = True
            self.dataChanged.emit(index, index)
            self.edited.emit()
        return True


class GridView(QTableView):
    """Typing a number starts editing; Enter or Tab saves the cell and moves to the next one (row by row, like the
    paper sheet is read), so a whole sheet is entered without the mouse."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setEditTriggers(QAbstractItemView.EditTrigger.AnyKeyPressed
                             | QAbstractItemView.EditTrigger.DoubleClicked
                             | QAbstractItemView.EditTrigger.EditKeyPressed)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)

    def next_editable(self, index: QModelIndex) -> QModelIndex:
        model = self.model()
        rows, cols = model.rowCount(), model.columnCount()
        r, c = index.row(), index.column()
        for _ in range(rows * cols):
            c += 1
            if c >= cols:
                c, r = FIXED_COLS, r + 1
            if r >= rows:
                return QModelIndex()
            candidate = model.index(r, c)
            if model.flags(candidate) & Qt.ItemFlag.ItemIsEditable:
                return candidate
        return QModelIndex()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        """Delete or Backspace on a cell (not while editing) empties it; everything else as usual."""
        index = self.currentIndex()
        if event.key() in (Qt.Key.Key_Delete, Qt.Key.Key_Backspace) and index.isValid() \
                and self.state() != QAbstractItemView.State.EditingState \
                and self.model().flags(index) & Qt.ItemFlag.ItemIsEditable:
            self.model().setData(index, "", Qt.ItemDataRole.EditRole)
            return
        super().keyPressEvent(event)

    def closeEditor(self, editor: QWidget, hint: QAbstractItemDelegate.EndEditHint) -> None:
        move = hint in (QAbstractItemDelegate.EndEditHint.SubmitModelCache,
                        QAbstractItemDelegate.EndEditHint.EditNextItem)
        super().closeEditor(editor, QAbstractItemDelegate.EndEditHint.NoHint)
        if move:
            nxt = self.next_editable(self.currentIndex())
            if nxt.isValid():
                self.setCurrentIndex(nxt)


def _table(model: Any) -> QTableView:
    view = QTableView()
    view.setModel(model)
    view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    view.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    view.horizontalHeader().setStretchLastSection(True)
    view.verticalHeader().hide()
    view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    return view


class ScoringPage(QWidget):
    def __init__(self, ctx, parent: QWidget | None = None) -> None:  # type: ignore[no-untyped-def]
        super().__init__(parent)
        self.ctx = ctx
        self.scheme_id: int | None = None
        self.computed: service.SchemeResults | None = None
        self.participants: list[service.ParticipantRow] = []
        self.raters: list[service.RaterRow] = []
        layout = QVBoxLayout(self)
        heading = QLabel(tr("实绩比选：评分方案、评委、评分录入、汇总排名"))
        heading.setStyleSheet("font-size: 18px; font-weight: bold;")
        layout.addWidget(heading)

        bar = QHBoxLayout()
        self.scheme_box = QComboBox()
        self.scheme_box.setMinimumWidth(360)
        self.new_btn = QPushButton(tr("新建方案…"))
        self.copy_btn = QPushButton(tr("复制为新版本"))
        self.double_box = QCheckBox(tr("两次录入（两人分别录同一张评分表，一致才计入）"))
        bar.addWidget(QLabel(tr("评分方案：")))
        bar.addWidget(self.scheme_box)
        bar.addWidget(self.new_btn)
        bar.addWidget(self.copy_btn)
        bar.addWidget(self.double_box)
        bar.addStretch(1)
        layout.addLayout(bar)
        self.status = QLabel()
        self.status.setWordWrap(True)
        layout.addWidget(self.status)

        self.tabs = QTabWidget()
        layout.addWidget(self.tabs, 1)
        self._build_scheme_tab()
        self._build_people_tab()
        self._build_entry_tab()
        self._build_adjust_tab()
        self._build_results_tab()

        self.scheme_box.currentIndexChanged.connect(self._scheme_chosen)
        self.new_btn.clicked.connect(self.new_scheme)
        self.copy_btn.clicked.connect(self.copy_scheme)
        self.double_box.toggled.connect(self.toggle_double)
        ctx.data_changed.connect(self._on_data_changed)
        ctx.village_changed.connect(lambda _vid: self.load_scheme())
        ctx.database_replaced.connect(self.refresh)
        self.refresh()

    # ------------------------------------------------------------------------------------------------ building
    def _build_scheme_tab(self) -> None:
        w = QWidget()
        lay = QVBoxLayout(w)
        self.scheme_view = QTextBrowser()
        lay.addWidget(self.scheme_view)
        row = QHBoxLayout()
        self.edit_btn = button(tr("修改方案…"), self.edit_scheme)
        row.addWidget(self.edit_btn)
        row.addStretch(1)
        lay.addLayout(row)
        self.tabs.addTab(w, tr("方案"))

    def _build_people_tab(self) -> None:
        w = QWidget()
        lay = QHBoxLayout(w)
        left = QGroupBox(tr("比选人选（按村、职位、姓氏笔画）"))
        ll = QVBoxLayout(left)
        self.part_model = RowsModel([Column(tr("姓名")), Column(tr("村")), Column(tr("组织")), Column(tr("职位")),
                                     Column(tr("状态"))])
        self.part_view = _table(self.part_model)
        ll.addWidget(self.part_view)
        pb = QHBoxLayout()
        self.add_part_btn = button(tr("添加人选…"), self.add_participants)
        self.del_part_btn = button(tr("移出"), self.remove_participant)
        pb.addWidget(self.add_part_btn)
        pb.addWidget(self.del_part_btn)
        pb.addStretch(1)
        ll.addLayout(pb)
        right = QGroupBox(tr("评委（按组、姓氏笔画）"))
        rl = QVBoxLayout(right)
        self.rater_model = RowsModel([Column(tr("评委组")), Column(tr("姓名")), Column(tr("职务")), Column(tr("回避")),
                                      Column(tr("评分表"))])
        self.rater_view = _table(self.rater_model)
        rl.addWidget(self.rater_view)
        rb = QHBoxLayout()
        self.add_rater_btn = QPushButton(tr("添加评委…"))
        self.del_rater_btn = QPushButton(tr("删除评委"))
        self.recuse_btn = QPushButton(tr("登记回避…"))
        self.unrecuse_btn = QPushButton(tr("撤销回避"))
        for b, fn in ((self.add_rater_btn, self.add_rater), (self.del_rater_btn, self.remove_rater),
                      (self.recuse_btn, self.recuse), (self.unrecuse_btn, self.withdraw_recusal)):
            b.clicked.connect(fn)
            rb.addWidget(b)
        rb.addStretch(1)
        rl.addLayout(rb)
        splitter = QSplitter()
        splitter.addWidget(left)
        splitter.addWidget(right)
        lay.addWidget(splitter)
        self.tabs.addTab(w, tr("人选与评委"))

    def _build_entry_tab(self) -> None:
        w = QWidget()
        lay = QVBoxLayout(w)
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
        self.mismatch_model = RowsModel([Column(tr("行")), Column(tr("人选")), Column(tr("评分项")), Column(tr("第一次")),
                                         Column(tr("第二次"))])
        self.mismatch_view = _table(self.mismatch_model)
        self.mismatch_view.setMaximumHeight(140)
        self.mismatch_box = QGroupBox(tr("两次录入不一致之处（对照纸质评分表改正后再保存）"))
        QVBoxLayout(self.mismatch_box).addWidget(self.mismatch_view)
        lay.addWidget(self.mismatch_box)
        bottom = QHBoxLayout()
        self.save_btn = QPushButton(tr("保存（未录完）"))
        self.complete_btn = QPushButton(tr("保存并标记已录完"))
        self.reload_btn = QPushButton(tr("放弃修改"))
        bottom.addWidget(self.save_btn)
        bottom.addWidget(self.complete_btn)
        bottom.addWidget(self.reload_btn)
        bottom.addStretch(1)
        lay.addLayout(bottom)
        self.entry_rater.currentIndexChanged.connect(self.load_grid)
        self.entry_no.currentIndexChanged.connect(self.load_grid)
        self.save_btn.clicked.connect(lambda: self.save_grid(False))
        self.complete_btn.clicked.connect(lambda: self.save_grid(True))
        self.reload_btn.clicked.connect(self.load_grid)
        self.grid_model.error.connect(self.entry_error.setText)
        self.grid_model.edited.connect(lambda: (self.entry_error.setText(""), self.entry_info.setText("")))
        self.tabs.addTab(w, tr("评分录入"))

    def _build_adjust_tab(self) -> None:
        w = QWidget()
        lay = QVBoxLayout(w)
        self.adj_caps = QLabel()
        self.adj_caps.setWordWrap(True)
        lay.addWidget(self.adj_caps)
        self.adj_model = RowsModel([Column(tr("人选")), Column(tr("类别")), Column(tr("项目")), Column(tr("分值")),
                                    Column(tr("依据"))])
        self.adj_view = _table(self.adj_model)
        lay.addWidget(self.adj_view)
        row = QHBoxLayout()
        self.add_adj_btn = button(tr("录入加分或扣分…"), self.add_adjustment)
        self.del_adj_btn = button(tr("删除所选"), self.delete_adjustment)
        row.addWidget(self.add_adj_btn)
        row.addWidget(self.del_adj_btn)
        row.addStretch(1)
        lay.addLayout(row)
        self.tabs.addTab(w, tr("加分扣分"))

    def _build_results_tab(self) -> None:
        w = QWidget()
        lay = QVBoxLayout(w)
        self.results_info = QLabel()
        self.results_info.setWordWrap(True)
        lay.addWidget(self.results_info)
        splitter = QSplitter(Qt.Orientation.Vertical)
        self.result_model = RowsModel([Column(tr("职位"))], row_brush=self._result_brush)
        self.result_view = _table(self.result_model)
        self.result_view.horizontalHeader().setStretchLastSection(True)
        splitter.addWidget(self.result_view)
        self.breakdown = QTextBrowser()
        splitter.addWidget(self.breakdown)
        splitter.setSizes([300, 260])
        lay.addWidget(splitter, 1)
        row = QHBoxLayout()
        self.refresh_results_btn = QPushButton(tr("重新计算"))
        self.tie_btn = QPushButton(tr("记录并列决定…"))
        self.apply_btn = QPushButton(tr("确定比选结果（入围者转为初步人选）"))
        self.sheets_btn = QPushButton(tr("打印空白评分表"))
        self.summary_btn = QPushButton(tr("打印汇总表"))
        self.export_btn = QPushButton(tr("导出 Excel"))
        for b, fn in ((self.refresh_results_btn, self.show_results), (self.tie_btn, self.record_tie),
                      (self.apply_btn, self.apply_outcome), (self.sheets_btn, lambda: self.print_form("score-sheets")),
                      (self.summary_btn, lambda: self.print_form("score-summary")),
                      (self.export_btn, lambda: self.print_form("scores"))):
            b.clicked.connect(fn)
            row.addWidget(b)
        row.addStretch(1)
        lay.addLayout(row)
        self.result_view.selectionModel().currentRowChanged.connect(lambda *_: self.show_breakdown())
        self.tabs.addTab(w, tr("结果与打印"))

    # ------------------------------------------------------------------------------------------------ loading
    def _on_data_changed(self, area: str) -> None:
        if area in ("candidates", "qualification"):
            self.refresh()

    def refresh(self) -> None:
        current = self.scheme_id
        with self.ctx.session() as s:
            rows = service.list_schemes(s)
        self.scheme_box.blockSignals(True)
        self.scheme_box.clear()
        for r in rows:
            state = tr("结果已确定") if r.outcome_applied else (tr("已冻结") if r.frozen else tr("可修改"))
            self.scheme_box.addItem(tr("{label} · {n} 位人选 · {state}").format(
                label=r.label, n=r.participants, state=state), r.id)
        self.scheme_box.blockSignals(False)
        if rows:
            ids = [r.id for r in rows]
            pick = current if current in ids else next((r.id for r in rows if r.participants), rows[-1].id)
            self.scheme_box.setCurrentIndex(ids.index(pick))
            self.scheme_id = pick
        else:
            self.scheme_id = None
        self.load_scheme()

    def _scheme_chosen(self) -> None:
        self.scheme_id = self.scheme_box.currentData()
        self.load_scheme()

    def load_scheme(self) -> None:
        editable = self.ctx.can(Permission.EDIT)
        admin = self.ctx.can(Permission.ADMIN)
        self.new_btn.setEnabled(admin)
        self.copy_btn.setEnabled(admin and self.scheme_id is not None)
        if self.scheme_id is None:
            self.status.setText(tr("还没有评分方案。请按“新建方案…”从示例方案开始。"))
            for m in (self.part_model, self.rater_model, self.adj_model):
                m.set_source(lambda o, l: [], lambda: 0)
            self.scheme_view.setHtml("")
            self.grid_model.load(None)
            return
        with self.ctx.session() as s:
            info = next(r for r in service.list_schemes(s) if r.id == self.scheme_id)
            self.scheme = service.get_scheme(s, self.scheme_id)
            self.participants = service.list_participants(s, self.scheme_id)
            self.raters = service.list_raters(s, self.scheme_id)
            adjustments = service.list_adjustments(s, self.scheme_id)
        self.info = info
        locked = info.outcome_applied
        self.double_box.blockSignals(True)
        self.double_box.setChecked(info.double_entry)
        self.double_box.setEnabled(editable and not locked)
        self.double_box.blockSignals(False)
        if locked:
            self.status.setText(tr("本方案的比选结果已确定，评分、评委和加扣分均已锁定。"))
        elif info.frozen:
            self.status.setText(tr("本方案已有评分，方案已冻结；如需修改评分项或权重，请“复制为新版本”。"))
        else:
            self.status.setText(tr("本方案还没有评分，可以修改。"))
        self.edit_btn.setEnabled(admin and not info.frozen)
        self.scheme_view.setHtml(scheme_html(self.scheme))
        village = self._village_name()
        if village:
            self.participants = [p for p in self.participants if p.village == village]
        self.part_model.set_source(
            lambda o, l: [(p.name, p.village, p.org_label, p.post, p.status.label) for p in self.participants][o:o + l],
            lambda: len(self.participants))
        self.rater_model.set_source(
            lambda o, l: [(r.group_name, r.name, r.title, "；".join(f"{x.candidate}（{x.reason}）" for x in r.recusals),
                           r.state.text) for r in self.raters][o:o + l], lambda: len(self.raters))
        self.adjustments = adjustments
        self.adj_model.set_source(
            lambda o, l: [(a.candidate, tr("加分") if a.kind == "bonus" else tr("扣分"), a.item_name, _n(a.points),
                           a.note) for a in self.adjustments][o:o + l], lambda: len(self.adjustments))
        caps = [tr("{n}（每人上限 {c}）").format(n=b.name, c=_n(b.cap)) for b in self.scheme.bonus_items]
        dcaps = [tr("{n}（每人上限 {c}）").format(n=d.name, c=_n(d.cap)) for d in self.scheme.deduction_items]
        text = tr("加分项：{b}").format(b="；".join(caps) or tr("无"))
        if self.scheme.bonus_total_cap is not None:
            text += tr("，加分合计上限 {c}").format(c=_n(self.scheme.bonus_total_cap))
        text += "\n" + tr("扣分项：{d}").format(d="；".join(dcaps) or tr("无"))
        if self.scheme.deduction_total_cap is not None:
            text += tr("，扣分合计上限 {c}").format(c=_n(self.scheme.deduction_total_cap))
        text += "\n" + tr("同一项目可多次录入（如多项荣誉），计分时按上限封顶，结果明细中写明封顶前后的分值。")
        self.adj_caps.setText(text)
        for b in (self.add_part_btn, self.del_part_btn, self.add_rater_btn, self.del_rater_btn, self.recuse_btn,
                  self.unrecuse_btn, self.add_adj_btn, self.del_adj_btn, self.save_btn, self.complete_btn):
            b.setEnabled(editable and not locked)
        self.apply_btn.setEnabled(editable and not locked)
        self.tie_btn.setEnabled(self.ctx.can(Permission.REVIEW) and not locked)
        self.entry_no.setEnabled(info.double_entry)
        if not info.double_entry:
            self.entry_no.setCurrentIndex(0)
        current_rater = self.entry_rater.currentData()
        self.entry_rater.blockSignals(True)
        self.entry_rater.clear()
        for r in self.raters:
            self.entry_rater.addItem(tr("{g} · {n}").format(g=r.group_name, n=r.name), r.id)
        ids = [r.id for r in self.raters]
        if current_rater in ids:
            self.entry_rater.setCurrentIndex(ids.index(current_rater))
        self.entry_rater.blockSignals(False)
        self.load_grid()
        self.show_results()

    def _village_name(self) -> str | None:
        """The village chosen in the main window's tree (lists and results show only its candidates)."""
        if self.ctx.village_id is None:
            return None
        from villagevote.models.core import Village
        with self.ctx.session() as s:
            v = s.get(Village, self.ctx.village_id)
            return v.name if v is not None else None

    # ------------------------------------------------------------------------------------------------ writes
    def _write(self, fn, *args, **kwargs):  # type: ignore[no-untyped-def]
        with self.ctx.session() as s:
            return fn(s, self.ctx.actor, *args, **kwargs)

    def _try(self, fn, *args, **kwargs) -> bool:  # type: ignore[no-untyped-def]
        try:
            self._write(fn, *args, **kwargs)
        except UserError as exc:
            show_error(self, exc)
            return False
        self.ctx.data_changed.emit("scoring")
        return True

    def new_scheme(self) -> None:
        examples = load_example_schemes()
        sources = [(f"example:{s.code}", tr("示例：{n}").format(n=s.name)) for s in examples]
        with self.ctx.session() as s:
            sources += [(f"scheme:{r.id}", tr("已有方案：{n}").format(n=r.label)) for r in service.list_schemes(s)]
        answer = NewSchemeDialog.ask(self, sources)
        if answer is None:
            return
        key, name = answer
        kind, _, ident = key.partition(":")
        if kind == "example":
            data = scheme_to_dict(next(s for s in examples if s.code == ident))
        else:
            with self.ctx.session() as s:
                data = scheme_to_dict(service.get_scheme(s, int(ident)))
        if name:
            data["name"] = name
        try:
            new_id = self._write(service.create_scheme, data, cycle_id=self.ctx.cycle_id())
        except UserError as exc:
            show_error(self, exc)
            return
        self.scheme_id = new_id
        self.refresh()

    def copy_scheme(self) -> None:
        if self.scheme_id is None:
            return
        try:
            new_id = self._write(service.copy_scheme, self.scheme_id)
        except UserError as exc:
            show_error(self, exc)
            return
        self.scheme_id = new_id
        self.refresh()

    def edit_scheme(self) -> None:
        if self.scheme_id is None:
            return
        from villagevote.ui.dialogs.scoring_scheme import SchemeEditor
        data = SchemeEditor.ask(self, scheme_to_dict(self.scheme))
        if data is None:
            return
        if self._try(service.update_scheme, self.scheme_id, data):
            self.refresh()

    def toggle_double(self, on: bool) -> None:
        if self.scheme_id is not None and self._try(service.set_double_entry, self.scheme_id, on):
            self.load_scheme()

    def add_participants(self) -> None:
        if self.scheme_id is None:
            return
        with self.ctx.session() as s:
            rows = service.eligible_candidacies(s, self.scheme_id)
        if not rows:
            Ask.info(self, tr("添加比选人选"), tr("没有可添加的资格审查合格人选。"))
            return
        picked = PickCandidaciesDialog.ask(self, [(r.candidacy_id, f"{r.post_label}　{r.name}") for r in rows])
        if picked and self._try(service.add_participants, self.scheme_id, picked):
            self.load_scheme()

    def _selected(self, view: QTableView, rows: list) -> Any:  # type: ignore[type-arg]
        idx = view.currentIndex()
        if not idx.isValid() or idx.row() >= len(rows):
            Ask.error(self, tr("请先选择"), tr("请先在表格中选择一行"))
            return None
        return rows[idx.row()]

    def remove_participant(self) -> None:
        p = self._selected(self.part_view, self.participants)
        if p is not None and self._try(service.remove_participant, self.scheme_id, p.candidacy_id):
            self.load_scheme()

    def add_rater(self) -> None:
        if self.scheme_id is None:
            return
        answer = RaterDialog.ask(self, [(g.code, g.name) for g in self.scheme.rater_groups])
        if answer and self._try(service.add_rater, self.scheme_id, answer.name, answer.group_code, answer.title):
            self.load_scheme()

    def remove_rater(self) -> None:
        r = self._selected(self.rater_view, self.raters)
        if r is not None and Ask.confirm(self, tr("删除评委"), tr("确定删除评委“{n}”？").format(n=r.name)) \
                and self._try(service.remove_rater, r.id):
            self.load_scheme()

    def recuse(self) -> None:
        r = self._selected(self.rater_view, self.raters)
        if r is None:
            return
        answer = RecusalDialog.ask(self, r.name, [(p.candidacy_id, f"{p.name}（{p.post_label}）")
                                                  for p in self.participants])
        if answer and self._try(service.recuse, r.id, answer[0], answer[1]):
            self.load_scheme()

    def withdraw_recusal(self) -> None:
        r = self._selected(self.rater_view, self.raters)
        if r is None or not r.recusals:
            return
        rec = r.recusals[0]
        if Ask.confirm(self, tr("撤销回避"), tr("撤销评委“{r}”对“{c}”的回避？").format(r=r.name, c=rec.candidate)) \
                and self._try(service.withdraw_recusal, r.id, rec.candidacy_id):
            self.load_scheme()

    # ------------------------------------------------------------------------------------------------ entry
    def load_grid(self) -> None:
        rater_id = self.entry_rater.currentData()
        self.entry_error.setText("")
        self.entry_info.setText("")
        if rater_id is None:
            self.grid_model.load(None)
            self.sheet_state.setText(tr("请先添加评委"))
            self.mismatch_box.hide()
            return
        entry_no = self.entry_no.currentData() or 1
        with self.ctx.session() as s:
            sheet = service.load_sheet(s, rater_id, entry_no)
            state = service.sheet_state(s, rater_id)
        mism = {(m.candidate_id, m.criterion_code) for m in state.mismatches}
        self.grid_model.read_only = not self.ctx.can(Permission.EDIT)
        self.grid_model.load(sheet, mism)
        self.grid.setColumnWidth(0, 80)
        self.grid.setColumnWidth(1, 150)
        self.sheet_state.setText(state.text + (("　" + sheet.locked_reason) if sheet.locked_reason else ""))
        names = {p.candidacy_id: p.name for p in sheet.rows}
        row_no = {p.candidacy_id: i for i, p in enumerate(sheet.rows, start=1)}
        crit = {c.code: c.name for c in self.scheme.criteria}
        rows = [(row_no.get(m.candidate_id, ""), names.get(m.candidate_id, "?"), crit.get(m.criterion_code, m.criterion_code),
                 tr("（空）") if m.first is None else _n(m.first), tr("（空）") if m.second is None else _n(m.second))
                for m in state.mismatches]
        self.mismatch_model.set_source(lambda o, l: rows[o:o + l], lambda: len(rows))
        self.mismatch_box.setVisible(bool(rows))
        first = self.grid.next_editable(self.grid_model.index(0, FIXED_COLS - 1)) if sheet.rows else QModelIndex()
        if first.isValid():
            self.grid.setCurrentIndex(first)

    def save_grid(self, complete: bool) -> None:
        rater_id = self.entry_rater.currentData()
        if rater_id is None or self.grid_model.sheet is None:
            return
        entry_no = self.entry_no.currentData() or 1
        try:
            state = self._write(service.save_sheet, rater_id, entry_no, self.grid_model.values_for_save(),
                                complete=complete)
        except UserError as exc:
            self.entry_error.setText(str(exc))
            show_error(self, exc)
            return
        self.ctx.data_changed.emit("scoring")
        self.load_scheme()
        self.entry_info.setText(tr("已保存。") + state.text)

    # ------------------------------------------------------------------------------------------------ adjustments
    def add_adjustment(self) -> None:
        if self.scheme_id is None:
            return
        items = [(b.code, tr("加分：{n}（上限 {c}）").format(n=b.name, c=_n(b.cap))) for b in self.scheme.bonus_items]
        items += [(d.code, tr("扣分：{n}（上限 {c}）").format(n=d.name, c=_n(d.cap))) for d in self.scheme.deduction_items]
        if not items:
            Ask.info(self, tr("加分扣分"), tr("本方案没有加分或扣分项。"))
            return
        answer = AdjustmentDialog.ask(self, [(p.candidacy_id, f"{p.name}（{p.post_label}）") for p in self.participants],
                                      items)
        if answer and self._try(service.add_adjustment, self.scheme_id, answer.candidacy_id, answer.item_code,
                                answer.points, answer.note):
            self.load_scheme()

    def delete_adjustment(self) -> None:
        a = self._selected(self.adj_view, self.adjustments)
        if a is not None and self._try(service.delete_adjustment, a.id):
            self.load_scheme()

    # ------------------------------------------------------------------------------------------------ results
    def _result_brush(self, row) -> QColor | None:  # type: ignore[no-untyped-def]
        outcome = row[-1]
        if outcome == engine.OUTCOME_PASS:
            return PASS_BG
        if outcome in (engine.OUTCOME_TIE_PENDING, engine.OUTCOME_PENDING, engine.OUTCOME_INCOMPLETE):
            return PENDING_BG
        return None

    def show_results(self) -> None:
        if self.scheme_id is None:
            return
        try:
            with self.ctx.session() as s:
                self.computed = service.compute(s, self.scheme_id)
        except UserError as exc:
            self.results_info.setText(str(exc))
            return
        res = self.computed.results
        scheme = res.scheme
        cols = [Column(tr("职位")), Column(tr("排名")), Column(tr("姓名"))]
        cols += [Column(c.name) for c in scheme.criteria]
        if scheme.bonus_items:
            cols.append(Column(tr("加分")))
        if scheme.deduction_items:
            cols.append(Column(tr("扣分")))
        cols += [Column(tr("总分")), Column(tr("结果")), Column(tr("说明"))]
        rows = []
        village = self._village_name()
        in_village = {p.candidacy_id for p in self.computed.participants if p.village == village}
        shown = [r for r in res.candidates if not village or r.candidate.id in in_village]
        for r in shown:
            rank = "" if r.rank is None else (tr("并列{k}").format(k=r.rank) if r.shared_rank else str(r.rank))
            row: list[Any] = [self.computed.post_labels.get(r.candidate.post, ""), rank, r.candidate.name]
            row += ["—" if r.criterion(c.code).score is None
                    else format(engine.round_half_up(r.criterion(c.code).score, scheme.places), "f")
                    for c in scheme.criteria]
            if scheme.bonus_items:
                row.append(_n(r.bonus_counted))
            if scheme.deduction_items:
                row.append(_n(r.deduction_counted))
            row += ["—" if r.total is None else format(r.total, "f"), engine.outcome_label(r.outcome),
                    r.outcome_reason, r.outcome]
            rows.append(row)
        self.result_rows = shown
        self.result_model.columns = cols  # the last (outcome code) column stays hidden: only for the row colour
        self.result_model.set_source(lambda o, l: rows[o:o + l], lambda: len(rows))
        info = list(res.notes)
        if village:
            info.insert(0, tr("只显示“{v}”的人选；排名按各职位全部人选计算。").format(v=village))
        if res.open_ties:
            info.append(tr("有 {n} 处并列处于入围分界，需“记录并列决定”后才能确定结果。").format(n=len(res.open_ties)))
        if self.computed.outcome_applied:
            info.append(tr("比选结果已确定：入围者已转为“初步人选”，其余人选已记录未入围原因。"))
        self.results_info.setText("\n".join(info))
        if rows:
            self.result_view.setCurrentIndex(self.result_model.index(0, 0))
        self.show_breakdown()

    def show_breakdown(self) -> None:
        idx = self.result_view.currentIndex()
        if self.computed is None or not idx.isValid() or idx.row() >= len(self.result_rows):
            self.breakdown.setHtml("")
            return
        r = self.result_rows[idx.row()]
        lines = "".join(f"<div style='margin-left:{(len(x) - len(x.lstrip(' '))) * 8}px'>{html.escape(x.strip())}</div>"
                        for x in r.lines)
        self.breakdown.setHtml(f"<h3>{html.escape(r.candidate.name)}　"
                               f"{html.escape(self.computed.post_labels.get(r.candidate.post, ''))}</h3>{lines}")

    def record_tie(self) -> None:
        if self.computed is None or not self.computed.results.open_ties:
            Ask.info(self, tr("记录并列决定"), tr("目前没有处于入围分界、需要决定的并列。"))
            return
        tie = self.computed.results.open_ties[0]
        names = {r.candidate.id: r.candidate.name for r in self.computed.results.candidates}
        answer = TieDecisionDialog.ask(self, tie.note, [(i, names[i]) for i in tie.open_ids])
        if answer and self._try(service.record_tie_decision, self.scheme_id, tie.post, answer[0], answer[1]):
            self.show_results()

    def apply_outcome(self) -> None:
        if self.scheme_id is None:
            return
        if not Ask.confirm(self, tr("确定比选结果"), tr("确定后，入围者转为“初步人选”，其余人选记录未入围原因；"
                                                   "评分、评委和加扣分将锁定。是否继续？")):
            return
        try:
            summary = self._write(service.apply_outcome, self.scheme_id)
        except UserError as exc:
            show_error(self, exc)
            return
        self.ctx.data_changed.emit("candidates")
        Ask.info(self, tr("比选结果已确定"), tr("入围（初步人选）：{p}\n未入围：{f}").format(
            p="、".join(summary.passed) or tr("无"), f="、".join(summary.not_passed) or tr("无")))
        self.refresh()

    def print_form(self, name: str) -> None:
        from villagevote.reports.registry import find_form
        if self.scheme_id is None:
            return
        kind = "export" if name == "scores" else "print"
        ext, filt = (".xlsx", tr("Excel 工作簿 (*.xlsx)")) if kind == "export" else (".pdf", tr("PDF 文件 (*.pdf)"))
        default = {"score-sheets": tr("实绩比选评分表"), "score-summary": tr("实绩比选结果汇总表"),
                   "scores": tr("实绩比选评分与结果")}[name] + ext
        path = Ask.save_file(self, tr("保存"), filt, default)
        if not path:
            return
        form = find_form(kind, name)
        actor, db, options = self.ctx.actor, self.ctx.db, Options(extra={"scheme": str(self.scheme_id)})

        def job(progress: Callable[[float, str], None]) -> Path:
            # runs in a worker thread with its own session; many candidates make a long breakdown to lay out
            progress(0.1, tr("正在生成“{t}”…").format(t=form.title))
            with db.session() as s:
                return form.run(s, actor, Path(path), options)

        def failed(exc: BaseException, _tb: str) -> None:
            show_error(self, exc)

        self.ctx.jobs.submit(job, title=form.title, parent=self, on_error=failed,
                             on_done=lambda out: Ask.info(self, tr("已生成"), tr("已保存：{path}").format(path=out)))


def scheme_html(s: Any) -> str:
    """The scheme explained for the 方案 tab: criteria, groups, bonus/deduction caps, aggregation, cut-off, ties."""
    e = html.escape
    parts = [f"<h3>{e(s.name)}</h3>"]
    if s.description:
        parts.append(f"<p>{e(s.description)}</p>")
    if s.source:
        parts.append(f"<p style='color:#666'>{e(tr('来源：'))}{e(s.source)}</p>")
    divisor = s.criteria_weights_must_sum_to
    head = tr("评分项（权重之和须为 {d}）").format(d=_n(divisor)) if divisor is not None else tr("评分项（按分值相加）")
    rows = []
    for c in s.criteria:
        groups = "、".join(s.group(g).name for g in s.groups_for(c))
        gw = ""
        if s.scope == SCOPE_PER_GROUP:
            gw = "，".join(f"{s.group(g).name} {_n(w)}" for g, w in s.group_weights_for(c).items())
        levels = " ".join(f"{lv.label}{_n(lv.score)}" for lv in c.levels)
        rows.append(f"<tr><td>{e(c.name)}</td><td align='center'>{_n(c.max)}</td><td align='center'>{_n(c.weight)}"
                    f"</td><td>{e(groups)}</td><td>{e(gw)}</td><td>{e(levels or c.hint)}</td></tr>")
    parts.append(f"<h4>{e(head)}</h4><table border='1' cellspacing='0' cellpadding='4'>"
                 f"<tr><th>{e(tr('评分项'))}</th><th>{e(tr('满分'))}</th><th>{e(tr('权重'))}</th>"
                 f"<th>{e(tr('评分的评委组'))}</th><th>{e(tr('组权重'))}</th><th>{e(tr('说明'))}</th></tr>"
                 + "".join(rows) + "</table>")
    groups = "；".join(tr("{g}（权重 {w}）").format(g=g.name, w=_n(g.weight)) for g in s.rater_groups)
    parts.append(f"<p><b>{e(tr('评委组：'))}</b>{e(groups)}</p>")
    parts.append(f"<p><b>{e(tr('计分方法：'))}</b>{e(method_label(s.method))}；{e(scope_label(s.scope))}。"
                 + e(tr("评委不足 {n} 人时不去分，直接平均。").format(n=s.trim_min_raters)) + "</p>")
    for label, items, cap in ((tr("加分项"), s.bonus_items, s.bonus_total_cap),
                              (tr("扣分项"), s.deduction_items, s.deduction_total_cap)):
        text = "；".join(tr("{n}（上限 {c}{h}）").format(n=i.name, c=_n(i.cap), h="，" + i.hint if i.hint else "")
                        for i in items) or tr("无")
        if cap is not None:
            text += tr("；合计上限 {c}").format(c=_n(cap))
        parts.append(f"<p><b>{e(label)}：</b>{e(text)}</p>")
    cut = []
    if s.min_total is not None:
        cut.append(tr("总分不低于 {m} 分").format(m=_n(s.min_total)))
    if s.top_n_per_post is not None:
        cut.append(tr("每个职位前 {n} 名").format(n=s.top_n_per_post))
    parts.append(f"<p><b>{e(tr('入围条件：'))}</b>{e(tr('，且').join(cut))}</p>")
    parts.append(f"<p><b>{e(tr('舍入：'))}</b>"
                 + e(tr("只对总分四舍五入，保留 {p} 位小数；评分最多录入 {q} 位小数。").format(p=s.places, q=s.entry_places))
                 + "</p>")
    ties = "、".join(s.criterion(c).name for c in s.tie_priority) or tr("未规定")
    parts.append(f"<p><b>{e(tr('同分规则：'))}</b>"
                 + e(tr("总分相同时依次比较：{t}；仍相同且处于入围分界的，须记录决定（不按排列顺序自动取舍）。").format(t=ties))
                 + "</p>")
    return "".join(parts)
