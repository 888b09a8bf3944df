"""践诺台账 (tracking.md A7): every commitment of a village or of the township on landscape A4, grouped by village
(township items last) with a running head "践诺台账　青溪村（续）" on continuation pages, the columns of A7, the
status of the day (逾期 past the current deadline, 临期 within the warning days), the 填表人 / 审核人 / 日期 footer and
"第 N 页 共 M 页". 一点一策 children follow their parent, indented. No ID numbers; black and white.
"""
from __future__ import annotations

import datetime as dt
from collections import Counter
from pathlib import Path

from reportlab.platypus import Flowable

from villagevote.i18n import tr
from villagevote.reports.pdf.tracking_common import (
    build_tracking_pdf,
    date_cell,
    date_lines,
    fitted_widths,
    footer_text,
    frame_width,
    group_block,
    ledger_no_lines,
    table_chunks,
    title_block,
)
from villagevote.tracking.print_data import LedgerLine, LedgerPrint

__all__ = ["LEDGER_HEADERS", "ledger_cells", "ledger_pdf", "ledger_title"]

LEDGER_HEADERS = [tr("编号"), tr("村"), tr("责任人\n（职务）"), tr("承诺事项"), tr("类别"), tr("基数→目标\n（单位）"),
                  tr("权重"), tr("开始"), tr("时限\n（延期后）"), tr("进度\n%"), tr("状态"), tr("督办\n级别/限期"),
                  tr("最近\n报告"), tr("报结日"), tr("销号日\n验收人")]


def _weight(line: LedgerLine) -> str:
    return format(line.weight.normalize(), "f")


# per column: mm (free text, wraps), a sample of the widest value (fitted), None: 承诺事项 takes the rest
LEDGER_WIDTHS: list[float | str | None] = ["2027-001", "青溪村", 17, None, "竞职承诺", 26, "权重", "12月31日",
                                           "12月31日", "100", "已销号", "县级督办", "2027-W20", "12月31日",
                                           "12月31日"]
PADDING = 2
PLAIN = (6, 7, 8, 9, 12, 13)  # 权重, 开始, 时限, 进度, 最近报告, 报结日: numbers and dates (drawn as strings)


def _deadline(line: LedgerLine) -> str:
    text = date_lines(line.deadline)
    if line.deadline_current is not None and line.deadline_current != line.deadline:
        text = (text + "\n" if text else "") + tr("延至") + "\n" + date_lines(line.deadline_current)
    return text


def ledger_cells(line: LedgerLine) -> list[str]:
    """The 15 cells of a row as printed (the workbook writes the same columns typed)."""
    owner = line.owner_name + (f"\n（{line.owner_post}）" if line.owner_post else "")
    title = (tr("　└ {t}").format(t=line.title)) if line.is_child else line.title
    closed = "\n".join(x for x in (date_lines(line.closed_on), line.closed_by) if x)
    last = line.last_report  # the ISO week (2027-W19) or 未报; the date is on the item's timeline
    supervision = line.supervision.replace("，", "\n", 1)  # 县级督办 / 限2027年6月30日
    return [ledger_no_lines(line.ledger_no), line.village, owner, title, line.category, line.target, _weight(line),
            date_lines(line.starts_on), _deadline(line), str(line.percent), line.status, supervision, last,
            date_lines(line.reported_done_on), closed]


def ledger_title(data: LedgerPrint) -> str:
    title = tr("{where}践诺台账").format(where=data.heading.village or data.heading.township)
    return tr("{t}（{scope}）").format(t=title, scope=data.scope) if data.scope else title


def _summary(lines: list[LedgerLine]) -> str:
    counts = Counter(ln.status.split("\n")[0] for ln in lines)
    parts = "，".join(f"{k}{v}项" for k, v in counts.most_common())
    supervised = sum(1 for ln in lines if ln.supervision)
    text = tr("共{n}项：{parts}").format(n=len(lines), parts=parts)
    if supervised:
        text += tr("；挂牌督办{n}项").format(n=supervised)
    return text


def ledger_pdf(out: Path | str, data: LedgerPrint, *, preparer: str, printed_on: dt.date) -> Path:
    title = ledger_title(data)
    width = frame_width(True)
    all_lines = [ln for _, lines in data.groups for ln in lines]
    # an empty cell goes in as an empty list of flowables: nothing to draw, where an empty string still costs a text
    # object (a township has some 3,000); the 编号 column is never empty, so the rows keep their heights
    rows: list[list[object]] = [[cell or [] for cell in ledger_cells(ln)] for ln in all_lines]
    widths = fitted_widths(LEDGER_HEADERS, LEDGER_WIDTHS, width, padding=PADDING)
    head = data.heading
    story: list[Flowable] = title_block(title, [
        tr("乡镇：{t}　　届次：{term}　　截至：{day}").format(
            t=head.township, term=head.term or head.cycle_name, day=date_cell(data.as_of)),
        _summary(all_lines)])
    start = 0
    for group, lines in data.groups:
        chunk = rows[start:start + len(lines)]
        start += len(lines)
        story.extend(group_block(title, group, tr("{g}（{n}项）").format(g=group, n=len(lines))
                                 if len(data.groups) > 1 or head.village is None else None,
                                 table_chunks(LEDGER_HEADERS, chunk, width, widths=widths, padding=PADDING, plain=PLAIN,
                                              left=(3,))))
    return build_tracking_pdf(out, story, title=title, footer=footer_text(preparer, printed_on))
