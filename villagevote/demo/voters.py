"""Demo voters: bulk-inserted per village (50,000 rows must take seconds, not minutes)."""
from __future__ import annotations

import datetime as dt

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from villagevote.demo import DemoContext
from villagevote.demo.core import make_id, make_name, random_birth
from villagevote.models.candidates import Person
from villagevote.models.core import VillageGroup
from villagevote.models.enums import Gender, VoterCategory, VoterStatus
from villagevote.models.voters import Voter
from villagevote.names import pinyin_initials

SERIAL_BASE = 100_000


def populate(session: Session, ctx: DemoContext) -> None:
    rng = ctx.rng
    election_day: dt.date = ctx.election_day  # type: ignore[assignment]
    serial = SERIAL_BASE
    for vid in ctx.village_ids:
        group_ids = list(session.scalars(select(VillageGroup.id).where(VillageGroup.village_id == vid)))
        rows = []
        # the village's registered persons (candidates pool) are voters too
        for p in session.scalars(select(Person).where(Person.village_id == vid)):
            rows.append(dict(cycle_id=ctx.cycle_id, village_id=vid, group_id=p.group_id, person_id=p.id,
                             id_number=p.id_number, name=p.name, name_initials=p.name_initials, gender=p.gender,
                             birth_date=p.birth_date, category=VoterCategory.RESIDENT, status=VoterStatus.ACTIVE,
                             source="demo"))
        for _ in range(max(ctx.voters_per_village - len(rows), 0)):
            serial += 1
            female = rng.random() < 0.5
            birth = random_birth(rng, 18, 92, election_day)
            name = make_name(rng, female)
            roll = rng.random()
            category = (VoterCategory.RESIDENT if roll < 0.85 else
                        VoterCategory.REGISTERED_AWAY if roll < 0.97 else VoterCategory.NONREGISTERED_RESIDENT)
            rows.append(dict(cycle_id=ctx.cycle_id, village_id=vid, group_id=rng.choice(group_ids), person_id=None,
                             id_number=make_id(rng, birth, female, serial), name=name,
                             name_initials=pinyin_initials(name), gender=Gender.FEMALE if female else Gender.MALE,
                             birth_date=birth, category=category, status=VoterStatus.ACTIVE,
                             consent_note="经村民代表会议同意" if category == VoterCategory.NONREGISTERED_RESIDENT else "",
                             source="demo"))
        session.execute(insert(Voter), rows)
