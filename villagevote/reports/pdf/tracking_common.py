"""What the 践诺跟踪 forms share: the document with its 填表人 / 审核人 / 日期 footer (tracking.md A7: "the footer
carries 填表人 / 审核人 / 日期 / 页码"), the title block, long tables split into chunks with the header repeated, and
the signature and seal block. Black and white, every text ≥ 10 pt, dates as 2027年5月31日.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Mapping, Sequence
from pathlib import Path
from typing import Any

from reportlab.lib.enums import TA_CENTER, TA_LEFT
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import CondPageBreak, Flowable, Paragraph, Spacer, Table, TableStyle

from villagevote.fonts import pdf_fonts
from villagevote.i18n import tr
from villagevote.reports.pdf.base import (
    FOOTER_Y,
    MARGINS,
    NumberedDocTemplate,
    PageMarks,
    cn_date,
    column_widths,
    continuation,
    grid_table,
    styles,
)
from villagevote.reports.pdf.text import cmap, draw_text, markup, para, printable, string_width

__all__ = ["CHUNK_ROWS", "FOOTER_SIZE", "build_tracking_pdf", "date_cell", "date_lines", "fitted_widths",
           "footer_text", "frame_width", "group_block", "ledger_no_lines", "signature_row", "table_chunks", "title_block"]

CHUNK_ROWS = 60       # rows per table: long registers are split (a huge reportlab Table lays out in quadratic time)
GROUP_ROOM = 45 * mm  # a village group starts on a new page when less is left
CELL_SIZE = 10        # table text
FOOTER_SIZE = 10      # the footer's 填表人 / 审核人 / 日期 line (≥ 10 pt like everything printed)


def frame_width(landscape_pages: bool) -> float:
    page = landscape(A4) if landscape_pages else A4
    return page[0] - MARGINS["leftMargin"] - MARGINS["rightMargin"]


def date_cell(day: dt.date | None) -> str:
    return cn_date(day) if day is not None else ""


def date_lines(day: dt.date | None) -> str:
    """A date in a narrow table column: "2027年\n6月30日" (broken after the year, never inside a number)."""
    return cn_date(day).replace(tr("年"), tr("年") + "\n", 1) if day is not None else ""


def ledger_no_lines(ledger_no: str) -> str:
    """东村-2027-001 → "东村-\n2027-001" for a narrow column (the village part on its own line)."""
    head, sep, tail = ledger_no.partition("-")
    return f"{head}{sep}\n{tail}" if sep and tail else ledger_no


def footer_text(preparer: str, printed_on: dt.date) -> str:
    """填表人：张三　审核人：________　日期：2027年5月31日 (the reviewer signs by hand)."""
    return tr("填表人：{who}　　审核人：____________　　日期：{day}").format(
        who=preparer or "____________", day=cn_date(printed_on))


class _TrackingDoc(NumberedDocTemplate):
    """The shared numbered document, with the footer line set in 10 pt at the left of every page."""

    def _decorate(self, canvas: Canvas, marks: PageMarks) -> None:
        footer, self.vv_footer = self.vv_footer, ""
        try:
            super()._decorate(canvas, marks)
        finally:
            self.vv_footer = footer
        if footer:
            face = pdf_fonts().body
            # beside the centred page number when there is room (landscape), else on a line just above it
            room = canvas._pagesize[0] / 2 - 30 * mm - self.leftMargin
            y = FOOTER_Y if string_width(footer, FOOTER_SIZE, face) <= room else FOOTER_Y + 5 * mm
            canvas.saveState()
            draw_text(canvas, self.leftMargin, y, footer, FOOTER_SIZE, "left", face)
            canvas.restoreState()


def build_tracking_pdf(out: Path | str, story: list[Flowable], *, title: str, footer: str = "",
                       landscape_pages: bool = True, margins: Mapping[str, float] | None = None) -> Path:
    """``base.build_pdf`` for the tracking forms: per-document "第 N 页 共 M 页", running heads, closing blocks, and
    the 填表人 / 审核人 / 日期 footer on every page."""
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    pagesize = landscape(A4) if landscape_pages else A4
    doc = _TrackingDoc(str(out), pagesize=pagesize, title=title, author="villagevote", creator="villagevote",
                       footer=footer, **{**MARGINS, **(margins or {})})
    doc.build(list(story))
    return out


def title_block(title: str, lines: Sequence[str]) -> list[Flowable]:
    """The form's title (二号) and the lines under it (乡镇、届次、范围、时段), left-aligned, 12 pt."""
    st = styles()
    out: list[Flowable] = [para(title, st["title"])]
    out += [para(line, st["body_noindent"]) for line in lines if line]
    out.append(Spacer(1, 2 * mm))
    return out


class CachedParagraph(Paragraph):
    """A table cell's paragraph that keeps its last wrap: reportlab wraps every cell of a long table again at each
    page split (and once more for a KeepTogether), and the Chinese line breaking is most of a register's cost."""

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:
        if self.__dict__.get("_vv_wrapped") == availWidth:
            return self.width, self.height
        size = super().wrap(availWidth, availHeight)
        self._vv_wrapped = availWidth
        return size


def _cell_styles(align: str) -> tuple[ParagraphStyle, ParagraphStyle]:
    f = pdf_fonts()
    body = ParagraphStyle("vv_tracking_cell", fontName=f.body, fontSize=10, leading=13, wordWrap="CJK",
                          alignment=TA_LEFT if align.upper() == "LEFT" else TA_CENTER)
    head = ParagraphStyle("vv_tracking_head", parent=body, fontName=f.heading, alignment=TA_CENTER)
    return body, head


def _cell(text: str, style: ParagraphStyle) -> CachedParagraph:
    return CachedParagraph("<br/>".join(markup(line, style.fontName) for line in text.split("\n")), style)


def _as_string(text: str, room: float, face: str) -> bool:
    """Whether a cell can be drawn as a plain string: every character in the body face, every line within ``room``
    (a string is not wrapped). Most cells of a register are (names, villages, dates, statuses); drawing them as
    strings instead of paragraphs halves a long register's time."""
    have = cmap(face)
    if any(ord(ch) not in have for ch in text if ch != "\n"):
        return False
    return all(pdfmetrics.stringWidth(line, face, CELL_SIZE) <= room for line in text.split("\n"))


def table_chunks(header: Sequence[str], rows: Sequence[Sequence[object]], width: float, *,
                 widths: Sequence[float] | None = None, align: str = "CENTER", padding: float = 6,
                 plain: Collection[int] = (), left: Collection[int] = (), chunk: int = CHUNK_ROWS,
                 vpad: float = 3) -> list[Table]:
    """The rows as bordered tables of at most ``chunk`` rows each, every one with the header (repeated on each page);
    column widths from the content of all rows (or ``widths``) so that the chunks line up. ``padding`` is the cells'
    left and right padding (narrow for the 15 columns of the ledger). Cells of the ``plain`` columns (dates, numbers,
    status words: text the body face has, "\n" for a deliberate break) are drawn as strings, the others are wrapped
    paragraphs (names and free text, with the per-character face fallback); ``left`` columns are left-aligned;
    ``vpad`` is the cells' top and bottom padding (2 keeps a township's 20 villages and the 合计 on one page)."""
    all_rows: list[Sequence[object]] = [list(header), *rows]
    cols = list(widths) if widths is not None else column_widths(all_rows, width, padding=padding)
    body, head = _cell_styles(align)
    body_left, _ = _cell_styles("LEFT")
    face = body.fontName
    rooms = [w - 2 * padding - 1 for w in cols]
    head_cells: list[object] = [_cell(h, head) for h in header]
    out_rows: list[list[object]] = []
    made: dict[tuple[int, str], object] = {}  # a column's repeated text (an owner on 60 rows) made and wrapped once
    for row in rows:
        cells: list[object] = []
        for c, value in enumerate(row):
            if not isinstance(value, str):
                cells.append(value)
            elif c in plain:
                cells.append(printable(value))
            elif (c, value) in made:
                cells.append(made[c, value])
            elif _as_string(value, rooms[c], face):
                cells.append(made.setdefault((c, value), value))
            else:
                cells.append(made.setdefault((c, value), _cell(value, body_left if c in left else body)))
        out_rows.append(cells)
    style: list[tuple[Any, ...]] = [("LEFTPADDING", (0, 0), (-1, -1), padding),
                                    ("RIGHTPADDING", (0, 0), (-1, -1), padding),
                                    ("TOPPADDING", (0, 0), (-1, -1), vpad), ("BOTTOMPADDING", (0, 0), (-1, -1), vpad)]
    style += [("ALIGN", (c, 1), (c, -1), "LEFT") for c in left]
    if align.upper() == "LEFT":
        style.append(("ALIGN", (0, 1), (-1, -1), "LEFT"))
    tables = []
    for start in range(0, max(len(out_rows), 1), chunk):
        table = grid_table([head_cells, *out_rows[start:start + chunk]], cols, header_rows=1)
        table.hAlign = "CENTER"
        table.setStyle(TableStyle(style))
        tables.append(table)
    return tables


def group_block(title: str, group: str, heading: str | None, tables: Sequence[Flowable]) -> list[Flowable]:
    """A village's part of a register: the running-head marker, its heading (None: none) and its tables, on a new
    page when less than ``GROUP_ROOM`` is left (a heading never stands alone at the foot of a page, and the first
    rows come with it)."""
    first: list[Flowable] = [CondPageBreak(GROUP_ROOM), continuation(title, group)]
    if heading:
        first.append(para(heading, styles()["heading"]))
    return [*first, *tables]


def fitted_widths(header: Sequence[str], spec: Sequence[float | str | None], width: float, *,
                  padding: float = 6, size: float = 10) -> list[float]:
    """Column widths for a crowded table: per column a width in mm (free text that wraps), or a sample text (the
    widest value expected: "12月31日", "2027-W20" — the column fits it and its header lines, measured), or None for the
    one column that takes what is left of ``width`` (承诺事项)."""
    f = pdf_fonts()
    out: list[float] = []
    for head, want in zip(header, spec, strict=True):
        head_w = max(string_width(line, size, f.heading) for line in head.split("\n"))
        if isinstance(want, str):
            body_w = max(string_width(line, size, f.body) for line in want.split("\n"))
            out.append(max(head_w, body_w) + 2 * padding + 1)
        elif want is not None:
            out.append(max(float(want) * mm, head_w + 2 * padding + 1))
        else:
            out.append(0.0)
    flex = [i for i, w in enumerate(spec) if w is None]
    if flex:
        out[flex[0]] = max(width - sum(out), 20 * mm)
    return out


def signature_row(labels: Sequence[str], width: float, *, seal: str = "", day: dt.date | None = None) -> Table:
    """One line of signature blanks (填表人：______ 审核人：______ …), then the seal line and date at the right."""
    st = styles()
    cells: list[Any] = [para(tr("{label}：__________").format(label=x), st["body_noindent"]) for x in labels]
    rows: list[list[Any]] = [cells]
    table = Table(rows, colWidths=[width / max(len(cells), 1)] * len(cells))
    table.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "MIDDLE"), ("TOPPADDING", (0, 0), (-1, -1), 6)]))
    if not seal and day is None:
        return table
    right: list[list[Any]] = []
    if seal:
        right.append([para(tr("{seal}（盖章）").format(seal=seal), st["right"])])
    right.append([para(cn_date(day) if day is not None else tr("______年____月____日"), st["right"])])
    outer = Table([[table], [Spacer(1, 8 * mm)], *right], colWidths=[width])
    outer.setStyle(TableStyle([("LEFTPADDING", (0, 0), (-1, -1), 0), ("RIGHTPADDING", (0, 0), (-1, -1), 0)]))
    return outer
