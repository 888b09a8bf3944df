"""The empty registration template (候选人/自荐人登记表) villages fill in: a writer, no Qt, no database.

One header row, frozen, with drop-down lists for gender, education, political status, village, organization, post,
nomination source and 是/否, and the ID-number column formatted as text so Excel does not turn the number into
3.30102E+17. The columns (and the reader of the filled workbook) are ``villagevote.candidates.workbook``'s.
The sheet is protected (no password; against accidental edits of the header) except the rows to fill in.
"""
from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from openpyxl import Workbook
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from villagevote.candidates.workbook import COLUMNS, LISTS_SHEET, SHEET_NAME, TEMPLATE_ROWS
from villagevote.i18n import tr
from villagevote.models.enums import Education, Gender, NominationSource, OrgKind, PoliticalStatus
from villagevote.reports.xlsx.base import DATE_FORMAT, protect_fill_in

__all__ = ["write_template"]


def write_template(
    path: str | Path,
    villages: Sequence[str],
    posts: Sequence[str],
    township: str = "",
    cycle: str = "",
) -> Path:
    """Write the registration template with drop-down lists for the given villages and posts."""
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
                ws.cell(row=row, column=col_index).number_format = DATE_FORMAT
            dv = DataValidation(type="date", operator="greaterThan", formula1="1", allow_blank=True)
            dv.error = tr("请填写日期，如 2008-07-01")
            dv.showErrorMessage = True
            ws.add_data_validation(dv)
            dv.add(f"{get_column_letter(col_index)}2:{get_column_letter(col_index)}{TEMPLATE_ROWS + 1}")
    ws.freeze_panes = "A2"
    ws.row_dimensions[1].height = 22
    protect_fill_in(ws, [f"A2:{get_column_letter(len(COLUMNS))}{TEMPLATE_ROWS + 1}"])

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
        tr("7. 工作表已保护（无密码），只能在第2行起的填写区录入，以免误改表头；如需调整列的顺序，请先撤销工作表保护。"),
    ]
    for row, line in enumerate(lines, start=1):
        info.cell(row=row, column=1, value=line)
    info.column_dimensions["A"].width = 90
    info["A1"].font = Font(bold=True, size=13)

    wb.save(path)
    return path
