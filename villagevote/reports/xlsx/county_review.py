"""The county joint-review workbook (县级联审表) writer: a report, no Qt, no database.

The layout (sheet and column names, the hidden export information) and the plain data written here are
``villagevote.qualification.county_workbook``'s, which also reads the returned file; the ``county-review`` export
(``villagevote.reports.forms_county``) builds the data with a domain function and calls :func:`write_county_workbook`.

The sheet is protected (no password: against accidental edits of the names, ID numbers and headers) except the
departments' answer cells; the 序号 is a number and the 出生年月 a date shown as "1970年5月".
"""
from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.pagebreak import Break

from villagevote.i18n import tr
from villagevote.qualification.county_workbook import (
    ANSWER_FIELDS,
    FIRST_DATA_ROW,
    FIXED_COLUMNS,
    FORMAT_VERSION,
    HEADER_ROW_1,
    HEADER_ROW_2,
    HELP_SHEET,
    META_KIND,
    SHEET_NAME,
    CountySheet,
)
from villagevote.reports.xlsx.base import (
    BODY_FONT,
    BORDER,
    DATE_FORMAT,
    HEADER_FILL,
    HEADER_FONT,
    protect_fill_in,
    save,
    set_metadata,
)

__all__ = ["write_county_workbook"]

BIRTH_FORMAT = 'yyyy"年"m"月"'
_YEAR_MONTH = re.compile(r"(\d{4})[.\-/年](\d{1,2})月?")


def _birth_value(text: str) -> dt.date | str:
    """The 出生年月 ("1970.05") as a date (the first of the month, shown as 1970年5月); other text as it is."""
    match = _YEAR_MONTH.fullmatch(text.strip()) if text else None
    if match and 1 <= int(match.group(2)) <= 12:
        return dt.date(int(match.group(1)), int(match.group(2)), 1)
    return text


def _cn_date(day: dt.date) -> str:
    return tr("{y}年{m}月{d}日").format(y=day.year, m=day.month, d=day.day)


def write_county_workbook(sheet: CountySheet, out: Path | str) -> Path:
    """Write the workbook for the county departments and return its path."""
    wb = Workbook()
    ws = wb.active
    ws.title = SHEET_NAME
    n_fixed = len(FIXED_COLUMNS)

    title = tr("{township}{village}村级组织换届候选人资格县级联审表（{cycle}）").format(
        township=sheet.township, village=sheet.village, cycle=sheet.cycle_name)
    # The title sits over the columns that repeat on every printed page (A–E), the export note beside it.
    id_col = 1 + [k for k, _, _ in FIXED_COLUMNS].index("id_number")
    ws.cell(row=1, column=1, value=title).font = Font(name="黑体", bold=True, size=13)
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=id_col)
    ws.cell(row=1, column=1).alignment = Alignment(horizontal="left", vertical="center", wrap_text=True)
    # full ID numbers (masking table: county-review): 注意保密 on the sheet and on every printed page
    note = tr("注意保密\n导出编号：{export_id}\n导出日期：{day}　共 {n} 人").format(
        export_id=sheet.export_id, day=_cn_date(sheet.exported_on), n=len(sheet.rows))
    ws.cell(row=1, column=id_col + 1, value=note).font = Font(name="宋体", size=10)
    ws.cell(row=1, column=id_col + 1).alignment = Alignment(vertical="center", wrap_text=True)
    ws.merge_cells(start_row=1, start_column=id_col + 1, end_row=1, end_column=n_fixed)
    ws.row_dimensions[1].height = 48

    def header(row: int, col: int, text: str) -> None:
        cell = ws.cell(row=row, column=col, value=text)
        cell.font, cell.fill, cell.border = HEADER_FONT, HEADER_FILL, BORDER
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)

    for col, (_, text, width) in enumerate(FIXED_COLUMNS, start=1):
        header(HEADER_ROW_1, col, tr(text))
        header(HEADER_ROW_2, col, None)  # type: ignore[arg-type]
        ws.merge_cells(start_row=HEADER_ROW_1, start_column=col, end_row=HEADER_ROW_2, end_column=col)
        ws.column_dimensions[get_column_letter(col)].width = width
    for d, dept in enumerate(sheet.departments):
        first = n_fixed + 1 + d * len(ANSWER_FIELDS)
        header(HEADER_ROW_1, first, dept)
        for k in range(1, len(ANSWER_FIELDS)):
            header(HEADER_ROW_1, first + k, None)  # type: ignore[arg-type]
        ws.merge_cells(start_row=HEADER_ROW_1, start_column=first, end_row=HEADER_ROW_1,
                       end_column=first + len(ANSWER_FIELDS) - 1)
        for k, (_, text, width) in enumerate(ANSWER_FIELDS):
            header(HEADER_ROW_2, first + k, tr(text))
            ws.column_dimensions[get_column_letter(first + k)].width = width
    ws.row_dimensions[HEADER_ROW_1].height = 22
    ws.row_dimensions[HEADER_ROW_2].height = 20

    last_row = FIRST_DATA_ROW + len(sheet.rows) - 1
    for r, row in enumerate(sheet.rows, start=FIRST_DATA_ROW):
        ws.row_dimensions[r].height = 30  # two lines: posts and the departments' opinions wrap
        birth = _birth_value(row.birth)
        values = [row.seq, row.village, row.name, row.gender, row.id_number, birth, row.political, row.posts]
        for c, value in enumerate(values, start=1):
            cell = ws.cell(row=r, column=c, value=value)
            cell.font, cell.border = BODY_FONT, BORDER
            cell.alignment = Alignment(vertical="center", wrap_text=(c == n_fixed))
            if isinstance(value, dt.date):
                cell.number_format = BIRTH_FORMAT
        ws.cell(row=r, column=id_col).number_format = "@"  # keep all 18 characters
        for d in range(len(sheet.departments)):
            first = n_fixed + 1 + d * len(ANSWER_FIELDS)
            for k, (key, _, _) in enumerate(ANSWER_FIELDS):
                cell = ws.cell(row=r, column=first + k)
                cell.font, cell.border = BODY_FONT, BORDER
                cell.alignment = Alignment(vertical="center", wrap_text=(key == "opinion"))
                if key == "date":
                    cell.number_format = DATE_FORMAT
                elif key in ("opinion", "handler", "has_issue"):
                    cell.number_format = "@"

    if sheet.departments and sheet.rows:
        dv = DataValidation(type="list", formula1='"无,有"', allow_blank=True, showErrorMessage=True,
                            errorTitle=tr("有无情况"), error=tr("请选择“无”或“有”"))
        ws.add_data_validation(dv)
        for d in range(len(sheet.departments)):
            col = get_column_letter(n_fixed + 1 + d * len(ANSWER_FIELDS))
            dv.add(f"{col}{FIRST_DATA_ROW}:{col}{last_row}")
        dates = DataValidation(type="date", operator="greaterThan", formula1="36526", allow_blank=True,
                               showErrorMessage=True, errorTitle=tr("日期"), error=tr("请填写日期，如 2026-03-01"))
        ws.add_data_validation(dates)
        for d in range(len(sheet.departments)):
            col = get_column_letter(n_fixed + len(ANSWER_FIELDS) + d * len(ANSWER_FIELDS))
            dates.add(f"{col}{FIRST_DATA_ROW}:{col}{last_row}")

    ws.freeze_panes = ws.cell(row=FIRST_DATA_ROW, column=id_col + 1)
    ws.print_title_rows = f"{HEADER_ROW_1}:{HEADER_ROW_2}"
    ws.print_title_cols = f"A:{get_column_letter(id_col)}"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.orientation = "landscape"
    ws.page_setup.fitToWidth = 0
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = False
    ws.page_setup.scale = 75
    # Page breaks between department groups: the first page holds all identity columns and one department, each
    # later page the repeated columns A–E and two departments, so no group is split across pages.
    per_group = len(ANSWER_FIELDS)
    for d in range(1, len(sheet.departments)):
        if d == 1 or (d - 1) % 2 == 0:
            ws.col_breaks.append(Break(id=n_fixed + d * per_group))
    ws.print_options.gridLines = False
    ws.page_margins.left = ws.page_margins.right = 0.4
    ws.page_margins.top = ws.page_margins.bottom = 0.5
    ws.oddFooter.center.text = tr("第 &P 页，共 &N 页")
    ws.oddHeader.center.text = title
    ws.oddHeader.left.text = tr("注意保密")
    if sheet.departments and sheet.rows:
        answers_from = get_column_letter(n_fixed + 1)
        answers_to = get_column_letter(n_fixed + len(sheet.departments) * len(ANSWER_FIELDS))
        protect_fill_in(ws, [f"{answers_from}{FIRST_DATA_ROW}:{answers_to}{last_row}"])
    else:
        protect_fill_in(ws, [])

    _write_help(wb, sheet)
    set_metadata(wb, {
        "kind": META_KIND,
        "format_version": FORMAT_VERSION,
        "export_id": sheet.export_id,
        "township_id": sheet.township_id,
        "township": sheet.township,
        "county": sheet.county,
        "cycle_id": sheet.cycle_id,
        "cycle": sheet.cycle_name,
        "village": sheet.village,
        "exported_on": sheet.exported_on.isoformat(),
        "departments": "|".join(sheet.departments),
        "rows": len(sheet.rows),
    })
    wb.active = 0
    return save(wb, out)


def _write_help(wb: Workbook, sheet: CountySheet) -> None:
    ws = wb.create_sheet(HELP_SHEET)
    lines = [
        tr("填写说明"),
        tr("1. 每个部门只填写本部门的四列：有无情况（下拉选择“无”或“有”）、意见、经办人、日期。"),
        tr("2. 选“有”时，请在意见中写明具体情况和所涉条款编号（如 N1），有时限的情况请写明日期（如刑满释放日期）。"),
        tr("3. 表头和姓名、身份证号码等左侧各列已锁定（工作表保护，无密码），只有各部门的填写栏可以录入；请勿撤销保护后修改，"
           "勿增删行列，勿改工作表名称；身份证号码按文本保存。"),
        tr("4. 填好后原文件返回乡镇（街道），由乡镇导入系统。"),
        "",
        tr("各部门核查的资格条件："),
    ]
    for r, text in enumerate(lines, start=1):
        ws.cell(row=r, column=1, value=text).font = Font(name="宋体", bold=(r == 1), size=11)
        ws.merge_cells(start_row=r, start_column=1, end_row=r, end_column=3)
    r = len(lines) + 1
    for dept in sheet.departments:
        ws.cell(row=r, column=1, value=dept).font = Font(name="宋体", bold=True, size=11)
        r += 1
        rules = sheet.rules_by_department.get(dept, [])
        if not rules:
            ws.cell(row=r, column=2, value=tr("（本届资格条件中没有写明由该部门核查的条款，请按职责核查）"))
            r += 1
        for code, text in rules:
            ws.cell(row=r, column=2, value=code)
            ws.cell(row=r, column=3, value=text).alignment = Alignment(wrap_text=True, vertical="top")
            r += 1
    ws.column_dimensions["A"].width = 16
    ws.column_dimensions["B"].width = 8
    ws.column_dimensions["C"].width = 90
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.orientation = "landscape"
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
