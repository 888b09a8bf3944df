"""监票人、计票人名单公告: who oversees and who counts the vote of one contest, posted before the election day.

The database keeps no 监票人 or 计票人: the names come from whoever prints (``StaffNames``). Without names the form
is a notice to fill in by hand (``render_staff_notice(..., staff=None)``) — never invented names."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

from reportlab.platypus import Table

from villagevote.elections.records import ContestView
from villagevote.i18n import tr
from villagevote.reports.pdf.base import Spacer, cell_table, cn_date, mm, styles
from villagevote.reports.pdf.result_report import build, closing, date_text
from villagevote.reports.pdf.text import para

BLANK_ROWS = {"chief": 1, "scrutineers": 4, "tellers": 4}


@dataclass(frozen=True)
class StaffNames:
    chief: list[str] = field(default_factory=list)        # 总监票人
    scrutineers: list[str] = field(default_factory=list)  # 监票人
    tellers: list[str] = field(default_factory=list)      # 计票人

    def empty(self) -> bool:
        return not (self.chief or self.scrutineers or self.tellers)


def staff_title(contest: ContestView) -> str:
    return tr("{title}监票人、计票人名单公告").format(title=contest.title)


def issuer(contest: ContestView) -> str:
    if contest.body == "village_committee":
        return tr("{village}村民选举委员会").format(village=contest.village)
    return contest.org_name  # 青溪村党组织: the branch proposes the list to the Party members' meeting


def _table(staff: StaffNames | None) -> Table:
    rows: list[list[str]] = [[tr("职责"), tr("姓名")]]
    roles = (("chief", tr("总监票人")), ("scrutineers", tr("监票人")), ("tellers", tr("计票人")))
    for key, label in roles:
        names = getattr(staff, key) if staff is not None else [""] * BLANK_ROWS[key]
        for name in names:
            rows.append([label, name])
    table = cell_table(rows, [50 * mm, 90 * mm], font_size=14, header_rows=0)  # no tinted header
    table.setStyle([("TOPPADDING", (0, 1), (-1, -1), 6),
                    ("BOTTOMPADDING", (0, 1), (-1, -1), 6)])
    return table


def staff_story(contest: ContestView, staff: StaffNames | None, day: dt.date | None) -> list:
    st = styles()
    when = date_text(contest) if contest.held_on else tr("选举日")
    if contest.body == "village_committee":
        intro = tr("现将{when}{village}村民委员会选举的总监票人、监票人、计票人名单公告如下：").format(
            when=when, village=contest.village)
        rule = tr("候选人及其近亲属不得担任总监票人、监票人、计票人。")
    else:
        intro = tr("{when}{village}党员大会选举的总监票人、监票人、计票人名单如下，须经党员大会表决通过：").format(
            when=when, village=contest.village)
        rule = tr("候选人不得担任总监票人、监票人、计票人。")
    story: list = [para(staff_title(contest), st["title"]), para(intro, st["body"]), Spacer(1, 3 * mm),
                   _table(staff), Spacer(1, 4 * mm), para(rule, st["body"])]
    story.append(para(tr("特此公告。"), st["body"]))
    story.append(Spacer(1, 12 * mm))
    story.append(closing(para(tr("{issuer}（盖章）").format(issuer=issuer(contest)), st["right"]),
                         para(date_text_of(day), st["right"])))
    return story


def date_text_of(day: dt.date | None) -> str:
    """2026年11月18日, or blank lines to write the date by hand."""
    return cn_date(day) if day is not None else tr("______年____月____日")


def render_staff_notice(contest: ContestView, staff: StaffNames | None, out: Path | str,
                        day: dt.date | None = None) -> Path:
    """The notice with ``staff`` (None: a blank notice to fill in by hand), dated ``day`` (blank when None)."""
    return build(out, staff_story(contest, staff, day), title=staff_title(contest))
