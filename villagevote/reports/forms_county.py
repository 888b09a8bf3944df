"""Registry entries for the county joint review: ``villagevote export county-review --db X --out Y.xlsx``.

Options (``--option k=v``): ``departments=公安,法院`` limits the department column groups (default: every county
department named by the cycle's rules); ``cycle=<id>`` picks a cycle other than the current one.
:func:`export_county_review` writes the workbook for a cycle (the export logged with its number). The returned workbook
is read back in the GUI (候选人与资格审查 → 导入县级联审意见), where the preview is shown
before anything is written; the registry has no import kind.
"""
from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from dataclasses import replace
from pathlib import Path

from sqlalchemy.orm import Session

from villagevote.audit import Actor
from villagevote.auth import Permission, require
from villagevote.changes import Area
from villagevote.i18n import tr
from villagevote.qualification.county_review import build_county_sheet, record_county_export
from villagevote.reports.forms_candidates import cycle_of
from villagevote.reports.masking import mask_id
from villagevote.reports.registry import Form, Options

FORM_NAME = "county-review"


def export_county_review(session: Session, actor: Actor, out_path: Path | str, cycle_id: int,
                         departments: Iterable[str] | None = None, today: dt.date | None = None,
                         village: str | None = None) -> Path:
    """Write the joint-review workbook (contains full ID numbers) and log the export with its number; only the
    candidates of ``village`` (a name) when given."""
    from villagevote.reports.xlsx.county_review import write_county_workbook  # openpyxl: loaded when exporting

    require(actor, Permission.VIEW_SENSITIVE)
    sheet = build_county_sheet(session, cycle_id, departments, today=today, village=village)
    # the departments look people up by ID number: the masking table says full (and the sheet says 注意保密)
    sheet = replace(sheet, rows=[replace(r, id_number=mask_id(r.id_number, FORM_NAME)) for r in sheet.rows])
    path = write_county_workbook(sheet, out_path)
    record_county_export(session, actor, cycle_id, sheet.export_id, Path(path).name, len(sheet.rows),
                         list(sheet.departments))
    return path


def run_county_review(session: Session, actor: Actor, out: Path, options: Options) -> Path:
    raw = (options.extra or {}).get("departments", "")
    departments = [d for d in re.split(r"[,，、;；\s]+", raw) if d] or None
    return export_county_review(session, actor, out, cycle_of(session, options).id, departments=departments,
                                village=options.village)


FORMS = [
    Form(name=FORM_NAME, kind="export", title=tr("县级联审表（候选人资格，含身份证号码）"), run=run_county_review,
         sensitive=True, writes=Area.QUALIFICATION),
]
