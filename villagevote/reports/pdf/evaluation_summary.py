"""年度述职评议汇总 (issue 18 item 7, tracking.md A7): one row per cadre in office in the year — 村, 姓名, 职务, 民评,
镇评, 践诺率, 综合分, 等次, 触发情形, 乡镇党委意见 — for a village or the whole township, landscape A4, black and white,
with the 填表人 / 审核人 / 日期 footer and the township Party committee's seal line at the end."""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from reportlab.lib.units import mm
from reportlab.platypus import Flowable, Spacer

from villagevote.evaluation.queries import SummaryRow
from villagevote.i18n import tr
from villagevote.reports.pdf.base import closing_block, cn_date, styles
from villagevote.reports.pdf.text import para
from villagevote.reports.pdf.tracking_common import (
    build_tracking_pdf,
    fitted_widths,
    frame_width,
    table_chunks,
    title_block,
)

__all__ = ["AnnualSummary", "summary_pdf"]


@dataclass(frozen=True)
class AnnualSummary:
    township: str
    term: str
    year: int
    scope: str            # 全乡镇 or the village's name
    rows: Sequence[SummaryRow]
    weights_text: str     # 综合分 = 民评×50% + 镇评×30% + 践诺率×20%


HEADER = ["序号", "村", "姓名", "职务", "民评", "镇评", "践诺率\n(%)", "综合分", "等次", "触发情形", "乡镇党委意见"]


def summary_pdf(out: Path | str, summary: AnnualSummary, *, footer: str = "", printed_on: object = None) -> Path:
    width = frame_width(True)
    st = styles()
    header = [tr(h) for h in HEADER]
    rows = []
    for i, r in enumerate(summary.rows, 1):
        rows.append([str(i), r.village, r.name, r.post, r.people_grade or "—", r.township_grade or "—",
                     r.rate_text or "—", f"{r.score}" if r.score is not None else "—", r.grade or "—",
                     "；".join(r.triggers) or tr("无"), r.opinion or ""])
    widths = fitted_widths(header, ["10", 18, "陶斌明", 22, "基本称职", "基本称职", "100.0", "100.00", "基本称职", 48, None],
                           width)
    story: list[Flowable] = [*title_block(tr("{year}年度村干部述职述诺评议汇总表").format(year=summary.year), [
        tr("{township}　{term}　范围：{scope}").format(township=summary.township, term=summary.term,
                                                   scope=summary.scope)])]
    story += table_chunks(header, rows, width, widths=widths, plain={0, 6, 7}, left={9, 10})
    story.append(Spacer(1, 2 * mm))
    story.append(closing_block(
        para(tr("说明：民评、镇评为当年已确认的村述民评、村述镇评等次；践诺率截至当年年底；{w}。触发情形为辞职承诺情形，"
                "标“已免责”的已列入保护清单。").format(w=summary.weights_text), st["small"]),
        Spacer(1, 6 * mm),
        para(tr("中共{t}委员会（盖章）").format(t=summary.township), st["right"]),
        para(cn_date(printed_on) if printed_on else tr("______年____月____日"), st["right"])))  # type: ignore[arg-type]
    return build_tracking_pdf(out, story, title=tr("年度述职评议汇总"), footer=footer)
