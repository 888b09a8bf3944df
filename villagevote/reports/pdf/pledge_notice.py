"""示诺 public notice for the village notice board (公开栏): candidates with their term goals, no ID numbers.

Candidates are grouped by the organization they stand for (in the order given) and, within each group, ordered by
surname strokes (姓氏笔画). Only the facts villagers need are printed: name, post, which pledges are signed, and the
term goals (item, category, measurable target, deadline).
"""
from __future__ import annotations

import datetime as dt
import io
from collections.abc import Sequence
from pathlib import Path
from typing import BinaryIO

from reportlab.lib.enums import TA_CENTER, TA_LEFT, TA_RIGHT
from reportlab.lib.styles import ParagraphStyle
from reportlab.platypus import Flowable, KeepTogether, Paragraph, Spacer, Table

from villagevote.i18n import tr
from villagevote.names import stroke_key
from villagevote.pledges.prints import NoticeCandidate, NoticeGoal
from villagevote.pledges.templates import cn_date
from villagevote.reports.pdf.base import cell_table, write_bytes
from villagevote.reports.pdf.pledge import FRAME_W, _CopyMarker, a4_document
from villagevote.reports.pdf.pledge_fonts import font_name, markup

__all__ = ["NoticeCandidate", "NoticeGoal", "pledge_notice_pdf"]

_GOAL_COL_FRACTIONS = (0.08, 0.28, 0.13, 0.31, 0.20)


def _styles() -> dict[str, ParagraphStyle]:
    font = font_name()
    return {
        "title": ParagraphStyle("n-title", fontName=font, fontSize=20, leading=28, alignment=TA_CENTER, spaceAfter=10,
                                wordWrap="CJK"),
        "body": ParagraphStyle("n-body", fontName=font, fontSize=12, leading=20, firstLineIndent=24, wordWrap="CJK"),
        "org": ParagraphStyle("n-org", fontName=font, fontSize=14, leading=22, spaceBefore=10, spaceAfter=4,
                              wordWrap="CJK"),
        "name": ParagraphStyle("n-name", fontName=font, fontSize=13, leading=20, spaceBefore=8, wordWrap="CJK"),
        "small": ParagraphStyle("n-small", fontName=font, fontSize=10.5, leading=16, alignment=TA_LEFT,
                                wordWrap="CJK"),
        "sign": ParagraphStyle("n-sign", fontName=font, fontSize=12, leading=22, alignment=TA_RIGHT, wordWrap="CJK"),
    }


def _goal_table(goals: Sequence[NoticeGoal]) -> Table:
    rows = [[tr("序号"), tr("目标项目"), tr("类别"), tr("可量化目标"), tr("完成时限")]]
    rows += [[str(i), g.title, g.category, g.target, cn_date(g.deadline)] for i, g in enumerate(goals, start=1)]
    return cell_table(rows, [FRAME_W * f for f in _GOAL_COL_FRACTIONS], align="LEFT", font=font_name(),
                      h_align="LEFT")


def pledge_notice_pdf(
    *,
    village: str,
    township: str,
    cycle_label: str,
    candidates: Sequence[NoticeCandidate],
    posted_from: dt.date,
    posted_until: dt.date,
    issuer: str,
    out: Path | str | BinaryIO | None = None,
) -> bytes:
    """Render the 示诺 notice of one village; returns the PDF bytes (and writes ``out`` when given)."""
    styles = _styles()
    buffer = io.BytesIO()
    title = tr("{village}村级组织换届候选人承诺公示").format(village=village)
    doc = a4_document(buffer, title)
    story: list[Flowable] = [_CopyMarker("", f"{township} {village}"), Paragraph(markup(title), styles["title"])]
    story.append(Paragraph(markup(tr(
        "根据{township}{cycle}村级组织换届工作安排，现将{village}候选人（自荐人）的承诺事项予以公示，"
        "公示时间为{start}至{end}。公示期间，党员群众如有意见，可向村党组织或乡镇换届工作指导组反映。").format(
        township=township, cycle=cycle_label, village=village, start=cn_date(posted_from),
        end=cn_date(posted_until))), styles["body"]))
    if not candidates:
        story.append(Paragraph(markup(tr("（暂无候选人承诺事项）")), styles["body"]))
    organizations: list[str] = []
    for cand in candidates:
        if cand.organization not in organizations:
            organizations.append(cand.organization)
    for org in organizations:
        story.append(Paragraph(markup(tr("{org}候选人（按姓氏笔画为序）").format(org=org)), styles["org"]))
        members = sorted((c for c in candidates if c.organization == org), key=lambda c: stroke_key(c.name))
        for cand in members:
            head = [Paragraph(markup(tr("{name}　　竞选职务：{post}").format(name=cand.name, post=cand.post)),
                              styles["name"])]
            signed = "、".join(cand.signed_kinds) if cand.signed_kinds else tr("（尚未签订承诺）")
            head.append(Paragraph(markup(tr("已签订：{kinds}").format(kinds=signed)), styles["small"]))
            if cand.goals:
                head.append(Paragraph(markup(tr("任期目标：")), styles["small"]))
                # Kept with its heading when it fits on one page; a longer table splits with its header repeated.
                story.append(KeepTogether(head + [Spacer(1, 2), _goal_table(cand.goals)]))
            else:
                text = tr("任期目标：（无）") if cand.term_goals_signed else tr("任期目标：（创业承诺尚未签订）")
                head.append(Paragraph(markup(text), styles["small"]))
                story.append(KeepTogether(head))
    story.append(Spacer(1, 24))
    story.append(KeepTogether([
        Paragraph(markup(tr("{issuer}（盖章）").format(issuer=issuer)), styles["sign"]),
        Paragraph(markup(cn_date(posted_from)), styles["sign"]),
    ]))
    doc.build(story)
    return write_bytes(buffer.getvalue(), out)
