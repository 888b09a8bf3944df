"""The 践诺台账 tab: the ledger of the cycle, read page by page on the database worker as the view scrolls (1,300
items never load at once), with its filters (village, 责任人 / search, role kind, status, 只看逾期, 只看督办), the
due-date light per item, the actions by role (挂号 / 录入进展 / 报结 / 延期申请 for a clerk; 销号 / 退回 / 延期审批 /
挂牌督办 / 撤销 / 免责 for a reviewer) and the item's detail beside it (double-click or selecting a row)."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QTimer
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSplitter,
    QVBoxLayout,
)

from villagevote.auth import Permission
from villagevote.evaluation.office import Holder, holders
from villagevote.i18n import tr
from villagevote.models.enums import AssessedRoleKind, CommitmentKind, CommitmentStatus, DecisionState
from villagevote.reports.registry import Options
from villagevote.township import cycle_info, list_villages
from villagevote.tracking import evidence, exemptions, extensions, ledger, machine, progress, queries, supervision
from villagevote.tracking.ledger import Owner
from villagevote.tracking.queries import LedgerFilter, LedgerRow
from villagevote.ui.dialogs.common import Ask
from villagevote.ui.pages.tracking import dialogs
from villagevote.ui.pages.tracking.common import (
    DUE_SOON_BG,
    OVERDUE_BG,
    PagedRows,
    TrackingTab,
    current_row,
    fill_texts,
    fill_villages,
    light_color,
    light_text,
    recent_weeks,
    table,
)
from villagevote.ui.pages.tracking.detail import DetailPanel
from villagevote.ui.printing import produce
from villagevote.ui.table_model import Column
from villagevote.ui.widgets import button, combo_enum, enum_combo

__all__ = ["LEDGER_COLUMNS", "LedgerTab"]

OPEN = ledger.OPEN          # 已挂号 / 推进中 / 逾期
REPORTABLE = ledger.ACTIVE  # open, or 报结 and waiting for 验收
SEARCH_DELAY_MS = 300
FIRST_PAGE = 100  # rows read with the tab's query (a screenful and more); the rest PAGE_SIZE at a time on scrolling


class Line:
    """One ledger row as the table shows it: the domain's LedgerRow plus the light as a word."""

    __slots__ = ("light_label", "owner_text", "row")

    def __init__(self, row: LedgerRow) -> None:
        self.row = row
        self.light_label = light_text(row.light)
        self.owner_text = f"{row.owner_name}（{row.owner_post}）" if row.owner_post else row.owner_name

    def __getattr__(self, name: str) -> Any:
        return getattr(self.row, name)


LEDGER_COLUMNS = [
    Column(tr("编号"), field="ledger_no"),
    Column(tr("村"), field="village"),
    Column(tr("责任人（职务）"), kind="name", field="owner_text"),
    Column(tr("承诺事项"), field="title"),
    Column(tr("时限"), kind="date", field="deadline_text"),
    Column(tr("进度%"), kind="number", field="percent"),
    Column(tr("状态"), field="status_label"),
    Column(tr("提醒"), field="light_label"),
    Column(tr("督办"), field="supervision"),
    Column(tr("最近报告"), field="last_report"),
    Column(tr("来源"), field="source_label"),
    Column(tr("基数→目标"), field="metric_text"),
    Column(tr("权重"), kind="number", field="weight"),
    Column(tr("开始"), kind="date", field="starts_on"),
    Column(tr("报结日"), kind="date", field="reported_done_on"),
    Column(tr("销号日"), kind="date", field="closed_on"),
    Column(tr("验收人"), field="closed_by"),
]
_LIGHT_COL = next(i for i, c in enumerate(LEDGER_COLUMNS) if c.field == "light_label")


def _brush(line: Line) -> QColor | None:
    if line.light == "overdue":
        return OVERDUE_BG
    if line.light == "due_soon":
        return DUE_SOON_BG
    return None


def _foreground(line: Line, column: int) -> QColor | None:
    return light_color(line.light) if column == _LIGHT_COL else None


@dataclass(frozen=True)
class LedgerData:
    cycle_id: int | None
    villages: list[Any]
    people: list[Holder]      # in office this year (in the chosen village), for the 责任人 filter
    total: int
    rows: list[LedgerRow]
    wanted: LedgerFilter | None


class LedgerTab(TrackingTab):
    def __init__(self, page: Any) -> None:
        super().__init__(page)
        ctx = self.ctx
        self.cycle_id: int | None = None
        self._filter: LedgerFilter | None = None
        layout = QVBoxLayout(self)
        filters = QHBoxLayout()
        self.village = QComboBox()
        self.person = QComboBox()
        self.person.addItem(tr("全部责任人"), None)
        self.role = enum_combo(AssessedRoleKind, first=tr("全部角色"))
        self.status = enum_combo(list(CommitmentStatus), first=tr("全部状态"))
        self.overdue = QCheckBox(tr("只看逾期"))
        self.supervised = QCheckBox(tr("只看督办"))
        self.search = QLineEdit()
        self.search.setPlaceholderText(tr("搜索：编号、事项、责任人姓名或拼音首字母"))
        self.search.setClearButtonEnabled(True)
        for label, widget in ((tr("村"), self.village), (tr("责任人"), self.person), (tr("角色"), self.role),
                              (tr("状态"), self.status)):
            filters.addWidget(QLabel(label))
            filters.addWidget(widget)
        filters.addWidget(self.overdue)
        filters.addWidget(self.supervised)
        filters.addWidget(self.search, 1)
        layout.addLayout(filters)
        self.count = QLabel()
        layout.addWidget(self.count)

        splitter = QSplitter()
        self.model = PagedRows(ctx, LEDGER_COLUMNS, row_brush=_brush, foreground=_foreground)
        # the ledger is ordered by its query (village, ledger number) and read page by page: no sorting proxy
        self.view = table(self.model, self, sortable=False, fit=False)
        for col, width in enumerate((110, 56, 180, 200, 100, 48, 84, 56, 130, 150, 70, 110, 44, 84)):
            self.view.setColumnWidth(col, width)
        splitter.addWidget(self.view)
        self.detail = DetailPanel(page)
        splitter.addWidget(self.detail)
        splitter.setSizes([760, 440])
        layout.addWidget(splitter, 1)

        edit, review = ctx.can(Permission.EDIT), ctx.can(Permission.REVIEW)
        actions = QGridLayout()
        self.register_btn = button(tr("挂号…"), self.register_item, edit)
        self.report_btn = button(tr("录入进展…"), self.record_progress, False)
        self.done_btn = button(tr("报结…"), self.report_done, False)
        self.extend_btn = button(tr("延期申请…"), self.request_extension, False)
        self.accept_btn = button(tr("销号…"), self.accept_item, False)
        self.reject_btn = button(tr("退回…"), self.reject_item, False)
        self.decide_btn = button(tr("延期审批…"), self.decide_extension, False)
        self.supervise_btn = button(tr("挂牌督办…"), self.supervise_item, False)
        self.withdraw_btn = button(tr("撤销…"), self.withdraw_item, False)
        self.exempt_btn = button(tr("免责…"), self.exempt_item, False)
        self.print_btn = button(tr("打印台账…"), self.print_ledger)
        self.export_btn = button(tr("导出台账工作簿…"), self.export_ledger)
        self.clerk_buttons: tuple[QPushButton, ...] = (self.register_btn, self.report_btn, self.done_btn,
                                                        self.extend_btn)
        self.reviewer_buttons: tuple[QPushButton, ...] = (self.accept_btn, self.reject_btn, self.decide_btn,
                                                           self.supervise_btn, self.withdraw_btn, self.exempt_btn)
        for i, b in enumerate(self.clerk_buttons):
            actions.addWidget(b, 0, i)
            b.setVisible(edit)  # a role that may not act does not see the button
        for i, b in enumerate(self.reviewer_buttons):
            actions.addWidget(b, 1, i)
            b.setVisible(review)
        actions.addWidget(self.print_btn, 0, 7)
        actions.addWidget(self.export_btn, 1, 7)
        actions.setColumnStretch(6, 1)
        layout.addLayout(actions)

        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(SEARCH_DELAY_MS)
        self._timer.timeout.connect(self.reload)
        self.search.textChanged.connect(lambda _t: self._timer.start())
        self.village.currentIndexChanged.connect(lambda _i: self._village_picked())
        for combo in (self.person, self.role, self.status):
            combo.currentIndexChanged.connect(lambda _i: self.reload())
        for box in (self.overdue, self.supervised):
            box.toggled.connect(lambda _on: self.reload())
        ctx.village_changed.connect(self._follow_village)
        self.view.selectionModel().currentRowChanged.connect(lambda _c, _p: self._selection_changed())
        self.view.doubleClicked.connect(lambda _i: self.detail.raise_detail())
        self._stale = True  # read when first shown

    # ------------------------------------------------------------------------------------------------ loading
    def _village_picked(self) -> None:
        """Another village: its people are other people (the 责任人 choice starts again)."""
        self.person.blockSignals(True)
        self.person.setCurrentIndex(0)
        self.person.blockSignals(False)
        self.reload()

    def _follow_village(self, village_id: int | None) -> None:
        """The village chosen in the main window's tree becomes the filter (the base class reloaded before this
        ran, with the old choice: read again)."""
        index = self.village.findData(village_id)
        if index >= 0 and index != self.village.currentIndex():
            self.village.blockSignals(True)
            self.village.setCurrentIndex(index)
            self.village.blockSignals(False)
            self._village_picked()

    def wanted(self) -> dict[str, Any]:
        """The filters as chosen now (read on the GUI thread; the query runs on the worker)."""
        village = self.village.currentData() if self.village.count() else self.ctx.village_id
        role = combo_enum(self.role, AssessedRoleKind)
        status = combo_enum(self.status, CommitmentStatus)
        return {"village_id": village, "person_id": self.person.currentData(), "role_kind": role, "status": status,
                "overdue_only": self.overdue.isChecked(), "supervised_only": self.supervised.isChecked(),
                "search": self.search.text().strip()}

    def reload(self) -> None:
        self._wanted = self.wanted()
        super().reload()

    def fetch(self, session: Any) -> LedgerData:
        wanted = self._wanted
        villages = list_villages(session)
        cycle = cycle_info(session)
        if cycle is None:
            return LedgerData(None, villages, [], 0, [], None)
        f = LedgerFilter(cycle_id=cycle.id, **wanted)
        total = queries.ledger_count(session, f, today=self.today)
        rows = queries.ledger_page(session, f, offset=0, limit=FIRST_PAGE, today=self.today) if total else []
        people = holders(session, cycle.id, f.village_id, self.today.year)
        return LedgerData(cycle.id, villages, people, total, rows, f)

    def show_data(self, data: LedgerData) -> None:
        keep = self.selected_id()
        self.cycle_id = data.cycle_id
        fill_villages(self.village, data.villages, data.wanted.village_id if data.wanted else self.ctx.village_id,
                      tr("全镇"))
        self._filter = data.wanted
        fill_texts(self.person, [(tr("全部责任人"), None)] + [(f"{p.name}（{p.post}）" if p.post else p.name, p.person_id)
                                                          for p in data.people],
                   data.wanted.person_id if data.wanted else None)
        if data.wanted is None:
            self.model.show(0, [], None)
            self.count.setText(tr("还没有换届届次，请先在“系统”中建立。"))
            self._selection_changed()
            return
        f, today = data.wanted, self.today
        self.model.show(data.total, [Line(r) for r in data.rows],
                        lambda s, offset, limit: [Line(r) for r in queries.ledger_page(s, f, offset=offset,
                                                                                       limit=limit, today=today)])
        self.count.setText(tr("共 {n} 项（滚动时逐页加载）").format(n=data.total) if data.total else
                           tr("没有符合条件的事项。"))
        if keep is not None:
            self.select_item(keep)
        self.detail.forget()  # the data changed: read the selected item's detail again
        self._selection_changed()

    # ------------------------------------------------------------------------------------------------ selection
    def selected(self) -> Line | None:
        row = current_row(self.view)
        return row if isinstance(row, Line) else None

    def selected_id(self) -> int | None:
        line = self.selected()
        return line.id if line is not None else None

    def select_item(self, commitment_id: int) -> bool:
        for i in range(self.model.rowCount()):
            if self.model.id_at(i) == commitment_id:
                self.view.selectRow(i)
                return True
        return False

    def _selection_changed(self) -> None:
        line = self.selected()
        self.detail.show_item(line.id if line is not None else None)
        status = line.status if line is not None else None
        self.report_btn.setEnabled(status in REPORTABLE)
        self.done_btn.setEnabled(status in OPEN)
        self.extend_btn.setEnabled(status in OPEN)
        self.accept_btn.setEnabled(status is CommitmentStatus.REPORTED_DONE)
        self.reject_btn.setEnabled(status is CommitmentStatus.REPORTED_DONE)
        self.decide_btn.setEnabled(line is not None and status in OPEN and line.pending_extension)
        self.supervise_btn.setEnabled(status in OPEN and line is not None and line.supervision_id is None)
        self.withdraw_btn.setEnabled(status in OPEN)
        self.exempt_btn.setEnabled(status in OPEN)

    def _item(self, line: Line) -> str:
        return f"{line.ledger_no}　{line.title}"

    # ------------------------------------------------------------------------------------------------ clerk actions
    def register_item(self) -> None:
        cycle_id, actor, today = self.cycle_id, self.ctx.actor, self.today
        if cycle_id is None:
            Ask.error(self, tr("挂号"), tr("还没有换届届次"))
            return

        def ask(choices: queries.OwnerChoices) -> None:
            villages = [(v.name, v.id) for v in choices.villages]

            def owners(village_id: int | None) -> list[tuple[str, Any]]:
                return [(o.label, o.owner) for o in choices.owners if o.village_id in (village_id, None)]

            def write(v: dialogs.RegisterInput) -> Any:
                owner: Owner = v.owner
                return lambda s: ledger.register(
                    s, actor, cycle_id=cycle_id, village_id=v.village_id, owner=owner, title=v.title, source=v.source,
                    kind=v.kind, category=v.category, target_text=v.target_text, baseline=v.baseline,
                    target=v.target, unit=v.unit, deadline=v.deadline, weight=v.weight, starts_on=v.starts_on,
                    today=today)

            dialog = dialogs.RegisterDialog(self.ctx, villages, owners, write, village_id=self.village.currentData(),
                                            today=today, parent=self)
            if dialog.ask_saved() and isinstance(dialog.saved, int):
                self._after_write(dialog.saved)
        self.ctx.query(lambda s: queries.owner_choices(s, cycle_id), ask, parent=self)

    def record_progress(self) -> None:
        line, actor, today = self.selected(), self.ctx.actor, self.today
        if line is None:
            return
        cid = line.id
        metric = line.kind is CommitmentKind.METRIC

        def write(v: dialogs.ProgressInput) -> Any:
            return lambda s: progress.record_report(
                s, actor, cid, period=v.period, reported_on=v.reported_on, percent=v.percent, value=v.value,
                narrative=v.narrative, problems=v.problems, next_plan=v.next_plan,
                no_progress_reason=v.no_progress_reason, reported_by=v.reported_by, confirmed_by=v.confirmed_by,
                confidence=v.confidence, today=today)
        dialog = dialogs.ProgressDialog(self.ctx, self._item(line), metric, line.unit, line.last_report,
                                        recent_weeks(today, 8), write, today=today, percent=line.percent,
                                        current=line.current, parent=self)
        if dialog.ask_saved():
            self._after_write(cid)

    def report_done(self) -> None:
        line, actor, today = self.selected(), self.ctx.actor, self.today
        if line is None:
            return
        cid = line.id

        def write(v: dialogs.ReportDoneInput) -> Any:
            def run(s: Any) -> None:
                for f in v.files:  # the evidence and the 报结 in one transaction: nothing half-written
                    evidence.attach(s, actor, "commitment", cid, f.path, kind=f.kind, caption=f.caption,
                                    taken_on=f.taken_on)
                machine.report_done(s, actor, cid, on=v.on, note=v.note, today=today)
            return run
        dialog = dialogs.ReportDoneDialog(self.ctx, self._item(line), line.evidence_count, write, today=today,
                                          parent=self)
        if dialog.ask_saved():
            self._after_write(cid)

    def request_extension(self) -> None:
        line, actor, today = self.selected(), self.ctx.actor, self.today
        if line is None:
            return
        cid = line.id

        def write(v: dialogs.ExtensionInput) -> Any:
            return lambda s: extensions.request_extension(s, actor, cid, new_date=v.new_date, reason=v.reason,
                                                          today=today)
        if dialogs.ExtensionDialog(self.ctx, self._item(line), line.deadline_current, write, parent=self).ask_saved():
            self._after_write(cid)

    # ------------------------------------------------------------------------------------------------ reviewer
    def _text_action(self, title: str, intro: str, date_label: str, text_label: str, fn: Any, *,
                     optional: bool = False) -> None:
        line, actor, today = self.selected(), self.ctx.actor, self.today
        if line is None:
            return
        cid = line.id

        def write(v: dialogs.TextDateInput) -> Any:
            return lambda s: fn(s, actor, cid, v, today)
        if dialogs.TextDateDialog.ask(self, self.ctx, f"{title}：{line.ledger_no}", intro.format(item=self._item(line)),
                                      date_label, text_label, write, today=today, optional=optional, ok_text=title):
            self._after_write(cid)

    def accept_item(self) -> None:
        self._text_action(tr("销号"), tr("验收“{item}”，确认完成后销号。销号人不能是录入报结的同一用户。"),
                          tr("验收日期："), tr("验收意见："),
                          lambda s, actor, cid, v, today: machine.accept(s, actor, cid, on=v.on, opinion=v.text,
                                                                         today=today))

    def reject_item(self) -> None:
        self._text_action(tr("退回"), tr("退回“{item}”的报结，事项回到推进中。"), tr("退回日期："), tr("退回理由："),
                          lambda s, actor, cid, v, today: machine.reject(s, actor, cid, on=v.on, reason=v.text,
                                                                         today=today))

    def withdraw_item(self) -> None:
        self._text_action(tr("撤销"), tr("撤销“{item}”（如承诺违法违规或已被替代），撤销后不再计入考核。"),
                          tr("撤销日期："), tr("撤销理由："),
                          lambda s, actor, cid, v, today: ledger.withdraw(s, actor, cid, reason=v.text, today=v.on))

    def decide_extension(self) -> None:
        line, actor, today = self.selected(), self.ctx.actor, self.today
        if line is None:
            return
        cid = line.id

        def ask(detail: queries.ItemDetail) -> None:
            pending = [e for e in detail.extensions if e.state is DecisionState.PENDING]
            if not pending:
                Ask.info(self, tr("延期审批"), tr("“{no}”没有待审批的延期申请。").format(no=line.ledger_no))
                return
            ext = pending[0]
            text = tr("{who} 于 {on} 申请由 {old} 延至 {new}。\n理由：{reason}").format(
                who=ext.requested_by, on=ext.requested_on.isoformat(),
                old=ext.old_date.isoformat() if ext.old_date else "", new=ext.new_date.isoformat(), reason=ext.reason)

            def write(v: dialogs.DecisionInput) -> Any:
                return lambda s: extensions.decide_extension(s, actor, ext.id, approve=v.approve, note=v.note,
                                                             today=today)
            if dialogs.DecideExtensionDialog(self.ctx, self._item(line), text, write, parent=self).ask_saved():
                self._after_write(cid)
        self.ctx.query(lambda s: queries.item_detail(s, cid, today=today), ask, parent=self)

    def supervise_item(self) -> None:
        line, actor, today = self.selected(), self.ctx.actor, self.today
        if line is None:
            return
        cid = line.id

        def write(v: dialogs.SuperviseInput) -> Any:
            return lambda s: supervision.supervise(s, actor, cid, level=v.level, reason=v.reason,
                                                   reason_text=v.reason_text, limit_date=v.limit_date,
                                                   notice_no=v.notice_no, today=today)
        if dialogs.SuperviseDialog(self.ctx, self._item(line), write, today=today,
                                   overdue=line.status is CommitmentStatus.OVERDUE, parent=self).ask_saved():
            self._after_write(cid)

    def exempt_item(self) -> None:
        line, actor, today = self.selected(), self.ctx.actor, self.today
        if line is None:
            return
        cid = line.id

        def write(v: dialogs.ExemptionInput) -> Any:
            return lambda s: exemptions.grant_exemption(s, actor, category=v.category, reason=v.reason,
                                                        decision_no=v.decision_no, decided_on=v.decided_on,
                                                        commitment_id=cid)
        if dialogs.ExemptionDialog(self.ctx, self._item(line), write, today=today, parent=self).ask_saved():
            self._after_write(cid)

    def _after_write(self, commitment_id: int) -> None:
        """The tab reloads (the write announced Area.TRACKING); the item stays selected and its detail refreshes."""
        QTimer.singleShot(0, lambda: self.select_item(commitment_id))

    # ------------------------------------------------------------------------------------------------ prints
    def _village_name(self) -> str | None:
        return self.village.currentText() if self.village.currentData() is not None else None

    def print_ledger(self) -> None:
        produce(self, self.ctx, "print", "tracking-ledger", Options(village=self._village_name()),
                file_name=tr("{v}践诺台账").format(v=self._village_name() or ""))

    def export_ledger(self) -> None:
        produce(self, self.ctx, "export", "tracking-ledger", Options(village=self._village_name()),
                file_name=tr("{v}践诺台账").format(v=self._village_name() or ""))

