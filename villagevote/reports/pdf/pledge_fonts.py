"""Fonts for pledge prints.

Pledge text uses the shared ``pdf_fonts().formal`` (仿宋 when installed, else the bundled Droid Sans Fallback). The
bundled font has the CJK characters but no Latin letters, digits or curly quotes, so text is split into runs: ASCII
and characters the CJK font lacks go to reportlab's built-in Helvetica (always available, Latin-1 + quotes). :func:`missing_glyphs` lists characters neither font can draw — rare
name characters outside the BMP such as 𠮷 (U+20BB7) — so the user can be warned to write them in by hand.
"""
from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from typing import Iterable
from xml.sax.saxutils import escape

from reportlab.pdfbase import pdfmetrics

from villagevote.fonts import pdf_fonts

LATIN_FONT = "Helvetica"
# Characters Helvetica (WinAnsi encoding) draws: Latin-1 plus the typographic quotes, dashes and bullets.
_WINANSI_EXTRA = set("‘’“”–—•…€™")


def font_name() -> str:
    """The registered CJK font for pledge prints: 仿宋 when the office font is installed, else the bundled font."""
    return pdf_fonts().formal


@lru_cache(maxsize=1)
def _cjk_cmap() -> frozenset[int]:
    font = pdfmetrics.getFont(font_name())
    return frozenset(font.face.charToGlyph)  # type: ignore[attr-defined]


def _latin_ok(ch: str) -> bool:
    return 0x20 <= ord(ch) <= 0xFF or ch in _WINANSI_EXTRA


def printable(text: str) -> str:
    """``text`` with characters no font has replaced by their compatibility form when that one prints (Ⅲ -> III)."""
    cjk = _cjk_cmap()
    out = []
    for ch in text:
        if ord(ch) in cjk or _latin_ok(ch) or ch.isspace():
            out.append(ch)
            continue
        folded = unicodedata.normalize("NFKC", ch)
        if folded != ch and all(ord(c) in cjk or _latin_ok(c) for c in folded):
            out.append(folded)
        else:
            out.append(ch)
    return "".join(out)


def runs(text: str) -> list[tuple[str, str]]:
    """Split ``text`` into (font name, text) runs: CJK font where it has the glyph, the Latin font otherwise."""
    cjk = _cjk_cmap()
    font = font_name()
    out: list[tuple[str, str]] = []
    for ch in printable(text):
        face = font if ord(ch) in cjk and not (0x20 <= ord(ch) < 0x7F) else LATIN_FONT
        if out and out[-1][0] == face:
            out[-1] = (face, out[-1][1] + ch)
        else:
            out.append((face, ch))
    return out


def markup(text: str) -> str:
    """Paragraph markup for ``text`` with the Latin runs wrapped in a font tag (the paragraph style uses the CJK font)."""
    parts = []
    for face, chunk in runs(text):
        if face == LATIN_FONT:
            parts.append(f'<font face="{LATIN_FONT}">{escape(chunk)}</font>')
        elif "\u3000" in chunk:
            # Paragraphs collapse whitespace, the ideographic space included; keep blanks left for handwriting.
            for piece in re.split("(\u3000+)", chunk):
                if piece.startswith("\u3000"):
                    parts.append(f'<font face="{LATIN_FONT}">' + "&#160;" * (4 * len(piece)) + "</font>")
                else:
                    parts.append(escape(piece))
        else:
            parts.append(escape(chunk))
    return "".join(parts)


def string_width(text: str, size: float) -> float:
    return sum(pdfmetrics.stringWidth(chunk, face, size) for face, chunk in runs(text))


def draw_text(canvas, x: float, y: float, text: str, size: float, align: str = "left") -> None:  # noqa: ANN001
    """Draw one line of mixed text on a reportlab canvas; ``align`` is left, right or center."""
    width = string_width(text, size)
    if align == "right":
        x -= width
    elif align == "center":
        x -= width / 2
    for face, chunk in runs(text):
        canvas.setFont(face, size)
        canvas.drawString(x, y, chunk)
        x += pdfmetrics.stringWidth(chunk, face, size)


def missing_glyphs(texts: Iterable[str]) -> list[str]:
    """Characters in ``texts`` that no print font can draw (e.g. 𠮷 U+20BB7), in order of first appearance.

    The PDF shows an empty box there; the UI warns so the character can be written in by hand.
    """
    cjk = _cjk_cmap()
    missing: list[str] = []
    for text in texts:
        for ch in printable(text):
            if ch.isspace() or ord(ch) < 0x20:
                continue
            if ord(ch) not in cjk and not _latin_ok(ch) and ch not in missing:
                missing.append(ch)
    return missing
