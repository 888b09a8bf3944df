"""Into the term: an elected candidacy's pledged term goals become commitment records (践诺) to track."""
from __future__ import annotations

from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from villagevote import audit
from villagevote.audit import Actor
from villagevote.auth import Permission, can, requires
from villagevote.errors import PermissionDenied, ValidationError
from villagevote.i18n import tr
from villagevote.lookup import get_row
from villagevote.models import Candidacy, ElectionCycle, Pledge, PledgeItem
from villagevote.models.enums import CandidacyStatus, CommitmentStatus, PledgeKind, PledgeStatus
from villagevote.models.pledges import PledgeItemKind
from villagevote.models.tracking import Commitment, CommitmentStatusChange, Evaluation, Flag, ProgressReport

__all__ = ["commitments_from_pledges", "withdraw_commitments"]

# A term-goal pledge counts once it has passed review; signing is the normal case.
_USABLE = (PledgeStatus.REVIEWED, PledgeStatus.SIGNED)


@requires(Permission.EDIT, Permission.REVIEW)
def commitments_from_pledges(session: Session, candidacy_id: int, actor: Actor) -> list[int]:
    """Turn the reviewed term-goal items of an elected candidacy into commitment records owned by that cadre.

    Struck items are left out. Each commitment links back to its pledge item, starts on the election day and is
    registered (已挂号). Calling it again creates nothing new. Returns the ids of the candidacy's commitments that
    come from pledge items, in item order (an empty list when the candidacy has no reviewed term-goal pledge).
    """
    if not (can(actor, Permission.EDIT) or can(actor, Permission.REVIEW)):
        raise PermissionDenied(tr("当前用户“{user}”无权生成践诺事项").format(user=actor.username))
    cand = get_row(session, Candidacy, candidacy_id, tr("找不到候选人登记（编号 {id}）"))
    if CandidacyStatus(cand.status) is not CandidacyStatus.ELECTED:
        raise ValidationError(tr("{name}的状态是“{status}”，当选后才能把任期目标转为践诺事项").format(
            name=cand.person.name, status=CandidacyStatus(cand.status).label))
    cycle = get_row(session, ElectionCycle, cand.cycle_id, tr("找不到换届届次（编号 {id}）"))
    items = list(session.scalars(
        select(PledgeItem).join(Pledge, Pledge.id == PledgeItem.pledge_id)
        .where(Pledge.candidacy_id == cand.id, Pledge.kind == PledgeKind.TERM_GOALS,
               Pledge.status.in_(_USABLE), PledgeItem.item_kind == PledgeItemKind.GOAL,
               PledgeItem.struck.is_(False))
        .order_by(PledgeItem.sort_order, PledgeItem.id)))
    existing = {c.pledge_item_id: c for c in session.scalars(
        select(Commitment).where(Commitment.pledge_item_id.in_([i.id for i in items])))} if items else {}
    ids: list[int] = []
    for item in items:
        commitment = existing.get(item.id)
        if commitment is None:
            commitment = Commitment(candidacy_id=cand.id, pledge_item_id=item.id, title=item.title,
                                    category=item.category, target=item.target, starts_on=cycle.election_day,
                                    deadline=item.deadline,
                                    weight=item.weight if item.weight is not None else Decimal("1"),
                                    status=CommitmentStatus.REGISTERED, percent_done=0)
            session.add(commitment)
            session.flush()
            session.add(CommitmentStatusChange(commitment_id=commitment.id, from_status=None,
                                               to_status=CommitmentStatus.REGISTERED.value,
                                               changed_on=cycle.election_day,
                                               note=tr("由创业承诺转入（承诺事项编号 {id}）").format(id=item.id)))
            audit.record(session, actor, "create", "commitment", commitment.id, after=audit.snapshot(commitment),
                         note=f"from pledge item {item.id}")
        ids.append(commitment.id)
    session.flush()
    return ids


@requires(Permission.ADMIN)
def withdraw_commitments(session: Session, candidacy_id: int, actor: Actor, reason: str) -> int:
    """Delete the commitments a candidacy got when it was declared elected, because that outcome is being undone
    (an administrator reopened the official result). Refused, with nothing changed, once the term's tracking has
    begun for the cadre: a progress report, a status change after registration, a year's evaluation or a flag.
    Returns how many commitments were withdrawn (each is audit-logged with the reason)."""
    commitments = list(session.scalars(select(Commitment).where(Commitment.candidacy_id == candidacy_id)))
    ids = [c.id for c in commitments]
    traces = [select(Evaluation.id).where(Evaluation.candidacy_id == candidacy_id),
              select(Flag.id).where(Flag.candidacy_id == candidacy_id),
              select(ProgressReport.id).where(ProgressReport.commitment_id.in_(ids)),
              select(CommitmentStatusChange.id).where(CommitmentStatusChange.commitment_id.in_(ids),
                                                      CommitmentStatusChange.from_status.is_not(None))]
    tracked = any(session.scalar(select(query.exists())) for query in traces)
    if tracked:
        cand = get_row(session, Candidacy, candidacy_id, tr("找不到候选人登记（编号 {id}）"))
        raise ValidationError(tr("{name}的践诺跟踪已经开始（已有进展、评议或预警记录），不能撤销其当选").format(
            name=cand.person.name))
    for commitment in commitments:
        audit.record(session, actor, "delete", "commitment", commitment.id, before=audit.snapshot(commitment),
                     note=tr("撤销当选，践诺事项撤回：{reason}").format(reason=reason))
        session.delete(commitment)
    session.flush()
    return len(commitments)
