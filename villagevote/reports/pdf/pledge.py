"""A4 PDF of signed pledges (承诺书): one copy per page, each page marked with its copy (第一联/第二联).

Input is the stored :class:`~villagevote.pledges.templates.RenderedPledge` (the exact text a candidate signs), so a
reprint after a template edit shows the same words. A batch (all pledges of a village) is one PDF; every copy of
every pledge starts on a new page; a long items table flows onto the next page with its header row repeated.

Every copy is a document of its own (it is posted or filed on its own): the copies are separated by
``document_break`` so that "第 N 页 共 M 页" counts each copy from 1, never across the batch; the signature lines
are a ``closing_block`` kept on the page of the last paragraph above (the typesetting API of ``base.py``).
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
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Flowable, Frame, Paragraph, Spacer, Table

from villagevote.pledges.templates import ItemsTable, RenderedPledge
from villagevote.pledges.templates import Paragraph as TextParagraph
from villagevote.reports.pdf.base import (
    NumberedDocTemplate,
    PageMarks,
    cell_table,
    closing_block,
    document_break,
    write_bytes,
)
from villagevote.reports.pdf.pledge_fonts import draw_text, font_name, markup, missing_glyphs, string_width

__all__ = ["PledgePrint", "missing_glyphs", "pledge_pdf", "render_documents"]

PAGE_W, PAGE_H = A4
MARGIN_X = 25 * mm
MARGIN_TOP = 25 * mm
MARGIN_BOTTOM = 22 * mm
FRAME_W = PAGE_W - 2 * MARGIN_X
# 序号, 目标项目, 类别, 可量化目标, 完成时限, 权重 — fractions of the frame width.
_ITEM_COL_FRACTIONS = (0.08, 0.22, 0.12, 0.25, 0.19, 0.14)  # 序号 and 权重（%） on one line at 10 pt


@dataclass(frozen=True)
class PledgePrint:
    """One pledge to print with the label shown in the page header (e.g. village and candidate)."""

    rendered: RenderedPledge
    header: str = ""


def _styles() -> dict[str, ParagraphStyle]:
    font = font_name()
    return {
        # office practice: title 二号 (22 pt), body 四号 (14 pt)
        "title": ParagraphStyle("title", fontName=font, fontSize=22, leading=32, alignment=TA_CENTER,
                                spaceAfter=14, wordWrap="CJK"),
        "body": ParagraphStyle("body", fontName=font, fontSize=14, leading=25, firstLineIndent=28,
                               alignment=TA_LEFT, wordWrap="CJK", spaceAfter=2),
        "sign": ParagraphStyle("sign", fontName=font, fontSize=14, leading=32, leftIndent=FRAME_W * 0.45,
                               wordWrap="CJK"),
    }


def title_style(text: str, style: ParagraphStyle, smallest: float = 16) -> ParagraphStyle:
    """``style`` made smaller (down to ``smallest`` pt, 三号) when the title does not fit on one line at its size: a
    title such as 创业承诺书（任期目标） is not broken before its last characters."""
    size = style.fontSize
    while size > smallest and string_width(text, size) > FRAME_W:
        size -= 1
    if size == style.fontSize:
        return style
    return ParagraphStyle(f"{style.name}-{size:g}", parent=style, fontSize=size, leading=size * style.leading
                          / style.fontSize)


class _CopyMarker(Flowable):
    """Zero-size flowable at the top of a document (one copy of one pledge, or a notice): the copy label and the
    header drawn on its pages (kept on the canvas, whose page state ``NumberedDocTemplate`` replays)."""

    _ZEROSIZE = True

    def __init__(self, copy_label: str, header: str) -> None:
        super().__init__()
        self.copy_label = copy_label
        self.header = header
        self.width = self.height = 0

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:
        return 0, 0

    def draw(self) -> None:
        self.canv._vv_copy_label = self.copy_label
        self.canv._vv_header = self.header


def _items_table(block: ItemsTable) -> Table:
    return cell_table([list(block.columns), *[list(row) for row in block.rows]],
                      [FRAME_W * f for f in _ITEM_COL_FRACTIONS], align="LEFT", font=font_name(),
                      keep_ideographic_spaces=True)


def _pledge_story(item: PledgePrint, styles: dict[str, ParagraphStyle], first: bool) -> list[Flowable]:
    story: list[Flowable] = []
    rendered = item.rendered
    for copy_index, copy_label in enumerate(rendered.copies):
        if not (first and copy_index == 0):
            story.append(document_break())  # every copy is posted or filed on its own: its own page numbers
        story.append(_CopyMarker(copy_label, item.header))
        story.append(Paragraph(markup(rendered.title), title_style(rendered.title, styles["title"])))
        for block in rendered.blocks:
            if isinstance(block, TextParagraph):
                story.append(Paragraph(markup(block.text), styles["body"]))
            else:
                story += [Spacer(1, 4), _items_table(block), Spacer(1, 6)]
        # the signature lines never stand alone on a page: the last lines above go with them
        story.append(closing_block(Spacer(1, 16), *[Paragraph(markup(line), styles["sign"])
                                                    for line in rendered.signature_lines]))
    return story


class _PledgeDoc(NumberedDocTemplate):
    """Pledge pages: the copy label (第一联　村级留存) top right and the header (village, candidate, kind) top left of
    every page, "第 N 页 共 M 页" per document at the foot."""

    def _decorate(self, canvas: Canvas, marks: PageMarks) -> None:
        super()._decorate(canvas, marks)
        canvas.saveState()
        label = getattr(canvas, "_vv_copy_label", "")
        header = getattr(canvas, "_vv_header", "")
        if label:
            draw_text(canvas, PAGE_W - MARGIN_X, PAGE_H - 14 * mm, label, 10, "right")
        if header:
            draw_text(canvas, MARGIN_X, PAGE_H - 14 * mm, header, 10)
        canvas.restoreState()


def a4_document(buffer: BinaryIO, title: str) -> NumberedDocTemplate:
    """An A4 document of pledge pages (see ``_PledgeDoc``)."""
    frame = Frame(MARGIN_X, MARGIN_BOTTOM, FRAME_W, PAGE_H - MARGIN_TOP - MARGIN_BOTTOM, id="body",
                  leftPadding=0, rightPadding=0, topPadding=0, bottomPadding=0)
    return _PledgeDoc(buffer, pagesize=A4, leftMargin=MARGIN_X, rightMargin=MARGIN_X, topMargin=MARGIN_TOP,
                      bottomMargin=MARGIN_BOTTOM, title=title, author="villagevote", creator="villagevote",
                      frames=[frame])


def render_documents(title: str, story: list[Flowable]) -> bytes:
    """The PDF bytes of a story of pledge pages (documents separated by ``document_break``)."""
    buffer = io.BytesIO()
    a4_document(buffer, title).build(story)
    return buffer.getvalue()


def pledge_pdf(pledges: Sequence[PledgePrint] | Iterable[PledgePrint], out: Path | str | BinaryIO | None = None,
               title: str = "") -> bytes:
    """Render pledges (one or a village batch) into one A4 PDF; returns the bytes and writes ``out`` when given."""
    items = list(pledges)
    if not items:
        raise ValueError("pledge_pdf needs at least one pledge")
    styles = _styles()
    story: list[Flowable] = []
    for index, item in enumerate(items):
        story.extend(_pledge_story(item, styles, first=index == 0))
    return write_bytes(render_documents(title or items[0].rendered.title, story), out)
