"""What the tabs of the 践诺跟踪 page share: the tab base (a :class:`Page` that reads the current cycle with its own
data), read-only tables, the lazily paged ledger model, due-date lights and ISO-week helpers."""
from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QAbstractItemView, QComboBox, QHeaderView, QTableView, QWidget

from villagevote.changes import Area
from villagevote.i18n import tr
from villagevote.ui.dialogs.common import Ask, show_error
from villagevote.ui.pages.base import Page
from villagevote.ui.table_model import ID_ROLE, PAGE_SIZE, Column, RowsModel, SortProxy, sorting_proxy

if TYPE_CHECKING:
    from villagevote.ui.context import AppContext

Index = QModelIndex | QPersistentModelIndex

#: the areas every tab shows: its own data, and the villages / cycle it is read for
TAB_AREAS = frozenset({Area.TRACKING, Area.TOWNSHIP})

# due-date lights (tracking.queries / machine.light codes) → text and colour; the text carries the meaning, the colour
# only helps (colour-blind users and black-and-white prints read the word)
LIGHTS: dict[str, tuple[str, QColor]] = {
    "ok": (tr("按期"), QColor("#1b7f3b")),
    "due_soon": (tr("临期"), QColor("#b26a00")),
    "overdue": (tr("逾期"), QColor("#c62828")),
    "done": (tr("已办结"), QColor("#666666")),
}
OVERDUE_BG = QColor("#fdecea")
DUE_SOON_BG = QColor("#fff4e0")
MISSING_BG = QColor("#FFF3C4")   # 未报: clearly not a zero


def light_text(code: str) -> str:
    return LIGHTS.get(code, ("", QColor()))[0]


def light_color(code: str) -> QColor | None:
    entry = LIGHTS.get(code)
    return entry[1] if entry is not None else None


# ---------------------------------------------------------------------------------------------------- ISO weeks
def week_of(day: dt.date) -> str:
    """The ISO week of ``day`` as the reports store it: ``2027-W05``."""
    year, week, _ = day.isocalendar()
    return f"{year}-W{week:02d}"


def week_monday(period: str) -> dt.date:
    year, week = period.split("-W")
    return dt.date.fromisocalendar(int(year), int(week), 1)


def recent_weeks(today: dt.date, n: int = 26) -> list[str]:
    """The ISO weeks from this one back ``n`` weeks, newest first."""
    return [week_of(today - dt.timedelta(weeks=i)) for i in range(n)]


def week_label(period: str) -> str:
    monday = week_monday(period)
    sunday = monday + dt.timedelta(days=6)
    return tr("{p}（{a}—{b}）").format(p=period, a=f"{monday.month}月{monday.day}日", b=f"{sunday.month}月{sunday.day}日")


def quarter_of(day: dt.date) -> str:
    return f"{day.year}-Q{(day.month - 1) // 3 + 1}"


def recent_quarters(today: dt.date, n: int = 8) -> list[str]:
    year, q = today.year, (today.month - 1) // 3 + 1
    out = []
    for _ in range(n):
        out.append(f"{year}-Q{q}")
        q -= 1
        if q == 0:
            year, q = year - 1, 4
    return out


def month_of(day: dt.date) -> str:
    return f"{day.year}-{day.month:02d}"


def date_text(day: dt.date | None) -> str:
    return day.isoformat() if day is not None else ""


# ---------------------------------------------------------------------------------------------------- tables
def table(model: Any, parent: QWidget, *, sortable: bool = True, fit: bool = True) -> QTableView:
    """A read-only table selecting one row; sortable ones sort by header click through a proxy (names in 姓氏笔画
    order, numbers as numbers), in the order the domain gave until a header is clicked."""
    view = QTableView()
    if sortable:
        view.setModel(sorting_proxy(model, parent))
        view.horizontalHeader().setSortIndicator(-1, Qt.SortOrder.AscendingOrder)
        view.setSortingEnabled(True)
    else:
        view.setModel(model)
    view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    view.setAlternatingRowColors(True)
    view.verticalHeader().setDefaultSectionSize(24)
    # small tables fit their columns to the contents; the paged ledger sets widths (fitting would read every row)
    view.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents if fit
                                                 else QHeaderView.ResizeMode.Interactive)
    view.horizontalHeader().setStretchLastSection(True)
    view.verticalHeader().hide()
    return view


def reselect(view: QTableView, wanted_id: Any) -> None:
    """Select the row whose id is ``wanted_id`` again after a reload (nothing when it is gone)."""
    if wanted_id is None:
        return
    model = view.model()
    for r in range(model.rowCount()):
        if model.index(r, 0).data(ID_ROLE) == wanted_id:
            view.selectRow(r)
            return


def current_row(view: QTableView) -> Any:
    """The row object under the view's current index (through a sorting proxy), or None."""
    index = view.currentIndex()
    if not index.isValid():
        return None
    model = view.model()
    if isinstance(model, SortProxy):
        index = model.mapToSource(index)
        model = model.sourceModel()
    if not isinstance(model, RowsModel) or index.row() >= model.rowCount():
        return None
    return model.row_at(index.row())


def selected_or_say(parent: QWidget, view: QTableView, what: str) -> Any:
    row = current_row(view)
    if row is None:
        Ask.info(parent, tr("请先选择"), tr("请先在表格中选中一条{what}。").format(what=what))
    return row


def rows_model(columns: list[Column], rows: list[Any] | None = None,
               row_brush: Callable[[Any], QColor | None] | None = None) -> RowsModel:
    return RowsModel.from_rows(columns, rows or [], row_brush=row_brush)


def set_rows(model: RowsModel, rows: list[Any]) -> None:
    data = list(rows)
    model.set_source(lambda o, n: data[o:o + n], lambda: len(data))


class PagedRows(RowsModel):
    """Rows read page by page on the database worker: the first page arrives with the tab's query, the next ones
    (``read_more(session, offset, limit)`` through ``ctx.query``) when the view scrolls to the end — never on the GUI
    thread, never all at once."""

    def __init__(self, ctx: AppContext, columns: list[Column],
                 row_brush: Callable[[Any], QColor | None] | None = None,
                 foreground: Callable[[Any, int], QColor | None] | None = None) -> None:
        super().__init__(columns, row_brush=row_brush)
        self.ctx = ctx
        self._loaded: list[Any] = []
        self._read_more: Callable[[Any, int, int], list[Any]] | None = None
        self._pending = False
        self._generation = 0
        self._foreground = foreground

    def show(self, total: int, rows: list[Any], read_more: Callable[[Any, int, int], list[Any]] | None) -> None:
        self._generation += 1
        self._pending = False
        self._loaded = list(rows)
        self._read_more = read_more
        self.set_source(lambda offset, limit: self._loaded[offset:offset + limit], lambda: total)

    def canFetchMore(self, parent: Index = QModelIndex()) -> bool:
        return not self._pending and super().canFetchMore(parent)

    def fetchMore(self, parent: Index = QModelIndex()) -> None:
        if parent.isValid() or not self.canFetchMore(parent):
            return
        offset = len(self._loaded)
        if offset > self.rowCount() or self._read_more is None:
            super().fetchMore(parent)
            return
        self._pending = True
        generation, read = self._generation, self._read_more

        def done(rows: list[Any]) -> None:
            if generation != self._generation:
                return  # the filter changed meanwhile
            self._pending = False
            self._loaded.extend(rows)
            if not rows:  # fewer rows than counted (a write in between): stop asking
                self._loaded_all()
                return
            RowsModel.fetchMore(self, QModelIndex())

        def failed(exc: BaseException) -> None:
            self._pending = False
            show_error(None, exc)

        self.ctx.query(lambda s: read(s, offset, PAGE_SIZE), done, on_error=failed)

    def _loaded_all(self) -> None:
        self.set_source(lambda offset, limit: self._loaded[offset:offset + limit], lambda: len(self._loaded))

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role == Qt.ItemDataRole.ForegroundRole and self._foreground is not None and index.isValid() \
                and index.row() < self.rowCount():
            return self._foreground(self.row_at(index.row()), index.column())
        return super().data(index, role)


def fill_villages(combo: QComboBox, villages: list[Any], chosen: int | None, first: str | None = None) -> None:
    """The village choice (``first`` = the whole township, data None) keeping ``chosen`` selected; no signal."""
    combo.blockSignals(True)
    combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
    combo.clear()
    if first is not None:
        combo.addItem(first, None)
    for v in villages:
        combo.addItem(v.name, v.id)
    index = combo.findData(chosen)
    combo.setCurrentIndex(index if index >= 0 else 0)
    combo.blockSignals(False)


def fill_texts(combo: QComboBox, items: list[tuple[str, Any]], chosen: Any) -> None:
    combo.blockSignals(True)
    combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
    combo.clear()
    for text, data in items:
        combo.addItem(text, data)
    index = combo.findData(chosen)
    combo.setCurrentIndex(index if index >= 0 else 0)
    combo.blockSignals(False)


class TrackingTab(Page):
    """One tab of the 践诺跟踪 page: a :class:`Page` (reloads when tracking or township data is written, and only
    when shown) that knows the page it sits on."""

    AREAS = TAB_AREAS

    def __init__(self, page: Any) -> None:
        super().__init__(page.ctx)
        self.page = page

    @property
    def today(self) -> dt.date:
        return self.page.today()

    def village_name(self) -> str | None:
        """The village chosen in the main window's tree (None: the whole township)."""
        return self.page.village_name()
