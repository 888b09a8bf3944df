"""Mixed text for every printed form: each character is set in the first face that has a glyph for it.

Order: the style's face (bundled 文泉驿微米黑 or an office font) → the bundled Droid Sans Fallback (CJK
Extension A, e.g. 䶮) → Helvetica (Latin-1 and typographic quotes, for office fonts without them). A character no
face has (e.g. 𠮷 U+20BB7, outside the BMP) is reported by ``missing_glyphs`` so the UI can warn that it must be
written in by hand.
"""
from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from functools import lru_cache
from xml.sax.saxutils import escape

from reportlab.lib.styles import ParagraphStyle
from reportlab.pdfbase import pdfmetrics
from reportlab.platypus import Paragraph

from villagevote.fonts import pdf_fonts

LATIN_FONT = "Helvetica"
_WINANSI_EXTRA = set("‘’“”–—•…€™")


@lru_cache(maxsize=16)
def cmap(font: str) -> frozenset[int]:
    face = getattr(pdfmetrics.getFont(font), "face", None)
    if face is None or not hasattr(face, "charToGlyph"):  # a built-in Type 1 font
        return frozenset(range(0x20, 0x100))
    return frozenset(face.charToGlyph)


def _latin_ok(ch: str) -> bool:
    return 0x20 <= ord(ch) <= 0xFF or ch in _WINANSI_EXTRA


def face_for(ch: str, font: str) -> str | None:
    """The face that draws ``ch`` (None when no bundled or built-in face has it)."""
    code = ord(ch)
    if code in cmap(font) or ch.isspace():
        return font
    extra = pdf_fonts().extra
    if code in cmap(extra):
        return extra
    if _latin_ok(ch):
        return LATIN_FONT
    return None


def printable(text: str) -> str:
    """``text`` with characters no face has replaced by a compatibility form that prints (Ⅲ → III)."""
    font = pdf_fonts().body
    out = []
    for ch in text:
        if face_for(ch, font) is None:
            folded = unicodedata.normalize("NFKC", ch)
            if folded != ch and all(face_for(c, font) is not None for c in folded):
                out.append(folded)
                continue
        out.append(ch)
    return "".join(out)


def runs(text: str, font: str | None = None) -> list[tuple[str, str]]:
    """Split ``text`` into (face, chunk) runs; characters no face has stay in ``font`` (they show as a box)."""
    font = font or pdf_fonts().body
    out: list[tuple[str, str]] = []
    for ch in printable(text):
        face = face_for(ch, font) or font
        if out and out[-1][0] == face:
            out[-1] = (face, out[-1][1] + ch)
        else:
            out.append((face, ch))
    return out


def markup(text: str, font: str | None = None, keep_ideographic_spaces: bool = False) -> str:
    """Paragraph markup for ``text`` (XML-escaped) with runs in other faces wrapped in font tags. With
    ``keep_ideographic_spaces`` blanks left for handwriting (U+3000) survive paragraph whitespace collapsing."""
    font = font or pdf_fonts().body
    parts = []
    for face, chunk in runs(text, font):
        if keep_ideographic_spaces and "\u3000" in chunk:
            pieces = []
            for piece in re.split("(\u3000+)", chunk):
                pieces.append("&#160;" * (4 * len(piece)) if piece.startswith("\u3000") else escape(piece))
            body = "".join(pieces)
        else:
            body = escape(chunk)
        parts.append(body if face == font else f'<font name="{face}">{body}</font>')
    return "".join(parts)


def para(text: str, style: ParagraphStyle, keep_ideographic_spaces: bool = False) -> Paragraph:
    """A Paragraph of mixed text in ``style`` (see ``markup`` for ``keep_ideographic_spaces``)."""
    return Paragraph(markup(text, style.fontName, keep_ideographic_spaces), style)


def string_width(text: str, size: float, font: str | None = None) -> float:
    return sum(pdfmetrics.stringWidth(chunk, face, size) for face, chunk in runs(text, font))


def draw_text(canvas, x: float, y: float, text: str, size: float, align: str = "left",
              font: str | None = None) -> None:
    """Draw one line of mixed text on a reportlab canvas; ``align`` is left, right or center."""
    width = string_width(text, size, font)
    if align == "right":
        x -= width
    elif align == "center":
        x -= width / 2
    for face, chunk in runs(text, font):
        canvas.setFont(face, size)
        canvas.drawString(x, y, chunk)
        x += pdfmetrics.stringWidth(chunk, face, size)


def missing_glyphs(texts: Iterable[str], font: str | None = None) -> list[str]:
    """Characters in ``texts`` that no face can draw, in order of first appearance."""
    font = font or pdf_fonts().body
    missing: list[str] = []
    for text in texts:
        for ch in printable(text):
            if ord(ch) >= 0x20 and face_for(ch, font) is None and ch not in missing:
                missing.append(ch)
    return missing
