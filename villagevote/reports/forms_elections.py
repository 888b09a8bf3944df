"""Election prints and the results workbook for the CLI and the GUI (registry entries).

Choose the contest with ``--contest ID``, or with ``--village 名`` plus ``--option body=village_committee|party_branch``
(default village_committee) and ``--option round=first|additional`` (default: the latest). Ballots print as samples
(样票) unless ``--option sample=0``; ``--option copies=N`` sets the number of official ballots (recorded).

The database keeps no 监票人/计票人 and no 村民选举委员会 members: their notices print what the database has (the
village, the 届次, the election day) and take the names as options (``chief=``, ``scrutineers=``, ``tellers=``;
``chair=``, ``vice=``, ``members=``; names separated by 、); without names the lines are left blank for handwriting
and the notice says so. ``--option date=YYYY-MM-DD`` dates a notice (default today; ``date=none`` leaves it blank).
"""
from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

from sqlalchemy.orm import Session

from villagevote.audit import Actor
from villagevote.auth import Permission, require
from villagevote.changes import Area
from villagevote.elections.contests import contest_view, list_contests, prepare_ballots
from villagevote.elections.outcome import contests_for_export
from villagevote.elections.print_data import result_facts, village_facts
from villagevote.elections.tally import vote_rows
from villagevote.errors import UserError
from villagevote.i18n import tr
from villagevote.reports.pdf.ballot import render_ballots
from villagevote.reports.pdf.certificates import render_certificates
from villagevote.reports.pdf.committee_notice import CommitteeNames, render_committee_notice
from villagevote.reports.pdf.election_staff_notice import StaffNames, render_staff_notice
from villagevote.reports.pdf.result_report import render_result_report
from villagevote.reports.pdf.tally_sheet import render_tally_sheets
from villagevote.reports.pdf.winners_notice import render_winners_notice
from villagevote.reports.registry import Form, Options
from villagevote.reports.xlsx.results_workbook import results_workbook
from villagevote.township import VillageRow, list_villages

BODIES = {"village_committee": tr("村民委员会"), "party_branch": tr("党组织")}
ROUNDS = {"first": tr("正式选举"), "additional": tr("另行选举")}


def _village(session: Session, name: str) -> VillageRow:
    villages = list_villages(session)
    village = next((v for v in villages if v.name == name), None)
    if village is None:
        names = "、".join(v.name for v in villages)
        raise UserError(tr("没有名为“{v}”的村（有：{names}）").format(v=name, names=names or tr("（无）")))
    return village


def _choice(options: Options, key: str, choices: dict[str, str], default: str | None) -> str | None:
    value = options.extra.get(key, default)
    if value is not None and value not in choices:
        raise UserError(tr("选项 {key}={v} 不认识，可用：{choices}").format(
            key=key, v=value, choices="、".join(f"{k}（{label}）" for k, label in choices.items())))
    return value


def _pick_contest(session: Session, options: Options) -> int:
    if options.contest_id is not None:
        return options.contest_id
    if not options.village:
        raise UserError(tr("请用 --contest 指定选举编号，或用 --village 指定村名"))
    village = _village(session, options.village)
    body = _choice(options, "body", BODIES, "village_committee") or "village_committee"
    rnd = _choice(options, "round", ROUNDS, None)
    rows = [r for r in list_contests(session, village.id) if r.body == body]
    if rnd:
        rows = [r for r in rows if r.round_label == ROUNDS[rnd]]
    if not rows:
        what = BODIES[body] + (ROUNDS[rnd] if rnd else tr("选举"))
        raise UserError(tr("{v}还没有{what}（选项 body={b}{r}）；请先在“选民与选举”页建立选举").format(
            v=village.name, what=what, b=body, r=f" round={rnd}" if rnd else ""))
    return rows[-1].id


def _ballots(session: Session, actor: Actor, out: Path, options: Options) -> Path:
    sample = options.extra.get("sample", "1") not in ("0", "no", "false")
    try:
        copies = int(options.extra.get("copies", "1"))
    except ValueError:
        raise UserError(tr("copies 应为整数")) from None
    view = prepare_ballots(session, actor, _pick_contest(session, options), sample=sample, copies=copies)
    return render_ballots(view, out, sample=sample, copies=max(1, copies))


def _report(session: Session, actor: Actor, out: Path, options: Options) -> Path:
    require(actor, Permission.VIEW)
    cid = _pick_contest(session, options)
    facts = result_facts(session, cid)
    return render_result_report(facts.view, vote_rows(session, cid), out, elected=facts.elected,
                                proxies=facts.proxies)


def _notice(session: Session, actor: Actor, out: Path, options: Options) -> Path:
    require(actor, Permission.VIEW)
    return render_winners_notice(contest_view(session, _pick_contest(session, options)), out)


def _certificates(session: Session, actor: Actor, out: Path, options: Options) -> Path:
    require(actor, Permission.VIEW)
    return render_certificates(contest_view(session, _pick_contest(session, options)), out)


def _tally_sheets(session: Session, actor: Actor, out: Path, options: Options) -> Path:
    require(actor, Permission.VIEW)
    return render_tally_sheets(contest_view(session, _pick_contest(session, options)), out)


def names_option(options: Options, key: str) -> list[str]:
    """Names given as ``--option key=张三、李四`` (、 ，, ; or spaces between them), in the order given."""
    raw = options.extra.get(key, "")
    return [n for n in re.split(r"[、，,;；\s]+", raw) if n]


def _day_option(options: Options) -> dt.date | None:
    """The notice's date: ``--option date=2026-11-18``; today when not given, blank with ``date=none``."""
    raw = options.extra.get("date", "").strip()
    if raw.lower() in ("none", "blank", "空"):
        return None
    if not raw:
        return dt.date.today()
    try:
        return dt.date.fromisoformat(raw)
    except ValueError:
        raise UserError(tr("date 应写成 YYYY-MM-DD，例如 2026-11-18")) from None


def _staff_notice(session: Session, actor: Actor, out: Path, options: Options) -> Path:
    require(actor, Permission.VIEW)
    view = contest_view(session, _pick_contest(session, options))
    staff = StaffNames(names_option(options, "chief"), names_option(options, "scrutineers"),
                       names_option(options, "tellers"))
    return render_staff_notice(view, None if staff.empty() else staff, out, _day_option(options))


def _committee_notice(session: Session, actor: Actor, out: Path, options: Options) -> Path:
    require(actor, Permission.VIEW)
    village = _village(session, options.village or "")
    facts = village_facts(session, village.id)
    names = CommitteeNames(names_option(options, "chair"), names_option(options, "vice"),
                           names_option(options, "members"))
    if not names.empty() and not names.chair:
        raise UserError(tr("村民选举委员会须有主任：请用 --option chair=姓名 给出"))
    return render_committee_notice(facts, None if names.empty() else names, out, _day_option(options))


def _workbook(session: Session, actor: Actor, out: Path, options: Options) -> Path:
    require(actor, Permission.VIEW)
    village_id = None
    if options.village:
        village_id = _village(session, options.village).id
    if options.contest_id is not None:
        contests = [(contest_view(session, options.contest_id), vote_rows(session, options.contest_id))]
    else:
        contests = contests_for_export(session, village_id=village_id)
    return results_workbook(out, contests)


FORMS = [
    Form(name="ballots", kind="print", title=tr("选票（样票/正式选票）"), run=_ballots, writes=Area.ELECTIONS),
    Form(name="result-report", kind="print", title=tr("选举结果报告单"), run=_report),
    Form(name="winners-notice", kind="print", title=tr("当选公告"), run=_notice),
    Form(name="certificates", kind="print", title=tr("当选证书"), run=_certificates),
    Form(name="tally-sheets", kind="print", title=tr("计票单（唱票用，每个职务一份）"), run=_tally_sheets),
    Form(name="election-staff-notice", kind="print", title=tr("监票人、计票人名单公告"), run=_staff_notice),
    Form(name="election-committee-notice", kind="print", title=tr("村民选举委员会成员名单公告"),
         run=_committee_notice, needs_village=True),
    Form(name="results", kind="export", title=tr("选举结果汇总表（工作簿）"), run=_workbook),
]
