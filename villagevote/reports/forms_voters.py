"""Voter-register prints and exports for the CLI and the GUI (registry entries).

``villagevote print voter-notice [--village 名]`` (all villages when omitted), ``print proxy-list``,
``print voter-cards``, ``export voters`` (full ID numbers: needs the VIEW_SENSITIVE permission),
``export voter-template``. Options: ``--option date=YYYY-MM-DD`` sets the publication date printed on the notice
(default: the recorded publication date, else today). A date later than the profile's voter_list_days_before
(20) before the election is refused unless an administrator recorded a reason (``--option late_reason=…`` with
``--user`` an administrator records it); the reason is printed on the notice.

The renderers (``reports.pdf.*``, ``reports.xlsx.voters``) are imported inside the functions that use them: they
load reportlab / openpyxl, which ``villagevote print --list`` and the GUI's start-up should not pay for.
"""
from __future__ import annotations

import datetime as dt
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from villagevote.audit import Actor
from villagevote.auth import Permission, require
from villagevote.errors import UserError, ValidationError
from villagevote.i18n import tr
from villagevote.models.core import ElectionCycle, Township, Village
from villagevote.reports.registry import Form, Options
from villagevote.township import current_cycle
from villagevote.voters.calendar import RuleProfile, statutory_calendar
from villagevote.voters.proxies import check_printable, list_proxies
from villagevote.voters.queries import voters_by_group
from villagevote.voters.register import RegisterFilter, count_voters, fetch_voters, milestones, publish_blockers
from villagevote.voters.schedule import NoticeDateRefused, check_notice_date, record_notice_override

__all__ = ["FORMS", "cards_data", "notice_data", "proxy_data", "register_rows"]


def _cycle(session: Session) -> ElectionCycle:
    cycle = current_cycle(session)
    if cycle is None:
        raise UserError(tr("尚未设置换届届次，请先在系统页建立届次"))
    return cycle


def _villages(session: Session, cycle: ElectionCycle, options: Options) -> list[Village]:
    stmt = select(Village).where(Village.township_id == cycle.township_id).order_by(Village.code, Village.id)
    if options.village:
        village = session.scalar(stmt.where(Village.name == options.village))
        if village is None:
            names = "、".join(v.name for v in session.scalars(stmt))
            raise UserError(tr("没有名为“{v}”的村；本乡镇的村：{names}").format(v=options.village, names=names))
        return [village]
    return list(session.scalars(stmt))


def _date_option(options: Options) -> dt.date | None:
    text = options.extra.get("date")
    if not text:
        return None
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise UserError(tr("日期“{t}”格式不对，应为 YYYY-MM-DD").format(t=text)) from None


def notice_data(session: Session, options: Options, actor: Actor | None = None):  # -> list[VillageNotice]
    from villagevote.reports.pdf.voter_notice import NoticeGroup, NoticeVoter, VillageNotice

    cycle = _cycle(session)
    profile = RuleProfile.from_mapping(cycle.profile)
    township = session.get(Township, cycle.township_id)
    villages = _villages(session, cycle, options)
    blocked = {v.name: publish_blockers(session, cycle.id, v.id) for v in villages}
    blocked = {k: v for k, v in blocked.items() if v}
    if blocked:
        lines = [f"{name}：{items[0]}" for name, items in blocked.items()]
        raise ValidationError(tr("以下村的选民名单暂不能公布（同一身份证号码登记在两个村）：\n") + "\n".join(lines))
    done = milestones(session, cycle.id)
    chosen = _date_option(options)
    notices = []
    for v in villages:
        published = chosen or done.get((v.id, "voter_list")) or dt.date.today()
        late = _notice_date_checked(session, actor, cycle.id, v.id, "voter_list", published, options)
        dates = {d.code: d.due for d in statutory_calendar(cycle.election_day, profile, published_on=published)}
        groups = [NoticeGroup(name, [NoticeVoter(n, g) for n, g, _ in members], presorted=True)
                  for name, members in voters_by_group(session, cycle.id, v.id).items()]
        notices.append(VillageNotice(village=v.name, township=township.name if township else "",
                                     cycle_label=cycle.name, election_day=cycle.election_day, published_on=published,
                                     objection_deadline=dates["objection_deadline"], groups=groups,
                                     late_note=late.text() if late else ""))
    return notices


def _notice_date_checked(session: Session, actor: Actor | None, cycle_id: int, village_id: int, code: str,
                         on: dt.date, options: Options):  # -> NoticeOverride | None
    """The statutory-days check for a notice's date (shared with the candidate notice). ``--option late_reason=…``
    lets an administrator record the reason at once (needs a write session and the 管理 permission)."""
    try:
        return check_notice_date(session, cycle_id, village_id, code, on)
    except NoticeDateRefused:
        reason = (options.extra or {}).get("late_reason", "").strip()
        if not reason or actor is None:
            raise
        return record_notice_override(session, actor, cycle_id, village_id, code, on, reason)


def cards_data(session: Session, options: Options):  # -> list[VillageCards]
    from villagevote.reports.pdf.voter_cards import VillageCards, VoterCard

    cycle = _cycle(session)
    township = session.get(Township, cycle.township_id)
    out = []
    for v in _villages(session, cycle, options):
        cards = []
        for group, members in voters_by_group(session, cycle.id, v.id).items():
            for name, gender, vid in members:
                cards.append(VoterCard(number=f"{v.code or v.id}-{vid:06d}", name=name, gender=gender, group=group))
        out.append(VillageCards(village=v.name, township=township.name if township else "", cycle_label=cycle.name,
                                election_day=cycle.election_day, cards=cards, presorted=True))
    return out


def proxy_data(session: Session, options: Options):  # -> list[VillageProxyList]
    from villagevote.reports.pdf.proxy_list import ProxyLine, VillageProxyList

    cycle = _cycle(session)
    profile = RuleProfile.from_mapping(cycle.profile)
    township = session.get(Township, cycle.township_id)
    chosen = _date_option(options)
    done = milestones(session, cycle.id)
    out = []
    for v in _villages(session, cycle, options):
        rows = list_proxies(session, cycle.id, v.id)
        check_printable(rows)  # a proxy refused today is never printed as approved
        lines = [ProxyLine(r.principal, r.principal_group, r.holder, r.holder_group, r.relation, r.authorized_on)
                 for r in rows]
        if not lines and not options.village:
            continue  # township-wide print: only villages with proxies
        published = chosen or done.get((v.id, "proxy_list")) or dt.date.today()
        out.append(VillageProxyList(village=v.name, township=township.name if township else "",
                                    cycle_label=cycle.name, election_day=cycle.election_day, published_on=published,
                                    proxy_cap=profile.proxy_cap, lines=lines))
    return out


def register_rows(session: Session, options: Options, full_ids: bool):
    cycle = _cycle(session)
    villages = _villages(session, cycle, options) if options.village else [None]
    for v in villages:
        f = RegisterFilter(cycle.id, village_id=v.id if v else None)
        total = count_voters(session, f)
        for offset in range(0, total, 5000):
            for row in fetch_voters(session, f, offset, 5000, full_ids=full_ids):
                yield [row[1], row[2], row[3], row[4], row[5], row[6], row[7], row[8], row[9],
                       tr("是") if row[10] else tr("否"), row[11]]


def _print_notice(session: Session, actor: Actor, out: Path, options: Options) -> Path:
    from villagevote.reports.pdf.voter_notice import voter_notice_pdf
    require(actor, Permission.VIEW)
    return voter_notice_pdf(notice_data(session, options, actor), out)


def _print_cards(session: Session, actor: Actor, out: Path, options: Options) -> Path:
    from villagevote.reports.pdf.voter_cards import voter_cards_pdf
    require(actor, Permission.VIEW)
    return voter_cards_pdf(cards_data(session, options), out)


def _print_proxies(session: Session, actor: Actor, out: Path, options: Options) -> Path:
    from villagevote.reports.pdf.proxy_list import proxy_list_pdf
    require(actor, Permission.VIEW)
    return proxy_list_pdf(proxy_data(session, options), out)


def _export_voters(session: Session, actor: Actor, out: Path, options: Options) -> Path:
    from villagevote.reports.xlsx.voters import export_voters_xlsx
    require(actor, Permission.VIEW_SENSITIVE)
    cycle = _cycle(session)
    title = tr("{cycle}选民名单").format(cycle=cycle.name) + (f"（{options.village}）" if options.village else "")
    return export_voters_xlsx(register_rows(session, options, full_ids=True), out, title=title,
                              metadata={"kind": "voters", "cycle_id": cycle.id})


def _export_template(session: Session, actor: Actor, out: Path, options: Options) -> Path:
    from villagevote.reports.xlsx.voters import voter_template_xlsx
    require(actor, Permission.VIEW)
    groups: list[str] = []
    if options.village:
        cycle = _cycle(session)
        village = _villages(session, cycle, options)[0]
        groups = [g.name for g in village.groups]
    return voter_template_xlsx(out, options.village or "", groups)


FORMS = [
    Form(name="voter-notice", kind="print", title=tr("选民名单公告"), run=_print_notice),
    Form(name="proxy-list", kind="print", title=tr("委托投票名单公告"), run=_print_proxies),
    Form(name="voter-cards", kind="print", title=tr("选民证"), run=_print_cards),
    Form(name="voters", kind="export", title=tr("选民名单（含完整身份证号）"), run=_export_voters, sensitive=True),
    Form(name="voter-template", kind="export", title=tr("选民名单导入模板"), run=_export_template),
]
