"""示诺 public notice for the village notice board (公开栏): candidates with their term goals, no ID numbers.

One entry per person in surname-stroke order (姓氏笔画): a person standing for the Party organization and the village
committee appears once, with both posts. Only what was signed is posted: the pledges signed and the goals of a
signed 创业承诺 (item, category, measurable target, deadline). Each issuing body has its own seal line; the seal
lines and the date stay on the page of the last entry. Pages are numbered "第 N 页 共 M 页".
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from pathlib import Path
from typing import BinaryIO

from reportlab.lib.enums import TA_CENTER, TA_LEFT, TA_RIGHT
from reportlab.lib.styles import ParagraphStyle
from reportlab.platypus import Flowable, KeepTogether, Paragraph, Spacer, Table, TableStyle

from villagevote.i18n import tr
from villagevote.names import stroke_key
from villagevote.pledges.prints import NoticeCandidate, NoticeGoal
from villagevote.reports.pdf.base import cell_table, closing_block, cn_date, continuation, write_bytes
from villagevote.reports.pdf.pledge import FRAME_W, render_documents, title_style
from villagevote.reports.pdf.pledge_fonts import font_name, markup

__all__ = ["NoticeCandidate", "NoticeGoal", "pledge_notice_pdf", "post_text"]

_GOAL_COL_FRACTIONS = (0.08, 0.28, 0.13, 0.31, 0.20)


def _styles() -> dict[str, ParagraphStyle]:
    font = font_name()
    return {
        "title": ParagraphStyle("n-title", fontName=font, fontSize=22, leading=32, alignment=TA_CENTER, spaceAfter=10,
                                wordWrap="CJK"),
        "body": ParagraphStyle("n-body", fontName=font, fontSize=14, leading=24, firstLineIndent=28, wordWrap="CJK"),
        "org": ParagraphStyle("n-org", fontName=font, fontSize=14, leading=22, spaceBefore=10, spaceAfter=4,
                              wordWrap="CJK"),
        "name": ParagraphStyle("n-name", fontName=font, fontSize=14, leading=22, spaceBefore=8, wordWrap="CJK"),
        "small": ParagraphStyle("n-small", fontName=font, fontSize=12, leading=18, alignment=TA_LEFT,
                                wordWrap="CJK"),
        "sign": ParagraphStyle("n-sign", fontName=font, fontSize=14, leading=24, alignment=TA_RIGHT, wordWrap="CJK"),
        "seal": ParagraphStyle("n-seal", fontName=font, fontSize=14, leading=24, alignment=TA_CENTER,
                               wordWrap="CJK"),
    }


def post_text(village: str, organization: str, post: str) -> str:
    """A post as the notice names it: 村党组织书记, 村民委员会副主任 (the village is the notice's own)."""
    org = organization[len(village):] if village and organization.startswith(village) else organization
    if org.startswith("党"):
        org = "村" + org
    return org + post


def _goal_table(goals: Sequence[NoticeGoal]) -> Table:
    rows = [[tr("序号"), tr("目标项目"), tr("类别"), tr("可量化目标"), tr("完成时限")]]
    rows += [[str(i), g.title, g.category, g.target, cn_date(g.deadline)] for i, g in enumerate(goals, start=1)]
    return cell_table(rows, [FRAME_W * f for f in _GOAL_COL_FRACTIONS], align="LEFT", font=font_name(),
                      h_align="LEFT")


def _seal_block(issuers: Sequence[str], day: dt.date, styles: dict[str, ParagraphStyle]) -> list[Flowable]:
    """One seal line per body (never two bodies under one seal), side by side at the right, the date under them."""
    cell_w = min(FRAME_W / max(1, len(issuers)), FRAME_W * 0.5)
    seals = Table([[Paragraph(markup(tr("{issuer}（盖章）").format(issuer=body)), styles["seal"])
                    for body in issuers]], colWidths=[cell_w] * len(issuers), hAlign="RIGHT")
    seals.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "BOTTOM"), ("TOPPADDING", (0, 0), (-1, -1), 28)]))
    return [seals, Spacer(1, 6), Paragraph(markup(cn_date(day)), styles["sign"])]


def _entry(cand: NoticeCandidate, village: str, styles: dict[str, ParagraphStyle]) -> list[Flowable]:
    posts = "、".join(post_text(village, org, post) for org, post in cand.all_posts)
    flow: list[Flowable] = [Paragraph(markup(tr("{name}　　竞选职务：{posts}").format(name=cand.name, posts=posts)),
                                      styles["name"])]
    if cand.signed_kinds:
        flow.append(Paragraph(markup(tr("已签订：{kinds}").format(kinds="、".join(cand.signed_kinds))), styles["small"]))
    if cand.goals:
        flow += [Paragraph(markup(tr("任期目标：")), styles["small"]), Spacer(1, 2), _goal_table(cand.goals)]
    return flow


def pledge_notice_pdf(
    *,
    village: str,
    township: str,
    cycle_label: str,
    candidates: Sequence[NoticeCandidate],
    posted_from: dt.date,
    posted_until: dt.date,
    issuer: str | Sequence[str],
    term: str = "",
    out: Path | str | BinaryIO | None = None,
) -> bytes:
    """Render the 示诺 notice of one village; returns the PDF bytes (and writes ``out`` when given).

    ``issuer`` is one body or several (each gets its own seal line); ``term`` the 届次 of the bodies (第十二届).
    Candidates without a signed pledge are left out; with none left the notice is refused (ValueError)."""
    styles = _styles()
    posted = sorted((c for c in candidates if c.signed_kinds), key=lambda c: stroke_key(c.name))
    if not posted:
        raise ValueError("pledge_notice_pdf needs at least one candidate with a signed pledge")
    issuers = [issuer] if isinstance(issuer, str) else list(issuer)
    title = tr("{village}村级组织换届候选人承诺公示").format(village=village)
    bodies: list[str] = []
    for cand in posted:
        for org, _post in cand.all_posts:
            name = post_text(village, org, "")
            if name not in bodies:
                bodies.append(name)
    intro = tr("根据{township}{cycle}村级组织换届工作安排，现将{village}{term}{bodies}换届候选人（自荐人）的承诺事项"
               "予以公示，公示时间为{start}至{end}。公示期间，党员群众如有意见，可向村党组织或乡镇换届工作指导组反映。"
               ).format(township=township, cycle=cycle_label, village=village, term=term, bodies="、".join(bodies),
                        start=cn_date(posted_from), end=cn_date(posted_until))

    story: list[Flowable] = [Paragraph(markup(title), title_style(title, styles["title"])), continuation(title),
                             Paragraph(markup(intro), styles["body"]),
                             Paragraph(markup(tr("候选人（自荐人）按姓氏笔画为序：")), styles["org"])]
    for cand in posted:
        # Kept together when it fits on one page; a longer goal table splits with its header repeated.
        story.append(KeepTogether(_entry(cand, village, styles)))
    # the seal lines and the date stay on the page of the last entry
    story.append(closing_block(*_seal_block(issuers, posted_from, styles)))
    return write_bytes(render_documents(title, story), out)
