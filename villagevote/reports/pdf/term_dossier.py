"""任期践诺档案 (issue 18 item 7, tracking.md A6–A7): one cadre's record of the term, portrait A4, black and white —
who (姓名, 村, 职务, 届次, 任期, 截至), then 一、承诺书; 二、践诺事项及认定 (each item with its verdict and the evidence
it cites, 缺佐证 marked) and the 践诺率; 三、年度评议等次; 四、处理情况 (consequences proposed, confirmed, executed or
waived, with decision numbers and outcomes); 五、免责（保护清单）. An empty part says 无. One document per cadre."""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from reportlab.lib.units import mm
from reportlab.platypus import CondPageBreak, Flowable, Spacer

from villagevote.evaluation.queries import Dossier
from villagevote.i18n import tr
from villagevote.reports.pdf.base import closing_block, cn_date, continuation, documents, styles
from villagevote.reports.pdf.text import para
from villagevote.reports.pdf.tracking_common import (
    build_tracking_pdf,
    date_lines,
    fitted_widths,
    frame_width,
    ledger_no_lines,
    table_chunks,
    title_block,
)

__all__ = ["DossierSheet", "dossier_pdf"]

TITLE = "任期践诺档案"


@dataclass(frozen=True)
class DossierSheet:
    township: str
    term: str
    dossier: Dossier


def _none(st: dict) -> Flowable:
    return para(tr("无。"), st["body_noindent"])


def _heading(text: str, st: dict) -> list[Flowable]:
    """A part's heading, on the next page when the page has no room for it and the first rows (never alone)."""
    return [CondPageBreak(30 * mm), para(text, st["heading"])]


def _story(sheet: DossierSheet, width: float) -> list[Flowable]:
    st = styles()
    d = sheet.dossier
    story: list[Flowable] = [continuation(tr(TITLE), d.name), *title_block(tr(TITLE), [
        tr("{township}　{term}　{village}　{name}（{posts}）").format(
            township=sheet.township, term=sheet.term, village=d.village, name=d.name,
            posts="、".join(d.posts) or tr("无职务")),
        tr("任期：{a}至{b}　　认定截至：{c}").format(a=cn_date(d.term_from), b=cn_date(d.term_to), c=cn_date(d.as_of)),
    ])]
    story += _heading(tr("一、承诺书"), st)
    if d.pledges:
        header = [tr("种类"), tr("标题"), tr("状态"), tr("签署日期")]
        rows = []
        for p in d.pledges:   # a cadre elected to two posts signed the same pledges twice: listed once
            row = [p.kind_label, p.title, p.status_label, cn_date(p.signed_on) or "—"]
            if row not in rows:
                rows.append(row)
        story += table_chunks(header, rows, width, widths=fitted_widths(
            header, ["竞职承诺（换届纪律）", None, "已签订", "2026年12月31日"], width), left={1})
    else:
        story.append(_none(st))
    story += _heading(tr("二、践诺事项及认定"), st)
    if d.items:
        header = [tr("编号"), tr("事项（目标）"), tr("来源"), tr("时限"), tr("状态\n进度"), tr("认定"), tr("依据与佐证")]
        rows = []
        for it in d.items:
            title = it.title + (tr("（{t}）").format(t=it.target) if it.target else "")
            verdict = it.verdict_label or tr("未到期")
            if it.evidence_missing:
                verdict += tr("\n缺佐证")
            basis = it.verdict_why
            if it.evidence:
                basis += ("；" if basis else "") + tr("佐证：") + "；".join(it.evidence)
            rows.append([ledger_no_lines(it.ledger_no), title, it.source_label,
                         date_lines(it.deadline_current or it.deadline) or "—",
                         f"{it.status_label}\n{it.percent}%", verdict, basis or "—"])
        widths = fitted_widths(header, ["2027-001", 34, "竞职承诺", "12月31日", "推进中", "部分兑现", None], width)
        story += table_chunks(header, rows, width, widths=widths, left={1, 6}, plain={3})
        r = d.rate
        story.append(para(tr("践诺率：{rate}（计入 {n} 项：已兑现 {k} 项，部分兑现 {p} 项，未兑现 {b} 项；免责 {e} 项、撤销 {w} 项不计入）").format(
            rate=(r.rate_text + "%") if r.rate_text not in ("", "—") else "—", n=r.counted, k=r.kept, p=r.partly,
            b=r.broken, e=r.excused, w=r.withdrawn), st["small"]))
    else:
        story.append(_none(st))
    story += _heading(tr("三、年度评议等次"), st)
    if d.grades:
        header = [tr("年度"), tr("类别"), tr("会议"), tr("等次"), tr("各档比例（%）")]
        rows = [[str(g.year), g.kind_label, g.meeting_label, g.grade,
                 "　".join(f"{k} {v}" for k, v in g.percent.items()) or "—"] for g in d.grades]
        story += table_chunks(header, rows, width, widths=fitted_widths(
            header, ["2027", "村述民评", "村民代表会议", "基本称职", None], width), plain={0})
    else:
        story.append(_none(st))
    story += _heading(tr("四、处理情况"), st)
    if d.consequences:
        header = [tr("年度"), tr("处理"), tr("事由"), tr("状态"), tr("决定文号"), tr("结果")]
        rows = []
        for c in d.consequences:
            outcome = c.outcome_label + (tr("（{d}）").format(d=cn_date(c.outcome_on)) if c.outcome_on else "")
            why = c.why.replace(f"（{c.rule}）", "") if c.rule else c.why   # a trigger's code is not for the reader
            rows.append([str(c.year or c.raised_on.year), c.kind_label, why, c.state_label, c.decision_no or "—",
                         outcome or (c.note if c.state_label and c.note else "") or "—"])
        story += table_chunks(header, rows, width, widths=fitted_widths(
            header, ["2027", "辞职承诺情形", None, "已确认", "党委〔2028〕3号", 28], width), left={2, 5}, plain={0})
    else:
        story.append(_none(st))
    story += _heading(tr("五、免责（保护清单）"), st)
    if d.exemptions:
        header = [tr("对象"), tr("类别"), tr("理由"), tr("决定文号"), tr("日期")]
        rows = [[e.subject, e.category_label, e.reason + (tr("（{d}撤销）").format(d=cn_date(e.revoked_on))
                                                          if e.revoked_on else ""), e.decision_no, cn_date(e.decided_on)]
                for e in d.exemptions]
        story += table_chunks(header, rows, width, widths=fitted_widths(
            header, [30, 34, None, 30, "2028年11月20日"], width), left={2})
    else:
        story.append(_none(st))
    story.append(closing_block(Spacer(1, 8 * mm), para(tr("本人签字：__________　　　建档人：__________"), st["body_noindent"]),
                               para(tr("中共{t}委员会组织办（盖章）").format(t=sheet.township), st["right"])))
    return story


def dossier_pdf(out: Path | str, sheets: Sequence[DossierSheet], *, footer: str = "") -> Path:
    width = frame_width(False)
    story = documents(_story(s, width) for s in sheets)
    return build_tracking_pdf(out, story, title=tr(TITLE), footer=footer, landscape_pages=False)
