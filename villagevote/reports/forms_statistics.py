"""Registry entries for 统计上报 (issue 19): ``villagevote export stats-workbook --db X --out 清河镇.xlsx``.

The export writes the sealed township workbook of an APPROVED submission (its frozen rows, never a recomputation;
layout in :mod:`villagevote.statistics.sealed`). Options (``--option k=v``): ``submission=<id>`` picks one (default:
the newest approved submission of the current cycle), ``report=JNTJ-01`` the newest approved 践诺跟踪 submission
instead of the structure report (HJTJ-01), ``csv=<path>`` also writes the canonical ``_data`` CSV. The
workbook is the township's whole report: ``--village`` is refused.
"""
from __future__ import annotations

from pathlib import Path

from sqlalchemy.orm import Session

from villagevote.audit import Actor
from villagevote.changes import Area
from villagevote.errors import ValidationError
from villagevote.i18n import tr
from villagevote.reports.registry import Form, Options
from villagevote.statistics import catalog as cat
from villagevote.statistics.submissions import export_submission, latest_approved

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


FORMS = [
    Form(name=FORM_NAME, kind="export", title=tr("统计上报工作簿（已审核的报送，含数据指纹）"), run=run_stats_workbook,
         writes=Area.STATISTICS),
]
