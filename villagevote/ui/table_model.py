"""A read-only table model over plain rows, optionally fetched lazily in pages (for tables of 50,000+ rows).

``RowsModel(columns, fetch)`` where ``fetch(offset, limit) -> list[row]`` and ``count() -> int`` come from a
domain query; or ``RowsModel.from_rows(columns, rows)`` for small lists. A row is a tuple (cells by column
position) or an object such as a dataclass (cells by ``Column.field``, the attribute name).

Roles beyond Qt's own:

* :data:`SORT_ROLE` returns a key that sorts right: numbers (int, float, Decimal) as numbers, dates and datetimes
  chronologically, columns declared ``Column(title, kind="name")`` in 姓氏笔画 order (:func:`villagevote.names.
  stroke_key`), other text by code point; empty cells (None or "") give ``None``. Cells that hold TEXT for a number
  or a date (already formatted by a query) sort right when the column says so: ``kind="number"`` reads "1,234",
  "85.5", "12%", "3人" as numbers, ``kind="date"`` reads "2026-12-20", "2026/12/20", "2026年12月20日" and
  "2026-12-20 09:30" as dates; text that does not read as one ("—", "待定") counts as empty there.
* :data:`ID_ROLE` returns the row's id: ``id_of(row)`` when given, else the row's ``id`` attribute, else None.

Sorting/filtering belongs in the query (SQL) for big tables, or in the proxy made by :func:`sorting_proxy` for
small ones. That proxy compares :data:`SORT_ROLE` keys in Python and keeps empty cells at the bottom in both
directions (so do "—" or "待定" in number and date columns). Note: a proxy over a lazily fetched model sorts only the rows fetched so far (the first
``PAGE_SIZE``, then more as the view scrolls); a big table that must be sorted as a whole sorts in its query.
"""
from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Literal

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QObject, QPersistentModelIndex, QSortFilterProxyModel, Qt
from PySide6.QtGui import QBrush, QColor

from villagevote.names import stroke_key

__all__ = ["ID_ROLE", "PAGE_SIZE", "SORT_ROLE", "Column", "RowsModel", "SortProxy", "sort_key", "sorting_proxy"]

Index = QModelIndex | QPersistentModelIndex
PAGE_SIZE = 500
ID_ROLE = int(Qt.ItemDataRole.UserRole) + 1
SORT_ROLE = int(Qt.ItemDataRole.UserRole) + 2

ColumnKind = Literal["text", "name", "number", "date"]
Row = Any  # a tuple (cells by position) or an object with attributes (cells by Column.field)


@dataclass(frozen=True)
class Column:
    """One column. ``kind`` says how its cells sort: ``"name"`` a person's name (姓氏笔画 order), ``"number"`` /
    ``"date"`` numbers or dates even when the cells hold formatted text, ``"text"`` (default) by value type; ``field``
    names the attribute holding the cell when rows are objects (dataclasses) rather than tuples."""
    title: str
    align: Qt.AlignmentFlag = Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter
    kind: ColumnKind = "text"
    field: str | None = None


# Groups keep values of different types apart, so a column mixing them never compares e.g. a date with a str.
_NUMBER, _DATE, _TEXT, _OTHER = range(4)


_NUMBER_TEXT = re.compile(r"^[^\d+\-.]*([+\-]?\d[\d,，]*(?:\.\d+)?|[+\-]?\.\d+)\s*(%|％)?")
_DATE_TEXT = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?"
                        r"(?:\s*T?\s*(\d{1,2})[:：](\d{2})(?:[:：](\d{2}))?)?")


def _number_from_text(text: str) -> Decimal | None:
    """The number a formatted cell shows ("1,234" → 1234, "12.5%" → 12.5, "3人" → 3), or None."""
    match = _NUMBER_TEXT.match(text.strip())
    if match is None:
        return None
    return Decimal(match.group(1).replace(",", "").replace("，", ""))


def _date_from_text(text: str) -> tuple[dt.date, dt.time] | None:
    """(date, time) of a formatted date cell, or None when the text is not a valid date."""
    match = _DATE_TEXT.match(text.strip())
    if match is None:
        return None
    y, m, d, hh, mm, ss = (int(g) if g else 0 for g in match.groups())
    try:
        return dt.date(y, m, d), dt.time(hh, mm, ss)
    except ValueError:
        return None


def sort_key(value: Any, kind: ColumnKind = "text") -> tuple | None:
    """The SORT_ROLE key of one cell: None for an empty cell, else (type group, comparable value)."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, str) and kind == "number":
        number = _number_from_text(value)
        return None if number is None else (_NUMBER, number)
    if isinstance(value, str) and kind == "date":
        when = _date_from_text(value)
        return None if when is None else (_DATE, when)
    if isinstance(value, (bool, int, float, Decimal)):
        return (_NUMBER, value)
    if isinstance(value, dt.datetime):
        return (_DATE, (value.date(), value.time().replace(tzinfo=None)))
    if isinstance(value, dt.date):
        return (_DATE, (value, dt.time.min))
    if isinstance(value, str):
        return (_TEXT, stroke_key(value) if kind == "name" else value)
    return (_OTHER, str(value))


class RowsModel(QAbstractTableModel):
    """Rows shown by column; ``id_of(row)`` gives the row's id for ID_ROLE (default: the row's ``id`` attribute)."""

    def __init__(self, columns: Sequence[Column], fetch: Callable[[int, int], list[Row]] | None = None,
                 count: Callable[[], int] | None = None, parent: Any = None,
                 row_brush: Callable[[Row], QColor | None] | None = None,
                 id_of: Callable[[Row], Any] | None = None) -> None:
        super().__init__(parent)
        self.columns = list(columns)
        self._fetch, self._count = fetch, count
        self._rows: list[Row] = []
        self._total = 0
        self._row_brush = row_brush
        self._id_of = id_of
        self.reload()

    @classmethod
    def from_rows(cls, columns: Sequence[Column], rows: Sequence[Row], parent: Any = None,
                  row_brush: Callable[[Row], QColor | None] | None = None,
                  id_of: Callable[[Row], Any] | None = None) -> RowsModel:
        data = list(rows)
        return cls(columns, fetch=lambda off, lim: data[off:off + lim], count=lambda: len(data), parent=parent,
                   row_brush=row_brush, id_of=id_of)

    def set_source(self, fetch: Callable[[int, int], list[Row]], count: Callable[[], int]) -> None:
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

    def row_at(self, row: int) -> Row:
        return self._rows[row]

    def id_at(self, row: int) -> Any:
        """The id of the row at ``row`` (None when the row carries none)."""
        item = self._rows[row]
        return self._id_of(item) if self._id_of is not None else getattr(item, "id", None)

    def value_at(self, row: int, column: int) -> Any:
        """The raw cell value: ``row[column]`` for tuples, ``getattr(row, Column.field)`` for objects."""
        field = self.columns[column].field
        item = self._rows[row]
        return getattr(item, field) if field is not None else item[column]

    # Qt model API
    def rowCount(self, parent: Index = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.columns)

    def canFetchMore(self, parent: Index = QModelIndex()) -> bool:
        return not parent.isValid() and len(self._rows) < self._total

    def fetchMore(self, parent: Index = QModelIndex()) -> None:
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
        if role == ID_ROLE:
            return self.id_at(index.row())
        value = self.value_at(index.row(), index.column())
        if role == Qt.ItemDataRole.DisplayRole:
            return "" if value is None else str(value)
        if role == SORT_ROLE:
            return sort_key(value, self.columns[index.column()].kind)
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return int(self.columns[index.column()].align)
        if role == Qt.ItemDataRole.BackgroundRole and self._row_brush is not None:
            color = self._row_brush(self._rows[index.row()])
            return QBrush(color) if color is not None else None
        return None

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            return self.columns[section].title
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Vertical:
            return str(section + 1)
        return None


class SortProxy(QSortFilterProxyModel):
    """Sorts by SORT_ROLE keys compared in Python; empty cells stay at the bottom whichever way it sorts."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.setSortRole(SORT_ROLE)

    def lessThan(self, left: Index, right: Index) -> bool:
        source = self.sourceModel()
        lk = source.data(left, self.sortRole())
        rk = source.data(right, self.sortRole())
        if lk is None or rk is None:
            # Qt sorts descending by asking lessThan(right, left): the empty cell must then be the "smaller" one.
            descending = self.sortOrder() == Qt.SortOrder.DescendingOrder
            if lk is None:
                return descending and rk is not None
            return not descending
        try:
            return bool(lk < rk)
        except TypeError:  # keys from a foreign model that do not compare: fall back to their text
            return str(lk) < str(rk)


def sorting_proxy(model: QAbstractTableModel | None = None, parent: QObject | None = None) -> SortProxy:
    """A proxy for a view's ``setModel`` that sorts by SORT_ROLE (see :class:`SortProxy`); pages replace their
    ``QSortFilterProxyModel(self)`` with ``sorting_proxy(model, self)``. Filtering works as on any
    QSortFilterProxyModel. With a lazily fetched RowsModel only the rows fetched so far are sorted."""
    proxy = SortProxy(parent)
    if model is not None:
        proxy.setSourceModel(model)
    return proxy
