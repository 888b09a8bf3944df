"""Small print helpers shared by the voter-register forms (notice, proxy list, voter cards).

The bundled Droid Sans Fallback font has no Latin letters or digits, so numbers and ASCII text in paragraphs and
table cells are set in reportlab's built-in Helvetica.
"""
from __future__ import annotations

import datetime as dt
import re
from xml.sax.saxutils import escape

from villagevote.i18n import tr

LATIN_FONT = "Helvetica"
_ASCII_RUN = re.compile(r"[\x21-\x7e][\x20-\x7e]*")


def mixed(text: str) -> str:
    """Paragraph markup for ``text``: escaped, with ASCII runs (digits, letters) in the Latin font."""
    out = []
    pos = 0
    for m in _ASCII_RUN.finditer(text):
        out.append(escape(text[pos:m.start()]))
        out.append(f'<font face="{LATIN_FONT}">{escape(m.group(0))}</font>')
        pos = m.end()
    out.append(escape(text[pos:]))
    return "".join(out)


def cn_date(day: dt.date | None) -> str:
    """2026年11月30日 (empty for None)."""
    if day is None:
        return ""
    return tr("{y}年{m}月{d}日").format(y=day.year, m=day.month, d=day.day)


def has_ascii(text: str) -> bool:
    return any(" " < ch <= "~" for ch in text)


def cell(text: str, style) -> object:  # -> str | Paragraph
    """A table cell: the plain string when the CJK font can draw it all (fast), else a Paragraph with Latin runs."""
    from reportlab.platypus import Paragraph

    if not has_ascii(text):
        return text
    return Paragraph(mixed(text), style)
