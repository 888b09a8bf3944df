"""The printed 换届统计 summary of a frozen submission (issue 19 items 4 and 6, tracking.md §B4 "print the hash on the
cover that gets the seal"): the cover items with the 数据指纹 in groups of eight, the township's figures with the
fractions they come from and their denominators, the key figures per village with a 合计 row, the compliance sheet,
a bar chart per village, and the signature and seal block. Landscape A4, black and white, text ≥ 10 pt.
"""
from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

from reportlab.lib.units import mm
from reportlab.platypus import CondPageBreak, Flowable, KeepTogether, Spacer

from villagevote.i18n import tr
from villagevote.reports.pdf.base import closing_block, continuation, styles
from villagevote.reports.pdf.text import para
from villagevote.reports.pdf.tracking_charts import bar_chart
from villagevote.reports.pdf.tracking_common import (
    build_tracking_pdf,
    footer_text,
    frame_width,
    signature_row,
    table_chunks,
    title_block,
)
from villagevote.statistics.submissions import SubmissionPrint

__all__ = ["fingerprint_groups", "statistics_summary_pdf"]


def fingerprint_groups(sha256: str) -> str:
    """64 hex digits in eight groups of eight, easy to compare by eye with the file's fingerprint."""
    return " ".join(sha256[i:i + 8] for i in range(0, len(sha256), 8))


def statistics_summary_pdf(out: Path | str, data: SubmissionPrint, *, printed_on: dt.date) -> Path:
    st = styles()
    cover = data.cover
    width = frame_width(True)
    title = tr("{unit}{title}").format(unit=cover.unit_name, title=data.title)
    state = data.state_label + (tr("（生成后数据已变更）") if data.changed else "")
    story: list[Flowable] = title_block(title, [
        tr("报表代码：{code}　　模板版本：{version}　　统计时点：{period}　　区划代码：{unit}").format(
            code=cover.report_code, version=cover.template_version, period=cover.period, unit=cover.unit_code),
        tr("报送序号：{serial}　　状态：{state}　　报送日期：{day}").format(
            serial=cover.serial, state=state, day=cover.submitted_on or "—")
        + (tr("　　更正说明：{why}").format(why=cover.correction) if cover.correction else ""),
        tr("数据指纹（SHA-256）：{sha}").format(sha=fingerprint_groups(cover.sha256)),
    ])
    story.append(continuation(title, tr("报送序号 {n}").format(n=cover.serial)))

    story.append(para(tr("一、全乡镇指标"), st["heading"]))
    half = (len(data.totals) + 1) // 2
    header = [tr("指标"), tr("数值"), tr("分子 / 分母")] * 2
    rows: list[list[object]] = []
    for i in range(half):
        row: list[object] = []
        for t in (data.totals[i], data.totals[i + half] if i + half < len(data.totals) else None):
            row += [t.label, t.value, t.fraction or "—"] if t is not None else ["", "", ""]
        rows.append(row)
    label_w, value_w = 58 * mm, 18 * mm
    frac_w = width / 2 - label_w - value_w
    story.extend(table_chunks(header, rows, width, widths=[label_w, value_w, frac_w] * 2, plain=(1, 2, 4, 5),
                              left=(0, 3)))
    notes = "；".join(tr("{label}：{d}").format(label=t.label, d=t.denominator) for t in data.totals if t.denominator)
    if notes:
        story.append(Spacer(1, 1 * mm))
        story.append(para(tr("注：比例与平均数的分母——{notes}。合计由各村分子、分母重新汇总计算，不是各村比例的平均。").format(
            notes=notes), st["small"]))

    story.append(Spacer(1, 3 * mm))
    story.append(CondPageBreak(45 * mm))  # a heading never stands alone at the foot of a page
    story.append(para(tr("二、分村主要指标"), st["heading"]))
    header = [tr("村"), *data.columns]
    rows = [[name, *cells] for name, cells in data.villages]
    name_w = 24 * mm
    other_w = (width - name_w) / max(len(data.columns), 1)
    story.extend(table_chunks(header, rows, width, widths=[name_w] + [other_w] * len(data.columns),
                              plain=range(1, len(header))))

    if data.chart and len(data.chart) > 1:
        chart = bar_chart([name for name, _v in data.chart], [v for _n, v in data.chart], width=width,
                          height=70 * mm, title=data.chart_title, suffix="%", top=Decimal(100))
        story.append(Spacer(1, 3 * mm))
        story.append(KeepTogether([chart]))

    if data.title == tr("村级组织换届统计表"):
        story.append(Spacer(1, 3 * mm))
        story.append(CondPageBreak(35 * mm))
        story.append(para(tr("三、合规提示"), st["heading"]))
        if data.compliance:
            header = [tr("村"), tr("规定"), tr("本村情况")]
            story.extend(table_chunks(header, [list(r) for r in data.compliance], width, left=(1, 2)))
        else:
            story.append(para(tr("各村均符合妇女成员、青年委员、党员代表和妇女代表比例、村委会职数的要求。"), st["body_noindent"]))

    story.append(Spacer(1, 6 * mm))
    story.append(closing_block(
        para(tr("填表人：{a}　　审核人：{b}　　电话：{p}").format(a=cover.filled_by or "—", b=cover.reviewed_by or "—",
                                                        p=cover.phone or "—"), st["body_noindent"]),
        signature_row([tr("主要领导审定（签字）")], width, seal=cover.unit_name, day=printed_on)))
    return build_tracking_pdf(out, story, title=title, footer=footer_text(cover.filled_by, printed_on))
