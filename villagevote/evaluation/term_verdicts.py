"""Verdicts per commitment (tracking.md A6, issue 18 item 5) in the database: yearly for the annual items (those with
a ``year``), and at the end of the term for every item; the 践诺率 per cadre, village and township; the composite
score of A4. The rules are the pure :mod:`villagevote.evaluation.verdicts` — this module only reads the facts of each
item (status, deadlines, 销号 date, metric values, exemption, withdrawal, evidence) and stores the answers.

Evidence: a verdict cites the item's attachments (of the item and of its progress reports) and the inspections that
found something about it; excused and withdrawn items cite the approving decision. A verdict without evidence is
stored marked “缺佐证” (and listed in the run's ``missing``), never silently.

Only top-level items count (a 一点一策 parent carries its children's roll-up). Items of an organization (team
pledges) count for the village and township, not for a cadre.
"""
from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction
from typing import Any

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from villagevote import audit
from villagevote.audit import Actor
from villagevote.auth import Permission, requires
from villagevote.errors import ValidationError
from villagevote.evaluation.office import Holder, holders, term_end, term_years
from villagevote.evaluation.proposals import Target, propose
from villagevote.evaluation.thresholds import Thresholds, grade_name, merge
from villagevote.evaluation.verdicts import (
    Composite,
    ItemFacts,
    ItemVerdict,
    composite,
    decide_verdict,
    fulfilment_rate,
    rate_percent,
    verdict_label,
)
from villagevote.i18n import tr
from villagevote.lookup import get_row
from villagevote.models import Candidacy, ElectionCycle, Person, Setting, Village
from villagevote.models.enums import (
    CommitmentKind,
    CommitmentSource,
    CommitmentStatus,
    EvaluationKind,
    FlagKind,
    Verdict,
)
from villagevote.models.evaluation import EvaluationCount, EvaluationSession
from villagevote.models.tracking import (
    AssessedRole,
    Attachment,
    Commitment,
    Exemption,
    InspectionFinding,
    ProgressReport,
)
from villagevote.names import stroke_key

__all__ = [
    "ItemJudgement",
    "RateRow",
    "Rates",
    "VerdictRun",
    "YearScore",
    "composite_of",
    "evidence_count",
    "fulfilment_rates",
    "item_facts",
    "judge",
    "judge_items",
    "person_items",
    "person_rate",
    "propose_composite",
    "thresholds_of",
    "year_scores",
]

MISSING_EVIDENCE = "缺佐证"


def thresholds_of(session: Session) -> Thresholds:
    """The township's thresholds (setting ``evaluation.thresholds`` over the defaults); a bad setting is refused."""
    row = session.get(Setting, "evaluation.thresholds")
    value = row.value if row is not None else None
    try:
        return merge(value if isinstance(value, Mapping) else None)
    except ValueError as exc:
        raise ValidationError(tr("评议阈值设置有误：{e}").format(e=exc)) from None


def evidence_count(session: Session, commitment_ids: list[int]) -> dict[int, int]:
    """Attachments of each item and of its progress reports, plus the inspection findings about it."""
    out: dict[int, int] = defaultdict(int)
    if not commitment_ids:
        return out
    for cid, n in session.execute(select(Attachment.owner_id, func.count()).where(
            Attachment.owner_type == "commitment", Attachment.owner_id.in_(commitment_ids))
            .group_by(Attachment.owner_id)).tuples():
        out[cid] += n
    for cid, n in session.execute(
            select(ProgressReport.commitment_id, func.count())
            .join(Attachment, (Attachment.owner_type == "progress_report") & (Attachment.owner_id == ProgressReport.id))
            .where(ProgressReport.commitment_id.in_(commitment_ids)).group_by(ProgressReport.commitment_id)).tuples():
        out[cid] += n
    for fid, n in session.execute(select(InspectionFinding.commitment_id, func.count()).where(
            InspectionFinding.commitment_id.in_(commitment_ids)).group_by(InspectionFinding.commitment_id)).tuples():
        if fid is not None:
            out[fid] += n
    return out


def _exemptions(session: Session, commitment_ids: list[int]) -> dict[int, Exemption]:
    if not commitment_ids:
        return {}
    return {e.commitment_id: e for e in session.scalars(select(Exemption).where(
        Exemption.commitment_id.in_(commitment_ids), Exemption.revoked_on.is_(None)).order_by(Exemption.id))
        if e.commitment_id is not None}


def item_facts(c: Commitment, evidence: int, exemption: Exemption | None) -> ItemFacts:
    status = CommitmentStatus(c.status)
    withdrawn = status is CommitmentStatus.WITHDRAWN
    decision = exemption.decision_no if exemption is not None else ""
    if withdrawn and not decision:
        decision = c.verdict_evidence or ""
    return ItemFacts(
        status=status.value, deadline=c.deadline,
        deadline_current=c.deadline_current if c.deadline_current != c.deadline else None,
        closed_on=c.closed_on, kind=CommitmentKind(c.kind).value, baseline=c.metric_baseline,
        target=c.metric_target, current=c.metric_current,
        exempted=exemption is not None or status is CommitmentStatus.EXCUSED, withdrawn=withdrawn,
        evidence_count=evidence, decision_no=decision)


@dataclass(frozen=True)
class ItemJudgement:
    commitment_id: int
    ledger_no: str
    title: str
    village_id: int | None
    candidacy_id: int | None
    assessed_role_id: int | None
    organization_id: int | None
    special: bool              # a 剿劣 item (source 专项任务)
    weight: Decimal
    year: int | None
    verdict: ItemVerdict
    evidence: int

    @property
    def label(self) -> str:
        return verdict_label(self.verdict.verdict)


def _as_of(cycle: ElectionCycle, year: int | None, as_of: dt.date | None) -> tuple[dt.date, bool]:
    end = term_end(cycle) - dt.timedelta(days=1)
    if year is not None:
        # the year is over: each annual item of it gets its verdict, as every item does at the end of the term
        return as_of or dt.date(year, 12, 31), True
    day = as_of or end
    return day, day >= end


def _items(session: Session, cycle_id: int, *, year: int | None, village_id: int | None = None,
           ids: list[int] | None = None) -> list[Commitment]:
    stmt = select(Commitment).where(Commitment.cycle_id == cycle_id, Commitment.parent_id.is_(None))
    if year is not None:
        stmt = stmt.where(Commitment.year == year)
    if village_id is not None:
        stmt = stmt.where(Commitment.village_id == village_id)
    if ids is not None:
        stmt = stmt.where(Commitment.id.in_(ids))
    return list(session.scalars(stmt.order_by(Commitment.ledger_no, Commitment.id)))


def judge_items(session: Session, cycle_id: int, *, year: int | None = None, as_of: dt.date | None = None,
                village_id: int | None = None, ids: list[int] | None = None,
                final: bool | None = None) -> list[ItemJudgement]:
    """The verdict of each top-level item (read only): ``year`` judges that year's annual items at its end;
    without it every item is judged at ``as_of`` (default: the last day of the term, which is ``final``)."""
    cycle = get_row(session, ElectionCycle, cycle_id, tr("找不到换届届次（编号 {id}）"))
    day, is_final = _as_of(cycle, year, as_of)
    if final is not None:
        is_final = final
    items = _items(session, cycle_id, year=year, village_id=village_id, ids=ids)
    ids_ = [c.id for c in items]
    evidence = evidence_count(session, ids_)
    exemptions = _exemptions(session, ids_)
    th = thresholds_of(session)
    out = []
    for c in items:
        facts = item_facts(c, evidence.get(c.id, 0), exemptions.get(c.id))
        v = decide_verdict(facts, day, final=is_final, thresholds=th, year=year)
        out.append(ItemJudgement(c.id, c.ledger_no or "", c.title, c.village_id, c.candidacy_id, c.assessed_role_id,
                                 c.organization_id, CommitmentSource(c.source) is CommitmentSource.SPECIAL,
                                 Decimal(c.weight if c.weight is not None else 1), c.year, v,
                                 evidence.get(c.id, 0)))
    return out


@dataclass(frozen=True)
class VerdictRun:
    judged: list[ItemJudgement]
    missing: list[ItemJudgement] = field(default_factory=list)   # stored marked 缺佐证
    not_due: int = 0


@requires(Permission.REVIEW, note=tr("按兑现认定规则逐项认定；缺少佐证的标明“缺佐证”"))
def judge(session: Session, actor: Actor, *, cycle_id: int, year: int | None = None, as_of: dt.date | None = None,
          village_id: int | None = None, today: dt.date | None = None) -> VerdictRun:
    """Store the verdicts of a year's annual items (``year``) or of the whole term (``year`` None, at ``as_of`` or
    the end of the term) on the items: verdict, date and its reasons with the evidence it cites (or 缺佐证). Judging
    again restates them. Refused before the year or the term is over (counted from ``today``)."""
    today = today or dt.date.today()
    cycle = get_row(session, ElectionCycle, cycle_id, tr("找不到换届届次（编号 {id}）"))
    day, _final = _as_of(cycle, year, as_of)
    if day > today:
        what = tr("{y} 年度").format(y=year) if year is not None else tr("本届任期")
        raise ValidationError(tr("{what}至 {d} 才结束，现在不能作兑现认定").format(what=what, d=day.isoformat()))
    judged = judge_items(session, cycle_id, year=year, as_of=day, village_id=village_id)
    rows = {c.id: c for c in session.scalars(select(Commitment).where(
        Commitment.id.in_([j.commitment_id for j in judged])))} if judged else {}
    missing: list[ItemJudgement] = []
    not_due = 0
    for j in judged:
        if j.verdict.verdict is None:
            not_due += 1
            continue
        c = rows[j.commitment_id]
        if j.verdict.evidence_missing:
            cites = MISSING_EVIDENCE
        elif j.verdict.verdict in ("excused", "withdrawn"):
            cites = tr("依据批准文件")
        else:
            cites = tr("佐证 {n} 件").format(n=j.evidence)
        text = tr("{why}（{cites}）").format(why=j.verdict.why, cites=cites)
        if j.verdict.evidence_missing:
            missing.append(j)
        new = (Verdict(j.verdict.verdict), day, text)
        if (c.verdict, c.verdict_on, c.verdict_evidence) == new:
            continue
        before = audit.snapshot(c)
        c.verdict, c.verdict_on, c.verdict_evidence = new
        if year is None:
            c.final_verdict_note = text
        session.flush()
        audit.record(session, actor, "verdict", "commitment", c.id, before=before, after=audit.snapshot(c))
    return VerdictRun(judged, missing, not_due)


# ---------------------------------------------------------------------------------------------------------------
# 践诺率
# ---------------------------------------------------------------------------------------------------------------

def person_items(session: Session, cycle_id: int, person_id: int) -> tuple[list[int], list[int]]:
    """The person's candidacy ids and assessed-role ids in the cycle (the owners of his or her items)."""
    cands = list(session.scalars(select(Candidacy.id).where(Candidacy.cycle_id == cycle_id,
                                                            Candidacy.person_id == person_id)))
    roles = list(session.scalars(select(AssessedRole.id).where(AssessedRole.cycle_id == cycle_id,
                                                               AssessedRole.person_id == person_id)))
    return cands, roles


@dataclass(frozen=True)
class RateRow:
    key: int | None            # person id, village id, or None for the township
    name: str
    village: str
    counted: int               # items with a verdict that count (measurable, not excused or withdrawn)
    kept: int
    partly: int
    broken: int
    excused: int
    withdrawn: int
    rate: Fraction | None
    rate_text: str             # "66.7" or "—"


@dataclass(frozen=True)
class Rates:
    cadres: list[RateRow]
    villages: list[RateRow]
    township: RateRow


def _rate_row(key: int | None, name: str, village: str, judged: list[ItemJudgement]) -> RateRow:
    verdicts = [j.verdict.verdict for j in judged]
    rate = fulfilment_rate([{"verdict": j.verdict.verdict, "weight": j.weight} for j in judged])
    counted = sum(1 for v in verdicts if v in ("kept", "partly_kept", "broken"))
    return RateRow(key, name, village, counted, verdicts.count("kept"), verdicts.count("partly_kept"),
                   verdicts.count("broken"), verdicts.count("excused"), verdicts.count("withdrawn"), rate,
                   rate_percent(rate))


def fulfilment_rates(session: Session, cycle_id: int, year: int | None = None, *,
                     as_of: dt.date | None = None) -> Rates:
    """践诺率 per cadre (by village code, surname strokes), per village (code order) and for the township, from the
    verdicts of that year's annual items (``year``) or of every item at ``as_of`` (default: the end of the term)."""
    judged = judge_items(session, cycle_id, year=year, as_of=as_of)
    cand_person = dict(session.execute(select(Candidacy.id, Candidacy.person_id).where(
        Candidacy.cycle_id == cycle_id)).tuples().all())
    role_person = dict(session.execute(select(AssessedRole.id, AssessedRole.person_id).where(
        AssessedRole.cycle_id == cycle_id)).tuples().all())
    villages = {v.id: (v.code, v.name) for v in session.scalars(select(Village))}
    by_person: dict[int, list[ItemJudgement]] = defaultdict(list)
    person_village: dict[int, int | None] = {}
    by_village: dict[int | None, list[ItemJudgement]] = defaultdict(list)
    for j in judged:
        by_village[j.village_id].append(j)
        pid = cand_person.get(j.candidacy_id) if j.candidacy_id is not None else role_person.get(
            j.assessed_role_id) if j.assessed_role_id is not None else None
        if pid is not None:
            by_person[pid].append(j)
            person_village.setdefault(pid, j.village_id)
    names = dict(session.execute(select(Person.id, Person.name).where(Person.id.in_(list(by_person)))).tuples().all()
                 ) if by_person else {}

    def vname(vid: int | None) -> str:
        return villages.get(vid or 0, ("", ""))[1]

    cadres = [_rate_row(pid, names.get(pid, ""), vname(person_village[pid]), items)
              for pid, items in by_person.items()]
    cadres.sort(key=lambda r: (villages.get(person_village[r.key or 0] or 0, ("", ""))[0], stroke_key(r.name)))
    village_rows = [_rate_row(vid, vname(vid), vname(vid), items) for vid, items in by_village.items()
                    if vid is not None]
    village_rows.sort(key=lambda r: villages.get(r.key or 0, ("", ""))[0])
    return Rates(cadres, village_rows, _rate_row(None, tr("全镇"), "", judged))


def person_rate(session: Session, cycle_id: int, person_id: int, year: int | None = None,
                as_of: dt.date | None = None) -> RateRow:
    """One cadre's 践诺率 (his or her candidacies' and roles' items)."""
    cands, roles = person_items(session, cycle_id, person_id)
    ids = list(session.scalars(select(Commitment.id).where(Commitment.cycle_id == cycle_id, or_(
        Commitment.candidacy_id.in_(cands or [-1]), Commitment.assessed_role_id.in_(roles or [-1])))))
    judged = judge_items(session, cycle_id, year=year, as_of=as_of, ids=ids)
    person = session.get(Person, person_id)
    return _rate_row(person_id, person.name if person else "", "", judged)


def composite_of(session: Session, people_grade: str | None, township_grade: str | None,
                 rate: Fraction | None) -> Any:
    """The composite score of A4 (weights and grade points from the thresholds setting)."""
    return composite(people_grade or None, township_grade or None, rate, thresholds=thresholds_of(session))


# ---------------------------------------------------------------------------------------------------------------
# the year's composite score (A4) and its 班子调整 proposal
# ---------------------------------------------------------------------------------------------------------------

_ORDER = {"不称职": 0, "基本称职": 1, "称职": 2, "优秀": 3}


def _worse(a: str, b: str) -> str:
    if not a or not b:
        return a or b
    return a if _ORDER.get(grade_name(a) or "", 9) <= _ORDER.get(grade_name(b) or "", 9) else b


@dataclass(frozen=True)
class YearScore:
    holder: Holder
    people_grade: str          # 民评: the confirmed 村述民评 grade of the year ("" for none; the worse of two)
    township_grade: str        # 镇评: the confirmed 村述镇评 grade
    rate: RateRow              # 践诺率 of the cadre's items judged at the end of the year
    composite: Composite


def year_scores(session: Session, cycle_id: int, year: int, *, village_id: int | None = None) -> list[YearScore]:
    """Per cadre in office in ``year`` (surname strokes within the village order of :func:`holders`): the year's
    grades, 践诺率 and composite score (weights and grade points from the thresholds setting)."""
    cycle = get_row(session, ElectionCycle, cycle_id, tr("找不到换届届次（编号 {id}）"))
    as_of = min(dt.date(year, 12, 31), term_end(cycle) - dt.timedelta(days=1))
    grades: dict[tuple[int, EvaluationKind], str] = {}
    for pid, kind, grade in session.execute(
            select(EvaluationCount.person_id, EvaluationSession.kind, EvaluationCount.grade)
            .join(EvaluationSession, EvaluationSession.id == EvaluationCount.session_id)
            .where(EvaluationSession.cycle_id == cycle_id, EvaluationSession.year == year,
                   EvaluationSession.confirmed_at.is_not(None))).tuples():
        key = (pid, EvaluationKind(kind))
        grades[key] = _worse(grades.get(key, ""), grade)
    th = thresholds_of(session)
    out = []
    for h in holders(session, cycle_id, village_id, year):
        people = grades.get((h.person_id, EvaluationKind.PEOPLE), "")
        township = grades.get((h.person_id, EvaluationKind.TOWNSHIP), "")
        rate = person_rate(session, cycle_id, h.person_id, as_of=as_of)
        out.append(YearScore(h, people, township, rate,
                             composite(people or None, township or None, rate.rate, thresholds=th)))
    return out


@requires(Permission.REVIEW, note=tr("综合得分低于设定分数的，提出班子调整建议"))
def propose_composite(session: Session, actor: Actor, *, cycle_id: int, year: int,
                      today: dt.date | None = None) -> list[int]:
    """After the year: a composite score below ``composite_adjust_below`` (60) proposes 班子调整 (tracking.md A4);
    returns the proposals' ids. Refused before the year is over."""
    today = today or dt.date.today()
    cycle = get_row(session, ElectionCycle, cycle_id, tr("找不到换届届次（编号 {id}）"))
    if year not in term_years(cycle):
        raise ValidationError(tr("{y} 年不在本届任期内").format(y=year))
    if dt.date(year, 12, 31) > today:
        raise ValidationError(tr("{y} 年度尚未结束，不能计算综合得分").format(y=year))
    ids = []
    for score in year_scores(session, cycle_id, year):
        h = score.holder
        for p in score.composite.proposals:
            target = Target(cycle_id, h.person_id, h.candidacy_id, h.assessed_role_id, h.village_id)
            ids.append(propose(session, actor, target, kind=FlagKind(p["kind"]), rule=p["rule"],
                               why=tr("{y}年{why}（{detail}）").format(y=year, why=p["why"], detail=score.composite.why),
                               year=year, raised_on=today, source_type="composite_score"))
    return ids
