"""辞职承诺触发告知书 (issue 18 item 4 and 7, tracking.md A5): one notice per fired 辞职承诺 trigger, portrait A4, black and
white — the addressee, the clause of the 辞职承诺 the cadre signed (quoted), the trigger with the facts and the records
it rests on, the township Party committee's decision number once confirmed, the deadline to answer, the issuer's seal
line; then a dashed cut line and the 送达回执 (signature of receipt, the answer chosen, date), which moves whole to the
next page when it does not fit. One document per notice (page numbers restart)."""
from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from reportlab.lib import colors
from reportlab.lib.units import mm
from reportlab.platypus import Flowable, KeepTogether, Spacer, Table, TableStyle

from villagevote.evaluation.queries import TriggerNotice
from villagevote.i18n import tr
from villagevote.reports.pdf.base import cn_date, documents, styles
from villagevote.reports.pdf.text import para
from villagevote.reports.pdf.tracking_common import build_tracking_pdf, frame_width
from villagevote.reports.pdf.tracking_supervision import CutLine

__all__ = ["NoticeSheet", "resignation_notice_pdf"]


@dataclass(frozen=True)
class NoticeSheet:
    township: str
    term: str
    notice: TriggerNotice
    trigger_label: str       # 年度评议不合格
    respond_days: int        # the days to answer, from receipt (setting)
    respond_by: dt.date | None   # decided_on + respond_days when decided


def _grid(rows: list[list[object]], widths: list[float], heights: list[float | None] | None = None) -> Table:
    table = Table(rows, colWidths=widths, rowHeights=heights)
    table.setStyle(TableStyle([("GRID", (0, 0), (-1, -1), 0.5, colors.black), ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                               ("TOPPADDING", (0, 0), (-1, -1), 4), ("BOTTOMPADDING", (0, 0), (-1, -1), 4)]))
    return table


def _story(sheet: NoticeSheet, width: float) -> list[Flowable]:
    st = styles()
    n = sheet.notice
    cell, label = st["cell"], st["cell_center"]
    why = n.why.replace(f"（{n.code}）", "")   # the trigger's code is for the program, not the reader
    issuer = tr("中共{t}委员会").format(t=sheet.township) if sheet.township else tr("乡镇党委")
    number = tr("告知编号：辞诺〔{y}〕{id}号").format(y=(n.decided_on or n.raised_on).year, id=n.flag_id)
    signed = (tr("你于{d}签署的《辞职承诺书》中承诺").format(d=cn_date(n.pledge_signed_on)) if n.pledge_signed_on
              else tr("你在任职时作出的辞职承诺中承诺"))
    decided = (tr("经乡镇党委研究（{no}），").format(no=n.decision_no) if n.decision_no else "")
    deadline = tr("{days}日内").format(days=sheet.respond_days)
    if sheet.respond_by is not None:
        deadline += tr("（{d}前）").format(d=cn_date(sheet.respond_by))
    story: list[Flowable] = [
        para(tr("辞职承诺触发告知书"), st["title"]),
        para(number, st["right"]),
        Spacer(1, 2 * mm),
        para(tr("{name}同志：").format(name=n.name), st["body_noindent"]),
        para(tr("{signed}：“{text}”。").format(signed=signed, text=n.pledged_text), st["body"]),
        para(tr("经核查，{why}。{decided}现将有关情况告知你。请你自收到本告知书之日起{deadline}，"
                "向乡镇党委作出书面答复：按承诺提出辞职，或书面说明情况。逾期不答复的，视为拒不履行辞职承诺，"
                "记入本人任期践诺档案，并在下一届换届选举资格审查中按有关规定处理。").format(
            why=why.rstrip("。"), decided=decided, deadline=deadline), st["body"]),
        Spacer(1, 3 * mm),
    ]
    w1 = 28 * mm
    half = (width - 2 * w1) / 2
    rows: list[list[object]] = [
        [para(tr("姓名"), label), para(n.name, cell), para(tr("村"), label), para(n.village, cell)],
        [para(tr("职务"), label), para(n.post or "—", cell), para(tr("届次"), label), para(sheet.term or n.cycle_name, cell)],
        [para(tr("承诺签署"), label), para(cn_date(n.pledge_signed_on) or tr("未签署"), cell), para(tr("提出日期"), label),
         para(cn_date(n.raised_on), cell)],
        [para(tr("触发情形"), label), para(sheet.trigger_label, cell), "", ""],
        [para(tr("事实与记录"), label), para(why, cell), "", ""],
        [para(tr("决定文号"), label), para(n.decision_no or tr("（待乡镇党委确认）"), cell), para(tr("决定日期"), label),
         para(cn_date(n.decided_on) or "—", cell)],
    ]
    table = _grid(rows, [w1, half, w1, half])
    table.setStyle(TableStyle([("SPAN", (1, r), (3, r)) for r in (3, 4)]))
    story += [table, Spacer(1, 8 * mm),
              para(tr("{issuer}（盖章）").format(issuer=issuer), st["right"]),
              para(cn_date(n.decided_on) if n.decided_on else tr("______年____月____日"), st["right"]),
              Spacer(1, 4 * mm)]
    receipt: list[Flowable] = [
        CutLine(tr("（沿此线剪开）")),
        Spacer(1, 2 * mm),
        para(tr("送达回执"), st["subtitle"]),
        _grid([
            [para(tr("告知编号"), label), para(number.split("：", 1)[-1], cell), para(tr("被告知人"), label),
             para(n.name, cell)],
            [para(tr("答复意向"), label), para(tr("□ 按承诺辞职　　□ 书面说明情况"), cell), "", ""],
            [para(tr("签收人"), label), "", para(tr("签收日期"), label), para(tr("____年__月__日"), cell)],
            [para(tr("送达人"), label), "", para(tr("送达方式"), label), para(tr("□ 直接送达　□ 留置送达"), cell)],
        ], [w1, half, w1, half], [None, None, 12 * mm, 12 * mm]),
        Spacer(1, 2 * mm),
        para(tr("本回执由送达人带回，交乡镇党委组织办存档。"), st["small"]),
    ]
    receipt_table = receipt[3]
    assert isinstance(receipt_table, Table)
    receipt_table.setStyle(TableStyle([("SPAN", (1, 1), (3, 1))]))
    story.append(KeepTogether(receipt))
    return story


def resignation_notice_pdf(out: Path | str, sheets: Sequence[NoticeSheet]) -> Path:
    width = frame_width(False)
    story = documents(_story(s, width) for s in sheets)
    return build_tracking_pdf(out, story, title=tr("辞职承诺触发告知书"), landscape_pages=False)
