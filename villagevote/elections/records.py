"""Data objects (records) the elections domain hands to prints, exports and the UI: plain dataclasses, no ORM
objects, no Qt."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from villagevote.i18n import tr


@dataclass
class PostView:
    post: str
    seats: int
    women_seats: int = 0


@dataclass
class CandidateView:
    ballot_candidate_id: int | None
    name: str
    gender: str | None          # "男" / "女" / None
    post: str
    order: int = 0
    candidacy_id: int | None = None
    write_in: bool = False
    label: str = ""             # the name as shown and tallied: 王伟（男，1975年生） when two people share the name

    def __post_init__(self) -> None:
        if not self.label:
            self.label = self.name


@dataclass
class ContestView:
    id: int | None
    township: str
    village: str
    body: str                   # "village_committee" | "party_branch"
    body_label: str             # 村民委员会 / 村党组织
    round: str                  # "first" | "additional"
    mode: str                   # "差额" | "自荐直选"
    term: str = ""              # 届次 text, e.g. 第十二届
    held_on: dt.date | None = None
    electorate: int = 0
    present: int | None = None
    ballots_printed: int = 0
    ballots_issued: int = 0
    ballots_returned: int = 0
    ballots_invalid: int = 0
    posts: list[PostView] = field(default_factory=list)
    candidates: list[CandidateView] = field(default_factory=list)
    result: dict[str, Any] | None = None
    official: bool = False
    official_by: str = ""
    official_at: dt.datetime | None = None
    official_digest: str = ""   # SHA-256 of decision + tally, set at the official lock (villagevote.integrity)

    @property
    def seats(self) -> dict[str, int]:
        return {p.post: p.seats for p in self.posts}

    def candidates_for(self, post: str, include_write_ins: bool = False) -> list[CandidateView]:
        return [c for c in self.candidates if c.post == post and (include_write_ins or not c.write_in)]

    @property
    def org_name(self) -> str:
        """青溪村村民委员会 / 青溪村党组织 (no doubled 村)."""
        if self.body == "party_branch":
            return tr("{village}党组织").format(village=self.village)
        return tr("{village}村民委员会").format(village=self.village)

    @property
    def title(self) -> str:
        rnd = tr("另行选举") if self.round == "additional" else ""
        if self.body == "party_branch":
            return tr("{village}{term}党组织选举{rnd}").format(village=self.village, term=self.term, rnd=rnd)
        return tr("{village}{term}村民委员会选举{rnd}").format(village=self.village, term=self.term, rnd=rnd)


@dataclass
class VoteRow:
    """Per candidate and post, counted votes (for reports and the workbook)."""
    name: str
    gender: str | None
    post: str
    agree: int
    disagree: int
    abstain: int
    write_in: bool
    effective: int | None = None
