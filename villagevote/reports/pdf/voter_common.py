"""Small print helpers shared by the voter-register forms (notices, proxy list and certificates, voter cards).

Every glyph comes from an embedded face: text goes through ``reports.pdf.text`` (each character in the first bundled
face that has it — the main face carries digits and Latin letters), never a built-in PDF font. Table cells stay plain
strings (fast: a township notice has 50,000 names) when the main face draws every character, else become mixed
paragraphs. Dates, page numbers per document, running heads and closing blocks come from ``reports.pdf.base``.
"""
from __future__ import annotations

from reportlab.lib.styles import ParagraphStyle

from villagevote.fonts import pdf_fonts
from villagevote.i18n import tr
from villagevote.reports.pdf.text import cmap, markup, para

__all__ = ["body_title", "cell", "mixed", "plain_ok"]


def mixed(text: str, font: str | None = None) -> str:
    """Paragraph markup for ``text``: escaped, each character in an embedded face that has it."""
    return markup(text, font)


def plain_ok(text: str, font: str | None = None) -> bool:
    """True when ``font`` (default: the body face) has a glyph for every character of ``text``."""
    have = cmap(font or pdf_fonts().body)
    return all(ord(ch) in have or ch == " " for ch in text)


def cell(text: str, style: ParagraphStyle) -> object:  # -> str | Paragraph
    """A table cell: the plain string when the cell's face draws it all (fast), else a mixed Paragraph."""
    if plain_ok(text, style.fontName):
        return text
    return para(text, style)


def body_title(village: str, cycle_label: str, body: str = "") -> str:
    """"青溪村第十二届村民委员会选举": the village, the 届次 (``cycle_label``: the cycle's name when no 届次 is known)
    and the body."""
    return f"{village}{cycle_label}{body or tr('村民委员会选举')}"
