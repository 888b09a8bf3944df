"""Registry entries for 统计上报 (issue 19): ``villagevote export stats-workbook --db X --out 清河镇.xlsx``.

The export writes the sealed township workbook of an APPROVED submission (its frozen rows, never a recomputation;
layout in :mod:`villagevote.statistics.sealed`). Options (``--option k=v``): ``submission=<id>`` picks one (default:
the newest approved submission of the current cycle), ``report=JNTJ-01`` the newest approved 践诺跟踪 submission
instead of the structure report (HJTJ-01), ``csv=<path>`` also writes the canonical ``_data`` CSV. The
workbook is the township's whole report: ``--village`` is refused.
"""
from __future__ import annotations

import datetime as dt
from pathlib import Path

from sqlalchemy.orm import Session

from villagevote.audit import Actor
from villagevote.changes import Area
from villagevote.errors import ValidationError
from villagevote.i18n import tr
from villagevote.reports.registry import Form, Options
from villagevote.statistics import catalog as cat
from villagevote.statistics.submissions import export_submission, latest_approved, submission_print

FORM_NAME = "stats-workbook"


def run_stats_workbook(session: Session, actor: Actor, out: Path, options: Options) -> Path:
    if options.village:
        raise ValidationError(tr("统计上报工作簿是全乡镇的报表，按乡镇整体报送，不能只导出“{village}”").format(
            village=options.village))
    extra = options.extra or {}
    raw = extra.get("submission", "").strip()
    if raw:
        try:
            submission_id = int(raw)
        except ValueError:
            raise ValidationError(tr("报送编号“{raw}”不是数字").format(raw=raw)) from None
    else:
        submission_id = latest_approved(session, report_code=extra.get("report", "").strip() or cat.STRUCTURE)
    csv_out = extra.get("csv", "").strip() or None
    return export_submission(session, actor, submission_id, out, csv_out=csv_out)


def run_stats_summary(session: Session, actor: Actor, out: Path, options: Options) -> Path:
    """The printed summary of the newest approved submission (or ``--option submission=ID``; ``report=JNTJ-01``);
    with ``--village`` the per-village table and chart keep that village."""
    from villagevote.reports.pdf.statistics_summary import statistics_summary_pdf  # reportlab: when printing

    extra = options.extra or {}
    raw = extra.get("submission", "").strip()
    try:
        submission_id = int(raw) if raw else None
    except ValueError:
        raise ValidationError(tr("报送编号“{raw}”不是数字").format(raw=raw)) from None
    data = submission_print(session, submission_id, extra.get("report", "").strip() or cat.STRUCTURE,
                            village=options.village)
    return statistics_summary_pdf(out, data, printed_on=dt.date.today())


FORMS = [
    Form(name=FORM_NAME, kind="export", title=tr("统计上报工作簿（已审核的报送，含数据指纹）"), run=run_stats_workbook,
         writes=Area.STATISTICS),
    Form(name="stats-summary", kind="print", title=tr("换届统计报送汇总（封面、主要指标、合规提示，含数据指纹）"),
         run=run_stats_summary),
]
