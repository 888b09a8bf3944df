"""Into the term: an elected candidacy's pledged term goals become commitment records (践诺) to track."""
from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from villagevote import audit
from villagevote.audit import Actor
from villagevote.auth import Permission, can, requires
from villagevote.errors import PermissionDenied, ValidationError
from villagevote.i18n import tr
from villagevote.lookup import get_row
from villagevote.models import Candidacy
from villagevote.models.tracking import Commitment, CommitmentStatusChange, Evaluation, Flag, ProgressReport
from villagevote.tracking.ledger import register_pledged

__all__ = ["commitments_from_pledges", "withdraw_commitments"]

@requires(Permission.EDIT, Permission.REVIEW)
def commitments_from_pledges(session: Session, candidacy_id: int, actor: Actor) -> list[int]:
    """Turn the reviewed term-goal items of an elected candidacy into commitment records owned by that cadre.

    Struck items are left out. Each commitment links back to its pledge item, starts on the election day and is
    registered (已挂号) in the ledger (``tracking.ledger.register_pledged``: ledger number, cycle, village). Calling
    it again creates nothing new. Returns the ids of the candidacy's commitments that come from pledge items, in item order (an empty list when the candidacy has no reviewed term-goal pledge).
    """
    if not (can(actor, Permission.EDIT) or can(actor, Permission.REVIEW)):
        raise PermissionDenied(tr("当前用户“{user}”无权生成践诺事项").format(user=actor.username))
    return register_pledged(session, actor, candidacy_id)


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
