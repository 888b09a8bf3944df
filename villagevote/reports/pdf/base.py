"""Shared A4 layout for every printed form: fonts, styles, page numbers, running heads, closing blocks, dates.

Form modules build a list of flowables and call ``build_pdf``. The typesetting API:

- ``build_pdf(out, story, *, title, ...)`` numbers pages "第 N 页 共 M 页" per DOCUMENT. A batch of documents (one
  per village or per person) puts ``document_break()`` between them: a new page on which numbering restarts.
  ``page_numbers=False`` (certificates) prints none.
- ``continuation(title, group)``: a zero-size marker; pages after the first of a document repeat a running head,
  "上塘村选民名单公告　第3村民小组（续）" (the title alone when the group starts at the top of the page). Put it
  right before the group's heading (inside the same KeepTogether if the heading is kept with its table).
- ``closing_block(*flowables)``: a signature/seal/date block that ``build_pdf`` keeps on the page of the last lines
  above it — when it does not fit, the last rows of the table (or lines of the paragraph) above move to the next
  page with it instead of the block landing alone, and no more than that moves.
- ``column_widths(rows, total_width)``: widths from the content, so that table headers do not split a word; a
  "\n" in a ``cell_table`` cell is a deliberate line break (a two-line header).
- ``cn_date(day)`` → "2026年11月18日" (``today_text`` for today), ``term_label(cycle)`` → "第十二届".
- ``styles()`` follow office practice: title 二号 22 pt, subtitle 三号 16 pt, heading 四号 14 pt, body 小四 12 pt,
  formal 四号 14 pt, table cells and notes ≥ 10 pt; black only (a light grey watermark at most).

Chinese paragraphs use ``wordWrap='CJK'``; ``text.py`` makes every such paragraph break by the Chinese rules (no
line starts with "，"). Every glyph comes from an embedded face (``fonts.pdf_fonts``; no Helvetica).

Long registers should be split into several tables (e.g. one per page or group): a single reportlab Table with
tens of thousands of rows is laid out in quadratic time.
"""
from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any, BinaryIO, overload

from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_LEFT, TA_RIGHT
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    BaseDocTemplate,
    CondPageBreak,
    Flowable,
    Frame,
    KeepTogether,
    PageBreak,
    PageTemplate,
    Paragraph,
    Spacer,
    Table,
    TableStyle,
)
from reportlab.platypus.doctemplate import ActionFlowable, NullActionFlowable
from reportlab.platypus.flowables import _ContainerSpace, _listWrapOn

from villagevote.fonts import pdf_fonts
from villagevote.i18n import tr
from villagevote.reports.pdf.text import draw_text, markup, para, string_width

PAGE = A4
MARGINS = dict(leftMargin=20 * mm, rightMargin=20 * mm, topMargin=20 * mm, bottomMargin=18 * mm)
FOOTER_Y = 10 * mm        # baseline of the page number and footer text
HEAD_Y = 12 * mm          # running head: baseline this far below the top edge
BLACK = colors.black
WATERMARK_GREY = colors.Color(0.55, 0.55, 0.55, alpha=0.22)


def styles() -> dict[str, ParagraphStyle]:
    f = pdf_fonts()
    base = dict(fontName=f.body, wordWrap="CJK", textColor=BLACK)
    return {
        "title": ParagraphStyle("title", fontName=f.heading, fontSize=22, leading=30, alignment=TA_CENTER,
                                spaceAfter=5 * mm, wordWrap="CJK", textColor=BLACK),
        "subtitle": ParagraphStyle("subtitle", fontName=f.heading, fontSize=16, leading=22, alignment=TA_CENTER,
                                   spaceAfter=4 * mm, wordWrap="CJK", textColor=BLACK),
        "heading": ParagraphStyle("heading", fontName=f.heading, fontSize=14, leading=20, spaceBefore=3 * mm,
                                  spaceAfter=2 * mm, wordWrap="CJK", textColor=BLACK),
        "body": ParagraphStyle("body", fontSize=12, leading=20, firstLineIndent=24, **base),
        "body_noindent": ParagraphStyle("body_noindent", fontSize=12, leading=20, **base),
        "formal": ParagraphStyle("formal", fontName=f.formal, fontSize=14, leading=26, firstLineIndent=28,
                                 wordWrap="CJK", textColor=BLACK),
        "cell": ParagraphStyle("cell", fontSize=10, leading=13, **base),
        "cell_center": ParagraphStyle("cell_center", fontSize=10, leading=13, alignment=TA_CENTER, **base),
        "small": ParagraphStyle("small", fontSize=10, leading=14, **base),
        "right": ParagraphStyle("right", fontSize=12, leading=20, alignment=TA_RIGHT, **base),
        "left": ParagraphStyle("left", fontSize=12, leading=20, alignment=TA_LEFT, **base),
    }


def grid_style(header_rows: int = 1, font_size: float = 10) -> TableStyle:
    f = pdf_fonts()
    cmds: list[tuple[Any, ...]] = [
        ("FONTNAME", (0, 0), (-1, -1), f.body),
        ("FONTSIZE", (0, 0), (-1, -1), font_size),
        ("GRID", (0, 0), (-1, -1), 0.5, colors.black),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("ALIGN", (0, 0), (-1, -1), "CENTER"),
        ("TOPPADDING", (0, 0), (-1, -1), 3),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
    ]
    if header_rows:
        cmds += [("FONTNAME", (0, 0), (-1, header_rows - 1), f.heading),
                 ("BACKGROUND", (0, 0), (-1, header_rows - 1), colors.HexColor("#EEEEEE"))]
    return TableStyle(cmds)


def grid_table(rows: Sequence[Sequence[object]], col_widths: Sequence[float] | None = None,
               header_rows: int = 1, repeat_header: bool = True, font_size: float = 10) -> Table:
    table = Table([list(r) for r in rows], colWidths=col_widths, repeatRows=header_rows if repeat_header else 0)
    table.setStyle(grid_style(header_rows, font_size))
    return table


def cell_table(rows: Sequence[Sequence[object]], col_widths: Sequence[float] | None = None, *, header_rows: int = 1,
               font_size: float = 10, align: str = "CENTER", repeat_header: bool = True, font: str | None = None,
               keep_ideographic_spaces: bool = False, h_align: str = "CENTER") -> Table:
    """A bordered grid (``grid_table``) whose string cells become wrapped paragraphs of mixed text (per-character
    font fallback, see ``text.py``); header rows are centred in the heading font. A "\n" in a cell is a line
    break: a deliberate two-line header ("服务中心工作\n（权重60）") instead of one split inside a word; widths
    that keep every header line whole come from ``column_widths``. ``align`` (CENTER or LEFT) is for the body
    cells; ``font`` overrides the body face (e.g. ``pdf_fonts().formal``); other flowables pass through
    unchanged. ``keep_ideographic_spaces`` is kept for callers (ideographic spaces always keep their width)."""
    f = pdf_fonts()
    body = ParagraphStyle("vv_cell", fontName=font or f.body, fontSize=font_size, leading=font_size * 1.3,
                          alignment=TA_CENTER if align.upper() == "CENTER" else TA_LEFT, wordWrap="CJK")
    head = ParagraphStyle("vv_head", parent=body, fontName=f.heading if font is None else font, alignment=TA_CENTER)
    out: list[list[object]] = []
    for r, row in enumerate(rows):
        style = head if r < header_rows else body
        out.append([_cell_para(c, style) if isinstance(c, str) else c for c in row])
    table = grid_table(out, col_widths=col_widths, header_rows=header_rows, repeat_header=repeat_header,
                       font_size=font_size)
    table.hAlign = h_align
    return table


def _cell_para(text: str, style: ParagraphStyle) -> Paragraph:
    if "\n" not in text:
        return para(text, style)
    return Paragraph("<br/>".join(markup(line, style.fontName) for line in text.split("\n")), style)


def column_widths(rows: Sequence[Sequence[object]], total_width: float, *, font_size: float = 10,
                  header_rows: int = 1, padding: float = 6, font: str | None = None,
                  heading_font: str | None = None) -> list[float]:
    """Column widths summing to ``total_width`` taken from the content, so that header words do not split: every
    column first gets the width of its widest header line (split a long header with "\n" for a deliberate
    two-line header), then the columns whose body text is wider share what is left in proportion to what they
    lack; any remainder goes to all in proportion. ``padding`` is the cell's left and right padding (reportlab's
    6 pt by default). When even the headers do not fit, all are scaled down (headers then wrap)."""
    f = pdf_fonts()
    body_face, head_face = font or f.body, heading_font or (f.heading if font is None else font)
    count = max((len(r) for r in rows), default=0)
    need = [font_size + 2 * padding] * count   # at least one character
    want = list(need)
    for r, row in enumerate(rows):
        face = head_face if r < header_rows else body_face
        for c, cell in enumerate(row):
            if not isinstance(cell, str):
                continue
            width = max(string_width(line, font_size, face) for line in cell.split("\n")) + 2 * padding + 1
            if r < header_rows:
                need[c] = max(need[c], width)
            want[c] = max(want[c], width)
    if not count:
        return []
    if sum(need) >= total_width:
        return [w * total_width / sum(need) for w in need]
    spare = total_width - sum(need)
    lack = [w - n for w, n in zip(want, need, strict=True)]
    if sum(lack) >= spare:
        return [n + d * spare / sum(lack) for n, d in zip(need, lack, strict=True)]
    widths = list(want)
    rest = total_width - sum(widths)
    return [w + w * rest / sum(widths) for w in widths]


def write_bytes(data: bytes, out: Path | str | BinaryIO | None) -> bytes:
    """Write rendered PDF ``data`` to a path or an open binary stream (nothing when ``out`` is None); returns
    ``data``. For forms that render into memory first."""
    if out is not None:
        if isinstance(out, (str, Path)):
            Path(out).parent.mkdir(parents=True, exist_ok=True)
            Path(out).write_bytes(data)
        else:
            out.write(data)
    return data


def signature_block(labels: Iterable[str], date_line: bool = True) -> Table:
    """Signature lines such as 本人签名 / 见证人 with a date line, right-aligned like the paper forms."""
    st = styles()
    rows = [[Paragraph(f"{label}：________________", st["body_noindent"])] for label in labels]
    if date_line:
        rows.append([Paragraph(tr("日期：______年____月____日"), st["body_noindent"])])
    table = Table(rows, colWidths=[80 * mm], hAlign="RIGHT")
    table.setStyle(TableStyle([("TOPPADDING", (0, 0), (-1, -1), 8)]))
    return table


def seal_line(text_before: str = "") -> Paragraph:
    return Paragraph(f"{text_before}{tr('（盖章）')}", styles()["right"])


# --- dates and 届次 ------------------------------------------------------------------------------------------------
def cn_date(day: dt.date | None) -> str:
    """2026年11月18日 (empty for None)."""
    if day is None:
        return ""
    return tr("{y}年{m}月{d}日").format(y=day.year, m=day.month, d=day.day)


def today_text(day: dt.date | None = None) -> str:
    """``cn_date`` of ``day``, today when None."""
    return cn_date(day or dt.date.today())


_CN_DIGITS = "零一二三四五六七八九"


def cn_number(n: int) -> str:
    """Chinese numerals as written in a 届次: 1 → 一, 10 → 十, 12 → 十二, 20 → 二十, 105 → 一百零五 (up to 9999;
    larger numbers in Arabic digits)."""
    if n < 0 or n > 9999:
        return str(n)
    if n < 10:
        return _CN_DIGITS[n]
    if n < 20:
        return "十" + (_CN_DIGITS[n % 10] if n % 10 else "")
    out = ""
    zero = False
    for value, unit in ((1000, "千"), (100, "百"), (10, "十"), (1, "")):
        digit = n // value % 10
        if digit:
            if zero and out:
                out += "零"
            out += _CN_DIGITS[digit] + unit
            zero = False
        else:
            zero = True
    return out


_TERM_IN_NAME = re.compile(r"第\s*([0-9０-９]+|[零〇一二三四五六七八九十百千]+)\s*届")


def term_label(source: object, name: str = "") -> str:
    """The 届次 to print, "第十二届": from the cycle profile's ``term_number`` when set, else a "第…届" in the cycle
    name (Arabic digits become Chinese numerals), else "". ``source`` is an ElectionCycle (or anything with
    ``profile`` and ``name``), a profile dict (``name`` given separately), a cycle name, or the term number."""
    if source is None:
        return ""
    profile: Mapping[str, Any] = {}
    if isinstance(source, bool):
        return ""
    if isinstance(source, int):
        return tr("第{n}届").format(n=cn_number(source)) if source > 0 else ""
    if isinstance(source, str):
        name = name or source
    elif isinstance(source, Mapping):
        profile = source
    else:
        profile = getattr(source, "profile", None) or {}
        name = name or getattr(source, "name", "") or ""
    number = profile.get("term_number") if isinstance(profile, Mapping) else None
    if number not in (None, ""):
        try:
            value = int(str(number).strip())
        except ValueError:
            match = _TERM_IN_NAME.search(str(number))
            if match:
                return _term_from_match(match)
        else:
            if value > 0:
                return tr("第{n}届").format(n=cn_number(value))
    match = _TERM_IN_NAME.search(name or "")
    return _term_from_match(match) if match else ""


def _term_from_match(match: re.Match[str]) -> str:
    raw = match.group(1)
    if raw[0] in "0123456789０１２３４５６７８９":
        return tr("第{n}届").format(n=cn_number(int(raw)))
    return tr("第{n}届").format(n=raw)


# --- flowables of the typesetting API -----------------------------------------------------------------------------
class _DocumentBreak(ActionFlowable):
    """Ends a document of a batch: a new page on which "第 N 页 共 M 页" restarts (no empty page when the current
    one is still blank). In a document template without per-document numbers, a plain page break."""

    def __init__(self) -> None:
        super().__init__(("vvDocumentBreak",))

    def apply(self, doc: Any) -> None:
        handler = getattr(doc, "handle_vvDocumentBreak", None)
        if handler is not None:
            handler()
        else:
            doc.handle_pageBreak()


def document_break() -> Flowable:
    """Between two documents of a batch (villages, persons): a new page and page numbers that restart."""
    return _DocumentBreak()


def documents(stories: Iterable[list[Flowable]]) -> list[Flowable]:
    """One batch of documents (one per village or person): their stories joined by ``document_break()``."""
    out: list[Flowable] = []
    for index, story in enumerate(stories):
        if index:
            out.append(document_break())
        out.extend(story)
    return out


class _Continuation(Flowable):
    """Zero-size marker: from here on, later pages of this document repeat ``title`` and ``group`` at the top."""
    _ZEROSIZE = True

    def __init__(self, title: str, group: str = "") -> None:
        super().__init__()
        self.title = title
        self.group = group
        self.width = self.height = 0

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:
        return 0, 0

    def draw(self) -> None:
        doc = getattr(self.canv, "_doctemplate", None)
        setter = getattr(doc, "vv_continue", None)
        if setter is not None:
            setter(self.title, self.group)

    def __repr__(self) -> str:
        return f"continuation({self.title!r}, {self.group!r})"


def continuation(title: str, group: str = "") -> Flowable:
    """Pages after the first of a document repeat ``title`` and the current ``group`` ("第3村民小组（续）")."""
    return _Continuation(title, group)


class _ClosingBlock(KeepTogether):
    """A signature/seal/date block; ``build_pdf`` binds it to the flowable above (see ``_ClosingGroup``)."""


def closing_block(*flowables: Flowable) -> Flowable:
    """A signature, seal or date block kept on the same page as the last lines above it (never alone on a page)."""
    return _ClosingBlock(list(flowables))


class _ClosingGroup(_ContainerSpace, Flowable):
    """The flowable above a closing block (``anchor``) and the block (``rest``), laid out so that the block never
    starts a page: when all fit, all are drawn; when they do not, the anchor is split where the page ends — or,
    when the anchor fits but the block does not, just before its last row/line — and its last part stays bound
    to the block; an anchor that cannot be split moves to the next page with the block."""

    def __init__(self, anchor: Flowable, rest: Sequence[Flowable]) -> None:
        super().__init__()
        self._anchor = anchor
        self._rest = list(rest)
        self._content = [anchor, *self._rest]

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:
        width, _height = _listWrapOn(self._content, availWidth, self.canv)
        return width, 0xFFFFFF  # always split: the parts are then placed one by one

    def split(self, availWidth: float, availHeight: float) -> list[Flowable]:
        canv = self.canv
        _w, total = _listWrapOn(self._content, availWidth, canv)
        if total <= availHeight + 1e-6:
            return [NullActionFlowable(), *self._content]
        anchor = self._anchor
        _w, anchor_h = anchor.wrapOn(canv, availWidth, availHeight)
        if anchor_h > availHeight + 1e-6:
            parts = anchor.splitOn(canv, availWidth, availHeight)   # it breaks here anyway
        else:
            parts = anchor.splitOn(canv, availWidth, anchor_h - 1)  # carry the last row/line over
        if len(parts) >= 2 and not isinstance(parts[-1], ActionFlowable):
            # the first parts stay here (or, for a KeepTogether, move on by its own frame break); the last part
            # goes with the block
            return [NullActionFlowable(), *parts[:-1], _ClosingGroup(parts[-1], self._rest)]
        frame = getattr(self, "_frame", None)
        if frame is not None and getattr(frame, "_atTop", False):
            return [NullActionFlowable(), *self._content]  # taller than a page: nothing better is possible
        return []  # move to the next page together

    def __repr__(self) -> str:
        return f"_ClosingGroup({self._anchor!r}, {self._rest!r})"


def _bindable(f: Flowable) -> bool:
    return not isinstance(f, (ActionFlowable, PageBreak, CondPageBreak, _ClosingBlock, _Continuation))


def prepare_story(story: Sequence[Flowable]) -> list[Flowable]:
    """The story with each ``closing_block`` bound to the flowable above it (spacers between them go along)."""
    out: list[Flowable] = []
    for f in story:
        if not isinstance(f, _ClosingBlock):
            out.append(f)
            continue
        between: list[Flowable] = []
        while out and (type(out[-1]) is Spacer or isinstance(out[-1], _Continuation)):
            between.insert(0, out.pop())
        if out and _bindable(out[-1]):
            out.append(_ClosingGroup(out.pop(), [*between, *f._content]))
        else:
            out.extend(between)
            out.append(f)
    return out


# --- document template and canvas: per-document page numbers, running heads --------------------------------------
@dataclass(frozen=True)
class PageMarks:
    """What the template draws on a page once the document's page count is known."""
    number: int                  # page number within its document
    total: int                   # pages of that document
    head: tuple[str, str] | None  # (title, group text) of the running head, None for none


class _NumberedCanvas(Canvas):
    """Holds each page until ``save`` so that the footer can say how many pages its document has."""

    def __init__(self, *args: Any, decorate: Callable[[Canvas, PageMarks], None] | None = None,
                 **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._vv_decorate = decorate
        self._vv_pages: list[dict[str, Any]] = []
        self._vv_doc = 0
        self._vv_head: tuple[str, str] | None = None

    def showPage(self) -> None:
        self._vv_pages.append(dict(self.__dict__))
        self._startPage()

    def save(self) -> None:
        pages, self._vv_pages = self._vv_pages, []
        totals = Counter(p["_vv_doc"] for p in pages)
        seen: Counter[int] = Counter()
        for state in pages:
            self.__dict__.update(state)
            doc = state["_vv_doc"]
            seen[doc] += 1
            if self._vv_decorate is not None:
                self._vv_decorate(self, PageMarks(seen[doc], totals[doc], state["_vv_head"]))
            Canvas.showPage(self)
        Canvas.save(self)


class NumberedDocTemplate(BaseDocTemplate):
    """A4 (or landscape) pages in one frame with per-document page numbers "第 N 页 共 M 页", a running head on
    continuation pages, footer text, a corner stamp and a light watermark. ``build_pdf`` uses it; a form with its
    own page layout may subclass it (``frames`` for other frames)."""

    def __init__(self, filename: Any, *, page_numbers: bool = True, footer: str = "", stamp: str | None = None,
                 watermark: str | None = None, frames: Sequence[Frame] | None = None, **kw: Any) -> None:
        kw.setdefault("initialFontName", pdf_fonts().body)
        super().__init__(filename, **kw)
        self.vv_page_numbers = page_numbers
        self.vv_footer = footer
        self.vv_stamp = stamp
        self.vv_watermark = watermark
        self._vv_frames = list(frames) if frames else None
        self._vv_doc_index = 0
        self._vv_running: tuple[str, str] | None = None
        self._vv_page_has_body = False

    # layout state
    def handle_documentBegin(self) -> None:
        self._vv_doc_index = 0
        self._vv_running = None
        self._vv_page_has_body = False
        super().handle_documentBegin()

    def handle_pageBegin(self) -> None:
        self._vv_page_has_body = False
        super().handle_pageBegin()
        self.canv._vv_doc = self._vv_doc_index
        running = self._vv_running
        if running is None:
            self.canv._vv_head = None
        else:
            title, group = running
            self.canv._vv_head = (title, tr("{group}（续）").format(group=group) if group else tr("（续）"))

    def afterFlowable(self, flowable: Flowable) -> None:
        if not isinstance(flowable, (ActionFlowable, _Continuation, PageBreak)) and type(flowable) is not Spacer:
            self._vv_page_has_body = True

    def handle_vvDocumentBreak(self) -> None:
        self._vv_running = None
        self._vv_doc_index += 1
        if self._vv_page_has_body:
            self.handle_pageBreak()  # the next page begins the new document
        else:  # the current page is still blank: it becomes the first page of the new document
            self.canv._vv_doc = self._vv_doc_index
            self.canv._vv_head = None

    def vv_continue(self, title: str, group: str) -> None:
        """A ``continuation`` marker was placed: later pages carry (title, group)."""
        self._vv_running = (title, group)
        if not self._vv_page_has_body:  # the group starts at the top of this page: no "（续）" here
            self.canv._vv_head = (title, "")

    # drawing
    def _on_page(self, canvas: Canvas, doc: BaseDocTemplate) -> None:
        if self.vv_watermark:
            canvas.saveState()
            canvas.setFont(pdf_fonts().heading, 90)
            canvas.setFillColor(WATERMARK_GREY)
            w, h = doc.pagesize
            canvas.translate(w / 2, h / 2)
            canvas.rotate(35)
            canvas.drawCentredString(0, 0, self.vv_watermark)
            canvas.restoreState()

    def _decorate(self, canvas: Canvas, marks: PageMarks) -> None:
        f = pdf_fonts()
        width, height = canvas._pagesize
        canvas.saveState()
        canvas.setFillColor(BLACK)
        if marks.number > 1 and marks.head is not None:
            title, group = marks.head
            text = f"{title}　{group}" if group and not group.startswith("（") else f"{title}{group}"
            draw_text(canvas, width / 2, height - HEAD_Y, text, 10.5, "center", f.body)
        if self.vv_page_numbers:
            draw_text(canvas, width / 2, FOOTER_Y, tr("第 {page} 页 共 {pages} 页").format(
                page=marks.number, pages=marks.total), 10, "center", f.body)
        if self.vv_footer:
            draw_text(canvas, self.leftMargin, FOOTER_Y, self.vv_footer, 9, "left", f.body)
        if self.vv_stamp:
            draw_text(canvas, width - self.rightMargin, height - HEAD_Y, self.vv_stamp, 14, "right", f.heading)
        canvas.restoreState()

    def build(self, flowables: list[Flowable], filename: Any = None,
              canvasmaker: Any = None) -> None:
        self._calc()
        frames = self._vv_frames or [Frame(self.leftMargin, self.bottomMargin, self.width, self.height,
                                           id="normal")]
        self.pageTemplates: list[PageTemplate] = []
        self.addPageTemplates([PageTemplate(id="page", frames=list(frames), onPage=self._on_page,
                                            pagesize=self.pagesize)])
        maker = canvasmaker or partial(_NumberedCanvas, decorate=self._decorate)
        super().build(prepare_story(flowables), filename=filename, canvasmaker=maker)


@overload
def build_pdf(out: Path | str, story: list[Flowable], *, title: str, footer: str = ..., stamp: str | None = ...,
              landscape_pages: bool = ..., watermark: str | None = ..., author: str = ...,
              page_numbers: bool = ..., margins: Mapping[str, float] | None = ...) -> Path: ...
@overload
def build_pdf(out: BinaryIO, story: list[Flowable], *, title: str, footer: str = ..., stamp: str | None = ...,
              landscape_pages: bool = ..., watermark: str | None = ..., author: str = ...,
              page_numbers: bool = ..., margins: Mapping[str, float] | None = ...) -> BinaryIO: ...
def build_pdf(out: Path | str | BinaryIO, story: list[Flowable], *, title: str, footer: str = "",
              stamp: str | None = None, landscape_pages: bool = False, watermark: str | None = None,
              author: str = "villagevote", page_numbers: bool = True,
              margins: Mapping[str, float] | None = None) -> Path | BinaryIO:
    """Render ``story`` to an A4 PDF (a path or an open binary stream) with "第 N 页 共 M 页" per document (see
    ``document_break``; none with ``page_numbers=False``), running heads (``continuation``), closing blocks kept
    with the content above (``closing_block``), optional footer text, a corner stamp (e.g. 未确认) and a light
    diagonal watermark (e.g. 样票)."""
    target: Any
    if isinstance(out, (str, Path)):
        out = Path(out)
        out.parent.mkdir(parents=True, exist_ok=True)
        target = str(out)
    else:
        target = out
    pagesize = landscape(PAGE) if landscape_pages else PAGE
    doc = NumberedDocTemplate(target, pagesize=pagesize, title=title, author=author, creator="villagevote",
                              page_numbers=page_numbers, footer=footer, stamp=stamp, watermark=watermark,
                              **{**MARGINS, **(margins or {})})
    doc.build(list(story))
    return out


__all__ = [
    "A4",
    "MARGINS",
    "PAGE",
    "NumberedDocTemplate",
    "PageMarks",
    "Paragraph",
    "Spacer",
    "Table",
    "TableStyle",
    "build_pdf",
    "cell_table",
    "closing_block",
    "cn_date",
    "cn_number",
    "column_widths",
    "continuation",
    "document_break",
    "grid_style",
    "grid_table",
    "mm",
    "prepare_story",
    "seal_line",
    "signature_block",
    "styles",
    "term_label",
    "today_text",
    "write_bytes",
]
