"""The monthly forms of 践诺跟踪 (tracking.md A3 "每月一查一比", A7):

- 月查月比表: one row per village — 村, 挂号, 本月新增, 累计报结, 累计销号, 逾期, 督办, 销号率, 周报及时率, 月查得分,
  环比, 名次 — a 合计 row, how each figure is counted, and a bar chart of 销号率 per village;
- 销号备案表: the items 销号 in the month — 编号, 村, 事项, 挂号日, 报结日, 销号日, 验收人, 佐证数 — sent each month to
  the 市委组织部 for 备案, with the 填表人 / 审核人 lines and the township Party committee's seal and date kept with the
  last rows ("销号情况每月一次报市委组织部备案").

Landscape A4 for the comparison, portrait for the register; the 填表人 / 审核人 / 日期 footer and page numbers.
"""
from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

from reportlab.lib.units import mm
from reportlab.platypus import Flowable, KeepTogether, Spacer

from villagevote.i18n import tr
from villagevote.reports.pdf.base import closing_block, column_widths, continuation, styles
from villagevote.reports.pdf.text import para
from villagevote.reports.pdf.tracking_charts import bar_chart
from villagevote.reports.pdf.tracking_common import (
    build_tracking_pdf,
    date_cell,
    date_lines,
    fitted_widths,
    footer_text,
    frame_width,
    ledger_no_lines,
    signature_row,
    table_chunks,
    title_block,
)
from villagevote.tracking.print_data import ClosurePrint, MonthlyLine, MonthlyPrint, month_label, percent_text

__all__ = ["CLOSURE_HEADERS", "MONTHLY_HEADERS", "closure_register_pdf", "monthly_comparison_pdf"]

MONTHLY_HEADERS = [tr("村"), tr("挂号"), tr("本月\n新增"), tr("累计\n报结"), tr("累计\n销号"), tr("逾期"), tr("督办"),
                   tr("销号率"), tr("周报\n及时率"), tr("月查\n得分"), tr("环比\n（百分点）"), tr("月比\n得分"),
                   tr("名次")]
CLOSURE_HEADERS = [tr("序号"), tr("编号"), tr("村"), tr("事项"), tr("挂号日"), tr("报结日"), tr("销号日"), tr("验收人"),
                   tr("佐证数")]

# per column: a sample of the widest value (fitted), mm (wraps), None: 事项 takes the rest of the portrait width
CLOSURE_WIDTHS: list[float | str | None] = ["序号", "2027-001", "青溪村", None, "12月31日", "12月31日", "12月31日",
                                            "欧阳晓明", "佐证数"]
CLOSURE_PADDING = 3


def _change(value: Decimal | None) -> str:
    if value is None:
        return "—"
    if value > 0:
        return f"+{value}"
    return str(value)


def _row(ln: MonthlyLine) -> list[str]:
    return [ln.village, str(ln.registered), str(ln.new), str(ln.reported_done), str(ln.closed), str(ln.overdue),
            str(ln.supervised), percent_text(ln.closure_rate), percent_text(ln.report_rate),
            "—" if ln.inspection_score is None else str(ln.inspection_score), _change(ln.change),
            "—" if ln.score is None else str(ln.score), "—" if ln.rank is None else str(ln.rank)]


def monthly_comparison_pdf(out: Path | str, data: MonthlyPrint, *, preparer: str, printed_on: dt.date) -> Path:
    st = styles()
    head = data.heading
    where = head.village or head.township
    title = tr("{where}践诺事项月查月比表").format(where=where)
    width = frame_width(True)
    rows = [_row(ln) for ln in data.lines]
    if head.village is None:
        rows.append(_row(data.total))
    widths = column_widths([MONTHLY_HEADERS, *rows], width)
    story: list[Flowable] = title_block(title, [
        tr("乡镇：{t}　　届次：{term}　　月份：{m}（{a}至{b}）").format(
            t=head.township, term=head.term or head.cycle_name, m=month_label(data.month), a=date_cell(data.first),
            b=date_cell(data.last))])
    story.append(continuation(title, month_label(data.month)))
    story.extend(table_chunks(MONTHLY_HEADERS, rows, width, widths=widths, plain=range(1, 13), vpad=2))
    note = para(tr(
        "说明：挂号、累计报结、累计销号均计至月末，撤销的事项不计；逾期指月末已过当前时限（含批准延期）而未报结、未销号的事项；"
        "督办指月末尚未解除的挂牌督办；销号率＝累计销号÷挂号；周报及时率＝按时报送的周报÷应报周报（本月各周）；"
        "月查得分取本月月查记录的平均分；环比为销号率较上月增减的百分点；月比得分按季度排名办法计算本月得分，名次按月比得分排列，"
        "相同者并列。"), st["small"])
    story.append(Spacer(1, 2 * mm))
    if len(data.lines) > 1:  # the note and the chart move together (the note is never split across pages)
        chart = bar_chart([ln.village for ln in data.lines], [ln.closure_rate for ln in data.lines],
                          width=width, height=70 * mm, title=tr("{m}各村销号率").format(m=month_label(data.month)),
                          suffix="%", top=Decimal(100))
        story.append(KeepTogether([note, Spacer(1, 3 * mm), chart]))
    else:
        story.append(KeepTogether([note]))
    return build_tracking_pdf(out, story, title=title, footer=footer_text(preparer, printed_on))


def closure_register_pdf(out: Path | str, data: ClosurePrint, *, preparer: str, printed_on: dt.date) -> Path:
    head = data.heading
    where = head.village or head.township
    title = tr("{where}村干部践诺事项销号备案表").format(where=where)
    width = frame_width(False)
    rows = [[str(i), ledger_no_lines(ln.ledger_no), ln.village, ln.title, date_lines(ln.registered_on),
             date_lines(ln.reported_done_on), date_lines(ln.closed_on), ln.closed_by, str(ln.evidence)]
            for i, ln in enumerate(data.lines, start=1)]
    widths = fitted_widths(CLOSURE_HEADERS, CLOSURE_WIDTHS, width, padding=CLOSURE_PADDING)
    story: list[Flowable] = title_block(title, [
        tr("报送：市委组织部"),
        tr("填报单位：中共{t}委员会　　届次：{term}　　月份：{m}").format(
            t=head.township, term=head.term or head.cycle_name, m=month_label(data.month)),
        tr("本月销号{n}项，均经乡镇验收（验收人与报结录入人不同），佐证材料已存档备查。").format(n=len(data.lines))])
    story.append(continuation(title, month_label(data.month)))
    story.extend(table_chunks(CLOSURE_HEADERS, rows, width, widths=widths, padding=CLOSURE_PADDING,
                              plain=(0, 4, 5, 6, 8), left=(3,)))
    story.append(Spacer(1, 6 * mm))
    story.append(closing_block(signature_row([tr("乡镇党委负责人（签字）")], width,
                                             seal=tr("中共{t}委员会").format(t=head.township), day=printed_on)))
    return build_tracking_pdf(out, story, title=title, footer=footer_text(preparer, printed_on),
                              landscape_pages=False)
