"""实绩比选 summary table: ranked per post with breakdown columns, ties and notes, then every candidate's breakdown.

Input is the engine's :class:`~villagevote.scoring.records.Results` (plain data). Criterion columns show each
criterion's aggregated score rounded half-up to the scheme's places; the total is computed from exact values and
rounded once, which the note under the table says.

The public copy (published) is anonymous: the breakdown and the notes are the engine's ``public_lines`` and
``public_notes`` — no rater beside a dropped score, no recusal relationship, no rater named as missing. The
internal copy (``internal=True``, filed by the township) names the raters who recused (with the relationship) or
whose scores are missing (``internal_lines``, ``notes``) — still never a rater beside a dropped score — and prints
注意保密 on every page.
Black and white only; the signature lines are a closing block kept with the notes above.
"""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Flowable, KeepTogether, PageBreak, Paragraph, Spacer, Table

from villagevote.i18n import tr
from villagevote.reports.masking import CONFIDENTIAL_MARK
from villagevote.reports.pdf.base import MARGINS, build_pdf, closing_block, continuation, grid_style, styles
from villagevote.reports.pdf.text import markup as _m
from villagevote.reports.pdf.text import para, string_width
from villagevote.scoring.records import CandidateResult, Results, outcome_label
from villagevote.scoring.values import round_half_up


@dataclass(frozen=True)
class RaterLine:
    """A rater on the internal copy: group, name, the state of their sheet and their recusals ("李四：系李四之妻")."""
    group: str
    name: str
    sheet: str
    recusals: tuple[str, ...] = ()


@dataclass(frozen=True)
class SummaryHeader:
    place: str = ""  # township / cycle
    status_note: str = ""  # a line under the title, e.g. 初步人选已于 2026年11月20日 确定
    stamp: str = ""  # corner stamp, e.g. 未确认
    internal: bool = False  # the internal copy: raters named in the breakdown, 注意保密
    raters: tuple[RaterLine, ...] = ()  # printed on the internal copy only


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
    """Column headers; a criterion's weight goes on a line of its own (``\n``) so that words are not split."""
    scheme = results.scheme
    heads = [tr("排名"), tr("姓名")]
    heads += [tr("{name}\n（权重{w}）").format(name=c.name, w=_num(c.weight)) for c in scheme.criteria]
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
    title = tr("实绩比选结果汇总表（内部存档）") if header.internal else tr("实绩比选结果汇总表")
    story: list[Flowable] = [P(title, st["title"]), continuation(title, scheme.name),
                             P(scheme.name, st["subtitle"])]
    if header.internal:
        story.append(P(tr("{mark}：本表列出评委姓名和回避关系，仅供乡镇存档，不得张贴公布。").format(
            mark=CONFIDENTIAL_MARK), st["body_noindent"]))
    if header.place:
        story.append(P(header.place, st["body_noindent"]))
    story.append(P(_cutoff_text(results), st["body_noindent"]))
    if header.status_note:
        story.append(P(header.status_note, st["body_noindent"]))
    story.append(Spacer(1, 2 * mm))

    heads = summary_headers(results)
    by_post = summary_rows(results, post_labels)
    col_widths = _column_widths([row for _, rows in by_post for row in rows], heads, width)
    for post_label, rows in by_post:
        heading = P(post_label, st["heading"])
        data: list[list[object]] = [[_head_cell(h, st["cell_center"]) for h in heads]]
        style = grid_style(1)
        for row in rows:  # black and white only: the result is a word (入围/未入围/待定), not a colour
            data.append([P(x, st["cell_center"]) for x in row[:-1]] + [P(row[-1], st["cell"])])
        table = Table(data, colWidths=col_widths, repeatRows=1)
        table.setStyle(style)
        story.append(KeepTogether([heading, table]) if len(rows) <= 20 else heading)
        if len(rows) > 20:
            story.append(table)

    story.append(Spacer(1, 3 * mm))
    notes_heading = P(tr("说明"), st["heading"])
    notes = list(results.notes if header.internal else results.public_notes)
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
    story.append(KeepTogether([notes_heading] + [P("· " + n, st["cell"]) for n in notes]))
    if header.internal and header.raters:
        story.append(KeepTogether([P(tr("评委及回避情况"), st["heading"]), _raters_table(header.raters, width)]))
    story.append(closing_block(Spacer(1, 6 * mm), _signatures([tr("制表人"), tr("审核人")], width)))

    story.append(PageBreak())
    story.append(continuation(title, tr("计分明细")))
    indented = {n: ParagraphStyle(f"bd{n}", parent=st["cell"], leftIndent=n * 6) for n in range(5)}
    for index, r in enumerate(results.candidates):
        block: list[Flowable] = [P(tr("计分明细"), st["subtitle"])] if index == 0 else []
        block.append(P(tr("{name}（{post}）").format(
            name=r.candidate.name, post=post_labels.get(r.candidate.post, r.candidate.post) or tr("未分职位")),
            st["heading"]))
        for line in (r.internal_lines if header.internal else r.public_lines):
            indent = len(line) - len(line.lstrip(" "))
            block.append(para(line.strip(), indented[min(indent, 4)]))
        # a candidate's breakdown on one page when it fits (no heading alone at the foot, no result line alone
        # at the top of the next page); a longer one splits
        story.append(KeepTogether(block))
    footer = f"{scheme.name}　{CONFIDENTIAL_MARK}" if header.internal else scheme.name
    return build_pdf(out, story, title=title, footer=footer, landscape_pages=True, stamp=header.stamp or None)


def _column_widths(rows: list[list[str]], heads: list[str], width: float) -> list[float]:
    """Widths from content: every header line and every value (but the 说明) fits on one line at 10 pt, so no
    word is split; the 说明 column takes what is left."""
    pad = 14  # cell padding and rules, points
    size = 10

    def fit(text: str) -> float:
        return max(string_width(part, size) for part in text.split("\n")) + pad

    widths = []
    for col, head in enumerate(heads[:-1]):
        need = max([fit(head)] + [fit(row[col]) for row in rows if col < len(row)])
        widths.append(min(max(need, 12 * mm), 45 * mm))
    return widths + [max(width - sum(widths), 40 * mm)]


def _raters_table(raters: tuple[RaterLine, ...], width: float) -> Table:
    st = styles()
    data: list[list[object]] = [[P(h, st["cell_center"]) for h in (tr("序号"), tr("组别"), tr("评委"), tr("评分表"),
                                                                  tr("回避（人选：关系）"))]]
    for i, r in enumerate(raters, start=1):
        data.append([P(str(i), st["cell_center"]), P(r.group, st["cell_center"]), P(r.name, st["cell_center"]),
                     P(r.sheet, st["cell_center"]), P("；".join(r.recusals) or tr("无"), st["cell"])])
    fixed = [14 * mm, 32 * mm, 26 * mm, 48 * mm]
    table = Table(data, colWidths=fixed + [width - sum(fixed)], repeatRows=1)
    table.setStyle(grid_style(1))
    return table


def _head_cell(text: str, style: ParagraphStyle) -> Paragraph:
    """A header cell: each ``\n``-separated part on a line of its own (a deliberate two-line header)."""
    return Paragraph("<br/>".join(_m(part, style.fontName) for part in text.split("\n")), style)
