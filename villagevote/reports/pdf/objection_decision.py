"""异议处理决定通知书: the election committee's written decision on one objection to the voter list, handed to the
person who raised it (组织法 §14: 自收到申诉之日起三日内作出处理决定), with a receipt (送达回执) to cut off and file.

One decided objection per document (page numbers restart; a decision fits one page). No ID numbers are printed.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from reportlab.lib.units import mm
from reportlab.platypus import Flowable, Paragraph, Spacer, Table, TableStyle

from villagevote.i18n import tr
from villagevote.reports.pdf.base import build_pdf, closing_block, cn_date, documents, styles
from villagevote.reports.pdf.voter_common import body_title, mixed

__all__ = ["Decision", "objection_decisions_pdf"]

_END_PUNCT = "。；，、 "


@dataclass(frozen=True)
class Decision:
    number: str  # the notice's number, e.g. 青溪村选委异〔2026〕1号
    village: str
    township: str
    cycle_label: str
    raised_by: str
    about: str
    about_group: str
    request: str  # "add", "remove" or "correct"
    ground: str
    received_on: dt.date
    upheld: bool
    answer: str
    answered_on: dt.date
    issuer: str = ""


def _clause(text: str) -> str:
    return text.strip().rstrip(_END_PUNCT)


def _request_text(d: Decision) -> str:
    return {
        "remove": tr("将{about}从选民名单中除名"),
        "add": tr("将{about}列入选民名单"),
        "correct": tr("更正{about}的选民登记信息"),
    }.get(d.request, tr("处理涉及{about}的登记")).format(about=d.about)


def _outcome_text(d: Decision) -> str:
    if not d.upheld:
        return tr("{about}在选民名单中的登记不作变动。").format(about=d.about)
    group = tr("（{group}）").format(group=d.about_group) if d.about_group else ""
    return {
        "remove": tr("已将{about}从本村选民名单中除名，并将在选民补登、除名公告中公布。"),
        "add": tr("已将{about}{group}列入本村选民名单，并将在选民补登、除名公告中公布。"),
        "correct": tr("已更正{about}的选民登记信息。"),
    }.get(d.request, "").format(about=d.about, group=group)


def _receipt(d: Decision, issuer: str) -> Flowable:
    st = styles()
    rows = [
        [Paragraph(mixed(tr("送达回执")), st["subtitle"])],
        [Paragraph(mixed(tr("本人（{who}）已收到{issuer}{number}《选民名单异议处理决定通知书》。").format(
            who=d.raised_by, issuer=issuer, number=d.number)), st["body_noindent"])],
        [Paragraph(mixed(tr("签收人：____________　　签收日期：______年____月____日")), st["body_noindent"])],
        [Paragraph(mixed(tr("送达人：____________")), st["body_noindent"])],
    ]
    table = Table(rows, colWidths=[170 * mm])
    table.setStyle(TableStyle([("LINEABOVE", (0, 0), (-1, 0), 0.6, "black", 1, (3, 3)),
                               ("TOPPADDING", (0, 0), (-1, 0), 5 * mm), ("TOPPADDING", (0, 1), (-1, -1), 3)]))
    return table


def _story(d: Decision) -> list[Flowable]:
    st = styles()
    issuer = d.issuer or tr("{village}村民选举委员会").format(village=d.village)
    body = st["body"]
    verdict = tr("异议成立。") if d.upheld else tr("异议不成立。")
    return [
        Paragraph(mixed(body_title(d.village, d.cycle_label)) + "<br/>" + mixed(tr("选民名单异议处理决定通知书")),
                  st["title"]),
        Paragraph(mixed(d.number), st["subtitle"]),
        Paragraph(mixed(tr("{who}：").format(who=d.raised_by)), st["body_noindent"]),
        Paragraph(mixed(tr("你于{received}向本村村民选举委员会提出对选民名单的异议，认为{ground}，请求{request}。").format(
            received=cn_date(d.received_on), ground=_clause(d.ground), request=_request_text(d))), body),
        Paragraph(mixed(tr("本委员会依照《中华人民共和国村民委员会组织法》第十四条的规定，经调查核实，"
                           "于{answered}作出处理决定如下：").format(answered=cn_date(d.answered_on))), body),
        Paragraph(mixed(verdict + (_clause(d.answer) + "。" if d.answer.strip() else "")), body),
        Paragraph(mixed(_outcome_text(d)), body),
        closing_block(
            Paragraph(mixed(tr("特此通知。")), body),
            Spacer(1, 10 * mm),
            Paragraph(mixed(tr("{issuer}（盖章）").format(issuer=issuer)), st["right"]),
            Paragraph(mixed(cn_date(d.answered_on)), st["right"]),
        ),
        Spacer(1, 18 * mm),
        _receipt(d, issuer),
    ]


def objection_decisions_pdf(decisions: Sequence[Decision], out: Path | str) -> Path:
    """Render one 异议处理决定通知书 per decided objection (one document each) to ``out``."""
    story: list[Flowable] = []
    story.extend(documents(_story(d) for d in decisions))
    title = tr("选民名单异议处理决定通知书")
    return build_pdf(out, story, title=title, footer=decisions[0].township if decisions else "")
