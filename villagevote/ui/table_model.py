"""A read-only table model over plain rows, optionally fetched lazily in pages (for tables of 50,000+ rows).

``RowsModel(columns, fetch)`` where ``fetch(offset, limit) -> list[tuple]`` and ``count() -> int`` come from a
domain query; or ``RowsModel.from_rows(columns, rows)`` for small lists. Sorting/filtering belongs in the query
(SQL) for big tables, or in a QSortFilterProxyModel for small ones.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable, Sequence

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QBrush, QColor

Index = QModelIndex | QPersistentModelIndex
PAGE_SIZE = 500


@dataclass(frozen=True)
class Column:
    title: str
    align: Qt.AlignmentFlag = Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter


class RowsModel(QAbstractTableModel):
    def __init__(self, columns: Sequence[Column], fetch: Callable[[int, int], list[Sequence[Any]]] | None = None,
                 count: Callable[[], int] | None = None, parent: Any = None,
                 row_brush: Callable[[Sequence[Any]], QColor | None] | None = None) -> None:
        super().__init__(parent)
        self.columns = list(columns)
        self._fetch, self._count = fetch, count
        self._rows: list[Sequence[Any]] = []
        self._total = 0
        self._row_brush = row_brush
        self.reload()

    @classmethod
    def from_rows(cls, columns: Sequence[Column], rows: Sequence[Sequence[Any]], parent: Any = None,
                  row_brush: Callable[[Sequence[Any]], QColor | None] | None = None) -> "RowsModel":
        data = list(rows)
        return cls(columns, fetch=lambda off, lim: data[off:off + lim], count=lambda: len(data), parent=parent,
                   row_brush=row_brush)

    def set_source(self, fetch: Callable[[int, int], list[Sequence[Any]]], count: Callable[[], int]) -> None:
        self._fetch, self._count = fetch, count
        self.reload()

    def reload(self) -> None:
        self.beginResetModel()
        self._total = self._count() if self._count else 0
        self._rows = list(self._fetch(0, PAGE_SIZE)) if self._fetch and self._total else []
        self.endResetModel()

    @property
    def total(self) -> int:
        return self._total

    def row_at(self, row: int) -> Sequence[Any]:
        return self._rows[row]

    # Qt model API
    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: N802
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: N802
        return 0 if parent.isValid() else len(self.columns)

    def canFetchMore(self, parent: Index = QModelIndex()) -> bool:  # noqa: N802
        return not parent.isValid() and len(self._rows) < self._total

    def fetchMore(self, parent: Index = QModelIndex()) -> None:  # noqa: N802
        if parent.isValid() or self._fetch is None:
            return
        more = list(self._fetch(len(self._rows), PAGE_SIZE))
        if not more:
            self._total = len(self._rows)
            return
        self.beginInsertRows(QModelIndex(), len(self._rows), len(self._rows) + len(more) - 1)
        self._rows.extend(more)
        self.endInsertRows()

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or index.row() >= len(self._rows) or index.column() >= len(self.columns):
            return None
        value = self._rows[index.row()][index.column()]
        if role == Qt.ItemDataRole.DisplayRole:
            return "" if value is None else str(value)
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return int(self.columns[index.column()].align)
        if role == Qt.ItemDataRole.BackgroundRole and self._row_brush is not None:
            color = self._row_brush(self._rows[index.row()])
            return QBrush(color) if color is not None else None
        return None

    def headerData(self, section: int, orientation: Qt.Orientation,  # noqa: N802
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            return self.columns[section].title
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Vertical:
            return str(section + 1)
        return None
