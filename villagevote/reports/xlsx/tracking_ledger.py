"""The 践诺台账 workbook (issue 17 item 6): the columns of the printed ledger, split and typed for a spreadsheet —
numbers as numbers (权重, 基数, 目标; 进度 a fraction shown "0%"), dates as dates, text as text — a title row, the
header row frozen, a filter on every column, A4 landscape print setup. No ID numbers.
"""
from __future__ import annotations

from decimal import Decimal
from pathlib import Path

from openpyxl import Workbook
from openpyxl.utils import get_column_letter

from villagevote.i18n import tr
from villagevote.reports.xlsx.base import save, set_metadata, write_table
from villagevote.tracking.print_data import LedgerPrint

__all__ = ["LEDGER_COLUMNS", "ledger_workbook"]

# (header, width)
LEDGER_COLUMNS: list[tuple[str, float]] = [
    (tr("编号"), 16), (tr("村"), 10), (tr("责任人"), 10), (tr("职务"), 14), (tr("承诺事项"), 36), (tr("来源"), 12),
    (tr("类别"), 10), (tr("类型"), 8), (tr("基数"), 8), (tr("目标"), 8), (tr("单位"), 6), (tr("目标说明"), 24),
    (tr("权重"), 6), (tr("开始"), 11), (tr("时限"), 11), (tr("延期后时限"), 11), (tr("进度"), 7), (tr("状态"), 10),
    (tr("督办（级别/限期）"), 22), (tr("最近报告"), 10), (tr("最近报告日期"), 11), (tr("报结日"), 11),
    (tr("销号日"), 11), (tr("验收人"), 10),
]
PROGRESS_COLUMN = [h for h, _ in LEDGER_COLUMNS].index(tr("进度")) + 1
PERCENT_WHOLE = "0%"


def ledger_workbook(out: Path | str, data: LedgerPrint, *, title: str) -> Path:
    wb = Workbook()
    ws = wb.active
    ws.title = tr("践诺台账")
    rows = []
    for _, lines in data.groups:
        for ln in lines:
            rows.append([ln.ledger_no, ln.village, ln.owner_name, ln.owner_post, ln.title, ln.source,
                         ln.category_name, ln.kind, ln.baseline, ln.target_value, ln.unit, ln.goal, ln.weight,
                         ln.starts_on, ln.deadline, ln.deadline_current, Decimal(ln.percent) / 100,
                         ln.status.replace("\n", ""), ln.supervision,
                         ln.last_report, ln.last_report_on, ln.reported_done_on, ln.closed_on, ln.closed_by])
    write_table(ws, [h for h, _ in LEDGER_COLUMNS], rows, title=title, widths=[w for _, w in LEDGER_COLUMNS])
    for r in range(3, 3 + len(rows)):
        ws.cell(row=r, column=PROGRESS_COLUMN).number_format = PERCENT_WHOLE
    ws.auto_filter.ref = f"A2:{get_column_letter(len(LEDGER_COLUMNS))}{2 + len(rows)}"
    set_metadata(wb, {"kind": "tracking-ledger", "as_of": data.as_of.isoformat(),
                      "township": data.heading.township, "village": data.heading.village or ""})
    return save(wb, out)
