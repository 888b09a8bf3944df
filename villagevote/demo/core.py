"""Demo core: township, villages with groups, the cycle with organizations, and a pool of persons per village."""
from __future__ import annotations

import datetime as dt
import random

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from villagevote import township as tw
from villagevote.audit import Actor
from villagevote.demo.context import DemoContext
from villagevote.demo.names_pool import GIVEN_FEMALE, GIVEN_MALE, SURNAMES, VILLAGE_NAMES
from villagevote.idcard import age_on, check_character
from villagevote.models.candidates import Person, Relationship
from villagevote.models.core import VillageGroup
from villagevote.models.enums import Education, Gender, PoliticalStatus, RelationKind
from villagevote.names import pinyin_initials
from villagevote.voters.eligibility import latest_birth_of_age

REGION = "330999"  # fictional county code in Zhejiang (33)
ELECTION_DAY = dt.date(2026, 12, 20)
# The demo's fixed "today" (deterministic): eight months into the new term, so one village's finished election has
# commitments with progress reports.
AS_OF = dt.date(2027, 8, 20)
PERSONS_PER_VILLAGE = 16


_USED_IDS: set[str] = set()


def make_id(rng: random.Random, birth: dt.date, female: bool, serial: int) -> str:
    """A valid, unique (within this process's demo) ID number; the 17th digit is odd for men, even for women."""
    seq = (serial % 500) * 2 + (0 if female else 1)
    while True:
        first17 = f"{REGION}{birth:%Y%m%d}{seq:03d}"
        if first17 not in _USED_IDS:
            _USED_IDS.add(first17)
            return first17 + check_character(first17)
        seq = (seq + 2) % 1000


def make_name(rng: random.Random, female: bool) -> str:
    pool = GIVEN_FEMALE if female else GIVEN_MALE
    given = rng.choice(pool) + (rng.choice(pool) if rng.random() < 0.75 else "")
    return rng.choice(SURNAMES) + given


def _join_date(rng: random.Random, birth: dt.date) -> dt.date:
    """Joined the Party at 19-30, and at least a year before the election."""
    year = min(birth.year + rng.randint(19, 30), ELECTION_DAY.year - 1)
    joined = dt.date(max(year, birth.year + 18), rng.randint(1, 12), 1)
    return joined if age_on(birth, joined) >= 18 else dt.date(birth.year + 19, 1, 1)  # 党章: 年满十八岁


def random_birth(rng: random.Random, min_age: int, max_age: int, on: dt.date) -> dt.date:
    start = dt.date(on.year - max_age, 1, 1).toordinal()
    end = dt.date(on.year - min_age, 12, 28).toordinal()
    born = dt.date.fromordinal(rng.randint(start, end))
    # nobody under min_age on ``on`` (a voter list never holds one: the import refuses them); same draws as before
    return min(born, latest_birth_of_age(on, min_age))


def populate(session: Session, rng: random.Random, actor: Actor, villages: int, voters_per_village: int) -> DemoContext:
    _USED_IDS.clear()
    township_id = tw.create_township(session, actor, "清河镇", county="安平县", code="330999101")
    village_ids = []
    for i in range(villages):
        name = VILLAGE_NAMES[i % len(VILLAGE_NAMES)] + ("村" if i < len(VILLAGE_NAMES) else f"{i // len(VILLAGE_NAMES) + 1}村")
        groups = rng.randint(5, 12)
        households = max(voters_per_village // 3, rng.randint(120, 400))
        village_ids.append(tw.add_village(session, actor, township_id, name, code=f"{i + 1:03d}",
                                          households=households, population=int(voters_per_village * 1.3) + 50,
                                          groups=groups))
    cycle_id = tw.create_cycle(session, actor, township_id, "2026年村级组织换届", 2026, ELECTION_DAY,
                               profile={"term_number": 12})
    ctx = DemoContext(rng=rng, actor=actor, township_id=township_id, cycle_id=cycle_id, election_day=ELECTION_DAY,
                      village_ids=village_ids, voters_per_village=voters_per_village, today=AS_OF)
    serial = 0
    for vid in village_ids:
        group_ids = list(session.scalars(select(VillageGroup.id).where(VillageGroup.village_id == vid)))
        rows = []
        for _ in range(PERSONS_PER_VILLAGE):
            serial += 1
            female = rng.random() < 0.35
            birth = random_birth(rng, 26, 62, ELECTION_DAY)
            party = rng.random() < 0.6
            rows.append(dict(
                id_number=make_id(rng, birth, female, serial), name=make_name(rng, female),
                gender=Gender.FEMALE if female else Gender.MALE, birth_date=birth,
                education=rng.choice([Education.JUNIOR, Education.SENIOR, Education.VOCATIONAL, Education.COLLEGE,
                                      Education.BACHELOR]),
                political_status=PoliticalStatus.PARTY_MEMBER if party else PoliticalStatus.MASSES,
                party_join_date=_join_date(rng, birth) if party else None,
                phone=f"13{rng.randint(100000000, 999999999)}", village_id=vid, group_id=rng.choice(group_ids),
            ))
            rows[-1]["name_initials"] = pinyin_initials(str(rows[-1]["name"]))
        ids = list(session.scalars(insert(Person).returning(Person.id), rows))
        ctx.persons_by_village[vid] = ids
        # kinship: one married couple and one pair of siblings per village (exercises the kinship bar)
        session.add(Relationship(person_a_id=min(ids[0], ids[1]), person_b_id=max(ids[0], ids[1]),
                                 kind=RelationKind.SPOUSE))
        session.add(Relationship(person_a_id=min(ids[2], ids[3]), person_b_id=max(ids[2], ids[3]),
                                 kind=RelationKind.SIBLING))
    session.flush()
    return ctx
