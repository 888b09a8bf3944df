"""选民与选举 page, register tabs: the township register (lazy, filtered, searchable), objections, proxies and the
township-wide duplicate checks. Every write goes through villagevote.voters.* domain functions."""
from __future__ import annotations

import datetime as dt
from pathlib import Path

from PySide6.QtCore import Qt, QTimer
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
from sqlalchemy import select

from villagevote.auth import Permission
from villagevote.i18n import tr
from villagevote.models.core import Village, VillageGroup
from villagevote.models.enums import VoterCategory
from villagevote.models.voters import Voter
from villagevote.ui.dialogs.common import Ask, ask_date, show_error
from villagevote.ui.table_model import Column, RowsModel
from villagevote.ui.widgets import button, combo_enum
from villagevote.voters import register as reg

__all__ = ["EXTRA_TABS", "ChecksTab", "ObjectionsTab", "ProxiesTab", "VoterRegisterTab"]

EXTRA_TABS = [("ObjectionsTab", tr("名单异议")), ("ProxiesTab", tr("委托投票")), ("ChecksTab", tr("全镇查重"))]

CENTER = Qt.AlignmentFlag.AlignCenter
REGISTER_COLUMNS = [Column(tr("村")), Column(tr("村民小组")), Column(tr("姓名"), kind="name"), Column(tr("性别"), CENTER),
                    Column(tr("出生日期"), CENTER), Column(tr("选举日年龄"), CENTER), Column(tr("身份证号")),
                    Column(tr("登记类别")), Column(tr("状态"), CENTER), Column(tr("有选举权"), CENTER), Column(tr("说明"))]
_INELIGIBLE = QColor("#FFF4CE")
_REMOVED = QColor("#E6E6E6")
_LATE = QColor("#F8D7DA")


def _table() -> QTableView:
    view = QTableView()
    view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    view.setAlternatingRowColors(True)
    view.verticalHeader().setDefaultSectionSize(24)
    view.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
    view.horizontalHeader().setStretchLastSection(True)
    return view


def _selected_row(tab: QWidget, view: QTableView, title: str, message: str) -> tuple | None:
    """The selected row of the tab's table, or None after telling the user to select one."""
    rows = view.selectionModel().selectedRows()
    if not rows:
        Ask.info(tab, title, message)
        return None
    return view.model().row_at(rows[0].row())


class _ListTab(QWidget):
    """A summary line over a small table and a row of buttons; reloads when the voters' data or the database changes
    (and, with follow_village, when the village changes)."""

    def __init__(self, ctx, columns: list[Column], follow_village: bool = True,  # type: ignore[no-untyped-def]
                 word_wrap: bool = False, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        layout = QVBoxLayout(self)
        self.summary = QLabel()
        self.summary.setWordWrap(word_wrap)
        layout.addWidget(self.summary)
        self.model = RowsModel.from_rows(columns, [])
        self.view = _table()
        self.view.setModel(self.model)
        layout.addWidget(self.view, 1)
        row = QHBoxLayout()
        self.add_buttons(row)
        layout.addLayout(row)
        if follow_village:
            ctx.village_changed.connect(lambda _v: self.reload())
        ctx.data_changed.connect(lambda area: area == "voters" and self.reload())
        ctx.database_replaced.connect(self.reload)
        self.reload()

    def add_buttons(self, row: QHBoxLayout) -> None:
        raise NotImplementedError

    def reload(self) -> None:
        raise NotImplementedError


class VoterRegisterTab(QWidget):
    """The register over the whole township (or one village): filters, search, import, removal, publication."""

    def __init__(self, ctx, parent: QWidget | None = None) -> None:  # type: ignore[no-untyped-def]
        super().__init__(parent)
        self.ctx = ctx
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
        self.model = RowsModel(REGISTER_COLUMNS, row_brush=self._brush)
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
        buttons.addWidget(button(tr("打印选民名单公告…"), lambda: self.print_form("voter-notice")))
        buttons.addWidget(button(tr("打印选民证…"), lambda: self.print_form("voter-cards")))
        buttons.addWidget(button(tr("导出名单…"), self.export, ctx.can(Permission.VIEW_SENSITIVE)))
        layout.addLayout(buttons)

        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(250)
        self._timer.timeout.connect(self.reload)
        self.search.textChanged.connect(lambda _t: self._timer.start())
        self.village.currentIndexChanged.connect(self._village_picked)
        for combo in (self.group, self.category, self.status):
            combo.currentIndexChanged.connect(lambda _i: self.reload())
        ctx.village_changed.connect(self._follow_village)
        ctx.data_changed.connect(lambda area: area == "voters" and self.reload())
        ctx.database_replaced.connect(self.fill_villages)
        self.fill_villages()

    # ---- filters -------------------------------------------------------------------------------------------------
    def fill_villages(self) -> None:
        self.village.blockSignals(True)
        self.village.clear()
        self.village.addItem(tr("全镇"), None)
        with self.ctx.read_session() as s:
            for v in s.scalars(select(Village).order_by(Village.code, Village.id)):
                self.village.addItem(v.name, v.id)
        index = self.village.findData(self.ctx.village_id)
        self.village.setCurrentIndex(max(index, 0))
        self.village.blockSignals(False)
        self._village_picked()

    def _follow_village(self, village_id: int | None) -> None:
        index = self.village.findData(village_id)
        if index >= 0 and index != self.village.currentIndex():
            self.village.setCurrentIndex(index)

    def _village_picked(self) -> None:
        self.group.blockSignals(True)
        self.group.clear()
        self.group.addItem(tr("全部小组"), None)
        vid = self.village.currentData()
        if vid is not None:
            with self.ctx.read_session() as s:
                for g in s.scalars(select(VillageGroup).where(VillageGroup.village_id == vid)
                                   .order_by(VillageGroup.number)):
                    self.group.addItem(g.name, g.id)
        self.group.blockSignals(False)
        self.reload()

    def current_filter(self) -> reg.RegisterFilter | None:
        cycle_id = self.ctx.cycle_id()
        if cycle_id is None:
            return None
        return reg.RegisterFilter(cycle_id, village_id=self.village.currentData(), group_id=self.group.currentData(),
                                  category=combo_enum(self.category, VoterCategory), status=self.status.currentData() or "",
                                  query=self.search.text())

    def reload(self) -> None:
        f = self.current_filter()
        if f is None:
            self.model.set_source(lambda _o, _l: [], lambda: 0)
            self.count.setText(tr("尚未设置换届届次，请先在系统页建立届次。"))
            return
        full = self.ctx.can(Permission.VIEW_SENSITIVE)
        yes, no = tr("是"), tr("否")

        def fetch(offset: int, limit: int) -> list[tuple]:
            with self.ctx.read_session() as s:
                return [row[1:10] + (yes if row[10] else no,) + row[11:] + (row[0],)
                        for row in reg.fetch_voters(s, f, offset, limit, full_ids=full)]

        def count() -> int:
            with self.ctx.read_session() as s:
                return reg.count_voters(s, f)

        self.model.set_source(fetch, count)
        self.count.setText(tr("共 {n} 人（滚动时逐页加载）").format(n=self.model.total) +
                           ("" if full else tr("；身份证号已隐去中间八位")))

    @staticmethod
    def _brush(row) -> QColor | None:  # type: ignore[no-untyped-def]
        if row[8] != tr("有效"):
            return _REMOVED
        if row[9] == tr("否"):
            return _INELIGIBLE
        return None

    def selected_id(self) -> int | None:
        row = _selected_row(self, self.view, tr("请选择选民"), tr("请先在表格中选中一位选民。"))
        return None if row is None else row[-1]

    # ---- actions -------------------------------------------------------------------------------------------------
    def import_file(self) -> None:
        from villagevote.ui.dialogs.voters_import import start_import
        start_import(self, self.ctx, self.village.currentData())

    def save_template(self) -> None:
        path = Ask.save_file(self, tr("保存导入模板"), tr("Excel 工作簿 (*.xlsx)"), "选民名单模板.xlsx")
        if not path:
            return
        from villagevote.reports.xlsx.voters import voter_template_xlsx
        groups = [self.group.itemText(i) for i in range(1, self.group.count())]
        voter_template_xlsx(path, self.village.currentText() if self.village.currentData() else "", groups)
        Ask.info(self, tr("已保存"), tr("模板已保存到：{p}").format(p=path))

    def remove_selected(self) -> None:
        vid = self.selected_id()
        if vid is None:
            return
        from villagevote.ui.dialogs.voters_remove import RemoveDialog
        version = self._loaded_version(vid)
        answer = RemoveDialog.ask(self)
        if answer is None:
            return
        status, reason, on = answer
        try:
            with self.ctx.session() as s:
                notes = reg.remove_voter(s, self.ctx.actor, vid, status, reason, on, expected_version=version)
        except Exception as exc:
            show_error(self, exc)
            return
        if notes:
            Ask.info(self, tr("已除名"), "\n".join(notes))
        self.ctx.data_changed.emit("voters")

    def restore_selected(self) -> None:
        vid = self.selected_id()
        if vid is None:
            return
        version = self._loaded_version(vid)
        reason = Ask.text(self, tr("恢复登记"), tr("恢复登记的原因："))
        if not reason:
            return
        try:
            with self.ctx.session() as s:
                reg.restore_voter(s, self.ctx.actor, vid, reason, dt.date.today(), expected_version=version)
        except Exception as exc:
            show_error(self, exc)
            return
        self.ctx.data_changed.emit("voters")

    def _loaded_version(self, voter_id: int) -> int | None:
        """The entry's version when the clerk opens a form on it: saving is refused if another clerk changed it
        meanwhile (see villagevote.versioning)."""
        with self.ctx.read_session() as s:
            voter = s.get(Voter, voter_id)
            return voter.version if voter is not None else None

    def show_history(self) -> None:
        vid = self.selected_id()
        if vid is None:
            return
        with self.ctx.read_session() as s:
            rows = reg.voter_history(s, vid)
        lines = [f"{h.at:%Y-%m-%d %H:%M}  {h.kind}  {h.status_before}→{h.status_after}  "
                 f"{h.event_date or ''}  {h.reason}  {h.username}" for h in rows]
        Ask.info(self, tr("登记历史"), "\n".join(lines))

    def publish(self) -> None:
        vid = self.village.currentData()
        cycle_id = self.ctx.cycle_id()
        if vid is None or cycle_id is None:
            Ask.info(self, tr("请选择村"), tr("请先在上方选择要公布名单的村。"))
            return
        on = ask_date(self, tr("登记公布日期"), tr("选民名单公布日期（YYYY-MM-DD）："))
        if on is None:
            return
        try:
            with self.ctx.session() as s:
                warnings = reg.publish_voter_list(s, self.ctx.actor, cycle_id, vid, on)
        except Exception as exc:
            show_error(self, exc)
            return
        Ask.info(self, tr("已登记"), "\n".join(warnings) or tr("已登记公布日期 {d}").format(d=on))
        self.ctx.data_changed.emit("voters")

    def print_form(self, name: str) -> None:
        _run_form(self, self.ctx, "print", name, self.village.currentText() if self.village.currentData() else None,
                  tr("PDF 文件 (*.pdf)"), ".pdf")

    def export(self) -> None:
        _run_form(self, self.ctx, "export", "voters",
                  self.village.currentText() if self.village.currentData() else None, tr("Excel 工作簿 (*.xlsx)"),
                  ".xlsx")


def _run_form(parent: QWidget, ctx, kind: str, name: str, village: str | None, filters: str,  # type: ignore[no-untyped-def]
              suffix: str) -> None:
    from villagevote.reports.registry import Options, find_form
    form = find_form(kind, name)
    path = Ask.save_file(parent, form.title, filters, f"{village or ''}{form.title}{suffix}")
    if not path:
        return

    def job(progress) -> Path:  # type: ignore[no-untyped-def]
        progress(0.1, tr("正在生成…"))
        # voter forms only read: a read session does not hold the write lock while 300 pages render
        with ctx.db.read_session() as s:
            return form.run(s, ctx.actor, Path(path), Options(village=village))

    def start() -> None:
        ctx.jobs.submit(job, title=form.title, parent=parent,
                        on_done=lambda out: Ask.info(parent, tr("已生成"), tr("已保存到：{p}").format(p=out)),
                        on_error=lambda exc, _tb: start() if offer_notice_override(parent, ctx, exc)
                        else show_error(parent, exc))
    start()


def offer_notice_override(parent: QWidget, ctx, exc: BaseException) -> bool:  # type: ignore[no-untyped-def]
    """A notice dated inside the statutory period (选民名单 20 days, 候选人名单 5 days): an administrator may record
    the reason (audited, printed on the notice). True when it was recorded and the print should run again."""
    from villagevote.errors import UserError
    from villagevote.voters.schedule import NoticeDateRefused, record_notice_override
    if not isinstance(exc, NoticeDateRefused) or not ctx.can(Permission.ADMIN):
        return False
    reason = Ask.text(parent, tr("未满法定公告期"), tr("{msg}\n\n管理员如确需按此日期公布，请填写理由：").format(msg=exc.message))
    if not reason or not reason.strip():
        return False
    try:
        with ctx.session() as s:
            record_notice_override(s, ctx.actor, exc.cycle_id, exc.village_id, exc.code, exc.on, reason)
    except UserError as err:
        show_error(parent, err)
        return False
    return True


# ---------------------------------------------------------------------------------------------------------------
# Objections
# ---------------------------------------------------------------------------------------------------------------
OBJECTION_COLUMNS = [Column(tr("村")), Column(tr("提出人")), Column(tr("涉及")), Column(tr("请求")), Column(tr("理由")),
                     Column(tr("收到日期"), CENTER), Column(tr("异议截止"), CENTER), Column(tr("应答复日期"), CENTER),
                     Column(tr("结论"), CENTER), Column(tr("答复日期"), CENTER), Column(tr("提示"))]


class ObjectionsTab(_ListTab):
    def __init__(self, ctx, parent: QWidget | None = None) -> None:  # type: ignore[no-untyped-def]
        super().__init__(ctx, OBJECTION_COLUMNS, parent=parent)

    def add_buttons(self, row: QHBoxLayout) -> None:
        edit = self.ctx.can(Permission.EDIT)
        row.addWidget(button(tr("登记异议…"), self.add, edit))
        row.addWidget(button(tr("答复所选异议…"), self.answer, edit))
        row.addStretch(1)

    def reload(self) -> None:
        from villagevote.voters.objections import list_objections
        cycle_id = self.ctx.cycle_id()
        rows = []
        if cycle_id is not None:
            with self.ctx.read_session() as s:
                rows = list_objections(s, cycle_id, self.ctx.village_id)
        data = []
        for r in rows:
            hint = []
            if r.overdue:
                hint.append(tr("逾期未答复") if r.answered_on is None else tr("逾期答复"))
            if r.filed_late:
                hint.append(tr("超过异议期提出"))
            data.append((r.village, r.raised_by, r.about, r.request, r.ground, r.received_on, r.raise_deadline or "",
                         r.answer_due or "", r.outcome, r.answered_on or "", "；".join(hint), r.id, r.overdue))
        self.model = RowsModel.from_rows(OBJECTION_COLUMNS, data, row_brush=lambda row: _LATE if row[12] else None)
        self.view.setModel(self.model)
        late = sum(1 for r in rows if r.overdue and r.answered_on is None)
        pending = sum(1 for r in rows if r.answered_on is None)
        self.summary.setText(tr("共 {n} 件异议，待答复 {p} 件，其中逾期 {l} 件（红色）").format(n=len(rows), p=pending, l=late))

    def add(self) -> None:
        from villagevote.ui.dialogs.voters_objection import ObjectionDialog
        if ObjectionDialog.ask_new(self, self.ctx):
            self.ctx.data_changed.emit("voters")

    def answer(self) -> None:
        row = _selected_row(self, self.view, tr("请选择异议"), tr("请先选中一件异议。"))
        if row is None:
            return
        from villagevote.ui.dialogs.voters_objection import AnswerDialog
        if AnswerDialog.ask(self, self.ctx, row[11]):
            self.ctx.data_changed.emit("voters")


# ---------------------------------------------------------------------------------------------------------------
# Proxies
# ---------------------------------------------------------------------------------------------------------------
PROXY_COLUMNS = [Column(tr("村")), Column(tr("受托人")), Column(tr("受托人所在组")), Column(tr("委托人")),
                 Column(tr("委托人所在组")), Column(tr("关系"), CENTER), Column(tr("书面委托日期"), CENTER),
                 Column(tr("问题（须撤销）"))]


class ProxiesTab(_ListTab):
    def __init__(self, ctx, parent: QWidget | None = None) -> None:  # type: ignore[no-untyped-def]
        super().__init__(ctx, PROXY_COLUMNS, parent=parent)

    def add_buttons(self, row: QHBoxLayout) -> None:
        edit = self.ctx.can(Permission.EDIT)
        row.addWidget(button(tr("登记委托…"), self.add, edit))
        row.addWidget(button(tr("撤销所选委托…"), self.revoke, edit))
        row.addStretch(1)
        row.addWidget(button(tr("打印委托投票名单公告…"), lambda: _run_form(
            self, self.ctx, "print", "proxy-list", self._village_name(), tr("PDF 文件 (*.pdf)"), ".pdf")))

    def _village_name(self) -> str | None:
        if self.ctx.village_id is None:
            return None
        with self.ctx.read_session() as s:
            v = s.get(Village, self.ctx.village_id)
            return v.name if v else None

    def reload(self) -> None:
        from villagevote.voters.proxies import list_proxies
        cycle_id = self.ctx.cycle_id()
        rows, cap = [], 3
        if cycle_id is not None:
            with self.ctx.read_session() as s:
                rows = list_proxies(s, cycle_id, self.ctx.village_id)
                cap = reg.cycle_profile(s, cycle_id)[1].proxy_cap
        data = [(r.village, r.holder, r.holder_group, r.principal, r.principal_group, r.relation, r.authorized_on,
                 r.problem, r.id) for r in rows]
        self.model = RowsModel.from_rows(PROXY_COLUMNS, data)
        self.view.setModel(self.model)
        holders = len({r.holder_id for r in rows})
        text = tr("委托 {n} 件，受托人 {h} 人；每位受托人最多接受 {cap} 人委托，只能委托本村有选举权的近亲属，候选人不得接受委托").format(
            n=len(rows), h=holders, cap=cap)
        bad = sum(1 for r in rows if r.problem)
        if bad:
            text += tr("。其中 {n} 件现在不符合规定（见“问题”列），撤销前不能打印委托投票名单公告").format(n=bad)
        self.summary.setText(text)

    def add(self) -> None:
        from villagevote.ui.dialogs.voters_proxy import ProxyDialog
        if ProxyDialog.ask_new(self, self.ctx):
            self.ctx.data_changed.emit("voters")

    def revoke(self) -> None:
        row = _selected_row(self, self.view, tr("请选择委托"), tr("请先选中一件委托。"))
        if row is None:
            return
        reason = Ask.text(self, tr("撤销委托"), tr("撤销原因："))
        if not reason:
            return
        from villagevote.voters.proxies import revoke_proxy
        try:
            with self.ctx.session() as s:
                revoke_proxy(s, self.ctx.actor, row[-1], reason)
        except Exception as exc:
            show_error(self, exc)
            return
        self.ctx.data_changed.emit("voters")


# ---------------------------------------------------------------------------------------------------------------
# Township-wide checks
# ---------------------------------------------------------------------------------------------------------------
CHECK_COLUMNS = [Column(tr("问题")), Column(tr("身份证号 / 姓名与出生日期")), Column(tr("村")), Column(tr("村民小组")),
                 Column(tr("姓名")), Column(tr("影响"))]


class ChecksTab(_ListTab):
    def __init__(self, ctx, parent: QWidget | None = None) -> None:  # type: ignore[no-untyped-def]
        super().__init__(ctx, CHECK_COLUMNS, follow_village=False, word_wrap=True, parent=parent)

    def add_buttons(self, row: QHBoxLayout) -> None:
        row.addWidget(button(tr("重新检查"), self.reload))
        row.addStretch(1)

    def reload(self) -> None:
        from villagevote.idcard import mask_id_number
        cycle_id = self.ctx.cycle_id()
        data = []
        dups, maybe = [], []
        if cycle_id is not None:
            with self.ctx.read_session() as s:
                dups = reg.cross_village_duplicates(s, cycle_id)
                maybe = reg.possible_duplicates(s, cycle_id)
        full = self.ctx.can(Permission.VIEW_SENSITIVE)
        for g in dups:
            for e in g.entries:
                data.append((tr("同一身份证号登记在多个村"), g.key if full else mask_id_number(g.key), e.village, e.group,
                             e.name, tr("两村名单均不能公布，须在其中一村除名"), True))
        for g in maybe:
            for e in g.entries:
                data.append((tr("同名同出生日期（有人未登记身份证号）"), g.key, e.village, e.group, e.name,
                             tr("请核实是否同一人"), False))
        self.model = RowsModel.from_rows(CHECK_COLUMNS, data, row_brush=lambda r: _LATE if r[6] else _INELIGIBLE)
        self.view.setModel(self.model)
        self.summary.setText(tr("全镇查重：同一身份证号登记在多个村 {a} 处（阻止公布）；疑似重复 {b} 处（需核实）。").format(
            a=len(dups), b=len(maybe)))
