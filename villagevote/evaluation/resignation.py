"""The 辞职承诺 loop (tracking.md A5, issue 18 item 4): each trigger of the signed resignation pledge evaluated from the
records by the pure :mod:`villagevote.evaluation.triggers`; a fired trigger proposes a consequence (a Flag
``resignation_trigger`` whose ``rule`` is the trigger code); the reviewer confirms it with a decision number
(:func:`villagevote.tracking.consequences.confirm`) and then records the resignation or the refusal; a refusal becomes
a finding under the rule tagged ``resignation_refusal`` when the person stands in a later cycle
(:func:`villagevote.qualification.findings.carry_resignation_refusals`, run here for the cycles that already have
the person's candidacy, and by the qualification review before each check).

=================  ============================================================================================
missed_meetings    MeetingAbsence rows without a reason, rolling ``missed_meetings_months`` (12) ≥ 4
long_absence       AbsenceRecord periods (joined; an open one runs to ``as_of``) ≥ ``long_absence_months`` (6)
assigned_tasks     an overdue 交办 item AND the reviewer's judgement of harm (:func:`judge_assigned_tasks`)
annual_evaluation  不称职 ``unfit_years`` (2) years running in the confirmed 村述民评 (or 村述镇评) sessions
term_goals         any broken 剿劣 item (source 专项任务); at the end of the term a 践诺率 below the line
=================  ============================================================================================

An approved exemption (保护清单) of the person's year neutralises every trigger: it is still shown (``neutralised``)
and its proposal is stored already waived, citing the exemption, so no refusal can be recorded against it.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from villagevote import audit
from villagevote.audit import Actor
from villagevote.auth import Permission, requires
from villagevote.errors import ValidationError
from villagevote.evaluation import triggers
from villagevote.evaluation.office import holders, term_end
from villagevote.evaluation.proposals import Target, exemption_for, propose
from villagevote.evaluation.term_verdicts import judge_items, person_items, thresholds_of
from villagevote.evaluation.verdicts import cn_date
from villagevote.i18n import tr
from villagevote.lookup import get_row
from villagevote.models import Candidacy, ElectionCycle, Person, Pledge, PledgeItem
from villagevote.models.enums import (
    CommitmentSource,
    CommitmentStatus,
    ConsequenceState,
    EvaluationKind,
    FlagKind,
    PledgeKind,
    PledgeStatus,
    ResignationOutcome,
)
from villagevote.models.evaluation import (
    AbsenceRecord,
    EvaluationCount,
    EvaluationSession,
    MeetingAbsence,
    MeetingRecord,
)
from villagevote.models.pledges import PledgeItemKind
from villagevote.models.tracking import AssessedRole, Commitment, Flag
from villagevote.qualification.findings import carry_resignation_refusals

__all__ = ["PersonTriggers", "evaluate_triggers", "judge_assigned_tasks", "pledged_triggers", "propose_triggers",
           "record_refusal", "record_resignation"]

_OPEN = (CommitmentStatus.REGISTERED, CommitmentStatus.IN_PROGRESS, CommitmentStatus.OVERDUE,
         CommitmentStatus.REPORTED_DONE)


@dataclass(frozen=True)
class PersonTriggers:
    person_id: int
    name: str
    post: str
    village_id: int | None
    candidacy_id: int | None
    assessed_role_id: int | None
    results: list[triggers.Fired]        # one per code, in the template's order
    exemption_no: str                    # the decision of the exemption that neutralises them, "" for none

    @property
    def fired(self) -> list[triggers.Fired]:
        return [r for r in self.results if r.fired]


def _overdue_assigned(session: Session, cycle_id: int, cands: list[int], roles: list[int],
                      as_of: dt.date) -> list[int]:
    rows = session.scalars(select(Commitment).where(
        Commitment.cycle_id == cycle_id, Commitment.source == CommitmentSource.ASSIGNED,
        or_(Commitment.candidacy_id.in_(cands or [-1]), Commitment.assessed_role_id.in_(roles or [-1])),
        Commitment.status.in_(_OPEN)))
    out = []
    for c in rows:
        due = c.deadline_current or c.deadline
        if CommitmentStatus(c.status) is CommitmentStatus.OVERDUE or (due is not None and due < as_of):
            out.append(c.id)
    return out


def _harm_judged(session: Session, cycle_id: int, person_id: int) -> bool:
    return session.scalar(select(Flag.id).where(
        Flag.cycle_id == cycle_id, Flag.person_id == person_id, Flag.kind == FlagKind.RESIGNATION_TRIGGER,
        Flag.rule == triggers.ASSIGNED_TASKS)) is not None


def _grades(session: Session, person_id: int, kind: EvaluationKind, up_to: int) -> dict[int, str]:
    grades: dict[int, str] = {}
    for year, grade in session.execute(
            select(EvaluationSession.year, EvaluationCount.grade)
            .join(EvaluationCount, EvaluationCount.session_id == EvaluationSession.id)
            .where(EvaluationCount.person_id == person_id, EvaluationSession.kind == kind,
                   EvaluationSession.confirmed_at.is_not(None), EvaluationSession.year <= up_to,
                   EvaluationCount.grade != "")
            .order_by(EvaluationSession.year, EvaluationSession.id)).tuples():
        # two sessions of one kind in a year (e.g. 村民代表会议 and 党员大会): the worse grade stands
        if grades.get(year) != "不称职":
            grades[year] = grade
    return grades


def pledged_triggers(session: Session, cycle_id: int, person_id: int) -> dict[str, tuple[str, dict]] | None:
    """The triggers of the person's signed (or reviewed) resignation pledge in the cycle: code → (text, params);
    None when the person has no such pledge (an appointed role, say: every trigger applies with the defaults)."""
    rows = session.execute(
        select(PledgeItem.code, PledgeItem.title, PledgeItem.params)
        .join(Pledge, Pledge.id == PledgeItem.pledge_id).join(Candidacy, Candidacy.id == Pledge.candidacy_id)
        .where(Candidacy.cycle_id == cycle_id, Candidacy.person_id == person_id,
               Pledge.kind == PledgeKind.RESIGNATION, Pledge.status.in_((PledgeStatus.SIGNED, PledgeStatus.REVIEWED)),
               PledgeItem.item_kind == PledgeItemKind.TRIGGER, PledgeItem.struck.is_(False))
        .order_by(PledgeItem.sort_order, PledgeItem.id)).tuples().all()
    if not rows:
        return None
    out: dict[str, tuple[str, dict]] = {}
    for code, title, params in rows:
        out.setdefault(code or "", (title, dict(params or {})))
    return out


def _int_param(params: dict, key: str) -> int | None:
    value = params.get(key)
    return value if isinstance(value, int) and not isinstance(value, bool) and value > 0 else None


def _person_triggers(session: Session, cycle: ElectionCycle, person_id: int, as_of: dt.date) -> list[triggers.Fired]:
    th = thresholds_of(session)
    pledged = pledged_triggers(session, cycle.id, person_id)

    def params(code: str) -> dict:
        return pledged.get(code, ("", {}))[1] if pledged else {}
    exemption = exemption_for(session, person_id, as_of.year)
    exempted = exemption is not None
    absences = [triggers.Absence(day, with_reason, mid) for day, with_reason, mid in session.execute(
        select(MeetingRecord.held_on, MeetingAbsence.with_reason, MeetingRecord.id)
        .join(MeetingAbsence, MeetingAbsence.meeting_id == MeetingRecord.id)
        .where(MeetingRecord.cycle_id == cycle.id, MeetingAbsence.person_id == person_id)).tuples()]
    periods = [triggers.AbsencePeriod(a.from_on, a.to_on, a.id) for a in session.scalars(
        select(AbsenceRecord).where(AbsenceRecord.cycle_id == cycle.id, AbsenceRecord.person_id == person_id))]
    cands, roles = person_items(session, cycle.id, person_id)
    overdue = _overdue_assigned(session, cycle.id, cands, roles, as_of)
    annual = triggers.annual_evaluation({}, as_of.year)
    for kind in (EvaluationKind.PEOPLE, EvaluationKind.TOWNSHIP):
        grades = _grades(session, person_id, kind, as_of.year)
        if not grades:
            continue
        last = max(grades)
        ex = exemption_for(session, person_id, last) is not None
        fired = triggers.annual_evaluation(grades, last, exempted=ex, thresholds=th)
        if fired.fired or fired.neutralised or not annual.evidence:
            annual = fired
        if fired.fired:
            break
    final = as_of >= term_end(cycle) - dt.timedelta(days=1)
    ids = list(session.scalars(select(Commitment.id).where(Commitment.cycle_id == cycle.id, or_(
        Commitment.candidacy_id.in_(cands or [-1]), Commitment.assessed_role_id.in_(roles or [-1])))))
    judged = judge_items(session, cycle.id, as_of=as_of, ids=ids, final=final) if ids else []
    items = [triggers.ItemRecord(j.verdict.verdict, j.special, j.commitment_id, j.weight) for j in judged]
    missed = params(triggers.MISSED_MEETINGS)
    results = [
        triggers.missed_meetings(absences, as_of, _int_param(missed, "count"), _int_param(missed, "period_months"),
                                 exempted=exempted, thresholds=th),
        triggers.long_absence(periods, as_of, _int_param(params(triggers.LONG_ABSENCE), "months"),
                              exempted=exempted, thresholds=th),
        triggers.assigned_tasks(overdue, _harm_judged(session, cycle.id, person_id), exempted=exempted),
        annual,
        triggers.term_goals(items, final=final, exempted=exempted, thresholds=th),
    ]
    if pledged is None:
        return results
    # a trigger struck from the signed pledge does not apply to this cadre
    return [r if r.code in pledged else triggers.Fired(r.code, False, tr("本人签订的辞职承诺不含此情形"))
            for r in results]


def evaluate_triggers(session: Session, *, cycle_id: int, person_id: int | None = None,
                      as_of: dt.date) -> list[PersonTriggers]:
    """Each trigger for each cadre in office in ``as_of``'s year (or for one person), read only; by village and
    surname strokes."""
    cycle = get_row(session, ElectionCycle, cycle_id, tr("找不到换届届次（编号 {id}）"))
    people = holders(session, cycle_id, None, as_of.year)
    if person_id is not None:
        people = [h for h in people if h.person_id == person_id]
        if not people:
            person = get_row(session, Person, person_id, tr("找不到人员（编号 {id}）"))
            raise ValidationError(tr("{name}{y}年不在任，无须核对辞职承诺情形").format(name=person.name, y=as_of.year))
    out = []
    for h in people:
        exemption = exemption_for(session, h.person_id, as_of.year)
        out.append(PersonTriggers(h.person_id, h.name, h.post, h.village_id, h.candidacy_id, h.assessed_role_id,
                                  _person_triggers(session, cycle, h.person_id, as_of),
                                  exemption.decision_no if exemption is not None else ""))
    return out


def _trigger_year(fired: triggers.Fired, as_of: dt.date) -> int:
    if fired.code == triggers.ANNUAL_EVALUATION and fired.evidence:
        return max(int(y) for y in fired.evidence)
    return as_of.year


@requires(Permission.EDIT, Permission.REVIEW, note=tr("只提出建议；已提出的同一情形不重复提出"))
def propose_triggers(session: Session, actor: Actor, *, cycle_id: int, person_id: int | None = None,
                     as_of: dt.date) -> list[int]:
    """Evaluate the triggers and propose a consequence for each that fired (or was neutralised: stored waived);
    returns the ids of those proposals (existing ones included)."""
    ids: list[int] = []
    for p in evaluate_triggers(session, cycle_id=cycle_id, person_id=person_id, as_of=as_of):
        target = Target(cycle_id, p.person_id, p.candidacy_id, p.assessed_role_id, p.village_id)
        for fired in p.results:
            if not (fired.fired or fired.neutralised):
                continue
            ids.append(propose(session, actor, target, kind=FlagKind.RESIGNATION_TRIGGER, rule=fired.code,
                               why=fired.why, year=_trigger_year(fired, as_of), raised_on=as_of,
                               source_type="resignation_trigger"))
    return ids


@requires(Permission.REVIEW, note=tr("须有逾期的交办事项；由审核人认定造成不良影响"))
def judge_assigned_tasks(session: Session, actor: Actor, *, cycle_id: int, person_id: int, on: dt.date,
                         note: str) -> int:
    """The reviewer's judgement that a cadre's overdue 交办 items did harm (不能完成交办的重要工作任务，造成不良影响):
    proposes the ``assigned_tasks`` trigger. Refused without an overdue item or without the reasons."""
    person = get_row(session, Person, person_id, tr("找不到人员（编号 {id}）"))
    text = (note or "").strip()
    if not text:
        raise ValidationError(tr("{name}：请写明交办事项造成的不良影响").format(name=person.name), field="note")
    cands, roles = person_items(session, cycle_id, person_id)
    overdue = _overdue_assigned(session, cycle_id, cands, roles, on)
    fired = triggers.assigned_tasks(overdue, True)
    if not fired.fired:
        raise ValidationError(tr("{name}：{why}，不能认定").format(name=person.name, why=fired.why))
    office = next((h for h in holders(session, cycle_id, None, on.year) if h.person_id == person_id), None)
    target = Target(cycle_id, person_id, office.candidacy_id if office else None,
                    office.assessed_role_id if office else None, office.village_id if office else person.village_id)
    return propose(session, actor, target, kind=FlagKind.RESIGNATION_TRIGGER, rule=triggers.ASSIGNED_TASKS,
                   why=tr("{why}：{note}").format(why=fired.why, note=text), year=on.year, raised_on=on,
                   source_type="commitment", source_id=overdue[0])


def _trigger_flag(session: Session, flag_id: int, on: dt.date, today: dt.date) -> tuple[Flag, str]:
    flag = get_row(session, Flag, flag_id, tr("找不到处理建议（编号 {id}）"))
    person = session.get(Person, flag.person_id) if flag.person_id is not None else None
    who = tr("{name}的辞职承诺情形（编号 {id}）").format(name=person.name if person else "", id=flag.id)
    if FlagKind(flag.kind) is not FlagKind.RESIGNATION_TRIGGER:
        raise ValidationError(tr("编号 {id} 的处理是“{kind}”，不是辞职承诺情形").format(
            id=flag.id, kind=FlagKind(flag.kind).label))
    state = ConsequenceState(flag.state)
    if state is not ConsequenceState.CONFIRMED:
        raise ValidationError(tr("{who}的状态是“{state}”：须先经乡镇党委确认（决定文号）后，才能记录辞职或拒不辞职").format(
            who=who, state=state.label))
    if flag.outcome is not None:
        raise ValidationError(tr("{who}已记录为“{o}”（{d}）").format(
            who=who, o=ResignationOutcome(flag.outcome).label, d=cn_date(flag.outcome_on) if flag.outcome_on else ""))
    if on > today or (flag.decided_on is not None and on < flag.decided_on):
        raise ValidationError(tr("{who}：日期 {d} 应在决定日期与今天之间").format(who=who, d=cn_date(on)), field="on")
    return flag, who


@requires(Permission.REVIEW, note=tr("只对已确认的辞职承诺情形"))
def record_resignation(session: Session, actor: Actor, flag_id: int, *, on: dt.date, note: str = "",
                       today: dt.date | None = None) -> None:
    """The cadre resigned on ``on``: the consequence is carried out and the person's roles of the cycle end."""
    flag, who = _trigger_flag(session, flag_id, on, today or dt.date.today())
    before = audit.snapshot(flag)
    flag.outcome, flag.outcome_on = ResignationOutcome.RESIGNED, on
    flag.state, flag.executed_on, flag.resolved_on = ConsequenceState.EXECUTED, on, on
    if note.strip():
        flag.note = (flag.note + "\n" if flag.note else "") + note.strip()
    for role in session.scalars(select(AssessedRole).where(AssessedRole.cycle_id == flag.cycle_id,
                                                           AssessedRole.person_id == flag.person_id,
                                                           AssessedRole.ends_on.is_(None))):
        role_before = audit.snapshot(role)
        role.ends_on = max(on, role.starts_on) if role.starts_on else on
        role.end_reason = tr("按辞职承诺辞职（{rule}）").format(rule=flag.rule)
        audit.record(session, actor, "end_role", "assessed_role", role.id, before=role_before,
                     after=audit.snapshot(role))
    session.flush()
    audit.record(session, actor, "resigned", "flag", flag.id, before=before, after=audit.snapshot(flag), note=who)


@requires(Permission.REVIEW, note=tr("只对已确认的辞职承诺情形；下一届参选时记入资格审查"))
def record_refusal(session: Session, actor: Actor, flag_id: int, *, on: dt.date, note: str,
                   today: dt.date | None = None) -> list[int]:
    """The cadre refused to resign: recorded on the consequence (which stays confirmed, not carried out). In every
    later cycle where the person already stands, the refusal becomes a finding at once; returns those finding ids
    (a later candidacy gets it when its qualification is checked)."""
    today = today or dt.date.today()
    flag, who = _trigger_flag(session, flag_id, on, today)
    text = (note or "").strip()
    if not text:
        raise ValidationError(tr("{who}：请写明拒不辞职的情况").format(who=who), field="note")
    before = audit.snapshot(flag)
    flag.outcome, flag.outcome_on = ResignationOutcome.REFUSED, on
    flag.note = (flag.note + "\n" if flag.note else "") + text
    session.flush()
    audit.record(session, actor, "refused_resignation", "flag", flag.id, before=before, after=audit.snapshot(flag),
                 note=who)
    cycle = session.get(ElectionCycle, flag.cycle_id)
    findings: list[int] = []
    if cycle is not None and flag.person_id is not None:
        for later in session.scalars(select(ElectionCycle.id).where(
                ElectionCycle.township_id == cycle.township_id, ElectionCycle.election_day > cycle.election_day)):
            findings += carry_resignation_refusals(session, actor, later, [flag.person_id], today=today)
    return findings
