"""What the panels of the 实绩比选 page share: the page they belong to, and sortable read-only tables."""
from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTableView, QWidget

from villagevote.i18n import tr
from villagevote.scoring.queries import SchemeView
from villagevote.ui.dialogs.common import Ask
from villagevote.ui.table_model import RowsModel, SortProxy, sorting_proxy

if TYPE_CHECKING:
    from villagevote.ui.pages.scoring.page import ScoringPage


class Panel(QWidget):
    """One tab of the page. ``show_view`` puts the scheme in view on screen (None: no scheme yet)."""

    def __init__(self, page: ScoringPage) -> None:
        super().__init__()
        self.page = page
        self.ctx = page.ctx

    @property
    def view(self) -> SchemeView | None:
        return self.page.view

    def show_view(self, view: SchemeView | None) -> None:
        raise NotImplementedError


def table(model: RowsModel, parent: QWidget) -> QTableView:
    """A read-only, one-row-selecting table over ``model`` that sorts by header click (numbers as numbers, names in
    姓氏笔画 order)."""
    view = QTableView()
    view.setModel(sorting_proxy(model, parent))
    view.setSortingEnabled(True)
    view.sortByColumn(-1, Qt.SortOrder.AscendingOrder)  # the order the domain gave until a header is clicked
    view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    view.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    view.horizontalHeader().setStretchLastSection(True)
    view.verticalHeader().hide()
    view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    return view


def source_row(view: QTableView) -> int | None:
    """The model row behind the view's current row (the view sorts through a proxy), or None."""
    idx = view.currentIndex()
    if not idx.isValid():
        return None
    proxy = view.model()
    return proxy.mapToSource(idx).row() if isinstance(proxy, SortProxy) else idx.row()


def selected(parent: QWidget, view: QTableView) -> Any:
    """The row object selected in ``view``; asks the user to choose one first when nothing is selected."""
    row = source_row(view)
    proxy = view.model()
    model = proxy.sourceModel() if isinstance(proxy, SortProxy) else proxy
    if row is None or not isinstance(model, RowsModel) or row >= model.rowCount():
        Ask.error(parent, tr("请先选择"), tr("请先在表格中选择一行"))
        return None
    return model.row_at(row)


def rows_source(rows: list[Any]) -> tuple[Callable[[int, int], list[Any]], Callable[[], int]]:
    """``(fetch, count)`` for ``RowsModel.set_source`` over rows already read."""
    return (lambda o, n: rows[o:o + n]), (lambda: len(rows))
