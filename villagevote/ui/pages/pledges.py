"""承诺: pledges by village and candidate with their status (草稿/已审核/已签订/拒签), the item editors, review and
signing actions, prints (one pledge, a village batch, the 示诺 notice) and template management."""
from __future__ import annotations

import html
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QUrl
from PySide6.QtGui import QColor, QDesktopServices
from PySide6.QtWidgets import (
    QAbstractItemView,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QSplitter,
    QTableView,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from villagevote.auth import Permission
from villagevote.errors import PermissionDenied, UserError
from villagevote.i18n import tr
from villagevote.idcard import mask_id_number
from villagevote.models.core import Village
from villagevote.models.enums import PledgeKind, PledgeStatus
from villagevote.names import matches
from villagevote.pledges import service
from villagevote.pledges.templates import ItemsTable, Paragraph, RenderedPledge, cn_date
from villagevote.reports.pdf.pledge import PledgePrint, pledge_pdf
from villagevote.reports.pdf.pledge_fonts import missing_glyphs
from villagevote.reports.registry import Options
from villagevote.ui.dialogs.common import Ask, show_error
from villagevote.ui.dialogs.pledges_actions import RefuseDialog, ReviewDialog, SignDialog
from villagevote.ui.dialogs.pledges_items import GoalsDialog, TriggersDialog
from villagevote.ui.dialogs.pledges_templates import TemplatesDialog
from villagevote.ui.table_model import Column, RowsModel
from villagevote.ui.widgets import combo_enum, enum_combo

__all__ = ["PledgesPage", "rendered_html"]

_STATUS_COLORS = {
    PledgeStatus.DRAFT: None,
    PledgeStatus.REVIEWED: QColor("#e3f2fd"),
    PledgeStatus.SIGNED: QColor("#e8f5e9"),
    PledgeStatus.REFUSED: QColor("#ffebee"),
}
_ID_COL = 9  # hidden: the pledge id
_STATUS_VALUE = 10  # hidden: the PledgeStatus, for the row colour


_ID_RE = re.compile(r"(?<![0-9])[0-9]{17}[0-9Xx](?![0-9])")


def mask_ids(text: str) -> str:
    """Full ID numbers masked, for users without the right to see them (e.g. in the 资格承诺 preview)."""
    return _ID_RE.sub(lambda m: mask_id_number(m.group(0)), text)


def rendered_html(rendered: RenderedPledge) -> str:
    """The pledge as it will print: title, paragraphs, items table, signature lines."""
    parts = [f"<h3 align='center'>{html.escape(rendered.title)}</h3>"]
    for block in rendered.blocks:
        if isinstance(block, Paragraph):
            parts.append(f"<p style='text-indent:2em; margin:2px 0'>{html.escape(block.text)}</p>")
        elif isinstance(block, ItemsTable):
            head = "".join(f"<th bgcolor='#eeeeee'>{html.escape(c)}</th>" for c in block.columns)
            body = "".join("<tr>" + "".join(f"<td>{html.escape(c)}</td>" for c in row) + "</tr>" for row in block.rows)
            parts.append(f"<table border='1' cellspacing='0' cellpadding='3' width='100%'><tr>{head}</tr>{body}</table>")
    parts.append("<br/>" + "".join(f"<p style='margin-left:45%'>{html.escape(s)}</p>" for s in rendered.signature_lines))
    parts.append("<p style='color:#666'>" + html.escape(tr("联次：") + "；".join(rendered.copies)) + "</p>")
    return "".join(parts)


class PledgesPage(QWidget):
    def __init__(self, ctx, parent: QWidget | None = None) -> None:  # type: ignore[no-untyped-def]
        super().__init__(parent)
        self.ctx = ctx
        self.rows: list[service.PledgeRow] = []
        layout = QVBoxLayout(self)
        heading = QLabel(tr("承诺：提诺、审诺、签诺、示诺"))
        heading.setStyleSheet("font-size: 18px; font-weight: bold;")
        layout.addWidget(heading)

        bar = QHBoxLayout()
        self.search = QLineEdit()
        self.search.setPlaceholderText(tr("姓名或拼音首字母"))
        self.status_box = enum_combo(PledgeStatus, first=tr("全部状态"))
        self.kind_box = enum_combo(PledgeKind, first=tr("全部种类"))
        self.generate_btn = QPushButton(tr("生成承诺书"))
        self.templates_btn = QPushButton(tr("模板管理"))
        self.batch_btn = QPushButton(tr("打印本村承诺书"))
        self.notice_btn = QPushButton(tr("打印示诺公示"))
        for w in (QLabel(tr("查找：")), self.search, self.status_box, self.kind_box):
            bar.addWidget(w)
        bar.addStretch(1)
        for w in (self.generate_btn, self.templates_btn, self.batch_btn, self.notice_btn):
            bar.addWidget(w)
        layout.addLayout(bar)
        self.summary = QLabel()
        layout.addWidget(self.summary)

        splitter = QSplitter()
        self.model = RowsModel([Column(tr("村")), Column(tr("候选人")), Column(tr("竞选职务")), Column(tr("承诺种类")),
                                Column(tr("状态")), Column(tr("审诺进度")), Column(tr("目标项")), Column(tr("签订日期")),
                                Column(tr("见证人"))], row_brush=self._brush)
        self.view = QTableView()
        self.view.setModel(self.model)
        self.view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.view.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.view.horizontalHeader().setStretchLastSection(True)
        self.view.verticalHeader().hide()
        splitter.addWidget(self.view)

        detail = QWidget()
        detail_layout = QVBoxLayout(detail)
        self.detail_title = QLabel(tr("请在左边选择一份承诺书"))
        self.detail_title.setStyleSheet("font-size: 15px; font-weight: bold;")
        self.detail_title.setWordWrap(True)
        detail_layout.addWidget(self.detail_title)
        self.reviews = QLabel()
        self.reviews.setWordWrap(True)
        detail_layout.addWidget(self.reviews)
        self.preview = QTextBrowser()
        detail_layout.addWidget(self.preview, 1)
        actions = QGroupBox(tr("操作"))
        grid = QHBoxLayout(actions)
        self.items_btn = QPushButton(tr("编辑事项"))
        self.review_btn = QPushButton(tr("审诺…"))
        self.sign_btn = QPushButton(tr("签诺登记…"))
        self.refuse_btn = QPushButton(tr("记录拒签…"))
        self.print_btn = QPushButton(tr("打印此份"))
        self.scan_btn = QPushButton(tr("打开扫描件"))
        for b in (self.items_btn, self.review_btn, self.sign_btn, self.refuse_btn, self.print_btn, self.scan_btn):
            grid.addWidget(b)
        detail_layout.addWidget(actions)
        splitter.addWidget(detail)
        splitter.setSizes([640, 620])
        layout.addWidget(splitter, 1)

        self.search.textChanged.connect(lambda _t: self.apply_filter())
        self.status_box.currentIndexChanged.connect(lambda _i: self.apply_filter())
        self.kind_box.currentIndexChanged.connect(lambda _i: self.apply_filter())
        self.view.selectionModel().currentRowChanged.connect(lambda _c, _p: self.show_detail())
        self.generate_btn.clicked.connect(self.generate)
        self.templates_btn.clicked.connect(lambda: TemplatesDialog.ask(self, self.ctx))
        self.batch_btn.clicked.connect(self.print_village)
        self.notice_btn.clicked.connect(self.print_notice)
        self.items_btn.clicked.connect(self.edit_items)
        self.review_btn.clicked.connect(self.review)
        self.sign_btn.clicked.connect(self.sign)
        self.refuse_btn.clicked.connect(self.refuse)
        self.print_btn.clicked.connect(self.print_one)
        self.scan_btn.clicked.connect(self.open_scan)
        ctx.village_changed.connect(lambda _v: self.refresh())
        ctx.data_changed.connect(self._on_data_changed)
        ctx.database_replaced.connect(self.refresh)
        self.generate_btn.setEnabled(ctx.can(Permission.EDIT))
        self.batch_btn.setEnabled(ctx.can(Permission.VIEW_SENSITIVE))  # 资格承诺 carry the full ID number
        self.refresh()

    # ----------------------------------------------------------------------------------------------- list
    def _brush(self, row) -> QColor | None:  # type: ignore[no-untyped-def]
        return _STATUS_COLORS.get(row[_STATUS_VALUE])

    def _on_data_changed(self, area: str) -> None:
        if area in ("pledges", "candidates", "qualification"):
            self.refresh()

    def refresh(self) -> None:
        cycle_id = self.ctx.cycle_id()
        if cycle_id is None:
            self.rows = []
            self.summary.setText(tr("还没有换届届次，请先在“系统”中建立。"))
        else:
            with self.ctx.session() as s:
                self.rows = service.list_pledges(s, cycle_id, self.ctx.village_id)
        self.apply_filter()

    def apply_filter(self) -> None:
        query = self.search.text().strip()
        status = combo_enum(self.status_box, PledgeStatus)
        kind = combo_enum(self.kind_box, PledgeKind)
        shown = [r for r in self.rows if (status is None or r.status == status)
                 and (kind is None or r.kind == kind)
                 and (not query or matches(r.name, query))]
        table = []
        for r in shown:
            progress = f"{len(r.reviews_passed)}/3"
            nxt = r.next_review_body
            if r.status is PledgeStatus.DRAFT and nxt:
                progress += tr("（待{body}）").format(body=service.review_body_label(nxt))
            table.append((r.village, r.name, r.post, r.kind.label, r.status.label, progress,
                          r.goals if r.kind is PledgeKind.TERM_GOALS else "",
                          r.signed_on.isoformat() if r.signed_on else (tr("拒签 ") + r.refused_on.isoformat()
                                                                       if r.refused_on else ""),
                          r.witness, r.id, r.status))
        self.model.set_source(lambda o, n: table[o:o + n], lambda: len(table))
        counts = {s: sum(1 for r in self.rows if r.status is s) for s in PledgeStatus}
        if self.rows:
            self.summary.setText(tr("共{n}份：草稿{d}，已审核{r}，已签订{s}，拒签{x}").format(
                n=len(self.rows), d=counts[PledgeStatus.DRAFT], r=counts[PledgeStatus.REVIEWED],
                s=counts[PledgeStatus.SIGNED], x=counts[PledgeStatus.REFUSED]))
        elif self.ctx.cycle_id() is not None:
            self.summary.setText(tr("还没有承诺书。候选人登记后，点“生成承诺书”按本届要求生成。"))
        self.show_detail()

    def selected(self) -> service.PledgeRow | None:
        index = self.view.currentIndex()
        if not index.isValid():
            return None
        pledge_id = self.model.row_at(index.row())[_ID_COL]
        return next((r for r in self.rows if r.id == pledge_id), None)

    def select_pledge(self, pledge_id: int) -> None:
        for i in range(self.model.rowCount()):
            if self.model.row_at(i)[_ID_COL] == pledge_id:
                self.view.selectRow(i)
                return

    # ----------------------------------------------------------------------------------------------- detail
    def show_detail(self) -> None:
        row = self.selected()
        buttons = (self.items_btn, self.review_btn, self.sign_btn, self.refuse_btn, self.print_btn, self.scan_btn)
        if row is None:
            self.detail_title.setText(tr("请在左边选择一份承诺书"))
            self.reviews.setText("")
            self.preview.setHtml("")
            for b in buttons:
                b.setEnabled(False)
            return
        with self.ctx.session() as s:
            detail = service.pledge_detail(s, row.id)
        self.detail_title.setText(tr("{name}　{kind}　（{status}，模板：{tpl} 第{v}版）").format(
            name=row.name, kind=row.kind.label, status=row.status.label, tpl=row.template_name,
            v=row.template_version))
        lines = []
        for review in detail.reviews:
            mark = tr("（已失效）") if review.superseded else ""
            lines.append(tr("{date} {body}：{decision}{note}{mark}").format(
                date=review.reviewed_on.isoformat(), body=review.body_label, decision=review.decision.label,
                note=("，" + review.note) if review.note else "", mark=mark))
        struck = [g.item for g in detail.goals if g.item.struck]
        for item in struck:
            lines.append(tr("已删去：{t}（{r}）").format(t=item.title, r=item.strike_reason))
        if row.status is PledgeStatus.SIGNED:
            lines.append(tr("签订：{d}，见证人 {w}，{c}份{scan}").format(
                d=cn_date(row.signed_on), w=row.witness, c=detail.copies,
                scan=tr("，有扫描件") if detail.scan_path else ""))
        if row.status is PledgeStatus.REFUSED:
            lines.append(tr("拒签：{d}，{n}").format(d=cn_date(row.refused_on), n=detail.refusal_note))
        self.reviews.setText("\n".join(lines) or tr("尚未审诺"))
        if detail.rendered is not None:
            prefix = "" if row.status is not PledgeStatus.DRAFT else \
                "<p style='color:#b26a00'>" + html.escape(tr("草稿预览：审诺通过后文本固定，方可打印签字")) + "</p>"
            body = rendered_html(detail.rendered)
            if not self.ctx.can(Permission.VIEW_SENSITIVE):
                body = mask_ids(body)
            self.preview.setHtml(prefix + body)
        else:
            self.preview.setHtml("<p style='color:#b00020'>" + html.escape(detail.preview_problem) + "</p>")
        editable = row.status in (PledgeStatus.DRAFT, PledgeStatus.REVIEWED)
        has_items = row.kind in (PledgeKind.TERM_GOALS, PledgeKind.RESIGNATION)
        self.items_btn.setEnabled(editable and has_items and self.ctx.can(Permission.EDIT))
        self.items_btn.setText(tr("编辑任期目标…") if row.kind is PledgeKind.TERM_GOALS else tr("编辑辞职情形…"))
        self.review_btn.setEnabled(row.status is PledgeStatus.DRAFT and self.ctx.can(Permission.REVIEW))
        self.sign_btn.setEnabled(row.status is PledgeStatus.REVIEWED and self.ctx.can(Permission.EDIT))
        self.refuse_btn.setEnabled(editable and self.ctx.can(Permission.EDIT))
        self.print_btn.setEnabled(row.status in (PledgeStatus.REVIEWED, PledgeStatus.SIGNED) and (
            row.kind is not PledgeKind.QUALIFICATION or self.ctx.can(Permission.VIEW_SENSITIVE)))
        if detail.scan_path:
            self.scan_btn.setText(tr("打开扫描件"))
            self.scan_btn.setEnabled(True)
        else:
            self.scan_btn.setText(tr("补传扫描件…"))
            self.scan_btn.setEnabled(row.status is PledgeStatus.SIGNED and self.ctx.can(Permission.EDIT))
        self._detail = detail

    # ----------------------------------------------------------------------------------------------- actions
    def _after_write(self, pledge_id: int) -> None:
        self.ctx.data_changed.emit("pledges")
        self.refresh()
        self.select_pledge(pledge_id)

    def _write(self, fn, *args, **kwargs):  # type: ignore[no-untyped-def]
        """Run one domain write in its own unit of work; UserErrors propagate to the dialog that asked."""
        with self.ctx.session() as s:
            return fn(s, self.ctx.actor, *args, **kwargs)

    def generate(self) -> None:
        cycle_id = self.ctx.cycle_id()
        if cycle_id is None:
            Ask.error(self, tr("生成承诺书"), tr("还没有换届届次"))
            return
        try:
            result = self._write(service.generate_pledges, cycle_id, self.ctx.village_id)
        except UserError as exc:
            show_error(self, exc)
            return
        self.ctx.data_changed.emit("pledges")
        self.refresh()
        Ask.info(self, tr("生成承诺书"), tr("新生成{n}份；{m}份草稿改用了最新模板。").format(
            n=len(result.created), m=len(result.moved_to_new_template)))

    def edit_items(self) -> None:
        row = self.selected()
        if row is None:
            return
        detail = self._detail
        if row.status is PledgeStatus.REVIEWED and not Ask.confirm(
                self, tr("修改已审核的承诺"), tr("修改后承诺书退回草稿，需要重新审诺。继续吗？")):
            return
        title = tr("{name}的{kind}").format(name=row.name, kind=row.kind.label)
        if row.kind is PledgeKind.TERM_GOALS:
            saved = GoalsDialog.ask(self, title, [g.item for g in detail.goals], detail.categories,
                                    detail.election_day,
                                    lambda goals: self._write(service.save_goal_items, row.id, goals))
        else:
            saved = TriggersDialog.ask(self, title, detail.triggers,
                                       lambda triggers: self._write(service.save_triggers, row.id, triggers))
        if saved:
            self._after_write(row.id)

    def review(self) -> None:
        row = self.selected()
        if row is None or row.next_review_body is None:
            return
        body = row.next_review_body
        items = [(g.id, f"{g.item.title}：{g.item.target}") for g in self._detail.goals if not g.item.struck]

        def submit(value) -> None:  # type: ignore[no-untyped-def]
            self._write(service.review_pledge, row.id, value.body, "pass" if value.passed else "fail", value.note,
                        value.reviewed_on, value.reviewer or None)

        strike = (lambda item_id, reason: self._write(service.strike_item, item_id, reason)) if items else None
        ReviewDialog.ask(self, tr("{name}的{kind}").format(name=row.name, kind=row.kind.label), body,
                         service.review_body_label(body), items, submit, strike,
                         self.ctx.actor.display_name or self.ctx.actor.username)
        self._after_write(row.id)  # a strike may have been saved even when the review itself was cancelled

    def sign(self) -> None:
        row = self.selected()
        if row is None:
            return
        if SignDialog.ask(self, tr("{name}的{kind}").format(name=row.name, kind=row.kind.label),
                          lambda v: self._write(service.sign_pledge, row.id, v.signed_on, v.witness, v.copies,
                                                v.scan_file)):
            self._after_write(row.id)

    def refuse(self) -> None:
        row = self.selected()
        if row is None:
            return
        outcome: list[service.RefusalOutcome] = []

        def submit(v) -> None:  # type: ignore[no-untyped-def]
            outcome.append(self._write(service.refuse_pledge, row.id, v.refused_on, v.note))

        if RefuseDialog.ask(self, tr("{name}的{kind}").format(name=row.name, kind=row.kind.label), submit):
            self.ctx.data_changed.emit("qualification")
            self._after_write(row.id)
            if outcome:
                Ask.info(self, tr("记录拒签"), outcome[0].message)

    def open_scan(self) -> None:
        row = self.selected()
        if row is None:
            return
        if not self._detail.scan_path:
            path = Ask.open_file(self, tr("选择扫描件"), tr("扫描件 (*.pdf *.jpg *.jpeg *.png);;所有文件 (*)"))
            if not path:
                return
            try:
                self._write(service.attach_scan, row.id, path)
            except UserError as exc:
                show_error(self, exc)
                return
            self._after_write(row.id)
            return
        try:
            with self.ctx.session() as s:
                path = service.scan_file_of(s, row.id)
        except UserError as exc:
            show_error(self, exc)
            return
        QDesktopServices.openUrl(QUrl.fromLocalFile(path))

    # ----------------------------------------------------------------------------------------------- prints
    def _save_path(self, default_name: str) -> Path | None:
        path = Ask.save_file(self, tr("保存 PDF"), tr("PDF 文件 (*.pdf)"), default_name)
        return Path(path) if path else None

    def _done(self, path: Path, texts: list[str]) -> None:
        missing = missing_glyphs(texts)
        note = ""
        if missing:
            note = "\n" + tr("注意：打印字体缺少这些字，打印稿上会是空白，请手写补上：{chars}").format(chars="".join(missing))
        Ask.info(self, tr("已生成"), tr("已保存：{path}").format(path=path) + note)

    def print_one(self) -> None:
        row = self.selected()
        if row is None:
            return
        try:
            if row.kind is PledgeKind.QUALIFICATION and not self.ctx.can(Permission.VIEW_SENSITIVE):
                raise PermissionDenied(tr("资格承诺书印有完整身份证号，当前用户无权打印"))
            with self.ctx.session() as s:
                rendered = service.rendered_pledge(s, row.id)
            path = self._save_path(f"{row.village}-{row.name}-{row.kind.label}.pdf")
            if path is None:
                return
            pledge_pdf([PledgePrint(rendered, f"{row.village}　{row.name}　{row.kind.label}")], path)
        except UserError as exc:
            show_error(self, exc)
            return
        self._done(path, [rendered.text])

    def _village_name(self) -> str | None:
        if self.ctx.village_id is None:
            Ask.error(self, tr("请选择村"), tr("请先在窗口上方选择一个村，再按村打印"))
            return None
        with self.ctx.session() as s:
            return s.get(Village, self.ctx.village_id).name

    def print_village(self) -> None:
        from villagevote.reports.forms_pledges import print_pledges
        self._print_for_village(print_pledges, tr("{v}承诺书.pdf"))

    def print_notice(self) -> None:
        from villagevote.reports.forms_pledges import print_pledge_notice
        self._print_for_village(print_pledge_notice, tr("{v}承诺公示.pdf"))

    def _print_for_village(self, form: Callable[..., Any], file_name: str) -> None:
        """Run a village print form (``file_name`` has a {v} slot for the village) to a file the user chooses."""
        village = self._village_name()
        if village is None:
            return
        path = self._save_path(file_name.format(v=village))
        if path is None:
            return
        try:
            with self.ctx.session() as s:
                form(s, self.ctx.actor, path, Options(village=village))
        except UserError as exc:
            show_error(self, exc)
            return
        self._done(path, [r.name for r in self.rows])
