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
from decimal import Decimal
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from villagevote.errors import ValidationError
from villagevote.evaluation import engine
from villagevote.evaluation.office import holders, term_end
from villagevote.evaluation.resignation import evaluate_triggers, pledged_triggers
from villagevote.evaluation.sessions import engine_input
from villagevote.evaluation.term_verdicts import RateRow, judge_items, person_items, year_scores
from villagevote.evaluation.thresholds import meeting_name, merge
from villagevote.evaluation.verdicts import cn_date, fulfilment_rate, rate_percent
from villagevote.i18n import tr
from villagevote.lookup import get_row
from villagevote.models import Candidacy, ElectionCycle, Organization, Person, Pledge, Village
from villagevote.models.enums import (
    AttachmentKind,
    CandidacyStatus,
    CommitmentSource,
    CommitmentStatus,
    ConsequenceState,
    EvaluationKind,
    ExemptionCategory,
    FlagKind,
    InspectionKind,
    MeetingKind,
    PledgeKind,
    PledgeStatus,
    ResignationOutcome,
)
from villagevote.models.evaluation import EvaluationCount, EvaluationSession
from villagevote.models.tracking import (
    AssessedRole,
    Attachment,
    Commitment,
    Exemption,
    Flag,
    Inspection,
    InspectionFinding,
    ProgressReport,
)
from villagevote.names import stroke_key
from villagevote.tracking.queries import post_title

__all__ = [
    "TRIGGER_LABELS",
    "CadreRow",
    "CountRow",
    "Dossier",
    "DossierItem",
    "ExemptionRow",
    "GradeRow",
    "PledgeBrief",
    "ProposalRow",
    "SessionDetail",
    "SessionSummary",
    "SummaryRow",
    "TriggerNotice",
    "annual_summary",
    "cadres_in_office",
    "dossier",
    "plain_why",
    "proposals",
    "session_detail",
    "sessions_of",
    "trigger_label",
    "trigger_notice",
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
        FlagKind(flag.kind).label, flag.rule, plain_why(flag.why), flag.year, flag.source_type, flag.source_id,
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


# ---------------------------------------------------------------------------------------------------------------
# 任期践诺档案 (a cadre's dossier)
# ---------------------------------------------------------------------------------------------------------------

TRIGGER_LABELS: dict[str, str] = {
    "missed_meetings": "无正当理由累计缺席会议",
    "long_absence": "连续离村6个月以上",
    "assigned_tasks": "交办任务未完成造成不良影响",
    "annual_evaluation": "年度评议不合格",
    "term_goals": "任期目标承诺未兑现",
}


def trigger_label(code: str) -> str:
    return tr(TRIGGER_LABELS[code]) if code in TRIGGER_LABELS else code


def plain_why(text: str) -> str:
    """A reason as staff read it: without a trigger's program code such as “（annual_evaluation）”."""
    for code in TRIGGER_LABELS:
        text = text.replace(f"（{code}）", "").replace(f"({code})", "")
    return text


@dataclass(frozen=True)
class PledgeBrief:
    kind_label: str
    status_label: str
    signed_on: dt.date | None
    title: str


@dataclass(frozen=True)
class DossierItem:
    commitment_id: int
    ledger_no: str
    title: str
    source_label: str
    target: str
    weight: Decimal
    deadline: dt.date | None
    deadline_current: dt.date | None
    status_label: str
    percent: int
    verdict: str | None          # code (kept, partly_kept, broken, excused, withdrawn) or None: not due
    verdict_label: str
    verdict_why: str
    stored_verdict_on: dt.date | None   # when a reviewer's run stored it (judge)
    evidence: list[str]          # 照片 村东河清淤.jpg（2027年5月3日）, 月查 2027-05 …
    evidence_missing: bool


@dataclass(frozen=True)
class GradeRow:
    year: int
    kind_label: str
    meeting_label: str
    grade: str
    percent: dict[str, str]
    session_id: int


@dataclass(frozen=True)
class ExemptionRow:
    id: int
    subject: str                 # the item, the consequence, or 本人 2028 年度
    category_label: str
    reason: str
    decision_no: str
    decided_on: dt.date
    revoked_on: dt.date | None


@dataclass(frozen=True)
class Dossier:
    person_id: int
    name: str
    village: str
    posts: list[str]
    cycle_name: str
    term_from: dt.date
    term_to: dt.date
    as_of: dt.date
    pledges: list[PledgeBrief]
    items: list[DossierItem]
    rate: RateRow
    grades: list[GradeRow]
    consequences: list[ProposalRow]
    exemptions: list[ExemptionRow]


def _evidence_texts(session: Session, commitment_ids: list[int]) -> dict[int, list[str]]:
    out: dict[int, list[str]] = {cid: [] for cid in commitment_ids}
    if not commitment_ids:
        return out
    report_owner = dict(session.execute(select(ProgressReport.id, ProgressReport.commitment_id).where(
        ProgressReport.commitment_id.in_(commitment_ids))).tuples().all())
    rows = session.scalars(select(Attachment).where(or_(
        (Attachment.owner_type == "commitment") & Attachment.owner_id.in_(commitment_ids),
        (Attachment.owner_type == "progress_report") & Attachment.owner_id.in_(list(report_owner) or [-1])))
        .order_by(Attachment.id))
    for a in rows:
        cid = a.owner_id if a.owner_type == "commitment" else report_owner.get(a.owner_id)
        if cid is None:
            continue
        text = tr("{kind} {name}").format(kind=AttachmentKind(a.kind).label, name=a.caption or a.file_name)
        if a.taken_on:
            text += tr("（{d}）").format(d=cn_date(a.taken_on))
        out[cid].append(text)
    for f, kind, held_on in session.execute(
            select(InspectionFinding, Inspection.kind, Inspection.held_on)
            .join(Inspection, Inspection.id == InspectionFinding.inspection_id)
            .where(InspectionFinding.commitment_id.in_(commitment_ids)).order_by(Inspection.held_on)).tuples():
        if f.commitment_id is not None:
            out[f.commitment_id].append(tr("{kind}（{d}）：{text}").format(
                kind=InspectionKind(kind).label, d=cn_date(held_on), text=f.text))
    return out


def dossier(session: Session, cycle_id: int, person_id: int, *, as_of: dt.date | None = None) -> Dossier:
    """The cadre's 任期践诺档案 for the cycle: pledges, items with their verdicts at ``as_of`` (default: today, or the
    end of the term once it is over) and the evidence they cite, the yearly grades, the consequences, the
    exemptions."""
    cycle = get_row(session, ElectionCycle, cycle_id, tr("找不到换届届次（编号 {id}）"))
    person = get_row(session, Person, person_id, tr("找不到人员（编号 {id}）"))
    end = term_end(cycle) - dt.timedelta(days=1)
    day = min(as_of or dt.date.today(), end)
    cands, roles = person_items(session, cycle_id, person_id)
    posts = [post_title(p, kind) for p, kind in session.execute(
        select(Candidacy.post, Organization.kind).join(Organization, Organization.id == Candidacy.organization_id)
        .where(Candidacy.id.in_(cands or [-1]), Candidacy.status == CandidacyStatus.ELECTED).order_by(Candidacy.id))]
    posts += [t for (t,) in session.execute(select(AssessedRole.title).where(
        AssessedRole.id.in_(roles or [-1]), AssessedRole.candidacy_id.is_(None)).order_by(AssessedRole.id))]
    village = session.get(Village, person.village_id) if person.village_id else None
    pledges = [PledgeBrief(PledgeKind(p.kind).label, PledgeStatus(p.status).label, p.signed_on, p.rendered_title)
               for p in session.scalars(select(Pledge).where(Pledge.candidacy_id.in_(cands or [-1]))
                                        .order_by(Pledge.candidacy_id, Pledge.kind))]
    commitments = list(session.scalars(select(Commitment).where(
        Commitment.cycle_id == cycle_id, Commitment.parent_id.is_(None),
        or_(Commitment.candidacy_id.in_(cands or [-1]), Commitment.assessed_role_id.in_(roles or [-1])))
        .order_by(Commitment.ledger_no, Commitment.id)))
    ids = [c.id for c in commitments]
    judged = {j.commitment_id: j for j in judge_items(session, cycle_id, as_of=day, ids=ids,
                                                      final=day >= end)} if ids else {}
    evidence = _evidence_texts(session, ids)
    items = []
    for c in commitments:
        j = judged[c.id]
        items.append(DossierItem(
            c.id, c.ledger_no or "", c.title, CommitmentSource(c.source).label, c.target, Decimal(c.weight or 1),
            c.deadline, c.deadline_current, CommitmentStatus(c.status).label, c.percent_done, j.verdict.verdict,
            j.label, j.verdict.why, c.verdict_on, evidence.get(c.id, []), j.verdict.evidence_missing))
    rate_rows = [{"verdict": j.verdict.verdict, "weight": j.weight} for j in judged.values()]
    rate = fulfilment_rate(rate_rows)
    grades = [GradeRow(year, EvaluationKind(kind).label, MeetingKind(meeting).label, grade or tr("未确认"),
                       dict(percent or {}), sid)
              for year, kind, meeting, grade, percent, sid in session.execute(
                  select(EvaluationSession.year, EvaluationSession.kind, EvaluationSession.meeting,
                         EvaluationCount.grade, EvaluationCount.percent, EvaluationSession.id)
                  .join(EvaluationCount, EvaluationCount.session_id == EvaluationSession.id)
                  .where(EvaluationCount.person_id == person_id, EvaluationSession.cycle_id == cycle_id)
                  .order_by(EvaluationSession.year, EvaluationSession.kind, EvaluationSession.id)).tuples()]
    flags = proposals(session, cycle_id, person_id=person_id)
    flag_ids = [f.id for f in flags]
    ex_rows = session.scalars(select(Exemption).where(or_(
        Exemption.person_id == person_id, Exemption.assessed_role_id.in_(roles or [-1]),
        Exemption.commitment_id.in_(ids or [-1]), Exemption.flag_id.in_(flag_ids or [-1])))
        .order_by(Exemption.decided_on, Exemption.id))
    titles = {c.id: c.ledger_no or c.title for c in commitments}
    exempt = []
    for e in ex_rows:
        if e.commitment_id is not None:
            subject = tr("事项 {t}").format(t=titles.get(e.commitment_id, e.commitment_id))
        elif e.flag_id is not None:
            subject = tr("处理（编号 {id}）").format(id=e.flag_id)
        else:
            subject = tr("本人 {y} 年度").format(y=e.year) if e.year else tr("本人")
        exempt.append(ExemptionRow(e.id, subject, ExemptionCategory(e.category).label, e.reason, e.decision_no,
                                   e.decided_on, e.revoked_on))
    verdicts = [j.verdict.verdict for j in judged.values()]
    rate_row = RateRow(person_id, person.name, village.name if village else "",
                       sum(1 for v in verdicts if v in ("kept", "partly_kept", "broken")), verdicts.count("kept"),
                       verdicts.count("partly_kept"), verdicts.count("broken"), verdicts.count("excused"),
                       verdicts.count("withdrawn"), rate, rate_percent(rate))
    return Dossier(person_id, person.name, village.name if village else "", posts, cycle.name,
                   cycle.election_day, end, day, pledges, items, rate_row, grades, flags, exempt)


# ---------------------------------------------------------------------------------------------------------------
# 年度述职评议汇总
# ---------------------------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class SummaryRow:
    village_id: int | None
    village: str
    person_id: int
    name: str
    post: str
    people_grade: str            # 民评 (村述民评), "" when none confirmed
    township_grade: str          # 镇评 (村述镇评)
    rate_text: str               # 践诺率 at the end of the year, "66.7" or "—"
    score: Decimal | None        # 综合分
    score_why: str
    grade: str                   # 等次: the 民评 grade, else the 镇评 grade
    triggers: list[str]          # 触发情形 (labels; “（已免责）” when neutralised)
    opinion: str                 # 乡镇党委意见: the consequences confirmed or waived for the year, with numbers


def annual_summary(session: Session, cycle_id: int, year: int, *, village_id: int | None = None) -> list[SummaryRow]:
    """One row per cadre in office in ``year`` (by village code, surname strokes): 村, 姓名, 职务, 民评, 镇评, 践诺率,
    综合分, 等次, 触发情形, 乡镇党委意见. Grades from the CONFIRMED sessions of the year (the worse one when a kind was
    held twice); 践诺率 over the cadre's items judged at the year's end; the composite score of A4 with the weights
    of the thresholds setting."""
    cycle = get_row(session, ElectionCycle, cycle_id, tr("找不到换届届次（编号 {id}）"))
    as_of = min(dt.date(year, 12, 31), term_end(cycle) - dt.timedelta(days=1))
    fired: dict[int, list[str]] = {}
    for p in evaluate_triggers(session, cycle_id=cycle_id, as_of=as_of):
        labels = [trigger_label(f.code) for f in p.fired]
        labels += [tr("{t}（已免责）").format(t=trigger_label(f.code)) for f in p.results if f.neutralised]
        fired[p.person_id] = labels
    villages = {v.id: (v.code, v.name) for v in session.scalars(select(Village))}
    rows = []
    for score in year_scores(session, cycle_id, year, village_id=village_id):
        h = score.holder
        opinions = []
        for f in proposals(session, cycle_id, person_id=h.person_id, year=year):
            if f.year != year or f.state is ConsequenceState.PROPOSED:
                continue
            if f.state is ConsequenceState.WAIVED:
                opinions.append(tr("{k}免责（{no}）").format(k=f.kind_label, no=f.decision_no))
            else:
                opinions.append(tr("{k}（{no}）").format(k=f.kind_label, no=f.decision_no))
        vid = h.village_id
        # township-level cadres (a 乡级总河长 …) are listed as 全镇, after the villages, as the ledger does
        place = villages[vid][1] if vid is not None and vid in villages else tr("全镇")
        rows.append(SummaryRow(vid, place, h.person_id, h.name, h.post,
                               score.people_grade, score.township_grade, score.rate.rate_text,
                               score.composite.score, score.composite.why,
                               score.people_grade or score.township_grade, fired.get(h.person_id, []),
                               "；".join(opinions)))
    rows.sort(key=lambda r: (r.village_id not in villages, villages.get(r.village_id or 0, ("", ""))[0],
                             stroke_key(r.name)))
    return rows


# ---------------------------------------------------------------------------------------------------------------
# 辞职承诺触发告知书
# ---------------------------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class TriggerNotice:
    flag_id: int
    person_id: int | None
    name: str
    village: str
    post: str
    cycle_name: str
    code: str                  # the trigger code (Flag.rule)
    pledged_text: str          # the clause of the signed 辞职承诺 (or the trigger's label when none was signed)
    pledge_signed_on: dt.date | None
    why: str                   # the facts, quoting the threshold and the records
    raised_on: dt.date
    state: ConsequenceState
    state_label: str
    decision_no: str
    decided_on: dt.date | None
    outcome_label: str
    outcome_on: dt.date | None


def trigger_notice(session: Session, flag_id: int) -> TriggerNotice:
    """What the 辞职承诺触发告知书 prints for one trigger proposal: who, the clause of the pledge the person signed,
    the facts, the decision (once confirmed) and the outcome."""
    flag = get_row(session, Flag, flag_id, tr("找不到处理建议（编号 {id}）"))
    if FlagKind(flag.kind) is not FlagKind.RESIGNATION_TRIGGER:
        raise ValidationError(tr("编号 {id} 的处理是“{kind}”，不是辞职承诺情形").format(
            id=flag.id, kind=FlagKind(flag.kind).label))
    person = session.get(Person, flag.person_id) if flag.person_id is not None else None
    cycle = session.get(ElectionCycle, flag.cycle_id) if flag.cycle_id is not None else None
    village = session.get(Village, flag.village_id) if flag.village_id is not None else None
    post = ""
    if flag.candidacy_id is not None:
        cand = session.get(Candidacy, flag.candidacy_id)
        post = cand.post if cand else ""
    elif flag.assessed_role_id is not None:
        role = session.get(AssessedRole, flag.assessed_role_id)
        post = role.title if role else ""
    pledged = pledged_triggers(session, flag.cycle_id, flag.person_id) if (
        flag.cycle_id is not None and flag.person_id is not None) else None
    text = pledged.get(flag.rule, ("", {}))[0] if pledged else ""
    signed_on = None
    if flag.person_id is not None and flag.cycle_id is not None:
        signed_on = session.scalar(select(Pledge.signed_on).join(Candidacy, Candidacy.id == Pledge.candidacy_id).where(
            Candidacy.cycle_id == flag.cycle_id, Candidacy.person_id == flag.person_id,
            Pledge.kind == PledgeKind.RESIGNATION, Pledge.signed_on.is_not(None)).order_by(Pledge.signed_on))
    outcome = ResignationOutcome(flag.outcome) if flag.outcome is not None else None
    return TriggerNotice(flag.id, flag.person_id, person.name if person else "", village.name if village else "",
                         post, cycle.name if cycle else "", flag.rule, text or trigger_label(flag.rule), signed_on,
                         plain_why(flag.why), flag.raised_on, ConsequenceState(flag.state),
                         ConsequenceState(flag.state).label, flag.decision_no, flag.decided_on,
                         outcome.label if outcome else "", flag.outcome_on)
