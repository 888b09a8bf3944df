"""The township itself: villages with 村民小组, election cycles and the four organizations with their seats."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from villagevote import audit
from villagevote.audit import Actor
from villagevote.auth import Permission, requires
from villagevote.errors import ValidationError
from villagevote.i18n import tr
from villagevote.models.base import row_dict
from villagevote.models.core import ElectionCycle, Organization, Seat, Township, Village, VillageGroup
from villagevote.models.enums import OrgKind

# Default posts per organization: (post, rank, quota, women_quota). Editable per village after creation.
DEFAULT_SEATS: dict[OrgKind, list[tuple[str, int, int, int]]] = {
    OrgKind.PARTY_BRANCH: [("书记", 1, 1, 0), ("副书记", 2, 1, 0), ("委员", 3, 3, 1)],
    OrgKind.VILLAGE_COMMITTEE: [("主任", 1, 1, 0), ("副主任", 2, 1, 0), ("委员", 3, 3, 1)],
    OrgKind.SUPERVISION_COMMITTEE: [("主任", 1, 1, 0), ("委员", 2, 2, 0)],
    OrgKind.COOP: [("董事长", 1, 1, 0), ("董事", 2, 4, 0)],
}

# Statutory timetable and caps (domain.md §4); data with defaults, editable per cycle.
DEFAULT_PROFILE: dict[str, object] = {
    "voter_list_days_before": 20,
    "objection_days": 5,
    "objection_answer_days": 3,
    "candidate_list_days_before": 5,
    "proxy_cap": 3,
    "women_seat_rule": "reserve",
}


@dataclass(frozen=True)
class VillageRow:
    id: int
    name: str
    code: str
    households: int
    population: int
    groups: int


def get_township(session: Session) -> Township | None:
    return session.scalar(select(Township).order_by(Township.id))


@requires(Permission.ADMIN)
def create_township(session: Session, actor: Actor, name: str, county: str = "", code: str = "") -> int:
    if not name.strip():
        raise ValidationError(tr("乡镇（街道）名称不能为空。"))
    if get_township(session) is not None:
        raise ValidationError(tr("一个数据库只保存一个乡镇（街道）的数据。"))
    township = Township(name=name.strip(), county=county.strip(), code=code.strip())
    session.add(township)
    session.flush()
    audit.record(session, actor, "create", "township", township.id, after=row_dict(township))
    return township.id


@requires(Permission.EDIT)
def add_village(session: Session, actor: Actor, township_id: int | None, name: str, *, code: str = "",
                households: int = 0, population: int = 0, groups: int = 0) -> int:
    """A new village (``township_id`` None: the database's one township) with its organizations in every cycle."""
    if township_id is None:
        township = get_township(session)
        if township is None:
            raise ValidationError(tr("还没有设置乡镇（街道），请先设置。"))
        township_id = township.id
    name = name.strip()
    if not name:
        raise ValidationError(tr("村名不能为空。"), field="name")
    if session.scalar(select(Village).where(Village.township_id == township_id, Village.name == name)):
        raise ValidationError(tr("村“{name}”已存在。").format(name=name), field="name")
    if households < 0 or population < 0 or groups < 0:
        raise ValidationError(tr("户数、人口和村民小组数不能为负数。"))
    village = Village(township_id=township_id, name=name, code=code, households=households, population=population)
    village.groups = [VillageGroup(number=i, name=tr("第{n}村民小组").format(n=i)) for i in range(1, groups + 1)]
    session.add(village)
    session.flush()
    for cycle_id in session.scalars(select(ElectionCycle.id).where(ElectionCycle.township_id == township_id)):
        add_organizations(session, village.id, cycle_id)
    audit.record(session, actor, "create", "village", village.id, after=row_dict(village))
    return village.id


@requires(Permission.EDIT)
def update_village(session: Session, actor: Actor, village_id: int, *, name: str | None = None,
                   code: str | None = None, households: int | None = None, population: int | None = None,
                   groups: int | None = None) -> None:
    """Edit a village. Groups can be added; a group that voters or persons belong to is never removed."""
    village = session.get(Village, village_id)
    if village is None:
        raise ValidationError(tr("村不存在（编号 {id}）。").format(id=village_id))
    before = row_dict(village)
    if name is not None:
        name = name.strip()
        if not name:
            raise ValidationError(tr("村名不能为空。"), field="name")
        clash = session.scalar(select(Village).where(Village.township_id == village.township_id,
                                                     Village.name == name, Village.id != village_id))
        if clash:
            raise ValidationError(tr("村“{name}”已存在。").format(name=name), field="name")
        village.name = name
    if code is not None:
        village.code = code.strip()
    for field, value in (("households", households), ("population", population)):
        if value is not None:
            if value < 0:
                raise ValidationError(tr("户数和人口不能为负数。"))
            setattr(village, field, value)
    if groups is not None:
        if groups < len(village.groups):
            raise ValidationError(tr("村民小组只能增加，不能减少（现有 {n} 个）；请合并小组后再调整。").format(
                n=len(village.groups)), field="groups")
        for i in range(len(village.groups) + 1, groups + 1):
            village.groups.append(VillageGroup(number=i, name=tr("第{n}村民小组").format(n=i)))
    session.flush()
    audit.record(session, actor, "update", "village", village_id, before=before, after=row_dict(village))


@requires(Permission.ADMIN)
def update_cycle(session: Session, actor: Actor, cycle_id: int, *, name: str | None = None,
                 election_day: dt.date | None = None, profile: dict | None = None) -> None:
    cycle = session.get(ElectionCycle, cycle_id)
    if cycle is None:
        raise ValidationError(tr("届次不存在（编号 {id}）。").format(id=cycle_id))
    before = row_dict(cycle)
    if name is not None:
        if not name.strip():
            raise ValidationError(tr("届次名称不能为空。"))
        cycle.name = name.strip()
    if election_day is not None:
        cycle.election_day = election_day
        cycle.year = election_day.year
    if profile is not None:
        term = profile.get("term_number")
        if term is not None and not (isinstance(term, int) and 1 <= term <= 99):
            raise ValidationError(tr("届次应为 1 到 99 之间的整数（如第十二届填 12）。"), field="term_number")
        cycle.profile = {**(cycle.profile or {}), **profile}
    session.flush()
    audit.record(session, actor, "update", "election_cycle", cycle_id, before=before, after=row_dict(cycle))


def list_villages(session: Session) -> list[VillageRow]:
    rows = []
    for v in session.scalars(select(Village).order_by(Village.code, Village.id)):
        rows.append(VillageRow(v.id, v.name, v.code, v.households, v.population, len(v.groups)))
    return rows


@requires(Permission.ADMIN)
def create_cycle(session: Session, actor: Actor, township_id: int, name: str, year: int,
                 election_day: dt.date, *, rule_set_id: int | None = None, term_years: int = 5,
                 profile: dict | None = None) -> int:
    """A new round for every village of the township, with the four organizations and default seats."""
    if not name.strip():
        raise ValidationError(tr("届次名称不能为空。"))
    cycle = ElectionCycle(township_id=township_id, name=name.strip(), year=year, election_day=election_day,
                          term_years=term_years, rule_set_id=rule_set_id, profile={**DEFAULT_PROFILE, **(profile or {})})
    session.add(cycle)
    session.flush()
    for village in session.scalars(select(Village).where(Village.township_id == township_id)):
        add_organizations(session, village.id, cycle.id)
    audit.record(session, actor, "create", "election_cycle", cycle.id, after=row_dict(cycle))
    return cycle.id


def add_organizations(session: Session, village_id: int, cycle_id: int) -> list[int]:
    ids = []
    for kind, seats in DEFAULT_SEATS.items():
        org = Organization(village_id=village_id, cycle_id=cycle_id, kind=kind)
        org.seats = [Seat(post=p, rank=r, quota=q, women_quota=w) for p, r, q, w in seats]
        session.add(org)
        session.flush()
        ids.append(org.id)
    return ids


def current_cycle(session: Session) -> ElectionCycle | None:
    return session.scalar(select(ElectionCycle).order_by(ElectionCycle.election_day.desc(), ElectionCycle.id.desc()))


# -- read functions for the pages (plain data) ---------------------------------------------------------------------

@dataclass(frozen=True)
class CycleInfo:
    id: int
    name: str
    election_day: dt.date
    term_number: int | None = None  # 届次 (第十二届 → 12) printed on the forms that name a body


@dataclass(frozen=True)
class TownshipView:
    """What the 乡镇与村 tab shows: the villages and the current cycle (None before one is set up)."""
    villages: list[VillageRow]
    cycle: CycleInfo | None


def cycle_info(session: Session) -> CycleInfo | None:
    """The current cycle as plain data, or None."""
    cycle = current_cycle(session)
    if cycle is None:
        return None
    term = (cycle.profile or {}).get("term_number")
    return CycleInfo(cycle.id, cycle.name, cycle.election_day, term if isinstance(term, int) else None)


def township_view(session: Session) -> TownshipView:
    return TownshipView(list_villages(session), cycle_info(session))
