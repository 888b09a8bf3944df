"""Election prints and the results workbook for the CLI and the GUI (registry entries).

Choose the contest with ``--contest ID``, or with ``--village 名`` plus ``--option body=village_committee|party_branch``
(default village_committee) and ``--option round=first|additional`` (default: the latest). Ballots print as samples
(样票) unless ``--option sample=0``; ``--option copies=N`` sets the number of official ballots (recorded).
"""
from __future__ import annotations

from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from villagevote.audit import Actor
from villagevote.auth import Permission, require
from villagevote.elections import service as svc
from villagevote.errors import UserError
from villagevote.i18n import tr
from villagevote.models.core import Village
from villagevote.reports.registry import Form, Options


def _pick_contest(session: Session, options: Options) -> int:
    if options.contest_id is not None:
        return options.contest_id
    if not options.village:
        raise UserError(tr("请用 --contest 指定选举编号，或用 --village 指定村名"))
    village = session.scalar(select(Village).where(Village.name == options.village))
    if village is None:
        raise UserError(tr("没有名为“{v}”的村").format(v=options.village))
    body = options.extra.get("body", "village_committee")
    rnd = options.extra.get("round")
    rows = [r for r in svc.list_contests(session, village.id) if r.body == body]
    if rnd:
        label = tr("另行选举") if rnd == "additional" else tr("正式选举")
        rows = [r for r in rows if r.round_label == label]
    if not rows:
        raise UserError(tr("{v}没有符合条件的选举（body={b}）；请先在“选民与选举”页建立选举").format(v=village.name, b=body))
    return rows[-1].id


def _ballots(session: Session, actor: Actor, out: Path, options: Options) -> Path:
    sample = options.extra.get("sample", "1") not in ("0", "no", "false")
    try:
        copies = int(options.extra.get("copies", "1"))
    except ValueError:
        raise UserError(tr("copies 应为整数")) from None
    return svc.print_ballots(session, actor, _pick_contest(session, options), out, sample=sample, copies=copies)


def _report(session: Session, actor: Actor, out: Path, options: Options) -> Path:
    from villagevote.reports.pdf.result_report import render_result_report
    require(actor, Permission.VIEW)
    cid = _pick_contest(session, options)
    return render_result_report(svc.contest_view(session, cid), svc.vote_rows(session, cid), out)


def _notice(session: Session, actor: Actor, out: Path, options: Options) -> Path:
    from villagevote.reports.pdf.winners_notice import render_winners_notice
    require(actor, Permission.VIEW)
    return render_winners_notice(svc.contest_view(session, _pick_contest(session, options)), out)


def _certificates(session: Session, actor: Actor, out: Path, options: Options) -> Path:
    from villagevote.reports.pdf.certificates import render_certificates
    require(actor, Permission.VIEW)
    return render_certificates(svc.contest_view(session, _pick_contest(session, options)), out)


def _workbook(session: Session, actor: Actor, out: Path, options: Options) -> Path:
    from villagevote.reports.xlsx.results_workbook import results_workbook
    require(actor, Permission.VIEW)
    village_id = None
    if options.village:
        village = session.scalar(select(Village).where(Village.name == options.village))
        if village is None:
            raise UserError(tr("没有名为“{v}”的村").format(v=options.village))
        village_id = village.id
    if options.contest_id is not None:
        contests = [(svc.contest_view(session, options.contest_id), svc.vote_rows(session, options.contest_id))]
    else:
        contests = svc.contests_for_export(session, village_id=village_id)
    return results_workbook(out, contests)


FORMS = [
    Form(name="ballots", kind="print", title=tr("选票（样票/正式选票）"), run=_ballots),
    Form(name="result-report", kind="print", title=tr("选举结果报告单"), run=_report),
    Form(name="winners-notice", kind="print", title=tr("当选公告"), run=_notice),
    Form(name="certificates", kind="print", title=tr("当选证书"), run=_certificates),
    Form(name="results", kind="export", title=tr("选举结果汇总表（工作簿）"), run=_workbook),
]
