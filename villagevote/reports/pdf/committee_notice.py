"""村民选举委员会成员名单公告: who presides over a village's village-committee election.

The database keeps no 村民选举委员会 members: the names come from whoever prints (``CommitteeNames``). Without
names the form is a notice to fill in by hand (``members=None``) — never invented names."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

from reportlab.platypus import Table

from villagevote.elections.print_data import VillageFacts
from villagevote.i18n import tr
from villagevote.reports.pdf.base import Spacer, cell_table, mm, styles
from villagevote.reports.pdf.election_staff_notice import date_text_of
from villagevote.reports.pdf.result_report import build, closing
from villagevote.reports.pdf.text import para

BLANK_MEMBERS = 5


@dataclass(frozen=True)
class CommitteeNames:
    chair: list[str] = field(default_factory=list)    # 主任
    vice: list[str] = field(default_factory=list)     # 副主任
    members: list[str] = field(default_factory=list)  # 委员

    def empty(self) -> bool:
        return not (self.chair or self.vice or self.members)

    def rows(self) -> list[tuple[str, str]]:
        return ([(tr("主任"), n) for n in self.chair] + [(tr("副主任"), n) for n in self.vice]
                + [(tr("委员"), n) for n in self.members])


def committee_title(facts: VillageFacts) -> str:
    return tr("{village}{term}村民选举委员会成员名单公告").format(village=facts.village, term=facts.term)


def _table(names: CommitteeNames | None) -> Table:
    rows: list[list[str]] = [[tr("序号"), tr("职务"), tr("姓名")]]
    entries = names.rows() if names is not None else [(tr("主任"), "")] + [("", "")] * (BLANK_MEMBERS - 1)
    for i, (post, name) in enumerate(entries, start=1):
        rows.append([str(i), post, name])
    table = cell_table(rows, [20 * mm, 50 * mm, 80 * mm], font_size=14, header_rows=0)  # no tinted header
    table.setStyle([("TOPPADDING", (0, 1), (-1, -1), 6),
                    ("BOTTOMPADDING", (0, 1), (-1, -1), 6)])
    return table


def committee_story(facts: VillageFacts, names: CommitteeNames | None, day: dt.date | None) -> list:
    st = styles()
    count = len(names.rows()) if names is not None else 0
    intro = tr("{village}村民选举委员会由村民会议、村民代表会议或者各村民小组会议推选产生，主持本村{term}村民委员会"
               "的选举。").format(village=facts.village, term=facts.term)
    listing = tr("现将村民选举委员会成员（共 {n} 人）名单公告如下：").format(n=count) if count \
        else tr("现将村民选举委员会成员名单公告如下：")
    story: list = [para(committee_title(facts), st["title"]), para(intro + listing, st["body"]),
                   Spacer(1, 3 * mm), _table(names), Spacer(1, 4 * mm),
                   para(tr("村民选举委员会成员被提名为村民委员会成员候选人的，应当退出村民选举委员会；"
                           "出缺的，按照原推选结果依次递补，也可以另行推选。"), st["body"])]
    if facts.election_day is not None:
        story.append(para(tr("本村村民委员会选举日：{d}。").format(d=date_text_of(facts.election_day)), st["body"]))
    story.append(para(tr("特此公告。"), st["body"]))
    story.append(Spacer(1, 12 * mm))
    story.append(closing(para(tr("{village}村民选举委员会（盖章）").format(village=facts.village), st["right"]),
                         para(date_text_of(day), st["right"])))
    return story


def render_committee_notice(facts: VillageFacts, names: CommitteeNames | None, out: Path | str,
                            day: dt.date | None = None) -> Path:
    """The notice of ``facts.village`` listing ``names`` (None: a blank notice to fill in by hand), dated ``day``."""
    return build(out, committee_story(facts, names, day), title=committee_title(facts))
