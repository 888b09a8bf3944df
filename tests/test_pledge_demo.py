"""The pledges demo hook on a small hand-made township."""
from __future__ import annotations

import datetime as dt
import random

from sqlalchemy import func, select

from villagevote.audit import Actor
from villagevote.candidates import persons
from villagevote.candidates.candidacies import register_candidacy
from villagevote.candidates.sample import build_world, id_number
from villagevote.demo import DemoContext
from villagevote.demo import pledges as demo
from villagevote.models import Candidacy, Pledge, PledgeItem
from villagevote.models.enums import (
    CandidacyStatus,
    NominationSource,
    OrgKind,
    PledgeKind,
    PledgeStatus,
    PoliticalStatus,
    Role,
)
from villagevote.models.tracking import Commitment, ProgressReport

ADMIN = Actor(None, "admin", Role.ADMIN, "管理员")
ELECTION = dt.date(2026, 3, 15)


def test_demo_pledges_then_progress_after_election(db):
    with db.session() as s:
        world = build_world(s, catalog_key="generic-2018", election_day=ELECTION)
        for seq, name in enumerate(("王小明", "丁一", "刘䶮", "方芳", "李四", "张三"), start=1):
            village = "青山村" if seq <= 3 else "绿水村"
            pid = persons.register_person(s, ADMIN, persons.PersonData(
                name=name, id_number=id_number("330604", dt.date(1970 + seq, 5, 6), 11 + seq * 2),
                village_id=world.villages[village], political_status=PoliticalStatus.PARTY_MEMBER,
                party_join_date=dt.date(2000, 7, 1)), today=dt.date(2026, 1, 10))
            register_candidacy(s, ADMIN, pid, world.orgs[(village, OrgKind.VILLAGE_COMMITTEE)], "委员",
                               NominationSource.SELF)
        ctx = DemoContext(rng=random.Random(1), actor=ADMIN, township_id=world.township_id, cycle_id=world.cycle_id,
                          election_day=ELECTION, village_ids=list(world.villages.values()), voters_per_village=0,
                          today=dt.date(2026, 11, 15))
        demo.populate(s, ctx)
        assert s.scalar(select(func.count()).select_from(Pledge)) == 6 * 4
        assert s.scalar(select(func.count()).select_from(Pledge).where(Pledge.status == PledgeStatus.REFUSED)) == 1
        struck = list(s.scalars(select(PledgeItem).where(PledgeItem.struck.is_(True))))
        assert struck and all(i.title == "每户发放过节费" and i.struck_reason for i in struck)
        assert s.scalar(select(func.count()).select_from(Commitment)) == 0, "nobody is elected yet"

        signed_goals = s.scalars(select(Pledge.candidacy_id).where(Pledge.kind == PledgeKind.TERM_GOALS,
                                                                  Pledge.status == PledgeStatus.SIGNED)).all()
        assert signed_goals
        for cand_id in signed_goals:
            s.get(Candidacy, cand_id).status = CandidacyStatus.ELECTED  # as the elections module would
        s.flush()
        demo.add_progress(s, ctx)
        live = s.scalar(select(func.count()).select_from(PledgeItem).join(Pledge).where(
            Pledge.candidacy_id.in_(signed_goals), PledgeItem.struck.is_(False),
            Pledge.kind == PledgeKind.TERM_GOALS))
        assert s.scalar(select(func.count()).select_from(Commitment)) == live
        reports = s.scalars(select(ProgressReport).order_by(ProgressReport.commitment_id, ProgressReport.reported_on))
        by_commitment: dict[int, list[ProgressReport]] = {}
        for r in reports:
            by_commitment.setdefault(r.commitment_id, []).append(r)
        assert by_commitment, "some commitments have progress"
        for cid, rows in by_commitment.items():
            percents = [r.percent for r in rows]
            assert percents == sorted(percents) and 0 < percents[-1] <= 100
            assert all(ELECTION < r.reported_on <= dt.date.today() for r in rows)
            assert s.get(Commitment, cid).percent_done == percents[-1]
        demo.add_progress(s, ctx)  # running again adds nothing
        assert s.scalar(select(func.count()).select_from(Commitment)) == live
