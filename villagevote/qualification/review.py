"""Three-stage qualification review (三审): 村级初审 → 乡镇复审 → 县级联审 with one sign-off per county department.

Each stage is a recorded step (decision, reason, reviewer, date). A stage can only be recorded when the previous
stage's current step passed; recording a stage again supersedes its previous step (kept as history, never deleted).
An earlier stage cannot be changed once a later stage exists. Decisions move the candidacy's status through
:func:`villagevote.candidates.status.transition`; the county pass needs every county department's answer.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from villagevote import audit
from villagevote.audit import Actor
from villagevote.auth import Permission, can, requires
from villagevote.candidates.status import ALLOWED, Origin, transition
from villagevote.errors import PermissionDenied, ValidationError
from villagevote.i18n import tr
from villagevote.lookup import get_row
from villagevote.models import Candidacy, DepartmentSignoff, ElectionCycle, ReviewStep, Rule
from villagevote.models.enums import CandidacyStatus as S
from villagevote.models.enums import ReviewDecision, ReviewStage
from villagevote.qualification.findings import carry_resignation_refusals
from villagevote.qualification.rules_engine import VerdictOutcome
from villagevote.qualification.verdict import compute_verdict, person_candidacies

__all__ = [
    "LOCAL_DEPARTMENTS",
    "STAGES",
    "DisqualifyOutcome",
    "ReviewStepRow",
    "SignoffRow",
    "apply_disqualifying_verdict",
    "county_departments",
    "current_steps",
    "person_signoffs",
    "record_review",
    "record_signoff",
    "review_history",
    "settle_qualification",
    "signoffs_of",
]

STAGES: tuple[ReviewStage, ...] = (ReviewStage.VILLAGE, ReviewStage.TOWNSHIP, ReviewStage.COUNTY)
_PASS_STATUS = {
    ReviewStage.VILLAGE: S.VILLAGE_REVIEWED,
    ReviewStage.TOWNSHIP: S.TOWNSHIP_REVIEWED,
    ReviewStage.COUNTY: S.COUNTY_REVIEWED,
}
# Status to fall back to when a passed stage is re-recorded as pending.
STAGES_BACK = {
    ReviewStage.VILLAGE: S.REGISTERED,
    ReviewStage.TOWNSHIP: S.VILLAGE_REVIEWED,
    ReviewStage.COUNTY: S.TOWNSHIP_REVIEWED,
}
#: Verifying "departments" in the catalogs that are the township's or village's own checks, not county departments.
LOCAL_DEPARTMENTS = frozenset({"乡镇", "村", "乡镇党委", "民主测评", "村党组织", "选举委员会"})


@dataclass(frozen=True)
class ReviewStepRow:
    id: int
    stage: ReviewStage
    decision: ReviewDecision
    reason: str
    reviewer: str
    decided_on: dt.date
    superseded: bool


@dataclass(frozen=True)
class SignoffRow:
    department: str
    has_issue: bool | None
    opinion: str
    handler: str
    signed_on: dt.date | None
    source_file: str


def county_departments(session: Session, cycle_id: int) -> list[str]:
    """County departments that answer in the joint review: those named by the cycle's rules (first-mention order),
    without the township's and village's own checks."""
    cycle = get_row(session, ElectionCycle, cycle_id, tr("找不到换届届次（编号 {id}）"))
    if cycle.rule_set_id is None:
        return []
    cache = session.info.setdefault("vv_county_departments", {})
    if cycle.rule_set_id in cache:
        return list(cache[cycle.rule_set_id])
    out: list[str] = []
    for depts in session.scalars(
        select(Rule.departments).where(Rule.rule_set_id == cycle.rule_set_id).order_by(Rule.sort_order, Rule.id)
    ):
        for dept in depts or []:
            if dept not in LOCAL_DEPARTMENTS and dept not in out:
                out.append(dept)
    from villagevote.models import RuleSet

    rs = session.get(RuleSet, cycle.rule_set_id)
    if rs is not None and rs.frozen:  # a frozen version never changes: cache for this session
        cache[cycle.rule_set_id] = tuple(out)
    return out


def _candidacy(session: Session, candidacy_id: int) -> Candidacy:
    return get_row(session, Candidacy, candidacy_id, tr("找不到候选人登记（编号 {id}）"))


def current_steps(session: Session, candidacy_id: int) -> dict[ReviewStage, ReviewStep]:
    steps = session.scalars(
        select(ReviewStep).where(ReviewStep.candidacy_id == candidacy_id, ReviewStep.superseded.is_(False))
    ).all()
    return {ReviewStage(s.stage): s for s in steps}


def review_history(session: Session, candidacy_id: int) -> list[ReviewStepRow]:
    """Every step ever recorded, oldest first, superseded ones included."""
    steps = session.scalars(
        select(ReviewStep).where(ReviewStep.candidacy_id == candidacy_id).order_by(ReviewStep.id)
    ).all()
    return [
        ReviewStepRow(s.id, ReviewStage(s.stage), ReviewDecision(s.decision), s.reason, s.reviewer, s.decided_on,
                      s.superseded)
        for s in steps
    ]


def signoffs_of(session: Session, candidacy_id: int) -> list[SignoffRow]:
    rows = session.scalars(
        select(DepartmentSignoff).where(DepartmentSignoff.candidacy_id == candidacy_id).order_by(DepartmentSignoff.id)
    ).all()
    return [SignoffRow(r.department, r.has_issue, r.opinion, r.handler, r.signed_on, r.source_file) for r in rows]


def person_signoffs(session: Session, candidacy_id: int) -> list[SignoffRow]:
    """One answer per county department for the candidacy's person in the cycle, whichever of their candidacies it
    was recorded on: an answer 有 wins over 无, then the latest signed (then the latest recorded). This is what the
    资格审查表 of every candidacy of the person shows, so the forms never contradict each other."""
    cand_ids = [c.id for c in person_candidacies(session, candidacy_id)]
    rows = session.scalars(
        select(DepartmentSignoff).where(DepartmentSignoff.candidacy_id.in_(cand_ids)).order_by(DepartmentSignoff.id)
    ).all()
    best: dict[str, DepartmentSignoff] = {}

    def rank(r: DepartmentSignoff) -> tuple:
        answered = r.has_issue is not None
        return (answered, bool(r.has_issue), r.signed_on or dt.date.min, r.id)

    order: list[str] = []
    for r in rows:
        if r.department not in best:
            order.append(r.department)
            best[r.department] = r
        elif rank(r) > rank(best[r.department]):
            best[r.department] = r
    return [SignoffRow(r.department, r.has_issue, r.opinion, r.handler, r.signed_on, r.source_file)
            for r in (best[d] for d in order)]


def _check_previous_passed(current: dict[ReviewStage, ReviewStep], stage: ReviewStage, name: str) -> None:
    index = STAGES.index(stage)
    if index == 0:
        return
    prev = STAGES[index - 1]
    step = current.get(prev)
    if step is None:
        raise ValidationError(
            tr("{name}还没有{prev}记录，不能先记录{stage}").format(name=name, prev=prev.label, stage=stage.label)
        )
    if ReviewDecision(step.decision) is not ReviewDecision.PASS:
        raise ValidationError(
            tr("{name}的{prev}结论为「{decision}」，不能进入{stage}").format(
                name=name, prev=prev.label, decision=ReviewDecision(step.decision).label, stage=stage.label
            )
        )


@requires(Permission.REVIEW)
def record_review(
    session: Session,
    actor: Actor,
    candidacy_id: int,
    stage: ReviewStage | str,
    decision: ReviewDecision | str,
    reason: str = "",
    reviewer: str = "",
    decided_on: dt.date | None = None,
    today: dt.date | None = None,
) -> int:
    """Record one review step and move the candidacy's status; returns the step id.

    pass → 村级初审通过 / 乡镇复审通过 / 县级联审通过; fail → 取消资格; advise_withdraw → 劝退; pending → no change.
    """
    stage, decision = ReviewStage(stage), ReviewDecision(decision)
    today = today or dt.date.today()
    decided_on = decided_on or today
    cand = _candidacy(session, candidacy_id)
    name = cand.person.name
    # a 辞职承诺 refused in an earlier term becomes a finding before the check (issue 18)
    carry_resignation_refusals(session, audit.SYSTEM, cand.cycle_id, [cand.person_id], today=today)
    if decided_on > today:
        raise ValidationError(
            tr("{stage}日期 {date} 晚于今天（{today}）").format(
                stage=stage.label, date=decided_on.isoformat(), today=today.isoformat()
            ),
            field="decided_on",
        )
    reason = (reason or "").strip()
    if decision in (ReviewDecision.FAIL, ReviewDecision.ADVISE_WITHDRAW) and not reason:
        raise ValidationError(
            tr("{stage}结论为「{decision}」时必须填写理由").format(stage=stage.label, decision=decision.label),
            field="reason",
        )
    status = S(cand.status)
    if status in (S.WITHDRAWN, S.ELECTED, S.NOT_ELECTED, S.CANDIDATE, S.PRELIMINARY):
        raise ValidationError(
            tr("{name}当前状态为「{status}」，不能再记录资格审查").format(name=name, status=status.label)
        )
    current = current_steps(session, cand.id)
    later = [s for s in STAGES[STAGES.index(stage) + 1:] if s in current]
    if later:
        raise ValidationError(
            tr("{name}已有{later}记录，不能再修改{stage}").format(name=name, later=later[0].label, stage=stage.label)
        )
    _check_previous_passed(current, stage, name)
    prev_step = current.get(stage)
    if prev_step is not None and decided_on < prev_step.decided_on:
        raise ValidationError(tr("新的{stage}日期不能早于上一次记录的日期").format(stage=stage.label),
                              field="decided_on")
    index = STAGES.index(stage)
    if index > 0:
        earlier = current[STAGES[index - 1]]
        if decided_on < earlier.decided_on:
            raise ValidationError(
                tr("{stage}日期 {date} 早于{prev}日期 {prev_date}").format(
                    stage=stage.label, date=decided_on.isoformat(), prev=STAGES[index - 1].label,
                    prev_date=earlier.decided_on.isoformat(),
                ),
                field="decided_on",
            )
    if stage is ReviewStage.COUNTY and decision is ReviewDecision.PASS:
        depts = county_departments(session, cand.cycle_id)
        answered = {
            r.department for r in session.scalars(
                select(DepartmentSignoff).where(
                    DepartmentSignoff.candidacy_id == cand.id, DepartmentSignoff.has_issue.is_not(None)
                )
            )
        }
        missing = [d for d in depts if d not in answered]
        if missing:
            raise ValidationError(
                tr("县级联审还缺{n}个部门的意见：{depts}").format(n=len(missing), depts="、".join(missing))
            )
        verdict = compute_verdict(session, cand.id)
        if verdict.outcome is VerdictOutcome.DISQUALIFIED:
            raise ValidationError(
                tr("核查结果显示{name}有「不能」情形，县级联审不能记为通过：{reason}").format(
                    name=name, reason=verdict.reasons[0]
                )
            )
    if decision is ReviewDecision.PASS:
        target = _PASS_STATUS[stage]
    elif decision is ReviewDecision.FAIL:
        target = S.DISQUALIFIED
    elif decision is ReviewDecision.ADVISE_WITHDRAW:
        target = S.ADVISED_WITHDRAW
    else:
        target = None
    if prev_step is not None:
        prev_step.superseded = True
    step = ReviewStep(
        candidacy_id=cand.id,
        stage=stage,
        decision=decision,
        reason=reason,
        reviewer=(reviewer or actor.display_name or actor.username).strip(),
        decided_on=decided_on,
        superseded=False,
    )
    session.add(step)
    session.flush()
    audit.record(session, actor, "review", "review_step", step.id, after=audit.snapshot(step),
                 note=f"candidacy {cand.id} {stage.value} {decision.value}"
                 + (f" supersedes {prev_step.id}" if prev_step is not None else ""))
    if target is not None and target is not status:
        transition(session, cand.id, target, actor, reason=reason or tr("{stage}通过").format(stage=stage.label),
                   origin=Origin.QUALIFICATION)
    elif target is None and prev_step is not None and status is _PASS_STATUS[stage]:
        # a passed stage re-recorded as pending: step back so the next stage cannot start on the old pass
        transition(session, cand.id, STAGES_BACK[stage], actor,
                   reason=tr("{stage}改为待定").format(stage=stage.label), origin=Origin.QUALIFICATION)
    return step.id



@requires(Permission.EDIT, Permission.REVIEW)
def record_signoff(
    session: Session,
    actor: Actor,
    candidacy_id: int,
    department: str,
    has_issue: bool | None,
    opinion: str = "",
    handler: str = "",
    signed_on: dt.date | None = None,
    source_file: str = "",
    today: dt.date | None = None,
) -> int:
    """Record (or replace) one county department's answer for a candidacy. Needs a passed 乡镇复审 first."""
    if not (can(actor, Permission.EDIT) or can(actor, Permission.REVIEW)):
        raise PermissionDenied(
            tr("当前用户“{user}”（{role}）无权记录县级联审意见。").format(user=actor.username, role=actor.role.label)
        )
    today = today or dt.date.today()
    cand = _candidacy(session, candidacy_id)
    department = (department or "").strip()
    if not department:
        raise ValidationError(tr("部门名称不能为空"))
    depts = county_departments(session, cand.cycle_id)
    if depts and department not in depts:
        raise ValidationError(
            tr("「{dept}」不是本届县级联审的部门（有：{depts}）").format(dept=department, depts="、".join(depts))
        )
    if signed_on is not None and signed_on > today:
        raise ValidationError(
            tr("{dept}的签署日期 {date} 晚于今天").format(dept=department, date=signed_on.isoformat())
        )
    _check_previous_passed(current_steps(session, cand.id), ReviewStage.COUNTY, cand.person.name)
    row = session.scalar(
        select(DepartmentSignoff).where(
            DepartmentSignoff.candidacy_id == cand.id, DepartmentSignoff.department == department
        )
    )
    before = audit.snapshot(row)
    if row is None:
        row = DepartmentSignoff(candidacy_id=cand.id, department=department)
        session.add(row)
    row.has_issue = has_issue
    row.opinion = (opinion or "").strip()
    row.handler = (handler or "").strip()
    row.signed_on = signed_on
    row.source_file = source_file or ""
    session.flush()
    audit.record(session, actor, "signoff", "department_signoff", row.id, before=before, after=audit.snapshot(row))
    return row.id


@dataclass(frozen=True)
class DisqualifyOutcome:
    """What :func:`apply_disqualifying_verdict` did: candidacy ids moved to 取消资格, and those it could not move
    (already out, or past the vote) with the reason in Chinese."""
    moved: tuple[int, ...]
    left: tuple[tuple[int, str], ...]


_ALREADY_OUT = {S.DISQUALIFIED, S.WITHDRAWN, S.NOT_ELECTED}


@requires(Permission.REVIEW, note=tr("只在计算出的资格结论为“不能”时执行；本人本届的每一项候选人登记都改为取消资格"))
def apply_disqualifying_verdict(session: Session, actor: Actor, candidacy_id: int,
                                reason: str = "") -> DisqualifyOutcome:
    """Apply a 不能 verdict to every candidacy of the person in the cycle (取消资格, origin QUALIFICATION, audited).

    The findings are the person's, so the verdict is the same for all their candidacies. Refuses (ValidationError)
    when the verdict is not 不能. Candidacies already out of the running are left as they are; one that cannot be
    moved (e.g. 当选, or its contest result is official) is reported in ``left`` instead of failing the others.
    """
    cand = _candidacy(session, candidacy_id)
    verdict = compute_verdict(session, cand.id)
    if verdict.outcome is not VerdictOutcome.DISQUALIFIED:
        raise ValidationError(tr("{name}的资格结论不是“不能”（当前：{outcome}），不能据此取消资格").format(
            name=cand.person.name, outcome=verdict.outcome.label))
    text = (reason or "").strip() or "；".join(verdict.reasons)
    moved: list[int] = []
    left: list[tuple[int, str]] = []
    for other in person_candidacies(session, cand.id):
        status = S(other.status)
        if status in _ALREADY_OUT:
            continue
        if S.DISQUALIFIED not in ALLOWED[status]:
            left.append((other.id, tr("{name}（{post}）当前状态为「{status}」，未改为取消资格，请按规定另行处理").format(
                name=cand.person.name, post=other.post, status=status.label)))
            continue
        try:
            transition(session, other.id, S.DISQUALIFIED, actor, reason=text, origin=Origin.QUALIFICATION)
        except ValidationError as exc:
            left.append((other.id, exc.message))
            continue
        moved.append(other.id)
    return DisqualifyOutcome(tuple(moved), tuple(left))


@requires(Permission.REVIEW)
def settle_qualification(session: Session, actor: Actor, candidacy_id: int, reason: str = "") -> S | None:
    """Apply the computed verdict to the status: 合格 (only after 县级联审通过), 劝退 or 取消资格.

    A 不能 verdict is the person's (findings belong to the person within the cycle): every candidacy of the person in
    the cycle is moved to 取消资格. Returns the new status of this candidacy, or None when the verdict is still open
    (nothing changes).
    """
    cand = _candidacy(session, candidacy_id)
    verdict = compute_verdict(session, cand.id)
    if verdict.outcome is VerdictOutcome.UNDECIDED:
        return None
    if verdict.outcome is VerdictOutcome.DISQUALIFIED:
        outcome = apply_disqualifying_verdict(session, actor, cand.id, reason)
        if cand.id not in outcome.moved and S(cand.status) is not S.DISQUALIFIED:
            raise ValidationError("；".join(msg for cid, msg in outcome.left if cid == cand.id)
                                  or tr("{name}未能改为取消资格").format(name=cand.person.name))
        return S.DISQUALIFIED
    if verdict.outcome is VerdictOutcome.QUALIFIED:
        if S(cand.status) is not S.COUNTY_REVIEWED:
            raise ValidationError(
                tr("{name}尚未通过县级联审（当前：{status}），不能确定为资格合格").format(
                    name=cand.person.name, status=S(cand.status).label
                )
            )
        target = S.QUALIFIED
    else:
        target = S.ADVISED_WITHDRAW
    transition(session, cand.id, target, actor, reason=reason or "；".join(verdict.reasons), origin=Origin.QUALIFICATION)
    return target
