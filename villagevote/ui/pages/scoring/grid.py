"""The keyboard-fast entry grid of one rater's paper sheet: candidates (rows, surname-stroke order) × the criteria
the rater's group scores. Typing a number starts editing, Enter or Tab saves the cell and moves on; values are
checked at once against the criterion; empty cells stay empty (never 0)."""
from __future__ import annotations

from decimal import Decimal
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt, Signal
from PySide6.QtGui import QBrush, QColor, QKeyEvent
from PySide6.QtWidgets import QAbstractItemDelegate, QAbstractItemView, QTableView, QWidget

from villagevote.errors import ValidationError
from villagevote.i18n import tr
from villagevote.scoring.rows import ParticipantRow, SheetData
from villagevote.scoring.values import parse_score

__all__ = ["EMPTY_BG", "FIXED_COLS", "MISMATCH_BG", "PASS_BG", "PENDING_BG", "RECUSED_BG", "GridView", "ScoreGridModel",
           "num_text"]

Index = QModelIndex | QPersistentModelIndex
EMPTY_BG = QColor("#FFF3C4")     # not filled in yet: clearly not a zero
RECUSED_BG = QColor("#D9D9D9")
MISMATCH_BG = QColor("#F8CBAD")
PASS_BG = QColor("#E2EFDA")
PENDING_BG = QColor("#FFF2CC")
FIXED_COLS = 2


def num_text(d: Decimal | None) -> str:
    """A score as typed: no trailing zeros, "" when empty."""
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
        self.sheet: SheetData | None = None
        self.values: dict[tuple[int, str], Decimal | None] = {}
        self.mismatch: set[tuple[int, str]] = set()
        self.dirty = False
        self.read_only = False

    def load(self, sheet: SheetData | None, mismatches: set[tuple[int, str]] | None = None) -> None:
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
    def _cell(self, index: Index) -> tuple[ParticipantRow, Any] | None:
        if self.sheet is None or not index.isValid():
            return None
        p = self.sheet.rows[index.row()]
        col = index.column() - FIXED_COLS
        return p, (self.sheet.criteria[col] if col >= 0 else None)

    def set_mismatches(self, mismatches: set[tuple[int, str]]) -> None:
        """Mark the cells where the two entries differ (after a save), keeping what is typed."""
        self.mismatch = set(mismatches)
        if self.rowCount() and self.columnCount():
            self.dataChanged.emit(self.index(0, 0), self.index(self.rowCount() - 1, self.columnCount() - 1))

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
        return tr("{name}\n（满分 {max}）").format(name=c.name, max=num_text(c.max))

    def flags(self, index: Index) -> Qt.ItemFlag:
        base = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
        cell = self._cell(index)
        if cell is None:
            return Qt.ItemFlag.NoItemFlags
        p, crit = cell
        sheet = self.sheet
        if sheet is not None and crit is not None and p.candidacy_id not in sheet.recused \
                and not sheet.locked_reason and not self.read_only:
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
            return num_text(value)
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
                return tr("未填写（空白不等于 0 分）；满分 {m}").format(m=num_text(crit.max))
            return tr("满分 {m}").format(m=num_text(crit.max))
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
