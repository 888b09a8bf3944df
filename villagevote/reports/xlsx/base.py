"""Styled workbooks with openpyxl: header row, column widths, frozen header, print setup, metadata sheet.

Exports keep values typed: numbers as numbers (a rate as a fraction with ``PERCENT_FORMAT``), dates as dates with
``DATE_FORMAT``; fill-in sheets are protected except their fill-in cells (``protect_fill_in``)."""
from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Protection, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

THIN = Side(style="thin", color="999999")
BORDER = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")
HEADER_FONT = Font(name="宋体", bold=True, size=11)
BODY_FONT = Font(name="宋体", size=11)
META_SHEET = "_meta"
DATE_FORMAT = "yyyy-mm-dd"
PERCENT_FORMAT = "0.00%"


def protect_fill_in(ws: Worksheet, cell_ranges: Sequence[str]) -> None:
    """Protect a fill-in sheet against accidental edits (no password) except ``cell_ranges`` (e.g. "A3:I3002"), which
    are unlocked; columns and rows may still be resized and the filled rows sorted and filtered."""
    unlocked = Protection(locked=False)
    for cell_range in cell_ranges:
        for row in ws[cell_range]:
            for cell in row:
                cell.protection = unlocked
    ws.protection.sheet = True
    ws.protection.formatColumns = False
    ws.protection.formatRows = False
    ws.protection.sort = False
    ws.protection.autoFilter = False


def write_table(ws: Worksheet, headers: Sequence[str], rows: Iterable[Sequence[Any]], *, title: str | None = None,
                widths: Sequence[float] | None = None, text_columns: Sequence[int] = ()) -> None:
    """Write an optional title row, a styled header and data rows; freeze panes under the header; A4 landscape
    print setup with the header repeated on each page. ``text_columns`` (0-based) are stored as text (ID numbers)."""
    start = 1
    if title:
        ws.cell(row=1, column=1, value=title).font = Font(name="黑体", bold=True, size=14)
        ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=max(len(headers), 1))
        ws.cell(row=1, column=1).alignment = Alignment(horizontal="center")
        start = 2
    for col, header in enumerate(headers, start=1):
        cell = ws.cell(row=start, column=col, value=header)
        cell.font, cell.fill, cell.border = HEADER_FONT, HEADER_FILL, BORDER
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
    for r, row in enumerate(rows, start=start + 1):
        for c, value in enumerate(row, start=1):
            cell = ws.cell(row=r, column=c, value=value)
            cell.font, cell.border = BODY_FONT, BORDER
            if (c - 1) in text_columns:
                cell.number_format = "@"
            elif isinstance(value, dt.date):
                cell.number_format = DATE_FORMAT
    for col, header in enumerate(headers, start=1):
        width = widths[col - 1] if widths and col - 1 < len(widths) else max(10, min(40, len(str(header)) * 2 + 4))
        ws.column_dimensions[get_column_letter(col)].width = width
    ws.freeze_panes = ws.cell(row=start + 1, column=1)
    ws.print_title_rows = f"{start}:{start}"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.orientation = "landscape"
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True


def set_metadata(wb: Workbook, values: dict[str, Any]) -> None:
    """Key/value pairs in a hidden sheet, used to recognise our own workbooks when they come back."""
    ws = wb[META_SHEET] if META_SHEET in wb.sheetnames else wb.create_sheet(META_SHEET)
    for i, (key, value) in enumerate(values.items(), start=1):
        ws.cell(row=i, column=1, value=key)
        ws.cell(row=i, column=2, value=value)
    ws.sheet_state = "hidden"


def save(wb: Workbook, out: Path | str) -> Path:
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_suffix(out.suffix + ".partial")
    wb.save(tmp)
    tmp.replace(out)
    return out
