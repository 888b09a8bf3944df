"""The 结果与打印 tab: ranked results with each candidate's breakdown, tie decisions, writing the outcome to the
candidacies, and the prints (blank score sheets, the summary, the workbook) through ``ui.printing.produce``."""
from __future__ import annotations

import html
from decimal import Decimal
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QHBoxLayout, QLabel, QSplitter, QTextBrowser, QVBoxLayout

from villagevote.auth import Permission
from villagevote.changes import Area
from villagevote.i18n import tr
from villagevote.reports.registry import Options
from villagevote.scoring import records, service
from villagevote.scoring.queries import SchemeView
from villagevote.scoring.records import CandidateResult
from villagevote.scoring.rows import OutcomeSummary
from villagevote.scoring.values import round_half_up
from villagevote.ui.dialogs.common import Ask
from villagevote.ui.dialogs.scoring_forms import TieDecisionDialog
from villagevote.ui.pages.scoring.common import Panel, rows_source, source_row, table
from villagevote.ui.pages.scoring.grid import PASS_BG, PENDING_BG, num_text
from villagevote.ui.printing import produce
from villagevote.ui.table_model import Column, RowsModel
from villagevote.ui.widgets import button

#: the prints of this tab: registry kind, form name, file name offered
PRINTS = {"score-sheets": ("print", tr("实绩比选评分表")), "score-summary": ("print", tr("实绩比选结果汇总表")),
          "scores": ("export", tr("实绩比选评分与结果"))}


def _result_brush(row: Any) -> QColor | None:
    outcome = row[-1]
    if outcome == records.OUTCOME_PASS:
        return PASS_BG
    if outcome in (records.OUTCOME_TIE_PENDING, records.OUTCOME_PENDING, records.OUTCOME_INCOMPLETE):
        return PENDING_BG
    return None


class ResultsPanel(Panel):
    def __init__(self, page: Any) -> None:
        super().__init__(page)
        self.result_rows: list[CandidateResult] = []
        lay = QVBoxLayout(self)
        self.results_info = QLabel()
        self.results_info.setWordWrap(True)
        lay.addWidget(self.results_info)
        splitter = QSplitter(Qt.Orientation.Vertical)
        self.result_model = RowsModel([Column(tr("职位"))], row_brush=_result_brush)
        self.result_view = table(self.result_model, self)
        splitter.addWidget(self.result_view)
        self.breakdown = QTextBrowser()
        splitter.addWidget(self.breakdown)
        splitter.setSizes([300, 260])
        lay.addWidget(splitter, 1)
        row = QHBoxLayout()
        self.refresh_results_btn = button(tr("重新计算"), self.page.reload)
        self.tie_btn = button(tr("记录并列决定…"), self.record_tie)
        self.apply_btn = button(tr("确定比选结果（入围者转为初步人选）"), self.apply_outcome)
        self.sheets_btn = button(tr("打印空白评分表"), lambda: self.print_form("score-sheets"))
        self.summary_btn = button(tr("打印汇总表"), lambda: self.print_form("score-summary"))
        # the copy for the township's file: names the raters and recusals (注意保密)
        self.internal_btn = button(tr("打印汇总表（内部存档）"), lambda: self.print_form("score-summary", internal=True))
        self.export_btn = button(tr("导出 Excel"), lambda: self.print_form("scores"))
        for b in (self.refresh_results_btn, self.tie_btn, self.apply_btn, self.sheets_btn, self.summary_btn,
                  self.internal_btn, self.export_btn):
            row.addWidget(b)
        row.addStretch(1)
        lay.addLayout(row)
        self.result_view.selectionModel().currentRowChanged.connect(lambda *_: self.show_breakdown())

    def show_view(self, view: SchemeView | None) -> None:
        self.apply_btn.setEnabled(self.page.can_change)
        self.tie_btn.setEnabled(self.page.can_review)
        for b in (self.refresh_results_btn, self.sheets_btn, self.summary_btn, self.export_btn):
            b.setEnabled(view is not None)
        self.internal_btn.setEnabled(view is not None and self.ctx.can(Permission.VIEW_SENSITIVE))
        computed = view.results if view is not None else None
        if view is None or computed is None:
            self.result_rows = []
            self.result_model.set_source(*rows_source([]))
            self.results_info.setText(view.results_error if view is not None else "")
            self.show_breakdown()
            return
        res = computed.results
        scheme = res.scheme
        cols = [Column(tr("职位")), Column(tr("排名")), Column(tr("姓名"), kind="name")]
        cols += [Column(c.name) for c in scheme.criteria]
        if scheme.bonus_items:
            cols.append(Column(tr("加分")))
        if scheme.deduction_items:
            cols.append(Column(tr("扣分")))
        cols += [Column(tr("总分")), Column(tr("结果")), Column(tr("说明"))]
        village = view.village
        in_village = {p.candidacy_id for p in computed.participants if p.village == village}
        shown = [r for r in res.candidates if not village or r.candidate.id in in_village]
        rows = []
        for r in shown:
            rank = "" if r.rank is None else (tr("并列{k}").format(k=r.rank) if r.shared_rank else r.rank)
            line: list[Any] = [computed.post_labels.get(r.candidate.post, ""), rank, r.candidate.name]
            for c in scheme.criteria:
                score = r.criterion(c.code).score
                line.append("—" if score is None else round_half_up(score, scheme.places))
            if scheme.bonus_items:
                line.append(Decimal(num_text(r.bonus_counted)))
            if scheme.deduction_items:
                line.append(Decimal(num_text(r.deduction_counted)))
            line += ["—" if r.total is None else r.total, records.outcome_label(r.outcome), r.outcome_reason, r.outcome]
            rows.append(tuple(line))
        self.result_rows = shown
        self.result_model.columns = cols  # the last (outcome code) value stays hidden: only for the row colour
        self.result_model.set_source(*rows_source(rows))
        info = list(res.notes)
        if village:
            info.insert(0, tr("只显示“{v}”的人选；排名按各职位全部人选计算。").format(v=village))
        if res.open_ties:
            info.append(tr("有 {n} 处并列处于入围分界，需“记录并列决定”后才能确定结果。").format(n=len(res.open_ties)))
        if computed.outcome_applied:
            info.append(tr("比选结果已确定：入围者已转为“初步人选”，其余人选已记录未入围原因。"))
        self.results_info.setText("\n".join(info))
        if rows:
            self.result_view.setCurrentIndex(self.result_view.model().index(0, 0))
        self.show_breakdown()

    def show_breakdown(self) -> None:
        row = source_row(self.result_view)
        computed = self.view.results if self.view is not None else None
        if computed is None or row is None or row >= len(self.result_rows):
            self.breakdown.setHtml("")
            return
        r = self.result_rows[row]
        lines = "".join(f"<div style='margin-left:{(len(x) - len(x.lstrip(' '))) * 8}px'>{html.escape(x.strip())}</div>"
                        for x in r.lines)
        self.breakdown.setHtml(f"<h3>{html.escape(r.candidate.name)}　"
                               f"{html.escape(computed.post_labels.get(r.candidate.post, ''))}</h3>{lines}")

    def record_tie(self) -> None:
        view = self.view
        computed = view.results if view is not None else None
        if view is None or computed is None or not computed.results.open_ties:
            Ask.info(self, tr("记录并列决定"), tr("目前没有处于入围分界、需要决定的并列。"))
            return
        tie = computed.results.open_ties[0]
        names = {r.candidate.id: r.candidate.name for r in computed.results.candidates}
        scheme_id, actor = view.info.id, self.ctx.actor
        TieDecisionDialog.ask(self, self.ctx, tie.note, [(i, names[i]) for i in tie.open_ids],
                              lambda s, v: service.record_tie_decision(s, actor, scheme_id, tie.post, v.ranking,
                                                                       v.reason))

    def apply_outcome(self) -> None:
        view = self.view
        if view is None:
            return
        if not Ask.confirm(self, tr("确定比选结果"), tr("确定后，入围者转为“初步人选”，其余人选记录未入围原因；"
                                                   "评分、评委和加扣分将锁定。是否继续？")):
            return
        scheme_id, actor = view.info.id, self.ctx.actor

        def done(summary: OutcomeSummary) -> None:
            Ask.info(self, tr("比选结果已确定"), tr("入围（初步人选）：{p}\n未入围：{f}").format(
                p="、".join(summary.passed) or tr("无"), f="、".join(summary.not_passed) or tr("无")))
        self.ctx.write(lambda s: service.apply_outcome(s, actor, scheme_id), {Area.SCORING, Area.CANDIDATES},
                       on_done=done, parent=self)

    def print_form(self, name: str, internal: bool = False) -> None:
        view = self.view
        if view is None:
            return
        kind, file_name = PRINTS[name]
        extra = {"scheme": str(view.info.id), **({"internal": "1"} if internal else {})}
        produce(self, self.ctx, kind, name, Options(village=view.village, extra=extra),
                file_name=f"{view.village or ''}{file_name}{tr('（内部存档）') if internal else ''}")
