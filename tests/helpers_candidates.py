"""Shared test set-up for candidacies: qualified 书记 candidacies for the scoring tests (the sample ``world``
fixture is in conftest.py)."""
from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from sqlalchemy.orm import Session

from villagevote.audit import Actor
from villagevote.candidates import persons, status
from villagevote.candidates.candidacies import register_candidacy
from villagevote.candidates.sample import SampleWorld, id_number
from villagevote.models.enums import CandidacyStatus as S
from villagevote.models.enums import NominationSource, OrgKind, PoliticalStatus


def qualified_secretaries(s: Session, actor: Actor, world: SampleWorld, names: Sequence[str], first_birth: dt.date,
                          first_seq: int, party_join: dt.date = dt.date(2000, 7, 1)) -> dict[str, int]:
    """Register each name in 青山村 (a party member; birth years count up from ``first_birth``, ID sequence numbers
    go up by 2 from ``first_seq``) with a candidacy for 书记 of the party branch taken through review to qualified.
    Returns {name: candidacy id}."""
    org = world.orgs[("青山村", OrgKind.PARTY_BRANCH)]
    cids = {}
    for i, name in enumerate(names):
        born = dt.date(first_birth.year + i, first_birth.month, first_birth.day)
        pid = persons.register_person(s, actor, persons.PersonData(
            name=name, id_number=id_number("330604", born, first_seq + 2 * i),
            village_id=world.villages["青山村"], political_status=PoliticalStatus.PARTY_MEMBER,
            party_join_date=party_join), today=dt.date(2026, 2, 1))
        cid = register_candidacy(s, actor, pid, org, "书记", NominationSource.PARTY_MEMBERS)
        for st in (S.VILLAGE_REVIEWED, S.TOWNSHIP_REVIEWED, S.COUNTY_REVIEWED, S.QUALIFIED):
            status.transition(s, cid, st, actor)
        cids[name] = cid
    return cids
