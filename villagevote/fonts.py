"""CJK fonts for print (reportlab, embedded subsets) and screen (Qt registers the same files in ui/app.py).

Bundled, so Chinese prints and shows on any machine:
- WenQuanYi Micro Hei (文泉驿微米黑, Apache-2.0 / GPL-3 with font exception; TrueType outlines): CJK plus Latin
  letters and digits — the main face.
- Droid Sans Fallback (Apache-2.0): the same design family; it adds ~6,500 CJK Extension A characters (e.g. 䶮)
  that turn up in names, used per character where the main face lacks a glyph (see reports/pdf/text.py).
When the Windows office fonts are installed (宋体 SimSun, 仿宋 FangSong, 黑体 SimHei) print prefers them; they are
never shipped. ``pdf_fonts()`` also points reportlab's defaults (a canvas' initial font, ParagraphStyle, table
cells) at the body face: reportlab's own default, Helvetica, is never embedded.
"""
from __future__ import annotations

import os
import sys
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from villagevote.resources import resource_path

BUNDLED_FONT = "wqy-microhei.ttc"
EXTRA_FONT = "DroidSansFallbackFull.ttf"
MAIN = "VVSans"     # reportlab name of the bundled main face
EXTRA = "VVExtra"   # reportlab name of the bundled Extension-A fallback


@dataclass(frozen=True)
class PdfFonts:
    body: str     # 宋体-like body text
    heading: str  # 黑体-like titles
    formal: str   # 仿宋-like for pledge text
    extra: str    # per-character fallback for rare CJK characters


def bundled_font_path() -> Path:
    return resource_path("fonts", BUNDLED_FONT)


def extra_font_path() -> Path:
    return resource_path("fonts", EXTRA_FONT)


def _windows_fonts_dir() -> Path | None:
    if sys.platform != "win32":  # pragma: no cover - platform dependent
        return None
    return Path(os.environ.get("WINDIR", r"C:\Windows")) / "Fonts"


def office_font(filename: str) -> Path | None:
    """An installed office font file, if present (never shipped)."""
    candidates = []
    win = _windows_fonts_dir()
    if win:
        candidates.append(win / filename)
    extra = os.environ.get("VILLAGEVOTE_FONT_DIR")
    if extra:
        candidates.append(Path(extra) / filename)
    for path in candidates:
        if path.exists():
            return path
    return None


@lru_cache(maxsize=1)
def pdf_fonts() -> PdfFonts:
    """Register fonts with reportlab once and return the names to use."""
    # lazy: reportlab's font modules take ~0.3 s, and the GUI imports this module at start-up for its own fonts
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    pdfmetrics.registerFont(TTFont(MAIN, str(bundled_font_path()), subfontIndex=0))
    pdfmetrics.registerFont(TTFont(EXTRA, str(extra_font_path())))
    names = {}
    for key, filename, kwargs in (("body", "simsun.ttc", {"subfontIndex": 0}), ("heading", "simhei.ttf", {}),
                                  ("formal", "simfang.ttf", {})):
        path = office_font(filename)
        name = MAIN
        if path is not None:
            try:
                pdfmetrics.registerFont(TTFont(f"VV-{key}", str(path), **kwargs))
                name = f"VV-{key}"
            except Exception:  # a broken or CFF-flavoured office font: keep the bundled one
                name = MAIN
        names[key] = name
    _no_builtin_fonts(names["body"])
    return PdfFonts(extra=EXTRA, **names)


def _no_builtin_fonts(face: str) -> None:
    """reportlab's defaults name its built-in Helvetica, which is referenced but never embedded: the initial font
    of every canvas (written into each page's preamble), ParagraphStyle's fontName/bulletFontName and a table
    cell's font when a style gives none. Point them at an embedded face, so that no printed PDF references a font
    it does not carry."""
    from reportlab import rl_config
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.platypus.tables import CellStyle

    rl_config.canvas_basefontname = face
    ParagraphStyle.defaults["fontName"] = face
    ParagraphStyle.defaults["bulletFontName"] = face
    CellStyle.fontname = face
