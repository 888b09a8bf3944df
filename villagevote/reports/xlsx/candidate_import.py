"""The workbook villages fill in to register persons and candidacies (候选人/自荐人登记表): template and reader.

The template (.xlsx, openpyxl) has one header row, frozen, with drop-down lists for gender, education, political
status, village, organization, post, nomination source and 是/否, and the ID-number column formatted as text so
Excel does not turn the number into 3.30102E+17. :func:`read_candidate_rows` reads what comes back (.xlsx, .xls or
.ods, via the guarded reader ``villagevote.workbooks``) into plain row dicts keyed by field name, keeping the sheet's row numbers so every error
can name its row. Checking the values against the database is the job of ``villagevote.candidates.importing``.
No Qt here.
"""
from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from villagevote.cells import is_blank
from villagevote.errors import ValidationError
from villagevote.i18n import tr
from villagevote.models.enums import Education, Gender, NominationSource, OrgKind, PoliticalStatus

__all__ = [
    "COLUMNS",
    "SHEET_NAME",
    "Column",
    "SheetRows",
    "read_candidate_rows",
    "write_template",
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


# --------------------------------------------------------------------------------------------------- template


def write_template(
    path: str | Path,
    villages: Sequence[str],
    posts: Sequence[str],
    township: str = "",
    cycle: str = "",
) -> Path:
    """Write the registration template with drop-down lists for the given villages and posts."""
    from openpyxl import Workbook
    from openpyxl.comments import Comment
    from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation

    path = Path(path)
    wb = Workbook()
    ws = wb.active
    ws.title = SHEET_NAME
    lists = wb.create_sheet(LISTS_SHEET)

    choice_lists: dict[str, list[str]] = {
        "gender": [g.label for g in Gender],
        "education": [e.label for e in Education],
        "political_status": [p.label for p in PoliticalStatus],
        "village": list(villages),
        "organization": [o.label for o in OrgKind],
        "post": list(dict.fromkeys(posts)),
        "source": [s.label for s in NominationSource],
        "incumbent": [tr("是"), tr("否")],
    }
    list_ranges: dict[str, str] = {}
    for col_index, (key, values) in enumerate(choice_lists.items()):
        letter = get_column_letter(col_index + 1)
        lists.cell(row=1, column=col_index + 1, value=next(c.header for c in COLUMNS if c.key == key))
        for row_index, value in enumerate(values, start=2):
            lists.cell(row=row_index, column=col_index + 1, value=value)
        if values:
            list_ranges[key] = f"'{LISTS_SHEET}'!${letter}$2:${letter}${len(values) + 1}"
    lists.sheet_state = "hidden"

    thin = Side(style="thin", color="808080")
    header_font = Font(bold=True)
    required_fill = PatternFill("solid", fgColor="FCE4D6")
    optional_fill = PatternFill("solid", fgColor="DDEBF7")
    for col_index, column in enumerate(COLUMNS, start=1):
        cell = ws.cell(row=1, column=col_index, value=column.header + ("*" if column.required else ""))
        cell.font = header_font
        cell.fill = required_fill if column.required else optional_fill
        cell.alignment = Alignment(horizontal="center", vertical="center")
        cell.border = Border(top=thin, bottom=thin, left=thin, right=thin)
        ws.column_dimensions[get_column_letter(col_index)].width = column.width
        note = column.note or (tr("必填") if column.required else "")
        if note:
            cell.comment = Comment(note, "villagevote")
        if column.key in list_ranges:
            dv = DataValidation(type="list", formula1=f"={list_ranges[column.key]}", allow_blank=not column.required)
            dv.error = tr("请从下拉列表中选择")
            dv.errorTitle = column.header
            dv.showErrorMessage = True
            ws.add_data_validation(dv)
            dv.add(f"{get_column_letter(col_index)}2:{get_column_letter(col_index)}{TEMPLATE_ROWS + 1}")
        if column.key == "id_number":
            for row in range(2, TEMPLATE_ROWS + 2):
                ws.cell(row=row, column=col_index).number_format = "@"
        if column.key == "party_join_date":
            for row in range(2, TEMPLATE_ROWS + 2):
                ws.cell(row=row, column=col_index).number_format = "yyyy-mm-dd"
            dv = DataValidation(type="date", operator="greaterThan", formula1="1", allow_blank=True)
            dv.error = tr("请填写日期，如 2008-07-01")
            dv.showErrorMessage = True
            ws.add_data_validation(dv)
            dv.add(f"{get_column_letter(col_index)}2:{get_column_letter(col_index)}{TEMPLATE_ROWS + 1}")
    ws.freeze_panes = "A2"
    ws.row_dimensions[1].height = 22

    info = wb.create_sheet(tr("填表说明"))
    lines = [
        tr("候选人（自荐人）登记表 填表说明"),
        tr("乡镇：{t}    届次：{c}").format(t=township or "—", c=cycle or "—"),
        tr("1. 每人每个参选职务占一行；同一人参选两个组织的，填两行。"),
        tr("2. 带 * 的列必填。身份证号码须为18位，末位 x 可小写；请勿改变该列的文本格式。"),
        tr("3. 性别可不填，程序按身份证号码判断；填写的须与身份证号码一致。"),
        tr("4. 所在村、参选组织、参选职务、推荐方式、文化程度、政治面貌请从下拉列表选择。"),
        tr("5. 入党时间填日期，不能晚于今天。"),
        tr("6. 请不要改动第一行的列名；可以调整列的顺序。"),
    ]
    for row, line in enumerate(lines, start=1):
        info.cell(row=row, column=1, value=line)
    info.column_dimensions["A"].width = 90
    info["A1"].font = Font(bold=True, size=13)

    wb.save(path)
    return path


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
    from openpyxl.utils import get_column_letter

    from villagevote.workbooks import open_workbook

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
        where = tr("第{row}行{col}列").format(row=header_index + 1, col=get_column_letter(index + 1))
        if column is None:
            problems.append(tr("{where}的列名「{name}」不是模板中的列").format(where=where, name=str(raw).strip()))
        elif column.key in columns:
            problems.append(
                tr("{where}的列名「{name}」与{first}列重复").format(
                    where=where, name=column.header, first=get_column_letter(columns[column.key] + 1)
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
