"""Small print helpers shared by the voter-register forms (notices, proxy list and certificates, voter cards).

Every glyph comes from an embedded face: text goes through ``reports.pdf.text`` (each character in the first bundled
face that has it — the main face carries digits and Latin letters), never a built-in PDF font. Table cells stay plain
strings (fast: a township notice has 50,000 names) when the main face draws every character, else become mixed
paragraphs.
"""
from __future__ import annotations

import datetime as dt

from reportlab.lib.styles import ParagraphStyle
from reportlab.platypus import Flowable, KeepTogether, PageBreak, Paragraph

from villagevote.fonts import pdf_fonts
from villagevote.i18n import tr
from villagevote.reports.pdf import base
from villagevote.reports.pdf.text import cmap, markup, para

__all__ = ["body_title", "cell", "closing", "cn_date", "doc_break", "mixed", "plain_ok", "running_head"]


def mixed(text: str, font: str | None = None) -> str:
    """Paragraph markup for ``text``: escaped, each character in an embedded face that has it."""
    return markup(text, font)


def cn_date(day: dt.date | None) -> str:
    """2026年11月30日 (empty for None)."""
    if day is None:
        return ""
    shared = getattr(base, "cn_date", None)
    if shared is not None:
        return str(shared(day))
    return tr("{y}年{m}月{d}日").format(y=day.year, m=day.month, d=day.day)


def plain_ok(text: str, font: str | None = None) -> bool:
    """True when ``font`` (default: the body face) has a glyph for every character of ``text``."""
    have = cmap(font or pdf_fonts().body)
    return all(ord(ch) in have or ch == " " for ch in text)


def cell(text: str, style: ParagraphStyle) -> object:  # -> str | Paragraph
    """A table cell: the plain string when the cell's face draws it all (fast), else a mixed Paragraph."""
    if plain_ok(text, style.fontName):
        return text
    return para(text, style)


def body_title(village: str, term: str, cycle_name: str, body: str = "") -> str:
    """"青溪村第十二届村民委员会选举": the village, the 届次 (the cycle's name when no 届次 is known) and the body."""
    body = body or tr("村民委员会选举")
    return f"{village}{term or cycle_name}{body}"


# --- the shared typesetting API (base.py): per-document page numbers, running heads, closing blocks ---------------
def doc_break() -> Flowable:
    """Between two documents of a batch (villages, persons): a new page and, with the shared API, page numbers that
    restart."""
    shared = getattr(base, "document_break", None)
    return shared() if shared is not None else PageBreak()


def running_head(title: str, group: str = "") -> Flowable:
    """Pages after the first of a document repeat ``title`` and the current ``group`` ("第3村民小组（续）")."""
    shared = getattr(base, "continuation", None)
    if shared is not None:
        return shared(title, group)
    return Paragraph("", ParagraphStyle("vv_empty", fontSize=1, leading=0))


def closing(*flowables: Flowable) -> Flowable:
    """A seal/signature/date block kept on the page of the lines above it."""
    shared = getattr(base, "closing_block", None)
    if shared is not None:
        return shared(*flowables)
    return KeepTogether(list(flowables))
