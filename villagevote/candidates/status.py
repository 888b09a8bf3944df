"""The candidacy status machine. :func:`transition` is the only way to change a candidacy's status.

::

    registered ─村级初审─▶ village_reviewed ─乡镇复审─▶ township_reviewed ─县级联审─▶ county_reviewed ─▶ qualified
        │                      │                        │                          │               │
        └──────────────┴───────────────┴──────────┴─▶ disqualified / advised_withdraw / withdrawn
    qualified ─▶ preliminary ─▶ candidate ─▶ elected / not_elected      (自荐直选: qualified ─▶ elected / not_elected)
    advised_withdraw ─▶ withdrawn (劝退成功) or qualified (劝退未果, staff record why)
    not_elected ─▶ candidate (stands again in 另行选举)
    elected ─▶ candidate (only when an administrator reopens the official result, with a reason)

Leaving the normal path (disqualified, advised to withdraw, withdrawn, reinstating, going back a stage) needs a
reason. Every change writes the audit log. When a candidacy becomes ``elected``, the pledges module turns its
reviewed term goals into tracked commitments (``villagevote.pledges.term.commitments_from_pledges``) when that
module is installed; when it leaves ``elected`` (a reopened result), those commitments are withdrawn again, and the
move is refused once any of them has been tracked (``withdraw_commitments``).
"""
from __future__ import annotations

import importlib
import importlib.util

from sqlalchemy.orm import Session

from villagevote import audit
from villagevote.audit import Actor
from villagevote.auth import Permission, require
from villagevote.errors import ValidationError
from villagevote.i18n import tr
from villagevote.lookup import get_row
from villagevote.models import Candidacy
from villagevote.models.enums import CandidacyStatus as S

__all__ = ["ALLOWED", "NEEDS_REASON", "allowed_next", "can_transition", "transition"]

_EXITS = {S.DISQUALIFIED, S.ADVISED_WITHDRAW, S.WITHDRAWN}

ALLOWED: dict[S, frozenset[S]] = {
    S.REGISTERED: frozenset({S.VILLAGE_REVIEWED} | _EXITS),
    S.VILLAGE_REVIEWED: frozenset({S.TOWNSHIP_REVIEWED, S.REGISTERED} | _EXITS),
    S.TOWNSHIP_REVIEWED: frozenset({S.COUNTY_REVIEWED, S.VILLAGE_REVIEWED} | _EXITS),
    S.COUNTY_REVIEWED: frozenset({S.QUALIFIED, S.TOWNSHIP_REVIEWED} | _EXITS),
    S.QUALIFIED: frozenset({S.PRELIMINARY, S.CANDIDATE, S.ELECTED, S.NOT_ELECTED} | _EXITS),
    S.ADVISED_WITHDRAW: frozenset({S.WITHDRAWN, S.QUALIFIED, S.DISQUALIFIED}),
    S.DISQUALIFIED: frozenset({S.REGISTERED}),  # reinstated after a mistaken finding (复核纠正)
    S.WITHDRAWN: frozenset(),
    S.PRELIMINARY: frozenset({S.CANDIDATE, S.WITHDRAWN, S.DISQUALIFIED}),
    S.CANDIDATE: frozenset({S.ELECTED, S.NOT_ELECTED, S.WITHDRAWN, S.DISQUALIFIED}),
    S.ELECTED: frozenset({S.CANDIDATE}),  # an administrator reopened the official result
    S.NOT_ELECTED: frozenset({S.CANDIDATE}),
}

# Moves that must carry a written reason.
NEEDS_REASON: frozenset[tuple[S, S]] = frozenset(
    {(a, b) for a in S for b in _EXITS}
    | {(S.DISQUALIFIED, S.REGISTERED), (S.ADVISED_WITHDRAW, S.QUALIFIED), (S.ELECTED, S.CANDIDATE)}
    | {(S.VILLAGE_REVIEWED, S.REGISTERED), (S.TOWNSHIP_REVIEWED, S.VILLAGE_REVIEWED),
       (S.COUNTY_REVIEWED, S.TOWNSHIP_REVIEWED)}
)

# Review decisions and election outcomes are recorded by reviewers; data entry staff handle the rest.
_REVIEW_TARGETS = {S.VILLAGE_REVIEWED, S.TOWNSHIP_REVIEWED, S.COUNTY_REVIEWED, S.QUALIFIED, S.DISQUALIFIED,
                   S.ADVISED_WITHDRAW, S.REGISTERED}


def allowed_next(status: S) -> list[S]:
    """Statuses reachable from ``status`` in one step, in enum order (for menus)."""
    return [s for s in S if s in ALLOWED[status]]


def can_transition(current: S, new: S) -> bool:
    return new in ALLOWED[current]


def transition(
    session: Session, candidacy_id: int, new_status: S | str, actor: Actor, reason: str | None = None
) -> None:
    """Move a candidacy to ``new_status``; checks the machine, the actor's role and the reason; audits.

    Raises ValidationError (with the current and requested status in Chinese) for a move the machine does not allow,
    NotFound for an unknown candidacy, PermissionDenied for a role that may not make the move.
    """
    new = S(new_status)
    require(actor, Permission.REVIEW if new in _REVIEW_TARGETS else Permission.EDIT)
    cand = get_row(session, Candidacy, candidacy_id, tr("找不到候选人登记（编号 {id}）"))
    current = S(cand.status)
    if new == current:
        return
    if new not in ALLOWED[current]:
        nxt = "、".join(s.label for s in allowed_next(current)) or tr("无（已是最终状态）")
        raise ValidationError(
            tr("{name}当前状态为「{cur}」，不能直接改为「{new}」（可改为：{nxt}）").format(
                name=cand.person.name, cur=current.label, new=new.label, nxt=nxt
            )
        )
    if current is S.ELECTED:  # undoing an official outcome: administrators only
        require(actor, Permission.ADMIN)
    reason = (reason or "").strip()
    if (current, new) in NEEDS_REASON and not reason:
        raise ValidationError(
            tr("把{name}从「{cur}」改为「{new}」需要填写理由").format(
                name=cand.person.name, cur=current.label, new=new.label
            )
        )
    if current is S.ELECTED and importlib.util.find_spec("villagevote.pledges.term") is not None:
        importlib.import_module("villagevote.pledges.term").withdraw_commitments(session, cand.id, actor, reason)
    before = audit.snapshot(cand)
    cand.status = new
    cand.status_reason = reason
    session.flush()
    audit.record(session, actor, "status", "candidacy", cand.id, before=before, after=audit.snapshot(cand),
                 note=f"{current.value} -> {new.value}" + (f": {reason}" if reason else ""))
    if new is S.ELECTED and importlib.util.find_spec("villagevote.pledges") is not None:
        if importlib.util.find_spec("villagevote.pledges.term") is not None:
            term = importlib.import_module("villagevote.pledges.term")
            term.commitments_from_pledges(session, cand.id, actor)
