"""当选证书: one certificate per elected person, issued by the township; stamped 未确认 (a draft) until official."""
from __future__ import annotations

from pathlib import Path

from reportlab.lib.enums import TA_CENTER, TA_RIGHT
from reportlab.lib.styles import ParagraphStyle

from villagevote.elections.records import ContestView
from villagevote.errors import ValidationError
from villagevote.fonts import pdf_fonts
from villagevote.i18n import tr
from villagevote.reports.pdf.base import Spacer, mm
from villagevote.reports.pdf.result_report import build, date_text, doc_break, stamp_for
from villagevote.reports.pdf.text import para


def _styles() -> dict[str, ParagraphStyle]:
    f = pdf_fonts()
    return {
        "big": ParagraphStyle("cert_big", fontName=f.heading, fontSize=36, leading=48, alignment=TA_CENTER),
        "text": ParagraphStyle("cert_text", fontName=f.formal, fontSize=18, leading=36, firstLineIndent=36,
                               wordWrap="CJK"),
        "name": ParagraphStyle("cert_name", fontName=f.formal, fontSize=18, leading=36, wordWrap="CJK"),
        "note": ParagraphStyle("cert_note", fontName=f.formal, fontSize=12, leading=18, wordWrap="CJK"),
        "issuer": ParagraphStyle("cert_issuer", fontName=f.formal, fontSize=16, leading=28, alignment=TA_RIGHT,
                                 wordWrap="CJK"),
        "serial": ParagraphStyle("cert_serial", fontName=f.body, fontSize=14, leading=20, alignment=TA_RIGHT,
                                 wordWrap="CJK"),
    }


def serial(contest: ContestView, n: int) -> str:
    """A serial an office can read out and file: the election year, the contest number and the certificate's
    number in the contest, e.g. 2026-0007-03."""
    year = contest.held_on.year if contest.held_on else 0
    return (f"{year}-" if year else "") + f"{contest.id or 0:04d}-{n:02d}"


def certificate_story(contest: ContestView) -> list:
    result = contest.result or {}
    if not result.get("valid") or not result.get("elected"):
        raise ValidationError(tr("{title}没有有效的当选人，不能打印当选证书").format(title=contest.title))
    st = _styles()
    issuer = tr("{t}人民政府").format(t=contest.township) if contest.body == "village_committee" \
        else tr("中共{t}委员会").format(t=contest.township)
    story: list = []
    for i, e in enumerate(result["elected"], start=1):
        if i > 1:
            story.append(doc_break())  # one certificate, one document (no page numbers on a certificate)
        note = [para(tr("（{note}）").format(note=e["label"][len(e["name"]):].strip("（）")), st["note"])] \
            if e.get("label") and e["label"] != e["name"] else []
        story += [para(tr("编号：{serial}").format(serial=serial(contest, i)), st["serial"]),
                  Spacer(1, 22 * mm), para(tr("当选证书"), st["big"]), Spacer(1, 20 * mm),
                  para(tr("{name}同志：").format(name=e["name"]), st["name"]), *note,
                  para(tr("在{date}举行的{title}中，您当选为{org}{post}。").format(
                      date=date_text(contest), title=contest.title, org=contest.org_name, post=e["post"]), st["text"]),
                  para(tr("特发此证。"), st["text"]), Spacer(1, 30 * mm),
                  para(tr("{issuer}（盖章）").format(issuer=issuer), st["issuer"]),
                  para(date_text(contest), st["issuer"])]
    return story


def render_certificates(contest: ContestView, out: Path | str) -> Path:
    return build(out, certificate_story(contest), title=tr("{title}当选证书").format(title=contest.title),
                 page_numbers=False, stamp=stamp_for(contest), watermark=stamp_for(contest))
