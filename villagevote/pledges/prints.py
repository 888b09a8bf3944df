"""What pledge prints need from the database, as plain data: pledges ready to print and the 示诺 notice entries."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from villagevote.errors import NotFound, ValidationError
from villagevote.i18n import tr
from villagevote.models import Candidacy, ElectionCycle, Organization, Person, Pledge, PledgeItem
from villagevote.models.core import Township, Village
from villagevote.models.enums import OrgKind, PledgeKind, PledgeStatus
from villagevote.models.pledges import PledgeItemKind
from villagevote.names import stroke_key
from villagevote.pledges.service import (
    NOTICE_CANDIDACY,
    cycle_label,
    goal_deadline,
    linked,
    list_pledges,
    organization_name,
    rendered_pledge,
)
from villagevote.pledges.templates import RenderedPledge

__all__ = ["NoticeCandidate", "NoticeData", "NoticeGoal", "PledgeToPrint", "candidacies_named", "notice_data",
           "pledge_to_print", "printable_pledges", "village_by_name"]

PRINTABLE = (PledgeStatus.REVIEWED, PledgeStatus.SIGNED)


@dataclass(frozen=True)
class NoticeGoal:
    title: str
    category: str
    target: str
    deadline: dt.date


@dataclass(frozen=True)
class NoticeCandidate:
    name: str
    organization: str
    post: str
    signed_kinds: tuple[str, ...] = ()  # labels of the pledges signed, e.g. 竞职承诺（换届纪律）
    goals: tuple[NoticeGoal, ...] = ()
    term_goals_signed: bool = True  # False: the 创业承诺 is not signed yet, so no goals are shown


def village_by_name(session: Session, name: str) -> Village:
    village = session.scalar(select(Village).where(Village.name == name.strip()))
    if village is None:
        names = "、".join(session.scalars(select(Village.name).order_by(Village.code, Village.id)))
        raise NotFound(tr("没有名为“{name}”的村。现有：{names}").format(name=name, names=names or tr("（无）")))
    return village


def printable_pledges(session: Session, cycle_id: int, village_id: int | None = None,
                      candidacy_id: int | None = None, kind: PledgeKind | None = None,
                      pledge_ids: list[int] | None = None) -> list[tuple[str, RenderedPledge]]:
    """(page header, frozen text) of the reviewed or signed pledges chosen, candidates in stroke order.

    Raises ValidationError when nothing qualifies, naming how many are still drafts.
    """
    rows = list_pledges(session, cycle_id, village_id, candidacy_id)
    if kind is not None:
        rows = [r for r in rows if r.kind is kind]
    if pledge_ids is not None:
        wanted = set(pledge_ids)
        rows = [r for r in rows if r.id in wanted]
    ready = [r for r in rows if r.status in PRINTABLE]
    if not ready:
        drafts = sum(1 for r in rows if r.status is PledgeStatus.DRAFT)
        raise ValidationError(tr("没有可打印的承诺书：只有审诺通过（已审核）或已签订的承诺书才能打印，"
                                 "所选范围内还有{n}份草稿").format(n=drafts))
    return [(f"{r.village}　{r.name}　{r.kind.label}", rendered_pledge(session, r.id)) for r in ready]


def candidacies_named(session: Session, cycle_id: int, village_id: int, name: str) -> list[tuple[int, int]]:
    """(candidacy id, person id) of the candidacies of persons called ``name`` in a village, by organization."""
    return [(cid, pid) for cid, pid in session.execute(
        select(Candidacy.id, Candidacy.person_id).join(Person, Person.id == Candidacy.person_id)
        .join(Organization, Organization.id == Candidacy.organization_id)
        .where(Person.name == name, Candidacy.cycle_id == cycle_id, Organization.village_id == village_id)
        .order_by(Organization.id, Candidacy.id)).all()]


@dataclass(frozen=True)
class PledgeToPrint:
    header: str                # page header: village, name, kind
    kind: PledgeKind
    village: str
    rendered: RenderedPledge


def pledge_to_print(session: Session, pledge_id: int) -> PledgeToPrint:
    """One reviewed or signed pledge ready to print (a draft raises ValidationError)."""
    pledge = session.get(Pledge, pledge_id)
    if pledge is None:
        raise NotFound(tr("找不到承诺书（编号 {id}）").format(id=pledge_id))
    row = next(r for r in list_pledges(session, linked(session, Candidacy, pledge.candidacy_id).cycle_id,
                                       candidacy_id=pledge.candidacy_id) if r.id == pledge_id)
    rendered = rendered_pledge(session, pledge_id)
    return PledgeToPrint(f"{row.village}　{row.name}　{row.kind.label}", row.kind, row.village, rendered)


@dataclass(frozen=True)
class NoticeData:
    village: str
    township: str
    cycle_label: str
    election_day: dt.date
    candidates: tuple[NoticeCandidate, ...]


def _found_ineligible(session: Session, cycle_id: int, candidacy_ids: list[int]) -> set[int]:
    from villagevote.qualification.rules_engine import VerdictOutcome
    from villagevote.qualification.verdict import compute_verdicts

    verdicts = compute_verdicts(session, cycle_id, candidacy_ids)
    return {cid for cid, v in verdicts.items() if v.outcome is VerdictOutcome.DISQUALIFIED}


def notice_data(session: Session, cycle_id: int, village_id: int) -> NoticeData:
    """Candidates of one village with the pledges they signed and their signed term goals (no ID numbers)."""
    cycle = session.get(ElectionCycle, cycle_id)
    village = session.get(Village, village_id)
    if cycle is None or village is None:
        raise NotFound(tr("找不到换届届次或村"))
    township = session.get(Township, village.township_id)
    query = (select(Candidacy, Organization).join(Organization, Organization.id == Candidacy.organization_id)
             .where(Candidacy.cycle_id == cycle_id, Organization.village_id == village_id)
             .order_by(Organization.id, Candidacy.id))
    keyed: list[tuple[int, tuple, NoticeCandidate]] = []
    kind_order = list(OrgKind)
    found = session.execute(query).all()
    ineligible = _found_ineligible(session, cycle_id, [cand.id for cand, _ in found])
    for cand, org in found:
        if cand.status not in NOTICE_CANDIDACY:  # still in review, withdrawn or struck off: not posted
            continue
        if cand.id in ineligible:  # the person's findings make the verdict 不能 (e.g. a refused pledge)
            continue
        pledges = list(session.scalars(select(Pledge).where(Pledge.candidacy_id == cand.id)))
        if not pledges:
            continue
        signed = sorted((p for p in pledges if p.status == PledgeStatus.SIGNED),
                        key=lambda p: list(PledgeKind).index(PledgeKind(p.kind)))
        goals: list[NoticeGoal] = []
        for pledge in signed:
            if pledge.kind == PledgeKind.TERM_GOALS:
                for item in session.scalars(select(PledgeItem).where(
                        PledgeItem.pledge_id == pledge.id, PledgeItem.item_kind == PledgeItemKind.GOAL,
                        PledgeItem.struck.is_(False)).order_by(PledgeItem.sort_order, PledgeItem.id)):
                    goals.append(NoticeGoal(item.title, item.category, item.target, goal_deadline(item)))
        entry = NoticeCandidate(
            name=cand.person.name, organization=organization_name(village.name, org.kind.label), post=cand.post,
            signed_kinds=tuple(PledgeKind(p.kind).label for p in signed), goals=tuple(goals),
            term_goals_signed=any(p.kind == PledgeKind.TERM_GOALS for p in signed))
        keyed.append((kind_order.index(OrgKind(org.kind)), stroke_key(entry.name), entry))
    # Organizations in their usual order (党组织 first); the PDF groups by organization keeping this order.
    keyed.sort(key=lambda k: (k[0], k[1]))
    return NoticeData(village.name, township.name if township else "", cycle_label(cycle.name), cycle.election_day,
                      tuple(entry for _, _, entry in keyed))
