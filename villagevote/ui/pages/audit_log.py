"""系统 → 审计日志: search the audit log by person, user, action and date; paged; Chinese labels; what a role may not
see (full ID numbers, review findings) is masked by the domain read function ``villagevote.audit.list_entries``."""
from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from PySide6.QtCore import QDate, QModelIndex, Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QSplitter,
    QTableView,
    QVBoxLayout,
)

from villagevote import audit
from villagevote.audit import AuditEntry, AuditFilter
from villagevote.audit_labels import action_choices
from villagevote.changes import Area
from villagevote.errors import UserError
from villagevote.i18n import tr
from villagevote.ui.dialogs.common import date_edit, show_error
from villagevote.ui.pages.base import Page
from villagevote.ui.table_model import PAGE_SIZE, Column, Index, RowsModel

CELL_CHARS = 120


def _cell(text: str) -> str:
    text = text.replace("\n", " ")
    return text if len(text) <= CELL_CHARS else text[:CELL_CHARS - 1] + "…"


def _qdate(day: QDate) -> dt.date:
    return dt.date(day.year(), day.month(), day.day())


class PagedRows(RowsModel):
    """Rows that arrive page by page from the database worker: the first page and the total come with the search;
    scrolling asks ``more(offset, limit, deliver)`` for the next page, and ``deliver(rows)`` appends it (a page of a
    search that was replaced meanwhile is dropped)."""

    def __init__(self, columns: list[Column]) -> None:
        super().__init__(columns)
        self._more: Callable[[int, int, Callable[[list], None]], None] | None = None
        self._asked = False
        self._generation = 0

    def show(self, rows: list, total: int, more: Callable[[int, int, Callable[[list], None]], None]) -> None:
        self._generation += 1
        self._asked = False
        self._more = more
        self.set_source(lambda o, n: rows[o:o + n], lambda: total)

    def canFetchMore(self, parent: Index = QModelIndex()) -> bool:
        return super().canFetchMore(parent) and not self._asked

    def fetchMore(self, parent: Index = QModelIndex()) -> None:
        if parent.isValid() or self._more is None or self._asked:
            return
        self._asked = True
        generation = self._generation
        self._more(self.rowCount(), PAGE_SIZE, lambda rows: self._deliver(generation, rows))

    def _deliver(self, generation: int, rows: list) -> None:
        if generation != self._generation:
            return
        self._asked = False
        if not rows:
            self._total = self.rowCount()
            return
        self.beginInsertRows(QModelIndex(), self.rowCount(), self.rowCount() + len(rows) - 1)
        self._rows.extend(rows)
        self.endInsertRows()


class AuditLogTab(Page):
    """The audit log viewer. ``refresh()`` re-runs the current search (the 系统 page calls it when shown)."""

    AREAS = frozenset(Area)  # every write leaves an audit row

    COLUMNS = (tr("时间"), tr("用户"), tr("操作"), tr("对象"), tr("编号"), tr("修改前"), tr("修改后"), tr("备注"))

    def __init__(self, ctx) -> None:
        super().__init__(ctx)
        self._filters = AuditFilter()
        layout = QVBoxLayout(self)

        row = QHBoxLayout()
        self.person = QLineEdit()
        self.person.setPlaceholderText(tr("姓名或身份证号码片段"))
        self.user = QLineEdit()
        self.user.setPlaceholderText(tr("用户名"))
        self.action = QComboBox()
        self.action.addItem(tr("全部操作"), "")
        for label, code in action_choices():
            self.action.addItem(label, code)
        self.by_date = QCheckBox(tr("日期"))
        today = dt.date.today()
        self.date_from = date_edit(today - dt.timedelta(days=30))
        self.date_to = date_edit(today)
        self.search_btn = QPushButton(tr("查找"))
        self.clear_btn = QPushButton(tr("清除条件"))
        for widget in (QLabel(tr("人员：")), self.person, QLabel(tr("用户：")), self.user, QLabel(tr("操作：")),
                       self.action, self.by_date, self.date_from, QLabel(tr("至")), self.date_to, self.search_btn,
                       self.clear_btn):
            row.addWidget(widget)
        row.addStretch(1)
        layout.addLayout(row)
        self.count_label = QLabel()
        layout.addWidget(self.count_label)

        self.model = PagedRows([Column(t) for t in self.COLUMNS])
        self.view = QTableView()
        self.view.setModel(self.model)
        self.view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.view.setWordWrap(False)
        header = self.view.horizontalHeader()
        for col in range(len(self.COLUMNS)):
            header.setSectionResizeMode(col, QHeaderView.ResizeMode.Interactive)
        for col, width in enumerate((140, 80, 110, 90, 50, 260, 260)):
            self.view.setColumnWidth(col, width)
        header.setStretchLastSection(True)
        self.detail = QPlainTextEdit()
        self.detail.setReadOnly(True)
        self.detail.setPlaceholderText(tr("选择一行查看完整内容"))
        split = QSplitter(Qt.Orientation.Vertical)
        split.addWidget(self.view)
        split.addWidget(self.detail)
        split.setSizes([420, 140])
        layout.addWidget(split, 1)

        self.by_date.toggled.connect(self._date_toggled)
        self._date_toggled(False)
        self.search_btn.clicked.connect(self.search)
        self.clear_btn.clicked.connect(self.clear)
        self.person.returnPressed.connect(self.search)
        self.user.returnPressed.connect(self.search)
        self.view.selectionModel().currentRowChanged.connect(lambda cur, _prev: self._show_detail(cur.row()))
        self.reload()

    def _date_toggled(self, on: bool) -> None:
        self.date_from.setEnabled(on)
        self.date_to.setEnabled(on)

    def current_filters(self) -> AuditFilter:
        start, end = (_qdate(self.date_from.date()), _qdate(self.date_to.date())) if self.by_date.isChecked() \
            else (None, None)
        return AuditFilter(person=self.person.text().strip(), user=self.user.text().strip(),
                           action=self.action.currentData() or "", date_from=start, date_to=end)

    def search(self) -> None:
        """Run the search typed; a refused one (an ID fragment without the right) keeps the previous result."""
        filters = self.current_filters()
        if filters.date_from and filters.date_to and filters.date_from > filters.date_to:
            show_error(self, UserError(tr("开始日期晚于结束日期，请重新选择。")))
            return
        self._load(filters)

    def clear(self) -> None:
        self.person.clear()
        self.user.clear()
        self.action.setCurrentIndex(0)
        self.by_date.setChecked(False)
        self.search()

    def refresh(self) -> None:
        """Re-run the current search (the 系统 page calls it when the tab is shown)."""
        self.reload()

    def fetch(self, session) -> audit.AuditPage:
        return audit.first_page(session, self.ctx.actor, self._filters, PAGE_SIZE)

    def _load(self, filters: AuditFilter) -> None:
        actor = self.ctx.actor

        def done(page: audit.AuditPage) -> None:
            self._filters = filters
            self.show_data(page)
        self.ctx.query(lambda s: audit.first_page(s, actor, filters, PAGE_SIZE), done, parent=self)

    def show_data(self, data: audit.AuditPage) -> None:
        filters, actor = self._filters, self.ctx.actor

        def more(offset: int, limit: int, deliver: Callable[[list], None]) -> None:
            self.ctx.query(lambda s: [self._row(e) for e in audit.list_entries(s, actor, filters, offset, limit)],
                           deliver, parent=self)
        self.model.show([self._row(e) for e in data.entries], data.total, more)
        self.count_label.setText(tr("共 {n} 条记录（最新的在前，向下滚动继续载入）").format(n=data.total))
        self.detail.clear()

    @staticmethod
    def _row(e: AuditEntry) -> tuple:
        return (f"{e.at:%Y-%m-%d %H:%M:%S}", e.username, e.action_label, e.entity_label, e.entity_id,
                _cell(e.before_text), _cell(e.after_text), _cell(e.note), e)

    def _show_detail(self, row: int) -> None:
        if row < 0 or row >= self.model.rowCount():
            self.detail.clear()
            return
        e: AuditEntry = self.model.row_at(row)[-1]
        lines = [tr("第 {id} 条　{at}　{user}　{action}　{entity} {entity_id}").format(
            id=e.id, at=f"{e.at:%Y-%m-%d %H:%M:%S}", user=e.username, action=e.action_label, entity=e.entity_label,
            entity_id=e.entity_id)]
        if e.before_text:
            lines.append(tr("修改前：{text}").format(text=e.before_text))
        if e.after_text:
            lines.append(tr("修改后：{text}").format(text=e.after_text))
        if e.note:
            lines.append(tr("备注：{text}").format(text=e.note))
        self.detail.setPlainText("\n".join(lines))
