"""选民与选举 page, register tabs: the township register (lazy, filtered, searchable), objections, proxies and the
township-wide duplicate checks. Reads go through ``villagevote.voters.queries`` and writes through the voters
domain functions, both on the database worker (``ctx.query`` / ``ctx.write``); prints through ``ui.printing``."""
from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, Qt, QTimer
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from villagevote.auth import Permission
from villagevote.changes import Area
from villagevote.i18n import tr
from villagevote.models.enums import VoterCategory
from villagevote.reports.registry import Options
from villagevote.ui.context import AppContext
from villagevote.ui.dialogs.common import Ask, ask_date, show_error
from villagevote.ui.dialogs.voters_import import start_import
from villagevote.ui.dialogs.voters_objection import AnswerDialog, ObjectionDialog
from villagevote.ui.dialogs.voters_pick import fill_combo
from villagevote.ui.dialogs.voters_proxy import ProxyDialog
from villagevote.ui.dialogs.voters_remove import RemoveDialog
from villagevote.ui.pages.base import Page
from villagevote.ui.printing import produce
from villagevote.ui.table_model import PAGE_SIZE, Column, RowsModel, SortProxy, sorting_proxy
from villagevote.ui.widgets import button, combo_enum
from villagevote.voters import queries
from villagevote.voters import register as reg
from villagevote.voters.proxies import revoke_proxy

__all__ = ["EXTRA_TABS", "ChecksTab", "ObjectionsTab", "ProxiesTab", "VoterRegisterTab"]

EXTRA_TABS = [("ObjectionsTab", tr("名单异议")), ("ProxiesTab", tr("委托投票")), ("ChecksTab", tr("全镇查重"))]

CENTER = Qt.AlignmentFlag.AlignCenter
REGISTER_COLUMNS = [Column(tr("村")), Column(tr("村民小组")), Column(tr("姓名"), kind="name"), Column(tr("性别"), CENTER),
                    Column(tr("出生日期"), CENTER), Column(tr("选举日年龄"), CENTER), Column(tr("身份证号")),
                    Column(tr("登记类别")), Column(tr("状态"), CENTER), Column(tr("有选举权"), CENTER), Column(tr("说明"))]
_INELIGIBLE = QColor("#FFF4CE")
_REMOVED = QColor("#E6E6E6")
_LATE = QColor("#F8D7DA")
Index = QModelIndex | QPersistentModelIndex


def _table() -> QTableView:
    view = QTableView()
    view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    view.setAlternatingRowColors(True)
    view.verticalHeader().setDefaultSectionSize(24)
    view.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
    view.horizontalHeader().setStretchLastSection(True)
    return view


def _selected_row(tab: QWidget, view: QTableView, model: RowsModel, title: str, message: str) -> Any:
    """The selected row of the tab's table (through its sorting proxy, if any), or None after telling the user to
    select one."""
    rows = view.selectionModel().selectedRows()
    if not rows:
        Ask.info(tab, title, message)
        return None
    index = rows[0]
    proxy = view.model()
    if isinstance(proxy, SortProxy):
        index = proxy.mapToSource(index)
    return model.row_at(index.row())


class PagedRows(RowsModel):
    """The register's rows: the first page arrives with the tab's query; further pages are read on the database
    worker (``ctx.query``) when the view scrolls to the end, so 50,000 rows never load at once nor on the GUI
    thread."""

    def __init__(self, ctx: AppContext, columns: list[Column], row_brush: Callable[[Any], QColor | None]) -> None:
        super().__init__(columns, row_brush=row_brush)
        self._loaded: list[tuple] = []
        self.ctx = ctx
        self._read_more: Callable[[Any, int, int], list[tuple]] | None = None
        self._pending = False
        self._generation = 0

    def show(self, total: int, rows: list[tuple], read_more: Callable[[Any, int, int], list[tuple]] | None) -> None:
        """Show ``total`` rows of which ``rows`` are the first; ``read_more(session, offset, limit)`` reads on."""
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
            super().fetchMore(parent)  # still in memory
            return
        self._pending = True
        generation, read = self._generation, self._read_more

        def done(rows: list[tuple]) -> None:
            if generation != self._generation:
                return  # the filter changed meanwhile
            self._pending = False
            self._loaded.extend(rows)
            RowsModel.fetchMore(self, QModelIndex())

        def failed(exc: BaseException) -> None:
            self._pending = False
            show_error(None, exc)

        self.ctx.query(lambda s: read(s, offset, PAGE_SIZE), done, on_error=failed)


class _ListTab(Page):
    """A summary line over a small sortable table and a row of buttons; reloads when the voters' data, the
    village or the database changes."""

    AREAS = frozenset({Area.VOTERS, Area.TOWNSHIP})

    def __init__(self, ctx: AppContext, columns: list[Column], word_wrap: bool = False,
                 parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        layout = QVBoxLayout(self)
        self.summary = QLabel()
        self.summary.setWordWrap(word_wrap)
        layout.addWidget(self.summary)
        self.columns = columns
        self.model = RowsModel.from_rows(columns, [])
        self.proxy = sorting_proxy(self.model, self)
        self.view = _table()
        self.view.setModel(self.proxy)
        self.view.horizontalHeader().setSortIndicator(-1, Qt.SortOrder.AscendingOrder)  # as read until clicked
        self.view.setSortingEnabled(True)
        layout.addWidget(self.view, 1)
        row = QHBoxLayout()
        self.add_buttons(row)
        layout.addLayout(row)
        self.cycle_id: int | None = None
        self.reload()

    def add_buttons(self, row: QHBoxLayout) -> None:
        raise NotImplementedError

    def set_rows(self, rows: list[tuple], row_brush: Callable[[Any], QColor | None] | None = None) -> None:
        self.model = RowsModel.from_rows(self.columns, rows, row_brush=row_brush)
        self.proxy.setSourceModel(self.model)

    def selected(self, title: str, message: str) -> Any:
        return _selected_row(self, self.view, self.model, title, message)


class VoterRegisterTab(Page):
    """The register over the whole township (or one village): filters, search, import, removal, publication."""

    AREAS = frozenset({Area.VOTERS, Area.TOWNSHIP})

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        layout = QVBoxLayout(self)
        filters = QHBoxLayout()
        self.village = QComboBox()
        self.group = QComboBox()
        self.category = QComboBox()
        self.category.addItem(tr("全部类别"), None)
        for c in VoterCategory:
            self.category.addItem(c.label, c)
        self.status = QComboBox()
        for code, label in reg.STATUS_FILTERS.items():
            self.status.addItem(tr(label), code)
        self.search = QLineEdit()
        self.search.setPlaceholderText(tr("搜索：姓名、拼音首字母（如 zs）或身份证号片段"))
        self.search.setClearButtonEnabled(True)
        for label, widget in ((tr("村"), self.village), (tr("村民小组"), self.group), (tr("类别"), self.category),
                              (tr("状态"), self.status)):
            filters.addWidget(QLabel(label))
            filters.addWidget(widget)
        filters.addWidget(self.search, 1)
        layout.addLayout(filters)

        self.count = QLabel()
        layout.addWidget(self.count)
        # the register is sorted by its query (village, group, 姓氏笔画) and read page by page: no sorting proxy
        self.model = PagedRows(ctx, REGISTER_COLUMNS, row_brush=self._brush)
        self.view = _table()
        self.view.setModel(self.model)
        for col, width in enumerate((80, 100, 80, 44, 90, 70, 160, 130, 90, 66)):
            self.view.setColumnWidth(col, width)
        layout.addWidget(self.view, 1)

        edit = ctx.can(Permission.EDIT)
        buttons = QHBoxLayout()
        self.import_button = button(tr("导入名单…"), self.import_file, edit)
        buttons.addWidget(self.import_button)
        buttons.addWidget(button(tr("下载导入模板…"), self.save_template))
        buttons.addWidget(button(tr("除名…"), self.remove_selected, edit))
        buttons.addWidget(button(tr("恢复登记…"), self.restore_selected, edit))
        buttons.addWidget(button(tr("登记历史"), self.show_history))
        buttons.addStretch(1)
        buttons.addWidget(button(tr("登记公布日期…"), self.publish, edit))
        buttons.addWidget(button(tr("打印登记日和选举日公告…"), lambda: self.print_form("voter-day-notice")))
        buttons.addWidget(button(tr("打印选民名单公告…"), lambda: self.print_form("voter-notice")))
        buttons.addWidget(button(tr("打印补登、除名公告…"), lambda: self.print_form("voter-changes")))
        buttons.addWidget(button(tr("打印选民证…"), lambda: self.print_form("voter-cards")))
        buttons.addWidget(button(tr("导出名单…"), self.export, ctx.can(Permission.VIEW_SENSITIVE)))
        layout.addLayout(buttons)

        self.cycle_id: int | None = None
        self._wanted: tuple = ()
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(250)
        self._timer.timeout.connect(self.reload)
        self.search.textChanged.connect(lambda _t: self._timer.start())
        self.village.currentIndexChanged.connect(self._village_picked)
        for combo in (self.group, self.category, self.status):
            combo.currentIndexChanged.connect(lambda _i: self.reload())
        ctx.village_changed.connect(self._follow_village)
        self.reload()

    # ---- filters and loading -------------------------------------------------------------------------------------
    def _follow_village(self, village_id: int | None) -> None:
        index = self.village.findData(village_id)
        if index >= 0 and index != self.village.currentIndex():
            self.village.setCurrentIndex(index)

    def _village_picked(self) -> None:
        self.group.blockSignals(True)
        self.group.setCurrentIndex(0)  # another village's groups are read with the register
        self.group.blockSignals(False)
        self.reload()

    def _village_id(self) -> int | None:
        return self.village.currentData() if self.village.count() else self.ctx.village_id

    def reload(self) -> None:
        # the filters as chosen now (GUI thread); fetch reads them on the worker
        self._wanted = (self._village_id(), self.group.currentData(), combo_enum(self.category, VoterCategory),
                        self.status.currentData() or "", self.search.text(), self.ctx.can(Permission.VIEW_SENSITIVE))
        super().reload()

    def fetch(self, session) -> tuple[queries.RegisterView, tuple]:
        wanted = self._wanted
        village_id, group_id, category, status, query, full = wanted
        return queries.register_view(session, village_id, group_id, category, status, query, full, PAGE_SIZE), wanted

    def show_data(self, data: tuple[queries.RegisterView, tuple]) -> None:
        view, (village_id, group_id, _category, _status, _query, full) = data
        self.cycle_id = view.cycle_id
        fill_combo(self.village, tr("全镇"), view.villages, village_id)
        fill_combo(self.group, tr("全部小组"), view.groups, group_id)
        if view.filter is None:
            self.model.show(0, [], None)
            self.count.setText(tr("尚未设置换届届次，请先在系统页建立届次。"))
            return
        f = view.filter
        self.model.show(view.total, view.rows, lambda s, offset, limit: queries.register_page(s, f, offset, limit, full))
        self.count.setText(tr("共 {n} 人（滚动时逐页加载）").format(n=view.total) +
                           ("" if full else tr("；身份证号已隐去中间八位")))

    @staticmethod
    def _brush(row: tuple) -> QColor | None:
        if row[8] != tr("有效"):
            return _REMOVED
        if row[9] == tr("否"):
            return _INELIGIBLE
        return None

    def selected_row(self) -> tuple | None:
        return _selected_row(self, self.view, self.model, tr("请选择选民"), tr("请先在表格中选中一位选民。"))

    def selected_id(self) -> int | None:
        row = self.selected_row()
        return None if row is None else row[queries.REGISTER_ID]

    def _village_name(self) -> str | None:
        return self.village.currentText() if self.village.currentData() is not None else None

    # ---- actions -------------------------------------------------------------------------------------------------
    def import_file(self) -> None:
        start_import(self, self.ctx, self.village.currentData())

    def save_template(self) -> None:
        produce(self, self.ctx, "export", "voter-template", Options(village=self._village_name()),
                file_name=tr("选民名单模板"))

    def remove_selected(self) -> None:
        row = self.selected_row()
        if row is None:
            return
        answer = RemoveDialog.ask(self)
        if answer is None:
            return
        status, reason, on = answer
        vid, version, actor = row[queries.REGISTER_ID], row[queries.REGISTER_VERSION], self.ctx.actor

        def removed(notes: list[str]) -> None:
            if notes:
                Ask.info(self, tr("已除名"), "\n".join(notes))

        self.ctx.write(lambda s: reg.remove_voter(s, actor, vid, status, reason, on, expected_version=version),
                       Area.VOTERS, on_done=removed, parent=self)

    def restore_selected(self) -> None:
        row = self.selected_row()
        if row is None:
            return
        reason = Ask.text(self, tr("恢复登记"), tr("恢复登记的原因："))
        if not reason:
            return
        vid, version, actor, today = row[queries.REGISTER_ID], row[queries.REGISTER_VERSION], self.ctx.actor, \
            dt.date.today()
        self.ctx.write(lambda s: reg.restore_voter(s, actor, vid, reason, today, expected_version=version),
                       Area.VOTERS, parent=self)

    def show_history(self) -> None:
        vid = self.selected_id()
        if vid is None:
            return

        def show(rows: list[reg.HistoryRow]) -> None:
            lines = [f"{h.at:%Y-%m-%d %H:%M}  {h.kind}  {h.status_before}→{h.status_after}  "
                     f"{h.event_date or ''}  {h.reason}  {h.username}" for h in rows]
            Ask.info(self, tr("登记历史"), "\n".join(lines))

        self.ctx.query(lambda s: reg.voter_history(s, vid), show, parent=self)

    def publish(self) -> None:
        vid, cycle_id = self.village.currentData(), self.cycle_id
        if vid is None or cycle_id is None:
            Ask.info(self, tr("请选择村"), tr("请先在上方选择要公布名单的村。"))
            return
        on = ask_date(self, tr("登记公布日期"), tr("选民名单公布日期（YYYY-MM-DD）："))
        if on is None:
            return
        actor = self.ctx.actor
        self.ctx.write(lambda s: reg.publish_voter_list(s, actor, cycle_id, vid, on), Area.VOTERS, parent=self,
                       on_done=lambda warnings: Ask.info(self, tr("已登记"), "\n".join(warnings)
                                                         or tr("已登记公布日期 {d}").format(d=on)))

    def print_form(self, name: str) -> None:
        produce(self, self.ctx, "print", name, Options(village=self._village_name()))

    def export(self) -> None:
        produce(self, self.ctx, "export", "voters", Options(village=self._village_name()))


# ---------------------------------------------------------------------------------------------------------------
# Objections
# ---------------------------------------------------------------------------------------------------------------
OBJECTION_COLUMNS = [Column(tr("村")), Column(tr("提出人"), kind="name"), Column(tr("涉及"), kind="name"),
                     Column(tr("请求")), Column(tr("理由")), Column(tr("收到日期"), CENTER), Column(tr("异议截止"), CENTER),
                     Column(tr("应答复日期"), CENTER), Column(tr("结论"), CENTER), Column(tr("答复日期"), CENTER),
                     Column(tr("提示"))]
_OBJECTION_ID, _OBJECTION_OVERDUE = 11, 12


class ObjectionsTab(_ListTab):
    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, OBJECTION_COLUMNS, parent=parent)

    def add_buttons(self, row: QHBoxLayout) -> None:
        edit = self.ctx.can(Permission.EDIT)
        row.addWidget(button(tr("登记异议…"), self.add, edit))
        row.addWidget(button(tr("答复所选异议…"), self.answer, edit))
        row.addStretch(1)
        row.addWidget(button(tr("打印异议处理决定通知书…"), self.print_decisions))

    def fetch(self, session) -> queries.ObjectionsView:
        return queries.objections_view(session, self.ctx.village_id)

    def show_data(self, data: queries.ObjectionsView) -> None:
        self.cycle_id = data.cycle_id
        rows = []
        for r in data.rows:
            hint = []
            if r.overdue:
                hint.append(tr("逾期未答复") if r.answered_on is None else tr("逾期答复"))
            if r.filed_late:
                hint.append(tr("超过异议期提出"))
            rows.append((r.village, r.raised_by, r.about, r.request, r.ground, r.received_on, r.raise_deadline,
                         r.answer_due, r.outcome, r.answered_on, "；".join(hint), r.id, r.overdue))
        self.set_rows(rows, row_brush=lambda row: _LATE if row[_OBJECTION_OVERDUE] else None)
        late = sum(1 for r in data.rows if r.overdue and r.answered_on is None)
        pending = sum(1 for r in data.rows if r.answered_on is None)
        self.summary.setText(tr("共 {n} 件异议，待答复 {p} 件，其中逾期 {l} 件（红色）").format(
            n=len(data.rows), p=pending, l=late))

    def add(self) -> None:
        ObjectionDialog.ask_new(self, self.ctx)

    def answer(self) -> None:
        row = self.selected(tr("请选择异议"), tr("请先选中一件异议。"))
        if row is not None:
            AnswerDialog.ask(self, self.ctx, row[_OBJECTION_ID])

    def print_decisions(self) -> None:
        """The selected objection's decision notice, or every decided objection of the shown village(s)."""
        chosen = self.view.selectionModel().selectedRows()
        if chosen:
            row = self.model.row_at(self.proxy.mapToSource(chosen[0]).row())
            options = Options(extra={"objection": str(row[_OBJECTION_ID])})
        else:
            villages = {self.model.row_at(i)[0] for i in range(self.model.rowCount())}
            one = villages.pop() if self.ctx.village_id is not None and len(villages) == 1 else None
            options = Options(village=one)
        produce(self, self.ctx, "print", "objection-decisions", options)


# ---------------------------------------------------------------------------------------------------------------
# Proxies
# ---------------------------------------------------------------------------------------------------------------
PROXY_COLUMNS = [Column(tr("村")), Column(tr("受托人"), kind="name"), Column(tr("受托人所在组")),
                 Column(tr("委托人"), kind="name"), Column(tr("委托人所在组")), Column(tr("关系"), CENTER),
                 Column(tr("书面委托日期"), CENTER), Column(tr("问题（须撤销）"))]


class ProxiesTab(_ListTab):
    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, PROXY_COLUMNS, parent=parent)
        self.village_name: str | None = None

    def add_buttons(self, row: QHBoxLayout) -> None:
        edit = self.ctx.can(Permission.EDIT)
        row.addWidget(button(tr("登记委托…"), self.add, edit))
        row.addWidget(button(tr("撤销所选委托…"), self.revoke, edit))
        row.addStretch(1)
        row.addWidget(button(tr("打印委托投票名单公告…"), lambda: produce(
            self, self.ctx, "print", "proxy-list", Options(village=self.village_name))))
        row.addWidget(button(tr("打印委托投票证…"), self.print_certificates))

    def fetch(self, session) -> queries.ProxiesView:
        return queries.proxies_view(session, self.ctx.village_id)

    def show_data(self, data: queries.ProxiesView) -> None:
        self.cycle_id, self.village_name = data.cycle_id, data.village
        rows = data.rows
        self.set_rows([(r.village, r.holder, r.holder_group, r.principal, r.principal_group, r.relation,
                        r.authorized_on, r.problem, r.id) for r in rows])
        holders = len({r.holder_id for r in rows})
        text = tr("委托 {n} 件，受托人 {h} 人；每位受托人最多接受 {cap} 人委托，只能委托本村有选举权的近亲属，候选人不得接受委托").format(
            n=len(rows), h=holders, cap=data.cap)
        bad = sum(1 for r in rows if r.problem)
        if bad:
            text += tr("。其中 {n} 件现在不符合规定（见“问题”列），撤销前不能打印委托投票名单公告").format(n=bad)
        self.summary.setText(text)

    def add(self) -> None:
        ProxyDialog.ask_new(self, self.ctx)

    def print_certificates(self) -> None:
        """The selected proxy's 委托投票证, or every approved proxy's of the shown village(s)."""
        chosen = self.view.selectionModel().selectedRows()
        if chosen:
            row = self.model.row_at(self.proxy.mapToSource(chosen[0]).row())
            options = Options(extra={"proxy": str(row[-1])})
        else:
            options = Options(village=self.village_name)
        produce(self, self.ctx, "print", "proxy-certificates", options)

    def revoke(self) -> None:
        row = self.selected(tr("请选择委托"), tr("请先选中一件委托。"))
        if row is None:
            return
        reason = Ask.text(self, tr("撤销委托"), tr("撤销原因："))
        if not reason:
            return
        proxy_id, actor = row[-1], self.ctx.actor
        self.ctx.write(lambda s: revoke_proxy(s, actor, proxy_id, reason), Area.VOTERS, parent=self)


# ---------------------------------------------------------------------------------------------------------------
# Township-wide checks
# ---------------------------------------------------------------------------------------------------------------
CHECK_COLUMNS = [Column(tr("问题")), Column(tr("身份证号 / 姓名与出生日期")), Column(tr("村")), Column(tr("村民小组")),
                 Column(tr("姓名"), kind="name"), Column(tr("影响"))]


class ChecksTab(_ListTab):
    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, CHECK_COLUMNS, word_wrap=True, parent=parent)

    def add_buttons(self, row: QHBoxLayout) -> None:
        row.addWidget(button(tr("重新检查"), self.reload))
        row.addStretch(1)

    def fetch(self, session) -> queries.ChecksView:
        return queries.checks_view(session, self.ctx.can(Permission.VIEW_SENSITIVE))

    def show_data(self, data: queries.ChecksView) -> None:
        self.cycle_id = data.cycle_id
        rows = []
        for g in data.same_id:
            for e in g.entries:
                rows.append((tr("同一身份证号登记在多个村"), g.key, e.village, e.group, e.name,
                             tr("两村名单均不能公布，须在其中一村除名"), True))
        for g in data.maybe_same:
            for e in g.entries:
                rows.append((tr("同名同出生日期（有人未登记身份证号）"), g.key, e.village, e.group, e.name,
                             tr("请核实是否同一人"), False))
        self.set_rows(rows, row_brush=lambda r: _LATE if r[6] else _INELIGIBLE)
        self.summary.setText(tr("全镇查重：同一身份证号登记在多个村 {a} 处（阻止公布）；疑似重复 {b} 处（需核实）。").format(
            a=len(data.same_id), b=len(data.maybe_same)))
