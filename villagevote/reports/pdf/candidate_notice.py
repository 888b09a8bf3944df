"""候选人（自荐人）名单公示: the village notice posted before the vote — names and posts in 姓氏笔画 order (or by
nomination votes where the province publishes 正式候选人 that way), the 公示期, each posting body under its own seal,
no ID numbers (masking table: ``candidate-notice``). Plain data in, PDF out; no database, no Qt.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from reportlab.lib.units import mm
from reportlab.platypus import CondPageBreak, KeepTogether, Spacer

from villagevote.i18n import tr
from villagevote.names import stroke_key
from villagevote.reports.pdf.base import build_pdf, cell_table, closing_block, cn_date, continuation, styles
from villagevote.reports.pdf.text import para

__all__ = ["ORDERS", "NoticeEntry", "NoticeGroup", "render_candidate_notice"]

#: How the entries of a post are ordered: 姓氏笔画 (the default) or 提名得票 (most votes first).
ORDERS = ("strokes", "votes")


@dataclass(frozen=True)
class NoticeEntry:
    name: str
    gender: str
    age: int | None
    education: str
    political_status: str
    current_post: str  # "" prints 无
    source: str
    nomination_votes: int | None = None  # needed for order="votes"


@dataclass(frozen=True)
class NoticeGroup:
    """One organization's post, e.g. 村民委员会 · 主任, with its seat count and the people standing."""

    organization: str
    post: str
    seats: int
    entries: Sequence[NoticeEntry]


def ordered(entries: Sequence[NoticeEntry], order: str = "strokes") -> list[NoticeEntry]:
    """Entries in 姓氏笔画 order, or by nomination votes (most first, ties in 姓氏笔画 order)."""
    if order == "votes":
        return sorted(entries, key=lambda e: (-(e.nomination_votes or 0), stroke_key(e.name)))
    return sorted(entries, key=lambda e: stroke_key(e.name))


def render_candidate_notice(
    out: Path | str,
    township: str,
    village: str,
    groups: Sequence[NoticeGroup],
    posted_on: dt.date,
    election_day: dt.date,
    self_nomination: bool = False,
    late_note: str = "",
    *,
    period_end: dt.date | None = None,
    term: str = "",
    order: str = "strokes",
    issuers: Sequence[str] = (),
) -> Path:
    """Write the notice. Entries of every group are printed in ``order`` (``ORDERS``) whatever order they come in.

    ``period_end`` closes the 公示期 that opens on ``posted_on`` (default: the day before the election);
    ``term`` is the 届次 (e.g. 第十二届, "" when unknown); ``issuers`` the bodies that post it, each under its own
    seal (default: the village election committee)."""
    st = styles()
    who = tr("自荐人") if self_nomination else tr("候选人")
    end = period_end or (election_day - dt.timedelta(days=1))
    title = tr("{village}{term}村级组织换届{who}名单公示").format(village=village, term=term, who=who)
    order_text = tr("按提名得票多少为序") if order == "votes" else tr("按姓氏笔画为序")
    story: list = [para(title, st["title"])]
    story.append(para(tr("根据村级组织换届选举有关规定，经村级初审、乡镇（街道）复审和县级联审，现将{village}{who}名单"
                         "公示如下（{order}）。选举日为{day}。").format(village=village, who=who, order=order_text,
                                                                day=cn_date(election_day)), st["body"]))
    days = (end - posted_on).days + 1
    story.append(para(tr("公示期：{start}至{end}（共{n}天）。").format(start=cn_date(posted_on), end=cn_date(end), n=days),
                      st["body"]))
    story.append(Spacer(1, 3 * mm))
    if not groups or not any(g.entries for g in groups):
        story.append(para(tr("（暂无经资格审查合格的{who}）").format(who=who), st["body_noindent"]))
    by_votes = order == "votes"
    for group in groups:
        if not group.entries:
            continue
        entries = ordered(group.entries, order)
        heading = para(tr("{org}　{post}（应选{seats}名，{who}{n}名）").format(
            org=group.organization, post=group.post, seats=group.seats, who=who, n=len(entries)), st["heading"])
        head: list[object] = [tr("序号"), tr("姓名"), tr("性别"), tr("年龄"), tr("文化程度"), tr("政治面貌"), tr("现任职务"),
                tr("推荐方式")]
        widths = [12 * mm, 22 * mm, 12 * mm, 12 * mm, 20 * mm, 24 * mm, 46 * mm, 22 * mm]
        if by_votes:
            head.append(tr("提名票数"))
            widths = [12 * mm, 20 * mm, 12 * mm, 12 * mm, 20 * mm, 22 * mm, 36 * mm, 20 * mm, 16 * mm]
        rows: list[list[object]] = [head]
        for i, e in enumerate(entries, start=1):
            row: list[object] = [str(i), e.name, e.gender, "" if e.age is None else str(e.age), e.education,
                                 e.political_status, para(e.current_post or tr("无"), st["cell"]), e.source]
            if by_votes:
                row.append("" if e.nomination_votes is None else str(e.nomination_votes))
            rows.append(row)
        table = cell_table(rows, widths)
        story.append(CondPageBreak(40 * mm))
        # later pages repeat the title and the post being listed
        story.append(continuation(title, tr("{org}　{post}").format(org=group.organization, post=group.post)))
        story.append(KeepTogether([heading, table]) if len(rows) < 25 else heading)
        if len(rows) >= 25:
            story.append(table)
    story.append(Spacer(1, 6 * mm))
    closing: list = []
    closing.append(para(tr("公示期间，对名单有异议的，可向{village}村民选举委员会或{township}换届选举工作指导组反映。"
                           "反映情况须实事求是，署真实姓名。").format(village=village, township=township), st["body"]))
    closing.append(para(tr("联系电话：____________________"), st["body"]))
    closing.append(Spacer(1, 8 * mm))
    for issuer in issuers or [tr("{village}村民选举委员会").format(village=village)]:
        closing.append(para(tr("{issuer}（盖章）").format(issuer=issuer), st["right"]))
        closing.append(Spacer(1, 4 * mm))
    closing.append(para(cn_date(posted_on), st["right"]))
    if late_note:  # an administrator's reason for a date inside the statutory period (the file copy shows it)
        closing.append(Spacer(1, 4 * mm))
        closing.append(para(late_note, st["small"]))
    story.append(closing_block(*closing))  # the seals and the date stay with the lines above them
    return build_pdf(out, story, title=title, footer=tr("{village}　{who}名单公示").format(village=village, who=who))
