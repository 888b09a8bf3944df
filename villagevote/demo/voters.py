"""Demo voters: bulk-inserted per village (20 villages x 2,500 voters in a few seconds), with stored eligibility,
search keys, a few removals with history, the first village's list published with objections, and proxies between
the demo persons' recorded spouses."""
from __future__ import annotations

import datetime as dt

from sqlalchemy import select
from sqlalchemy.orm import Session

from villagevote.demo.context import DemoContext, existing
from villagevote.demo.core import make_id, make_name, random_birth
from villagevote.idcard import age_on
from villagevote.models.candidates import Person
from villagevote.models.core import ElectionCycle, VillageGroup
from villagevote.models.enums import ObjectionOutcome, RelationKind, VoterCategory, VoterStatus
from villagevote.models.voters import ObjectionRequest, Voter
from villagevote.voters import register as reg
from villagevote.voters.eligibility import assess
from villagevote.voters.objections import answer_objection, register_objection
from villagevote.voters.proxies import record_voter_kinship, register_proxy
from villagevote.voters.search import initials_key, name_sort_key

SERIAL_BASE = 100_000
PUBLISHED = dt.date(2026, 11, 20)  # first village publishes early (at least 20 days before 2026-12-20 is the rule)

_INSERT = ("INSERT INTO voter (cycle_id, village_id, group_id, person_id, id_number, name, name_initials, name_sort, "
           "gender, birth_date, category, status, status_reason, status_date, consent_note, source, eligible, age, "
           "ineligible_reason, residence_since, application_date, phone, note) "
           "VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)")


def populate(session: Session, ctx: DemoContext) -> None:
    rng = ctx.rng
    election_day = ctx.election_day
    min_age = int((existing(session, ElectionCycle, ctx.cycle_id).profile or {}).get("min_age", 18))
    serial = SERIAL_BASE
    raw = session.connection().connection.driver_connection
    assert raw is not None  # a checked-out SQLite connection
    for vid in ctx.village_ids:
        group_ids = list(session.scalars(select(VillageGroup.id).where(VillageGroup.village_id == vid)))
        rows: list[tuple[object, ...]] = []
        # the village's registered persons (candidates pool) are voters too
        for p in session.scalars(select(Person).where(Person.village_id == vid)):
            if p.birth_date is None:  # every demo person has one
                continue
            age = age_on(p.birth_date, election_day)
            rows.append((ctx.cycle_id, vid, p.group_id, p.id, p.id_number, p.name, initials_key(p.name),
                         name_sort_key(p.name), p.gender.value if p.gender else None, p.birth_date.isoformat(),
                         "resident", "active", "", None, "", "demo", 1, age, "", None, None, p.phone, ""))
        for _ in range(max(ctx.voters_per_village - len(rows), 0)):
            serial += 1
            female = rng.random() < 0.5
            birth = random_birth(rng, 18, 92, election_day)
            name = make_name(rng, female)
            roll = rng.random()
            category = (VoterCategory.RESIDENT if roll < 0.85 else
                        VoterCategory.REGISTERED_AWAY if roll < 0.97 else VoterCategory.NONREGISTERED_RESIDENT)
            consent = residence = application = None
            if category == VoterCategory.NONREGISTERED_RESIDENT:
                consent = "经2026年11月10日村民代表会议同意"
                residence = dt.date(2026 - rng.randint(1, 9), rng.randint(1, 12), 1)
                application = dt.date(2026, 11, 5)
            age = age_on(birth, election_day)
            eligible, reason = age >= min_age, ""
            if category == VoterCategory.NONREGISTERED_RESIDENT or not eligible:
                verdict = assess(birth, election_day, category=category, residence_since=residence,
                                 application_date=application, consent_note=consent or "", min_age=min_age)
                eligible, reason = verdict.eligible, verdict.reason_text
            rows.append((ctx.cycle_id, vid, rng.choice(group_ids), None, make_id(rng, birth, female, serial), name,
                         initials_key(name), name_sort_key(name), "female" if female else "male", birth.isoformat(),
                         category.value, "active", "", None, consent or "", "demo", 1 if eligible else 0, age, reason,
                         residence.isoformat() if residence else None,
                         application.isoformat() if application else None, "", ""))
        raw.executemany(_INSERT, rows)
    session.expire_all()
    _first_village_story(session, ctx)


def _first_village_story(session: Session, ctx: DemoContext) -> None:
    """Removals, a published list with objections, proxies between recorded relatives (small; domain functions)."""

    actor = ctx.actor
    first = ctx.village_ids[0]
    voters = list(session.scalars(select(Voter).where(Voter.village_id == first, Voter.person_id.is_(None))
                                  .order_by(Voter.id).limit(6)))
    if len(voters) < 6:
        return
    reg.remove_voter(session, actor, voters[0].id, VoterStatus.DECEASED, "2026年10月8日病故（村卫生室证明）",
                     dt.date(2026, 10, 8), today=PUBLISHED)
    reg.remove_voter(session, actor, voters[1].id, VoterStatus.MOVED_OUT, "户口迁往县城（派出所迁出证明）",
                     dt.date(2026, 9, 15), today=PUBLISHED)
    reg.publish_voter_list(session, actor, ctx.cycle_id, first, PUBLISHED)
    upheld = register_objection(session, actor, ctx.cycle_id, first, raised_by=voters[3].name,
                                ground=f"{voters[2].name}已长期在外省落户，不应列入", received_on=dt.date(2026, 11, 21),
                                request=ObjectionRequest.REMOVE, voter_id=voters[2].id)
    answer_objection(session, actor, upheld, ObjectionOutcome.UPHELD, "经派出所核实已迁出，予以除名",
                     dt.date(2026, 11, 23), today=dt.date(2026, 11, 23))
    register_objection(session, actor, ctx.cycle_id, first, raised_by=voters[4].name,
                       ground=f"{voters[5].name}登记的村民小组有误，应为第二组", received_on=dt.date(2026, 11, 22),
                       request=ObjectionRequest.CORRECT, voter_id=voters[5].id,
                       details={"group_id": session.scalar(select(VillageGroup.id).where(
                           VillageGroup.village_id == first, VillageGroup.number == 2))})
    # proxies: in each of the first villages two plain voters (no person record yet) are recorded as spouses and
    # one gives the other a proxy (candidates may not hold proxies, so the demo persons, all candidates, cannot)
    for vid in ctx.village_ids[:5]:
        pair = list(session.scalars(select(Voter.id).where(
            Voter.village_id == vid, Voter.cycle_id == ctx.cycle_id, Voter.person_id.is_(None),
            Voter.status == VoterStatus.ACTIVE, Voter.eligible.is_(True)).order_by(Voter.id).offset(10).limit(2)))
        if len(pair) == 2:
            record_voter_kinship(session, actor, pair[0], pair[1], RelationKind.SPOUSE, note="户口簿核实")
            register_proxy(session, actor, pair[1], pair[0], dt.date(2026, 11, 18), note="书面委托书已交村选委会",
                           today=dt.date(2026, 11, 18))
