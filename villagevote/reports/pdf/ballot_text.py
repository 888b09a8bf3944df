"""Mixed-script text for the election prints (ballots, result report, notice, certificates).

The bundled CJK font has no Latin letters or digits, so every string is split into runs: characters the CJK font
has stay in it, everything else goes to reportlab's built-in Helvetica (Latin-1 plus typographic quotes). Numbers
are the heart of a result report, so all election prints go through :func:`para`.
"""
from __future__ import annotations

from functools import lru_cache
from xml.sax.saxutils import escape

from reportlab.lib.styles import ParagraphStyle
from reportlab.pdfbase import pdfmetrics
from reportlab.platypus import Paragraph

from villagevote.fonts import pdf_fonts

LATIN_FONT = "Helvetica"
_WINANSI_EXTRA = set("‘’“”–—•…€™")


@lru_cache(maxsize=4)
def _cmap(font: str) -> frozenset[int]:
    return frozenset(pdfmetrics.getFont(font).face.charToGlyph)  # type: ignore[attr-defined]


def _latin_ok(ch: str) -> bool:
    return 0x20 <= ord(ch) <= 0xFF or ch in _WINANSI_EXTRA


def markup(text: str, font: str | None = None) -> str:
    """Paragraph markup for ``text`` with non-CJK runs in Helvetica (XML-escaped)."""
    font = font or pdf_fonts().body
    cjk = _cmap(font)
    out: list[str] = []
    run: list[str] = []
    run_latin: bool | None = None

    def flush() -> None:
        if not run:
            return
        chunk = escape("".join(run))
        out.append(f'<font name="{LATIN_FONT}">{chunk}</font>' if run_latin else chunk)
        run.clear()

    for ch in text:
        latin = ord(ch) not in cjk and _latin_ok(ch)
        if ch == " ":
            latin = bool(run_latin)
        if run_latin is not None and latin != run_latin:
            flush()
        run_latin = latin
        run.append(ch)
    flush()
    return "".join(out)


def para(text: str, style: ParagraphStyle) -> Paragraph:
    """A Paragraph that prints digits and Latin letters next to Chinese."""
    return Paragraph(markup(text, style.fontName), style)


def missing_glyphs(text: str, font: str | None = None) -> set[str]:
    """Characters neither the CJK font nor Helvetica can draw (e.g. rare name characters outside the BMP)."""
    cjk = _cmap(font or pdf_fonts().body)
    return {ch for ch in text if not ch.isspace() and ord(ch) not in cjk and not _latin_ok(ch)}


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
