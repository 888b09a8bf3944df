"""What the election prints read beyond the contest view: the people elected with their particulars (for the
选举结果报告单), the proxies registered in the contest's village (委托投票数), and the facts a village-level notice
names (村民选举委员会成员名单公告, 监票人、计票人名单公告). Plain dataclasses, no ORM objects."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy.orm import Session

from villagevote.elections.common import get_contest, org_of, term_text
from villagevote.elections.contests import contest_view
from villagevote.elections.records import ContestView
from villagevote.elections.roster import contest_roster
from villagevote.idcard import age_on
from villagevote.models.candidates import Person
from villagevote.models.core import ElectionCycle, Township, Village
from villagevote.models.enums import Gender, OrgKind
from villagevote.township import current_cycle
from villagevote.voters.proxies import list_proxies


@dataclass(frozen=True)
class ElectedPerson:
    """One line of the table of those elected: what the person record holds ("" where it holds nothing)."""
    post: str
    name: str
    label: str          # the tally key (王伟（男，1975年生） when names are shared)
    gender: str
    age: int | None     # full years on the election day
    education: str      # 文化程度 label
    political: str      # 政治面貌 label
    votes: int


@dataclass(frozen=True)
class ResultFacts:
    """The contest view plus what the result report adds to it."""
    view: ContestView
    elected: list[ElectedPerson]
    proxies: int | None  # proxies registered for the village (village committee only; None for the party branch)


@dataclass(frozen=True)
class VillageFacts:
    """What a village's election notice names: no member lists — the database keeps no 村民选举委员会 members, no
    监票人 and no 计票人; those come from the user when printing."""
    village: str
    township: str
    term: str               # 第十二届, "" when the cycle records none
    cycle_name: str
    election_day: dt.date | None


def _gender(person: Person | None, fallback: str | None) -> str:
    if person is not None and person.gender is not None:
        return "女" if Gender(person.gender) is Gender.FEMALE else "男"
    return fallback or ""


def elected_people(session: Session, contest_id: int, view: ContestView | None = None) -> list[ElectedPerson]:
    """Those elected in the stored decision, in its order (posts by rank), with gender, age on the election day,
    文化程度 and 政治面貌 from the person record (blank for a written-in name with no record)."""
    view = view or contest_view(session, contest_id)
    result = view.result or {}
    if not result.get("valid"):
        return []
    c = get_contest(session, contest_id)
    cycle = session.get(ElectionCycle, org_of(session, c).cycle_id)
    day = view.held_on or (cycle.election_day if cycle else None)
    roster = contest_roster(session, contest_id)
    out = []
    for e in result.get("elected", []):
        label = e.get("label") or e["name"]
        entry = roster.get(label)
        person = session.get(Person, entry.person_id) if entry is not None and entry.person_id else None
        age = age_on(person.birth_date, day) if person is not None and person.birth_date and day else None
        out.append(ElectedPerson(
            e["post"], e["name"], label, _gender(person, entry.gender if entry else None), age,
            person.education.label if person is not None and person.education else "",
            person.political_status.label if person is not None and person.political_status else "",
            int(e.get("votes", 0))))
    return out


def result_facts(session: Session, contest_id: int) -> ResultFacts:
    view = contest_view(session, contest_id)
    c = get_contest(session, contest_id)
    org = org_of(session, c)
    proxies = None
    if OrgKind(org.kind) is OrgKind.VILLAGE_COMMITTEE:
        proxies = sum(1 for r in list_proxies(session, org.cycle_id, org.village_id) if not r.problem)
    return ResultFacts(view, elected_people(session, contest_id, view), proxies)


def village_facts(session: Session, village_id: int) -> VillageFacts:
    """The village, its township and the current cycle's 届次 and election day."""
    village = session.get(Village, village_id)
    if village is None:
        raise LookupError(village_id)
    township = session.get(Township, village.township_id)
    cycle = current_cycle(session)
    return VillageFacts(village.name, township.name if township else "", term_text(cycle),
                        cycle.name if cycle else "", cycle.election_day if cycle else None)
