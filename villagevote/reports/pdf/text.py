"""Mixed text and Chinese line breaking for every printed form.

Faces: each character is set in the first face that has a glyph for it — the style's face (bundled 文泉驿微米黑 or
an office font) → the bundled main face (digits, Latin letters and typographic quotes, when an office font lacks
them) → the bundled Droid Sans Fallback (CJK Extension A, e.g. 䶮). Every face is embedded; no built-in PDF font
(Helvetica) is ever referenced. A character no face has (e.g. 𠮷 U+20BB7, outside the BMP) prints as a blank
one character wide and is reported by ``missing_glyphs`` so the UI can warn that it must be written in by hand.
Ideographic spaces (U+3000) keep their width in paragraphs.

Line breaking (禁则, kinsoku): no line starts with closing punctuation (，。、；：？！）》」』”’… and their ASCII
forms) and none ends with opening punctuation (（《「『“‘); a run of digits or Latin letters is not cut in the middle
when a shorter line avoids it. reportlab's ``wordWrap='CJK'`` only knows the Japanese closing marks (its list lacks
"，", "；", "：", "？", "！", "》", "”") and lets a single one hang in the margin, so lines of the forms began with "，"
and "；". ``install_line_breaking`` (run when this module is imported — every renderer imports it, directly or
through ``base``) replaces reportlab's two CJK splitters, the single-font path (``wordSplit``) and the mixed-font
path (``cjkFragSplit``), by ``break_lines`` here: every Paragraph with ``wordWrap='CJK'`` breaks by the same rule,
whoever created it.
"""
from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable, Sequence
from functools import lru_cache
from typing import Any
from xml.sax.saxutils import escape

from reportlab.lib.styles import ParagraphStyle
from reportlab.pdfbase import pdfmetrics
from reportlab.platypus import Paragraph
from reportlab.platypus import paragraph as rl_para

from villagevote.fonts import MAIN, pdf_fonts
from villagevote.reports import glyphs

# Never starts a line: closing brackets and quotes, stops, commas, colons, the ellipsis, the middle dot, units.
CANNOT_START = frozenset("，。、；：？！）》」』〕】］｝〉〗〙”’…‥·・％‰℃°′″～"
                         ",.;:?!)]}%")
# Never ends a line: opening brackets and quotes, currency signs.
CANNOT_END = frozenset("（《「『〔【［｛〈〖〘“‘([{￥¥$£#@§")
_FUZZ = 1e-6
# The face that draws digits and Latin letters an office font lacks: the bundled (embedded) main face. The name is
# kept for modules that imported it when this was reportlab's non-embedded Helvetica.
LATIN_FONT = MAIN
BLANK = "\u3000"  # what a character no face has prints as: room to write it in by hand


@lru_cache(maxsize=16)
def cmap(font: str) -> frozenset[int]:
    face = getattr(pdfmetrics.getFont(font), "face", None)
    if face is None or not hasattr(face, "charToGlyph"):  # a built-in Type 1 font (not used for printing)
        return frozenset(range(0x20, 0x7F))
    return frozenset(face.charToGlyph)


def face_for(ch: str, font: str) -> str | None:
    """The embedded face that draws ``ch`` (None when no bundled or office face has it)."""
    code = ord(ch)
    if code in cmap(font) or ch.isspace():
        return font
    if font != MAIN and code in cmap(MAIN):
        return MAIN
    extra = pdf_fonts().extra
    if code in cmap(extra):
        return extra
    return None


def _fold(text: str) -> str:
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


def printable(text: str) -> str:
    """``text`` as it prints: characters no face has become a compatibility form that prints (Ⅲ → III) or, when
    there is none (𠮷), a blank one character wide to be written in by hand (``missing_glyphs`` names them so
    that the UI can say so before printing)."""
    font = pdf_fonts().body
    folded = _fold(text)
    out = "".join(ch if ord(ch) < 0x20 or face_for(ch, font) is not None else BLANK for ch in folded)
    if out.count(BLANK) > folded.count(BLANK):
        glyphs.record(text)  # the caller says which names to write in by hand (registry.produce)
    return out


def runs(text: str, font: str | None = None) -> list[tuple[str, str]]:
    """Split ``text`` into (face, chunk) runs (characters no face has as blanks, see ``printable``)."""
    font = font or pdf_fonts().body
    out: list[tuple[str, str]] = []
    for ch in printable(text):
        face = face_for(ch, font) or font
        if out and out[-1][0] == face:
            out[-1] = (face, out[-1][1] + ch)
        else:
            out.append((face, ch))
    return out


def markup(text: str, font: str | None = None, keep_ideographic_spaces: bool = True) -> str:
    """Paragraph markup for ``text`` (XML-escaped) with runs in other faces wrapped in font tags. Ideographic
    spaces (U+3000: "无（　）　有（　）", a blank left for handwriting) keep their width — reportlab would collapse
    them into one narrow space; ``keep_ideographic_spaces`` is kept for callers that pass it."""
    font = font or pdf_fonts().body
    parts = []
    for face, chunk in runs(text, font):
        if "\u3000" in chunk:
            pieces = []
            for piece in re.split("(\u3000+)", chunk):
                pieces.append("&#160;" * (4 * len(piece)) if piece.startswith("\u3000") else escape(piece))
            body = "".join(pieces)
        else:
            body = escape(chunk)
        parts.append(body if face == font else f'<font name="{face}">{body}</font>')
    return "".join(parts)


def para(text: str, style: ParagraphStyle, keep_ideographic_spaces: bool = True) -> Paragraph:
    """A Paragraph of mixed text in ``style`` (see ``markup``)."""
    return Paragraph(markup(text, style.fontName, keep_ideographic_spaces), style)


def string_width(text: str, size: float, font: str | None = None) -> float:
    return sum(pdfmetrics.stringWidth(chunk, face, size) for face, chunk in runs(text, font))


def draw_text(canvas: Any, x: float, y: float, text: str, size: float, align: str = "left",
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
        for ch in _fold(text):
            if ord(ch) >= 0x20 and face_for(ch, font) is None and ch not in missing:
                missing.append(ch)
    return missing


# --- line breaking ----------------------------------------------------------------------------------------------
def _wordish(ch: str) -> bool:
    """Part of a Latin word or a number ("2026", "S1", "85.79"): not cut in the middle if a break nearby avoids it."""
    return len(ch) == 1 and ord(ch) < 0x2E80 and not ch.isspace() and ch not in CANNOT_END


_SHORT_WORD = 8  # a number or code this long ("2026", "N3", "82.15") moves whole even from a half-empty line


def _inside_word(chars: Sequence[str], j: int, longest: int | None) -> bool:
    """Whether a break before ``j`` cuts a word (of at most ``longest`` characters; any when None; none when 0)."""
    if longest == 0 or not (_wordish(chars[j]) and _wordish(chars[j - 1])):
        return False
    if longest is None:
        return True
    a, b = j - 1, j
    while a > 0 and _wordish(chars[a - 1]) and b - a < longest:
        a -= 1
    while b + 1 < len(chars) and _wordish(chars[b + 1]) and b - a < longest:
        b += 1
    return b - a + 1 <= longest


def _break_ok(chars: Sequence[str], b: int) -> bool:
    return chars[b] not in CANNOT_START and chars[b - 1] not in CANNOT_END


def _adjust(chars: Sequence[str], start: int, end: int) -> int:
    """Move a soft break between ``end - 1`` and ``end`` back so that the next line does not start with closing
    punctuation, this one does not end with opening punctuation and a Latin word or number stays whole (a word
    with no allowed break before it in the line is cut). The line keeps at least one character (progress); when
    no break before ``end`` is allowed, one or two marks hang past the line's end instead."""
    half = start + (end - start) // 2
    for first, last, longest in ((end, half, None), (end, start, _SHORT_WORD), (end, half, 0), (end, start, 0)):
        for j in range(first, last, -1):  # a long word is cut rather than leave more than half a line empty
            if _break_ok(chars, j) and not _inside_word(chars, j, longest):
                return j
    # a line too narrow to move anything down (two characters wide): let up to two marks hang past its end
    for j in range(end + 1, min(end + 3, len(chars)) + 1):
        if j == len(chars) or _break_ok(chars, j):
            return j
    return end


def break_lines(chars: Sequence[str], width: Callable[[int, float], float], max_widths: Sequence[float],
                hard_breaks: frozenset[int] = frozenset()) -> list[tuple[int, int, float]]:
    """Greedy CJK line breaking with 禁则: (start, end, width used) per line over ``chars`` (one character or an
    empty inline item each); ``width(i, line_width)`` is the advance of item i; a line ends after every index in
    ``hard_breaks`` (<br/>)."""
    lines: list[tuple[int, int, float]] = []
    n = len(chars)
    start = 0
    while start < n:
        max_width = max_widths[min(len(lines), len(max_widths) - 1)]
        used = 0.0
        i = start
        hard = False
        while i < n:
            w = width(i, max_width)
            if i > start and used + w > max_width + _FUZZ and used + w > 0:
                break
            used += w
            i += 1
            if i - 1 in hard_breaks:
                hard = True
                break
        end = i
        if not hard and end < n:
            end = _adjust(chars, start, end)
            if end != i:
                used = sum(width(k, max_width) for k in range(start, end))
        lines.append((start, end, used))
        start = end
    return lines


def _word_split(word: str | bytes, maxWidths: Any, fontName: str, fontSize: float,
                encoding: str = "utf8") -> list[list[Any]]:
    """reportlab's single-font CJK splitter (``textsplit.wordSplit``) with 禁则: [[extra space, line text], …]."""
    text = word.decode(encoding) if isinstance(word, bytes) else word
    if not isinstance(maxWidths, (list, tuple)):
        maxWidths = [maxWidths]
    widths = [pdfmetrics.stringWidth(ch, fontName, fontSize) for ch in text]
    out: list[list[Any]] = []
    lines = break_lines(text, lambda k, _mw: widths[k], maxWidths)
    for n, (start, end, used) in enumerate(lines):
        max_width = maxWidths[min(n, len(maxWidths) - 1)]
        line = text[start:end]
        if end < len(text):
            line = line.strip(" ")
        out.append([max_width - used, line.encode(encoding) if isinstance(word, bytes) else line])
    return out


def _cjk_frag_split(frags: Any, maxWidths: Any, calcBounds: Any, encoding: str = "utf8") -> Any:
    """reportlab's mixed-font CJK splitter (``paragraph.cjkFragSplit``) with 禁则."""
    items: list[Any] = []
    for f in frags:
        text = f.text
        if isinstance(text, bytes):
            text = text.decode(encoding)
        if text:
            items.extend(rl_para.cjkU(t, f, encoding) for t in text)
        else:
            items.append(rl_para.cjkU(text, f, encoding))

    def width(k: int, max_width: float) -> float:
        w = items[k].width
        if hasattr(w, "normalizedValue"):
            w._normalizer = max_width
            w = w.normalizedValue(max_width)
        return float(w)

    hard = frozenset(k for k, u in enumerate(items) if hasattr(u.frag, "lineBreak"))
    lines = []
    for n, (start, end, used) in enumerate(break_lines([str(u) for u in items], width, maxWidths, hard)):
        max_width = maxWidths[min(n, len(maxWidths) - 1)]
        line_break = (end - 1) in hard
        lines.append(rl_para.makeCJKParaLine(items[start:end], max_width, used, max_width - used, line_break,
                                             calcBounds))
    return rl_para.ParaLines(kind=1, lines=lines)


def install_line_breaking() -> None:
    """Make every ``wordWrap='CJK'`` Paragraph break by ``break_lines`` (idempotent)."""
    rl_para.wordSplit = _word_split
    rl_para.cjkFragSplit = _cjk_frag_split


install_line_breaking()
