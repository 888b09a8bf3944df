"""What the 实绩比选 page shows, read in one go on the database worker and returned as plain data.

:func:`scoring_page` gives the schemes, the scheme in view (picked as the page did: the one asked for, else the
first with candidates, else the last), its participants (only the chosen village's, when one is chosen), raters,
adjustments and results. :func:`sheet_entry` gives one entry of one rater's sheet for the entry grid, which loads it
once and keeps what is typed until it is saved. :func:`scheme_sources` lists what a new scheme may start from.
"""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm import Session

from villagevote.errors import UserError
from villagevote.i18n import tr
from villagevote.models.core import Village
from villagevote.scoring.adjustments import list_adjustments
from villagevote.scoring.people import list_raters
from villagevote.scoring.results import compute
from villagevote.scoring.rows import (
    AdjustmentRow,
    ParticipantRow,
    RaterRow,
    SchemeResults,
    SchemeRow,
    SheetData,
    SheetState,
)
from villagevote.scoring.scheme import Scheme, load_example_schemes
from villagevote.scoring.schemes import list_schemes
from villagevote.scoring.sheets import load_sheet
from villagevote.scoring.store import get_scheme, list_participants, sheet_state

__all__ = ["SchemeView", "ScoringPageData", "SheetEntry", "scheme_sources", "scoring_page", "sheet_entry",
           "village_name"]


@dataclass(frozen=True)
class SchemeView:
    """One scheme as the page shows it. ``participants`` and the shown ``results`` rows are the chosen village's
    only (ranks are still computed over every candidate of each post); ``results_error`` when they cannot be
    computed."""

    info: SchemeRow
    scheme: Scheme
    participants: list[ParticipantRow]
    raters: list[RaterRow]
    adjustments: list[AdjustmentRow]
    results: SchemeResults | None
    results_error: str
    village: str | None


@dataclass(frozen=True)
class ScoringPageData:
    schemes: list[SchemeRow]
    scheme_id: int | None
    view: SchemeView | None


@dataclass(frozen=True)
class SheetEntry:
    sheet: SheetData
    state: SheetState


def village_name(session: Session, village_id: int | None) -> str | None:
    """The name of the village chosen in the main window (None: the whole township)."""
    if village_id is None:
        return None
    village = session.get(Village, village_id)
    return village.name if village is not None else None


def _pick(schemes: list[SchemeRow], wanted: int | None) -> int | None:
    if not schemes:
        return None
    ids = [r.id for r in schemes]
    return wanted if wanted in ids else next((r.id for r in schemes if r.participants), ids[-1])


def scoring_page(session: Session, scheme_id: int | None, village_id: int | None) -> ScoringPageData:
    """Everything the page shows for ``scheme_id`` (or the scheme picked when that is gone) in the chosen village."""
    schemes = list_schemes(session)
    picked = _pick(schemes, scheme_id)
    if picked is None:
        return ScoringPageData(schemes=schemes, scheme_id=None, view=None)
    village = village_name(session, village_id)
    participants = list_participants(session, picked)
    if village:
        participants = [p for p in participants if p.village == village]
    results: SchemeResults | None = None
    error = ""
    try:
        results = compute(session, picked)
    except UserError as exc:
        error = str(exc)
    view = SchemeView(info=next(r for r in schemes if r.id == picked), scheme=get_scheme(session, picked),
                      participants=participants, raters=list_raters(session, picked),
                      adjustments=list_adjustments(session, picked), results=results, results_error=error,
                      village=village)
    return ScoringPageData(schemes=schemes, scheme_id=picked, view=view)


def sheet_entry(session: Session, rater_id: int, entry_no: int) -> SheetEntry:
    """One entry of a rater's sheet and where the sheet stands (mismatches with the other entry)."""
    return SheetEntry(sheet=load_sheet(session, rater_id, entry_no), state=sheet_state(session, rater_id))


def scheme_sources(session: Session) -> list[tuple[str, str]]:
    """What a new scheme may start from: the shipped examples and the stored schemes, as (key, label)."""
    sources = [(f"example:{s.code}", tr("示例：{n}").format(n=s.name)) for s in load_example_schemes()]
    sources += [(f"scheme:{r.id}", tr("已有方案：{n}").format(n=r.label)) for r in list_schemes(session)]
    return sources
