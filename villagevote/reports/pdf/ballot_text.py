"""Mixed-script text for the election prints (ballots, result report, notice, certificates): thin wrappers over the
shared per-character font fallback in ``reports/pdf/text.py``."""
from __future__ import annotations

from reportlab.lib.styles import ParagraphStyle
from reportlab.platypus import Paragraph

from villagevote.fonts import pdf_fonts
from villagevote.reports.pdf import text as _text

LATIN_FONT = _text.LATIN_FONT


def markup(text: str, font: str | None = None) -> str:
    """Paragraph markup for ``text`` (XML-escaped) with per-character font fallback."""
    return _text.markup(text, font)


def para(text: str, style: ParagraphStyle) -> Paragraph:
    return _text.para(text, style)


def missing_glyphs(text: str, font: str | None = None) -> set[str]:
    """Characters no print face can draw (e.g. rare name characters outside the BMP)."""
    return set(_text.missing_glyphs([text], font))


def cell_table(rows: list[list[object]], col_widths: list[float], *, header_rows: int = 1, font_size: float = 10,
               align: str = "CENTER", repeat_header: bool = True):  # type: ignore[no-untyped-def]
    """A bordered grid whose string cells become mixed-script paragraphs (header rows in the heading font)."""
    from reportlab.lib.enums import TA_CENTER, TA_LEFT

    from villagevote.reports.pdf.base import grid_table

    f = pdf_fonts()
    alignment = TA_CENTER if align == "CENTER" else TA_LEFT
    body = ParagraphStyle("vv_cell", fontName=f.body, fontSize=font_size, leading=font_size * 1.3,
                          alignment=alignment, wordWrap="CJK")
    head = ParagraphStyle("vv_head", parent=body, fontName=f.heading, alignment=TA_CENTER)
    out: list[list[object]] = []
    for r, row in enumerate(rows):
        style = head if r < header_rows else body
        out.append([para(c, style) if isinstance(c, str) else c for c in row])
    return grid_table(out, col_widths=col_widths, header_rows=header_rows, repeat_header=repeat_header,
                      font_size=font_size)
