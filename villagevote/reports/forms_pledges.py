"""Pledge prints for the CLI and GUI registry: `villagevote print pledges` and `villagevote print pledge-notice`.

Options (``--option KEY=VALUE``; both forms also take ``cycle=<id>``, default the current cycle):
- pledge: ``pledge=<id>`` (one pledge, as the 承诺 page prints it; a 资格承诺 needs the right to see ID numbers)
- pledges: ``candidate=姓名`` (one candidate), ``kind=discipline|term_goals|…`` or its Chinese label
- pledge-notice: ``from=2026-03-05``, ``until=2026-03-10`` (default: from today until the day before the election),
  ``issuer=落款`` (default: the township Party committee and the village Party organization)
"""
from __future__ import annotations

import datetime as dt
from pathlib import Path

from sqlalchemy.orm import Session

from villagevote.audit import Actor
from villagevote.auth import Permission, require
from villagevote.errors import ValidationError
from villagevote.i18n import tr
from villagevote.models.enums import PledgeKind
from villagevote.pledges.prints import (
    candidacies_named,
    notice_data,
    pledge_to_print,
    printable_pledges,
    village_by_name,
)
from villagevote.reports.forms_candidates import cycle_of
from villagevote.reports.pdf.pledge import PledgePrint, pledge_pdf
from villagevote.reports.pdf.pledge_notice import pledge_notice_pdf
from villagevote.reports.registry import Form, Options

__all__ = ["FORMS", "print_one_pledge", "print_pledge_notice", "print_pledges"]


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


def print_pledges(session: Session, actor: Actor, out: Path, options: Options) -> Path:
    """All reviewed or signed pledges of a village (optionally one candidate or one kind) in one PDF."""
    require(actor, Permission.VIEW_SENSITIVE)  # the 资格承诺 shows the full ID number
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
    return _write(out, pledge_pdf([PledgePrint(rendered, header) for header, rendered in chosen],
                                  title=tr("{village}承诺书").format(village=village.name)))


def print_one_pledge(session: Session, actor: Actor, out: Path, options: Options) -> Path:
    """One reviewed or signed pledge (``--option pledge=<id>``, the 承诺 page's 打印此份). A 资格承诺 carries the
    full ID number: it needs the right to see it."""
    text = (options.extra.get("pledge") or "").strip()
    if not text.isdigit():
        raise ValidationError(tr("请用 --option pledge=编号 指定要打印的承诺书（按村打印请用 pledges）"))
    chosen = pledge_to_print(session, int(text))
    if chosen.kind is PledgeKind.QUALIFICATION:
        require(actor, Permission.VIEW_SENSITIVE)
    return _write(out, pledge_pdf([PledgePrint(chosen.rendered, chosen.header)]))


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
    issuer = options.extra.get("issuer") or tr("中共{township}委员会　{village}党组织").format(
        township=data.township, village=data.village)
    return _write(out, pledge_notice_pdf(village=data.village, township=data.township, cycle_label=data.cycle_label,
                                         candidates=data.candidates, posted_from=start, posted_until=until,
                                         issuer=issuer))


def _write(out: Path, data: bytes) -> Path:
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_bytes(data)
    return out


FORMS = [
    Form(name="pledge", kind="print", title=tr("承诺书（一份）"), run=print_one_pledge),
    Form(name="pledges", kind="print", title=tr("承诺书（按村批量打印，一式两份）"), run=print_pledges,
         needs_village=True, sensitive=True),
    Form(name="pledge-notice", kind="print", title=tr("候选人承诺公示（示诺）"), run=print_pledge_notice,
         needs_village=True),
]
