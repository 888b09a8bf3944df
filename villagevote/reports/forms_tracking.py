"""践诺跟踪 prints and the ledger workbook for the CLI and the GUI (registry entries; issue 17 item 6).

``villagevote print NAME [--village 名] [--option key=value …] --out FILE``; every form also takes ``cycle=<id>``
(default the current cycle) and refuses in Chinese when it would be empty:

* ``tracking-ledger`` 践诺台账 — a village (``--village``) or the whole township, landscape; ``date=2027-05-31``: the
  day the lights are read for (default today); ``overdue=1`` (only the overdue items), ``supervised=1`` (only those
  under 挂牌督办), ``status=已销号`` (one status, code or label) — the ledger page's filters; the export takes the same;
* ``weekly-summary`` 周报汇总 — ``week=2027-W14`` (default: the latest week anybody reported);
* ``weekly-missing`` 周报缺报清单 — ``week=2027-W14`` (default: the latest week with a report in which something is
  missing);
* ``monthly-comparison`` 月查月比表 — ``month=2027-05`` (default: the month of the latest report or 销号), with a bar
  chart of 销号率 per village; ``--village`` keeps that village's row only;
* ``closure-register`` 销号备案表 — ``month=2027-05`` (default: the latest month with a 销号), to the 市委组织部;
* ``supervision-notice`` 挂牌督办通知书 with its 回执 — ``notice=督〔2027〕3号`` (one notice, open or lifted) or every open
  one (of the village with ``--village``);
* ``ranking-circular`` 季度排名通报 — ``quarter=2027-Q2`` (default: the latest frozen ranking), from the frozen snapshot.

``villagevote export tracking-ledger [--village 名] --out FILE.xlsx`` writes the ledger workbook. No form prints an ID
number (``reports/masking.py``).
"""
from __future__ import annotations

import datetime as dt
from pathlib import Path

from sqlalchemy.orm import Session

from villagevote.audit import Actor
from villagevote.auth import Permission, require
from villagevote.errors import ValidationError
from villagevote.i18n import tr
from villagevote.models import ElectionCycle
from villagevote.models.enums import CommitmentStatus
from villagevote.reports.forms_candidates import cycle_of
from villagevote.reports.pdf.base import term_label
from villagevote.reports.registry import Form, Options
from villagevote.tracking import print_data as data

__all__ = ["FORMS"]


def _day(options: Options, key: str) -> dt.date:
    text = (options.extra.get(key) or "").strip()
    if not text:
        return dt.date.today()
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise ValidationError(tr("选项 {key}={v} 不是日期，应写成 2027-05-31").format(key=key, v=text)) from None


def _scope(session: Session, options: Options) -> tuple[ElectionCycle, int | None, str]:
    cycle = cycle_of(session, options)
    return cycle, data.village_id_by_name(session, cycle.id, options.village), term_label(cycle)


def _preparer(actor: Actor) -> str:
    return actor.display_name or actor.username


def _flag(options: Options, key: str) -> bool:
    return (options.extra.get(key) or "").strip().lower() in ("1", "yes", "true", "是")


def _status(options: Options) -> CommitmentStatus | None:
    text = (options.extra.get("status") or "").strip()
    if not text:
        return None
    try:
        return CommitmentStatus.from_label(text)  # type: ignore[return-value]
    except ValueError:
        raise ValidationError(tr("状态“{v}”不认识，可用：{all}").format(
            v=text, all="、".join(f"{s.value}（{s.label}）" for s in CommitmentStatus))) from None


def _ledger_data(session: Session, options: Options) -> data.LedgerPrint:
    cycle, village_id, term = _scope(session, options)
    return data.ledger_print(session, cycle.id, village_id, today=_day(options, "date"), term=term,
                             overdue_only=_flag(options, "overdue"), supervised_only=_flag(options, "supervised"),
                             status=_status(options))


def _ledger(session: Session, actor: Actor, out: Path, options: Options) -> Path:
    from villagevote.reports.pdf.tracking_ledger import ledger_pdf

    require(actor, Permission.VIEW)
    return ledger_pdf(out, _ledger_data(session, options), preparer=_preparer(actor), printed_on=dt.date.today())


def _ledger_workbook(session: Session, actor: Actor, out: Path, options: Options) -> Path:
    from villagevote.reports.pdf.tracking_ledger import ledger_title
    from villagevote.reports.xlsx.tracking_ledger import ledger_workbook

    require(actor, Permission.VIEW)
    ledger = _ledger_data(session, options)
    return ledger_workbook(out, ledger, title=ledger_title(ledger))


def _weekly(session: Session, actor: Actor, out: Path, options: Options) -> Path:
    from villagevote.reports.pdf.tracking_weekly import weekly_summary_pdf

    require(actor, Permission.VIEW)
    cycle, village_id, term = _scope(session, options)
    week = data.weekly_print(session, cycle.id, village_id, options.extra.get("week"), term=term)
    return weekly_summary_pdf(out, week, preparer=_preparer(actor), printed_on=dt.date.today())


def _missing(session: Session, actor: Actor, out: Path, options: Options) -> Path:
    from villagevote.reports.pdf.tracking_weekly import weekly_missing_pdf

    require(actor, Permission.VIEW)
    cycle, village_id, term = _scope(session, options)
    missing = data.weekly_missing_print(session, cycle.id, village_id, options.extra.get("week"), term=term)
    return weekly_missing_pdf(out, missing, preparer=_preparer(actor), printed_on=dt.date.today())


def _monthly(session: Session, actor: Actor, out: Path, options: Options) -> Path:
    from villagevote.reports.pdf.tracking_monthly import monthly_comparison_pdf

    require(actor, Permission.VIEW)
    cycle, village_id, term = _scope(session, options)
    month = data.monthly_print(session, cycle.id, options.extra.get("month"), village_id=village_id, term=term)
    return monthly_comparison_pdf(out, month, preparer=_preparer(actor), printed_on=dt.date.today())


def _closure(session: Session, actor: Actor, out: Path, options: Options) -> Path:
    from villagevote.reports.pdf.tracking_monthly import closure_register_pdf

    require(actor, Permission.VIEW)
    cycle, village_id, term = _scope(session, options)
    register = data.closure_print(session, cycle.id, village_id, options.extra.get("month"), term=term)
    return closure_register_pdf(out, register, preparer=_preparer(actor), printed_on=dt.date.today())


def _notices(session: Session, actor: Actor, out: Path, options: Options) -> Path:
    from villagevote.reports.pdf.tracking_supervision import supervision_notice_pdf

    require(actor, Permission.VIEW)
    cycle, village_id, _term = _scope(session, options)
    notices = data.supervision_notices(session, cycle.id, village_id, options.extra.get("notice"))
    return supervision_notice_pdf(out, notices)


def _ranking(session: Session, actor: Actor, out: Path, options: Options) -> Path:
    from villagevote.reports.pdf.tracking_ranking import ranking_circular_pdf

    require(actor, Permission.VIEW)
    cycle, _village_id, term = _scope(session, options)
    ranking = data.ranking_print(session, cycle.id, options.extra.get("quarter"), term=term)
    return ranking_circular_pdf(out, ranking, printed_on=dt.date.today())


FORMS = [
    Form(name="tracking-ledger", kind="print", title=tr("践诺台账"), run=_ledger),
    Form(name="weekly-summary", kind="print", title=tr("周报汇总"), run=_weekly),
    Form(name="weekly-missing", kind="print", title=tr("周报缺报清单"), run=_missing),
    Form(name="monthly-comparison", kind="print", title=tr("月查月比表"), run=_monthly),
    Form(name="closure-register", kind="print", title=tr("销号备案表"), run=_closure),
    Form(name="supervision-notice", kind="print", title=tr("挂牌督办通知书（含回执）"), run=_notices),
    Form(name="ranking-circular", kind="print", title=tr("季度排名通报"), run=_ranking),
    Form(name="tracking-ledger", kind="export", title=tr("践诺台账（工作簿）"), run=_ledger_workbook),
]
