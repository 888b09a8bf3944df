"""Fonts for pledge prints: the 仿宋-like face from ``pdf_fonts().formal`` with the shared per-character fallback
of ``reports/pdf/text.py``."""
from __future__ import annotations

from collections.abc import Iterable

from villagevote.fonts import pdf_fonts
from villagevote.reports.pdf import text as _text

LATIN_FONT = _text.LATIN_FONT


def font_name() -> str:
    """The registered CJK font for pledge prints: 仿宋 when the office font is installed, else the bundled font."""
    return pdf_fonts().formal


def printable(text: str) -> str:
    return _text.printable(text)


def runs(text: str) -> list[tuple[str, str]]:
    return _text.runs(text, font_name())


def markup(text: str) -> str:
    """Paragraph markup; blanks left for handwriting (U+3000) are kept."""
    return _text.markup(text, font_name(), keep_ideographic_spaces=True)


def string_width(text: str, size: float) -> float:
    return _text.string_width(text, size, font_name())


def draw_text(canvas, x: float, y: float, text: str, size: float, align: str = "left") -> None:
    _text.draw_text(canvas, x, y, text, size, align, font_name())


def missing_glyphs(texts: Iterable[str]) -> list[str]:
    """Characters no print face can draw (e.g. 𠮷 U+20BB7); the UI warns so they can be written in by hand."""
    return _text.missing_glyphs(texts, font_name())
