"""承诺: pledges by village and candidate with their status (草稿/已审核/已签订/拒签), the item editors, review and
signing actions, prints (one pledge, a village batch, the 示诺 notice) and template management."""
from __future__ import annotations

import html
import re
from dataclasses import dataclass

from PySide6.QtCore import Qt, QUrl
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
from villagevote.changes import Area
from villagevote.i18n import tr
from villagevote.idcard import mask_id_number
from villagevote.models.enums import PledgeKind, PledgeStatus
from villagevote.names import matches
from villagevote.pledges import service
from villagevote.pledges.queries import PledgeList, pledge_list
from villagevote.pledges.templates import ItemsTable, Paragraph, RenderedPledge, cn_date
from villagevote.reports.pdf.pledge_fonts import missing_glyphs
from villagevote.reports.registry import Options
from villagevote.ui.dialogs.common import Ask
from villagevote.ui.dialogs.pledges_actions import RefuseDialog, ReviewDialog, SignDialog
from villagevote.ui.dialogs.pledges_items import GoalsDialog, TriggersDialog
from villagevote.ui.dialogs.pledges_templates import TemplatesDialog
from villagevote.ui.pages.base import Page
from villagevote.ui.printing import produce
from villagevote.ui.table_model import ID_ROLE, Column, RowsModel, sorting_proxy
from villagevote.ui.widgets import combo_enum, enum_combo

__all__ = ["PledgesPage", "rendered_html"]

_STATUS_COLORS = {
    PledgeStatus.DRAFT: None,
    PledgeStatus.REVIEWED: QColor("#e3f2fd"),
    PledgeStatus.SIGNED: QColor("#e8f5e9"),
    PledgeStatus.REFUSED: QColor("#ffebee"),
}


@dataclass(frozen=True)
class _Line:
    """One row of the pledge table (cells by Column.field)."""
    id: int
    village: str
    name: str
    post: str
    kind: str
    status_label: str
    progress: str
    goals: int | str
    signed: str
    witness: str
    status: PledgeStatus


def _line(r: service.PledgeRow) -> _Line:
    progress = f"{len(r.reviews_passed)}/3"
    nxt = r.next_review_body
    if r.status is PledgeStatus.DRAFT and nxt:
        progress += tr("（待{body}）").format(body=service.review_body_label(nxt))
    signed = r.signed_on.isoformat() if r.signed_on else (
        tr("拒签 ") + r.refused_on.isoformat() if r.refused_on else "")
    return _Line(r.id, r.village, r.name, r.post, r.kind.label, r.status.label, progress,
                 r.goals if r.kind is PledgeKind.TERM_GOALS else "", signed, r.witness, r.status)


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


class PledgesPage(Page):
    AREAS = frozenset({Area.PLEDGES, Area.CANDIDATES, Area.QUALIFICATION, Area.TOWNSHIP})

    def __init__(self, ctx, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self.data = PledgeList(None, None, [])
        self.rows: list[service.PledgeRow] = []
        self._detail: service.PledgeDetail | None = None
        self._select_after: int | None = None
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
        for b in (self.generate_btn, self.templates_btn, self.batch_btn, self.notice_btn):
            bar.addWidget(b)
        layout.addLayout(bar)
        self.summary = QLabel()
        layout.addWidget(self.summary)

        splitter = QSplitter()
        self.model = RowsModel([Column(tr("村"), field="village"), Column(tr("候选人"), kind="name", field="name"),
                                Column(tr("竞选职务"), field="post"), Column(tr("承诺种类"), field="kind"),
                                Column(tr("状态"), field="status_label"), Column(tr("审诺进度"), field="progress"),
                                Column(tr("目标项"), field="goals"), Column(tr("签订日期"), field="signed"),
                                Column(tr("见证人"), field="witness")], row_brush=self._brush)
        self.proxy = sorting_proxy(self.model, self)
        self.view = QTableView()
        self.view.setModel(self.proxy)
        self.view.horizontalHeader().setSortIndicator(-1, Qt.SortOrder.AscendingOrder)
        self.view.setSortingEnabled(True)  # the rows come in village, 姓氏笔画, kind order until a header is clicked
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
        self.generate_btn.setEnabled(ctx.can(Permission.EDIT))
        self.batch_btn.setEnabled(ctx.can(Permission.VIEW))  # printed pledges carry masked ID numbers only
        self._enable_actions(None)
        self.reload()

    # ----------------------------------------------------------------------------------------------- list
    def _brush(self, row: _Line) -> QColor | None:
        return _STATUS_COLORS.get(row.status)

    def refresh(self) -> None:
        self.reload()

    def fetch(self, session) -> PledgeList:
        return pledge_list(session, self.ctx.village_id)

    def show_data(self, data: PledgeList) -> None:
        current = self.selected()
        keep = self._select_after or (current.id if current is not None else None)
        self._select_after = None
        self.data = data
        self.rows = data.rows
        self.apply_filter()
        if keep is not None:
            self.select_pledge(keep)

    def apply_filter(self) -> None:
        """Filter the loaded rows (no database query: the list of one cycle is small)."""
        query = self.search.text().strip()
        status = combo_enum(self.status_box, PledgeStatus)
        kind = combo_enum(self.kind_box, PledgeKind)
        shown = [_line(r) for r in self.rows if (status is None or r.status == status)
                 and (kind is None or r.kind == kind)
                 and (not query or matches(r.name, query))]
        self.model.set_source(lambda o, n: shown[o:o + n], lambda: len(shown))
        counts = {s: sum(1 for r in self.rows if r.status is s) for s in PledgeStatus}
        if self.data.cycle_id is None:
            self.summary.setText(tr("还没有换届届次，请先在“系统”中建立。"))
        elif self.rows:
            self.summary.setText(tr("共{n}份：草稿{d}，已审核{r}，已签订{s}，拒签{x}").format(
                n=len(self.rows), d=counts[PledgeStatus.DRAFT], r=counts[PledgeStatus.REVIEWED],
                s=counts[PledgeStatus.SIGNED], x=counts[PledgeStatus.REFUSED]))
        else:
            self.summary.setText(tr("还没有承诺书。候选人登记后，点“生成承诺书”按本届要求生成。"))
        self.show_detail()

    def selected(self) -> service.PledgeRow | None:
        index = self.view.currentIndex()
        if not index.isValid():
            return None
        pledge_id = self.proxy.data(index, ID_ROLE)
        return next((r for r in self.rows if r.id == pledge_id), None)

    def select_pledge(self, pledge_id: int) -> None:
        for i in range(self.proxy.rowCount()):
            if self.proxy.data(self.proxy.index(i, 0), ID_ROLE) == pledge_id:
                self.view.selectRow(i)
                return

    # ----------------------------------------------------------------------------------------------- detail
    def show_detail(self) -> None:
        """Load the selected pledge's detail on the database worker; the actions wait for it."""
        row = self.selected()
        self._detail = None
        self._enable_actions(None)
        if row is None:
            self.detail_title.setText(tr("请在左边选择一份承诺书"))
            self.reviews.setText("")
            self.preview.setHtml("")
            return
        pledge_id = row.id
        self.ctx.query(lambda s: service.pledge_detail(s, pledge_id), self._show_detail, parent=self)

    def _show_detail(self, detail: service.PledgeDetail) -> None:
        current = self.selected()
        if current is None or current.id != detail.row.id:
            return  # the selection moved on meanwhile
        row = detail.row
        self._detail = detail
        self.detail_title.setText(tr("{name}　{kind}　（{status}，模板：{tpl} 第{v}版）").format(
            name=row.name, kind=row.kind.label, status=row.status.label, tpl=row.template_name,
            v=row.template_version))
        lines = []
        for review in detail.reviews:
            mark = tr("（已失效）") if review.superseded else ""
            lines.append(tr("{date} {body}：{decision}{note}{mark}").format(
                date=review.reviewed_on.isoformat(), body=review.body_label, decision=review.decision.label,
                note=("，" + review.note) if review.note else "", mark=mark))
        for item in (g.item for g in detail.goals if g.item.struck):
            lines.append(tr("已删去：{t}（{r}）").format(t=item.title, r=item.strike_reason))
        if row.status is PledgeStatus.SIGNED:
            lines.append(tr("签订：{d}，见证人 {w}，{c}份{scan}").format(
                d=cn_date(row.signed_on) if row.signed_on else "", w=row.witness, c=detail.copies,
                scan=tr("，有扫描件") if detail.scan_path else ""))
        if row.status is PledgeStatus.REFUSED:
            lines.append(tr("拒签：{d}，{n}").format(d=cn_date(row.refused_on) if row.refused_on else "",
                                                    n=detail.refusal_note))
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
        self._enable_actions(detail)

    def _enable_actions(self, detail: service.PledgeDetail | None) -> None:
        buttons = (self.items_btn, self.review_btn, self.sign_btn, self.refuse_btn, self.print_btn, self.scan_btn)
        if detail is None:
            for b in buttons:
                b.setEnabled(False)
            return
        row = detail.row
        editable = row.status in (PledgeStatus.DRAFT, PledgeStatus.REVIEWED)
        has_items = row.kind in (PledgeKind.TERM_GOALS, PledgeKind.RESIGNATION)
        self.items_btn.setEnabled(editable and has_items and self.ctx.can(Permission.EDIT))
        self.items_btn.setText(tr("编辑任期目标…") if row.kind is PledgeKind.TERM_GOALS else tr("编辑辞职情形…"))
        self.review_btn.setEnabled(row.status is PledgeStatus.DRAFT and self.ctx.can(Permission.REVIEW))
        self.sign_btn.setEnabled(row.status is PledgeStatus.REVIEWED and self.ctx.can(Permission.EDIT))
        self.refuse_btn.setEnabled(editable and self.ctx.can(Permission.EDIT))
        # printed pledges carry masked ID numbers only (资格承诺 included): whoever may view may print
        self.print_btn.setEnabled(row.status in (PledgeStatus.REVIEWED, PledgeStatus.SIGNED))
        if detail.scan_path:
            self.scan_btn.setText(tr("打开扫描件"))
            self.scan_btn.setEnabled(True)
        else:
            self.scan_btn.setText(tr("补传扫描件…"))
            self.scan_btn.setEnabled(row.status is PledgeStatus.SIGNED and self.ctx.can(Permission.EDIT))

    # ----------------------------------------------------------------------------------------------- actions
    def _keep_selected(self, pledge_id: int) -> None:
        """After a write the page reloads (its areas changed); keep this pledge selected."""
        self._select_after = pledge_id

    def _who(self, detail: service.PledgeDetail) -> str:
        return tr("{name}的{kind}").format(name=detail.row.name, kind=detail.row.kind.label)

    def generate(self) -> None:
        cycle_id, village_id, actor = self.data.cycle_id, self.ctx.village_id, self.ctx.actor
        if cycle_id is None:
            Ask.error(self, tr("生成承诺书"), tr("还没有换届届次"))
            return

        def done(result: service.GenerateResult) -> None:
            Ask.info(self, tr("生成承诺书"), tr("新生成{n}份；{m}份草稿改用了最新模板。").format(
                n=len(result.created), m=len(result.moved_to_new_template)))
        self.ctx.write(lambda s: service.generate_pledges(s, actor, cycle_id, village_id), Area.PLEDGES,
                       on_done=done, title=tr("生成承诺书"), parent=self)

    def edit_items(self) -> None:
        detail, actor = self._detail, self.ctx.actor
        if detail is None:
            return
        row = detail.row
        if row.status is PledgeStatus.REVIEWED and not Ask.confirm(
                self, tr("修改已审核的承诺"), tr("修改后承诺书退回草稿，需要重新审诺。继续吗？")):
            return
        self._keep_selected(row.id)
        if row.kind is PledgeKind.TERM_GOALS:
            GoalsDialog.ask(self, self.ctx, self._who(detail), [g.item for g in detail.goals], detail.categories,
                            detail.election_day,
                            lambda goals: lambda s: service.save_goal_items(s, actor, row.id, goals))
        else:
            TriggersDialog.ask(self, self.ctx, self._who(detail), detail.triggers,
                               lambda triggers: lambda s: service.save_triggers(s, actor, row.id, triggers))

    def review(self) -> None:
        detail, actor = self._detail, self.ctx.actor
        if detail is None or detail.row.next_review_body is None:
            return
        row = detail.row
        body: str = detail.row.next_review_body
        items = [(g.id, f"{g.item.title}：{g.item.target}") for g in detail.goals if not g.item.struck and g.id]

        def write(value):
            return lambda s: service.review_pledge(s, actor, row.id, value.body, "pass" if value.passed else "fail",
                                                   value.note, value.reviewed_on, value.reviewer or None)

        def strike(item_id: int, reason: str):
            return lambda s: service.strike_item(s, actor, item_id, reason)

        self._keep_selected(row.id)
        ReviewDialog.ask(self, self.ctx, self._who(detail), body, service.review_body_label(body), items, write,
                         strike if items else None, actor.display_name or actor.username)

    def sign(self) -> None:
        detail, actor = self._detail, self.ctx.actor
        if detail is None:
            return
        pledge_id = detail.row.id
        self._keep_selected(pledge_id)
        SignDialog.ask(self, self.ctx, self._who(detail),
                       lambda v: lambda s: service.sign_pledge(s, actor, pledge_id, v.signed_on, v.witness, v.copies,
                                                               v.scan_file))

    def refuse(self) -> None:
        detail, actor = self._detail, self.ctx.actor
        if detail is None:
            return
        pledge_id = detail.row.id
        self._keep_selected(pledge_id)
        outcome = RefuseDialog.ask(self, self.ctx, self._who(detail),
                                   lambda v: lambda s: service.refuse_pledge(s, actor, pledge_id, v.refused_on,
                                                                             v.note))
        if outcome is not None:
            Ask.info(self, tr("记录拒签"), outcome.message)

    def open_scan(self) -> None:
        detail, actor = self._detail, self.ctx.actor
        if detail is None:
            return
        pledge_id = detail.row.id
        if detail.scan_path:
            self.ctx.query(lambda s: service.scan_file_of(s, pledge_id),
                           lambda path: QDesktopServices.openUrl(QUrl.fromLocalFile(path)), parent=self)
            return
        path = Ask.open_file(self, tr("选择扫描件"), tr("扫描件 (*.pdf *.jpg *.jpeg *.png);;所有文件 (*)"))
        if not path:
            return
        self._keep_selected(pledge_id)
        self.ctx.write(lambda s: service.attach_scan(s, actor, pledge_id, path), Area.PLEDGES, parent=self)

    # ----------------------------------------------------------------------------------------------- prints
    def _warn_missing_glyphs(self, texts: list[str]) -> None:
        """Characters the print fonts lack come out blank on paper: say which, so staff write them in by hand."""
        missing = missing_glyphs(texts)
        if missing:
            Ask.info(self, tr("打印字体缺字"), tr("注意：打印字体缺少这些字，打印稿上会是空白，请手写补上：{chars}").format(
                chars="".join(missing)))

    def print_one(self) -> None:
        detail = self._detail
        if detail is None:
            return
        row = detail.row
        texts = [detail.rendered.text] if detail.rendered is not None else [row.name]
        produce(self, self.ctx, "print", "pledge", Options(village=row.village, extra={"pledge": str(row.id)}),
                file_name=f"{row.village}-{row.name}-{row.kind.label}",
                on_done=lambda _path: self._warn_missing_glyphs(texts))

    def _village(self) -> str | None:
        if self.data.village is None:
            Ask.error(self, tr("请选择村"), tr("请先在窗口上方选择一个村，再按村打印"))
        return self.data.village

    def print_village(self) -> None:
        village = self._village()
        if village is not None:
            names = [r.name for r in self.rows]
            produce(self, self.ctx, "print", "pledges", Options(village=village),
                    file_name=tr("{v}承诺书").format(v=village), on_done=lambda _p: self._warn_missing_glyphs(names))

    def print_notice(self) -> None:
        village = self._village()
        if village is not None:
            names = [r.name for r in self.rows]
            produce(self, self.ctx, "print", "pledge-notice", Options(village=village),
                    file_name=tr("{v}承诺公示").format(v=village), on_done=lambda _p: self._warn_missing_glyphs(names))
