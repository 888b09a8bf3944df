"""What pledge prints need from the database, as plain data: pledges ready to print and the 示诺 notice entries."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

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
    """One person on the 示诺 notice: every post they stand for, the pledges they signed (only signed ones) and the
    goals of their signed 创业承诺 (one list even when they stand for two organizations)."""

    name: str
    organization: str  # the first organization they stand for (党组织 before 村民委员会)
    post: str
    signed_kinds: tuple[str, ...] = ()  # labels of the pledges signed, e.g. 竞职承诺（换届纪律）
    goals: tuple[NoticeGoal, ...] = ()
    term_goals_signed: bool = True  # False: the 创业承诺 is not signed yet, so no goals are shown
    # every (organization, post) they stand for; empty means just (organization, post)
    posts: tuple[tuple[str, str], ...] = ()

    @property
    def all_posts(self) -> tuple[tuple[str, str], ...]:
        return self.posts or ((self.organization, self.post),)


def village_by_name(session: Session, name: str) -> Village:
    village = session.scalar(select(Village).where(Village.name == name.strip()))
    if village is None:
        names = "、".join(session.scalars(select(Village.name).order_by(Village.code, Village.id)))
        raise NotFound(tr("没有名为“{name}”的村。现有：{names}").format(name=name, names=names or tr("（无）")))
    return village


def printable_pledges(session: Session, cycle_id: int, village_id: int | None = None,
                      candidacy_id: int | None = None, kind: PledgeKind | None = None,
                      pledge_ids: list[int] | None = None) -> list[PledgeToPrint]:
    """The reviewed or signed pledges chosen (page header, frozen text, the candidate's ID number so the print can
    mask it), candidates in stroke order.

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
    return [PledgeToPrint(f"{r.village}　{r.name}　{r.kind.label}", r.kind, r.village, rendered_pledge(session, r.id),
                          _id_number(session, r.candidacy_id)) for r in ready]


def _id_number(session: Session, candidacy_id: int) -> str:
    return session.scalar(select(Person.id_number).join(Candidacy, Candidacy.person_id == Person.id)
                          .where(Candidacy.id == candidacy_id)) or ""


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
    id_number: str = ""        # the candidate's ID number as recorded (the frozen text may carry it in full)


def pledge_to_print(session: Session, pledge_id: int) -> PledgeToPrint:
    """One reviewed or signed pledge ready to print (a draft raises ValidationError)."""
    pledge = session.get(Pledge, pledge_id)
    if pledge is None:
        raise NotFound(tr("找不到承诺书（编号 {id}）").format(id=pledge_id))
    row = next(r for r in list_pledges(session, linked(session, Candidacy, pledge.candidacy_id).cycle_id,
                                       candidacy_id=pledge.candidacy_id) if r.id == pledge_id)
    rendered = rendered_pledge(session, pledge_id)
    return PledgeToPrint(f"{row.village}　{row.name}　{row.kind.label}", row.kind, row.village, rendered,
                         _id_number(session, row.candidacy_id))


@dataclass(frozen=True)
class NoticeData:
    village: str
    township: str
    cycle_label: str
    election_day: dt.date
    candidates: tuple[NoticeCandidate, ...]
    cycle_name: str = ""  # the cycle as recorded (e.g. 第十二届 or 2026年村级组织换届), for the 届次
    cycle_profile: dict = field(default_factory=dict)  # the cycle's profile (may name the 届次 of the bodies)


def _found_ineligible(session: Session, cycle_id: int, candidacy_ids: list[int]) -> set[int]:
    from villagevote.qualification.rules_engine import VerdictOutcome
    from villagevote.qualification.verdict import compute_verdicts

    verdicts = compute_verdicts(session, cycle_id, candidacy_ids)
    return {cid for cid, v in verdicts.items() if v.outcome is VerdictOutcome.DISQUALIFIED}


def notice_data(session: Session, cycle_id: int, village_id: int) -> NoticeData:
    """The people of one village to post on the 示诺 notice: one entry per person (a person standing for the Party
    organization and the village committee appears once, with both posts), only the pledges they signed and the
    goals of their signed 创业承诺 (no ID numbers). A person with no signed pledge is not posted."""
    cycle = session.get(ElectionCycle, cycle_id)
    village = session.get(Village, village_id)
    if cycle is None or village is None:
        raise NotFound(tr("找不到换届届次或村"))
    township = session.get(Township, village.township_id)
    query = (select(Candidacy, Organization).join(Organization, Organization.id == Candidacy.organization_id)
             .where(Candidacy.cycle_id == cycle_id, Organization.village_id == village_id)
             .order_by(Organization.id, Candidacy.id))
    kind_order = list(OrgKind)
    found = session.execute(query).all()
    ineligible = _found_ineligible(session, cycle_id, [cand.id for cand, _ in found])
    # person id -> (name, [(org order, organization, post)], signed kinds, goals)
    people: dict[int, tuple[str, list[tuple[int, str, str]], set[PledgeKind], list[NoticeGoal]]] = {}
    for cand, org in found:
        if cand.status not in NOTICE_CANDIDACY:  # still in review, withdrawn or struck off: not posted
            continue
        if cand.id in ineligible:  # the person's findings make the verdict 不能 (e.g. a refused pledge)
            continue
        signed = list(session.scalars(select(Pledge).where(Pledge.candidacy_id == cand.id,
                                                           Pledge.status == PledgeStatus.SIGNED)))
        if not signed:  # only signed pledges are posted
            continue
        name, posts, kinds, goals = people.setdefault(cand.person_id, (cand.person.name, [], set(), []))
        posts.append((kind_order.index(OrgKind(org.kind)), organization_name(village.name, org.kind.label), cand.post))
        for pledge in signed:
            kinds.add(PledgeKind(pledge.kind))
            if pledge.kind == PledgeKind.TERM_GOALS:
                for item in session.scalars(select(PledgeItem).where(
                        PledgeItem.pledge_id == pledge.id, PledgeItem.item_kind == PledgeItemKind.GOAL,
                        PledgeItem.struck.is_(False)).order_by(PledgeItem.sort_order, PledgeItem.id)):
                    goal = NoticeGoal(item.title, item.category, item.target, goal_deadline(item))
                    if goal not in goals:  # the same goal pledged for both posts is listed once
                        goals.append(goal)
    entries: list[tuple[int, tuple, NoticeCandidate]] = []
    for name, posts, kinds, goals in people.values():
        posts.sort(key=lambda x: x[0])
        entry = NoticeCandidate(
            name=name, organization=posts[0][1], post=posts[0][2],
            signed_kinds=tuple(k.label for k in PledgeKind if k in kinds), goals=tuple(goals),
            term_goals_signed=PledgeKind.TERM_GOALS in kinds, posts=tuple((org, post) for _, org, post in posts))
        entries.append((posts[0][0], stroke_key(name), entry))
    # Surname strokes (姓氏笔画); the same strokes keep the usual order of organizations (党组织 first).
    entries.sort(key=lambda k: (k[1], k[0]))
    return NoticeData(village.name, township.name if township else "", cycle_label(cycle.name), cycle.election_day,
                      tuple(entry for _, _, entry in entries), cycle.name, dict(cycle.profile or {}))
