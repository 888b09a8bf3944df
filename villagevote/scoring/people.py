"""Who takes part in a scheme: the candidacies in the selection, the raters (by group) and their recusals."""
from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from villagevote import audit
from villagevote.audit import Actor
from villagevote.auth import Permission, requires
from villagevote.errors import LockedError, NotFound, ValidationError
from villagevote.i18n import tr
from villagevote.lookup import get_row
from villagevote.models import Candidacy
from villagevote.models.enums import CandidacyStatus
from villagevote.models.scoring import (
    Rater,
    Recusal,
    Score,
    ScoreParticipant,
    ScoreSheet,
)
from villagevote.names import stroke_key
from villagevote.scoring.rows import (
    ParticipantRow,
    RaterRow,
    RecusalRow,
)
from villagevote.scoring.store import (
    EXCLUDED_STATUSES,
    get_scheme,
    list_participants,
    open_scheme,
    participant_rows,
    rater_groups,
    rater_row,
    scheme_row,
    state_of,
)


def eligible_candidacies(session: Session, scheme_id: int) -> list[ParticipantRow]:
    """Candidacies of the scheme's cycle (qualified or further) not yet in the selection."""
    row = scheme_row(session, scheme_id)
    have = set(session.scalars(select(ScoreParticipant.candidacy_id).where(ScoreParticipant.scheme_id == scheme_id)))
    stmt = select(Candidacy.id).where(Candidacy.status.in_([CandidacyStatus.QUALIFIED, CandidacyStatus.PRELIMINARY]))
    if row.cycle_id is not None:
        stmt = stmt.where(Candidacy.cycle_id == row.cycle_id)
    return participant_rows(session, [i for i in session.scalars(stmt) if i not in have])


@requires(Permission.EDIT)
def add_participants(session: Session, actor: Actor, scheme_id: int, candidacy_ids: Iterable[int]) -> int:
    """Add candidacies to the selection (all or nothing); returns how many were added."""
    row = open_scheme(session, scheme_id)
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
    open_scheme(session, scheme_id)
    n = session.scalar(select(func.count(Score.id)).join(ScoreSheet, Score.sheet_id == ScoreSheet.id)
                       .join(Rater, ScoreSheet.rater_id == Rater.id)
                       .where(Rater.scheme_id == scheme_id, Score.candidacy_id == candidacy_id)) or 0
    if n:
        raise LockedError(tr("该人选已有 {n} 个评分，不能移出比选").format(n=n))
    session.execute(delete(ScoreParticipant).where(ScoreParticipant.scheme_id == scheme_id,
                                                   ScoreParticipant.candidacy_id == candidacy_id))
    audit.record(session, actor, "remove_participant", "score_scheme", scheme_id, before={"candidacy_id": candidacy_id})



# -- raters and recusals -----------------------------------------------------------------------------------------------

@requires(Permission.EDIT)
def add_rater(session: Session, actor: Actor, scheme_id: int, name: str, group_code: str, title: str = "") -> int:
    row = open_scheme(session, scheme_id)
    name = (name or "").strip()
    if not name:
        raise ValidationError(tr("请填写评委姓名"), field="name")
    group = next((g for g in rater_groups(session, scheme_id).values() if g.code == group_code), None)
    if group is None:
        raise ValidationError(tr("评委组“{g}”不在评分方案“{s}”中").format(g=group_code, s=row.name))
    dup = session.scalar(select(Rater.id).where(Rater.scheme_id == scheme_id, Rater.name == name))
    if dup is not None:
        raise ValidationError(tr("评委“{name}”已在本方案中，同名评委请在姓名后加注区分（如 王伟（驻村））").format(name=name),
                              field="name")
    rater = Rater(scheme_id=scheme_id, group_id=group.id, name=name, title=(title or "").strip())
    return audit.add_recorded(session, actor, "create", "rater", rater)


@requires(Permission.EDIT)
def remove_rater(session: Session, actor: Actor, rater_id: int) -> None:
    rater = rater_row(session, rater_id)
    open_scheme(session, rater.scheme_id)
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
    rater = rater_row(session, rater_id)
    open_scheme(session, rater.scheme_id)
    reason = (reason or "").strip()
    cand = get_row(session, Candidacy, candidacy_id, tr("找不到候选人登记（编号 {id}）"))
    if not reason:
        raise ValidationError(tr("登记评委“{r}”回避“{c}”需要填写理由（如 亲属关系、利害关系）").format(
            r=rater.name, c=cand.person.name), field="reason")
    part = session.scalar(select(ScoreParticipant.id).where(ScoreParticipant.scheme_id == rater.scheme_id,
                                                            ScoreParticipant.candidacy_id == candidacy_id))
    if part is None:
        raise ValidationError(tr("{c}不在本次比选名单中").format(c=cand.person.name))
    if session.scalar(select(Recusal.id).where(Recusal.rater_id == rater_id, Recusal.candidacy_id == candidacy_id)):
        raise ValidationError(tr("评委“{r}”已登记回避“{c}”").format(r=rater.name, c=cand.person.name), field="candidate")
    scored = session.scalar(select(func.count(Score.id)).join(ScoreSheet, Score.sheet_id == ScoreSheet.id)
                            .where(ScoreSheet.rater_id == rater_id, Score.candidacy_id == candidacy_id)) or 0
    if scored:
        raise ValidationError(tr("评委“{r}”已给“{c}”录入了 {n} 个分数，请先在录入表中清空这些分数再登记回避").format(
            r=rater.name, c=cand.person.name, n=scored))
    rec = Recusal(rater_id=rater_id, candidacy_id=candidacy_id, reason=reason)
    return audit.add_recorded(session, actor, "create", "recusal", rec)


@requires(Permission.EDIT)
def withdraw_recusal(session: Session, actor: Actor, rater_id: int, candidacy_id: int) -> None:
    rater = rater_row(session, rater_id)
    open_scheme(session, rater.scheme_id)
    rec = session.scalar(select(Recusal).where(Recusal.rater_id == rater_id, Recusal.candidacy_id == candidacy_id))
    if rec is None:
        raise NotFound(tr("没有这条回避记录"))
    rec_id, before = rec.id, audit.snapshot(rec)
    session.delete(rec)
    session.flush()
    audit.record(session, actor, "delete", "recusal", rec_id, before=before)


def list_raters(session: Session, scheme_id: int) -> list[RaterRow]:
    row = scheme_row(session, scheme_id)
    groups = rater_groups(session, scheme_id)
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
                            state=state_of(session, r, row.double_entry)))
    out.sort(key=lambda x: (group_order.get(x.group_code, 99), stroke_key(x.name)))
    return out
