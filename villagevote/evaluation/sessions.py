"""Evaluation sessions (双述双评, issue 18 item 1, tracking.md A4) in the database: create a session, enter the
ballot counts per cadre, confirm it.

Every count entry is decided by the pure engine (:func:`villagevote.evaluation.engine.decide`) BEFORE anything is
stored, so the engine's refusals are the domain's: counts exceeding those present, a choice not on the scale, a
meeting below its quorum, a cadre not in office that year, the same person twice — a ValidationError in Chinese naming
the cadre and the number, and nothing written. The engine's ``history`` comes from the earlier CONFIRMED sessions of
the same kind for the same person (any village and cycle: a re-elected cadre keeps his record).

Confirming (reviewer) freezes the engine's output in ``EvaluationSession.result``, writes each count's grade and
shares, and creates the consequences the engine proposed as PROPOSED Flags (kind = the proposal's code, rule = the
threshold key, or the trigger code ``annual_evaluation`` for the 辞职承诺 trigger; source ``evaluation_count``).
Confirming again changes nothing. Thresholds: the ``evaluation.thresholds`` setting over the engine's defaults,
copied into the session when it is created (a later change of the setting does not re-grade old sessions).
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from villagevote import audit
from villagevote.audit import Actor
from villagevote.auth import Permission, requires
from villagevote.errors import ValidationError
from villagevote.evaluation import engine
from villagevote.evaluation.office import Holder, holder, post_of, term_years
from villagevote.evaluation.proposals import Target, propose
from villagevote.evaluation.thresholds import SETTING_KEY, meeting_name, merge
from villagevote.evaluation.triggers import ANNUAL_EVALUATION
from villagevote.i18n import tr
from villagevote.lookup import get_row
from villagevote.models import ElectionCycle, Person, Setting, Village
from villagevote.models.base import utcnow
from villagevote.models.enums import EvaluationKind, FlagKind, MeetingKind
from villagevote.models.evaluation import EvaluationCount, EvaluationSession
from villagevote.models.tracking import Flag

__all__ = [
    "SCALES",
    "SCALES_KEY",
    "CountInput",
    "confirm_session",
    "create_session",
    "delete_session",
    "engine_input",
    "enter_counts",
    "scales",
    "threshold_overrides",
]

# The three ballot scales of tracking.md A4 (best first), held as data: the setting ``evaluation.scales`` (a JSON
# object name → list) adds to or replaces them.
SCALES_KEY = "evaluation.scales"
SCALES: dict[str, list[str]] = {
    "satisfaction": ["满意", "基本满意", "不满意"],
    "competence": ["称职", "基本称职", "不称职"],
    "four_grades": ["优秀", "合格", "基本合格", "不合格"],
}
SOURCE = "evaluation_count"


@dataclass(frozen=True)
class CountInput:
    """The counts for one cadre: ``counts`` maps each choice of the scale to its ballots."""
    person_id: int
    post: str = ""
    body: str = ""
    counts: Mapping[str, int] = field(default_factory=dict)
    blank: int = 0
    invalid: int = 0


def _setting(session: Session, key: str) -> Any:
    row = session.get(Setting, key)
    return None if row is None else row.value


def scales(session: Session) -> dict[str, list[str]]:
    """The ballot scales on offer: the defaults, with the setting's entries over them."""
    out = {k: list(v) for k, v in SCALES.items()}
    stored = _setting(session, SCALES_KEY)
    if isinstance(stored, Mapping):
        for name, choices in stored.items():
            if isinstance(choices, list) and len(choices) >= 2 and all(isinstance(c, str) and c for c in choices):
                out[str(name)] = list(choices)
    return out


def threshold_overrides(session: Session) -> dict[str, Any]:
    """The township's threshold overrides (setting ``evaluation.thresholds``), checked; {} for none. A bad stored
    value is refused with the thresholds' own Chinese message (the settings page validates on entry)."""
    stored = _setting(session, SETTING_KEY)
    if not stored:
        return {}
    try:
        merge(stored)
    except ValueError as exc:
        raise ValidationError(tr("评议阈值设置有误：{e}").format(e=exc)) from None
    return dict(stored)


def _eval_session(session: Session, session_id: int) -> EvaluationSession:
    return get_row(session, EvaluationSession, session_id, tr("找不到评议会议（编号 {id}）"))


def _label(s: EvaluationSession, village: str = "") -> str:
    return tr("{village}{year}年{kind}（{meeting}）").format(
        village=village, year=s.year, kind=EvaluationKind(s.kind).label, meeting=MeetingKind(s.meeting).label)


def _name(session: Session, s: EvaluationSession) -> str:
    village = session.get(Village, s.village_id)
    return _label(s, village.name if village else "")


@requires(Permission.EDIT)
def create_session(session: Session, actor: Actor, *, cycle_id: int, village_id: int, year: int,
                   kind: EvaluationKind | str, meeting: MeetingKind | str, scale: Sequence[str] | str, due: int,
                   present: int, ballots_issued: int | None = None, first_ballot_no: int | None = None,
                   scrutineers: str = "", counters: str = "", held_on: dt.date, note: str = "",
                   today: dt.date | None = None) -> int:
    """Record one 评议 meeting (its counts come with :func:`enter_counts`); returns its id. ``scale`` is a list of
    choices (best first) or the name of a scale of :func:`scales`. Refused: an unknown kind, meeting or scale, a year
    outside the cycle's term, a date in the future, more present than due, more ballots issued than present, a
    meeting below its quorum (void: it has to be held again), the same village/year/kind/meeting twice."""
    today = today or dt.date.today()
    cycle = get_row(session, ElectionCycle, cycle_id, tr("找不到换届届次（编号 {id}）"))
    village = get_row(session, Village, village_id, tr("找不到村（编号 {id}）"))
    try:
        kind = EvaluationKind(kind)
    except ValueError:
        raise ValidationError(tr("评议类别“{k}”不可用（可选：{all}）").format(
            k=kind, all="、".join(k.label for k in EvaluationKind)), field="kind") from None
    try:
        meeting = MeetingKind(meeting)
    except ValueError:
        raise ValidationError(tr("会议类型“{m}”不可用（可选：{all}）").format(
            m=meeting, all="、".join(m.label for m in MeetingKind)), field="meeting") from None
    if isinstance(scale, str):
        known = scales(session)
        if scale not in known:
            raise ValidationError(tr("评议档次“{s}”不可用（可选：{all}）").format(
                s=scale, all="；".join("、".join(v) for v in known.values())), field="scale")
        choices = list(known[scale])
    else:
        choices = [str(c).strip() for c in scale]
    if len(choices) < 2 or any(not c for c in choices) or len(set(choices)) != len(choices):
        raise ValidationError(tr("评议档次应为至少两档、互不相同的文字（最好的在前），现为：{s}").format(
            s="、".join(choices) or tr("空")), field="scale")
    label = _label(EvaluationSession(year=year, kind=kind, meeting=meeting), village.name)
    years = term_years(cycle)
    if year not in years:
        raise ValidationError(tr("{label}：{year} 年不在本届任期内（{first}—{last} 年）").format(
            label=label, year=year, first=years[0], last=years[-1]), field="year")
    if held_on is None or held_on > today:
        raise ValidationError(tr("{label}：请填写会议日期（不能晚于今天）").format(label=label), field="held_on")
    for what, value in ((tr("应到人数"), due), (tr("实到人数"), present)):
        if not isinstance(value, int) or isinstance(value, bool) or value < 0:
            raise ValidationError(tr("{label}：{what}应为不小于 0 的整数，而不是 {v!r}").format(
                label=label, what=what, v=value), field="due")
    if present > due:
        raise ValidationError(tr("{label}：实到 {p} 人，多于应到 {d} 人").format(label=label, p=present, d=due),
                              field="present")
    issued = present if ballots_issued is None else ballots_issued
    if issued < 0 or issued > present:
        raise ValidationError(tr("{label}：发出评议票 {n} 张，多于实到 {p} 人").format(label=label, n=issued, p=present),
                              field="ballots_issued")
    if first_ballot_no is not None and first_ballot_no < 1:
        raise ValidationError(tr("{label}：评议票起始编号应为正整数").format(label=label), field="first_ballot_no")
    overrides = threshold_overrides(session)
    quorum = merge(overrides).quorum.get(meeting_name(meeting.value))
    if quorum is not None and not quorum.met(present, due):
        raise ValidationError(tr("{label}：应到 {d} 人，实到 {p} 人，未达到{rule}（须至少 {m} 人），评议无效，应重新组织").format(
            label=label, d=due, p=present, rule=quorum.text(), m=quorum.minimum(due)), field="present")
    clash = session.scalar(select(EvaluationSession.id).where(
        EvaluationSession.cycle_id == cycle.id, EvaluationSession.village_id == village.id,
        EvaluationSession.year == year, EvaluationSession.kind == kind, EvaluationSession.meeting == meeting))
    if clash is not None:
        raise ValidationError(tr("{label}已经登记（编号 {id}），不能重复登记").format(label=label, id=clash))
    row = EvaluationSession(cycle_id=cycle.id, village_id=village.id, year=year, kind=kind, meeting=meeting,
                            scale=choices, held_on=held_on, due=due, present=present, ballots_issued=issued,
                            first_ballot_no=first_ballot_no, scrutineers=(scrutineers or "").strip(),
                            counters=(counters or "").strip(), thresholds=overrides, note=(note or "").strip())
    return audit.add_recorded(session, actor, "create", "evaluation_session", row)


@requires(Permission.EDIT)
def delete_session(session: Session, actor: Actor, session_id: int) -> None:
    """Remove a session entered by mistake, with its counts; refused once it is confirmed."""
    s = _eval_session(session, session_id)
    if s.confirmed_at is not None:
        raise ValidationError(tr("{label}已由{who}确认，不能删除").format(label=_name(session, s), who=s.confirmed_by))
    before = audit.snapshot(s)
    for c in session.scalars(select(EvaluationCount).where(EvaluationCount.session_id == s.id)):
        session.delete(c)
    session.delete(s)
    session.flush()
    audit.record(session, actor, "delete", "evaluation_session", session_id, before=before)


# ---------------------------------------------------------------------------------------------------------------
# the engine's input
# ---------------------------------------------------------------------------------------------------------------

def _history(session: Session, s: EvaluationSession, person_ids: list[int]) -> list[dict[str, Any]]:
    """Grades of the same kind in earlier years, from confirmed sessions, for these people."""
    if not person_ids:
        return []
    rows = session.execute(
        select(EvaluationCount.person_id, EvaluationCount.name, EvaluationCount.grade, EvaluationCount.percent,
               EvaluationSession.year, EvaluationSession.scale)
        .join(EvaluationSession, EvaluationSession.id == EvaluationCount.session_id)
        .where(EvaluationCount.person_id.in_(person_ids), EvaluationSession.kind == s.kind,
               EvaluationSession.year < s.year, EvaluationSession.confirmed_at.is_not(None),
               EvaluationCount.grade != "")
        .order_by(EvaluationSession.year, EvaluationSession.id)).all()
    out: list[dict[str, Any]] = []
    for person_id, name, grade, percent, year, scale in rows:
        item: dict[str, Any] = {"name": name, "id": person_id, "year": year, "grade": grade}
        worst = (percent or {}).get(scale[-1]) if scale else None
        if worst is not None:
            item["worst_percent"] = str(worst)
        out.append(item)
    return out


def _cadre(session: Session, s: EvaluationSession, row: CountInput | EvaluationCount,
           office: Holder | None) -> dict[str, Any]:
    person = session.get(Person, row.person_id)
    name = person.name if person is not None else ""
    return {
        "id": row.person_id,
        "name": name,
        "post": (row.post or "").strip() or (office.post if office else post_of(session, s.cycle_id, row.person_id)),
        "body": (row.body or "").strip() or (office.body if office else ""),
        "counts": dict(row.counts),
        "blank": row.blank,
        "invalid": row.invalid,
        "in_office": office is not None,
    }


def preview_input(session: Session, session_id: int, rows: Sequence[CountInput]) -> dict[str, Any]:
    """The engine's input for the session ``session_id`` with the given (typed, unsaved) rows: what a live preview
    hands to ``engine.decide`` so it decides like :func:`enter_counts` will. Reads only."""
    return engine_input(session, _eval_session(session, session_id), rows)


def engine_input(session: Session, s: EvaluationSession,
                 rows: Sequence[CountInput | EvaluationCount] | None = None) -> dict[str, Any]:
    """The engine's input for the session: its meeting, scale and attendance, the given rows (default: the stored
    counts), each cadre's office that year, and the history of earlier confirmed sessions of the same kind."""
    if rows is None:
        rows = list(session.scalars(select(EvaluationCount).where(EvaluationCount.session_id == s.id)
                                    .order_by(EvaluationCount.id)))
    cadres = []
    for row in rows:
        office = holder(session, s.cycle_id, s.village_id, s.year, row.person_id)
        cadres.append(_cadre(session, s, row, office))
    return {
        "meeting": MeetingKind(s.meeting).value,
        "scale": list(s.scale),
        "due": s.due,
        "present": s.present,
        "year": s.year,
        "cadres": cadres,
        "history": _history(session, s, [r.person_id for r in rows]),
        "thresholds": dict(s.thresholds or {}),
    }


def _refusal(label: str, result: Mapping[str, Any]) -> str:
    text = ""
    for reason in (str(r) for r in result["reasons"]):
        text += ("" if not text or text.endswith("：") else "；") + reason
    return tr("{label}：{reasons}").format(label=label, reasons=text)


# ---------------------------------------------------------------------------------------------------------------
# counts
# ---------------------------------------------------------------------------------------------------------------

@requires(Permission.EDIT)
def enter_counts(session: Session, actor: Actor, session_id: int, rows: Sequence[CountInput], *,
                 replace: bool = True) -> dict[str, Any]:
    """Store the counts of the session (``replace``: the rows are the whole list; else they replace those of the
    same people and keep the others). The engine checks the whole session first; any refusal raises with its reasons
    and nothing is stored. Returns the engine's (unconfirmed) answer."""
    s = _eval_session(session, session_id)
    label = _name(session, s)
    if s.confirmed_at is not None:
        raise ValidationError(tr("{label}已由{who}确认，票数不能再修改").format(label=label, who=s.confirmed_by))
    for row in rows:
        if session.get(Person, row.person_id) is None:
            raise ValidationError(tr("{label}：找不到被评议人（人员编号 {id}）").format(label=label, id=row.person_id))
    stored = {c.person_id: c for c in session.scalars(
        select(EvaluationCount).where(EvaluationCount.session_id == s.id))}
    given_ids = [r.person_id for r in rows]
    merged: list[CountInput | EvaluationCount] = list(rows)
    if not replace:
        merged = [c for pid, c in stored.items() if pid not in given_ids] + list(rows)
    result = engine.decide(engine_input(session, s, merged))
    if not result["valid"]:
        raise ValidationError(_refusal(label, result), field="counts")
    offices = {r.person_id: holder(session, s.cycle_id, s.village_id, s.year, r.person_id) for r in rows}
    if replace:
        for pid, c in stored.items():
            if pid not in given_ids:
                audit.record(session, actor, "delete", "evaluation_count", c.id, before=audit.snapshot(c))
                session.delete(c)
    by_person = {r["id"]: r for r in result["results"]}
    for row in rows:
        office = offices[row.person_id]
        engine_row = by_person[row.person_id]
        count = stored.get(row.person_id)
        before = audit.snapshot(count)
        if count is None:
            count = EvaluationCount(session_id=s.id, person_id=row.person_id)
            session.add(count)
        count.candidacy_id = office.candidacy_id if office else None
        count.assessed_role_id = office.assessed_role_id if office else None
        count.name = engine_row["name"]
        count.post = engine_row["post"]
        count.body = engine_row["body"]
        count.counts = {c: int(row.counts.get(c, 0)) for c in s.scale}
        count.blank = row.blank
        count.invalid = row.invalid
        count.grade = ""
        count.percent = {}
        session.flush()
        audit.record(session, actor, "update" if before else "create", "evaluation_count", count.id,
                     before=before, after=audit.snapshot(count))
    session.flush()
    return result


# ---------------------------------------------------------------------------------------------------------------
# confirmation
# ---------------------------------------------------------------------------------------------------------------

@requires(Permission.REVIEW, note=tr("按评议引擎重新计算后确认；已确认的不重复处理"))
def confirm_session(session: Session, actor: Actor, session_id: int, *, today: dt.date | None = None) -> list[int]:
    """Confirm the session: the engine decides it once more from the stored counts, its output is frozen in
    ``result``, each count gets its grade and shares, and each proposal becomes a PROPOSED consequence. Returns the
    ids of the session's proposals (confirming again returns them and writes nothing)."""
    today = today or dt.date.today()
    s = _eval_session(session, session_id)
    label = _name(session, s)
    counts = list(session.scalars(select(EvaluationCount).where(EvaluationCount.session_id == s.id)
                                  .order_by(EvaluationCount.id)))
    if s.confirmed_at is not None:
        return _proposal_ids(session, [c.id for c in counts])
    if not counts:
        raise ValidationError(tr("{label}还没有录入票数，不能确认").format(label=label))
    result = engine.decide(engine_input(session, s, counts))
    if not result["valid"]:
        raise ValidationError(_refusal(label, result))
    before = audit.snapshot(s)
    by_person = {r["id"]: r for r in result["results"]}
    raised_on = s.held_on or today
    for count in counts:
        r = by_person[count.person_id]
        count_before = audit.snapshot(count)
        count.grade = r["grade"]
        count.percent = dict(r["percent"])
        audit.record(session, actor, "grade", "evaluation_count", count.id, before=count_before,
                     after=audit.snapshot(count))
        target = Target(s.cycle_id, count.person_id, count.candidacy_id, count.assessed_role_id, s.village_id)
        for p in r["proposals"]:
            kind = FlagKind(p["kind"])
            rule = ANNUAL_EVALUATION if kind is FlagKind.RESIGNATION_TRIGGER else p.get("rule", "")
            propose(session, actor, target, kind=kind, rule=rule, why=tr("{label}：{why}").format(
                label=_label(s), why=p["why"]), year=s.year, raised_on=raised_on, source_type=SOURCE,
                source_id=count.id)
    s.result = result
    s.confirmed_by = actor.display_name or actor.username
    s.confirmed_at = utcnow()
    session.flush()
    audit.record(session, actor, "confirm", "evaluation_session", s.id, before=before, after=audit.snapshot(s))
    return _proposal_ids(session, [c.id for c in counts])


def _proposal_ids(session: Session, count_ids: list[int]) -> list[int]:
    if not count_ids:
        return []
    return list(session.scalars(select(Flag.id).where(Flag.source_type == SOURCE, Flag.source_id.in_(count_ids))
                                .order_by(Flag.id)))
