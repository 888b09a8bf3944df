"""A4 PDF of signed pledges (承诺书): one copy per page, each page marked with its copy (第一联/第二联).

Input is the stored :class:`~villagevote.pledges.templates.RenderedPledge` (the exact text a candidate signs), so a
reprint after a template edit shows the same words. A batch (all pledges of a village) is one PDF; every copy of
every pledge starts on a new page; a long items table flows onto the next page with its header row repeated.
"""
from __future__ import annotations

import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from reportlab.lib.enums import TA_CENTER, TA_LEFT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import (
    BaseDocTemplate,
    CondPageBreak,
    Flowable,
    Frame,
    KeepTogether,
    PageBreak,
    PageTemplate,
    Paragraph,
    Spacer,
    Table,
)

from villagevote.i18n import tr
from villagevote.pledges.templates import ItemsTable, RenderedPledge
from villagevote.pledges.templates import Paragraph as TextParagraph
from villagevote.reports.pdf.base import cell_table, write_bytes
from villagevote.reports.pdf.pledge_fonts import draw_text, font_name, markup, missing_glyphs

__all__ = ["PledgePrint", "missing_glyphs", "pledge_pdf"]

PAGE_W, PAGE_H = A4
MARGIN_X = 25 * mm
MARGIN_TOP = 25 * mm
MARGIN_BOTTOM = 22 * mm
FRAME_W = PAGE_W - 2 * MARGIN_X
# 序号, 目标项目, 类别, 可量化目标, 完成时限, 权重 — fractions of the frame width.
_ITEM_COL_FRACTIONS = (0.07, 0.24, 0.12, 0.26, 0.19, 0.12)


@dataclass(frozen=True)
class PledgePrint:
    """One pledge to print with the label shown in the page header (e.g. village and candidate)."""

    rendered: RenderedPledge
    header: str = ""


def _styles() -> dict[str, ParagraphStyle]:
    font = font_name()
    return {
        "title": ParagraphStyle("title", fontName=font, fontSize=18, leading=26, alignment=TA_CENTER,
                                spaceAfter=14, wordWrap="CJK"),
        "body": ParagraphStyle("body", fontName=font, fontSize=12, leading=21, firstLineIndent=24,
                               alignment=TA_LEFT, wordWrap="CJK", spaceAfter=2),
        "sign": ParagraphStyle("sign", fontName=font, fontSize=12, leading=30, leftIndent=FRAME_W * 0.45,
                               wordWrap="CJK"),
    }


class _CopyMarker(Flowable):
    """Zero-size flowable recording which copy (and header) the following pages belong to."""

    def __init__(self, copy_label: str, header: str) -> None:
        super().__init__()
        self.copy_label = copy_label
        self.header = header
        self.width = self.height = 0

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:
        return 0, 0

    def draw(self) -> None:
        doc = self.canv._doctemplate
        doc.vv_copy_label = self.copy_label
        doc.vv_header = self.header


def _items_table(block: ItemsTable) -> Table:
    return cell_table([list(block.columns), *[list(row) for row in block.rows]],
                      [FRAME_W * f for f in _ITEM_COL_FRACTIONS], align="LEFT", font=font_name(),
                      keep_ideographic_spaces=True)


def _pledge_story(item: PledgePrint, styles: dict[str, ParagraphStyle], first: bool) -> list[Flowable]:
    story: list[Flowable] = []
    rendered = item.rendered
    for copy_index, copy_label in enumerate(rendered.copies):
        if not (first and copy_index == 0):
            story.append(PageBreak())
        story.append(_CopyMarker(copy_label, item.header))
        story.append(Paragraph(markup(rendered.title), styles["title"]))
        for block in rendered.blocks:
            if isinstance(block, TextParagraph):
                story.append(Paragraph(markup(block.text), styles["body"]))
            else:
                story.append(Spacer(1, 4))
                story.append(_items_table(block))
                story.append(Spacer(1, 6))
        signature = [Spacer(1, 16)] + [Paragraph(markup(line), styles["sign"]) for line in rendered.signature_lines]
        story.append(CondPageBreak(30 * len(rendered.signature_lines) + 20))
        story.append(KeepTogether(signature))
    return story


def _decorate(canvas, doc) -> None:
    canvas.saveState()
    label = getattr(doc, "vv_copy_label", "")
    header = getattr(doc, "vv_header", "")
    if label:
        draw_text(canvas, PAGE_W - MARGIN_X, PAGE_H - 14 * mm, label, 10, "right")
    if header:
        draw_text(canvas, MARGIN_X, PAGE_H - 14 * mm, header, 10)
    draw_text(canvas, PAGE_W / 2, 12 * mm, tr("第 {n} 页").format(n=doc.page), 9, "center")
    canvas.restoreState()


def a4_document(buffer: BinaryIO, title: str) -> BaseDocTemplate:
    """An A4 document whose pages get the copy label, header and page number drawn after their content."""
    doc = BaseDocTemplate(buffer, pagesize=A4, leftMargin=MARGIN_X, rightMargin=MARGIN_X, topMargin=MARGIN_TOP,
                          bottomMargin=MARGIN_BOTTOM, title=title, author="villagevote", creator="villagevote")
    frame = Frame(MARGIN_X, MARGIN_BOTTOM, FRAME_W, PAGE_H - MARGIN_TOP - MARGIN_BOTTOM, id="body",
                  leftPadding=0, rightPadding=0, topPadding=0, bottomPadding=0)
    doc.addPageTemplates([PageTemplate(id="a4", frames=[frame], onPageEnd=_decorate)])
    return doc


def pledge_pdf(pledges: Sequence[PledgePrint] | Iterable[PledgePrint], out: Path | str | BinaryIO | None = None,
               title: str = "") -> bytes:
    """Render pledges (one or a village batch) into one A4 PDF; returns the bytes and writes ``out`` when given."""
    items = list(pledges)
    if not items:
        raise ValueError("pledge_pdf needs at least one pledge")
    styles = _styles()
    buffer = io.BytesIO()
    doc = a4_document(buffer, title or items[0].rendered.title)
    story: list[Flowable] = []
    for index, item in enumerate(items):
        story.extend(_pledge_story(item, styles, first=index == 0))
    doc.build(story)
    return write_bytes(buffer.getvalue(), out)
