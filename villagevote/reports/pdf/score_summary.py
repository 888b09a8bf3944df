"""实绩比选 summary table: ranked per post with breakdown columns, ties and notes, then every candidate's breakdown.

Input is the engine's :class:`~villagevote.scoring.records.Results` (plain data). Criterion columns show each
criterion's aggregated score rounded half-up to the scheme's places; the total is computed from exact values and
rounded once, which the note under the table says.
"""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import CondPageBreak, Flowable, KeepTogether, PageBreak, Paragraph, Spacer, Table

from villagevote.i18n import tr
from villagevote.reports.pdf.base import MARGINS, build_pdf, grid_style, styles
from villagevote.reports.pdf.text import markup as _m
from villagevote.reports.pdf.text import para
from villagevote.scoring.records import OUTCOME_FAIL, OUTCOME_PASS, CandidateResult, Results, outcome_label
from villagevote.scoring.values import round_half_up


@dataclass(frozen=True)
class SummaryHeader:
    place: str = ""  # township / cycle
    status_note: str = ""  # a line under the title, e.g. 初步人选已于 2026年11月20日 确定
    stamp: str = ""  # corner stamp, e.g. 未确认


def P(text: str, style: ParagraphStyle) -> Paragraph:
    """A paragraph of mixed text: each character in a face that has it (shared fallback of reports/pdf/text.py)."""
    return para(text, style)


def _signatures(labels: list[str], width: float) -> Table:
    st = styles()
    cells = [P(tr("{label}：______________").format(label=x), st["body_noindent"]) for x in labels]
    cells.append(P(tr("日期：______年____月____日"), st["body_noindent"]))
    t = Table([cells], colWidths=[width / len(cells)] * len(cells))
    return t


def _criterion_cell(r: CandidateResult, code: str, places: int) -> str:
    score = r.criterion(code).score
    return "—" if score is None else format(round_half_up(score, places), "f")


def _num(d) -> str:
    return format(d.normalize(), "f") if d != 0 else "0"


def summary_rows(results: Results, post_labels: Mapping[str, str]) -> list[tuple[str, list[list[str]]]]:
    """Per post: the label and the rows (plain text) of the summary table, in rank order."""
    scheme = results.scheme
    out: list[tuple[str, list[list[str]]]] = []
    posts: list[str] = []
    for r in results.candidates:
        if r.candidate.post not in posts:
            posts.append(r.candidate.post)
    for post in posts:
        rows = []
        for r in results.candidates:
            if r.candidate.post != post:
                continue
            rank = "" if r.rank is None else (tr("并列{k}").format(k=r.rank) if r.shared_rank else str(r.rank))
            row = [rank, r.candidate.name]
            row += [_criterion_cell(r, c.code, scheme.places) for c in scheme.criteria]
            if scheme.bonus_items:
                row.append(_num(r.bonus_counted))
            if scheme.deduction_items:
                row.append(_num(r.deduction_counted))
            row.append("—" if r.total is None else format(r.total, "f"))
            row.append(outcome_label(r.outcome))
            row.append(r.outcome_reason)
            rows.append(row)
        out.append((post_labels.get(post, post) or tr("（未分职位）"), rows))
    return out


def summary_headers(results: Results) -> list[str]:
    scheme = results.scheme
    heads = [tr("排名"), tr("姓名")]
    heads += [tr("{name}（权重{w}）").format(name=c.name, w=_num(c.weight)) for c in scheme.criteria]
    if scheme.bonus_items:
        heads.append(tr("加分"))
    if scheme.deduction_items:
        heads.append(tr("扣分"))
    heads += [tr("总分"), tr("结果"), tr("说明")]
    return heads


def _cutoff_text(results: Results) -> str:
    s = results.scheme
    parts = []
    if s.min_total is not None:
        parts.append(tr("总分不低于 {m} 分").format(m=_num(s.min_total)))
    if s.top_n_per_post is not None:
        parts.append(tr("每个职位前 {n} 名").format(n=s.top_n_per_post))
    return tr("入围条件：{c}").format(c=tr("，且").join(parts))


def score_summary_pdf(out: Path | str, results: Results, post_labels: Mapping[str, str],
                      header: SummaryHeader = SummaryHeader()) -> Path:
    """Write the ranked summary with breakdown columns, the ties, the notes and each candidate's breakdown."""
    st = styles()
    scheme = results.scheme
    pagesize = landscape(A4)
    width = pagesize[0] - MARGINS["leftMargin"] - MARGINS["rightMargin"]
    story: list[Flowable] = [P(tr("实绩比选结果汇总表"), st["title"]),
                             P(scheme.name, st["subtitle"])]
    if header.place:
        story.append(P(header.place, st["body_noindent"]))
    story.append(P(_cutoff_text(results), st["body_noindent"]))
    if header.status_note:
        story.append(P(header.status_note, st["body_noindent"]))
    story.append(Spacer(1, 2 * mm))

    heads = summary_headers(results)
    n_crit = len(heads) - 5
    fixed = {0: 14 * mm, 1: 22 * mm}
    total_w, outcome_w = 18 * mm, 20 * mm
    reason_w = 70 * mm
    crit_w = max(14 * mm, (width - sum(fixed.values()) - total_w - outcome_w - reason_w) / max(1, n_crit))
    reason_w = width - sum(fixed.values()) - total_w - outcome_w - crit_w * n_crit
    col_widths = [fixed[0], fixed[1]] + [crit_w] * n_crit + [total_w, outcome_w, reason_w]
    for post_label, rows in summary_rows(results, post_labels):
        heading = P(post_label, st["heading"])
        data: list[list[object]] = [[P(h, st["cell_center"]) for h in heads]]
        style = grid_style(1)
        for i, row in enumerate(rows, start=1):
            cells: list[object] = [P(x, st["cell_center"]) for x in row[:-2]]
            outcome = row[-2]
            if outcome == outcome_label(OUTCOME_PASS):
                cells.append(Paragraph('<font color="#006100">' + _m(outcome, st["cell_center"].fontName) + "</font>", st["cell_center"]))
            else:
                cells.append(P(outcome, st["cell_center"]))
            data.append(cells + [P(row[-1], st["small"])])
            if outcome not in (outcome_label(OUTCOME_PASS), outcome_label(OUTCOME_FAIL)):
                style.add("BACKGROUND", (0, i), (-1, i), colors.HexColor("#FFF2CC"))
        table = Table(data, colWidths=col_widths, repeatRows=1)
        table.setStyle(style)
        story.append(KeepTogether([heading, table]) if len(rows) <= 20 else heading)
        if len(rows) > 20:
            story.append(table)

    story.append(Spacer(1, 3 * mm))
    notes_heading = P(tr("说明"), st["heading"])
    notes = list(results.notes)
    notes.append(tr("各评分项栏为该项平均得分（四舍五入保留 {p} 位，仅供查看）；总分由精确值计算后只舍入一次，"
                    "因此各栏相加可能与总分相差最后一位。").format(p=scheme.places))
    if scheme.tie_priority:
        notes.append(tr("同分规则：总分相同时依次比较{c}的得分，高者在前；仍相同且处于入围分界的，须记录决定。").format(
            c="、".join(scheme.criterion(c).name for c in scheme.tie_priority)))
    else:
        notes.append(tr("同分规则：方案未规定；处于入围分界的并列须记录决定。"))
    for t in results.ties:
        notes.append(tr("并列：{t}").format(t=t.note))
    if results.open_ties:
        notes.append(tr("尚有 {n} 处并列待记录决定，相关人选的结果为“并列待决定”。").format(n=len(results.open_ties)))
    # the notes and the signature lines stay on one page (the signatures never stand alone on a page)
    story.append(KeepTogether([notes_heading] + [P("· " + n, st["small"]) for n in notes]
                              + [Spacer(1, 6 * mm), _signatures([tr("制表人"), tr("审核人")], width)]))

    story.append(PageBreak())
    story.append(P(tr("计分明细"), st["title"]))
    indented = {n: ParagraphStyle(f"bd{n}", parent=st["small"], leftIndent=n * 6) for n in range(5)}
    for r in results.candidates:
        block: list[Flowable] = [P(tr("{name}（{post}）").format(
            name=r.candidate.name, post=post_labels.get(r.candidate.post, r.candidate.post) or tr("未分职位")),
            st["heading"])]
        for line in r.lines:
            indent = len(line) - len(line.lstrip(" "))
            block.append(para(line.strip(), indented[min(indent, 4)]))
        story.append(CondPageBreak(50 * mm))  # a candidate's heading never sits alone at the foot of a page
        story.extend(block)
    return build_pdf(out, story, title=tr("实绩比选结果汇总表"), footer=scheme.name, landscape_pages=True,
                     stamp=header.stamp or None)
