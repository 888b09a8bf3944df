"""The county joint-review workbook (县级联审表): writer and reader. No Qt, no database.

Layout of the sheet «县级联审»::

    row 1   title (township, cycle, export number)
    row 2   序号 | 村 | 姓名 | 性别 | 身份证号码 | 出生年月 | 政治面貌 | 参选职务 | <department 1, merged over 4> | …
    row 3   (merged with row 2)                                         | 有无情况 | 意见 | 经办人 | 日期 | …
    row 4…  one row per candidate (person), ID number stored as text

The header is frozen under row 3 and beside the ID column; each printed page repeats rows 2–3 and columns A–E.
«有无情况» cells carry a drop-down (无 / 有) and dates are formatted yyyy-mm-dd. A second sheet «填写说明» tells the
departments what to fill in and lists the rule codes each department checks. A hidden sheet ``_meta`` carries the
township, cycle and export number so that a workbook from another township (or an edited copy without it) is
recognised when it comes back.

:func:`read_county_workbook` reads the returned file (.xlsx, .xls or .ods via ``villagevote.workbooks``) into plain rows that
keep their sheet row numbers; judging the answers is ``villagevote.qualification.county_review``'s job.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.pagebreak import Break

from villagevote.cells import cell_text, is_blank
from villagevote.errors import ValidationError
from villagevote.i18n import tr
from villagevote.reports.xlsx.base import BODY_FONT, BORDER, HEADER_FILL, HEADER_FONT, META_SHEET, save, set_metadata

__all__ = [
    "ANSWER_FIELDS",
    "FIXED_COLUMNS",
    "META_KIND",
    "SHEET_NAME",
    "CountyRow",
    "CountySheet",
    "RawAnswer",
    "ReturnedRow",
    "ReturnedWorkbook",
    "read_county_workbook",
    "write_county_workbook",
]

SHEET_NAME = "县级联审"
HELP_SHEET = "填写说明"
META_KIND = "villagevote.county_review"
FORMAT_VERSION = 1

# (key, header, width)
FIXED_COLUMNS: tuple[tuple[str, str, float], ...] = (
    ("seq", "序号", 5),
    ("village", "村", 9),
    ("name", "姓名", 8),
    ("gender", "性别", 5),
    ("id_number", "身份证号码", 20),
    ("birth", "出生年月", 9),
    ("political", "政治面貌", 9),
    ("posts", "参选职务", 18),
)
# per department: (key, header, width)
ANSWER_FIELDS: tuple[tuple[str, str, float], ...] = (
    ("has_issue", "有无情况", 8),
    ("opinion", "意见", 18),
    ("handler", "经办人", 8),
    ("date", "日期", 11),
)
HEADER_ROW_1 = 2
HEADER_ROW_2 = 3
FIRST_DATA_ROW = 4


@dataclass(frozen=True)
class CountyRow:
    """One candidate (person) as exported."""

    seq: int
    village: str
    name: str
    gender: str
    id_number: str
    birth: str
    political: str
    posts: str


@dataclass(frozen=True)
class CountySheet:
    """Everything the writer needs."""

    township_id: int
    township: str
    county: str
    cycle_id: int
    cycle_name: str
    export_id: str
    exported_on: dt.date
    departments: tuple[str, ...]
    rules_by_department: dict[str, list[tuple[str, str]]]  # department -> [(code, text)]
    rows: Sequence[CountyRow]


@dataclass(frozen=True)
class RawAnswer:
    """One department's cells for one row, as read (values untouched, blanks as None)."""

    has_issue: Any
    opinion: Any
    handler: Any
    date: Any

    def is_blank(self) -> bool:
        return all(is_blank(v) for v in (self.has_issue, self.opinion, self.handler, self.date))


@dataclass(frozen=True)
class ReturnedRow:
    row_number: int  # 1-based sheet row, as Excel shows it
    id_number: Any
    name: Any
    village: Any
    answers: dict[str, RawAnswer]


@dataclass
class ReturnedWorkbook:
    path: Path
    meta: dict[str, str]
    departments: list[str]
    rows: list[ReturnedRow] = field(default_factory=list)


# --- writing ------------------------------------------------------------------------------------------------------

def write_county_workbook(sheet: CountySheet, out: Path | str) -> Path:
    """Write the workbook for the county departments and return its path."""
    wb = Workbook()
    ws = wb.active
    ws.title = SHEET_NAME
    n_fixed = len(FIXED_COLUMNS)

    title = tr("{township}村级组织换届候选人资格县级联审表（{cycle}）").format(
        township=sheet.township, cycle=sheet.cycle_name)
    # The title sits over the columns that repeat on every printed page (A–E), the export note beside it.
    id_col = 1 + [k for k, _, _ in FIXED_COLUMNS].index("id_number")
    ws.cell(row=1, column=1, value=title).font = Font(name="黑体", bold=True, size=13)
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=id_col)
    ws.cell(row=1, column=1).alignment = Alignment(horizontal="left", vertical="center", wrap_text=True)
    note = tr("导出编号：{export_id}\n导出日期：{day}　共 {n} 人").format(
        export_id=sheet.export_id, day=sheet.exported_on.isoformat(), n=len(sheet.rows))
    ws.cell(row=1, column=id_col + 1, value=note).font = Font(name="宋体", size=10)
    ws.cell(row=1, column=id_col + 1).alignment = Alignment(vertical="center", wrap_text=True)
    ws.merge_cells(start_row=1, start_column=id_col + 1, end_row=1, end_column=n_fixed)
    ws.row_dimensions[1].height = 40

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
        values = [row.seq, row.village, row.name, row.gender, row.id_number, row.birth, row.political, row.posts]
        for c, value in enumerate(values, start=1):
            cell = ws.cell(row=r, column=c, value=value)
            cell.font, cell.border = BODY_FONT, BORDER
            cell.alignment = Alignment(vertical="center", wrap_text=(c == n_fixed))
        ws.cell(row=r, column=id_col).number_format = "@"  # keep all 18 characters
        for d in range(len(sheet.departments)):
            first = n_fixed + 1 + d * len(ANSWER_FIELDS)
            for k, (key, _, _) in enumerate(ANSWER_FIELDS):
                cell = ws.cell(row=r, column=first + k)
                cell.font, cell.border = BODY_FONT, BORDER
                cell.alignment = Alignment(vertical="center", wrap_text=(key == "opinion"))
                if key == "date":
                    cell.number_format = "yyyy-mm-dd"
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
        tr("3. 请勿修改姓名、身份证号码等左侧各列，勿增删行列，勿改工作表名称；身份证号码按文本保存。"),
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


# --- reading ------------------------------------------------------------------------------------------------------

def read_county_workbook(path: Path | str) -> ReturnedWorkbook:
    """Read a returned joint-review workbook. Raises ValidationError when it is not one (wrong file, sheet renamed,
    header changed, metadata missing); answers are returned raw for the domain to judge."""
    from villagevote.workbooks import open_workbook

    path = Path(path)
    # The guarded reader: unreadable, truncated, oversized or password-protected files become a Chinese message.
    with open_workbook(path) as wb:
        names = list(wb.sheet_names)
        if META_SHEET not in names:
            raise ValidationError(tr(
                "“{name}”里没有本系统导出时写入的隐藏信息，无法确认是哪个乡镇、哪一次导出的联审表。"
                "请让县里在本系统导出的原文件上填写后返回，不要复制到新工作簿。").format(name=path.name))
        meta: dict[str, str] = {}
        for row in wb.read(META_SHEET).rows:
            if len(row) >= 2 and not is_blank(row[0]):
                meta[str(row[0]).strip()] = cell_text(row[1])
        if meta.get("kind") != META_KIND:
            raise ValidationError(tr("“{name}”不是县级联审表（导出信息中的类型为“{kind}”）。").format(
                name=path.name, kind=meta.get("kind", "")))
        if SHEET_NAME not in names:
            raise ValidationError(tr("“{name}”中找不到工作表“{sheet}”（工作表是否被改名？现有：{names}）").format(
                name=path.name, sheet=SHEET_NAME, names="、".join(n for n in names if n != META_SHEET)))
        sheet = wb.read(SHEET_NAME)
    grid = sheet.rows
    # ID numbers and names from which invisible characters (zero-width, bidi, control) were removed are refused:
    # the returned answers are matched to candidates by them.
    keys = [k for k, _, _ in FIXED_COLUMNS]
    identity = {keys.index(k): h for k, h, _ in FIXED_COLUMNS if k in ("id_number", "name")}
    cleaned = sheet.cleaned_cells(identity, FIRST_DATA_ROW - 1)
    if cleaned:
        lines = [tr("第{row}行“{label}”含有看不见的字符（{what}）").format(row=row, label=tr(identity[col]), what=what)
                 for row, col, what in cleaned[:20]]
        raise ValidationError(tr(
            "“{name}”的工作表“{sheet}”中有 {n} 个姓名或身份证号码单元格含有看不见的字符（多为从网页或聊天软件复制带入），"
            "为免对错人，未导入任何数据。请在原表中删除这些单元格的内容后重新输入：\n{lines}").format(
            name=path.name, sheet=SHEET_NAME, n=len(cleaned), lines="\n".join(lines)))
    return _parse_grid(path, meta, grid)


def _parse_grid(path: Path, meta: dict[str, str], grid: list[list[Any]]) -> ReturnedWorkbook:
    if len(grid) < HEADER_ROW_2:
        raise ValidationError(tr("“{name}”的工作表“{sheet}”是空的或缺少表头。").format(name=path.name, sheet=SHEET_NAME))
    top = [cell_text(v) for v in grid[HEADER_ROW_1 - 1]]
    sub = [cell_text(v) for v in grid[HEADER_ROW_2 - 1]]
    width = max(len(top), len(sub))
    top += [""] * (width - len(top))
    sub += [""] * (width - len(sub))
    for col, (_, text, _) in enumerate(FIXED_COLUMNS):
        if top[col] != tr(text):
            raise ValidationError(tr("第{row}行第{col}列的表头应为“{expected}”，实际为“{actual}”。请不要改动左侧各列。").format(
                row=HEADER_ROW_1, col=get_column_letter(col + 1), expected=tr(text), actual=top[col]))
    departments: list[str] = []
    columns: dict[str, int] = {}
    col = len(FIXED_COLUMNS)
    n = len(ANSWER_FIELDS)
    while col < width and (top[col] or any(sub[col:col + n])):
        dept = top[col]
        expected = [tr(h) for _, h, _ in ANSWER_FIELDS]
        got = sub[col:col + n] + [""] * max(0, col + n - width)
        if not dept:
            raise ValidationError(tr("第{row}行第{col}列应为部门名称，实际为空。").format(
                row=HEADER_ROW_1, col=get_column_letter(col + 1)))
        if got != expected:
            raise ValidationError(tr("“{dept}”下的四列应为“{expected}”，实际为“{actual}”（第{row}行，从{col}列起）。").format(
                dept=dept, expected="、".join(expected), actual="、".join(got), row=HEADER_ROW_2,
                col=get_column_letter(col + 1)))
        if dept in columns:
            raise ValidationError(tr("部门“{dept}”在表头中出现了两次。").format(dept=dept))
        departments.append(dept)
        columns[dept] = col
        col += n
    result = ReturnedWorkbook(path=path, meta=meta, departments=departments)
    keys = [k for k, _, _ in FIXED_COLUMNS]
    for r in range(FIRST_DATA_ROW - 1, len(grid)):
        cells = list(grid[r]) + [None] * (width - len(grid[r]))
        if all(is_blank(v) for v in cells):
            continue
        fixed = dict(zip(keys, cells[: len(FIXED_COLUMNS)]))
        answers = {}
        for dept, c in columns.items():
            answers[dept] = RawAnswer(*(None if is_blank(v) else v for v in cells[c:c + n]))
        result.rows.append(ReturnedRow(row_number=r + 1, id_number=fixed["id_number"], name=fixed["name"],
                                       village=fixed["village"], answers=answers))
    return result
