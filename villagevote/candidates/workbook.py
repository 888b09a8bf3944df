"""The registration workbook villages fill in (候选人/自荐人登记表): its columns, and the reader.

:func:`read_candidate_rows` reads a filled workbook (.xlsx, .xls or .ods, via the guarded reader
``villagevote.workbooks``) into plain row dicts keyed by field name, keeping the sheet's row numbers so every error
can name its row. Checking the values against the database is the job of ``villagevote.candidates.importing``; the
empty template is written by ``villagevote.reports.xlsx.candidate_import`` from the same :data:`COLUMNS`.
No Qt here.
"""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from villagevote.cells import is_blank
from villagevote.errors import ValidationError
from villagevote.i18n import tr
from villagevote.workbooks import column_letter, open_workbook

__all__ = [
    "COLUMNS",
    "SHEET_NAME",
    "Column",
    "SheetRows",
    "read_candidate_rows",
]

SHEET_NAME = "候选人登记"
LISTS_SHEET = "选项"
TEMPLATE_ROWS = 500  # rows prepared with validation and text format


@dataclass(frozen=True)
class Column:
    key: str
    header: str
    required: bool
    width: int
    aliases: tuple[str, ...] = ()
    note: str = ""


# Order as in the template; the reader matches headers by name, so villages may reorder columns.
COLUMNS: tuple[Column, ...] = (
    Column("name", "姓名", True, 10),
    Column("id_number", "身份证号码", True, 21, ("身份证号", "公民身份号码", "身份证")),
    Column("gender", "性别", False, 6, (), "可不填，按身份证号码判断；填写的须与身份证号码一致"),
    Column("education", "文化程度", False, 10, ("学历",)),
    Column("political_status", "政治面貌", False, 12),
    Column("party_join_date", "入党时间", False, 12, ("入党日期",), "日期，如 2008-07-01"),
    Column("phone", "联系电话", False, 14, ("电话", "手机", "手机号码")),
    Column("village", "所在村", True, 12, ("村", "村名", "村（社区）")),
    Column("group", "村民小组", False, 10, ("小组",)),
    Column("current_post", "现任职务", False, 14),
    Column("organization", "参选组织", True, 16, ("组织",)),
    Column("post", "参选职务", True, 12, ("职务", "拟任职务")),
    Column("source", "推荐方式", True, 10, ("提名方式", "产生方式")),
    Column("incumbent", "是否现任", False, 8, (), "是 / 否"),
)

_BY_HEADER: dict[str, Column] = {}
for _col in COLUMNS:
    for _name in (_col.header, *_col.aliases):
        _BY_HEADER[_name] = _col


def _clean_header(value: Any) -> str:
    text = "" if value is None else str(value)
    text = re.sub(r"[\s*＊]", "", text)
    text = re.sub(r"[（(](必填|选填|可不填)[）)]$", "", text)
    return text


# --------------------------------------------------------------------------------------------------- reading


@dataclass
class SheetRows:
    """Rows of the registration sheet: ``rows`` are (sheet row number, {field key: raw cell value})."""

    sheet: str
    columns: dict[str, int]  # field key -> 0-based column index
    rows: list[tuple[int, dict[str, Any]]] = field(default_factory=list)


def read_candidate_rows(path: str | Path) -> SheetRows:
    """Read a filled registration workbook (.xlsx/.xlsm/.xls/.ods).

    The sheet named 候选人登记 is used, or the first sheet when there is none. The first non-empty row is the header;
    every template column it lacks, every column it has twice and every header it does not know is reported together
    in one :class:`ValidationError`. Blank rows are skipped; row numbers are the sheet's own (1 = header row).
    """
    path = Path(path)
    # The guarded reader: unreadable, truncated, oversized or password-protected files become a Chinese message.
    with open_workbook(path) as wb:
        names = wb.sheet_names
        sheet_name = SHEET_NAME if SHEET_NAME in names else names[0]
        sheet = wb.read(sheet_name)
    data = sheet.rows

    header_index = next(
        (i for i, row in enumerate(data) if any(not is_blank(v) for v in row)), None
    )
    if header_index is None:
        raise ValidationError(tr("工作表「{sheet}」是空的").format(sheet=sheet_name))
    header = data[header_index]
    columns: dict[str, int] = {}
    problems: list[str] = []
    for index, raw in enumerate(header):
        if is_blank(raw):
            continue
        name = _clean_header(raw)
        column = _BY_HEADER.get(name)
        where = tr("第{row}行{col}列").format(row=header_index + 1, col=column_letter(index))
        if column is None:
            problems.append(tr("{where}的列名「{name}」不是模板中的列").format(where=where, name=str(raw).strip()))
        elif column.key in columns:
            problems.append(
                tr("{where}的列名「{name}」与{first}列重复").format(
                    where=where, name=column.header, first=column_letter(columns[column.key])
                )
            )
        else:
            columns[column.key] = index
    missing = [c.header for c in COLUMNS if c.required and c.key not in columns]
    if missing:
        problems.insert(0, tr("缺少必填列：{cols}").format(cols="、".join(missing)))
    if problems:
        raise ValidationError(
            tr("工作表「{sheet}」的表头不符合模板（请使用本程序导出的模板）：\n{problems}").format(
                sheet=sheet_name, problems="\n".join(problems)
            )
        )

    # Names and ID numbers from which invisible characters (zero-width, bidi, control) were removed are refused:
    # removing them silently would change whom the registration names.
    identity = [columns[k] for k in ("name", "id_number") if k in columns]
    header_of = {columns[c.key]: c.header for c in COLUMNS if c.key in columns}
    cleaned = sheet.cleaned_cells(identity, header_index + 1)
    if cleaned:
        lines = [tr("第{row}行「{label}」含有看不见的字符（{what}）").format(
            row=row, label=header_of[col], what=what) for row, col, what in cleaned[:20]]
        raise ValidationError(
            tr("工作表「{sheet}」中有 {n} 个姓名或身份证号码单元格含有看不见的字符（多为从网页或聊天软件复制带入），"
               "为免姓名或号码被悄悄改变，未导入任何数据。请在原表中删除这些单元格的内容后重新输入：\n{lines}").format(
                sheet=sheet_name, n=len(cleaned), lines="\n".join(lines)))

    result = SheetRows(sheet=sheet_name, columns=columns)
    for index in range(header_index + 1, len(data)):
        row = data[index]
        values = {key: (row[col] if col < len(row) else None) for key, col in columns.items()}
        if all(is_blank(v) for v in values.values()):
            continue
        for key, value in values.items():
            if isinstance(value, str):
                values[key] = value.strip()
            elif isinstance(value, dt.datetime):
                values[key] = value.date() if value.time() == dt.time() else value
        result.rows.append((index + 1, values))
    return result
