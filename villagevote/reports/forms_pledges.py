"""Pledge prints for the CLI and GUI registry: `villagevote print pledges` and `villagevote print pledge-notice`.

Options (``--option KEY=VALUE``; both forms also take ``cycle=<id>``, default the current cycle):
- pledge: ``pledge=<id>`` (one pledge, as the 承诺 page prints it)
- pledges: ``candidate=姓名`` (one candidate), ``kind=discipline|term_goals|…`` or its Chinese label
- pledge-notice: ``from=2026-03-05``, ``until=2026-03-10`` (default: from today until the day before the election),
  ``issuer=落款`` (one body, or several separated by ``；`` — each gets its own seal line; default: the township
  Party committee and the village Party organization)

Pledges are posted (示诺): the ID number prints as the masking table says for ``pledge``/``pledges``
(``reports/masking.py``: masked, 资格承诺 included — its frozen text carries the number in full, which the print
replaces). Every copy of every pledge is numbered "第 N 页 共 M 页" on its own.
"""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import replace
from pathlib import Path

from sqlalchemy.orm import Session

from villagevote.audit import Actor
from villagevote.auth import Permission, require
from villagevote.errors import ValidationError
from villagevote.i18n import tr
from villagevote.models.enums import OrgKind, PledgeKind
from villagevote.pledges.prints import (
    PledgeToPrint,
    candidacies_named,
    notice_data,
    pledge_to_print,
    printable_pledges,
    village_by_name,
)
from villagevote.pledges.service import organization_name
from villagevote.pledges.templates import ItemsTable, RenderedPledge
from villagevote.pledges.templates import Paragraph as TextParagraph
from villagevote.reports.forms_candidates import cycle_of
from villagevote.reports.masking import mask_id
from villagevote.reports.pdf.base import term_label
from villagevote.reports.pdf.pledge import PledgePrint, pledge_pdf
from villagevote.reports.pdf.pledge_notice import pledge_notice_pdf
from villagevote.reports.registry import Form, Options

__all__ = ["FORMS", "masked_pledge", "print_one_pledge", "print_pledge_notice", "print_pledges"]


def _parse_date(text: str, key: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text.strip())
    except ValueError:
        raise ValidationError(tr("选项 {key}={v} 不是日期，应写成 2026-03-05").format(key=key, v=text)) from None


def _kind(text: str) -> PledgeKind:
    try:
        return PledgeKind(text)
    except ValueError:
        try:
            return PledgeKind.from_label(text)  # type: ignore[return-value]
        except ValueError:
            raise ValidationError(tr("承诺种类“{k}”不认识，可用：{kinds}").format(
                k=text, kinds="、".join(f"{k.value}（{k.label}）" for k in PledgeKind))) from None


_ID_NUMBER = re.compile(r"(?<![0-9])[0-9]{17}[0-9Xx](?![0-9A-Za-z])")


def masked_pledge(rendered: RenderedPledge, id_number: str, form: str) -> RenderedPledge:
    """The frozen text with the candidate's ID number (and any other 18-character ID number in it) shown as the
    masking table says for ``form`` (a 资格承诺 template prints it in full when the pledge is generated)."""
    shown = mask_id(id_number, form) if id_number else ""
    variants = {id_number, id_number.upper(), id_number.lower()} - {""}

    def fix(text: str) -> str:
        for value in variants:
            text = text.replace(value, shown)
        # a number frozen before the person's record was corrected: any ID number in the text follows the table too
        return _ID_NUMBER.sub(lambda m: mask_id(m.group(0), form), text)

    blocks = tuple(TextParagraph(fix(b.text)) if isinstance(b, TextParagraph)
                   else ItemsTable(tuple(fix(c) for c in b.columns), tuple(tuple(fix(c) for c in r) for r in b.rows))
                   for b in rendered.blocks)
    return replace(rendered, title=fix(rendered.title), blocks=blocks,
                   signature_lines=tuple(fix(line) for line in rendered.signature_lines))


def _prints(chosen: list[PledgeToPrint], form: str) -> list[PledgePrint]:
    return [PledgePrint(masked_pledge(c.rendered, c.id_number, form), c.header) for c in chosen]


def print_pledges(session: Session, actor: Actor, out: Path, options: Options) -> Path:
    """All reviewed or signed pledges of a village (optionally one candidate or one kind) in one PDF, ID numbers
    masked (pledges are posted)."""
    require(actor, Permission.VIEW)
    cycle_id = cycle_of(session, options).id
    village = village_by_name(session, options.village or "")
    name = (options.extra.get("candidate") or "").strip()
    kind = _kind(options.extra["kind"]) if options.extra.get("kind") else None
    if not name:
        chosen = printable_pledges(session, cycle_id, village.id, None, kind)
    else:
        found = candidacies_named(session, cycle_id, village.id, name)
        if not found:
            raise ValidationError(tr("{village}没有名为“{name}”的候选人").format(village=village.name, name=name))
        if len({person_id for _, person_id in found}) > 1:
            raise ValidationError(tr("{village}有{n}位同名的“{name}”，请在程序里按人打印").format(
                village=village.name, n=len({person_id for _, person_id in found}), name=name))
        # One person standing for two organizations (e.g. 村党组织委员 and 村民委员会委员): all their pledges.
        chosen = []
        for candidacy_id, _ in found:
            try:
                chosen += printable_pledges(session, cycle_id, village.id, candidacy_id, kind)
            except ValidationError:
                if len(found) == 1:
                    raise
        if not chosen:
            raise ValidationError(tr("“{name}”没有可打印的承诺书：只有审诺通过（已审核）或已签订的承诺书才能打印").format(
                name=name))
    return _write(out, pledge_pdf(_prints(chosen, "pledges"),
                                  title=tr("{village}承诺书").format(village=village.name)))


def print_one_pledge(session: Session, actor: Actor, out: Path, options: Options) -> Path:
    """One reviewed or signed pledge (``--option pledge=<id>``, the 承诺 page's 打印此份), ID number masked."""
    require(actor, Permission.VIEW)
    text = (options.extra.get("pledge") or "").strip()
    if not text.isdigit():
        raise ValidationError(tr("请用 --option pledge=编号 指定要打印的承诺书（按村打印请用 pledges）"))
    chosen = pledge_to_print(session, int(text))
    return _write(out, pledge_pdf(_prints([chosen], "pledge")))


def print_pledge_notice(session: Session, actor: Actor, out: Path, options: Options) -> Path:
    """The 示诺 notice of one village: candidates in stroke order with their signed term goals, no ID numbers."""
    require(actor, Permission.VIEW)
    village = village_by_name(session, options.village or "")
    data = notice_data(session, cycle_of(session, options).id, village.id)
    start = _parse_date(options.extra["from"], "from") if options.extra.get("from") else dt.date.today()
    if options.extra.get("until"):
        until = _parse_date(options.extra["until"], "until")
    else:
        until = max(start, data.election_day - dt.timedelta(days=1))
    if until < start:
        raise ValidationError(tr("公示结束日期{u}早于开始日期{s}").format(u=until.isoformat(), s=start.isoformat()))
    if not data.candidates:
        raise ValidationError(tr("{village}还没有候选人签订承诺，没有可公示的承诺事项").format(village=data.village))
    if options.extra.get("issuer"):
        issuers = [x.strip() for x in re.split(r"[;；|]", options.extra["issuer"]) if x.strip()]
    else:  # each body its own seal line
        issuers = [tr("中共{township}委员会").format(township=data.township),
                   organization_name(data.village, OrgKind.PARTY_BRANCH.label)]
    return _write(out, pledge_notice_pdf(village=data.village, township=data.township, cycle_label=data.cycle_label,
                                         candidates=data.candidates, posted_from=start, posted_until=until,
                                         issuer=issuers, term=term_label(data.cycle_profile, data.cycle_name)))


def _write(out: Path, data: bytes) -> Path:
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_bytes(data)
    return out


FORMS = [
    Form(name="pledge", kind="print", title=tr("承诺书（一份）"), run=print_one_pledge),
    Form(name="pledges", kind="print", title=tr("承诺书（按村批量打印，一式两份）"), run=print_pledges,
         needs_village=True),
    Form(name="pledge-notice", kind="print", title=tr("候选人承诺公示（示诺）"), run=print_pledge_notice,
         needs_village=True),
]
