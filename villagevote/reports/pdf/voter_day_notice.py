"""选民登记日和选举日公告: the election committee announces, before registering voters, when voters are registered
and when the village votes, who is registered (组织法 §13), the age cut-off (counted on the election day) and the
statutory dates that follow (voter list, objections, candidates, proxies).

One page per village; each village is one document (page numbers restart). Dates not known yet (a registration
period nobody entered) are printed as blanks to be written in by hand.
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

__all__ = ["CalendarLine", "DayNotice", "voter_day_notice_pdf"]

BLANK_DATE = "____年____月____日"


@dataclass(frozen=True)
class CalendarLine:
    label: str  # e.g. 公布选民名单
    due: dt.date
    basis: str  # e.g. 选举日前20天


@dataclass
class DayNotice:
    village: str
    township: str
    cycle_label: str  # 第十二届 (or the cycle's name)
    election_day: dt.date
    registration_from: dt.date | None  # None: left blank for handwriting
    registration_to: dt.date | None
    born_by: dt.date  # born on or before this day: of age on the election day
    min_age: int
    residence_years: int
    objection_when: str  # e.g. 自名单公布之日起5日内 (or 在选举日的10日以前, as the province's rules say)
    answer_when: str  # e.g. 自收到之日起3日内
    list_days: int  # the voter list is posted at least this many days before the election day
    dated: dt.date  # the notice's date
    calendar: list[CalendarLine] = field(default_factory=list)
    issuer: str = ""


def _registration_text(n: DayNotice) -> str:
    start, end = n.registration_from, n.registration_to
    if start is None and end is None:
        return tr("{a}至{b}").format(a=BLANK_DATE, b=BLANK_DATE)
    if start is None or end is None or start == end:
        return cn_date(start or end)
    return tr("{a}至{b}").format(a=cn_date(start), b=cn_date(end))


def _village_story(n: DayNotice) -> list[Flowable]:
    st = styles()
    issuer = n.issuer or tr("{village}村民选举委员会").format(village=n.village)
    title = body_title(n.village, n.cycle_label)
    body, plain = st["body"], st["body_noindent"]
    story: list[Flowable] = [
        continuation(tr("{title}选民登记日和选举日公告").format(title=title)),
        Paragraph(mixed(title) + "<br/>" + mixed(tr("选民登记日和选举日公告")), st["title"]),
        Paragraph(mixed(tr(
            "根据《中华人民共和国村民委员会组织法》和本省村民委员会选举办法的规定，经本村村民选举委员会研究决定，"
            "现将本村{title}的选民登记日和选举日公告如下：").format(title=title)), body),
        Paragraph(mixed(tr("一、选民登记日：{days}。").format(days=_registration_text(n))), body),
        Paragraph(mixed(tr("二、选举日：{day}。").format(day=cn_date(n.election_day))), body),
        Paragraph(mixed(tr(
            "三、登记对象：年满{age}周岁（{born}以前出生，年龄计算以选举日为准）、未被依法剥夺政治权利的下列人员，"
            "列入本村选民名单：（一）户籍在本村并且在本村居住的村民；（二）户籍在本村，不在本村居住，本人表示参加选举的"
            "村民；（三）户籍不在本村，在本村居住{years}年以上，本人申请参加选举，并且经村民会议或者村民代表会议同意参加"
            "选举的公民。已在户籍所在村或者居住村登记参加选举的，不得再参加其他地方村民委员会的选举。").format(
            age=n.min_age, born=cn_date(n.born_by), years=n.residence_years)), body),
        Paragraph(mixed(tr(
            "四、选民名单在选举日的{before}日以前公布。对公布的选民名单有不同意见的，可以{when}向村民选举委员会提出，"
            "村民选举委员会{answer}作出处理决定，并公布处理结果。").format(
            before=n.list_days, when=n.objection_when, answer=n.answer_when)), body),
        Paragraph(mixed(tr("五、主要时间安排：")), body),
    ]
    rows: list[list[object]] = [[tr("序号"), tr("事项"), tr("日期"), tr("依据")]]
    for i, line in enumerate(n.calendar, start=1):
        rows.append([str(i), line.label, cn_date(line.due), line.basis])
    story.append(cell_table(rows, [14 * mm, 52 * mm, 44 * mm, 50 * mm], font_size=11))
    story.append(Spacer(1, 3 * mm))
    story.append(Paragraph(mixed(tr(
        "请符合条件的村民在登记日内到村民选举委员会办理登记或者核对登记信息；户籍不在本村、申请参加选举的，"
        "请在登记日内向村民选举委员会提出书面申请。")), body))
    story.append(closing_block(
        Paragraph(mixed(tr("特此公告。")), plain),
        Spacer(1, 10 * mm),
        Paragraph(mixed(tr("{issuer}（盖章）").format(issuer=issuer)), st["right"]),
        Paragraph(mixed(cn_date(n.dated)), st["right"]),
    ))
    return story


def voter_day_notice_pdf(notices: Sequence[DayNotice], out: Path | str) -> Path:
    """Render the 选民登记日和选举日公告 of one or more villages (one document each) to ``out``."""
    story: list[Flowable] = []
    story.extend(documents(_village_story(notice) for notice in notices))
    title = tr("选民登记日和选举日公告") if len(notices) != 1 else tr("{village}选民登记日和选举日公告").format(
        village=notices[0].village)
    return build_pdf(out, story, title=title, footer=notices[0].township if notices else "")
