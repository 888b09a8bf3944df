"""What the 承诺 page and its template dialog read, as plain data (run on the database worker)."""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm import Session

from villagevote.models.core import Village
from villagevote.models.enums import PledgeKind
from villagevote.pledges import service, store
from villagevote.township import current_cycle

__all__ = ["PledgeList", "TemplatesView", "pledge_list", "templates_view"]


@dataclass(frozen=True)
class PledgeList:
    """The pledges of the current cycle in one village (or the township), with what the page needs around them."""
    cycle_id: int | None              # None: no cycle set up yet
    village: str | None               # the chosen village's name (prints go by village name), None for the township
    rows: list[service.PledgeRow]


def pledge_list(session: Session, village_id: int | None) -> PledgeList:
    cycle = current_cycle(session)
    village = session.get(Village, village_id) if village_id is not None else None
    rows = service.list_pledges(session, cycle.id, village_id) if cycle is not None else []
    return PledgeList(cycle.id if cycle else None, village.name if village else None, rows)


@dataclass(frozen=True)
class TemplatesView:
    """Every template version, and the kinds of pledge the current cycle requires."""
    templates: list[store.TemplateInfo]
    cycle_id: int | None
    required: list[PledgeKind]


def templates_view(session: Session) -> TemplatesView:
    cycle = current_cycle(session)
    required = service.required_kinds(session, cycle.id) if cycle is not None else []
    return TemplatesView(store.list_templates(session, include_old_versions=True), cycle.id if cycle else None,
                         list(required))
