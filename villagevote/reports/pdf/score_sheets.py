"""Blank 实绩比选 score sheets: one page (or more) per rater, candidates in surname-stroke order, criteria with maxima.

Each sheet shows the scheme, the rater and their group, one row per candidate (a candidate the rater recused from is
marked 回避 and shaded so it is not scored), one column per criterion the rater's group scores with its maximum (and
the allowed grades when the criterion uses them), and a signature line for the rater.
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
from reportlab.platypus import Flowable, PageBreak, Paragraph, Spacer, Table, TableStyle

from villagevote.i18n import tr
from villagevote.names import stroke_key
from villagevote.reports.pdf.base import MARGINS, build_pdf, grid_style, styles
from villagevote.reports.pdf.text import markup as _m
from villagevote.reports.pdf.text import para


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


def _sheet_story(header: SheetsHeader, sheet: RaterSheet, width: float) -> list[Flowable]:
    st = styles()
    story: list[Flowable] = [
        P(tr("实绩比选评分表"), st["title"]),
        P(header.scheme_name, st["subtitle"]),
    ]
    info = tr("评委：{name}（{group}）").format(name=sheet.rater_name, group=sheet.group_name)
    if header.place:
        info = header.place + "　　" + info
    if sheet.sheet_no:
        info += "　　" + tr("表号：{no}").format(no=sheet.sheet_no)
    story.append(Paragraph(_m(info, st["body_noindent"].fontName, keep_ideographic_spaces=True), st["body_noindent"]))
    for line in header.instructions:
        story.append(P(line, st["small"]))
    story.append(Spacer(1, 3 * mm))

    head = [P(tr("序号"), st["cell_center"]), P(tr("姓名"), st["cell_center"]), P(tr("村·职位"), st["cell_center"])]
    for c in sheet.criteria:
        parts = [c.name, tr("（满分 {max}）").format(max=_num(c.max))] + ([c.note] if c.note else [])
        head.append(Paragraph("<br/>".join(_m(x, st["cell_center"].fontName) for x in parts), st["cell_center"]))
    head.append(P(tr("备注"), st["cell_center"]))
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
    fixed = [12 * mm, 22 * mm, 38 * mm]
    note_w = 24 * mm
    crit_w = max(14 * mm, (width - sum(fixed) - note_w) / max(1, len(sheet.criteria)))
    table = Table(rows, colWidths=fixed + [crit_w] * len(sheet.criteria) + [note_w], repeatRows=1,
                  rowHeights=[None] + [11 * mm] * len(ordered))
    style = grid_style(1)
    for r in shaded:
        style.add("BACKGROUND", (0, r), (-1, r), colors.HexColor("#DDDDDD"))
    table.setStyle(style)
    story.append(table)
    story.append(Spacer(1, 8 * mm))
    sign = Table([[P(tr("评委签名：________________"), st["body_noindent"]),
                   P(tr("日期：______年____月____日"), st["body_noindent"])]],
                 colWidths=[width / 2, width / 2])
    sign.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "MIDDLE")]))
    story.append(sign)
    return story


def score_sheets_pdf(out: Path | str, header: SheetsHeader, sheets: Sequence[RaterSheet]) -> Path:
    """Write one blank score sheet per rater (page break between raters)."""
    landscape_pages = any(len(s.criteria) > 4 for s in sheets)
    pagesize = landscape(A4) if landscape_pages else A4
    width = pagesize[0] - MARGINS["leftMargin"] - MARGINS["rightMargin"]
    story: list[Flowable] = []
    for i, sheet in enumerate(sheets):
        if i:
            story.append(PageBreak())
        story.extend(_sheet_story(header, sheet, width))
    if not sheets:
        story.append(P(tr("该评分方案还没有评委，无评分表可打印。"), styles()["body_noindent"]))
    return build_pdf(out, story, title=tr("实绩比选评分表"), footer=header.scheme_name,
                     landscape_pages=landscape_pages)
