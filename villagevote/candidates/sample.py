"""A small township to work on: villages, a cycle bound to a catalog, organizations with seats.

Used by the tests of this area and by the demo-data hook; only creates what it is asked to.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from villagevote.models import ElectionCycle, Organization, RuleSet, Seat, Township, Village, VillageGroup
from villagevote.models.enums import OrgKind

__all__ = ["SampleWorld", "build_world", "id_number"]

DEFAULT_SEATS: dict[OrgKind, list[tuple[str, int]]] = {
    OrgKind.PARTY_BRANCH: [("书记", 1), ("副书记", 1), ("委员", 3)],
    OrgKind.VILLAGE_COMMITTEE: [("主任", 1), ("副主任", 1), ("委员", 3)],
    OrgKind.SUPERVISION_COMMITTEE: [("主任", 1), ("委员", 2)],
}


@dataclass
class SampleWorld:
    township_id: int
    cycle_id: int
    rule_set_id: int | None
    villages: dict[str, int] = field(default_factory=dict)
    orgs: dict[tuple[str, OrgKind], int] = field(default_factory=dict)


def id_number(area: str, birth: dt.date, seq: int) -> str:
    """A valid 18-character ID number (area code, birth date, 3-digit sequence: odd male, even female)."""
    from villagevote.idcard import check_character

    first17 = f"{area}{birth:%Y%m%d}{seq:03d}"
    return first17 + check_character(first17)


def build_world(
    session: Session,
    villages: tuple[str, ...] = ("青山村", "绿水村"),
    catalog_key: str = "zhejiang-2013",
    election_day: dt.date = dt.date(2026, 3, 15),
    township: str = "城南镇",
    county: str = "上虞区",
    bind: bool = True,
) -> SampleWorld:
    """Township, villages (each with 村民小组 1–3), cycle, three organizations per village with seats."""
    town = Township(name=township, county=county, code="330604100")
    session.add(town)
    session.flush()
    rule_set_id = session.scalar(
        select(RuleSet.id).where(RuleSet.catalog_key == catalog_key).order_by(RuleSet.version)
    )
    cycle = ElectionCycle(township_id=town.id, name="2026年村级组织换届", year=election_day.year,
                          election_day=election_day, term_years=5, rule_set_id=None, profile={})
    session.add(cycle)
    session.flush()
    if bind and rule_set_id is not None:
        cycle.rule_set_id = rule_set_id
        rs = session.get(RuleSet, rule_set_id)
        if rs is not None:
            rs.frozen = True
    world = SampleWorld(town.id, cycle.id, rule_set_id if bind else None)
    for index, name in enumerate(villages, start=1):
        village = Village(township_id=town.id, code=f"{index:03d}", name=name, households=300 + index * 50,
                          population=1000 + index * 170)
        session.add(village)
        session.flush()
        for number in (1, 2, 3):
            session.add(VillageGroup(village_id=village.id, number=number, name=f"第{number}村民小组"))
        world.villages[name] = village.id
        for kind, seats in DEFAULT_SEATS.items():
            org = Organization(village_id=village.id, cycle_id=cycle.id, kind=kind)
            session.add(org)
            session.flush()
            for rank, (post, quota) in enumerate(seats, start=1):
                session.add(Seat(organization_id=org.id, post=post, rank=rank, quota=quota,
                                 women_quota=1 if post == "委员" and kind is OrgKind.VILLAGE_COMMITTEE else 0))
            world.orgs[(name, kind)] = org.id
    session.flush()
    return world
