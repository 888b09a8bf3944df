"""The 概览 page's figures: the township (or one village) at a glance, as plain data.

Its own module because it counts across areas (villages, voters, candidacies, pledges, contests, commitments): the
township module stays below the voters package, which uses it."""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from villagevote.i18n import tr
from villagevote.models.candidates import Candidacy
from villagevote.models.core import Organization, Village
from villagevote.models.elections import Contest
from villagevote.models.pledges import Pledge
from villagevote.models.tracking import Commitment
from villagevote.township import CycleInfo, cycle_info, get_township
from villagevote.voters.register import registered_voter_count

__all__ = ["Overview", "overview"]


@dataclass(frozen=True)
class Overview:
    """The township (or one village) at a glance: names, the current cycle and (label, count) pairs."""
    township: str | None
    village: str | None
    cycle: CycleInfo | None
    counts: list[tuple[str, int]]


def _count_in(session: Session, model: type, village_id: int | None) -> int:
    """Rows of ``model`` (Candidacy, Pledge, Contest or Commitment) in the township or one village."""
    query = select(func.count()).select_from(model)
    if village_id is not None:
        if model in (Pledge, Commitment):
            query = query.join(Candidacy, model.candidacy_id == Candidacy.id)
        org_col = Contest.organization_id if model is Contest else Candidacy.organization_id
        query = query.join(Organization, org_col == Organization.id).where(Organization.village_id == village_id)
    return session.scalar(query) or 0


def overview(session: Session, village_id: int | None) -> Overview:
    """Counts for the 概览 page: villages, registered voters (who may vote on the election day), candidacies,
    pledges, contests and commitments, in the township or in ``village_id``."""
    township = get_township(session)
    village = session.get(Village, village_id) if village_id is not None else None
    vid = village.id if village is not None else None
    cycle = cycle_info(session)
    villages = 1 if village is not None else session.scalar(select(func.count()).select_from(Village)) or 0
    counts = [
        (tr("村（社区）"), villages),
        (tr("登记选民"), registered_voter_count(session, cycle.id, vid) if cycle else 0),
        (tr("候选人（自荐人）"), _count_in(session, Candidacy, vid)),
        (tr("承诺书"), _count_in(session, Pledge, vid)),
        (tr("选举场次"), _count_in(session, Contest, vid)),
        (tr("践诺事项"), _count_in(session, Commitment, vid)),
    ]
    return Overview(township.name if township else None, village.name if village else None, cycle, counts)
