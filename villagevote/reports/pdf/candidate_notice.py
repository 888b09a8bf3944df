"""候选人（自荐人）名单公示: the village notice posted before the vote — names and posts in surname-stroke order,
no ID numbers. Plain data in, PDF out; no database, no Qt.
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
from villagevote.reports.pdf.base import build_pdf, cell_table, styles
from villagevote.reports.pdf.text import para

__all__ = ["NoticeEntry", "NoticeGroup", "render_candidate_notice"]


@dataclass(frozen=True)
class NoticeEntry:
    name: str
    gender: str
    age: int | None
    education: str
    political_status: str
    current_post: str
    source: str


@dataclass(frozen=True)
class NoticeGroup:
    """One organization's post, e.g. 村民委员会 · 主任, with its seat count and the people standing."""

    organization: str
    post: str
    seats: int
    entries: Sequence[NoticeEntry]


def _cn(day: dt.date) -> str:
    return tr("{y}年{m}月{d}日").format(y=day.year, m=day.month, d=day.day)


def render_candidate_notice(
    out: Path | str,
    township: str,
    village: str,
    groups: Sequence[NoticeGroup],
    posted_on: dt.date,
    election_day: dt.date,
    self_nomination: bool = False,
    late_note: str = "",
) -> Path:
    """Write the notice. Entries of every group are printed in 姓氏笔画 order whatever order they come in."""
    st = styles()
    who = tr("自荐人") if self_nomination else tr("候选人")
    title = tr("{village}村级组织换届{who}名单公示").format(village=village, who=who)
    story: list = [para(title, st["title"])]
    story.append(para(tr("根据村级组织换届选举有关规定，经村级初审、乡镇复审和县级联审，现将{village}{who}名单公示如下"
                         "（按姓氏笔画为序）。选举日为{day}。").format(village=village, who=who, day=_cn(election_day)),
                      st["body"]))
    story.append(Spacer(1, 3 * mm))
    if not groups or not any(g.entries for g in groups):
        story.append(para(tr("（暂无经资格审查合格的{who}）").format(who=who), st["body_noindent"]))
    for group in groups:
        if not group.entries:
            continue
        entries = sorted(group.entries, key=lambda e: stroke_key(e.name))
        heading = para(tr("{org}　{post}（应选{seats}名，{who}{n}名）").format(
            org=group.organization, post=group.post, seats=group.seats, who=who, n=len(entries)), st["heading"])
        rows: list[list[object]] = [[tr("序号"), tr("姓名"), tr("性别"), tr("年龄"), tr("文化程度"), tr("政治面貌"),
                                     tr("现任职务"), tr("推荐方式")]]
        for i, e in enumerate(entries, start=1):
            rows.append([str(i), e.name, e.gender, "" if e.age is None else str(e.age), e.education,
                         e.political_status, para(e.current_post, st["cell"]), e.source])
        table = cell_table(rows, [12 * mm, 24 * mm, 12 * mm, 12 * mm, 20 * mm, 24 * mm, 44 * mm, 22 * mm])
        story.append(CondPageBreak(40 * mm))
        story.append(KeepTogether([heading, table]) if len(rows) < 25 else heading)
        if len(rows) >= 25:
            story.append(table)
    closing: list = [Spacer(1, 6 * mm)]
    closing.append(para(tr("公示期间，对名单有异议的，可向村选举委员会或乡镇（街道）换届选举工作指导组反映。"
                           "反映情况须实事求是，署真实姓名。"), st["body"]))
    closing.append(para(tr("联系电话：____________________"), st["body"]))
    closing.append(Spacer(1, 8 * mm))
    closing.append(para(tr("{village}村民选举委员会（盖章）").format(village=village), st["right"]))
    closing.append(para(tr("{township}换届选举工作指导组").format(township=township), st["right"]))
    closing.append(para(_cn(posted_on), st["right"]))
    if late_note:  # an administrator's reason for a date inside the statutory period (the file copy shows it)
        closing.append(Spacer(1, 4 * mm))
        closing.append(para(late_note, st["small"]))
    story.append(KeepTogether(closing))
    return build_pdf(out, story, title=title, footer=tr("{village}　{who}名单公示").format(village=village, who=who))
