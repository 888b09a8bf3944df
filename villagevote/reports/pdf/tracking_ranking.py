"""季度排名通报 (tracking.md A3 "每季一排名一通报", A7): 文号 and 期数, the circular's text, the ranking table from the
FROZEN snapshot — 名次, 村, 总分, 分项, 较上季 — with a bar chart of the totals ("不仅要有文字通报,还要有表格通报"),
the 红榜 and the 末位 villages (末位约谈 is proposed, never automatic), the cadres named in 姓氏笔画 order, the items
under 挂牌督办 and those overdue at the quarter's end; the issuer's seal line and date kept with the last lines.
Portrait A4, black and white, page numbers.
"""
from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

from reportlab.lib.units import mm
from reportlab.platypus import Flowable, KeepTogether, Paragraph, Spacer

from villagevote.i18n import tr
from villagevote.reports.pdf.base import closing_block, cn_date, column_widths, continuation, styles
from villagevote.reports.pdf.text import para
from villagevote.reports.pdf.tracking_charts import bar_chart
from villagevote.reports.pdf.tracking_common import build_tracking_pdf, date_lines, frame_width, table_chunks
from villagevote.tracking.print_data import RankingPrint, quarter_label

__all__ = ["ranking_circular_pdf"]

def _body(text: str) -> Paragraph:
    """A paragraph of the circular: an indented one (it began with ideographic spaces) or a flush one (the
    salutation 各村党组织、村民委员会：)."""
    st = styles()
    stripped = text.lstrip("\u3000 ")
    return para(stripped, st["body"] if stripped != text or not text.endswith("：") else st["body_noindent"])


def ranking_circular_pdf(out: Path | str, data: RankingPrint, *, printed_on: dt.date) -> Path:
    st = styles()
    head = data.heading
    width = frame_width(False)
    issuer = tr("中共{t}委员会").format(t=head.township) if head.township else tr("乡镇党委")
    banner = tr("村干部践诺工作通报")
    quarter = quarter_label(data.quarter)
    story: list[Flowable] = [
        para(banner, st["title"]),
        # the issue count unless the 文号 already numbers the issue (清河践诺通报〔2028〕4期)
        para(quarter if "期" in data.number else tr("{q}　第{n}期").format(q=quarter, n=data.issue), st["subtitle"]),
        para(data.number or tr("（文号待编）"), st["right"]),
        Spacer(1, 2 * mm),
        continuation(banner, quarter),
        para(data.title, st["subtitle"]),
    ]
    story += [_body(p) for p in data.body]
    if not data.drafted:  # the default introduction names neither the red list nor the last
        story.append(para(tr("红榜：{v}。").format(v="、".join(data.red) or tr("无")), st["body"]))
        story.append(para(tr("末位：{v}（拟由乡镇党委进行末位约谈，经确认后实施）。").format(
            v="、".join(data.bottom) or tr("无")), st["body"]))
    if data.cadres:
        story.append(para(tr("点名通报的村干部（按姓氏笔画排列）：{c}。").format(c="、".join(data.cadres)), st["body"]))

    header = [tr("名次"), tr("村"), tr("总分"), *data.part_labels, tr("较上季")]
    rows = [[(tr("否决") if ln.veto else ("" if ln.rank is None else str(ln.rank))), ln.village, ln.total, *ln.parts,
             ln.change] for ln in data.lines]
    story.append(para(tr("附表1　{q}各村践诺工作排名").format(q=quarter), st["heading"]))
    story += table_chunks(header, rows, width, widths=column_widths([header, *rows], width),
                          plain=[0, 2, *range(3, 3 + len(data.part_labels))])
    story.append(Spacer(1, 1 * mm))
    story += table_chunks([tr("红榜"), tr("末位（拟约谈）")],
                          [["、".join(data.red) or tr("无"), "、".join(data.bottom) or tr("无")]], width,
                          widths=[width / 2, width / 2])
    check = "" if data.intact else tr("注意：快照数据与其校验码不符，可能已被改动，请核对后再印发。")
    story.append(para(tr(
        "注：按第{v}版排名办法计分（分项为各项得分），分数保留两位小数，同分并列；一票否决的村列末位。排名取自{q}冻结的排名快照"
        "（第{s}次，校验码{d}），此后数据修改不影响本排名。{check}").format(
            v=data.scheme_version, q=quarter, s=data.serial, d=data.digest[:12] or "—", check=check), st["small"]))
    totals: list[Decimal | None] = []
    for ln in data.lines:
        try:
            totals.append(Decimal(ln.total) if ln.total else None)
        except ArithmeticError:
            totals.append(None)
    if len(data.lines) > 1:
        story += [Spacer(1, 2 * mm), KeepTogether([bar_chart(
            [ln.village for ln in data.lines], totals, width=width, height=65 * mm,
            title=tr("{q}各村总分").format(q=quarter))])]

    as_of = tr("（截至{d}）").format(d=cn_date(data.lists_as_of)) if data.lists_as_of else ""
    story.append(para(tr("附表2　挂牌督办事项{a}").format(a=as_of), st["heading"]))
    if data.supervised:
        sup_header = [tr("序号"), tr("督办编号"), tr("村"), tr("事项（编号）"), tr("责任人"), tr("级别"), tr("办结限期")]
        sup_rows = [[str(i), x.notice_no, x.village, f"{x.title}（{x.ledger_no}）", x.owner, x.level,
                     date_lines(x.limit_date)] for i, x in enumerate(data.supervised, start=1)]
        story += table_chunks(sup_header, sup_rows, width, plain=(0, 6), left=(3,))
    else:
        story.append(para(tr("无。"), st["body"]))
    story.append(para(tr("附表3　逾期未完成事项{a}").format(a=as_of), st["heading"]))
    if data.overdue:
        od_header = [tr("序号"), tr("编号"), tr("村"), tr("事项"), tr("责任人"), tr("时限")]
        od_rows = [[str(i), x.ledger_no, x.village, x.title, x.owner, date_lines(x.deadline)]
                   for i, x in enumerate(data.overdue, start=1)]
        story += table_chunks(od_header, od_rows, width, plain=(0, 5), left=(3,))
    else:
        story.append(para(tr("无。"), st["body"]))
    story.append(Spacer(1, 8 * mm))
    story.append(closing_block(
        para(tr("签发人：{who}").format(who=data.signed_by or "____________"), st["right"]),
        para(tr("{issuer}（盖章）").format(issuer=issuer), st["right"]),
        para(cn_date(data.issued_on or printed_on), st["right"])))
    return build_tracking_pdf(out, story, title=data.title, landscape_pages=False)
