"""选民补登、除名公告: after the voter list is posted, the election committee posts who was added to it (补登: a late
registration, a voter restored, a person listed by an upheld objection), who was taken off it (除名: death, moving
out, an upheld objection) and whose entry was corrected, with the list's total afterwards.

Public: names, gender, 村民小组, a short basis and the date — never ID numbers, nor the recorded reasons (a death
certificate, who raised an objection), which stay in the register's history. Each village is one document.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from reportlab.lib.units import mm
from reportlab.platypus import Flowable, Paragraph, Spacer

from villagevote.i18n import tr
from villagevote.reports.pdf.base import (
    build_pdf,
    cell_table,
    closing_block,
    cn_date,
    continuation,
    documents,
    styles,
)
from villagevote.reports.pdf.voter_common import body_title, mixed

__all__ = ["ChangeLine", "VillageChanges", "voter_changes_notice_pdf"]

_WIDTHS = [12 * mm, 24 * mm, 12 * mm, 30 * mm, 58 * mm, 34 * mm]


@dataclass(frozen=True)
class ChangeLine:
    name: str
    gender: str
    group: str
    basis: str  # e.g. 死亡, 漏登（异议成立）
    on: dt.date


@dataclass
class VillageChanges:
    village: str
    township: str
    cycle_label: str
    election_day: dt.date
    published_on: dt.date  # when the voter list was posted
    dated: dt.date  # this notice's date
    total: int  # voters on the list now
    added: list[ChangeLine] = field(default_factory=list)
    removed: list[ChangeLine] = field(default_factory=list)
    corrected: list[ChangeLine] = field(default_factory=list)
    issuer: str = ""


def _table(lines: Sequence[ChangeLine], basis_head: str) -> Flowable:
    rows: list[list[object]] = [[tr("序号"), tr("姓名"), tr("性别"), tr("村民小组"), basis_head, tr("日期")]]
    for i, ln in enumerate(lines, start=1):
        rows.append([str(i), ln.name, ln.gender, ln.group or tr("未分组"), ln.basis, cn_date(ln.on)])
    return cell_table(rows, _WIDTHS, font_size=11)


def _village_story(v: VillageChanges) -> list[Flowable]:
    st = styles()
    issuer = v.issuer or tr("{village}村民选举委员会").format(village=v.village)
    title = body_title(v.village, v.cycle_label)
    body = st["body"]
    story: list[Flowable] = [
        continuation(tr("{title}选民补登、除名公告").format(title=title)),
        Paragraph(mixed(title) + "<br/>" + mixed(tr("选民补登、除名公告")), st["title"]),
        Paragraph(mixed(tr(
            "本村选民名单已于{published}公布。名单公布后，经村民选举委员会审核，对选民名单作如下变动，现予公告：").format(
            published=cn_date(v.published_on))), body),
    ]
    sections = [(v.added, tr("补登选民"), tr("补登依据")), (v.removed, tr("除名"), tr("除名原因")),
                (v.corrected, tr("登记信息更正"), tr("更正内容"))]
    number = "一二三"
    shown = 0
    for lines, heading, basis_head in sections:
        if not lines:
            continue
        story.append(Paragraph(mixed(tr("{n}、{what}（共 {count} 人）").format(
            n=number[shown], what=heading, count=len(lines))), st["heading"]))
        story.append(_table(lines, basis_head))
        shown += 1
    story.append(Spacer(1, 3 * mm))
    story.append(closing_block(
        Paragraph(mixed(tr(
            "变动后，本村共有选民 {total} 人。本村定于{election}举行村民委员会选举。对以上变动有不同意见的，"
            "请及时向村民选举委员会提出。").format(total=v.total, election=cn_date(v.election_day))), body),
        Spacer(1, 10 * mm),
        Paragraph(mixed(tr("{issuer}（盖章）").format(issuer=issuer)), st["right"]),
        Paragraph(mixed(cn_date(v.dated)), st["right"]),
    ))
    return story


def voter_changes_notice_pdf(villages: Sequence[VillageChanges], out: Path | str) -> Path:
    """Render the 选民补登、除名公告 of one or more villages (one document each) to ``out``."""
    story: list[Flowable] = []
    story.extend(documents(_village_story(v) for v in villages))
    title = tr("选民补登、除名公告") if len(villages) != 1 else tr("{village}选民补登、除名公告").format(
        village=villages[0].village)
    return build_pdf(out, story, title=title, footer=villages[0].township if villages else "")
