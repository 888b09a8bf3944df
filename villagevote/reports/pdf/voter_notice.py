"""选民名单公告: the voter list posted in each village 20 days before the vote.

Per village: a short notice text (publication date, objection deadline, election day), then for each 村民小组 a grid of
names and genders (five voters a line), the count per group, a summary table (per group: total, men, women) and the
election committee's seal line. ID numbers are never printed. Names are ordered by surname strokes within a group.

Speed: a township register has 50,000 voters. One reportlab ``Table`` with thousands of rows is split page by page,
and every split re-measures the rest of the table, which is quadratic. The grid is therefore cut into tables of at
most ``CHUNK_ROWS`` lines (less than a page), each laid out once; cells are plain strings, not Paragraphs, except for
rare long names.

Each village is one document: page numbers restart for it, later pages repeat the notice's title and the current
group ("第3村民小组（续）"), and the seal and date stay on the page of the summary table above them.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from reportlab.lib import colors
from reportlab.lib.units import mm
from reportlab.platypus import CondPageBreak, Flowable, KeepTogether, Paragraph, Spacer, Table, TableStyle

from villagevote.fonts import pdf_fonts
from villagevote.i18n import tr
from villagevote.names import stroke_key
from villagevote.reports.pdf.base import (
    build_pdf,
    closing_block,
    cn_date,
    cn_number,
    continuation,
    documents,
    styles,
)
from villagevote.reports.pdf.voter_common import cell, mixed, plain_ok

__all__ = ["CHUNK_ROWS", "NoticeGroup", "NoticeVoter", "VillageNotice", "voter_notice_pdf"]

PER_LINE = 5  # voters per table line
CHUNK_ROWS = 36  # table lines per reportlab Table (fits one A4 page at 10.5 pt)
FRAME_WIDTH = 170 * mm  # A4 minus 20 mm margins
_NAME_W = 22 * mm
_GENDER_W = FRAME_WIDTH / PER_LINE - _NAME_W
_LONG_NAME = 6  # characters; longer names get a wrapping Paragraph


@dataclass(frozen=True)
class NoticeVoter:
    name: str
    gender: str  # '男' / '女' / ''


@dataclass
class NoticeGroup:
    name: str  # e.g. 第一村民小组
    voters: list[NoticeVoter] = field(default_factory=list)
    presorted: bool = False  # voters already in 姓氏笔画 order (e.g. from the register's ORDER BY name_sort)


@dataclass
class VillageNotice:
    """Everything printed for one village."""

    village: str  # e.g. 青山村
    township: str
    cycle_label: str  # the 届次, e.g. 第十二届 (the cycle's name when no 届次 is recorded)
    election_day: dt.date
    published_on: dt.date
    objection_deadline: dt.date
    groups: list[NoticeGroup] = field(default_factory=list)
    issuer: str = ""  # default: "{village}村民选举委员会"
    late_note: str = ""  # an administrator's reason for a date inside the statutory period, printed small
    answer_days: int = 3  # the committee answers an objection within this many days (the cycle's rule profile)

    @property
    def total(self) -> int:
        return sum(len(g.voters) for g in self.groups)


def _cn(day: dt.date) -> str:
    return cn_date(day)


def _grid_style(font: str) -> TableStyle:
    cmds: list[tuple] = [
        ("FONTNAME", (0, 0), (-1, -1), font),
        ("FONTSIZE", (0, 0), (-1, -1), 10.5),
        ("LEADING", (0, 0), (-1, -1), 13),
        ("GRID", (0, 0), (-1, -1), 0.4, colors.black),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("ALIGN", (0, 0), (-1, -1), "CENTER"),
        ("TOPPADDING", (0, 0), (-1, -1), 2.5),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 3.5),
    ]
    return TableStyle(cmds)


def _group_tables(group: NoticeGroup, font: str, cell_style) -> list[Flowable]:
    voters = group.voters if group.presorted else sorted(group.voters, key=lambda v: stroke_key(v.name))
    cells: list[object] = []
    for v in voters:
        name: object = v.name if len(v.name) <= _LONG_NAME and plain_ok(v.name, font) else Paragraph(
            mixed(v.name, font), cell_style)
        cells.append(name)
        cells.append(v.gender)
    width = PER_LINE * 2
    lines = [cells[i:i + width] for i in range(0, len(cells), width)]
    if lines and len(lines[-1]) < width:
        lines[-1] = lines[-1] + [""] * (width - len(lines[-1]))
    col_widths = [_NAME_W, _GENDER_W] * PER_LINE
    tables: list[Flowable] = []
    for start in range(0, len(lines), CHUNK_ROWS):
        chunk = lines[start:start + CHUNK_ROWS]
        table = Table(chunk, colWidths=col_widths)
        table.setStyle(_grid_style(font))
        tables.append(table)
    return tables


def _summary(notice: VillageNotice) -> Table:
    fonts = pdf_fonts()
    rows: list[list[object]] = [[tr("村民小组"), tr("选民人数"), tr("男"), tr("女")]]
    men_total = women_total = 0
    for g in notice.groups:
        men = sum(1 for v in g.voters if v.gender == "男")
        women = sum(1 for v in g.voters if v.gender == "女")
        men_total += men
        women_total += women
        rows.append([cell(g.name, styles()["cell_center"]), str(len(g.voters)), str(men), str(women)])
    rows.append([tr("合计"), str(notice.total), str(men_total), str(women_total)])
    last = len(rows) - 1
    table = Table(rows, colWidths=[60 * mm, 30 * mm, 25 * mm, 25 * mm], repeatRows=1)
    table.setStyle(TableStyle([
        ("FONTNAME", (0, 0), (-1, -1), fonts.body),
        ("FONTNAME", (0, 0), (-1, 0), fonts.heading),
        ("FONTNAME", (0, last), (0, last), fonts.heading),
        ("FONTSIZE", (0, 0), (-1, -1), 10.5),
        ("GRID", (0, 0), (-1, -1), 0.5, colors.black),
        ("ALIGN", (0, 0), (-1, -1), "CENTER"),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
    ]))
    return table


def notice_title(notice: VillageNotice) -> str:
    return tr("{village}{cycle}村民委员会选举").format(village=notice.village, cycle=notice.cycle_label)


def _village_story(notice: VillageNotice) -> list[Flowable]:
    st = styles()
    font = pdf_fonts().body
    issuer = notice.issuer or tr("{village}村民选举委员会").format(village=notice.village)
    head_title = tr("{title}选民名单公告").format(title=notice_title(notice))
    story: list[Flowable] = [
        continuation(head_title),
        Paragraph(mixed(notice_title(notice)) + "<br/>" + mixed(tr("选民名单公告")), st["title"]),
        Paragraph(mixed(tr(
            "根据《中华人民共和国村民委员会组织法》和本省村民委员会选举办法的规定，经登记，本村共有选民 {total} 人，"
            "现将选民名单予以公布。本村定于{election}举行村民委员会选举。对公布的选民名单有不同意见的，"
            "请于{deadline}前向村民选举委员会书面提出，村民选举委员会将在收到之日起{days}日内依法作出处理。").format(
            total=notice.total, election=_cn(notice.election_day), deadline=_cn(notice.objection_deadline), days=cn_number(notice.answer_days))),
            st["body"]),
        Spacer(1, 3 * mm),
    ]
    cell_style = st["cell_center"]
    for group in notice.groups:
        men = sum(1 for v in group.voters if v.gender == "男")
        heading = Paragraph(mixed(tr("{group}（共 {n} 人，其中男 {m} 人、女 {w} 人）").format(
            group=group.name, n=len(group.voters), m=men, w=len(group.voters) - men)), st["heading"])
        tables = _group_tables(group, font, cell_style)
        story.append(CondPageBreak(30 * mm))  # a heading and a few lines of names, else a new page
        # the running-head marker goes with the heading, so a group that starts a page is not "（续）" there
        story.extend([continuation(head_title, group.name), heading])
        story.extend(tables or [Paragraph(tr("（本组无选民）"), st["small"])])
    story.append(KeepTogether([continuation(head_title, tr("选民人数汇总")),
                               Paragraph(tr("选民人数汇总"), st["heading"]), _summary(notice)]))
    story.append(closing_block(
        Spacer(1, 10 * mm),
        Paragraph(mixed(tr("{issuer}（盖章）").format(issuer=issuer)), st["right"]),
        Paragraph(mixed(_cn(notice.published_on)), st["right"]),
        *([Spacer(1, 4 * mm), Paragraph(mixed(notice.late_note), st["small"])] if notice.late_note else []),
    ))
    return story


def voter_notice_pdf(notices: Sequence[VillageNotice] | Iterable[VillageNotice], out: Path | str) -> Path:
    """Render the 选民名单公告 of one or more villages (each starting on a new page) to ``out``."""
    notices = list(notices)
    story: list[Flowable] = []
    story.extend(documents(_village_story(notice) for notice in notices))
    if not story:
        story.append(Paragraph(tr("（没有可公布的选民名单）"), styles()["body"]))
    title = tr("选民名单公告") if len(notices) != 1 else tr("{village}选民名单公告").format(village=notices[0].village)
    township = notices[0].township if notices else ""
    return build_pdf(out, story, title=title, footer=township)
