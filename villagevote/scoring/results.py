"""Results of a scheme from the sheets that count, the recusals, the adjustments and the recorded tie decisions;
recording a tie decision; writing the outcome to the candidacies."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from villagevote import audit
from villagevote.audit import Actor
from villagevote.auth import Permission, requires
from villagevote.candidates.status import can_transition, transition
from villagevote.errors import ValidationError
from villagevote.i18n import tr
from villagevote.lookup import get_row
from villagevote.models import Candidacy, ElectionCycle, Township
from villagevote.models.base import utcnow
from villagevote.models.enums import CandidacyStatus
from villagevote.models.scoring import (
    Rater,
    Recusal,
    ScoreDecision,
    ScoreScheme,
    ScoreTieDecision,
)
from villagevote.names import stroke_key
from villagevote.scoring import records
from villagevote.scoring.adjustments import list_adjustments
from villagevote.scoring.engine import compute_results
from villagevote.scoring.rows import (
    OutcomeSummary,
    RawAdjustment,
    RawScore,
    RecordedOutcome,
    SchemeResults,
)
from villagevote.scoring.scheme import (
    scheme_from_dict,
)
from villagevote.scoring.store import (
    EXCLUDED_STATUSES,
    MAX_LISTED_PROBLEMS,
    criterion_codes,
    list_participants,
    open_scheme,
    rater_groups,
    scheme_row,
    sheet_of,
    sheet_values,
    state_of,
)

# -- results -----------------------------------------------------------------------------------------------------------

def place_text(session: Session, row: ScoreScheme) -> str:
    parts = []
    town = session.scalar(select(Township).limit(1))
    if town is not None:
        parts.append(town.name)
    if row.cycle_id is not None:
        cycle = session.get(ElectionCycle, row.cycle_id)
        if cycle is not None:
            parts.append(cycle.name)
    return " ".join(parts)


def scheme_place(session: Session, scheme_id: int) -> str:
    """The township and cycle a scheme belongs to, for the heading of its prints."""
    return place_text(session, scheme_row(session, scheme_id))


def compute(session: Session, scheme_id: int) -> SchemeResults:
    """Results from the sheets that count, the recusals, the adjustments and the recorded tie decisions."""
    row = scheme_row(session, scheme_id)
    scheme = scheme_from_dict(row.definition)
    everyone = list_participants(session, scheme_id)
    excluded = [p for p in everyone if p.status in EXCLUDED_STATUSES]
    participants = [p for p in everyone if p.status not in EXCLUDED_STATUSES]
    cands = [records.Candidate(p.candidacy_id, p.name, p.post_key) for p in participants]
    names = {p.candidacy_id: p.name for p in participants}
    groups = rater_groups(session, scheme_id)
    codes = criterion_codes(session, scheme_id)
    crit_names = {c.code: c.name for c in scheme.criteria}
    raters: list[records.Rater] = []
    sheets: dict[int, dict[tuple[int, str], Decimal | None]] = {}
    recusals: list[records.Recusal] = []
    raw: list[RawScore] = []
    states = []
    for r in session.scalars(select(Rater).where(Rater.scheme_id == scheme_id).order_by(Rater.id)):
        g = groups.get(r.group_id) if r.group_id is not None else None
        if g is None:
            continue
        raters.append(records.Rater(r.id, r.name, g.code))
        state = state_of(session, r, row.double_entry)
        states.append(state)
        s1 = sheet_of(session, r.id, 1)
        values = sheet_values(session, s1, codes)
        if state.counts:
            sheets[r.id] = {k: v for k, v in values.items() if k[0] in names}
        status = tr("已计入") if state.counts else state.text
        for (cid, code), v in sorted(values.items(), key=lambda kv: (stroke_key(names.get(kv[0][0], "")), kv[0][1])):
            if cid in names:
                raw.append(RawScore(rater=r.name, group=g.name, candidate=names[cid], criterion=crit_names.get(code, code),
                                    value=v, status=status))
        for rec in session.scalars(select(Recusal).where(Recusal.rater_id == r.id)):
            recusals.append(records.Recusal(r.id, rec.candidacy_id, rec.reason))
            if rec.candidacy_id in names:
                raw.append(RawScore(rater=r.name, group=g.name, candidate=names[rec.candidacy_id], criterion="",
                                    value=None, status=tr("回避：{why}").format(why=rec.reason)))
    adjustments = []
    raw_adj: list[RawAdjustment] = []
    for a in list_adjustments(session, scheme_id):
        if a.candidacy_id not in names:
            continue
        adjustments.append(records.Adjustment(a.candidacy_id, a.item_code, a.points, a.note))
        raw_adj.append(RawAdjustment(candidate=a.candidate, kind=tr("加分") if a.kind == "bonus" else tr("扣分"),
                                     item=a.item_name, points=a.points, note=a.note))
    decisions = [records.TieDecision(post=d.post_key, order=tuple(d.ranking), reason=d.reason, decided_by=d.decided_by,
                                    decided_on=d.decided_on)
                 for d in session.scalars(select(ScoreTieDecision).where(ScoreTieDecision.scheme_id == scheme_id)
                                          .order_by(ScoreTieDecision.id))]
    labels = {p.post_key: p.post_label for p in participants}
    results = compute_results(scheme, cands, raters, sheets, recusals, adjustments, decisions,
                                     post_labels=labels)
    if excluded:
        note = tr("以下人选已退出或被取消资格，不参加排名：{names}").format(
            names="、".join(f"{p.name}（{p.post_label}，{p.status.label}）" for p in excluded))
        results.notes.insert(0, note)
        results.public_notes.insert(0, note)
    return SchemeResults(scheme_id=scheme_id, scheme_label=tr("{name}（第{v}版）").format(name=row.name, v=row.version),
                         results=results, post_labels=labels, participants=participants, raw_scores=raw,
                         raw_adjustments=raw_adj, place=place_text(session, row),
                         outcome_applied=row.outcome_applied_at is not None, sheet_states=states)


@requires(Permission.REVIEW)
def record_tie_decision(session: Session, actor: Actor, scheme_id: int, post: str, ranking: list[int], reason: str,
                        decided_on: dt.date | None = None) -> int:
    """Record how candidates still tied across a cut-off are ordered (best first), with the reason."""
    open_scheme(session, scheme_id)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(tr("请写明并列的处理依据（如 乡镇党委会议研究决定、重新评议结果）"), field="reason")
    current = compute(session, scheme_id)
    match = next((t for t in current.results.open_ties
                  if t.post == post and set(t.open_ids) == set(ranking) and len(ranking) == len(t.open_ids)), None)
    if match is None:
        raise ValidationError(tr("这些人选目前不是“并列待决定”，无需记录决定（请刷新结果后再试）"))
    dec = ScoreTieDecision(scheme_id=scheme_id, post_key=post, ranking=list(ranking), reason=reason,
                           decided_by=actor.display_name or actor.username, decided_on=decided_on or dt.date.today())
    return audit.add_recorded(session, actor, "create", "score_tie_decision", dec)



@requires(Permission.EDIT)
def apply_outcome(session: Session, actor: Actor, scheme_id: int) -> OutcomeSummary:
    """Write the outcome: candidates over the cut-off become 初步人选, the others get the reason recorded.

    Refused (nothing written) while any result is incomplete, pending or tied across a cut-off, or when a passing
    candidate's status cannot move to 初步人选. Afterwards scores, raters and adjustments are locked.
    """
    row = open_scheme(session, scheme_id)
    res = compute(session, scheme_id)
    if not res.participants:
        raise ValidationError(tr("本次比选还没有人选"))
    blocked = [f"{r.candidate.name}：{records.outcome_label(r.outcome)}（{r.outcome_reason}）"
               for r in res.results.candidates if r.outcome not in (records.OUTCOME_PASS, records.OUTCOME_FAIL)]
    if blocked:
        raise ValidationError(tr("以下人选的结果尚未确定，不能确定比选结果：\n") + "\n".join(blocked[:MAX_LISTED_PROBLEMS]))
    status_problems = []
    for r in res.results.candidates:
        cand = get_row(session, Candidacy, r.candidate.id, tr("找不到候选人登记（编号 {id}）"))
        if r.outcome == records.OUTCOME_PASS and cand.status != CandidacyStatus.PRELIMINARY \
                and not can_transition(CandidacyStatus(cand.status), CandidacyStatus.PRELIMINARY):
            status_problems.append(tr("{name}当前状态为「{s}」，不能改为「初步人选」").format(
                name=r.candidate.name, s=CandidacyStatus(cand.status).label))
    if status_problems:
        raise ValidationError(tr("比选结果未写入：\n") + "\n".join(status_problems))
    passed, not_passed = [], []
    who = actor.display_name or actor.username
    for r in res.results.candidates:
        total = format(r.total, "f") if r.total is not None else ""
        if r.outcome == records.OUTCOME_PASS:
            reason = tr("实绩比选入围：总分 {t}，{why}").format(t=total, why=r.outcome_reason)
            if get_row(session, Candidacy, r.candidate.id, "").status != CandidacyStatus.PRELIMINARY:
                transition(session, r.candidate.id, CandidacyStatus.PRELIMINARY, actor, reason=reason)
            passed.append(r.candidate.name)
        else:
            reason = tr("实绩比选未入围：{why}").format(why=r.outcome_reason)
            not_passed.append(r.candidate.name)
        session.add(ScoreDecision(scheme_id=scheme_id, candidacy_id=r.candidate.id, rank=r.rank, reason=reason,
                                  decided_by=who, outcome=r.outcome, total=total))
    row.outcome_applied_at = utcnow()
    row.outcome_applied_by = who
    session.flush()
    audit.record(session, actor, "apply_outcome", "score_scheme", scheme_id,
                 after={"passed": passed, "not_passed": not_passed})
    return OutcomeSummary(passed=passed, not_passed=not_passed)


def recorded_outcomes(session: Session, scheme_id: int) -> list[RecordedOutcome]:
    """The outcome written for each candidacy when the result was applied (rank, total, reason), in order."""
    return [RecordedOutcome(candidacy_id=d.candidacy_id, rank=d.rank, outcome=d.outcome, total=d.total,
                            reason=d.reason, decided_by=d.decided_by)
            for d in session.scalars(select(ScoreDecision).where(ScoreDecision.scheme_id == scheme_id)
                                     .order_by(ScoreDecision.id))]
