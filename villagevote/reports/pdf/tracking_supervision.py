"""挂牌督办通知书 with its 回执 (tracking.md A1 "Supervision", A7): one notice per document (page numbers restart),
portrait A4 — the 督办编号, the item (台账编号, 时限, 进度, 状态), the responsible village and person, the reason, the limit
date, the level, the 签发人, the township Party committee's seal line and date, the 催办 log; then a dashed tear-off
line and the 回执 (办理情况, 完成时间, 责任人签字, the village's seal), which moves whole to a second page when it does not
fit under the notice. Black and white; no ID numbers.
"""
from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from reportlab.lib import colors
from reportlab.lib.units import mm
from reportlab.platypus import Flowable, KeepTogether, Spacer, Table, TableStyle

from villagevote.fonts import pdf_fonts
from villagevote.i18n import tr
from villagevote.reports.pdf.base import cn_date, documents, styles
from villagevote.reports.pdf.text import draw_text, para, string_width
from villagevote.reports.pdf.tracking_common import build_tracking_pdf, date_cell, frame_width
from villagevote.tracking.print_data import NoticeData

__all__ = ["supervision_notice_pdf"]


class CutLine(Flowable):
    """A dashed line across the frame with "（沿此线剪开）" in the middle: the tear-off edge of the 回执."""

    def __init__(self, text: str) -> None:
        super().__init__()
        self.text = text
        self.width = 0.0
        self.height = 8 * mm

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:
        self.width = availWidth
        return availWidth, self.height

    def draw(self) -> None:
        c = self.canv
        size = 10
        face = pdf_fonts().body
        text_w = string_width(self.text, size, face) + 8
        y = self.height / 2
        c.saveState()
        c.setStrokeColor(colors.black)
        c.setLineWidth(0.6)
        c.setDash(4, 3)
        left_end = (self.width - text_w) / 2
        c.line(0, y, left_end, y)
        c.line(left_end + text_w, y, self.width, y)
        c.restoreState()
        draw_text(c, self.width / 2, y - size * 0.35, self.text, size, "center", face)


def _grid(rows: Sequence[Sequence[Any]], widths: Sequence[float]) -> Table:
    table = Table([list(r) for r in rows], colWidths=list(widths))
    table.setStyle(TableStyle([
        ("GRID", (0, 0), (-1, -1), 0.5, colors.black),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("TOPPADDING", (0, 0), (-1, -1), 4),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 4),
    ]))
    return table


def _notice_story(n: NoticeData, width: float) -> list[Flowable]:
    st = styles()
    cell, label = st["cell"], st["cell_center"]
    issuer = tr("中共{t}委员会").format(t=n.township) if n.township else tr("乡镇党委")
    story: list[Flowable] = [
        para(tr("挂牌督办通知书"), st["title"]),
        para(tr("督办编号：{no}").format(no=n.notice_no), st["right"]),
        *([para(tr("（本督办已于{d}解除，此件为存档补印）").format(d=cn_date(n.lifted_on)), st["right"])]
          if n.lifted_on is not None else []),
        Spacer(1, 2 * mm),
        para(tr("{village}、{owner}：").format(village=n.village, owner=n.owner) if n.owner else
             tr("{village}：").format(village=n.village), st["body_noindent"]),
        para(tr("你村（你）承担的践诺事项“{title}”（台账编号{ledger}，时限{deadline}，目前进度{pct}%，状态：{status}），"
                "因{reason}，经研究，决定对该事项实行挂牌督办（{level}）。请于{limit}前办结，并将办理情况填写回执，"
                "连同佐证材料报乡镇。逾期仍未办结的，将按有关规定予以通报，并对责任人实行约谈。").format(
            title=n.title, ledger=n.ledger_no, deadline=date_cell(n.deadline) or tr("未定"), pct=n.percent,
            status=n.status.replace("\n", ""), reason=n.reason, level=n.level, limit=cn_date(n.limit_date)),
             st["body"]),
        Spacer(1, 3 * mm),
    ]
    w1 = 28 * mm
    rows = [
        [para(tr("督办编号"), label), para(n.notice_no, cell), para(tr("督办级别"), label),
         para(n.level, cell)],
        [para(tr("督办事项"), label), para(f"{n.ledger_no}　{n.title}" + (f"（{n.target}）" if n.target else ""),
                                         cell), "", ""],
        [para(tr("责任村/人"), label), para(f"{n.village}　{n.owner}", cell), "", ""],
        [para(tr("督办理由"), label), para(n.reason, cell), "", ""],
        [para(tr("办结限期"), label), para(cn_date(n.limit_date), cell), para(tr("签发人"), label),
         para(n.issued_by, cell)],
    ]
    table = _grid(rows, [w1, (width - 2 * w1) / 2, w1, (width - 2 * w1) / 2])
    table.setStyle(TableStyle([("SPAN", (1, r), (3, r)) for r in (1, 2, 3)]))
    story.append(table)
    if n.urges:
        story.append(Spacer(1, 2 * mm))
        story.append(para(tr("催办记录：") + "；".join(n.urges), st["small"]))
    story += [
        Spacer(1, 4 * mm),
        para(tr("签发人：{who}").format(who=n.issued_by or "____________"), st["right"]),
        para(tr("{issuer}（盖章）").format(issuer=issuer), st["right"]),
        para(cn_date(n.issued_on), st["right"]),
        Spacer(1, 2 * mm),
    ]
    receipt: list[Flowable] = [
        CutLine(tr("（沿此线剪开）")),
        Spacer(1, 2 * mm),
        para(tr("挂牌督办回执"), st["subtitle"]),
        _grid([
            [para(tr("督办编号"), label), para(n.notice_no, cell), para(tr("办结限期"), label),
             para(cn_date(n.limit_date), cell)],
            [para(tr("督办事项"), label), para(f"{n.ledger_no}　{n.title}", cell), "", ""],
            [para(tr("责任村/人"), label), para(f"{n.village}　{n.owner}", cell), "", ""],
            [para(tr("办理情况"), label), Spacer(1, 28 * mm), "", ""],
            [para(tr("完成时间"), label), para(tr("______年____月____日"), cell), para(tr("佐证材料"), label),
             para(tr("______份"), cell)],
            [para(tr("责任人签字"), label), "", para(tr("村党组织盖章"), label), ""],
        ], [w1, (width - 2 * w1) / 2, w1, (width - 2 * w1) / 2]),
        Spacer(1, 2 * mm),
        para(tr("请于办结后三日内将本回执报{issuer}，并附佐证材料。").format(issuer=issuer), st["small"]),
    ]
    receipt_table = receipt[3]
    assert isinstance(receipt_table, Table)
    receipt_table.setStyle(TableStyle([("SPAN", (1, r), (3, r)) for r in (1, 2, 3)]))
    story.append(KeepTogether(receipt))
    return story


def supervision_notice_pdf(out: Path | str, notices: Sequence[NoticeData]) -> Path:
    width = frame_width(False)
    story = documents(_notice_story(n, width) for n in notices)
    return build_tracking_pdf(out, story, title=tr("挂牌督办通知书"), landscape_pages=False)
