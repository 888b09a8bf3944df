"""周报汇总 and 周报缺报清单 (tracking.md A3 "每周一报", A7): the reports of one ISO week grouped by village, with the
columns 周次, 村, 编号, 本周进展, 累计值/%, 问题, 下周计划, 报告人, 按时; and the items that owed a report that week and
have none, each marked 未报. Landscape A4, the 填表人 / 审核人 / 日期 footer, running heads per village.
"""
from __future__ import annotations

import datetime as dt
from pathlib import Path

from reportlab.platypus import Flowable

from villagevote.i18n import tr
from villagevote.reports.pdf.tracking_common import (
    build_tracking_pdf,
    date_cell,
    fitted_widths,
    footer_text,
    frame_width,
    group_block,
    ledger_no_lines,
    table_chunks,
    title_block,
)
from villagevote.tracking.print_data import MissingPrint, WeeklyPrint, percent_text, rate, week_label

__all__ = ["MISSING_HEADERS", "WEEKLY_HEADERS", "weekly_missing_pdf", "weekly_summary_pdf"]

WEEKLY_HEADERS = [tr("周次"), tr("村"), tr("编号"), tr("承诺事项"), tr("本周进展"), tr("累计值/%"), tr("问题"),
                  tr("下周计划"), tr("报告人"), tr("按时")]
MISSING_HEADERS = [tr("周次"), tr("村"), tr("编号"), tr("承诺事项"), tr("责任人（职务）"), tr("上次报告"), tr("时限"),
                   tr("本周")]

# per column: a sample of the widest value (fitted), mm (free text, wraps), None: 承诺事项 takes the rest
WEEKLY_WIDTHS: list[float | str | None] = ["2027-W20", "青溪村", "2027-001", None, 44, "12.5（公里）", 28, 28, 16,
                                           "按时"]
MISSING_WIDTHS: list[float | str | None] = ["2027-W20", "青溪村", "2027-001", None, 34, "从未报告", "2027年12月31日",
                                            "本周"]


def _where(village: str | None, township: str) -> str:
    return village or township


def _period_line(week: str, monday: dt.date, sunday: dt.date) -> str:
    return tr("周次：{label}（{week}，{a}至{b}）").format(label=week_label(week), week=week, a=date_cell(monday),
                                                       b=date_cell(sunday))


def weekly_summary_pdf(out: Path | str, data: WeeklyPrint, *, preparer: str, printed_on: dt.date) -> Path:
    head = data.heading
    title = tr("{where}践诺事项周报汇总").format(where=_where(head.village, head.township))
    width = frame_width(True)
    rows_by_group = [[[data.week, ln.village, ledger_no_lines(ln.ledger_no), ln.title, ln.progress, ln.cumulative,
                       ln.problems,
                       ln.next_plan, ln.reported_by, tr("是") if ln.on_time else tr("否")] for ln in lines]
                     for _, lines in data.groups]
    widths = fitted_widths(WEEKLY_HEADERS, WEEKLY_WIDTHS, width)
    reported = sum(len(lines) for _, lines in data.groups)
    story: list[Flowable] = title_block(title, [
        tr("乡镇：{t}　　届次：{term}").format(t=head.township, term=head.term or head.cycle_name),
        _period_line(data.week, data.monday, data.sunday),
        tr("本周应报{due}项，已报{got}项（其中按时{ok}项），未报{miss}项；报送率{r}，按时率{t}。").format(
            due=data.due, got=data.reported, ok=data.on_time, miss=data.missing, r=percent_text(
                rate(data.reported, data.due)), t=percent_text(rate(data.on_time, reported)))])
    for (group, lines), rows in zip(data.groups, rows_by_group, strict=True):
        story.extend(group_block(title, group, tr("{g}（{n}份）").format(g=group, n=len(lines))
                                 if len(data.groups) > 1 or head.village is None else None,
                                 table_chunks(WEEKLY_HEADERS, rows, width, widths=widths, plain=(0, 5, 9),
                                              left=(3, 4, 6, 7))))
    return build_tracking_pdf(out, story, title=title, footer=footer_text(preparer, printed_on))


def weekly_missing_pdf(out: Path | str, data: MissingPrint, *, preparer: str, printed_on: dt.date) -> Path:
    head = data.heading
    title = tr("{where}周报缺报清单").format(where=_where(head.village, head.township))
    width = frame_width(True)
    rows_by_group = [[[data.week, ln.village, ledger_no_lines(ln.ledger_no), ln.title,
                       ln.owner_name + (f"（{ln.owner_post}）" if ln.owner_post else ""), ln.last_report,
                       date_cell(ln.deadline), tr("未报")] for ln in lines] for _, lines in data.groups]
    widths = fitted_widths(MISSING_HEADERS, MISSING_WIDTHS, width)
    story: list[Flowable] = title_block(title, [
        tr("乡镇：{t}　　届次：{term}").format(t=head.township, term=head.term or head.cycle_name),
        _period_line(data.week, data.monday, data.sunday),
        tr("本周应报{due}项，未报{miss}项。请各村于下周一前补报，并说明未按时报送的原因。").format(
            due=data.due, miss=data.missing)])
    for (group, lines), rows in zip(data.groups, rows_by_group, strict=True):
        story.extend(group_block(title, group, tr("{g}（未报{n}项）").format(g=group, n=len(lines))
                                 if len(data.groups) > 1 or head.village is None else None,
                                 table_chunks(MISSING_HEADERS, rows, width, widths=widths, plain=(0, 5, 6, 7),
                                              left=(3,))))
    return build_tracking_pdf(out, story, title=title, footer=footer_text(preparer, printed_on))
