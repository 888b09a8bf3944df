"""What the election tab reads, in one call per screen: plain data (records and tally dataclasses), no ORM objects.

The GUI runs these on the database worker (``ctx.query``); the command line and prints use the same functions of
:mod:`~villagevote.elections.contests`, :mod:`~villagevote.elections.tally` and :mod:`~villagevote.elections.outcome`.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from sqlalchemy.orm import Session

from villagevote.elections.common import get_contest
from villagevote.elections.contests import ContestRow, OrgChoice, contest_view, list_contests, organizations_for
from villagevote.elections.outcome import lock_history
from villagevote.elections.records import ContestView
from villagevote.elections.results import check_candidate_margin
from villagevote.elections.tally import SpoiltRow, ballot_counter, merge_log, spoilt_register, totals
from villagevote.elections.tally_logic import BallotCheck, TallyTotals, suggest_merges
from villagevote.models.core import Village
from villagevote.township import current_cycle

RECENT_BALLOTS = 12


@dataclass
class ContestDetail:
    """Everything the tab's panels show of one contest."""
    view: ContestView
    double_entry: bool
    tally_mode: str                                   # "totals" | "ballots" | "" (nothing entered yet)
    margin_problems: list[str]
    totals: dict[int, TallyTotals]                    # entry number → totals (2 only with double entry)
    merge_log: list[tuple[str, str, str]]             # (post, written name, counted as)
    has_totals_entries: bool                          # counted in totals mode: ballot-by-ballot entry is closed
    ballot_totals: TallyTotals                        # running totals of ballot-by-ballot entry (唱票; empty before)
    recent_ballots: list[tuple[int, BallotCheck]]     # (serial, how it counted), newest first
    spoilt: list[SpoiltRow]
    lock_history: list[tuple[dt.datetime, str, str, str]]

    @property
    def id(self) -> int:
        assert self.view.id is not None
        return self.view.id


@dataclass
class ElectionPageData:
    contests: list[ContestRow] = field(default_factory=list)
    detail: ContestDetail | None = None
    village: str = ""                                 # the village shown ("" for the whole township)


def contest_detail(session: Session, contest_id: int) -> ContestDetail:
    c = get_contest(session, contest_id)
    view = contest_view(session, contest_id)
    counts = {p.post: len(view.candidates_for(p.post)) for p in view.posts}
    problems = check_candidate_margin(view.body, view.seats, counts, view.mode)
    by_entry = {1: totals(session, contest_id, 1)}
    if c.double_entry and c.tally_mode == "totals":
        by_entry[2] = totals(session, contest_id, 2)
    counter = ballot_counter(session, contest_id)
    recent = list(enumerate(counter.checks, start=1))[-RECENT_BALLOTS:][::-1]
    has_entries = c.tally_mode == "totals" and any(pt.choices() for pt in by_entry[1].posts.values())
    return ContestDetail(view, bool(c.double_entry), c.tally_mode or "", problems, by_entry,
                         merge_log(session, contest_id), has_entries, counter.totals(),
                         recent, spoilt_register(session, contest_id), lock_history(session, contest_id))


def election_page(session: Session, village_id: int | None, contest_id: int | None) -> ElectionPageData:
    """The contests of the current cycle in ``village_id`` (None: the whole township) and the detail of
    ``contest_id`` when listed, else of the first contest."""
    cycle = current_cycle(session)
    rows = list_contests(session, village_id, cycle.id if cycle else None)
    ids = [r.id for r in rows]
    chosen = contest_id if contest_id in ids else (ids[0] if ids else None)
    village = session.get(Village, village_id) if village_id is not None else None
    return ElectionPageData(rows, contest_detail(session, chosen) if chosen is not None else None,
                            village.name if village is not None else "")


def new_contest_choices(session: Session, village_id: int | None) -> list[OrgChoice]:
    """The organizations of the current cycle a contest can be created for."""
    cycle = current_cycle(session)
    return organizations_for(session, village_id, cycle.id if cycle else None) if cycle is not None else []


def merge_hints(session: Session, contest_id: int) -> list[tuple[str, str, str]]:
    """Written-in names that are probably the same person as a listed candidate or another written name (pinyin,
    full-width, spacing): (written name, probable same person, why). Staff confirm each merge; nothing is merged."""
    view = contest_view(session, contest_id)
    t = totals(session, contest_id)
    written = [n for p in view.posts if p.post in t.posts for n in t.posts[p.post].write_ins]
    return suggest_merges(written, [c.label for c in view.candidates if not c.write_in])
