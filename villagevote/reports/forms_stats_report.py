"""Registry entry of the printed 换届统计 (issue 19 item 6): ``villagevote print stats-report --db X --out 换届统计.pdf``
— the structure indicators per village with the 合计, the compliance warnings, a quarter's tracking figures and the
charts of the 概览 dashboard, computed from the database now (the sealed, frozen figures are the ``stats-summary`` of
an approved submission). Options: ``--option period=2027-Q2`` (or a month, 2027-05; default the current quarter),
``--village 名`` keeps one village (and the 合计)."""
from __future__ import annotations

import datetime as dt
from pathlib import Path

from sqlalchemy.orm import Session

from villagevote.audit import Actor
from villagevote.errors import ValidationError
from villagevote.i18n import tr
from villagevote.reports.registry import Form, Options
from villagevote.statistics.dashboard import dashboard
from villagevote.township import list_villages

__all__ = ["FORMS"]


def run_stats_report(session: Session, actor: Actor, out: Path, options: Options) -> Path:
    from villagevote.reports.pdf.statistics_report import statistics_report_pdf  # reportlab: when printing

    village_id: int | None = None
    if options.village:
        match = [v.id for v in list_villages(session) if v.name == options.village]
        if not match:
            raise ValidationError(tr("没有名为“{v}”的村").format(v=options.village))
        village_id = match[0]
    period = (options.extra or {}).get("period", "").strip() or None
    today = dt.date.today()
    data = dashboard(session, period, village_id=village_id, today=today)
    return statistics_report_pdf(out, data, printed_on=today, preparer=actor.display_name or actor.username)


FORMS = [
    Form(name="stats-report", kind="print", title=tr("换届统计（分村指标、合规提示、践诺统计、图表）"), run=run_stats_report),
]
