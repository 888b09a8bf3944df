"""Voter-register prints and exports for the CLI and the GUI (registry entries).

``villagevote print voter-notice [--village 名]`` (all villages when omitted), ``print proxy-list``,
``print voter-cards``, ``print voter-day-notice`` (选民登记日和选举日公告), ``print voter-changes`` (选民补登、除名公告),
``print objection-decisions`` (异议处理决定通知书, one per decided objection; ``--option objection=ID`` for one),
``print proxy-certificates`` (委托投票证, one per approved proxy; ``--option proxy=ID`` for one), ``export voters``
(full ID numbers: needs the VIEW_SENSITIVE permission), ``export voter-template``. ``voter-day-notice`` takes the
registration days from ``--option registration=YYYY-MM-DD[~YYYY-MM-DD]`` or the cycle's profile
(``registration_from`` / ``registration_to``), else leaves them blank to be written in; ``--option date=…`` dates it
like the other notices. Options: ``--option date=YYYY-MM-DD`` sets the publication date printed on the notice
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
from villagevote.voters.notices import changes_since, decided_objections
from villagevote.voters.proxies import check_printable, list_proxies
from villagevote.voters.queries import voters_by_group
from villagevote.voters.register import RegisterFilter, count_voters, fetch_voters, milestones, publish_blockers
from villagevote.voters.schedule import NoticeDateRefused, check_notice_date, record_notice_override

__all__ = ["FORMS", "cards_data", "certificate_data", "changes_data", "day_notice_data", "decision_data", "notice_data",
           "proxy_data", "register_rows"]


def _cycle_label(cycle: ElectionCycle) -> str:
    """The 届次 (第十二届) the forms name the body with; the cycle's name when no 届次 is recorded."""
    from villagevote.reports.pdf.base import term_label  # reportlab: deferred like the renderers

    return term_label(cycle) or cycle.name


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


def cn_day(day: dt.date) -> str:
    return tr("{y}年{m}月{d}日").format(y=day.year, m=day.month, d=day.day)


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
    label = _cycle_label(cycle)
    notices = []
    for v in villages:
        groups_now = voters_by_group(session, cycle.id, v.id)
        if not groups_now:
            if options.village:
                raise UserError(tr("{village}还没有登记选民，没有可公布的选民名单").format(village=v.name))
            continue  # township-wide: only villages with a register
        published = chosen or done.get((v.id, "voter_list")) or dt.date.today()
        late = _notice_date_checked(session, actor, cycle.id, v.id, "voter_list", published, options)
        dates = {d.code: d.due for d in statutory_calendar(cycle.election_day, profile, published_on=published)}
        groups = [NoticeGroup(name, [NoticeVoter(n, g) for n, g, _ in members], presorted=True)
                  for name, members in groups_now.items()]
        notices.append(VillageNotice(village=v.name, township=township.name if township else "",
                                     cycle_label=label, election_day=cycle.election_day, published_on=published,
                                     objection_deadline=dates["objection_deadline"], groups=groups,
                                     late_note=late.text() if late else "", answer_days=profile.objection_answer_days))
    if not notices:
        raise UserError(tr("本乡镇各村都还没有登记选民，没有可公布的选民名单"))
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
    label = _cycle_label(cycle)
    out = []
    for v in _villages(session, cycle, options):
        members = [(group, name, gender) for group, rows in voters_by_group(session, cycle.id, v.id).items()
                   for name, gender, _vid in rows]
        if not members:
            if options.village:
                raise UserError(tr("{village}还没有登记选民，没有选民证可打印").format(village=v.name))
            continue
        # numbered in print order (group, then 姓氏笔画): a cut stack reads 0001, 0002, …
        width = max(4, len(str(len(members))))
        cards = [VoterCard(number=f"{v.code or v.id}-{i:0{width}d}", name=name, gender=gender, group=group)
                 for i, (group, name, gender) in enumerate(members, start=1)]
        out.append(VillageCards(village=v.name, township=township.name if township else "", cycle_label=label,
                                election_day=cycle.election_day, cards=cards, presorted=True))
    return out


def proxy_data(session: Session, options: Options):  # -> list[VillageProxyList]
    from villagevote.reports.pdf.proxy_list import ProxyLine, VillageProxyList

    cycle = _cycle(session)
    profile = RuleProfile.from_mapping(cycle.profile)
    township = session.get(Township, cycle.township_id)
    chosen = _date_option(options)
    done = milestones(session, cycle.id)
    label = _cycle_label(cycle)
    out = []
    for v in _villages(session, cycle, options):
        rows = list_proxies(session, cycle.id, v.id)
        check_printable(rows)  # a proxy refused today is never printed as approved
        lines = [ProxyLine(r.principal, r.principal_group, r.holder, r.holder_group, r.relation, r.authorized_on)
                 for r in rows]
        if not lines:
            if options.village:
                raise UserError(tr("{village}没有登记委托投票，没有委托投票名单可公布").format(village=v.name))
            continue  # township-wide print: only villages with proxies
        published = chosen or done.get((v.id, "proxy_list")) or dt.date.today()
        out.append(VillageProxyList(village=v.name, township=township.name if township else "",
                                    cycle_label=label, election_day=cycle.election_day, published_on=published,
                                    proxy_cap=profile.proxy_cap, lines=lines))
    if not out:
        raise UserError(tr("本乡镇没有登记委托投票，没有委托投票名单可公布"))
    return out


# ---------------------------------------------------------------------------------------------------------------
# 选民登记日和选举日公告, 选民补登、除名公告, 异议处理决定通知书, 委托投票证
# ---------------------------------------------------------------------------------------------------------------
def _date_text(text: str, what: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text.strip())
    except ValueError:
        raise UserError(tr("{what}“{t}”格式不对，应为 YYYY-MM-DD").format(what=what, t=text)) from None


def _registration_days(cycle: ElectionCycle, options: Options) -> tuple[dt.date | None, dt.date | None]:
    """The registration period: ``--option registration=YYYY-MM-DD[~YYYY-MM-DD]``, else the cycle profile's
    ``registration_from`` / ``registration_to``, else (None, None) — blanks on the notice."""
    what = tr("选民登记日")
    start: dt.date | None
    end: dt.date | None
    text = (options.extra or {}).get("registration", "").strip()
    if text:
        parts = [p for p in text.replace("至", "~").split("~") if p.strip()]
        if not parts or len(parts) > 2:
            raise UserError(tr("选民登记日“{t}”格式不对，应为 YYYY-MM-DD 或 YYYY-MM-DD~YYYY-MM-DD").format(t=text))
        start, end = _date_text(parts[0], what), _date_text(parts[-1], what)
    else:
        profile = cycle.profile or {}
        start = _date_text(str(profile["registration_from"]), what) if profile.get("registration_from") else None
        end = _date_text(str(profile["registration_to"]), what) if profile.get("registration_to") else start
        start = start or end
    if start is not None and end is not None:
        if end < start:
            raise ValidationError(tr("选民登记日的结束日期 {e} 早于开始日期 {s}").format(e=cn_day(end), s=cn_day(start)))
        latest = cycle.election_day - dt.timedelta(days=RuleProfile.from_mapping(cycle.profile).voter_list_days_before)
        if end >= latest:
            raise ValidationError(tr("选民登记应在选民名单公布（不晚于选举日前 {n} 天，即 {d}）之前结束，登记日 {e} 太晚").format(
                n=(cycle.election_day - latest).days, d=cn_day(latest), e=cn_day(end)))
    return start, end


def _years_before(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


def day_notice_data(session: Session, options: Options):  # -> list[DayNotice]
    from villagevote.reports.pdf.voter_day_notice import CalendarLine, DayNotice

    cycle = _cycle(session)
    profile = RuleProfile.from_mapping(cycle.profile)
    township = session.get(Township, cycle.township_id)
    start, end = _registration_days(cycle, options)
    dated = _date_option(options) or dt.date.today()
    if dated >= cycle.election_day:
        raise ValidationError(tr("公告日期 {d} 不早于选举日 {e}").format(d=cn_day(dated), e=cn_day(cycle.election_day)))
    if profile.objection_deadline_days_before is not None:
        when = tr("在选举日的{n}日以前").format(n=profile.objection_deadline_days_before)
    else:
        when = tr("自名单公布之日起{n}日内").format(n=profile.objection_days)
    answer = tr("自收到之日起{n}日内").format(n=profile.objection_answer_days)
    label = _cycle_label(cycle)
    done = milestones(session, cycle.id)
    out = []
    for v in _villages(session, cycle, options):
        published = done.get((v.id, "voter_list"))
        lines = [CalendarLine(d.label, published, tr("已于该日公布")) if d.code == "voter_list" and published
                 else CalendarLine(d.label, d.due, d.basis)
                 for d in statutory_calendar(cycle.election_day, profile, published_on=published)]
        lines.sort(key=lambda line: line.due)
        out.append(DayNotice(village=v.name, township=township.name if township else "", cycle_label=label,
                             election_day=cycle.election_day, registration_from=start, registration_to=end,
                             born_by=_years_before(cycle.election_day, profile.min_age), min_age=profile.min_age,
                             residence_years=profile.min_residence_years, objection_when=when, answer_when=answer,
                             list_days=profile.voter_list_days_before, dated=dated, calendar=lines))
    return out


def changes_data(session: Session, options: Options):  # -> list[VillageChanges]
    from villagevote.reports.pdf.voter_changes_notice import ChangeLine, VillageChanges

    cycle = _cycle(session)
    township = session.get(Township, cycle.township_id)
    done = milestones(session, cycle.id)
    chosen = _date_option(options)
    label = _cycle_label(cycle)
    out = []
    for v in _villages(session, cycle, options):
        published = done.get((v.id, "voter_list"))
        if published is None:
            if options.village:
                raise UserError(tr("{village}的选民名单尚未公布（请先登记公布日期），还没有补登或除名可公告").format(
                    village=v.name))
            continue
        changes = changes_since(session, cycle.id, v.id, published)
        if not changes:
            if options.village:
                raise UserError(tr("{village}的选民名单自{day}公布以来没有补登、除名或更正，无需公告").format(
                    village=v.name, day=cn_day(published)))
            continue
        dated = chosen or dt.date.today()
        latest = max(c.on for c in changes)
        if dated < latest:
            raise ValidationError(tr("{village}：公告日期 {d} 早于最后一次变动的日期 {last}，请改用 {last} 或以后的日期").format(
                village=v.name, d=cn_day(dated), last=cn_day(latest)))
        lines: dict[str, list[ChangeLine]] = {"add": [], "remove": [], "correct": []}
        for c in changes:
            lines[c.kind].append(ChangeLine(c.name, c.gender, c.group, c.basis, c.on))
        total = sum(len(m) for m in voters_by_group(session, cycle.id, v.id).values())
        out.append(VillageChanges(village=v.name, township=township.name if township else "", cycle_label=label,
                                  election_day=cycle.election_day, published_on=published,
                                  dated=dated, total=total, added=lines["add"],
                                  removed=lines["remove"], corrected=lines["correct"]))
    if not out:
        raise UserError(tr("各村的选民名单公布以来都没有补登、除名或更正（或名单尚未公布），无需公告"))
    return out


def _int_option(options: Options, key: str, what: str) -> int | None:
    text = (options.extra or {}).get(key, "").strip()
    if not text:
        return None
    if not text.isdigit():
        raise UserError(tr("{what}编号“{t}”应为数字").format(what=what, t=text))
    return int(text)


def decision_data(session: Session, options: Options):  # -> list[Decision]
    from villagevote.reports.pdf.objection_decision import Decision

    cycle = _cycle(session)
    township = session.get(Township, cycle.township_id)
    village_id = _villages(session, cycle, options)[0].id if options.village else None
    wanted = _int_option(options, "objection", tr("异议"))
    label = _cycle_label(cycle)
    rows = decided_objections(session, cycle.id, village_id, wanted)
    if not rows:
        if wanted is not None:
            raise UserError(tr("异议（编号 {id}）不存在或尚未作出处理决定，没有通知书可打印").format(id=wanted))
        where = options.village or tr("本乡镇")
        raise UserError(tr("{where}还没有已作出处理决定的选民名单异议，没有通知书可打印").format(where=where))
    return [Decision(number=tr("{village}选委异〔{year}〕{n}号").format(village=r.village, year=r.answered_on.year,
                                                                      n=r.seq or r.id),
                     village=r.village, township=township.name if township else "", cycle_label=label,
                     raised_by=r.raised_by, about=r.about, about_group=r.about_group, request=r.request.value,
                     ground=r.ground, received_on=r.received_on, upheld=r.upheld, answer=r.answer,
                     answered_on=r.answered_on) for r in rows]


def certificate_data(session: Session, options: Options):  # -> list[ProxyCertificate]
    from villagevote.reports.pdf.proxy_certificate import ProxyCertificate

    cycle = _cycle(session)
    profile = RuleProfile.from_mapping(cycle.profile)
    township = session.get(Township, cycle.township_id)
    wanted = _int_option(options, "proxy", tr("委托"))
    issued = _date_option(options) or dt.date.today()
    label = _cycle_label(cycle)
    out = []
    for v in _villages(session, cycle, options):
        rows = list_proxies(session, cycle.id, v.id)
        check_printable(rows)  # the same rule as the list: a proxy refused today gets no certificate
        for serial, r in enumerate(rows, start=1):  # the published list's order: by holder, then principal
            if wanted is not None and r.id != wanted:
                continue
            out.append(ProxyCertificate(
                serial=f"{v.code or v.id}-{serial:03d}", village=v.name, township=township.name if township else "",
                cycle_label=label, election_day=cycle.election_day, principal=r.principal,
                principal_group=r.principal_group, holder=r.holder, holder_group=r.holder_group, relation=r.relation,
                authorized_on=r.authorized_on, proxy_cap=profile.proxy_cap, issued_on=issued))
    if not out:
        if wanted is not None:
            raise UserError(tr("找不到委托（编号 {id}），没有委托投票证可打印").format(id=wanted))
        where = options.village or tr("本乡镇")
        raise UserError(tr("{where}没有经审核同意的委托投票，没有委托投票证可打印").format(where=where))
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


def _print_day_notice(session: Session, actor: Actor, out: Path, options: Options) -> Path:
    from villagevote.reports.pdf.voter_day_notice import voter_day_notice_pdf
    require(actor, Permission.VIEW)
    return voter_day_notice_pdf(day_notice_data(session, options), out)


def _print_changes(session: Session, actor: Actor, out: Path, options: Options) -> Path:
    from villagevote.reports.pdf.voter_changes_notice import voter_changes_notice_pdf
    require(actor, Permission.VIEW)
    return voter_changes_notice_pdf(changes_data(session, options), out)


def _print_decisions(session: Session, actor: Actor, out: Path, options: Options) -> Path:
    from villagevote.reports.pdf.objection_decision import objection_decisions_pdf
    require(actor, Permission.VIEW)
    return objection_decisions_pdf(decision_data(session, options), out)


def _print_certificates(session: Session, actor: Actor, out: Path, options: Options) -> Path:
    from villagevote.reports.pdf.proxy_certificate import proxy_certificates_pdf
    require(actor, Permission.VIEW)
    return proxy_certificates_pdf(certificate_data(session, options), out)


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
    Form(name="voter-day-notice", kind="print", title=tr("选民登记日和选举日公告"), run=_print_day_notice),
    Form(name="voter-changes", kind="print", title=tr("选民补登、除名公告"), run=_print_changes),
    Form(name="objection-decisions", kind="print", title=tr("选民名单异议处理决定通知书"), run=_print_decisions),
    Form(name="proxy-certificates", kind="print", title=tr("委托投票证"), run=_print_certificates),
    Form(name="voters", kind="export", title=tr("选民名单（含完整身份证号）"), run=_export_voters, sensitive=True),
    Form(name="voter-template", kind="export", title=tr("选民名单导入模板"), run=_export_template),
]
