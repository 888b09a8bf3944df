"""Reads of issue 18 for the evaluation tab and the forms: plain dataclasses, never ORM rows.

- :func:`sessions_of` / :func:`session_detail`: the 评议 sessions of a village and year with their counts and results
  (an unconfirmed session carries the engine's preview: its grades and proposals as they would be confirmed);
- :func:`cadres_in_office`: whom a session of that village and year rates (the count-entry grid);
- :func:`proposals`: consequences and their state (proposed, confirmed, executed, waived), filtered;
- :func:`dossier`: a cadre's 任期践诺档案 (pledges, items with verdicts and evidence, yearly grades, consequences,
  exemptions);
- :func:`annual_summary`: the 年度述职评议汇总 rows (村, 姓名, 职务, 民评, 镇评, 践诺率, 综合分, 等次, 触发情形,
  乡镇党委意见).
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from villagevote.evaluation import engine
from villagevote.evaluation.office import holders
from villagevote.evaluation.sessions import engine_input
from villagevote.evaluation.thresholds import meeting_name, merge
from villagevote.i18n import tr
from villagevote.lookup import get_row
from villagevote.models import Person, Village
from villagevote.models.enums import (
    ConsequenceState,
    EvaluationKind,
    FlagKind,
    MeetingKind,
    ResignationOutcome,
)
from villagevote.models.evaluation import EvaluationCount, EvaluationSession
from villagevote.models.tracking import Flag
from villagevote.names import stroke_key

__all__ = [
    "CadreRow",
    "CountRow",
    "ProposalRow",
    "SessionDetail",
    "SessionSummary",
    "cadres_in_office",
    "proposals",
    "session_detail",
    "sessions_of",
]


@dataclass(frozen=True)
class CadreRow:
    person_id: int
    name: str
    post: str
    body: str
    candidacy_id: int | None
    assessed_role_id: int | None


@dataclass(frozen=True)
class SessionSummary:
    id: int
    cycle_id: int
    village_id: int
    village: str
    year: int
    kind: EvaluationKind
    kind_label: str
    meeting: MeetingKind
    meeting_label: str
    scale: list[str]
    held_on: dt.date | None
    due: int
    present: int
    ballots_issued: int
    cadres: int
    confirmed: bool
    confirmed_by: str


@dataclass(frozen=True)
class ProposalBrief:
    kind: FlagKind
    label: str
    why: str


@dataclass(frozen=True)
class CountRow:
    person_id: int
    name: str
    post: str
    body: str
    counts: dict[str, int]
    blank: int
    invalid: int
    valid: int
    percent: dict[str, str]
    grade: str                        # the confirmed grade, or the engine's preview before confirmation
    proposals: list[ProposalBrief]


@dataclass(frozen=True)
class SessionDetail:
    summary: SessionSummary
    first_ballot_no: int | None
    last_ballot_no: int | None
    scrutineers: str
    counters: str
    quorum_text: str                  # 应到 45 人，实到 30 人，达到三分之二以上（至少 30 人）
    counts: list[CountRow]
    valid: bool                       # the engine accepts the stored counts
    reasons: list[str]                # the engine's reasons (frozen on confirmation)
    confirmed_at: dt.datetime | None
    note: str


@dataclass(frozen=True)
class ProposalRow:
    id: int
    cycle_id: int | None
    person_id: int | None
    name: str
    village_id: int | None
    village: str
    kind: FlagKind
    kind_label: str
    rule: str
    why: str
    year: int | None
    source_type: str
    source_id: int | None
    state: ConsequenceState
    state_label: str
    raised_on: dt.date
    decision_no: str
    decided_by: str
    decided_on: dt.date | None
    executed_on: dt.date | None
    outcome: ResignationOutcome | None
    outcome_label: str
    outcome_on: dt.date | None
    note: str
    extra: dict[str, Any] = field(default_factory=dict)


def _summary(s: EvaluationSession, village: str, cadres: int) -> SessionSummary:
    return SessionSummary(s.id, s.cycle_id, s.village_id, village, s.year, EvaluationKind(s.kind),
                          EvaluationKind(s.kind).label, MeetingKind(s.meeting), MeetingKind(s.meeting).label,
                          list(s.scale), s.held_on, s.due, s.present, s.ballots_issued, cadres,
                          s.confirmed_at is not None, s.confirmed_by)


def sessions_of(session: Session, cycle_id: int, village_id: int | None = None,
                year: int | None = None) -> list[SessionSummary]:
    """The sessions of the cycle (of one village, of one year), by village code, year, kind, meeting."""
    stmt = (select(EvaluationSession, Village.name, Village.code).join(Village, Village.id == EvaluationSession.village_id)
            .where(EvaluationSession.cycle_id == cycle_id))
    if village_id is not None:
        stmt = stmt.where(EvaluationSession.village_id == village_id)
    if year is not None:
        stmt = stmt.where(EvaluationSession.year == year)
    rows = list(session.execute(stmt).tuples().all())
    counts: dict[int, int] = {}
    if rows:
        for sid in session.scalars(select(EvaluationCount.session_id).where(
                EvaluationCount.session_id.in_([r[0].id for r in rows]))):
            counts[sid] = counts.get(sid, 0) + 1
    kinds = list(EvaluationKind)
    rows.sort(key=lambda r: (r[2], r[0].year, kinds.index(EvaluationKind(r[0].kind)), r[0].id))
    return [_summary(s, name, counts.get(s.id, 0)) for s, name, _code in rows]


def _quorum_text(s: EvaluationSession) -> str:
    try:
        quorum = merge(s.thresholds or None).quorum.get(meeting_name(MeetingKind(s.meeting).value))
    except ValueError:
        quorum = None
    label = MeetingKind(s.meeting).label
    if quorum is None:
        return tr("{m}应到 {d} 人，实到 {p} 人（不设到会人数要求）").format(m=label, d=s.due, p=s.present)
    met = tr("达到") if quorum.met(s.present, s.due) else tr("未达到")
    return tr("{m}应到 {d} 人，实到 {p} 人，{met}{rule}（至少 {min} 人）").format(
        m=label, d=s.due, p=s.present, met=met, rule=quorum.text(), min=quorum.minimum(s.due))


def session_detail(session: Session, session_id: int) -> SessionDetail:
    """One session with its counts (in the order entered) and the engine's answer (frozen once confirmed)."""
    s = get_row(session, EvaluationSession, session_id, tr("找不到评议会议（编号 {id}）"))
    village = session.get(Village, s.village_id)
    counts = list(session.scalars(select(EvaluationCount).where(EvaluationCount.session_id == s.id)
                                  .order_by(EvaluationCount.id)))
    result: dict[str, Any] | None = s.result
    if result is None and counts:
        result = engine.decide(engine_input(session, s, counts))
    by_person = {r.get("id"): r for r in (result or {}).get("results", [])}
    rows = []
    for c in counts:
        r = by_person.get(c.person_id, {})
        rows.append(CountRow(
            c.person_id, c.name, c.post, c.body, dict(c.counts), c.blank, c.invalid, sum(c.counts.values()),
            dict(c.percent) if c.percent else dict(r.get("percent", {})), c.grade or r.get("grade", ""),
            [ProposalBrief(FlagKind(p["kind"]), FlagKind(p["kind"]).label, p["why"])
             for p in r.get("proposals", [])]))
    last = None
    if s.first_ballot_no is not None and s.ballots_issued:
        last = s.first_ballot_no + s.ballots_issued - 1
    return SessionDetail(_summary(s, village.name if village else "", len(counts)), s.first_ballot_no, last,
                         s.scrutineers, s.counters, _quorum_text(s), rows, bool(result and result.get("valid")),
                         list((result or {}).get("reasons", [])), s.confirmed_at, s.note)


def cadres_in_office(session: Session, cycle_id: int, village_id: int, year: int) -> list[CadreRow]:
    """Whom a session of the village rates in ``year``: everyone in office then, by surname strokes."""
    return [CadreRow(h.person_id, h.name, h.post, h.body, h.candidacy_id, h.assessed_role_id)
            for h in holders(session, cycle_id, village_id, year)]


def _proposal_row(flag: Flag, name: str, village: str) -> ProposalRow:
    outcome = ResignationOutcome(flag.outcome) if flag.outcome is not None else None
    return ProposalRow(
        flag.id, flag.cycle_id, flag.person_id, name, flag.village_id, village, FlagKind(flag.kind),
        FlagKind(flag.kind).label, flag.rule, flag.why, flag.year, flag.source_type, flag.source_id,
        ConsequenceState(flag.state), ConsequenceState(flag.state).label, flag.raised_on, flag.decision_no,
        flag.decided_by, flag.decided_on, flag.executed_on, outcome, outcome.label if outcome else "",
        flag.outcome_on, flag.note)


def proposals(session: Session, cycle_id: int, *, village_id: int | None = None, person_id: int | None = None,
              year: int | None = None, state: ConsequenceState | None = None,
              kinds: frozenset[FlagKind] | None = None) -> list[ProposalRow]:
    """Consequences of the cycle (proposed by an evaluation, a trigger, a verdict, a ranking …), by village, name
    (surname strokes), date."""
    stmt = select(Flag).where(Flag.cycle_id == cycle_id)
    if village_id is not None:
        stmt = stmt.where(Flag.village_id == village_id)
    if person_id is not None:
        stmt = stmt.where(Flag.person_id == person_id)
    if year is not None:
        stmt = stmt.where(or_(Flag.year == year, Flag.year.is_(None)))
    if state is not None:
        stmt = stmt.where(Flag.state == state)
    if kinds:
        stmt = stmt.where(Flag.kind.in_(list(kinds)))
    flags = list(session.scalars(stmt))
    names = dict(session.execute(select(Person.id, Person.name).where(
        Person.id.in_({f.person_id for f in flags if f.person_id is not None}))).tuples().all()) if flags else {}
    villages = {v.id: (v.code, v.name) for v in session.scalars(select(Village))}
    flags.sort(key=lambda f: (villages.get(f.village_id or 0, ("", ""))[0],
                              stroke_key(names.get(f.person_id or 0, "")), f.raised_on, f.id))
    return [_proposal_row(f, names.get(f.person_id or 0, ""), villages.get(f.village_id or 0, ("", ""))[1])
            for f in flags]
