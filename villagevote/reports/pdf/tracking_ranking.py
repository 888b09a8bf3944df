"""季度排名通报 (tracking.md A3 "每季一排名一通报", A7): 文号 and 期数, the circular's text, the ranking table from the
FROZEN snapshot — 名次, 村, 总分, 分项, 较上季 — with a bar chart of the totals ("不仅要有文字通报,还要有表格通报"),
the 红榜 and the 末位 villages (末位约谈 is proposed, never automatic), the cadres named in 姓氏笔画 order, the items
under 挂牌督办 and those overdue at the quarter's end; the issuer's seal line and date kept with the last lines.
Portrait A4, black and white, page numbers.
"""
from __future__ import annotations

import datetime as dt
from pathlib import Path

from reportlab.lib.units import mm
from reportlab.platypus import Flowable, KeepTogether, Spacer

from villagevote.i18n import tr
from villagevote.reports.pdf.base import closing_block, cn_date, column_widths, continuation, styles
from villagevote.reports.pdf.text import para
from villagevote.reports.pdf.tracking_charts import bar_chart
from villagevote.reports.pdf.tracking_common import build_tracking_pdf, frame_width, table_chunks
from villagevote.tracking.print_data import RankingPrint, quarter_label

__all__ = ["ranking_circular_pdf"]

_ORDINALS = "一二三四五六七八九十"


def ranking_circular_pdf(out: Path | str, data: RankingPrint, *, printed_on: dt.date) -> Path:
    from decimal import Decimal

    st = styles()
    head = data.heading
    width = frame_width(False)
    issuer = tr("中共{t}委员会").format(t=head.township) if head.township else tr("乡镇党委")
    banner = tr("村干部践诺工作通报")
    story: list[Flowable] = [
        para(banner, st["title"]),
        para(tr("{q}　第{n}期").format(q=quarter_label(data.quarter), n=data.issue), st["subtitle"]),
        para(data.number or tr("（文号待编）"), st["right"]),
        Spacer(1, 2 * mm),
        continuation(banner, quarter_label(data.quarter)),
        para(data.title, st["subtitle"]),
    ]
    story += [para(p, st["body"]) for p in data.body]
    sections: list[tuple[str, list[Flowable]]] = []
    header = [tr("名次"), tr("村"), tr("总分"), *data.part_labels, tr("较上季")]
    rows = [[(tr("否决") if ln.veto else ("" if ln.rank is None else str(ln.rank))), ln.village, ln.total, *ln.parts,
             ln.change] for ln in data.lines]
    table = table_chunks(header, rows, width, widths=column_widths([header, *rows], width))
    ranking: list[Flowable] = [*table, Spacer(1, 1 * mm), para(tr(
        "注：按第{v}版排名办法计分（分项为各项得分），分数保留两位小数，同分并列；一票否决的村列末位。排名数据取自{q}冻结的排名快照"
        "（校验码{d}），此后数据修改不影响本排名。").format(v=data.scheme_version, q=quarter_label(data.quarter),
                                               d=data.digest[:12] or "—"), st["small"])]
    totals: list[Decimal | None] = []
    for ln in data.lines:
        try:
            totals.append(Decimal(ln.total) if ln.total else None)
        except ArithmeticError:
            totals.append(None)
    if len(data.lines) > 1:
        ranking += [Spacer(1, 2 * mm), KeepTogether([bar_chart(
            [ln.village for ln in data.lines], totals, width=width, height=65 * mm,
            title=tr("{q}各村总分").format(q=quarter_label(data.quarter)))])]
    sections.append((tr("排名情况"), ranking))
    sections.append((tr("红榜"), [para(tr("以下村践诺事项推进有力、销号及时，予以通报表扬：{v}。").format(
        v="、".join(data.red)) if data.red else tr("本季度无。"), st["body"])]))
    bottom_text = tr("以下村排名末位，由乡镇党委对其主要负责人进行约谈（建议，经乡镇党委确认后实施）：{v}。").format(
        v="、".join(data.bottom)) if data.bottom else tr("本季度无。")
    bottom: list[Flowable] = [para(bottom_text, st["body"])]
    if data.cadres:
        bottom.append(para(tr("点名通报的村干部（按姓氏笔画排列）：{c}。").format(c="、".join(data.cadres)), st["body"]))
    sections.append((tr("末位"), bottom))
    lists: list[Flowable] = [para(tr("（一）挂牌督办事项（{n}项）").format(n=len(data.supervised)), st["body_noindent"])]
    lists += [para(f"{i}. {x}", st["small"]) for i, x in enumerate(data.supervised, start=1)] or [
        para(tr("无。"), st["small"])]
    lists.append(para(tr("（二）逾期未完成事项（{n}项）").format(n=len(data.overdue)), st["body_noindent"]))
    lists += [para(f"{i}. {x}", st["small"]) for i, x in enumerate(data.overdue, start=1)] or [
        para(tr("无。"), st["small"])]
    sections.append((tr("督办与逾期名单"), lists))
    for index, (name, flowables) in enumerate(sections):
        story.append(para(f"{_ORDINALS[index]}、{name}", st["heading"]))
        story.extend(flowables)
    story.append(para(tr("请各村对照排名，查找差距，逾期和督办事项限期办结，并于下季度第一周内将整改情况报乡镇。"), st["body"]))
    story.append(Spacer(1, 8 * mm))
    story.append(closing_block(
        para(tr("签发人：{who}").format(who=data.signed_by or "____________"), st["right"]),
        para(tr("{issuer}（盖章）").format(issuer=issuer), st["right"]),
        para(cn_date(data.issued_on or printed_on), st["right"])))
    return build_tracking_pdf(out, story, title=data.title, landscape_pages=False)
