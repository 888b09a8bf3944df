"""委托投票证: the certificate a proxy holder shows at the polling station, one per approved written authorization,
two to an A4 sheet with a dashed cut line. Each carries a legible serial (村编码-序号, in the order of the published
委托投票名单: by holder, so one holder's certificates lie together), both names and 村民小组, the relationship, the date
of the written authorization, the election day, the rule the holder votes under and the election committee's seal.
Certificates carry no page numbers. No ID numbers are printed.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from reportlab.lib import colors
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Flowable, KeepTogether, PageBreak, Paragraph, Spacer, Table, TableStyle

from villagevote.i18n import tr
from villagevote.reports.pdf.base import build_pdf, cell_table, cn_date, styles
from villagevote.reports.pdf.voter_common import body_title, mixed

__all__ = ["ProxyCertificate", "proxy_certificates_pdf"]

PER_PAGE = 2
_W = 170 * mm
_H = 120 * mm


@dataclass(frozen=True)
class ProxyCertificate:
    serial: str  # e.g. 001-003
    village: str
    township: str
    cycle_label: str
    election_day: dt.date
    principal: str
    principal_group: str
    holder: str
    holder_group: str
    relation: str
    authorized_on: dt.date
    proxy_cap: int
    issued_on: dt.date
    issuer: str = ""


def _certificate(c: ProxyCertificate) -> Flowable:
    st = styles()
    issuer = c.issuer or tr("{village}村民选举委员会").format(village=c.village)
    grid = cell_table([
        [tr("委托人"), c.principal, tr("所在村民小组"), c.principal_group or tr("未分组")],
        [tr("受托人"), c.holder, tr("所在村民小组"), c.holder_group or tr("未分组")],
        [tr("与委托人关系"), c.relation, tr("书面委托日期"), cn_date(c.authorized_on)],
        [tr("选举日"), cn_date(c.election_day), "", ""],
    ], [34 * mm, 38 * mm, 38 * mm, 44 * mm], header_rows=0, font_size=12)
    grid.setStyle(TableStyle([("SPAN", (1, 3), (3, 3)), ("TOPPADDING", (0, 0), (-1, -1), 5),
                              ("BOTTOMPADDING", (0, 0), (-1, -1), 5)]))
    title = ParagraphStyle("vv_cert_title", parent=st["title"], spaceAfter=2 * mm)
    subtitle = ParagraphStyle("vv_cert_subtitle", parent=st["subtitle"], spaceAfter=0)
    inner: list[Flowable] = [
        Paragraph(mixed(tr("委托投票证")), title),
        Paragraph(mixed(body_title(c.village, c.cycle_label)), subtitle),
        Paragraph(mixed(tr("编号：{serial}").format(serial=c.serial)), st["right"]),
        grid,
        Spacer(1, 3 * mm),
        Paragraph(mixed(tr(
            "受托人凭本证和委托人的选民证代委托人领取选票、投票，并按委托人的意愿填写选票。每位受托人接受委托不超过"
            "{cap}人，受托人不得再委托他人。本证仅限本次选举使用，涂改无效。").format(cap=c.proxy_cap)), st["body_noindent"]),
        Spacer(1, 8 * mm),
        Paragraph(mixed(tr("{issuer}（盖章）").format(issuer=issuer)), st["right"]),
        Paragraph(mixed(cn_date(c.issued_on)), st["right"]),
    ]
    box = Table([[inner]], colWidths=[_W], rowHeights=[_H])
    box.setStyle(TableStyle([("BOX", (0, 0), (-1, -1), 1, colors.black), ("VALIGN", (0, 0), (-1, -1), "TOP"),
                             ("LEFTPADDING", (0, 0), (-1, -1), 8 * mm), ("RIGHTPADDING", (0, 0), (-1, -1), 8 * mm),
                             ("TOPPADDING", (0, 0), (-1, -1), 4 * mm)]))
    return KeepTogether([box])


def _cut_line() -> Flowable:
    line = Table([[""]], colWidths=[_W], rowHeights=[1])
    line.setStyle(TableStyle([("LINEBELOW", (0, 0), (-1, -1), 0.4, colors.black, 1, (3, 3))]))
    return line


def proxy_certificates_pdf(certificates: Sequence[ProxyCertificate], out: Path | str) -> Path:
    """Render the 委托投票证, two to a sheet, to ``out`` (no page numbers)."""
    story: list[Flowable] = []
    for index, cert in enumerate(certificates):
        if index and index % PER_PAGE == 0:
            story.append(PageBreak())
        elif index:
            story += [Spacer(1, 5 * mm), _cut_line(), Spacer(1, 5 * mm)]
        story.append(_certificate(cert))
    return build_pdf(out, story, title=tr("委托投票证"), page_numbers=False)
