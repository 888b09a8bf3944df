"""An item's detail beside the ledger: its fields, its children (一点一策 / 剿劣清单 water bodies) with the rolled-up
percent, and the timeline in date order — status changes with who made them, weekly reports, evidence with
thumbnails (a red 文件已变更 / 文件缺失 when the file no longer matches its SHA-256), inspection findings, 挂牌督办 with
its 催办 log, extensions and exemptions. Read in one domain query (:func:`villagevote.tracking.queries.item_detail`)
on the database worker, which also reads and scales the thumbnails (QImage is safe off the GUI thread)."""
from __future__ import annotations

import html
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt, QUrl
from PySide6.QtGui import QDesktopServices, QImage, QTextDocument
from PySide6.QtWidgets import QCheckBox, QDialog, QHBoxLayout, QLabel, QTextBrowser, QVBoxLayout, QWidget

from villagevote.i18n import tr
from villagevote.tracking import queries
from villagevote.ui.widgets import button

__all__ = ["DetailDialog", "DetailPanel", "detail_html"]

THUMB = 140
RECENT_REPORTS = 4  # weekly reports shown in the timeline unless all are asked for
IMAGE_SUFFIXES = (".jpg", ".jpeg", ".png", ".bmp", ".gif")


@dataclass(frozen=True)
class Loaded:
    detail: queries.ItemDetail
    thumbs: dict[int, QImage]


def load(session: Any, commitment_id: int, today: Any) -> Loaded:
    """The item's detail and the thumbnails of its image evidence that passed verification (worker thread)."""
    detail = queries.item_detail(session, commitment_id, today=today)
    thumbs: dict[int, QImage] = {}
    for a in detail.attachments:
        path = Path(a.path)
        if a.state == "ok" and path.suffix.lower() in IMAGE_SUFFIXES:
            image = QImage(str(path))
            if not image.isNull():
                thumbs[a.id] = image.scaled(THUMB, THUMB, Qt.AspectRatioMode.KeepAspectRatio,
                                            Qt.TransformationMode.SmoothTransformation)
    return Loaded(detail, thumbs)


def _e(value: Any) -> str:
    return html.escape("" if value is None else str(value))


def _attachment_html(a: Any, thumbs: dict[int, QImage]) -> str:
    mark = ""
    if a.state != "ok":
        mark = f" <span style='color:#c62828; font-weight:bold'>{_e(a.state_text)}</span>"
    image = f"<br/><a href='file:{a.id}'><img src='thumb:{a.id}'/></a>" if a.id in thumbs else ""
    return (f"{_e(a.kind_label)}：<a href='file:{a.id}'>{_e(a.file_name)}</a>"
            f"{('　' + _e(a.caption)) if a.caption else ''}{mark}{image}")


def detail_html(loaded: Loaded, *, all_reports: bool = False) -> str:
    """The item as HTML: fields, children with the roll-up, and the timeline (only the latest
    :data:`RECENT_REPORTS` weekly reports unless ``all_reports``: two years of weekly reports would bury the rest)."""
    d = loaded.detail
    r = d.row
    parts = [f"<h3>{_e(r.ledger_no)}　{_e(r.title)}</h3>"]
    facts = [
        (tr("村"), r.village), (tr("责任人"), f"{r.owner_name}（{r.owner_post}）" if r.owner_post else r.owner_name),
        (tr("来源"), r.source_label), (tr("类型"), r.kind.label), (tr("基数→目标"), r.metric_text),
        (tr("权重"), r.weight), (tr("开始"), r.starts_on), (tr("时限"), r.deadline_text),
        (tr("进度"), f"{r.percent}%"), (tr("状态"), r.status_label), (tr("督办"), r.supervision or tr("无")),
        (tr("最近报告"), r.last_report), (tr("报结日"), r.reported_done_on),
        (tr("销号"), f"{r.closed_on or ''} {r.closed_by}".strip()), (tr("验收意见"), d.acceptance_opinion),
        (tr("反弹次数"), r.reopen_count or ""), (tr("结论"), d.verdict_label), (tr("结论依据"), d.verdict_evidence),
    ]
    facts += [(str(k), v) for k, v in d.detail.items() if isinstance(v, (str, int)) and v != ""]  # e.g. a water body
    parts.append("<table cellspacing='0' cellpadding='2'>" + "".join(
        f"<tr><td style='color:#555'>{_e(k)}</td><td>{_e(v)}</td></tr>" for k, v in facts if v not in (None, ""))
        + "</table>")
    if d.children:
        parts.append(f"<h4>{_e(tr('子项（一点一策）：加权汇总进度 {p}%').format(p=d.rollup_percent))}</h4>")
        parts.append("<table border='1' cellspacing='0' cellpadding='3'><tr>" + "".join(
            f"<th>{_e(h)}</th>" for h in (tr("编号"), tr("名称"), tr("权重"), tr("进度%"), tr("状态"))) + "</tr>")
        for c in d.children:
            parts.append(f"<tr><td>{_e(c.ledger_no)}</td><td>{_e(c.title)}</td><td align='right'>{_e(c.weight)}</td>"
                         f"<td align='right'>{_e(c.percent)}</td><td>{_e(c.status_label)}</td></tr>")
        parts.append("</table>")
    parts.append(f"<h4>{_e(tr('经过（按日期）'))}</h4>")
    if not d.timeline:
        parts.append(f"<p style='color:#666'>{_e(tr('还没有任何记录。'))}</p>")
    attachments = {a.id: a for a in d.attachments}
    reports = [ev for ev in d.timeline if ev.kind == "report"]
    hidden = set() if all_reports else {id(ev) for ev in reports[:-RECENT_REPORTS]}
    if hidden:
        parts.append(f"<p style='color:#666'>{_e(tr('较早的 {n} 条周报已折叠（勾选“显示全部周报”查看）。').format(n=len(hidden)))}</p>")
    rows = []
    for ev in d.timeline:
        if id(ev) in hidden:
            continue
        text = _e(ev.text).replace("\n", "<br/>")
        if ev.attachment_id is not None and ev.attachment_id in attachments:
            text = _attachment_html(attachments[ev.attachment_id], loaded.thumbs)
        elif ev.warning:
            text = f"<span style='color:#c62828'>{text}</span>"
        rows.append(f"<tr><td valign='top' style='white-space:nowrap'>{_e(ev.on)}</td>"
                    f"<td valign='top' style='white-space:nowrap'><b>{_e(ev.label)}</b></td>"
                    f"<td valign='top'>{text}</td><td valign='top' style='color:#555'>{_e(ev.by)}</td></tr>")
    if rows:
        parts.append("<table cellspacing='0' cellpadding='3' width='100%'>" + "".join(rows) + "</table>")
    return "".join(parts)


class DetailPanel(QWidget):
    """The detail of the item selected in the ledger (None: a hint). Links open an evidence file in the system's
    viewer."""

    def __init__(self, page: Any, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.page = page
        self.ctx = page.ctx
        self.commitment_id: int | None = None
        self.loaded: Loaded | None = None
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.title = QLabel(tr("请在左边选择一项"))
        self.title.setStyleSheet("font-weight: bold;")
        layout.addWidget(self.title)
        self.browser = QTextBrowser()
        self.browser.setOpenLinks(False)
        self.browser.anchorClicked.connect(self._open_link)
        layout.addWidget(self.browser, 1)
        row = QHBoxLayout()
        self.window_btn = button(tr("在新窗口中查看"), self.raise_detail, False)
        self.all_reports = QCheckBox(tr("显示全部周报"))
        self.all_reports.toggled.connect(lambda _on: self._redraw())
        row.addWidget(self.all_reports)
        row.addWidget(self.window_btn)
        row.addStretch(1)
        layout.addLayout(row)

    def forget(self) -> None:
        """Read the item again next time (it was just written)."""
        self.commitment_id = None

    def show_item(self, commitment_id: int | None) -> None:
        if commitment_id == self.commitment_id and self.loaded is not None:
            return
        self.commitment_id = commitment_id
        self.loaded = None
        self.window_btn.setEnabled(False)
        if commitment_id is None:
            self.title.setText(tr("请在左边选择一项"))
            self.browser.setHtml("")
            return
        self.title.setText(tr("正在读取……"))
        today = self.page.today()
        self.ctx.query(lambda s: load(s, commitment_id, today), self._show, parent=self)

    def _show(self, loaded: Loaded) -> None:
        if loaded.detail.row.id != self.commitment_id:
            return  # the selection moved on meanwhile
        self.loaded = loaded
        self._redraw()
        self.title.setText(tr("事项详情"))
        self.window_btn.setEnabled(True)

    def _redraw(self) -> None:
        if self.loaded is not None:
            show_in(self.browser, self.loaded, all_reports=self.all_reports.isChecked())

    def raise_detail(self) -> None:
        """The detail in a window of its own (double-click on the ledger), to read a long timeline."""
        if self.loaded is None:
            return
        DetailDialog(self.loaded, self).show()  # kept alive by its parent; deleted when closed

    def _open_link(self, url: QUrl) -> None:
        open_link(self.loaded, url)


def show_in(browser: QTextBrowser, loaded: Loaded, *, all_reports: bool = False) -> None:
    doc = browser.document()
    for aid, image in loaded.thumbs.items():
        doc.addResource(QTextDocument.ResourceType.ImageResource, QUrl(f"thumb:{aid}"), image)
    browser.setHtml(detail_html(loaded, all_reports=all_reports))


def open_link(loaded: Loaded | None, url: QUrl) -> None:
    if loaded is None or url.scheme() != "file":
        return
    try:
        aid = int(url.path() or url.toString().split(":", 1)[1])
    except ValueError:
        return
    for a in loaded.detail.attachments:
        if a.id == aid and a.state != "missing":
            QDesktopServices.openUrl(QUrl.fromLocalFile(str(a.path)))


class DetailDialog(QDialog):
    """The item's detail in its own window (not modal: the ledger stays usable)."""

    def __init__(self, loaded: Loaded, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.loaded = loaded
        self.setWindowTitle(tr("事项详情：{no}").format(no=loaded.detail.row.ledger_no))
        self.resize(760, 700)
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        layout = QVBoxLayout(self)
        self.browser = QTextBrowser()
        self.browser.setOpenLinks(False)
        self.browser.anchorClicked.connect(lambda url: open_link(self.loaded, url))
        layout.addWidget(self.browser)
        show_in(self.browser, loaded, all_reports=True)  # the window is for reading everything
