"""Blank 实绩比选 score sheets: one page (or more) per rater, candidates in surname-stroke order, criteria with maxima.

Each sheet shows the scheme, the rater and their group, one row per candidate (a candidate the rater recused from is
marked 回避 and shaded so it is not scored), one column per criterion the rater's group scores with its maximum (and
the allowed grades when the criterion uses them), and a signature line for the rater kept with the table. Each
rater's sheet is a document of its own: "第 N 页 共 M 页" counts its pages only. Column widths come from the headers
(each header line whole); the pages turn to landscape when the criteria need it.
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Flowable, Paragraph, Spacer, Table, TableStyle

from villagevote.i18n import tr
from villagevote.names import stroke_key
from villagevote.reports.pdf.base import (
    MARGINS,
    build_pdf,
    closing_block,
    column_widths,
    continuation,
    documents,
    grid_style,
    styles,
)
from villagevote.reports.pdf.text import markup as _m
from villagevote.reports.pdf.text import para, string_width


@dataclass(frozen=True)
class SheetCriterion:
    name: str
    max: Decimal
    note: str = ""  # e.g. the allowed grades "优100 良90 …"


@dataclass(frozen=True)
class SheetRow:
    name: str
    detail: str = ""  # village · organization · post
    recused: bool = False


@dataclass(frozen=True)
class RaterSheet:
    rater_name: str
    group_name: str
    criteria: Sequence[SheetCriterion]
    rows: Sequence[SheetRow]
    sheet_no: str = ""


@dataclass(frozen=True)
class SheetsHeader:
    scheme_name: str
    place: str = ""  # township / cycle, printed under the title
    instructions: Sequence[str] = field(default_factory=tuple)


def P(text: str, style: ParagraphStyle) -> Paragraph:
    """A paragraph of mixed text: each character in a face that has it (shared fallback of reports/pdf/text.py)."""
    return para(text, style)


def _num(d: Decimal) -> str:
    return format(d.normalize(), "f")


def _header_texts(sheet: RaterSheet) -> list[str]:
    """Header cells; a criterion's maximum and grades each go on a line of their own (no word split)."""
    heads = [tr("序号"), tr("姓名"), tr("村·职位")]
    for c in sheet.criteria:
        heads.append("\n".join([c.name, tr("（满分 {max}）").format(max=_num(c.max))] + ([c.note] if c.note else [])))
    heads.append(tr("备注"))
    return heads


def _widths(sheet: RaterSheet, width: float) -> list[float]:
    rows: list[list[str]] = [_header_texts(sheet)]
    rows += [[str(len(sheet.rows)), r.name, r.detail] + [""] * len(sheet.criteria) + [tr("回避，不评分")]
             for r in sheet.rows]
    return column_widths(rows, width)


def _needed_width(sheet: RaterSheet) -> float:
    """The width the headers need on one line each, with room to write a score (at least 16 mm a criterion)."""
    pad = 13
    heads = _header_texts(sheet)
    need = [max(string_width(line, 10) for line in h.split("\n")) + pad for h in heads]
    for i in range(3, 3 + len(sheet.criteria)):
        need[i] = max(need[i], 16 * mm)
    return sum(need) + 30 * mm  # names and 村·职位 beyond their headers


def _sheet_story(header: SheetsHeader, sheet: RaterSheet, width: float) -> list[Flowable]:
    st = styles()
    story: list[Flowable] = [
        P(tr("实绩比选评分表"), st["title"]),
        continuation(tr("实绩比选评分表"), tr("评委：{name}").format(name=sheet.rater_name)),
        P(header.scheme_name, st["subtitle"]),
    ]
    info = tr("评委：{name}（{group}）").format(name=sheet.rater_name, group=sheet.group_name)
    if header.place:
        info = header.place + "　　" + info
    if sheet.sheet_no:
        info += "　　" + tr("表号：{no}").format(no=sheet.sheet_no)
    story.append(Paragraph(_m(info, st["body_noindent"].fontName, keep_ideographic_spaces=True), st["body_noindent"]))
    note = ParagraphStyle("sheet-note", parent=st["cell"], fontSize=10.5, leading=15)  # instructions ≥ 10.5 pt
    for line in header.instructions:
        story.append(P(line, note))
    story.append(Spacer(1, 3 * mm))

    head = [Paragraph("<br/>".join(_m(x, st["cell_center"].fontName) for x in h.split("\n")), st["cell_center"])
            for h in _header_texts(sheet)]
    rows: list[list[object]] = [head]
    ordered = sorted(sheet.rows, key=lambda r: stroke_key(r.name))
    shaded: list[int] = []
    for i, row in enumerate(ordered, start=1):
        cells: list[object] = [P(str(i), st["cell_center"]), P(row.name, st["cell_center"]), P(row.detail, st["cell"])]
        if row.recused:
            cells += [P(tr("回避"), st["cell_center"]) for _ in sheet.criteria] + [P(tr("回避，不评分"), st["cell"])]
            shaded.append(i)
        else:
            cells += [""] * len(sheet.criteria) + [""]
        rows.append(cells)
    table = Table(rows, colWidths=_widths(sheet, width), repeatRows=1,
                  rowHeights=[None] + [11 * mm] * len(ordered))
    style = grid_style(1)
    for r in shaded:  # a light grey, as a photocopier prints it
        style.add("BACKGROUND", (0, r), (-1, r), colors.HexColor("#E6E6E6"))
    table.setStyle(style)
    story.append(table)
    sign = Table([[P(tr("评委签名：________________"), st["body_noindent"]),
                   P(tr("日期：______年____月____日"), st["body_noindent"])]],
                 colWidths=[width / 2, width / 2])
    sign.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "MIDDLE")]))
    story.append(closing_block(Spacer(1, 8 * mm), sign))  # never alone on a page
    return story


def score_sheets_pdf(out: Path | str, header: SheetsHeader, sheets: Sequence[RaterSheet]) -> Path:
    """Write one blank score sheet per rater; each sheet is a document of its own (its pages numbered from 1)."""
    portrait = A4[0] - MARGINS["leftMargin"] - MARGINS["rightMargin"]
    landscape_pages = any(len(s.criteria) > 4 or _needed_width(s) > portrait for s in sheets)
    pagesize = landscape(A4) if landscape_pages else A4
    width = pagesize[0] - MARGINS["leftMargin"] - MARGINS["rightMargin"]
    story: list[Flowable] = []
    story.extend(documents(_sheet_story(header, sheet, width) for sheet in sheets))
    if not sheets:
        story.append(P(tr("该评分方案还没有评委，无评分表可打印。"), styles()["body_noindent"]))
    return build_pdf(out, story, title=tr("实绩比选评分表"), footer=header.scheme_name,
                     landscape_pages=landscape_pages)
