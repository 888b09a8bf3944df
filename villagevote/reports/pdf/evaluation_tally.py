"""评议结果统计表 (issue 18 item 7, tracking.md A7): one 评议 session's counts and the engine's result, landscape A4.

Above the table: the township, 届次, village, year, kind and meeting, date, 应到/实到 with the quorum rule, the ballots
issued and their numbers. The table: 序号, 姓名, 职务, 应到, 实到, 有效, for each choice of the scale its 票数 and %,
空白, 无效, 等次, 处理建议 (the engine's proposals). Under it: the shares are over valid ballots; the 监票人 / 计票人 with
their names and room to sign, 记录人, and who confirmed the result (or "未确认" while it is a preview). One document
per session.
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from reportlab.lib.units import mm
from reportlab.platypus import Flowable, Spacer, Table, TableStyle

from villagevote.evaluation.queries import SessionDetail
from villagevote.i18n import tr
from villagevote.reports.pdf.base import closing_block, cn_date, documents, styles
from villagevote.reports.pdf.text import para
from villagevote.reports.pdf.tracking_common import (
    build_tracking_pdf,
    fitted_widths,
    frame_width,
    table_chunks,
    title_block,
)

__all__ = ["TallySheet", "tally_pdf"]


@dataclass(frozen=True)
class TallySheet:
    township: str
    term: str             # 第十二届
    detail: SessionDetail


def _lines(t: TallySheet) -> list[str]:
    d = t.detail
    s = d.summary
    numbers = ""
    if d.first_ballot_no is not None and d.last_ballot_no is not None:
        numbers = tr("，编号 {a:06d}—{b:06d}").format(a=d.first_ballot_no, b=d.last_ballot_no)
    return [
        tr("{township}　{term}　{village}　{year}年度{kind}（{meeting}）　评议日期：{day}").format(
            township=t.township, term=t.term, village=s.village, year=s.year, kind=s.kind_label,
            meeting=s.meeting_label, day=cn_date(s.held_on) or tr("未填")),
        tr("{quorum}；发出评议票 {n} 张{numbers}。").format(quorum=d.quorum_text, n=s.ballots_issued, numbers=numbers),
    ]


def _story(t: TallySheet, width: float) -> list[Flowable]:
    d = t.detail
    s = d.summary
    st = styles()
    header = [tr("序号"), tr("姓名"), tr("职务"), tr("应到"), tr("实到"), tr("有效")]
    for choice in s.scale:
        header += [tr("{c}\n票数").format(c=choice), tr("{c}\n%").format(c=choice)]
    header += [tr("空白"), tr("无效"), tr("等次"), tr("处理建议")]
    rows = []
    for i, c in enumerate(d.counts, 1):
        row: list[object] = [str(i), c.name, c.post, str(s.due), str(s.present), str(c.valid)]
        for choice in s.scale:
            row += [str(c.counts.get(choice, 0)), c.percent.get(choice, "")]
        row += [str(c.blank), str(c.invalid), c.grade, "；".join(p.label for p in c.proposals) or tr("无")]
        rows.append(row)
    plain = {0, 3, 4, 5, *range(6, 6 + 2 * len(s.scale) + 2)}
    story: list[Flowable] = [*title_block(tr("评议结果统计表"), _lines(t))]
    spec: list[float | str | None] = ["10", "欧阳孔宇", "副主任", "100", "100", "100"]
    spec += ["100", "100.0"] * len(s.scale)
    spec += ["10", "10", "基本称职", None]
    widths = fitted_widths(header, spec, width)
    story += table_chunks(header, rows, width, widths=widths, plain=plain)
    story.append(Spacer(1, 2 * mm))
    state = (tr("本结果已由 {who} 审核确认。").format(who=s.confirmed_by) if s.confirmed
             else tr("本表为计票核对稿，结果尚未确认。"))
    notes = tr("说明：各档百分比以有效票为分母（空白票、无效票单列，不计入分母），保留一位小数。{state}").format(state=state)
    signers = Table([[para(tr("监票人：{n}　签字：__________").format(n=d.scrutineers or "________"),
                           st["body_noindent"]),
                      para(tr("计票人：{n}　签字：__________").format(n=d.counters or "________"), st["body_noindent"]),
                      para(tr("记录人：__________"), st["body_noindent"])]],
                    colWidths=[width * 0.4, width * 0.4, width * 0.2])
    signers.setStyle(TableStyle([("LEFTPADDING", (0, 0), (-1, -1), 0), ("TOPPADDING", (0, 0), (-1, -1), 6)]))
    story.append(closing_block(para(notes, st["small"]), Spacer(1, 4 * mm), signers,
                               para(tr("{township}（盖章）").format(township=t.township), st["right"]),
                               para(tr("______年____月____日"), st["right"])))
    return story


def tally_pdf(out: Path | str, sheets: Sequence[TallySheet], *, footer: str = "") -> Path:
    width = frame_width(True)
    story = documents(_story(t, width) for t in sheets)
    return build_tracking_pdf(out, story, title=tr("评议结果统计表"), footer=footer)
