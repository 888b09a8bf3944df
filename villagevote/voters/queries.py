"""Read functions for the voter pages and dialogs: plain data (dataclasses and tuples), never ORM objects.

The GUI hands these to ``ctx.query`` (they run on the database worker); the command line and the reports may use
them as well. Writes stay in :mod:`register`, :mod:`objections`, :mod:`proxies` and :mod:`schedule`.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from villagevote.errors import UserError
from villagevote.i18n import tr
from villagevote.idcard import mask_id_number
from villagevote.models.core import Village, VillageGroup
from villagevote.models.enums import RelationKind, VoterCategory, VoterStatus
from villagevote.models.voters import Voter
from villagevote.township import current_cycle
from villagevote.voters.objections import ObjectionRow, list_objections
from villagevote.voters.proxies import ProxyRow, holder_candidacy, list_proxies, near_relation
from villagevote.voters.register import (
    DuplicateGroup,
    RegisterFilter,
    count_voters,
    cross_village_duplicates,
    cycle_profile,
    fetch_voters,
    possible_duplicates,
)
from villagevote.voters.schedule import CalendarRow, township_calendar, village_calendar

__all__ = [
    "CalendarView",
    "ChecksView",
    "Choice",
    "ObjectionsView",
    "PairStatus",
    "ProxiesView",
    "RegisterView",
    "calendar_view",
    "checks_view",
    "current_cycle_id",
    "group_choices",
    "objections_view",
    "pair_status",
    "picker_rows",
    "proxies_view",
    "register_page",
    "register_view",
    "village_choices",
    "village_name",
    "voters_by_group",
]

Choice = tuple[int, str]  # (id, name) for a combo box


def current_cycle_id(session: Session) -> int:
    """The id of the current election cycle; a Chinese message when none is set up yet."""
    cycle = current_cycle(session)
    if cycle is None:
        raise UserError(tr("尚未设置换届届次，请先在系统页建立届次。"))
    return cycle.id


def _cycle_id_or_none(session: Session) -> int | None:
    cycle = current_cycle(session)
    return cycle.id if cycle is not None else None


def village_choices(session: Session) -> list[Choice]:
    """The township's villages in code order."""
    return [(v.id, v.name) for v in session.scalars(select(Village).order_by(Village.code, Village.id))]


def group_choices(session: Session, village_id: int | None) -> list[Choice]:
    """A village's 村民小组 in number order (none for the whole township)."""
    if village_id is None:
        return []
    return [(g.id, g.name) for g in session.scalars(
        select(VillageGroup).where(VillageGroup.village_id == village_id).order_by(VillageGroup.number))]


def village_name(session: Session, village_id: int | None) -> str | None:
    if village_id is None:
        return None
    village = session.get(Village, village_id)
    return village.name if village is not None else None


# ---------------------------------------------------------------------------------------------------------------
# The register (paged)
# ---------------------------------------------------------------------------------------------------------------
# A register row as the page shows it: village, group, name, gender, birth date, age, ID number, category, status,
# 是/否 (may vote), reason, then the voter id and the entry's version (for the edit check when it is changed).
REGISTER_ID, REGISTER_VERSION = 11, 12


def register_page(session: Session, f: RegisterFilter, offset: int, limit: int, full_ids: bool) -> list[tuple]:
    """One page of the register as display rows (see ``REGISTER_ID``); ID numbers masked unless ``full_ids``."""
    rows = fetch_voters(session, f, offset, limit, full_ids=full_ids)
    versions: dict[int, int] = {vid: version for vid, version in session.execute(
        select(Voter.id, Voter.version).where(Voter.id.in_([r[0] for r in rows])))}
    yes, no = tr("是"), tr("否")
    return [row[1:10] + (yes if row[10] else no,) + row[11:] + (row[0], versions.get(row[0])) for row in rows]


@dataclass(frozen=True)
class RegisterView:
    """What the register tab shows: the filter choices, the count and the first page."""
    cycle_id: int | None
    villages: list[Choice]
    groups: list[Choice]
    total: int
    rows: list[tuple]
    filter: RegisterFilter | None  # the filter the rows were read with (None: no cycle yet)


def register_view(session: Session, village_id: int | None, group_id: int | None, category: VoterCategory | None,
                  status: str, query: str, full_ids: bool, limit: int) -> RegisterView:
    """The register tab's data for the chosen filters (a group of another village is ignored)."""
    villages = village_choices(session)
    if village_id is not None and village_id not in {v for v, _ in villages}:
        village_id = None
    groups = group_choices(session, village_id)
    if group_id not in {g for g, _ in groups}:
        group_id = None
    cycle_id = _cycle_id_or_none(session)
    if cycle_id is None:
        return RegisterView(None, villages, groups, 0, [], None)
    f = RegisterFilter(cycle_id, village_id=village_id, group_id=group_id, category=category, status=status,
                       query=query)
    total = count_voters(session, f)
    rows = register_page(session, f, 0, limit, full_ids) if total else []
    return RegisterView(cycle_id, villages, groups, total, rows, f)


def picker_rows(session: Session, village_id: int | None, query: str, full_ids: bool, limit: int = 50) -> list[tuple]:
    """Voters on a village's list for a search box: (name, group, gender, birth date, ID number, standing, id)."""
    cycle_id = _cycle_id_or_none(session)
    if cycle_id is None or village_id is None:
        return []
    f = RegisterFilter(cycle_id, village_id=village_id, status="active", query=query)
    return [(r[3], r[2], r[4], r[5], r[7], tr("有选举权") if r[10] else r[11], r[0])
            for r in fetch_voters(session, f, 0, limit, full_ids=full_ids)]


def voters_by_group(session: Session, cycle_id: int, village_id: int) -> dict[str, list[tuple[str, str, int]]]:
    """The voters of a village's published list (on the list and entitled to vote) by 村民小组 in group number
    order (未分组 last), each group in 姓氏笔画 order: group name -> [(name, gender, voter id)]."""
    rows = session.execute(
        select(VillageGroup.name, Voter.name, Voter.gender, Voter.id)
        .outerjoin(VillageGroup, VillageGroup.id == Voter.group_id)
        .where(Voter.cycle_id == cycle_id, Voter.village_id == village_id, Voter.status == VoterStatus.ACTIVE,
               Voter.eligible.is_(True))
        .order_by(VillageGroup.number.is_(None), VillageGroup.number, Voter.name_sort, Voter.id))
    groups: dict[str, list[tuple[str, str, int]]] = {}
    for group, name, gender, vid in rows:
        groups.setdefault(group or tr("未分组"), []).append((name, gender.label if gender else "", vid))
    return groups


# ---------------------------------------------------------------------------------------------------------------
# Objections, proxies, township-wide checks, calendar
# ---------------------------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class ObjectionsView:
    cycle_id: int | None
    rows: list[ObjectionRow]


def objections_view(session: Session, village_id: int | None) -> ObjectionsView:
    cycle_id = _cycle_id_or_none(session)
    return ObjectionsView(cycle_id, list_objections(session, cycle_id, village_id) if cycle_id is not None else [])


@dataclass(frozen=True)
class ProxiesView:
    cycle_id: int | None
    rows: list[ProxyRow]
    cap: int
    village: str | None  # the chosen village's name (None: the whole township)


def proxies_view(session: Session, village_id: int | None) -> ProxiesView:
    cycle_id = _cycle_id_or_none(session)
    name = village_name(session, village_id)
    if cycle_id is None:
        return ProxiesView(None, [], 3, name)
    return ProxiesView(cycle_id, list_proxies(session, cycle_id, village_id),
                       cycle_profile(session, cycle_id)[1].proxy_cap, name)


@dataclass(frozen=True)
class ChecksView:
    cycle_id: int | None
    same_id: list[DuplicateGroup]     # one ID number on several villages' lists (blocks publication)
    maybe_same: list[DuplicateGroup]  # same name and birth date, an ID number missing (to be checked)


def checks_view(session: Session, full_ids: bool) -> ChecksView:
    """The township-wide duplicate checks; ID numbers masked unless ``full_ids``."""
    cycle_id = _cycle_id_or_none(session)
    if cycle_id is None:
        return ChecksView(None, [], [])
    same = cross_village_duplicates(session, cycle_id)
    if not full_ids:
        same = [DuplicateGroup(mask_id_number(g.key), g.entries) for g in same]
    return ChecksView(cycle_id, same, possible_duplicates(session, cycle_id))


@dataclass(frozen=True)
class CalendarView:
    cycle_id: int | None
    rows: list[CalendarRow]


def calendar_view(session: Session, village_id: int | None, today: dt.date) -> CalendarView:
    """The statutory calendar of one village, or of every village."""
    cycle_id = _cycle_id_or_none(session)
    if cycle_id is None:
        return CalendarView(None, [])
    if village_id is not None:
        return CalendarView(cycle_id, village_calendar(session, cycle_id, village_id, today))
    return CalendarView(cycle_id, township_calendar(session, cycle_id, today))


@dataclass(frozen=True)
class PairStatus:
    """What is recorded between a proxy's principal and holder."""
    principal: str
    holder: str
    relation: RelationKind | None
    holder_standing: str | None  # "村民委员会主任" when the holder is a candidate of the cycle


def pair_status(session: Session, principal_id: int, holder_id: int) -> PairStatus | None:
    p, h = session.get(Voter, principal_id), session.get(Voter, holder_id)
    if p is None or h is None:
        return None
    return PairStatus(p.name, h.name, near_relation(session, p, h), holder_candidacy(session, h))
