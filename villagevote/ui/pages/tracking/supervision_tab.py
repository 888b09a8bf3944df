"""The 挂牌督办 tab: the supervisions of the cycle (open ones first; 含已解除 shows all) with their limit dates,
催办 (a log entry: date, method, note), 回执 (the village's written reply), 解除 (a reviewer; 销号 lifts it by itself)
and the printed 挂牌督办通知书 with its 回执."""
from __future__ import annotations

from typing import Any

from PySide6.QtGui import QColor
from PySide6.QtWidgets import QCheckBox, QHBoxLayout, QLabel, QVBoxLayout

from villagevote.auth import Permission
from villagevote.i18n import tr
from villagevote.reports.registry import Options
from villagevote.township import cycle_info
from villagevote.tracking import queries, supervision
from villagevote.ui.pages.tracking import dialogs
from villagevote.ui.pages.tracking.common import (
    OVERDUE_BG,
    TrackingTab,
    current_row,
    reselect,
    rows_model,
    set_rows,
    table,
)
from villagevote.ui.printing import produce
from villagevote.ui.table_model import Column
from villagevote.ui.widgets import button

__all__ = ["SupervisionTab"]

COLUMNS = [
    Column(tr("督办编号"), field="notice_no"),
    Column(tr("事项编号"), field="ledger_no"),
    Column(tr("村"), field="village"),
    Column(tr("责任人"), kind="name", field="owner"),
    Column(tr("事项"), field="title"),
    Column(tr("级别"), field="level_label"),
    Column(tr("理由"), field="reason_label"),
    Column(tr("签发日"), kind="date", field="issued_on"),
    Column(tr("限期"), kind="date", field="limit_date"),
    Column(tr("催办"), kind="number", field="urges"),
    Column(tr("回执"), kind="date", field="receipt_on"),
    Column(tr("解除"), kind="date", field="lifted_on"),
]


class SupervisionTab(TrackingTab):
    def __init__(self, page: Any) -> None:
        super().__init__(page)
        ctx = self.ctx
        self.rows: list[Any] = []
        layout = QVBoxLayout(self)
        bar = QHBoxLayout()
        self.include_lifted = QCheckBox(tr("含已解除"))
        self.include_lifted.toggled.connect(lambda _on: self.reload())
        bar.addWidget(self.include_lifted)
        self.info = QLabel()
        bar.addWidget(self.info, 1)
        layout.addLayout(bar)
        self.model = rows_model(COLUMNS, row_brush=self._brush)
        self.view = table(self.model, self)
        layout.addWidget(self.view, 1)
        self.proposed = QLabel()
        self.proposed.setWordWrap(True)
        self.proposed.setStyleSheet("color: #b26a00;")
        self.proposed.hide()
        layout.addWidget(self.proposed)
        row = QHBoxLayout()
        edit, review = ctx.can(Permission.EDIT), ctx.can(Permission.REVIEW)
        self.urge_btn = button(tr("催办…"), self.urge, False)
        self.receipt_btn = button(tr("登记回执…"), self.receipt, False)
        self.lift_btn = button(tr("解除督办…"), self.lift, False)
        self.urge_btn.setVisible(edit or review)
        self.receipt_btn.setVisible(edit or review)
        self.lift_btn.setVisible(review)
        self.print_btn = button(tr("打印督办通知书…"), self.print_notice)
        self.print_all_btn = button(tr("打印全部未解除的通知书…"), self.print_all)
        for b in (self.urge_btn, self.receipt_btn, self.lift_btn):
            row.addWidget(b)
        row.addStretch(1)
        row.addWidget(self.print_btn)
        row.addWidget(self.print_all_btn)
        layout.addLayout(row)
        self.view.selectionModel().currentRowChanged.connect(lambda _c, _p: self._enable())
        self._enable()
        self._stale = True

    def _brush(self, row: Any) -> QColor | None:
        return OVERDUE_BG if row.lifted_on is None and row.limit_date < self.today else None

    def reload(self) -> None:
        self._open_only = not self.include_lifted.isChecked()  # read on the GUI thread, used on the worker
        super().reload()

    def fetch(self, session: Any) -> tuple[list[Any], list[Any]]:
        cycle = cycle_info(session)
        if cycle is None:
            return [], []
        village = self.ctx.village_id
        return (queries.supervisions(session, cycle_id=cycle.id, village_id=village, open_only=self._open_only),
                queries.supervision_proposals(session, cycle_id=cycle.id, today=self.today, village_id=village))

    def show_data(self, data: tuple[list[Any], list[Any]]) -> None:
        rows, proposed = data
        self.proposed.setText(tr("逾期尚未挂牌督办 {n} 项（建议审核员在“践诺台账”中挂牌督办）：{items}").format(
            n=len(proposed), items="、".join(f"{r.ledger_no} {r.title}" for r in proposed[:8])
            + ("……" if len(proposed) > 8 else "")) if proposed else "")
        self.proposed.setVisible(bool(proposed))
        keep = self.selected()
        self.rows = rows
        set_rows(self.model, rows)
        reselect(self.view, keep.id if keep is not None else None)
        open_rows = [r for r in rows if r.lifted_on is None]
        late = [r for r in open_rows if r.limit_date < self.today]
        self.info.setText(tr("未解除 {n} 项，其中超过限期 {m} 项。").format(n=len(open_rows), m=len(late)) if rows
                          else tr("没有挂牌督办的事项。在“践诺台账”中选中事项后可挂牌督办（审核员）。"))
        self._enable()

    def selected(self) -> Any:
        return current_row(self.view)

    def _enable(self) -> None:
        row = self.selected()
        active = row is not None and row.lifted_on is None
        edit, review = self.ctx.can(Permission.EDIT), self.ctx.can(Permission.REVIEW)
        self.urge_btn.setEnabled(active and (edit or review))
        self.receipt_btn.setEnabled(active and (edit or review))
        self.lift_btn.setEnabled(active and review)
        self.print_btn.setEnabled(row is not None)

    def urge(self) -> None:
        row, actor, today = self.selected(), self.ctx.actor, self.today
        if row is None:
            return
        sid = row.id

        def write(v: dialogs.UrgeInput) -> Any:
            return lambda s: supervision.urge(s, actor, sid, on=v.on, method=v.method, note=v.note, today=today)
        dialogs.UrgeDialog(self.ctx, row.notice_no, write, today=today, parent=self).ask_saved()

    def receipt(self) -> None:
        row, actor, today = self.selected(), self.ctx.actor, self.today
        if row is None:
            return
        sid = row.id

        def write(v: dialogs.TextDateInput) -> Any:
            return lambda s: supervision.record_receipt(s, actor, sid, on=v.on, text=v.text, today=today)
        dialogs.TextDateDialog.ask(self, self.ctx, tr("登记回执：{n}").format(n=row.notice_no),
                                   tr("责任村对督办事项的书面回复（办理情况）。"), tr("回执日期："), tr("办理情况："), write,
                                   today=today, ok_text=tr("登记回执"))

    def lift(self) -> None:
        row, actor, today = self.selected(), self.ctx.actor, self.today
        if row is None:
            return
        sid = row.id

        def write(v: dialogs.TextDateInput) -> Any:
            return lambda s: supervision.lift(s, actor, sid, on=v.on, note=v.text, today=today)
        dialogs.TextDateDialog.ask(self, self.ctx, tr("解除督办：{n}").format(n=row.notice_no),
                                   tr("事项销号时督办自动解除；此处用于其他原因的解除，须写明理由。"), tr("解除日期："),
                                   tr("解除理由："), write, today=today, ok_text=tr("解除督办"))

    def print_notice(self) -> None:
        row = self.selected()
        if row is None:
            return
        produce(self, self.ctx, "print", "supervision-notice", Options(extra={"notice": row.notice_no}),
                file_name=tr("挂牌督办通知书{n}").format(n=row.notice_no))

    def print_all(self) -> None:
        produce(self, self.ctx, "print", "supervision-notice", Options(village=self.page_village()),
                file_name=tr("{v}挂牌督办通知书").format(v=self.page_village() or ""))

    def page_village(self) -> str | None:
        return self.page.village_name()
