"""Voter-register workbooks: the blank import template and the register export (write-only mode: 50,000 rows in
seconds). ID numbers are written as text so Excel cannot turn them into numbers; birth dates as dates, ages as
numbers. The registration categories are one set, ``CATEGORY_LABELS`` (the labels of ``VoterCategory``): the
template's drop-down offers them, the export writes them, and the import reads them back.

The template is a fill-in sheet: it is protected (no password; against accidental edits of the title and header)
except the data rows, which stay unlocked."""
from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from pathlib import Path

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.worksheet.datavalidation import DataValidation

from villagevote.i18n import tr
from villagevote.models.enums import VoterCategory
from villagevote.reports.xlsx.base import DATE_FORMAT, protect_fill_in

__all__ = ["CATEGORY_LABELS", "DATE_FORMAT", "EXPORT_HEADERS", "TEMPLATE_HEADERS", "export_voters_xlsx",
           "voter_template_xlsx"]

# The one set of registration-category labels, shared by the template's drop-down and the export (the import reads
# these labels, besides the many spellings found in villages' own lists).
CATEGORY_LABELS: tuple[str, ...] = tuple(c.label for c in VoterCategory)
TEMPLATE_ROWS = 3000

TEMPLATE_HEADERS = (tr("姓名"), tr("身份证号"), tr("性别"), tr("出生日期"), tr("村民小组"), tr("登记类别"),
                    tr("剥夺政治权利"), tr("联系电话"), tr("备注"))
EXPORT_HEADERS = (tr("村"), tr("村民小组"), tr("姓名"), tr("性别"), tr("出生日期"), tr("选举日年龄"), tr("身份证号"),
                  tr("登记类别"), tr("状态"), tr("有选举权"), tr("说明"))
_HEADER_FONT = Font(name="宋体", bold=True, size=11)
_FILL = PatternFill("solid", fgColor="DDEBF7")
_BIRTH_COLUMN = EXPORT_HEADERS.index(tr("出生日期"))
_AGE_COLUMN = EXPORT_HEADERS.index(tr("选举日年龄"))
_ID_COLUMN = EXPORT_HEADERS.index(tr("身份证号"))



def voter_template_xlsx(out: Path | str, village: str = "", groups: Sequence[str] = ()) -> Path:
    """A blank list to fill in: header on row 2 under a title, ID column formatted as text, drop-downs for gender,
    category and groups, and a notes sheet."""
    out = Path(out)
    wb = Workbook()
    ws = wb.active
    ws.title = tr("选民名单")
    ws.cell(row=1, column=1, value=tr("{village}选民登记表").format(village=village) if village else tr("选民登记表"))
    ws.cell(row=1, column=1).font = Font(name="黑体", bold=True, size=14)
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(TEMPLATE_HEADERS))
    for col, text in enumerate(TEMPLATE_HEADERS, start=1):
        cell = ws.cell(row=2, column=col, value=text)
        cell.font, cell.fill = _HEADER_FONT, _FILL
        cell.alignment = Alignment(horizontal="center")
    ws.cell(row=2, column=2).comment = Comment(tr("18位身份证号码。本列已设为文本格式，请勿改为数字，否则末几位会丢失。"), "villagevote")
    for letter, width in zip("ABCDEFGHI", (12, 22, 6, 14, 14, 26, 14, 16, 24)):
        ws.column_dimensions[letter].width = width
    last = TEMPLATE_ROWS + 2
    for row in range(3, last + 1):
        ws.cell(row=row, column=2).number_format = "@"
        ws.cell(row=row, column=4).number_format = DATE_FORMAT
    gender = DataValidation(type="list", formula1='"男,女"', allow_blank=True)
    category = DataValidation(type="list", allow_blank=True, formula1='"' + ",".join(CATEGORY_LABELS) + '"')
    deprived = DataValidation(type="list", formula1='"是,否"', allow_blank=True)
    for dv, letter in ((gender, "C"), (category, "F"), (deprived, "G")):
        ws.add_data_validation(dv)
        dv.add(f"{letter}3:{letter}{last}")
    if groups:
        group_dv = DataValidation(type="list", formula1='"' + ",".join(groups) + '"', allow_blank=True)
        ws.add_data_validation(group_dv)
        group_dv.add(f"E3:E{last}")
    ws.freeze_panes = "A3"
    protect_fill_in(ws, [f"A3:I{last}"])
    notes = wb.create_sheet(tr("填表说明"))
    for i, line in enumerate((
            tr("1. 每行一位选民；表头在第2行，请勿改动表头文字（改动后导入时可手动对应各列）。"),
            tr("2. 身份证号填18位；有身份证号时出生日期和性别可不填，由号码推算并核对。"),
            tr("3. 出生日期可写 2001-03-05、2001/3/5、2001.3.5、20010305 或 2001年3月5日。"),
            tr("4. 登记类别从下拉列表选择：{a}（户籍在本村并在本村居住）；{b}（户籍在本村、不在本村居住，本人表示参加选举）；"
               "{c}（户籍不在本村、在本村居住一年以上，本人申请，经村民会议或村民代表会议同意）。空白按“{a}”。").format(
                a=CATEGORY_LABELS[0], b=CATEGORY_LABELS[1], c=CATEGORY_LABELS[2]),
            tr("5. 导入时整份文件一次写入：任何一行有错，都不会导入，并列出所有出错的行。"),
            tr("6. 工作表已保护（无密码），只能在第3行起的填写区录入，以免误改标题和表头。")), start=1):
        notes.cell(row=i, column=1, value=line)
    notes.column_dimensions["A"].width = 120
    out.parent.mkdir(parents=True, exist_ok=True)
    wb.save(out)
    return out


def export_voters_xlsx(rows: Iterable[Sequence[object]], out: Path | str, *, title: str = "",
                       metadata: dict[str, object] | None = None) -> Path:
    """Write register rows (EXPORT_HEADERS order) in write-only mode: the ID column as text, the birth date (a date
    or an ISO text) as a date, the age as a number."""
    out = Path(out)
    wb = Workbook(write_only=True)
    ws = wb.create_sheet(tr("选民名单"))
    for letter, width in zip("ABCDEFGHIJK", (12, 14, 12, 6, 12, 10, 22, 22, 10, 10, 40)):
        ws.column_dimensions[letter].width = width
    ws.freeze_panes = "A3" if title else "A2"
    if title:
        cell = WriteOnlyCell(ws, value=title)
        cell.font = Font(name="黑体", bold=True, size=14)
        # full ID numbers (masking table: voters): 注意保密 at the far end of the title row
        mark = WriteOnlyCell(ws, value=tr("注意保密（含完整身份证号码）"))
        mark.font = Font(name="黑体", bold=True, size=12)
        ws.append([cell, *([None] * (len(EXPORT_HEADERS) - 2)), mark])
    header = []
    for text in EXPORT_HEADERS:
        cell = WriteOnlyCell(ws, value=text)
        cell.font, cell.fill = _HEADER_FONT, _FILL
        header.append(cell)
    ws.append(header)
    for row in rows:
        values: list[object] = list(row)
        id_cell = WriteOnlyCell(ws, value=values[_ID_COLUMN])
        id_cell.number_format = "@"
        values[_ID_COLUMN] = id_cell
        birth = _as_date(values[_BIRTH_COLUMN])
        if birth is not None:
            birth_cell = WriteOnlyCell(ws, value=birth)
            birth_cell.number_format = DATE_FORMAT
            values[_BIRTH_COLUMN] = birth_cell
        age = values[_AGE_COLUMN]
        if isinstance(age, str) and age.strip().isdigit():
            values[_AGE_COLUMN] = int(age)
        ws.append(values)
    if metadata:
        meta = wb.create_sheet("_meta")
        for key, value in metadata.items():
            meta.append([key, value if not isinstance(value, dt.date) else value.isoformat()])
        meta.sheet_state = "hidden"
    out.parent.mkdir(parents=True, exist_ok=True)
    wb.save(out)
    return out


def _as_date(value: object) -> dt.date | None:
    """A date cell value from a date or an ISO date text; None for anything else (left as it is)."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str) and len(value) == 10:
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            return None
    return None
