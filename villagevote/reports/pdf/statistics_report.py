"""The printed 换届统计 (issue 19 item 6): the structure indicators of every village with the township's 合计 (the
three county tables T1–T3), the compliance warnings, the tracking figures of a quarter (T4) and the charts of the 概览
dashboard drawn with reportlab's graphics (the same :class:`~villagevote.statistics.dashboard.ChartSpec` list the
screen draws). Landscape A4, black and white, text ≥ 10 pt.

Indicators are rows and villages are columns (a county table has 60 indicators: as columns they would not fit a page);
many villages are split into column groups of :data:`VILLAGES_PER_TABLE`, the 合计 in the last one.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from pathlib import Path

from reportlab.graphics.shapes import Drawing, Line
from reportlab.lib import colors
from reportlab.lib.units import mm
from reportlab.platypus import CondPageBreak, Flowable, KeepTogether, Spacer, Table, TableStyle

from villagevote.i18n import tr
from villagevote.reports.pdf.base import cn_date, continuation, styles
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
from villagevote.statistics.catalog import TABLES, TOTAL, table_title
from villagevote.statistics.dashboard import ChartSpec, Dashboard
from villagevote.statistics.queries import StatsView

__all__ = ["VILLAGES_PER_TABLE", "statistics_report_pdf"]

VILLAGES_PER_TABLE = 9
LABEL_WIDTH = 62 * mm
GROUP_WIDTH = 24 * mm
CHART_HEIGHT = 62 * mm
CHARTS_SIDE_BY_SIDE = 8  # villages


def _tables(view: StatsView, keep: Sequence[str]) -> list[tuple[str, list[str]]]:
    """(table key, indicator codes) of the view's county tables, in order; tracking J05 rows only when not zero."""
    out: list[tuple[str, list[str]]] = []
    for key in TABLES:
        codes = [c.code for c in view.columns if c.table == key]
        if key == "T4":
            codes = [c for c in codes if not c.startswith("J05.")
                     or any(view.cells.get((v, c), "0") not in ("0", "—") for v in keep)]
        if codes:
            out.append((key, codes))
    return out


def _indicator_tables(view: StatsView, codes: Sequence[str], villages: Sequence[tuple[str, str]],
                      width: float) -> list[Flowable]:
    """Indicators as rows, the villages (and 合计) as columns, split into groups of columns."""
    titles = {c.code: c.title for c in view.columns}
    groups_of = {c.code: c.group for c in view.columns}
    groups = [list(villages[i:i + VILLAGES_PER_TABLE]) for i in range(0, len(villages), VILLAGES_PER_TABLE)] or [[]]
    groups[-1].append((TOTAL, tr("合计")))
    out: list[Flowable] = []
    for group in groups:
        header = [tr("类别"), tr("指标"), *(name for _c, name in group)]
        rows = [[groups_of[code] if i == 0 or groups_of[codes[i - 1]] != groups_of[code] else "", titles[code],
                 *(view.cells.get((v, code), "—") for v, _n in group)] for i, code in enumerate(codes)]
        other = min((width - LABEL_WIDTH - GROUP_WIDTH) / max(len(group), 1), 30 * mm)
        out.extend(table_chunks(header, rows, GROUP_WIDTH + LABEL_WIDTH + other * len(group),
                                widths=[GROUP_WIDTH, LABEL_WIDTH] + [other] * len(group),
                                plain=range(2, len(header)), left=(0, 1)))
        out.append(Spacer(1, 2 * mm))
    return out


def _chart(spec: ChartSpec, width: float) -> Drawing:
    drawing = bar_chart(list(spec.labels), list(spec.values), width=width, height=CHART_HEIGHT,
                        title=tr("各村{title}（全乡镇 {total}）").format(title=spec.title, total=spec.total),
                        suffix="%" if spec.percent else "", top=spec.top)
    if spec.line is not None and spec.top:
        # the chart's plot area as tracking_charts.bar_chart lays it out: x 40, y 30, height - 45 - title room
        plot_h = CHART_HEIGHT - 45 - 10 * 2
        y = 30 + plot_h * float(spec.line / spec.top)
        drawing.add(Line(40, y, width - 15, y, strokeColor=colors.black, strokeWidth=0.8, strokeDashArray=[3, 2]))
    return drawing


def _charts(charts: Sequence[ChartSpec], width: float) -> list[Flowable]:
    """Two charts a row; one a row across the page when there are more than :data:`CHARTS_SIDE_BY_SIDE` villages
    (the bars, their figures and the slanted names need the width)."""
    shown = [c for c in charts if not c.empty]
    if not shown:
        return [para(tr("暂无可画的数据。"), styles()["body_noindent"])]
    per_row = 2 if max(len(c.labels) for c in shown) <= CHARTS_SIDE_BY_SIDE else 1
    cell = (width - 6 * mm) / 2 if per_row == 2 else width - 6 * mm
    drawn = [_chart(c, cell) for c in shown]
    rows = [drawn[i:i + per_row] + [""] * (per_row - len(drawn[i:i + per_row]))
            for i in range(0, len(drawn), per_row)]
    out: list[Flowable] = []
    for row in rows:
        table = Table([row], colWidths=[cell + 3 * mm] * per_row)
        table.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP"), ("LEFTPADDING", (0, 0), (-1, -1), 0),
                                   ("RIGHTPADDING", (0, 0), (-1, -1), 0)]))
        out.append(KeepTogether([table, Spacer(1, 3 * mm)]))
    return out


def statistics_report_pdf(out: Path | str, data: Dashboard, *, printed_on: dt.date, preparer: str = "") -> Path:
    st = styles()
    width = frame_width(True)
    title = tr("{unit}村级组织换届统计").format(unit=data.township)
    scope = data.village or tr("全乡镇")
    story: list[Flowable] = title_block(title, [
        tr("届次：{cycle}　　范围：{scope}　　统计时点：{day}（年龄按该日足岁计算）").format(
            cycle=data.cycle, scope=scope, day=cn_date(dt.date.fromisoformat(data.stat_date))),
        tr("践诺跟踪统计期：{note}").format(note=data.period_note or data.period),
    ])
    villages = [(c, n) for c, n in data.structure.villages if c != TOTAL]
    if data.village is not None:
        villages = [(c, n) for c, n in villages if n == data.village] or villages
    keep = [c for c, _n in villages]

    number = iter(("一", "二", "三", "四", "五", "六", "七", "八"))
    if data.problems:
        story.append(para(tr("注意：以下数据相互矛盾，须先核对更正，否则不能报送——{p}").format(p="；".join(data.problems)),
                          st["body_noindent"]))
        story.append(Spacer(1, 2 * mm))
    for key, codes in _tables(data.structure, keep):
        head = tr("{n}、{table}").format(n=next(number), table=table_title(key))
        story.append(CondPageBreak(50 * mm))
        story.append(continuation(title, table_title(key)))
        story.append(para(head, st["heading"]))
        story.extend(_indicator_tables(data.structure, codes, villages, width))

    story.append(CondPageBreak(40 * mm))
    story.append(continuation(title, tr("合规提示")))
    story.append(para(tr("{n}、合规提示").format(n=next(number)), st["heading"]))
    if data.compliance:
        story.extend(table_chunks([tr("村"), tr("规定"), tr("本村情况")],
                                  [[r.village, r.text, r.figure] for r in data.compliance], width, left=(1, 2)))
    else:
        story.append(para(tr("各村均符合妇女成员、青年委员、党员代表和妇女代表比例、村委会职数的要求。"), st["body_noindent"]))
    story.append(Spacer(1, 3 * mm))

    for key, codes in _tables(data.tracking, keep):
        story.append(CondPageBreak(50 * mm))
        story.append(continuation(title, table_title(key)))
        story.append(para(tr("{n}、{table}（{period}）").format(n=next(number), table=table_title(key),
                                                            period=data.period), st["heading"]))
        story.extend(_indicator_tables(data.tracking, codes, villages, width))

    story.append(CondPageBreak(CHART_HEIGHT + 20 * mm))
    story.append(continuation(title, tr("图表")))
    story.append(para(tr("{n}、图表").format(n=next(number)), st["heading"]))
    story.extend(_charts(data.charts, width))
    notes = [*data.notes, tr("比例与平均数按分子、分母精确计算后四舍五入；合计由各村分子、分母重新汇总，不是各村比例的平均；"
                             "“—”表示没有可计算的基数；虚线为三分之一的要求")]
    story.append(para(tr("说明：{notes}。").format(notes="；".join(notes)), st["small"]))
    story.append(Spacer(1, 5 * mm))
    story.append(signature_row([tr("填表人"), tr("审核人")], width, seal=data.township, day=printed_on))
    return build_tracking_pdf(out, story, title=title, footer=footer_text(preparer, printed_on))
