"""Demo 双述双评 (issue 18 item 7): two years of yearly evaluations in the demo township, written THROUGH THE DOMAIN
FUNCTIONS of :mod:`villagevote.evaluation` (and the consequence and exemption writes of :mod:`villagevote.tracking`),
so every state shown is one the app itself can reach.

For every village and each of the first two full years of the term (2027 and 2028 for the demo township):

- the 村述民评 at a 村民代表会议 (满意/基本满意/不满意) and the 村述镇评 by the 乡镇评议组 (称职/基本称职/不称职), with
  numbered ballots, 监票/计票 names, blank and invalid ballots, counts entered by the clerk and confirmed by the
  reviewer;
- in the first village: one cadre with a third 不满意 in 2027 (基本称职 → a 诫勉谈话 proposal, confirmed with a decision
  number) and one village-committee member rated 不满意 by half or more two years running (不称职 in 2027 and 2028 →
  职务终止 proposed, and the 辞职承诺 trigger ``annual_evaluation``, confirmed by the township so the 告知书 can be served);
  he also missed four meetings without leave in 2028 (trigger ``missed_meetings``);
- a cadre whose 2028 is on the 保护清单 (an exemption granted before the session; in the second village when its
  election is counted, else another cadre of the first), so the 诫勉谈话 her 2028 rating proposes is waived at once;
- a village whose election the demo left uncounted rates the roles assigned to it (联村干部), so every village has
  its sessions; a village with nobody in office has none;
- the best-rated cadres get 表彰 proposals (优秀, ≥ 90 % 满意), one of them confirmed;
- monthly meeting records (两委联席会议, 党员大会, 村民代表会议) with absences, most with leave.

Dates are simulated (``today=`` each write's own day) like the tracking demo, so they do not depend on the real date.
Deterministic: its own random stream.
"""
from __future__ import annotations

import datetime as dt
import random
from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from villagevote.audit import Actor
from villagevote.demo.context import DemoContext
from villagevote.evaluation import attendance, sessions
from villagevote.evaluation.attendance import AbsentInput
from villagevote.evaluation.office import Holder, holders
from villagevote.evaluation.resignation import propose_triggers
from villagevote.evaluation.sessions import CountInput
from villagevote.models import ElectionCycle, Village
from villagevote.models.enums import (
    ConsequenceState,
    EvaluationKind,
    ExemptionCategory,
    FlagKind,
    MeetingKind,
    OrgKind,
    Role,
)
from villagevote.models.tracking import Flag
from villagevote.tracking import consequences, exemptions

__all__ = ["populate"]

# the demo's clerk and reviewer (the same users as the tracking and statistics demos)
CLERK = Actor(None, "demo-clerk", Role.CLERK, "张晓梅")
REVIEWER = Actor(None, "demo-reviewer", Role.REVIEWER, "陈国华")
DEMO_DAYS = 730  # the demo's "today" = election day + this (two years into the term), as the tracking demo

SCRUTINEERS = ("王德明", "李秀英", "赵国强", "孙丽华")
COUNTERS = ("周建军", "吴美玲", "郑志刚", "冯淑芬")
PANEL = 7                  # 乡镇评议组 members
REPRESENTATIVES = 45       # 村民代表 (and Party members invited) due at the 村述民评
MONTHLY = (MeetingKind.COMMITTEES, MeetingKind.PARTY, MeetingKind.REPRESENTATIVES)
LEAVE_REASONS = ("外出务工请假", "生病住院", "参加县里培训", "家中有事请假")


def _decision(year: int, n: int) -> str:
    return f"党委〔{year}〕{n}号"


class _Builder:
    def __init__(self, session: Session, ctx: DemoContext, cycle: ElectionCycle) -> None:
        self.s = session
        self.ctx = ctx
        self.cycle = cycle
        self.rng = random.Random(1800 + ctx.township_id)
        self.today = ctx.election_day + dt.timedelta(days=DEMO_DAYS)
        self.years = [y for y in (ctx.election_day.year + 1, ctx.election_day.year + 2)
                      if dt.date(y, 12, 12) <= self.today]
        self.villages = list(ctx.village_ids)
        self.decisions = 0
        self.warned: int | None = None       # person rated 基本称职 in the first year (first village)
        self.unfit: int | None = None        # village-committee member 不称职 two years running (first village)
        self.exempt: int | None = None       # person exempted in the second year (second village)

    def decision_no(self, year: int) -> str:
        self.decisions += 1
        return _decision(year, self.decisions)

    # -------------------------------------------------------------------------------------------- who is who
    def choose(self) -> None:
        first_year = self.years[0]
        people = [h for h in holders(self.s, self.cycle.id, self.villages[0], first_year) if h.candidacy_id is not None]
        members = [h.person_id for h in people if h.body == OrgKind.VILLAGE_COMMITTEE.value
                   and h.post != "主任" and "书记" not in h.post]
        if members:
            self.unfit = members[0]
        rest = [h.person_id for h in people if h.person_id != self.unfit and "书记" not in h.post
                and h.post != "主任"]
        if rest:
            self.warned = rest[-1]
        second = []
        if len(self.villages) > 1:
            second = [h.person_id for h in holders(self.s, self.cycle.id, self.villages[1], first_year)
                      if h.candidacy_id is not None and "书记" not in h.post]
        pool = second or [p for p in rest if p != self.warned]
        if pool:
            self.exempt = pool[-1]

    def rated(self, village_id: int, year: int) -> list[Holder]:
        """The elected cadres of the village that year; a village whose election the demo left unfinished rates the
        roles assigned to it (联村干部) so that every village has its sessions."""
        people = holders(self.s, self.cycle.id, village_id, year)
        elected = [h for h in people if h.candidacy_id is not None]
        return elected or [h for h in people if h.village_id == village_id]

    # -------------------------------------------------------------------------------------------- counts
    def _split(self, valid: int, shares: Sequence[int]) -> list[int]:
        """``valid`` ballots split by whole-percent ``shares`` (the last takes the rest)."""
        out = [valid * p // 100 for p in shares[:-1]]
        out.append(valid - sum(out))
        return out

    def _counts(self, h: Holder, year: int, scale: list[str], valid: int, kind: EvaluationKind) -> list[int]:
        shares: tuple[int, ...]
        people = kind is EvaluationKind.PEOPLE
        first = year == self.years[0]
        if h.person_id == self.unfit:
            shares = (20, 25, 55) if first else (18, 26, 56)
            if not people:  # the township's panel is kinder: 基本称职 (a third or more, under half)
                bottom = (valid + 2) // 3
                return [valid - 2 - bottom, 2, bottom] if valid >= 6 else self._split(valid, (40, 25, 35))
        elif h.person_id == self.warned and first and people:
            shares = (40, 26, 34)
        elif h.person_id == self.exempt and not first and people:
            shares = (45, 22, 33)
        elif "书记" in h.post or "主任" in h.post:
            top = self.rng.randint(86, 96)
            shares = (top, 100 - top - 1, 1)
        else:
            top = self.rng.randint(70, 92)
            low = self.rng.randint(0, 6)
            shares = (top, 100 - top - low, low)
        if len(scale) != 3:
            shares = (shares[0], shares[1] // 2, shares[1] - shares[1] // 2, shares[2])
        return self._split(valid, shares)

    # -------------------------------------------------------------------------------------------- sessions
    def session_of(self, village_id: int, index: int, year: int, kind: EvaluationKind) -> int | None:
        if not self.rated(village_id, year):
            return None  # nobody in office (the demo left the village's election unfinished)
        people = kind is EvaluationKind.PEOPLE
        held_on = dt.date(year, 12, 3 + index + (0 if people else 4))
        due = REPRESENTATIVES + self.rng.randint(-6, 6) if people else PANEL
        present = due - self.rng.randint(2, 8) if people else due - (1 if self.rng.random() < 0.3 else 0)
        scale = "satisfaction" if people else "competence"
        ballot_base = (year % 100) * 10000 + (index + 1) * 100 + (0 if people else 80)
        sid = sessions.create_session(
            self.s, CLERK, cycle_id=self.cycle.id, village_id=village_id, year=year, kind=kind,
            meeting=MeetingKind.REPRESENTATIVES if people else MeetingKind.TOWNSHIP_PANEL, scale=scale, due=due,
            present=present, ballots_issued=present, first_ballot_no=ballot_base + 1,
            scrutineers=SCRUTINEERS[index % len(SCRUTINEERS)] if people else "乡镇纪委 王建平",
            counters=COUNTERS[index % len(COUNTERS)] if people else "组织办 刘芳", held_on=held_on,
            note="" if people else "乡镇领导班子成员、联村干部组成评议组", today=held_on)
        choices = sessions.scales(self.s)[scale]
        rows = []
        for h in self.rated(village_id, year):
            blank = self.rng.randint(0, 2) if people else 0
            invalid = (1 if self.rng.random() < 0.3 else 0) if people else 0
            valid = present - blank - invalid
            split = self._counts(h, year, choices, valid, kind)
            rows.append(CountInput(h.person_id, counts=dict(zip(choices, split, strict=True)), blank=blank,
                                   invalid=invalid))
        sessions.enter_counts(self.s, CLERK, sid, rows)
        sessions.confirm_session(self.s, REVIEWER, sid, today=held_on + dt.timedelta(days=1))
        return sid

    def meetings(self, village_id: int, year: int) -> None:
        people = self.rated(village_id, year)
        if not people:
            return   # nobody in office: no 两委 meetings to record
        for month in range(1, 13):
            for k, kind in enumerate(MONTHLY):
                if kind is not MeetingKind.COMMITTEES and month % 3 != k % 3:
                    continue
                held_on = dt.date(year, month, 8 + 6 * k)
                if held_on > self.today:
                    continue
                absent: list[AbsentInput] = []
                for h in people:
                    if h.person_id == self.unfit and year == self.years[-1] and kind is MeetingKind.COMMITTEES \
                            and month in (3, 5, 8, 10):
                        absent.append(AbsentInput(h.person_id))
                    elif self.rng.random() < 0.05:
                        absent.append(AbsentInput(h.person_id, True, self.rng.choice(LEAVE_REASONS)))
                attendance.record_meeting(self.s, CLERK, cycle_id=self.cycle.id, village_id=village_id,
                                          held_on=held_on, kind=kind, title=f"{month}月{kind.label}",
                                          absent=absent, today=held_on)

    def exemption(self) -> None:
        if self.exempt is None or len(self.years) < 2:
            return
        year = self.years[-1]
        exemptions.grant_exemption(
            self.s, REVIEWER, category=ExemptionCategory.EXTERNAL, person_id=self.exempt, year=year,
            reason="牵头征迁矛盾调处，群众意见集中但依法推进，列入保护清单", decision_no=self.decision_no(year),
            decided_on=dt.date(year, 11, 20))

    def decide_proposals(self) -> None:
        """The township Party committee's decisions: the 诫勉谈话, one 表彰 a year, the 辞职承诺 trigger."""
        flags = list(self.s.scalars(select(Flag).where(Flag.cycle_id == self.cycle.id,
                                                       Flag.state == ConsequenceState.PROPOSED).order_by(Flag.id)))
        praised: set[int] = set()
        for f in flags:
            kind = FlagKind(f.kind)
            year = f.year or f.raised_on.year
            on = max(f.raised_on + dt.timedelta(days=5), dt.date(year, 12, 1))
            if kind is FlagKind.WARNING_TALK and f.person_id == self.warned:
                consequences.confirm(self.s, REVIEWER, f.id, decision_no=self.decision_no(year), decided_on=on)
            elif kind is FlagKind.COMMENDATION and year not in praised:
                praised.add(year)
                consequences.confirm(self.s, REVIEWER, f.id, decision_no=self.decision_no(year), decided_on=on)
            elif kind is FlagKind.RESIGNATION_TRIGGER and f.rule == "annual_evaluation":
                consequences.confirm(self.s, REVIEWER, f.id, decision_no=self.decision_no(year), decided_on=on,
                                     note="送达辞职承诺触发告知书，限十五日内答复")

    def run(self) -> None:
        if not self.years:
            return
        self.choose()
        for year in self.years:
            for vid in self.villages:
                self.meetings(vid, year)
            if year == self.years[-1]:
                self.exemption()
            for index, vid in enumerate(self.villages):
                for kind in (EvaluationKind.PEOPLE, EvaluationKind.TOWNSHIP):
                    self.session_of(vid, index, year, kind)
        last = self.years[-1]
        propose_triggers(self.s, REVIEWER, cycle_id=self.cycle.id, as_of=dt.date(last, 12, 15))
        self.decide_proposals()


def populate(session: Session, ctx: DemoContext) -> None:
    """Two years of 双述双评 (module docstring); needs the elections demo's elected cadres."""
    if not ctx.village_ids or session.scalar(select(Village.id).where(Village.id == ctx.village_ids[0])) is None:
        return
    cycle = session.get(ElectionCycle, ctx.cycle_id)
    if cycle is None:
        return
    builder = _Builder(session, ctx, cycle)
    builder.run()
    n = len(list(session.scalars(select(Flag.id).where(Flag.cycle_id == cycle.id,
                                                       Flag.source_type == sessions.SOURCE))))
    ctx.notes.append(f"evaluation: {len(builder.villages)} villages x {len(builder.years)} years, "
                     f"{n} proposals from the sessions")
