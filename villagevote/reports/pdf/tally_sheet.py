"""计票单: the sheet the tellers fill in while the ballots are called out (唱票), one document per post: each listed
candidate with a box for 正-character strokes and a total for 同意, 不同意 and 弃权, blank lines for names written in
(另选他人), the post's valid/invalid counts and the signatures of 唱票人, 计票人 and 监票人."""
from __future__ import annotations

import math
from pathlib import Path

from reportlab.lib.enums import TA_CENTER, TA_LEFT
from reportlab.lib.styles import ParagraphStyle
from reportlab.platypus import Table, TableStyle

from villagevote.elections.records import ContestView, PostView
from villagevote.errors import ValidationError
from villagevote.fonts import pdf_fonts
from villagevote.i18n import tr
from villagevote.reports.pdf.base import Spacer, grid_style, mm, styles
from villagevote.reports.pdf.result_report import build, closing, date_text, doc_break, running_head
from villagevote.reports.pdf.text import para

# column widths (170 mm of A4 between the margins)
WIDTHS = [15 * mm, 34 * mm, 18 * mm, 83 * mm, 20 * mm]
STROKE_MM = 4.2  # one 正 written by hand, with its gap
LINE_MM = 6.0    # one handwritten line of strokes


def tally_title(contest: ContestView) -> str:
    return tr("{title}计票单").format(title=contest.title)


def stroke_height(votes: int, max_lines: int = 5) -> float:
    """Row height (points) for a box that holds ``votes`` strokes written as 正 (five to a character), from one line
    to ``max_lines`` (a large village continues on another sheet: "本单第__张")."""
    per_line = max(1, int((WIDTHS[3] / mm - 4) // STROKE_MM))
    lines = math.ceil(max(1, votes) / 5 / per_line)
    return min(max_lines, max(1, lines)) * LINE_MM * mm + 2 * mm


def _styles() -> dict[str, ParagraphStyle]:
    f = pdf_fonts()
    return {
        "cell": ParagraphStyle("tally_cell", fontName=f.body, fontSize=12, leading=15, alignment=TA_CENTER,
                               wordWrap="CJK"),
        "head": ParagraphStyle("tally_head", fontName=f.heading, fontSize=11, leading=14, alignment=TA_CENTER,
                               wordWrap="CJK"),
        "left": ParagraphStyle("tally_left", fontName=f.body, fontSize=12, leading=18, alignment=TA_LEFT,
                               wordWrap="CJK"),
    }


def post_table(contest: ContestView, post: PostView) -> Table:
    """The strokes table of one post: three rows (同意/不同意/弃权) per listed candidate, then one 同意 row per
    blank line for a written-in name."""
    st = _styles()
    free = contest.mode == "自荐直选"
    rows: list[list[object]] = [[para(t, st["head"]) for t in (
        tr("序号"), tr("所选人姓名") if free else tr("候选人姓名"), tr("票别"), tr("计票（划“正”字）"), tr("合计"))]]
    heights: list[float | None] = [None]
    spans: list[tuple[str, tuple[int, int], tuple[int, int]]] = []
    # the 同意 box holds up to every ballot cast; 不同意/弃权 are usually fewer
    voters = contest.ballots_issued or contest.electorate or 0
    big, small = stroke_height(voters), stroke_height(voters // 3, max_lines=2)
    cands = [] if free else sorted(contest.candidates_for(post.post), key=lambda c: c.order)
    for i, cand in enumerate(cands, start=1):
        first = len(rows)
        for kind, height in ((tr("同意"), big), (tr("不同意"), small), (tr("弃权"), small)):
            rows.append([para(str(i), st["cell"]), para(cand.label, st["cell"]), para(kind, st["cell"]), "", ""])
            heights.append(height)
        spans += [("SPAN", (0, first), (0, first + 2)), ("SPAN", (1, first), (1, first + 2))]
    blank_lines = max(post.seats * 4, 10) if free else post.seats + 1
    for j in range(blank_lines):
        rows.append([para(str(j + 1) if free else tr("另选"), st["cell"]), "", para(tr("同意"), st["cell"]), "", ""])
        heights.append(small if not free else big)
    table = Table(rows, colWidths=WIDTHS, rowHeights=heights, repeatRows=1)
    style = grid_style(0, 12)  # black and white: no tinted header
    for cmd in spans:
        style.add(*cmd)
    table.setStyle(style)
    return table


def _signatures() -> Table:
    st = styles()
    sig = Table([[para(tr("唱票人（签名）：______________"), st["body_noindent"]),
                  para(tr("计票人（签名）：______________"), st["body_noindent"])],
                 [para(tr("监票人（签名）：______________"), st["body_noindent"]),
                  para(tr("日期：______年____月____日"), st["body_noindent"])]],
                colWidths=[85 * mm, 85 * mm])
    sig.setStyle(TableStyle([("TOPPADDING", (0, 0), (-1, -1), 10)]))
    return sig


def tally_story(contest: ContestView) -> list:
    if not contest.posts:
        raise ValidationError(tr("{title}还没有设置职务和名额，没有计票单可打印").format(title=contest.title))
    st = styles()
    title = tally_title(contest)
    story: list = []
    for k, post in enumerate(contest.posts):
        if k:
            story.append(doc_break())  # one document per post: its own page numbers
        head = tr("{post}（应选 {n} 名）").format(post=post.post, n=post.seats)
        if post.women_seats:
            head += tr("，其中妇女不少于 {w} 名").format(w=post.women_seats)
        story += [para(title, st["title"]), running_head(title, post.post),
                  para(tr("职务：{head}").format(head=head), st["heading"]),
                  para(tr("选举日期：{d}　　计票地点：____________　　本单第____张").format(
                      d=date_text(contest)), st["body_noindent"], True),
                  Spacer(1, 2 * mm), post_table(contest, post), Spacer(1, 3 * mm)]
        story.append(closing(
            para(tr("本职务：有效票______张，无效票______张；“合计”栏写阿拉伯数字，涂改处由监票人签名。"),
                 st["body_noindent"]),
            _signatures()))
    return story


def render_tally_sheets(contest: ContestView, out: Path | str) -> Path:
    """The tally sheets of ``contest``, one document per post (refused when the contest has no posts)."""
    return build(out, tally_story(contest), title=tally_title(contest))
