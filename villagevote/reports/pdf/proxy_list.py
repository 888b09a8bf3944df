"""委托投票名单公告: the published list of principals (委托人) and their proxy holders (受托人) per village.

One line per approved written authorization: principal, group, holder, relationship, authorization date. The list is
posted before the vote so villagers can check that every holder is a near relative and carries no more proxies
than allowed. No ID numbers are printed. Lines are ordered by the holder's surname strokes, so each holder's
principals stand together, and the count per holder is shown. Each village is one document (page numbers restart);
dates read 2026年11月18日; the seal and date stay on the page of the last rows.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from reportlab.lib import colors
from reportlab.lib.units import mm
from reportlab.platypus import Flowable, Paragraph, Spacer, Table, TableStyle

from villagevote.fonts import pdf_fonts
from villagevote.i18n import tr
from villagevote.names import stroke_key
from villagevote.reports.pdf.base import build_pdf, closing_block, cn_date, continuation, documents, styles
from villagevote.reports.pdf.voter_common import body_title, cell, mixed

__all__ = ["ProxyLine", "VillageProxyList", "proxy_list_pdf"]

CHUNK_ROWS = 34


@dataclass(frozen=True)
class ProxyLine:
    principal: str
    principal_group: str
    holder: str
    holder_group: str
    relation: str  # Chinese label, e.g. 配偶
    authorized_on: dt.date


@dataclass
class VillageProxyList:
    village: str
    township: str
    cycle_label: str
    election_day: dt.date
    published_on: dt.date
    proxy_cap: int
    lines: list[ProxyLine] = field(default_factory=list)
    issuer: str = ""


def _table(rows: Sequence[Sequence[object]], header: bool) -> Table:
    fonts = pdf_fonts()
    widths = [11 * mm, 25 * mm, 26 * mm, 25 * mm, 26 * mm, 20 * mm, 37 * mm]
    table = Table(rows, colWidths=widths, repeatRows=1 if header else 0)
    cmds = [
        ("FONTNAME", (0, 0), (-1, -1), fonts.body),
        ("FONTSIZE", (0, 0), (-1, -1), 10.5),
        ("GRID", (0, 0), (-1, -1), 0.4, colors.black),
        ("ALIGN", (0, 0), (-1, -1), "CENTER"),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("TOPPADDING", (0, 0), (-1, -1), 3),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 4),
    ]
    if header:
        cmds += [("FONTNAME", (0, 0), (-1, 0), fonts.heading)]
    table.setStyle(TableStyle(cmds))
    return table


def _village_story(plist: VillageProxyList) -> list[Flowable]:
    st = styles()
    issuer = plist.issuer or tr("{village}村民选举委员会").format(village=plist.village)
    lines = sorted(plist.lines, key=lambda ln: (stroke_key(ln.holder), ln.holder_group, stroke_key(ln.principal)))
    holders = len({(ln.holder, ln.holder_group) for ln in lines})
    title = body_title(plist.village, plist.cycle_label)
    story: list[Flowable] = [
        continuation(tr("{title}委托投票名单公告").format(title=title)),
        Paragraph(mixed(title) + "<br/>" + mixed(tr("委托投票名单公告")), st["title"]),
        Paragraph(mixed(tr(
            "经村民选举委员会审核同意，下列 {n} 名选民书面委托其近亲属代为投票，受托人共 {h} 人，"
            "每位受托人接受委托不超过 {cap} 人。现予公布，村民如有异议，请于选举日（{election}）前向村民选举委员会提出。").format(
            n=len(lines), h=holders, cap=plist.proxy_cap, election=cn_date(plist.election_day))), st["body"]),
        Spacer(1, 3 * mm),
    ]
    head: list[object] = [tr("序号"), tr("委托人"), tr("委托人所在组"), tr("受托人"), tr("受托人所在组"), tr("关系"), tr("委托日期")]
    cs = st["cell_center"]
    body: list[list[object]] = [[str(i), cell(ln.principal, cs), cell(ln.principal_group, cs), cell(ln.holder, cs),
             cell(ln.holder_group, cs), ln.relation, cell(cn_date(ln.authorized_on), cs)] for i, ln in enumerate(lines, start=1)]
    seal = [Spacer(1, 10 * mm), Paragraph(mixed(tr("{issuer}（盖章）").format(issuer=issuer)), st["right"]),
            Paragraph(mixed(cn_date(plist.published_on)), st["right"])]
    if not body:
        story.append(closing_block(Paragraph(tr("（本村无委托投票）"), st["body_noindent"]), *seal))
        return story
    for start in range(0, len(body), CHUNK_ROWS):
        story.append(_table([head] + body[start:start + CHUNK_ROWS], header=True))
    story.append(closing_block(*seal))  # carries the last rows with it when the page is full
    return story


def proxy_list_pdf(lists: Sequence[VillageProxyList], out: Path | str) -> Path:
    """Render the 委托投票名单公告 of one or more villages (each on new pages) to ``out``."""
    story: list[Flowable] = []
    story.extend(documents(_village_story(plist) for plist in lists))
    if not story:
        story.append(Paragraph(tr("（没有委托投票记录）"), styles()["body"]))
    title = tr("委托投票名单公告")
    return build_pdf(out, story, title=title, footer=lists[0].township if lists else "")
