"""Voter-register workbooks: the blank import template and the register export (write-only mode: 50,000 rows in
seconds). ID numbers are written as text so Excel cannot turn them into numbers."""
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

__all__ = ["EXPORT_HEADERS", "TEMPLATE_HEADERS", "export_voters_xlsx", "voter_template_xlsx"]

TEMPLATE_HEADERS = (tr("姓名"), tr("身份证号"), tr("性别"), tr("出生日期"), tr("村民小组"), tr("类别"),
                    tr("剥夺政治权利"), tr("联系电话"), tr("备注"))
EXPORT_HEADERS = (tr("村"), tr("村民小组"), tr("姓名"), tr("性别"), tr("出生日期"), tr("选举日年龄"), tr("身份证号"),
                  tr("登记类别"), tr("状态"), tr("有选举权"), tr("说明"))
_HEADER_FONT = Font(name="宋体", bold=True, size=11)
_FILL = PatternFill("solid", fgColor="DDEBF7")


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
    for row in range(3, 3003):
        ws.cell(row=row, column=2).number_format = "@"
        ws.cell(row=row, column=4).number_format = "yyyy-mm-dd"
    gender = DataValidation(type="list", formula1='"男,女"', allow_blank=True)
    category = DataValidation(type="list", allow_blank=True,
                              formula1='"户籍在本村并居住,户籍在本村不在本村居住,户籍不在本村居住一年以上"')
    deprived = DataValidation(type="list", formula1='"是,否"', allow_blank=True)
    for dv, letter in ((gender, "C"), (category, "F"), (deprived, "G")):
        ws.add_data_validation(dv)
        dv.add(f"{letter}3:{letter}3002")
    if groups:
        group_dv = DataValidation(type="list", formula1='"' + ",".join(groups) + '"', allow_blank=True)
        ws.add_data_validation(group_dv)
        group_dv.add("E3:E3002")
    ws.freeze_panes = "A3"
    notes = wb.create_sheet(tr("填表说明"))
    for i, line in enumerate((
            tr("1. 每行一位选民；表头在第2行，请勿改动表头文字（改动后导入时可手动对应各列）。"),
            tr("2. 身份证号填18位；有身份证号时出生日期和性别可不填，由号码推算并核对。"),
            tr("3. 出生日期可写 2001-03-05、2001/3/5、2001.3.5、20010305 或 2001年3月5日。"),
            tr("4. 类别：户籍在本村并居住；户籍在本村不在本村居住（本人表示参加选举）；户籍不在本村居住一年以上（本人申请，经村民会议或村民代表会议同意）。空白按第一类。"),
            tr("5. 导入时整份文件一次写入：任何一行有错，都不会导入，并列出所有出错的行。")), start=1):
        notes.cell(row=i, column=1, value=line)
    notes.column_dimensions["A"].width = 120
    out.parent.mkdir(parents=True, exist_ok=True)
    wb.save(out)
    return out


def export_voters_xlsx(rows: Iterable[Sequence[object]], out: Path | str, *, title: str = "",
                       metadata: dict[str, object] | None = None) -> Path:
    """Write register rows (EXPORT_HEADERS order) in write-only mode; the ID column is text."""
    out = Path(out)
    wb = Workbook(write_only=True)
    ws = wb.create_sheet(tr("选民名单"))
    for letter, width in zip("ABCDEFGHIJK", (12, 14, 12, 6, 12, 10, 22, 22, 10, 10, 40)):
        ws.column_dimensions[letter].width = width
    ws.freeze_panes = "A3" if title else "A2"
    if title:
        cell = WriteOnlyCell(ws, value=title)
        cell.font = Font(name="黑体", bold=True, size=14)
        ws.append([cell])
    header = []
    for text in EXPORT_HEADERS:
        cell = WriteOnlyCell(ws, value=text)
        cell.font, cell.fill = _HEADER_FONT, _FILL
        header.append(cell)
    ws.append(header)
    for row in rows:
        values = list(row)
        id_cell = WriteOnlyCell(ws, value=values[6])
        id_cell.number_format = "@"
        values[6] = id_cell
        ws.append(values)
    if metadata:
        meta = wb.create_sheet("_meta")
        for key, value in metadata.items():
            meta.append([key, value if not isinstance(value, dt.date) else value.isoformat()])
        meta.sheet_state = "hidden"
    out.parent.mkdir(parents=True, exist_ok=True)
    wb.save(out)
    return out
