"""Shared A4 layout for every printed form: fonts, styles, page numbers, title and signature blocks.

Form modules build a list of flowables and call ``build_pdf``. Chinese paragraphs use ``wordWrap='CJK'``.
Long registers should be split into several tables (e.g. one per page or group): a single reportlab Table with
tens of thousands of rows is laid out in quadratic time.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import BinaryIO

from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_LEFT, TA_RIGHT
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import BaseDocTemplate, Flowable, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from villagevote.fonts import pdf_fonts
from villagevote.i18n import tr
from villagevote.reports.pdf.text import draw_text, para

PAGE = A4
MARGINS = dict(leftMargin=20 * mm, rightMargin=20 * mm, topMargin=20 * mm, bottomMargin=18 * mm)


def styles() -> dict[str, ParagraphStyle]:
    f = pdf_fonts()
    base = dict(fontName=f.body, wordWrap="CJK")
    return {
        "title": ParagraphStyle("title", fontName=f.heading, fontSize=18, leading=26, alignment=TA_CENTER,
                                spaceAfter=6 * mm, wordWrap="CJK"),
        "subtitle": ParagraphStyle("subtitle", fontName=f.heading, fontSize=13, leading=19, alignment=TA_CENTER,
                                   spaceAfter=4 * mm, wordWrap="CJK"),
        "heading": ParagraphStyle("heading", fontName=f.heading, fontSize=13, leading=19, spaceBefore=3 * mm,
                                  spaceAfter=2 * mm, wordWrap="CJK"),
        "body": ParagraphStyle("body", fontSize=12, leading=20, firstLineIndent=24, **base),
        "body_noindent": ParagraphStyle("body_noindent", fontSize=12, leading=20, **base),
        "formal": ParagraphStyle("formal", fontName=f.formal, fontSize=14, leading=26, firstLineIndent=28,
                                 wordWrap="CJK"),
        "cell": ParagraphStyle("cell", fontSize=10, leading=13, **base),
        "cell_center": ParagraphStyle("cell_center", fontSize=10, leading=13, alignment=TA_CENTER, **base),
        "small": ParagraphStyle("small", fontSize=9, leading=12, **base),
        "right": ParagraphStyle("right", fontSize=12, leading=20, alignment=TA_RIGHT, **base),
        "left": ParagraphStyle("left", fontSize=12, leading=20, alignment=TA_LEFT, **base),
    }


def grid_style(header_rows: int = 1, font_size: float = 10) -> TableStyle:
    f = pdf_fonts()
    cmds = [
        ("FONTNAME", (0, 0), (-1, -1), f.body),
        ("FONTSIZE", (0, 0), (-1, -1), font_size),
        ("GRID", (0, 0), (-1, -1), 0.5, colors.black),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("ALIGN", (0, 0), (-1, -1), "CENTER"),
        ("TOPPADDING", (0, 0), (-1, -1), 3),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
    ]
    if header_rows:
        cmds += [("FONTNAME", (0, 0), (-1, header_rows - 1), f.heading),
                 ("BACKGROUND", (0, 0), (-1, header_rows - 1), colors.HexColor("#EEEEEE"))]
    return TableStyle(cmds)


def grid_table(rows: Sequence[Sequence[object]], col_widths: Sequence[float] | None = None,
               header_rows: int = 1, repeat_header: bool = True, font_size: float = 10) -> Table:
    table = Table([list(r) for r in rows], colWidths=col_widths, repeatRows=header_rows if repeat_header else 0)
    table.setStyle(grid_style(header_rows, font_size))
    return table


def cell_table(rows: Sequence[Sequence[object]], col_widths: Sequence[float] | None = None, *, header_rows: int = 1,
               font_size: float = 10, align: str = "CENTER", repeat_header: bool = True, font: str | None = None,
               keep_ideographic_spaces: bool = False, h_align: str = "CENTER") -> Table:
    """A bordered grid (``grid_table``) whose string cells become wrapped paragraphs of mixed text (per-character
    font fallback, see ``text.py``); header rows are centred in the heading font. ``align`` (CENTER or LEFT) is
    for the body cells; ``font`` overrides the body face (e.g. ``pdf_fonts().formal``); other flowables pass
    through unchanged."""
    f = pdf_fonts()
    body = ParagraphStyle("vv_cell", fontName=font or f.body, fontSize=font_size, leading=font_size * 1.3,
                          alignment=TA_CENTER if align.upper() == "CENTER" else TA_LEFT, wordWrap="CJK")
    head = ParagraphStyle("vv_head", parent=body, fontName=f.heading if font is None else font, alignment=TA_CENTER)
    out: list[list[object]] = []
    for r, row in enumerate(rows):
        style = head if r < header_rows else body
        out.append([para(c, style, keep_ideographic_spaces) if isinstance(c, str) else c for c in row])
    table = grid_table(out, col_widths=col_widths, header_rows=header_rows, repeat_header=repeat_header,
                       font_size=font_size)
    table.hAlign = h_align
    return table


def write_bytes(data: bytes, out: Path | str | BinaryIO | None) -> bytes:
    """Write rendered PDF ``data`` to a path or an open binary stream (nothing when ``out`` is None); returns
    ``data``. For forms that render into memory first."""
    if out is not None:
        if isinstance(out, (str, Path)):
            Path(out).parent.mkdir(parents=True, exist_ok=True)
            Path(out).write_bytes(data)
        else:
            out.write(data)
    return data


def signature_block(labels: Iterable[str], date_line: bool = True) -> Table:
    """Signature lines such as 本人签名 / 见证人 with a date line, right-aligned like the paper forms."""
    st = styles()
    rows = [[Paragraph(f"{label}：________________", st["body_noindent"])] for label in labels]
    if date_line:
        rows.append([Paragraph(tr("日期：______年____月____日"), st["body_noindent"])])
    table = Table(rows, colWidths=[80 * mm], hAlign="RIGHT")
    table.setStyle(TableStyle([("TOPPADDING", (0, 0), (-1, -1), 8)]))
    return table


def seal_line(text_before: str = "") -> Paragraph:
    return Paragraph(f"{text_before}{tr('（盖章）')}", styles()["right"])


def _footer_factory(footer_text: str, stamp: str | None):
    def draw(canvas: Canvas, doc: BaseDocTemplate) -> None:
        f = pdf_fonts()
        canvas.saveState()
        width, _height = doc.pagesize
        # Mixed text: a village or person name with a rare character falls back per character like the body.
        draw_text(canvas, width / 2, 10 * mm, tr("第 {page} 页").format(page=doc.page), 9, "center", f.body)
        if footer_text:
            draw_text(canvas, doc.leftMargin, 10 * mm, footer_text, 9, "left", f.body)
        if stamp:
            canvas.setFillColor(colors.red)
            draw_text(canvas, width - doc.rightMargin, doc.pagesize[1] - 12 * mm, stamp, 14, "right", f.heading)
        canvas.restoreState()
    return draw


def build_pdf(out: Path | str, story: list[Flowable], *, title: str, footer: str = "", stamp: str | None = None,
              landscape_pages: bool = False, watermark: str | None = None, author: str = "villagevote") -> Path:
    """Render ``story`` to an A4 PDF with page numbers (第 N 页), optional footer text, a corner stamp (e.g.
    未确认) and a diagonal watermark (e.g. 样票)."""
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    pagesize = landscape(PAGE) if landscape_pages else PAGE
    doc = SimpleDocTemplate(str(out), pagesize=pagesize, title=title, author=author,
                            creator="villagevote", **MARGINS)
    footer_draw = _footer_factory(footer, stamp)

    def on_page(canvas: Canvas, d: BaseDocTemplate) -> None:
        if watermark:
            canvas.saveState()
            canvas.setFont(pdf_fonts().heading, 90)
            canvas.setFillColor(colors.Color(0.85, 0.1, 0.1, alpha=0.18))
            w, h = d.pagesize
            canvas.translate(w / 2, h / 2)
            canvas.rotate(35)
            canvas.drawCentredString(0, 0, watermark)
            canvas.restoreState()
        footer_draw(canvas, d)

    doc.build(story, onFirstPage=on_page, onLaterPages=on_page)
    return out


def today_text(day: dt.date | None = None) -> str:
    day = day or dt.date.today()
    return tr("{y}年{m}月{d}日").format(y=day.year, m=day.month, d=day.day)


__all__ = [
    "A4",
    "Paragraph",
    "Spacer",
    "Table",
    "TableStyle",
    "build_pdf",
    "cell_table",
    "grid_style",
    "grid_table",
    "mm",
    "seal_line",
    "signature_block",
    "styles",
    "today_text",
    "write_bytes",
]
