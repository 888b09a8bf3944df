"""The 月查 tab (每月一查一比): the inspections of the cycle (月查, 督察, 暗访, 巡河 …) with their scores and findings,
entering one with its findings and deductions (a 反弹 finding reopens the 销号 item it names; a finding can open a
rectification item), and the monthly prints: 月查月比表 and 销号备案表."""
from __future__ import annotations

import html
from typing import Any

from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QSplitter, QTextBrowser, QVBoxLayout

from villagevote.auth import Permission
from villagevote.i18n import tr
from villagevote.reports.registry import Options
from villagevote.township import cycle_info, list_villages
from villagevote.tracking import inspections
from villagevote.ui.pages.tracking import dialogs
from villagevote.ui.pages.tracking.common import (
    TrackingTab,
    current_row,
    fill_texts,
    month_of,
    reselect,
    rows_model,
    set_rows,
    table,
)
from villagevote.ui.printing import produce
from villagevote.ui.table_model import Column
from villagevote.ui.widgets import button

__all__ = ["InspectionsTab"]

COLUMNS = [
    Column(tr("日期"), kind="date", field="held_on"),
    Column(tr("类别"), field="kind_label"),
    Column(tr("村"), field="village"),
    Column(tr("检查人员"), field="inspectors"),
    Column(tr("得分"), kind="number", field="score"),
    Column(tr("问题数"), kind="number", field="finding_count"),
    Column(tr("扣分"), kind="number", field="deduction"),
    Column(tr("检查情况"), field="summary"),
]


def _months(today: Any, n: int = 24) -> list[str]:
    year, month = today.year, today.month
    out = []
    for _ in range(n):
        out.append(f"{year}-{month:02d}")
        month -= 1
        if month == 0:
            year, month = year - 1, 12
    return out


class InspectionsTab(TrackingTab):
    def __init__(self, page: Any) -> None:
        super().__init__(page)
        ctx = self.ctx
        self.cycle_id: int | None = None
        self.villages: list[Any] = []
        layout = QVBoxLayout(self)
        bar = QHBoxLayout()
        self.month = QComboBox()
        bar.addWidget(QLabel(tr("月份")))
        bar.addWidget(self.month)
        self.info = QLabel()
        bar.addWidget(self.info, 1)
        layout.addLayout(bar)
        splitter = QSplitter()
        self.model = rows_model(COLUMNS)
        self.view = table(self.model, self)
        splitter.addWidget(self.view)
        self.findings = QTextBrowser()
        splitter.addWidget(self.findings)
        splitter.setSizes([760, 400])
        layout.addWidget(splitter, 1)
        row = QHBoxLayout()
        self.add_btn = button(tr("录入检查…"), self.add_inspection, ctx.can(Permission.EDIT))
        self.add_btn.setVisible(ctx.can(Permission.EDIT))
        self.compare_btn = button(tr("打印月查月比表…"), lambda: self.print_form("monthly-comparison"))
        self.closure_btn = button(tr("打印销号备案表…"), lambda: self.print_form("closure-register"))
        row.addWidget(self.add_btn)
        row.addStretch(1)
        row.addWidget(self.compare_btn)
        row.addWidget(self.closure_btn)
        layout.addLayout(row)
        self.month.currentIndexChanged.connect(lambda _i: self.reload())
        self.view.selectionModel().currentRowChanged.connect(lambda _c, _p: self._show_findings())
        self._stale = True

    def chosen_month(self) -> str:
        """The month chosen ("" = every month; this month before the choice is filled)."""
        data = self.month.currentData()
        return month_of(self.today) if data is None else data

    def reload(self) -> None:
        self._wanted = (self.chosen_month(), self.ctx.village_id)  # read on the GUI thread, used on the worker
        super().reload()

    def fetch(self, session: Any) -> tuple[int | None, list[Any], list[Any]]:
        month, village_id = self._wanted
        cycle = cycle_info(session)
        villages = list_villages(session)
        if cycle is None:
            return None, villages, []
        return cycle.id, villages, inspections.inspection_list(session, cycle_id=cycle.id, village_id=village_id,
                                                               month=month or None)

    def show_data(self, data: tuple[int | None, list[Any], list[Any]]) -> None:
        self.cycle_id, self.villages, rows = data
        months = _months(self.today)
        fill_texts(self.month, [(tr("全部月份"), "")] + [(tr("{y}年{m}月").format(y=m[:4], m=int(m[5:])), m)
                                                      for m in months], self._wanted[0])
        keep = current_row(self.view)
        set_rows(self.model, rows)
        reselect(self.view, keep.id if keep is not None else None)
        self.info.setText(tr("检查 {n} 次，发现问题 {f} 条。").format(
            n=len(rows), f=sum(r.finding_count for r in rows)) if rows else tr("所选月份还没有检查记录。"))
        self._show_findings()

    def _show_findings(self) -> None:
        row = current_row(self.view)
        if row is None:
            self.findings.setHtml("")
            return
        e = html.escape
        parts = [f"<h4>{e(row.kind_label)}　{e(row.village)}　{e(str(row.held_on))}</h4>"]
        if row.summary:
            parts.append(f"<p>{e(row.summary)}</p>")
        for f in row.findings:
            marks = "".join(f"<span style='color:#c62828'>［{e(m)}］</span>" for m in (
                tr("一票否决") if f.veto else "", tr("反弹") if f.relapse else "") if m)
            item = f"（{e(f.ledger_no)}）" if f.ledger_no else ""
            parts.append(f"<p>• {e(f.text)}{item}　{e(f.severity)}　{e(tr('扣 {d} 分').format(d=f.deduction))}{marks}</p>")
        if not row.findings:
            parts.append(f"<p style='color:#666'>{e(tr('未发现问题。'))}</p>")
        self.findings.setHtml("".join(parts))

    def add_inspection(self) -> None:
        cycle_id, actor, today = self.cycle_id, self.ctx.actor, self.today
        if cycle_id is None:
            return
        villages = [(v.name, v.id) for v in self.villages]

        def write(v: dialogs.InspectionInput) -> Any:
            findings = [inspections.FindingInput(text=f.text, severity=f.severity, deduction=f.deduction, veto=f.veto,
                                                 relapse=f.relapse, ledger_no=f.ledger_no, rectify=f.rectify)
                        for f in v.findings]
            return lambda s: inspections.record_inspection(
                s, actor, cycle_id=cycle_id, kind=v.kind, held_on=v.held_on, village_id=v.village_id,
                inspectors=v.inspectors, score=v.score, summary=v.summary, period=month_of(v.held_on),
                findings=findings, today=today)
        dialogs.InspectionDialog(self.ctx, villages, write, village_id=self.ctx.village_id, today=today,
                                 parent=self).ask_saved()

    def print_form(self, name: str) -> None:
        month = self.chosen_month() or month_of(self.today)
        title = tr("月查月比表") if name == "monthly-comparison" else tr("销号备案表")
        produce(self, self.ctx, "print", name, Options(village=self.village_name(), extra={"month": month}),
                file_name=f"{self.village_name() or ''}{month}{title}")
