"""Demo: the village representatives (村民代表) of every village and a previous-cycle roster, through the domain
writes of ``villagevote.statistics.roster``, so the structure statistics have S60 and S70 figures and the compliance
sheet something to flag. Deterministic (its own random stream, so the other areas' draws do not move)."""
from __future__ import annotations

import datetime as dt
import random

from sqlalchemy import select
from sqlalchemy.orm import Session

from villagevote.demo.context import DemoContext
from villagevote.demo.names_pool import GIVEN_FEMALE, GIVEN_MALE, SURNAMES
from villagevote.models.candidates import Candidacy, Person
from villagevote.models.core import Organization
from villagevote.models.enums import CandidacyStatus, Education, Gender, OrgKind, PoliticalStatus
from villagevote.statistics.roster import add_previous_member, add_representative

__all__ = ["populate"]

TWO_BODIES = (OrgKind.PARTY_BRANCH, OrgKind.VILLAGE_COMMITTEE)


def _name(rng: random.Random, female: bool) -> str:
    given = GIVEN_FEMALE if female else GIVEN_MALE
    return rng.choice(SURNAMES) + "".join(rng.choice(given) for _ in range(rng.choice((1, 2))))


def populate(session: Session, ctx: DemoContext) -> None:
    rng = random.Random(1_000_003 + len(ctx.village_ids))
    for index, village_id in enumerate(ctx.village_ids):
        # 15–25 representatives; the shares vary so that some villages fall under one third
        count = rng.randint(15, 25)
        party_share = (0.25, 0.4, 0.5)[index % 3]
        women_share = (0.4, 0.25, 0.35)[index % 3]
        for n in range(count):
            female = rng.random() < women_share
            status = (PoliticalStatus.PROBATIONARY if n % 11 == 0 else PoliticalStatus.PARTY_MEMBER) \
                if rng.random() < party_share else PoliticalStatus.MASSES
            born = dt.date(rng.randint(1955, 1995), rng.randint(1, 12), rng.randint(1, 28))
            add_representative(session, ctx.actor, village_id, _name(rng, female),
                               gender=Gender.FEMALE if female else Gender.MALE, political_status=status,
                               birth_date=born, group_name=f"第{rng.randint(1, 4)}村民小组", cycle_id=ctx.cycle_id)
        # previous cycle: about half of those elected now (re-elected), and a few who left
        elected = session.execute(
            select(Person, Organization.kind, Candidacy.post)
            .join(Candidacy, Candidacy.person_id == Person.id)
            .join(Organization, Organization.id == Candidacy.organization_id)
            .where(Candidacy.cycle_id == ctx.cycle_id, Organization.village_id == village_id,
                   Candidacy.status == CandidacyStatus.ELECTED, Organization.kind.in_(TWO_BODIES))
            .order_by(Candidacy.id)).tuples().all()
        for k, (person, kind, post) in enumerate(elected):
            if k % 2 == 0:
                add_previous_member(session, ctx.actor, village_id, person.name, OrgKind(kind), post=post,
                                    gender=person.gender, birth_date=person.birth_date, education=person.education,
                                    cycle_id=ctx.cycle_id)
        for k in range(3):
            female = k == 2
            add_previous_member(
                session, ctx.actor, village_id, _name(rng, female), TWO_BODIES[k % 2],
                post=("书记", "主任", "委员")[k], gender=Gender.FEMALE if female else Gender.MALE,
                birth_date=dt.date(rng.randint(1950, 1972), rng.randint(1, 12), rng.randint(1, 28)),
                education=rng.choice((Education.JUNIOR, Education.SENIOR, Education.VOCATIONAL)),
                cycle_id=ctx.cycle_id)
