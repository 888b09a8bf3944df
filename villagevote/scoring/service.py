"""实绩比选 in the database: schemes, participants, raters and recusals, score sheets (optionally entered twice),
bonus/deduction entries, results, recorded tie decisions and the outcome written to the candidacies.

Every write takes an :class:`~villagevote.audit.Actor`, checks the role, validates everything before changing
anything (a refused call leaves the database as it was) and writes the audit log. Callers run each call inside one
``db.session()`` unit of work. Rules kept here:

* a scheme is frozen once any score exists (edits refused; copy it to change);
* a score above the criterion's maximum, negative, with too many decimals or not one of its grades is refused with
  the row, the candidate and the criterion named; an empty cell stays empty (no row), never 0;
* a rater cannot score a candidate they recused from, and cannot recuse after scoring that candidate;
* with double entry a sheet counts only when both entries are complete and agree;
* once the outcome has been written (入围 -> 初步人选) scores, raters and adjustments are locked.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from villagevote import audit
from villagevote.audit import Actor
from villagevote.auth import Permission, requires
from villagevote.errors import LockedError, NotFound, ValidationError
from villagevote.i18n import tr
from villagevote.lookup import get_row
from villagevote.models import Candidacy, ElectionCycle, Organization, Person, Township, Village
from villagevote.models.base import utcnow
from villagevote.models.enums import AggregationRule, CandidacyStatus, OrgKind
from villagevote.models.scoring import (
    Rater,
    RaterGroup,
    Recusal,
    Score,
    ScoreAdjustment,
    ScoreCriterion,
    ScoreDecision,
    ScoreParticipant,
    ScoreScheme,
    ScoreSheet,
    ScoreTieDecision,
)
from villagevote.names import stroke_key
from villagevote.scoring import engine
from villagevote.scoring.engine import Mismatch, Results, compare_entries, parse_score
from villagevote.scoring.scheme import (
    METHOD_TRIMMED,
    SCOPE_PER_GROUP,
    Criterion,
    Scheme,
    scheme_from_dict,
    scheme_to_dict,
)

MAX_LISTED_PROBLEMS = 12
#: candidacies in these statuses stay listed but take no part in the ranking (their scores are kept)
EXCLUDED_STATUSES = frozenset({CandidacyStatus.WITHDRAWN, CandidacyStatus.DISQUALIFIED,
                               CandidacyStatus.ADVISED_WITHDRAW})


# -- plain data returned to the UI, prints and the CLI -----------------------------------------------------------------

@dataclass(frozen=True)
class SchemeRow:
    id: int
    name: str
    version: int
    code: str
    frozen: bool
    double_entry: bool
    cycle_id: int | None
    participants: int
    raters: int
    scores: int
    outcome_applied: bool

    @property
    def label(self) -> str:
        return tr("{name}（第{v}版）").format(name=self.name, v=self.version)


@dataclass(frozen=True)
class ParticipantRow:
    candidacy_id: int
    name: str
    village: str
    org_label: str
    post: str
    post_key: str
    post_label: str
    status: CandidacyStatus
    incumbent: bool


@dataclass(frozen=True)
class RecusalRow:
    rater_id: int
    candidacy_id: int
    candidate: str
    reason: str


@dataclass(frozen=True)
class RaterRow:
    id: int
    name: str
    title: str
    group_code: str
    group_name: str
    recusals: tuple[RecusalRow, ...]
    state: SheetState


@dataclass(frozen=True)
class SheetState:
    """Where a rater's paper sheet stands: entries made, complete, agreeing, counted."""

    rater_id: int
    entry1: str  # "" (not entered) / "partial" / "complete"
    entry2: str
    double_entry: bool
    mismatches: tuple[Mismatch, ...]
    counts: bool

    @property
    def text(self) -> str:
        def one(s: str) -> str:
            return {"": tr("未录入"), "partial": tr("未录完"), "complete": tr("已录完")}[s]
        if not self.double_entry:
            return tr("已计入") if self.counts else one(self.entry1)
        if self.counts:
            return tr("两次录入一致，已计入")
        if self.entry1 == "complete" and self.entry2 == "complete":
            return tr("两次录入有 {n} 处不一致").format(n=len(self.mismatches))
        return tr("第一次：{a}；第二次：{b}").format(a=one(self.entry1), b=one(self.entry2))


@dataclass
class SheetData:
    """One entry of one rater's sheet, ready for an entry grid."""

    rater_id: int
    rater_name: str
    group_code: str
    group_name: str
    entry_no: int
    criteria: list[Criterion]
    rows: list[ParticipantRow]
    values: dict[tuple[int, str], Decimal]
    recused: dict[int, str]
    complete: bool
    exists: bool
    entry_places: int
    locked_reason: str = ""


@dataclass(frozen=True)
class AdjustmentRow:
    id: int
    candidacy_id: int
    candidate: str
    kind: str  # "bonus" / "deduction"
    item_code: str
    item_name: str
    points: Decimal
    note: str


@dataclass(frozen=True)
class RawScore:
    """One stored score (or recusal) as entered, for the workbook's raw-score sheet."""

    rater: str
    group: str
    candidate: str
    criterion: str
    value: Decimal | None
    status: str = ""


@dataclass(frozen=True)
class RawAdjustment:
    candidate: str
    kind: str  # 加分 / 扣分
    item: str
    points: Decimal
    note: str = ""


@dataclass
class SchemeResults:
    scheme_id: int
    scheme_label: str
    results: Results
    post_labels: dict[str, str]
    participants: list[ParticipantRow]
    raw_scores: list[RawScore] = field(default_factory=list)
    raw_adjustments: list[RawAdjustment] = field(default_factory=list)
    place: str = ""
    outcome_applied: bool = False
    sheet_states: list[SheetState] = field(default_factory=list)


# -- helpers -----------------------------------------------------------------------------------------------------------

def _scheme_row(session: Session, scheme_id: int) -> ScoreScheme:
    return get_row(session, ScoreScheme, scheme_id, tr("找不到评分方案（编号 {id}）"))


def _rater_row(session: Session, rater_id: int) -> Rater:
    return get_row(session, Rater, rater_id, tr("找不到评委（编号 {id}）"))


def get_scheme(session: Session, scheme_id: int) -> Scheme:
    """The engine's scheme object for a stored scheme."""
    return scheme_from_dict(_scheme_row(session, scheme_id).definition)


def _score_count(session: Session, scheme_id: int) -> int:
    return session.scalar(
        select(func.count(Score.id)).join(ScoreSheet, Score.sheet_id == ScoreSheet.id)
        .join(Rater, ScoreSheet.rater_id == Rater.id).where(Rater.scheme_id == scheme_id)) or 0


def _check_not_applied(row: ScoreScheme) -> None:
    if row.outcome_applied_at is not None:
        raise LockedError(tr("评分方案“{name}”的结果已于 {at} 确定（{who}），评分、评委和加扣分不能再修改").format(
            name=row.name, at=row.outcome_applied_at.strftime("%Y-%m-%d %H:%M"), who=row.outcome_applied_by))


def _open_scheme(session: Session, scheme_id: int) -> ScoreScheme:
    """The scheme, for a change to its scores, raters or adjustments: refused once its outcome is applied."""
    row = _scheme_row(session, scheme_id)
    _check_not_applied(row)
    return row


def _num(d: Decimal | None) -> str:
    if d is None:
        return ""
    return format(d.normalize(), "f") if d != 0 else "0"


def post_key(organization_id: int, post: str) -> str:
    return f"{organization_id}:{post}"


# -- schemes -----------------------------------------------------------------------------------------------------------

def list_schemes(session: Session) -> list[SchemeRow]:
    out = []
    for row in session.scalars(select(ScoreScheme).order_by(ScoreScheme.name, ScoreScheme.version)):
        out.append(SchemeRow(
            id=row.id, name=row.name, version=row.version, code=row.code, frozen=row.frozen,
            double_entry=row.double_entry, cycle_id=row.cycle_id,
            participants=session.scalar(select(func.count(ScoreParticipant.id))
                                        .where(ScoreParticipant.scheme_id == row.id)) or 0,
            raters=session.scalar(select(func.count(Rater.id)).where(Rater.scheme_id == row.id)) or 0,
            scores=_score_count(session, row.id), outcome_applied=row.outcome_applied_at is not None))
    return out


def _as_definition(definition: Mapping[str, Any] | Scheme) -> tuple[Scheme, dict[str, Any]]:
    scheme = definition if isinstance(definition, Scheme) else scheme_from_dict(definition)
    return scheme, scheme_to_dict(scheme)


def mirror_definition(session: Session, row: ScoreScheme, scheme: Scheme) -> None:
    """Mirror the definition into the row's columns, criterion rows and group rows (groups kept by code)."""
    row.code = scheme.code
    row.name = scheme.name
    row.aggregation = AggregationRule.TRIMMED_MEAN if scheme.method == METHOD_TRIMMED else AggregationRule.MEAN
    row.per_group = scheme.scope == SCOPE_PER_GROUP
    row.decimals = scheme.places
    row.cutoff_min = scheme.min_total
    row.cutoff_top_n = scheme.top_n_per_post
    row.tie_rule = list(scheme.tie_priority)
    session.execute(delete(ScoreCriterion).where(ScoreCriterion.scheme_id == row.id))
    order = 0
    for c in scheme.criteria:
        session.add(ScoreCriterion(scheme_id=row.id, code=c.code, name=c.name, kind="criterion", maximum=c.max,
                                   weight=c.weight, sort_order=order))
        order += 1
    for kind, items in (("bonus", scheme.bonus_items), ("deduction", scheme.deduction_items)):
        for it in items:
            session.add(ScoreCriterion(scheme_id=row.id, code=it.code, name=it.name, kind=kind, maximum=it.cap,
                                       weight=Decimal(1), cap=it.cap, sort_order=order))
            order += 1
    existing = {g.code: g for g in session.scalars(select(RaterGroup).where(RaterGroup.scheme_id == row.id))}
    wanted = {g.code for g in scheme.rater_groups}
    for code, g in existing.items():
        if code not in wanted:
            n = session.scalar(select(func.count(Rater.id)).where(Rater.group_id == g.id)) or 0
            if n:
                raise ValidationError(tr("评委组“{g}”还有 {n} 位评委，不能从方案中删去；请先移除这些评委").format(
                    g=g.name, n=n))
            session.delete(g)
    for g in scheme.rater_groups:
        if g.code in existing:
            existing[g.code].name = g.name
            existing[g.code].weight = g.weight
        else:
            session.add(RaterGroup(scheme_id=row.id, code=g.code, name=g.name, weight=g.weight))
    session.flush()


@requires(Permission.ADMIN)
def create_scheme(session: Session, actor: Actor, definition: Mapping[str, Any] | Scheme,
                  cycle_id: int | None = None) -> int:
    """Store a new scheme (validated); a scheme with the same name gets the next version number."""
    scheme, data = _as_definition(definition)
    if cycle_id is not None and session.get(ElectionCycle, cycle_id) is None:
        raise NotFound(tr("找不到换届届次（编号 {id}）").format(id=cycle_id))
    version = (session.scalar(select(func.max(ScoreScheme.version)).where(ScoreScheme.name == scheme.name)) or 0) + 1
    row = ScoreScheme(name=scheme.name, version=version, cycle_id=cycle_id, definition=data, frozen=False,
                      aggregation=AggregationRule.MEAN, per_group=False, decimals=scheme.places, tie_rule=[])
    session.add(row)
    session.flush()
    mirror_definition(session, row, scheme)
    audit.record(session, actor, "create", "score_scheme", row.id, after={"version": version, "definition": data})
    return row.id


@requires(Permission.ADMIN)
def update_scheme(session: Session, actor: Actor, scheme_id: int, definition: Mapping[str, Any] | Scheme) -> None:
    """Replace a scheme's definition; refused once scores exist (copy the scheme to change it)."""
    row = _scheme_row(session, scheme_id)
    if row.frozen or _score_count(session, scheme_id):
        raise LockedError(tr("评分方案“{name}”（第{v}版）已有评分，不能修改。请复制为新版本后再修改。").format(
            name=row.name, v=row.version))
    scheme, data = _as_definition(definition)
    before = dict(row.definition)
    if scheme.name != row.name:
        clash = session.scalar(select(ScoreScheme.id).where(ScoreScheme.name == scheme.name,
                                                            ScoreScheme.version == row.version))
        if clash is not None:
            raise ValidationError(tr("已有同名同版本的评分方案“{name}”").format(name=scheme.name))
    row.definition = data
    mirror_definition(session, row, scheme)
    audit.record(session, actor, "update", "score_scheme", row.id, before={"definition": before},
                 after={"definition": data})


@requires(Permission.ADMIN)
def copy_scheme(session: Session, actor: Actor, scheme_id: int) -> int:
    """A new, unfrozen version of a scheme with the same definition, participants, raters and recusals (no scores)."""
    src = _scheme_row(session, scheme_id)
    new_id = create_scheme(session, actor, dict(src.definition), cycle_id=src.cycle_id)
    new = _scheme_row(session, new_id)
    new.double_entry = src.double_entry
    for p in session.scalars(select(ScoreParticipant).where(ScoreParticipant.scheme_id == src.id)):
        session.add(ScoreParticipant(scheme_id=new_id, candidacy_id=p.candidacy_id))
    groups_new = {g.code: g.id for g in session.scalars(select(RaterGroup).where(RaterGroup.scheme_id == new_id))}
    groups_old = {g.id: g.code for g in session.scalars(select(RaterGroup).where(RaterGroup.scheme_id == src.id))}
    for r in session.scalars(select(Rater).where(Rater.scheme_id == src.id).order_by(Rater.id)):
        nr = Rater(scheme_id=new_id, name=r.name, title=r.title,
                   group_id=groups_new.get(groups_old.get(r.group_id, "")))
        session.add(nr)
        session.flush()
        for rec in session.scalars(select(Recusal).where(Recusal.rater_id == r.id)):
            session.add(Recusal(rater_id=nr.id, candidacy_id=rec.candidacy_id, reason=rec.reason))
    session.flush()
    audit.record(session, actor, "copy", "score_scheme", new_id, note=f"from {src.id}")
    return new_id


@requires(Permission.ADMIN)
def delete_scheme(session: Session, actor: Actor, scheme_id: int) -> None:
    row = _scheme_row(session, scheme_id)
    if _score_count(session, scheme_id) or row.outcome_applied_at is not None:
        raise LockedError(tr("评分方案“{name}”已有评分，不能删除").format(name=row.name))
    before = audit.snapshot(row)
    session.delete(row)
    session.flush()
    audit.record(session, actor, "delete", "score_scheme", scheme_id, before=before)


@requires(Permission.EDIT)
def set_double_entry(session: Session, actor: Actor, scheme_id: int, on: bool) -> None:
    """Require (or stop requiring) every paper sheet to be entered twice by different people."""
    row = _open_scheme(session, scheme_id)
    before = row.double_entry
    row.double_entry = bool(on)
    audit.record(session, actor, "update", "score_scheme", row.id, before={"double_entry": before},
                 after={"double_entry": row.double_entry})


# -- participants ------------------------------------------------------------------------------------------------------

def _participant_rows(session: Session, candidacy_ids: Iterable[int]) -> list[ParticipantRow]:
    ids = list(candidacy_ids)
    if not ids:
        return []
    stmt = (select(Candidacy, Person, Organization, Village)
            .join(Person, Candidacy.person_id == Person.id)
            .join(Organization, Candidacy.organization_id == Organization.id)
            .join(Village, Organization.village_id == Village.id)
            .where(Candidacy.id.in_(ids)))
    rows = []
    for cand, person, org, village in session.execute(stmt):
        org_label = OrgKind(org.kind).label
        rows.append(ParticipantRow(
            candidacy_id=cand.id, name=person.name, village=village.name, org_label=org_label, post=cand.post,
            post_key=post_key(org.id, cand.post), post_label=f"{village.name} {org_label} {cand.post}",
            status=CandidacyStatus(cand.status), incumbent=cand.incumbent))
    kind_order = {k.label: i for i, k in enumerate(OrgKind)}
    rows.sort(key=lambda r: (r.village, kind_order.get(r.org_label, 9), r.post, stroke_key(r.name)))
    return rows


def list_participants(session: Session, scheme_id: int) -> list[ParticipantRow]:
    """Candidacies in the selection, grouped by village, organization and post, in surname-stroke order."""
    _scheme_row(session, scheme_id)
    ids = session.scalars(select(ScoreParticipant.candidacy_id).where(ScoreParticipant.scheme_id == scheme_id))
    return _participant_rows(session, ids)


def eligible_candidacies(session: Session, scheme_id: int) -> list[ParticipantRow]:
    """Candidacies of the scheme's cycle (qualified or further) not yet in the selection."""
    row = _scheme_row(session, scheme_id)
    have = set(session.scalars(select(ScoreParticipant.candidacy_id).where(ScoreParticipant.scheme_id == scheme_id)))
    stmt = select(Candidacy.id).where(Candidacy.status.in_([CandidacyStatus.QUALIFIED, CandidacyStatus.PRELIMINARY]))
    if row.cycle_id is not None:
        stmt = stmt.where(Candidacy.cycle_id == row.cycle_id)
    return _participant_rows(session, [i for i in session.scalars(stmt) if i not in have])


@requires(Permission.EDIT)
def add_participants(session: Session, actor: Actor, scheme_id: int, candidacy_ids: Iterable[int]) -> int:
    """Add candidacies to the selection (all or nothing); returns how many were added."""
    row = _open_scheme(session, scheme_id)
    have = set(session.scalars(select(ScoreParticipant.candidacy_id).where(ScoreParticipant.scheme_id == scheme_id)))
    added = 0
    for cid in candidacy_ids:
        cand = get_row(session, Candidacy, cid, tr("找不到候选人登记（编号 {id}）"))
        if row.cycle_id is not None and cand.cycle_id != row.cycle_id:
            raise ValidationError(tr("{name}不属于本评分方案所在的换届届次").format(name=cand.person.name))
        if CandidacyStatus(cand.status) in EXCLUDED_STATUSES:
            raise ValidationError(tr("{name}的状态为「{s}」，不能参加实绩比选").format(
                name=cand.person.name, s=CandidacyStatus(cand.status).label))
        if cid in have:
            continue
        session.add(ScoreParticipant(scheme_id=scheme_id, candidacy_id=cid))
        have.add(cid)
        added += 1
    session.flush()
    audit.record(session, actor, "add_participants", "score_scheme", scheme_id, after={"candidacy_ids": sorted(have)})
    return added


@requires(Permission.EDIT)
def remove_participant(session: Session, actor: Actor, scheme_id: int, candidacy_id: int) -> None:
    _open_scheme(session, scheme_id)
    n = session.scalar(select(func.count(Score.id)).join(ScoreSheet, Score.sheet_id == ScoreSheet.id)
                       .join(Rater, ScoreSheet.rater_id == Rater.id)
                       .where(Rater.scheme_id == scheme_id, Score.candidacy_id == candidacy_id)) or 0
    if n:
        raise LockedError(tr("该人选已有 {n} 个评分，不能移出比选").format(n=n))
    session.execute(delete(ScoreParticipant).where(ScoreParticipant.scheme_id == scheme_id,
                                                   ScoreParticipant.candidacy_id == candidacy_id))
    audit.record(session, actor, "remove_participant", "score_scheme", scheme_id, before={"candidacy_id": candidacy_id})


# -- raters and recusals -----------------------------------------------------------------------------------------------

def _groups(session: Session, scheme_id: int) -> dict[int, RaterGroup]:
    return {g.id: g for g in session.scalars(select(RaterGroup).where(RaterGroup.scheme_id == scheme_id))}


@requires(Permission.EDIT)
def add_rater(session: Session, actor: Actor, scheme_id: int, name: str, group_code: str, title: str = "") -> int:
    row = _open_scheme(session, scheme_id)
    name = (name or "").strip()
    if not name:
        raise ValidationError(tr("请填写评委姓名"))
    group = next((g for g in _groups(session, scheme_id).values() if g.code == group_code), None)
    if group is None:
        raise ValidationError(tr("评委组“{g}”不在评分方案“{s}”中").format(g=group_code, s=row.name))
    dup = session.scalar(select(Rater.id).where(Rater.scheme_id == scheme_id, Rater.name == name))
    if dup is not None:
        raise ValidationError(tr("评委“{name}”已在本方案中，同名评委请在姓名后加注区分（如 王伟（驻村））").format(name=name))
    rater = Rater(scheme_id=scheme_id, group_id=group.id, name=name, title=(title or "").strip())
    return audit.add_recorded(session, actor, "create", "rater", rater)


@requires(Permission.EDIT)
def remove_rater(session: Session, actor: Actor, rater_id: int) -> None:
    rater = _rater_row(session, rater_id)
    _open_scheme(session, rater.scheme_id)
    n = session.scalar(select(func.count(Score.id)).join(ScoreSheet, Score.sheet_id == ScoreSheet.id)
                       .where(ScoreSheet.rater_id == rater_id)) or 0
    if n:
        raise LockedError(tr("评委“{name}”已有 {n} 个评分，不能删除").format(name=rater.name, n=n))
    before = audit.snapshot(rater)
    session.delete(rater)
    session.flush()
    audit.record(session, actor, "delete", "rater", rater_id, before=before)


@requires(Permission.EDIT)
def recuse(session: Session, actor: Actor, rater_id: int, candidacy_id: int, reason: str) -> int:
    """Record that a rater does not score a candidate (kinship, conflict of interest); the reason is required."""
    rater = _rater_row(session, rater_id)
    _open_scheme(session, rater.scheme_id)
    reason = (reason or "").strip()
    cand = get_row(session, Candidacy, candidacy_id, tr("找不到候选人登记（编号 {id}）"))
    if not reason:
        raise ValidationError(tr("登记评委“{r}”回避“{c}”需要填写理由（如 亲属关系、利害关系）").format(
            r=rater.name, c=cand.person.name))
    part = session.scalar(select(ScoreParticipant.id).where(ScoreParticipant.scheme_id == rater.scheme_id,
                                                            ScoreParticipant.candidacy_id == candidacy_id))
    if part is None:
        raise ValidationError(tr("{c}不在本次比选名单中").format(c=cand.person.name))
    if session.scalar(select(Recusal.id).where(Recusal.rater_id == rater_id, Recusal.candidacy_id == candidacy_id)):
        raise ValidationError(tr("评委“{r}”已登记回避“{c}”").format(r=rater.name, c=cand.person.name))
    scored = session.scalar(select(func.count(Score.id)).join(ScoreSheet, Score.sheet_id == ScoreSheet.id)
                            .where(ScoreSheet.rater_id == rater_id, Score.candidacy_id == candidacy_id)) or 0
    if scored:
        raise ValidationError(tr("评委“{r}”已给“{c}”录入了 {n} 个分数，请先在录入表中清空这些分数再登记回避").format(
            r=rater.name, c=cand.person.name, n=scored))
    rec = Recusal(rater_id=rater_id, candidacy_id=candidacy_id, reason=reason)
    return audit.add_recorded(session, actor, "create", "recusal", rec)


@requires(Permission.EDIT)
def withdraw_recusal(session: Session, actor: Actor, rater_id: int, candidacy_id: int) -> None:
    rater = _rater_row(session, rater_id)
    _open_scheme(session, rater.scheme_id)
    rec = session.scalar(select(Recusal).where(Recusal.rater_id == rater_id, Recusal.candidacy_id == candidacy_id))
    if rec is None:
        raise NotFound(tr("没有这条回避记录"))
    before = audit.snapshot(rec)
    session.delete(rec)
    session.flush()
    audit.record(session, actor, "delete", "recusal", before["id"], before=before)


def list_raters(session: Session, scheme_id: int) -> list[RaterRow]:
    row = _scheme_row(session, scheme_id)
    groups = _groups(session, scheme_id)
    names = {p.candidacy_id: p.name for p in list_participants(session, scheme_id)}
    out = []
    group_order = {g.code: i for i, g in enumerate(get_scheme(session, scheme_id).rater_groups)}
    for r in session.scalars(select(Rater).where(Rater.scheme_id == scheme_id)):
        g = groups.get(r.group_id) if r.group_id is not None else None
        recs = tuple(RecusalRow(rater_id=r.id, candidacy_id=x.candidacy_id, candidate=names.get(x.candidacy_id, "?"),
                                reason=x.reason)
                     for x in session.scalars(select(Recusal).where(Recusal.rater_id == r.id)))
        out.append(RaterRow(id=r.id, name=r.name, title=r.title, group_code=g.code if g else "",
                            group_name=g.name if g else tr("（无组）"), recusals=recs,
                            state=_sheet_state(session, r, row.double_entry)))
    out.sort(key=lambda x: (group_order.get(x.group_code, 99), stroke_key(x.name)))
    return out


# -- sheets ------------------------------------------------------------------------------------------------------------

def _sheet_values(session: Session, sheet: ScoreSheet | None, codes: Mapping[int, str]) -> dict[tuple[int, str], Decimal]:
    if sheet is None:
        return {}
    return {(s.candidacy_id, codes[s.criterion_id]): s.value
            for s in session.scalars(select(Score).where(Score.sheet_id == sheet.id)) if s.criterion_id in codes}


def _criterion_codes(session: Session, scheme_id: int) -> dict[int, str]:
    return {c.id: c.code for c in session.scalars(
        select(ScoreCriterion).where(ScoreCriterion.scheme_id == scheme_id, ScoreCriterion.kind == "criterion"))}


def _sheet(session: Session, rater_id: int, entry_no: int) -> ScoreSheet | None:
    return session.scalar(select(ScoreSheet).where(ScoreSheet.rater_id == rater_id, ScoreSheet.entry_no == entry_no))


def _sheet_state(session: Session, rater: Rater, double_entry: bool) -> SheetState:
    s1, s2 = _sheet(session, rater.id, 1), _sheet(session, rater.id, 2)

    def state(s: ScoreSheet | None) -> str:
        return "" if s is None else ("complete" if s.confirmed else "partial")
    mism: tuple[Mismatch, ...] = ()
    if double_entry:
        counts = False
        if s1 is not None and s2 is not None and s1.confirmed and s2.confirmed:
            codes = _criterion_codes(session, rater.scheme_id)
            mism = tuple(compare_entries(_sheet_values(session, s1, codes), _sheet_values(session, s2, codes)))
            counts = not mism
    else:
        counts = s1 is not None and s1.confirmed
    return SheetState(rater_id=rater.id, entry1=state(s1), entry2=state(s2), double_entry=double_entry,
                      mismatches=mism, counts=counts)


def sheet_state(session: Session, rater_id: int) -> SheetState:
    rater = _rater_row(session, rater_id)
    return _sheet_state(session, rater, _scheme_row(session, rater.scheme_id).double_entry)


def load_sheet(session: Session, rater_id: int, entry_no: int = 1) -> SheetData:
    """One entry of a rater's sheet: the candidates (stroke order), the criteria the rater's group scores, values."""
    rater = _rater_row(session, rater_id)
    row = _scheme_row(session, rater.scheme_id)
    scheme = scheme_from_dict(row.definition)
    group = session.get(RaterGroup, rater.group_id) if rater.group_id is not None else None
    gcode = group.code if group else ""
    criteria = [c for c in scheme.criteria if gcode in scheme.groups_for(c)]
    participants = sorted(list_participants(session, row.id), key=lambda p: stroke_key(p.name))
    recused = {r.candidacy_id: r.reason for r in session.scalars(select(Recusal).where(Recusal.rater_id == rater_id))}
    sheet = _sheet(session, rater_id, entry_no)
    codes = _criterion_codes(session, row.id)
    locked = ""
    if row.outcome_applied_at is not None:
        locked = tr("结果已确定，评分不能再修改")
    elif entry_no == 2 and not row.double_entry:
        locked = tr("本方案未启用两次录入")
    return SheetData(rater_id=rater.id, rater_name=rater.name, group_code=gcode,
                     group_name=group.name if group else "", entry_no=entry_no, criteria=criteria, rows=participants,
                     values=_sheet_values(session, sheet, codes), recused=recused,
                     complete=bool(sheet and sheet.confirmed), exists=sheet is not None,
                     entry_places=scheme.entry_places, locked_reason=locked)


@requires(Permission.EDIT)
def save_sheet(session: Session, actor: Actor, rater_id: int, entry_no: int,
               values: Mapping[tuple[int, str], Decimal | str | None], *, complete: bool = False) -> SheetState:
    """Replace one entry of a rater's sheet with ``values`` (all or nothing).

    Values may be Decimals or typed text; empty text or None leaves the cell empty. With ``complete`` every
    candidate the rater did not recuse from must have every criterion filled.
    """
    rater = _rater_row(session, rater_id)
    row = _open_scheme(session, rater.scheme_id)
    if entry_no not in (1, 2):
        raise ValidationError(tr("录入次数只能是第 1 次或第 2 次"))
    if entry_no == 2 and not row.double_entry:
        raise ValidationError(tr("评分方案“{name}”未启用两次录入").format(name=row.name))
    data = load_sheet(session, rater_id, entry_no)
    scheme = scheme_from_dict(row.definition)
    crit_by_code = {c.code: c for c in data.criteria}
    row_no = {p.candidacy_id: i for i, p in enumerate(data.rows, start=1)}
    names = {p.candidacy_id: p.name for p in data.rows}
    problems: list[str] = []
    clean: dict[tuple[int, str], Decimal] = {}
    for (cid, code), raw in values.items():
        if cid not in row_no:
            problems.append(tr("人选（编号 {id}）不在本次比选名单中").format(id=cid))
            continue
        where = tr("第 {n} 行 {name}").format(n=row_no[cid], name=names[cid])
        crit = crit_by_code.get(code)
        if crit is None:
            if raw not in (None, "") and code in {c.code for c in scheme.criteria}:
                problems.append(tr("{where}“{c}”：评委组“{g}”不评此项").format(
                    where=where, c=scheme.criterion(code).name, g=data.group_name))
            elif raw not in (None, ""):
                problems.append(tr("{where}：评分项“{c}”不在方案中").format(where=where, c=code))
            continue
        try:
            if isinstance(raw, Decimal):
                engine.check_score(raw, crit, scheme.entry_places, where=where)
                value: Decimal | None = raw
            else:
                value = parse_score(raw, crit, scheme.entry_places, where=where)
        except ValidationError as exc:
            problems.append(exc.message)
            continue
        if value is None:
            continue
        if cid in data.recused:
            problems.append(tr("{where}：评委“{r}”已回避此人选（{why}），不能评分").format(
                where=where, r=data.rater_name, why=data.recused[cid]))
            continue
        clean[(cid, code)] = value
    if complete and not problems:
        for p in data.rows:
            if p.candidacy_id in data.recused:
                continue
            for c in data.criteria:
                if (p.candidacy_id, c.code) not in clean:
                    problems.append(tr("第 {n} 行 {name}“{c}”为空").format(n=row_no[p.candidacy_id], name=p.name,
                                                                       c=c.name))
        if problems:
            problems.insert(0, tr("标记“已录完”前，每位未回避人选的每一项都要填写："))
    if problems:
        shown = problems[:MAX_LISTED_PROBLEMS]
        if len(problems) > MAX_LISTED_PROBLEMS:
            shown.append(tr("……另有 {n} 处").format(n=len(problems) - MAX_LISTED_PROBLEMS))
        raise ValidationError(tr("评委“{r}”的评分表未保存：\n").format(r=data.rater_name) + "\n".join(shown))

    who = actor.display_name or actor.username
    other = _sheet(session, rater_id, 2 if entry_no == 1 else 1) if row.double_entry else None
    if other is not None and other.entered_by == who:
        raise ValidationError(tr("两次录入须由两个人分别完成：评委“{r}”的第 {n} 次录入已由“{who}”完成，"
                                 "请换另一位工作人员登录后录入").format(r=rater.name, n=3 - entry_no, who=who))
    sheet = _sheet(session, rater_id, entry_no)
    before = {f"{k[0]}/{k[1]}": _num(v) for k, v in data.values.items()}
    if sheet is None:
        sheet = ScoreSheet(rater_id=rater_id, entry_no=entry_no)
        session.add(sheet)
        session.flush()
    sheet.entered_by = who
    sheet.confirmed = bool(complete)
    session.execute(delete(Score).where(Score.sheet_id == sheet.id))
    ids = {c.code: c.id for c in session.scalars(
        select(ScoreCriterion).where(ScoreCriterion.scheme_id == row.id, ScoreCriterion.kind == "criterion"))}
    for (cid, code), value in clean.items():
        session.add(Score(sheet_id=sheet.id, candidacy_id=cid, criterion_id=ids[code], value=value))
    if clean and not row.frozen:
        row.frozen = True
    session.flush()
    audit.record(session, actor, "save_sheet", "score_sheet", sheet.id, before={"values": before},
                 after={"values": {f"{k[0]}/{k[1]}": _num(v) for k, v in clean.items()}, "complete": bool(complete),
                        "entry_no": entry_no, "rater": rater.name})
    return _sheet_state(session, rater, row.double_entry)


# -- adjustments -------------------------------------------------------------------------------------------------------

def list_adjustments(session: Session, scheme_id: int) -> list[AdjustmentRow]:
    scheme = get_scheme(session, scheme_id)
    names = {p.candidacy_id: p.name for p in list_participants(session, scheme_id)}
    bonus = {b.code: b.name for b in scheme.bonus_items}
    ded = {d.code: d.name for d in scheme.deduction_items}
    out = []
    for a in session.scalars(select(ScoreAdjustment).where(ScoreAdjustment.scheme_id == scheme_id)
                             .order_by(ScoreAdjustment.id)):
        kind = "bonus" if a.item_code in bonus else "deduction"
        out.append(AdjustmentRow(id=a.id, candidacy_id=a.candidacy_id, candidate=names.get(a.candidacy_id, "?"),
                                 kind=kind, item_code=a.item_code,
                                 item_name=bonus.get(a.item_code) or ded.get(a.item_code, a.item_code),
                                 points=a.points, note=a.note))
    return out


@requires(Permission.EDIT)
def add_adjustment(session: Session, actor: Actor, scheme_id: int, candidacy_id: int, item_code: str,
                   points: Decimal | str, note: str = "") -> int:
    """Record bonus or deduction points for a candidate (deductions as positive points); caps apply in the results."""
    row = _open_scheme(session, scheme_id)
    scheme = scheme_from_dict(row.definition)
    items = {i.code: i for i in scheme.bonus_items + scheme.deduction_items}
    item = items.get(item_code)
    if item is None:
        raise ValidationError(tr("加扣分项“{i}”不在评分方案中").format(i=item_code))
    if not session.scalar(select(ScoreParticipant.id).where(ScoreParticipant.scheme_id == scheme_id,
                                                            ScoreParticipant.candidacy_id == candidacy_id)):
        raise ValidationError(tr("该人选不在本次比选名单中"))
    crit = Criterion(code=item.code, name=item.name, max=Decimal("1000"), weight=Decimal(1))
    value = points if isinstance(points, Decimal) else parse_score(str(points), crit, 3)
    if value is None:
        raise ValidationError(tr("“{i}”请填写分值").format(i=item.name))
    engine.check_score(value, crit, 3)
    adj = ScoreAdjustment(scheme_id=scheme_id, candidacy_id=candidacy_id, item_code=item_code, points=value,
                          note=(note or "").strip(), entered_by=actor.display_name or actor.username)
    return audit.add_recorded(session, actor, "create", "score_adjustment", adj)


@requires(Permission.EDIT)
def delete_adjustment(session: Session, actor: Actor, adjustment_id: int) -> None:
    adj = session.get(ScoreAdjustment, adjustment_id)
    if adj is None:
        raise NotFound(tr("找不到这条加扣分记录"))
    _open_scheme(session, adj.scheme_id)
    before = audit.snapshot(adj)
    session.delete(adj)
    session.flush()
    audit.record(session, actor, "delete", "score_adjustment", adjustment_id, before=before)


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


def compute(session: Session, scheme_id: int) -> SchemeResults:
    """Results from the sheets that count, the recusals, the adjustments and the recorded tie decisions."""
    row = _scheme_row(session, scheme_id)
    scheme = scheme_from_dict(row.definition)
    everyone = list_participants(session, scheme_id)
    excluded = [p for p in everyone if p.status in EXCLUDED_STATUSES]
    participants = [p for p in everyone if p.status not in EXCLUDED_STATUSES]
    cands = [engine.Candidate(p.candidacy_id, p.name, p.post_key) for p in participants]
    names = {p.candidacy_id: p.name for p in participants}
    groups = _groups(session, scheme_id)
    codes = _criterion_codes(session, scheme_id)
    crit_names = {c.code: c.name for c in scheme.criteria}
    raters: list[engine.Rater] = []
    sheets: dict[int, dict[tuple[int, str], Decimal | None]] = {}
    recusals: list[engine.Recusal] = []
    raw: list[RawScore] = []
    states = []
    for r in session.scalars(select(Rater).where(Rater.scheme_id == scheme_id).order_by(Rater.id)):
        g = groups.get(r.group_id) if r.group_id is not None else None
        if g is None:
            continue
        raters.append(engine.Rater(r.id, r.name, g.code))
        state = _sheet_state(session, r, row.double_entry)
        states.append(state)
        s1 = _sheet(session, r.id, 1)
        values = _sheet_values(session, s1, codes)
        if state.counts:
            sheets[r.id] = {k: v for k, v in values.items() if k[0] in names}
        status = tr("已计入") if state.counts else state.text
        for (cid, code), v in sorted(values.items(), key=lambda kv: (stroke_key(names.get(kv[0][0], "")), kv[0][1])):
            if cid in names:
                raw.append(RawScore(rater=r.name, group=g.name, candidate=names[cid], criterion=crit_names.get(code, code),
                                    value=v, status=status))
        for rec in session.scalars(select(Recusal).where(Recusal.rater_id == r.id)):
            recusals.append(engine.Recusal(r.id, rec.candidacy_id, rec.reason))
            if rec.candidacy_id in names:
                raw.append(RawScore(rater=r.name, group=g.name, candidate=names[rec.candidacy_id], criterion="",
                                    value=None, status=tr("回避：{why}").format(why=rec.reason)))
    adjustments = []
    raw_adj: list[RawAdjustment] = []
    for a in list_adjustments(session, scheme_id):
        if a.candidacy_id not in names:
            continue
        adjustments.append(engine.Adjustment(a.candidacy_id, a.item_code, a.points, a.note))
        raw_adj.append(RawAdjustment(candidate=a.candidate, kind=tr("加分") if a.kind == "bonus" else tr("扣分"),
                                     item=a.item_name, points=a.points, note=a.note))
    decisions = [engine.TieDecision(post=d.post_key, order=tuple(d.ranking), reason=d.reason, decided_by=d.decided_by,
                                    decided_on=d.decided_on)
                 for d in session.scalars(select(ScoreTieDecision).where(ScoreTieDecision.scheme_id == scheme_id)
                                          .order_by(ScoreTieDecision.id))]
    labels = {p.post_key: p.post_label for p in participants}
    results = engine.compute_results(scheme, cands, raters, sheets, recusals, adjustments, decisions,
                                     post_labels=labels)
    if excluded:
        results.notes.insert(0, tr("以下人选已退出或被取消资格，不参加排名：{names}").format(
            names="、".join(f"{p.name}（{p.post_label}，{p.status.label}）" for p in excluded)))
    return SchemeResults(scheme_id=scheme_id, scheme_label=tr("{name}（第{v}版）").format(name=row.name, v=row.version),
                         results=results, post_labels=labels, participants=participants, raw_scores=raw,
                         raw_adjustments=raw_adj, place=place_text(session, row),
                         outcome_applied=row.outcome_applied_at is not None, sheet_states=states)


@requires(Permission.REVIEW)
def record_tie_decision(session: Session, actor: Actor, scheme_id: int, post: str, ranking: list[int], reason: str,
                        decided_on: dt.date | None = None) -> int:
    """Record how candidates still tied across a cut-off are ordered (best first), with the reason."""
    _open_scheme(session, scheme_id)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(tr("请写明并列的处理依据（如 乡镇党委会议研究决定、重新评议结果）"))
    current = compute(session, scheme_id)
    match = next((t for t in current.results.open_ties
                  if t.post == post and set(t.open_ids) == set(ranking) and len(ranking) == len(t.open_ids)), None)
    if match is None:
        raise ValidationError(tr("这些人选目前不是“并列待决定”，无需记录决定（请刷新结果后再试）"))
    dec = ScoreTieDecision(scheme_id=scheme_id, post_key=post, ranking=list(ranking), reason=reason,
                           decided_by=actor.display_name or actor.username, decided_on=decided_on or dt.date.today())
    return audit.add_recorded(session, actor, "create", "score_tie_decision", dec)


@dataclass(frozen=True)
class OutcomeSummary:
    passed: list[str]
    not_passed: list[str]


@requires(Permission.EDIT)
def apply_outcome(session: Session, actor: Actor, scheme_id: int) -> OutcomeSummary:
    """Write the outcome: candidates over the cut-off become 初步人选, the others get the reason recorded.

    Refused (nothing written) while any result is incomplete, pending or tied across a cut-off, or when a passing
    candidate's status cannot move to 初步人选. Afterwards scores, raters and adjustments are locked.
    """
    from villagevote.candidates.status import can_transition, transition

    row = _open_scheme(session, scheme_id)
    res = compute(session, scheme_id)
    if not res.participants:
        raise ValidationError(tr("本次比选还没有人选"))
    blocked = [f"{r.candidate.name}：{engine.outcome_label(r.outcome)}（{r.outcome_reason}）"
               for r in res.results.candidates if r.outcome not in (engine.OUTCOME_PASS, engine.OUTCOME_FAIL)]
    if blocked:
        raise ValidationError(tr("以下人选的结果尚未确定，不能确定比选结果：\n") + "\n".join(blocked[:MAX_LISTED_PROBLEMS]))
    status_problems = []
    for r in res.results.candidates:
        cand = session.get(Candidacy, r.candidate.id)
        if r.outcome == engine.OUTCOME_PASS and cand.status != CandidacyStatus.PRELIMINARY \
                and not can_transition(CandidacyStatus(cand.status), CandidacyStatus.PRELIMINARY):
            status_problems.append(tr("{name}当前状态为「{s}」，不能改为「初步人选」").format(
                name=r.candidate.name, s=CandidacyStatus(cand.status).label))
    if status_problems:
        raise ValidationError(tr("比选结果未写入：\n") + "\n".join(status_problems))
    passed, not_passed = [], []
    who = actor.display_name or actor.username
    for r in res.results.candidates:
        total = format(r.total, "f") if r.total is not None else ""
        if r.outcome == engine.OUTCOME_PASS:
            reason = tr("实绩比选入围：总分 {t}，{why}").format(t=total, why=r.outcome_reason)
            if session.get(Candidacy, r.candidate.id).status != CandidacyStatus.PRELIMINARY:
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


def recorded_outcomes(session: Session, scheme_id: int) -> list[ScoreDecision]:
    return list(session.scalars(select(ScoreDecision).where(ScoreDecision.scheme_id == scheme_id)
                                .order_by(ScoreDecision.id)))


def find_scheme(session: Session, text: str | None) -> int:
    """A scheme id from a command-line value (id, or name, latest version); with no value the only scheme in use."""
    rows = list_schemes(session)
    if not rows:
        raise NotFound(tr("数据库中还没有评分方案"))
    if text:
        text = text.strip()
        if text.isdigit() and any(r.id == int(text) for r in rows):
            return int(text)
        named = [r for r in rows if r.name == text or r.code == text or r.label == text]
        if named:
            return max(named, key=lambda r: r.version).id
        raise NotFound(tr("没有名为“{t}”的评分方案。可用的有：{names}").format(
            t=text, names="、".join(f"{r.id} {r.label}" for r in rows)))
    used = [r for r in rows if r.participants]
    if len(used) == 1:
        return used[0].id
    raise NotFound(tr("请用 --option scheme=编号 指定评分方案。可用的有：{names}").format(
        names="、".join(f"{r.id} {r.label}" for r in rows)))
