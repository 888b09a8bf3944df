"""Reading voter lists from spreadsheets (.xlsx / .xlsm / .xls / .ods) through the guarded reader ``villagevote.workbooks``.

Township staff receive household lists from the police station and from the villages, often as old .xls files,
with a title row or two above the header, merged header cells, dates typed as text in any format, and ID numbers
that Excel has turned into numbers. This module turns such a sheet into plain :class:`VoterRow` records plus a list
of :class:`RowError` (Excel row number, column, reason in Chinese). Nothing here touches the database: the import
service (``villagevote.voters.importer``) writes the rows in one transaction only when there are no errors.

Speed: the whole sheet is read once as a list of Python values (``CalamineSheet.to_python``). Rows are then checked
in blocks, column by column (:mod:`fastcheck`): C-level ``map`` / ``join`` / regular expressions over a column,
the GB 11643 check digit through ``int(…, 13)``, lookup tables for values that repeat (birth dates, categories).
A row the fast path cannot vouch for goes through the detailed per-row checker (:func:`rowcheck.check_rows`), which
gives every message (and calls :func:`villagevote.idcard.parse_id_number` for bad ID numbers).

The parts, by meaning: :mod:`villagevote.voters.headers` (fields, header detection, column mappings),
:mod:`villagevote.voters.cells` (one cell: dates, gender, category …), :mod:`villagevote.voters.rowcheck` (the
result types and the detailed row checker), :mod:`villagevote.voters.fastcheck` (the column-wise fast path). This
module reads the sheet and ties them together; its public names stay importable from here.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from villagevote.errors import ValidationError
from villagevote.i18n import tr
from villagevote.models.enums import VoterCategory
from villagevote.voters.cells import cell_text, parse_category, parse_date_value, parse_deprived, parse_gender
from villagevote.voters.fastcheck import gc_paused, parse_rows
from villagevote.voters.headers import (
    FIELDS,
    HEADER_SCAN_ROWS,
    FieldSpec,
    HeaderInfo,
    detect_header,
    filled_header_grid,
    looks_like_voter_sheet,
    resolve_override,
)
from villagevote.voters.rowcheck import ParsedSheet, RowError, VoterRow, flag_under_age, invisible_errors
from villagevote.workbooks import SUPPORTED_SUFFIXES, Sheet, column_letter
from villagevote.workbooks import read_sheet as _read_sheet

__all__ = [
    "FIELDS",
    "SUPPORTED_SUFFIXES",
    "FieldSpec",
    "ParsedSheet",
    "RawSheet",
    "RowError",
    "VoterRow",
    "column_letter",
    "detect_header",
    "flag_under_age",
    "gc_paused",
    "parse_category",
    "parse_date_value",
    "parse_deprived",
    "parse_gender",
    "parse_voter_sheet",
    "read_sheet",
    "read_voter_workbook",
]


# --------------------------------------------------------------------------------------------------------------
# Reading the file
# --------------------------------------------------------------------------------------------------------------
# The file itself is read by the one guarded reader (villagevote.workbooks): it checks the sheet's extent before
# calamine materialises anything, turns every library error into a Chinese message, fills merged ranges down and
# removes invisible characters (recording the cells, see invisible_errors).
RawSheet = Sheet


def read_sheet(path: str | Path, sheet: str | int | None = None,
               pick: Callable[[list[list[Any]]], bool] | None = None) -> RawSheet:
    """Read one sheet of a workbook as values (see :func:`villagevote.workbooks.read_sheet`)."""
    return _read_sheet(path, sheet, pick)


def parse_voter_sheet(raw: RawSheet, mapping: Mapping[str, str | int] | None = None, header_row: int | None = None,
                      today: dt.date | None = None, default_category: VoterCategory = VoterCategory.RESIDENT,
                      progress: Callable[[int, int], None] | None = None, *,
                      election_day: dt.date | None = None, min_age: int = 18) -> ParsedSheet:
    """Validate every row of ``raw`` as a voter.

    With ``election_day``, persons under ``min_age`` on that day are left out and listed (:func:`flag_under_age`).

    ``mapping`` overrides the detected columns: field key -> header text, column letter ("C") or 0-based index;
    an empty value means the field is absent from this file. ``header_row`` (1-based) forces the header row.
    Errors never stop the parse: every bad row is reported. Raises ``ValidationError`` only when the sheet has no
    usable header (the message names the sheets in the workbook).
    """
    today = today or dt.date.today()
    rows = raw.rows
    info = detect_header(rows, raw.merged, header_row)
    listing = "、".join(f"「{n}」" for n in raw.sheet_names)
    if info is None and mapping:
        # The caller maps columns explicitly: the header is the given row, or the first non-empty row.
        r = (header_row - 1) if header_row else next((i for i, row in enumerate(rows) if any(
            isinstance(v, str) and v.strip() for v in row)), 0)
        grid = filled_header_grid(rows, raw.merged, r + 1)
        labels = {c: str(v).strip() for c, v in enumerate(grid[r] if r < len(grid) else []) if cell_text(v)}
        info = HeaderInfo(r, r, {}, labels)
    if info is None:
        if not any(any(cell_text(v) for v in row) for row in rows):
            raise ValidationError(tr("工作表「{sheet}」是空的。本文件的工作表有：{listing}").format(
                sheet=raw.name, listing=listing))
        raise ValidationError(
            tr("工作表「{sheet}」前 {n} 行中找不到表头（需要有「姓名」列，以及「身份证号」或「出生日期」列）。"
               "本文件的工作表有：{listing}。请确认选对了工作表，或手动指定各列").format(
                sheet=raw.name, n=HEADER_SCAN_ROWS, listing=listing)
        )
    width = max((len(r) for r in rows[: info.data_start + 1]), default=0)
    columns = dict(info.columns)
    if mapping:
        for key, col in resolve_override(mapping, info.labels, width, raw.name).items():
            if col < 0:
                columns.pop(key, None)
            else:
                columns[key] = col
    if "name" not in columns:
        raise ValidationError(tr("工作表「{sheet}」中没有「姓名」列，请手动指定哪一列是姓名").format(sheet=raw.name))
    if "id_number" not in columns and "birth_date" not in columns:
        raise ValidationError(
            tr("工作表「{sheet}」中既没有「身份证号」列也没有「出生日期」列，无法判断年龄").format(sheet=raw.name))

    def header_of(col: int) -> str:
        return info.labels.get(col) or column_letter(col)

    result = ParsedSheet(
        path=raw.path, sheet_name=raw.name, sheet_names=raw.sheet_names, header_row=info.last_row + 1,
        columns={k: (c, header_of(c)) for k, c in columns.items()},
        unmapped={c: t for c, t in info.labels.items() if c not in columns.values()},
    )
    parse_rows(rows, info.data_start, columns, header_of, result, today, default_category, progress)
    if raw.cleaned:
        invisible_errors(raw, info.data_start, columns, header_of, result)
    if election_day is not None:
        flag_under_age(result, election_day, min_age)
    return result


def read_voter_workbook(path: str | Path, sheet: str | int | None = None,
                        mapping: Mapping[str, str | int] | None = None, header_row: int | None = None,
                        today: dt.date | None = None, default_category: VoterCategory = VoterCategory.RESIDENT,
                        progress: Callable[[int, int], None] | None = None, *,
                        election_day: dt.date | None = None, min_age: int = 18) -> ParsedSheet:
    """Read and validate a voter list. Picks the first sheet that has a voter header when ``sheet`` is None.
    With ``election_day``, persons under ``min_age`` on that day are left out and listed (:func:`flag_under_age`)."""
    pick = None if (sheet is not None or mapping) else looks_like_voter_sheet
    # The collector stays paused until the sheet's rows (one list per row, all made while it was paused) are freed
    # again: a collection in between would walk all of them for nothing (see gc_paused).
    with gc_paused():
        raw = read_sheet(path, sheet, pick=pick)
        parsed = parse_voter_sheet(raw, mapping=mapping, header_row=header_row, today=today,
                                   default_category=default_category, progress=progress,
                                   election_day=election_day, min_age=min_age)
        del raw
    return parsed
