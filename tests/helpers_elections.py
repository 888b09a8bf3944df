"""Shared test set-up for elections: a 村民委员会 contest with qualified candidates for 主任, 副主任 and 委员."""
from __future__ import annotations

from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from villagevote.audit import Actor
from villagevote.elections import contests
from villagevote.models.candidates import Candidacy, Person
from villagevote.models.core import Organization
from villagevote.models.enums import CandidacyStatus, Gender, NominationSource, OrgKind
from villagevote.reports.registry import Options, find_form, produce

PEOPLE = {  # post: [(name, gender)]
    "主任": [("王建国", Gender.MALE), ("李明", Gender.MALE)],
    "副主任": [("张伟", Gender.MALE), ("丁丽", Gender.FEMALE)],
    "委员": [("刘芳", Gender.FEMALE), ("孙强", Gender.MALE), ("周杰", Gender.MALE), ("马超", Gender.MALE)],
}


def organization(s: Session, village_id: int, kind: OrgKind = OrgKind.VILLAGE_COMMITTEE) -> Organization:
    return s.scalar(select(Organization).where(Organization.village_id == village_id, Organization.kind == kind))


def committee_contest(s: Session, actor: Actor, village_id: int, cycle_id: int, electorate: int) -> int:
    """Add PEOPLE as qualified candidacies for the village's 村民委员会 and create its contest; returns the id."""
    org = organization(s, village_id)
    for post, people in PEOPLE.items():
        for name, gender in people:
            p = Person(name=name, gender=gender, village_id=village_id)
            s.add(p)
            s.flush()
            s.add(Candidacy(person_id=p.id, organization_id=org.id, cycle_id=cycle_id, post=post,
                            source=NominationSource.VILLAGERS, status=CandidacyStatus.QUALIFIED))
    s.flush()
    return contests.create_contest(s, actor, org.id, electorate=electorate)


def print_ballots(s: Session, actor: Actor, contest_id: int, out: Path, *, sample: bool, copies: int = 1) -> Path:
    """Ballots through the registry form the GUI's button and ``villagevote print ballots`` use."""
    options = Options(contest_id=contest_id, extra={"sample": "1" if sample else "0", "copies": str(copies)})
    return produce(s, actor, find_form("print", "ballots"), Path(out), options).path
