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
reason. Every change writes the audit log. What follows an outcome for the term (the elected cadre's term goals
becoming tracked commitments, withdrawn again when the result is reopened) is the election outcome's business:
:mod:`villagevote.elections.outcome` does it around the transition, so this machine knows nothing of pledges.

Where a change comes from matters (:class:`Origin`): 当选 and 未当选 are recorded only by the election outcome from an
official contest result, 取消资格 only by a qualification decision (a review step or the verdict). A free status edit
(更改状态, the default origin) cannot set them, and cannot touch a candidacy whose contest result is official: the
result has to be reopened by an administrator first.
"""
from __future__ import annotations

import enum

from sqlalchemy import select
from sqlalchemy.orm import Session

from villagevote import audit
from villagevote.audit import Actor
from villagevote.auth import Permission, can, require, requires
from villagevote.errors import ValidationError
from villagevote.i18n import tr
from villagevote.lookup import get_row
from villagevote.models import BallotCandidate, Candidacy, Contest, Organization, Village
from villagevote.models.enums import CandidacyStatus as S
from villagevote.models.enums import ContestRound, OrgKind
from villagevote.versioning import check_version

__all__ = ["ALLOWED", "NEEDS_REASON", "OUTCOMES", "Origin", "allowed_next", "can_transition", "edit_choices",
           "official_contest", "transition"]

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




class Origin(str, enum.Enum):
    """Where a status change comes from."""

    STATUS_EDIT = "status_edit"        # 更改状态: staff choose the new status
    CONTEST_RESULT = "contest_result"  # elections.outcome applies (or reopens) an official contest result
    QUALIFICATION = "qualification"    # a review decision or the qualification verdict


# Outcomes that only one origin may record.
OUTCOMES: dict[S, Origin] = {S.ELECTED: Origin.CONTEST_RESULT, S.NOT_ELECTED: Origin.CONTEST_RESULT,
                             S.DISQUALIFIED: Origin.QUALIFICATION}


def allowed_next(status: S) -> list[S]:
    """Statuses reachable from ``status`` in one step, in enum order (for menus)."""
    return [s for s in S if s in ALLOWED[status]]


def can_transition(current: S, new: S) -> bool:
    return new in ALLOWED[current]


def official_contest(session: Session, candidacy_id: int) -> Contest | None:
    """The contest with an official (locked) result that lists this candidacy on its ballot, if any."""
    return session.scalar(
        select(Contest).join(BallotCandidate, BallotCandidate.contest_id == Contest.id)
        .where(BallotCandidate.candidacy_id == candidacy_id, Contest.official.is_(True))
        .order_by(Contest.id.desc()).limit(1))


def _contest_name(session: Session, contest: Contest) -> str:
    org = session.get(Organization, contest.organization_id)
    village = session.get(Village, org.village_id) if org is not None else None
    return "{village}{org}{round}".format(village=village.name if village else "",
                                          org=OrgKind(org.kind).label if org else "",
                                          round=ContestRound(contest.round).label)


def _refuse_free_edit(session: Session, cand: Candidacy, current: S, new: S | None) -> None:
    """The rules of 更改状态 on top of the machine: no outcomes, nothing on an official result."""
    contest = official_contest(session, cand.id)
    if contest is not None:
        raise ValidationError(
            tr("{name}（当前「{cur}」）所在的{contest}结果已确认为正式结果，不能通过更改状态修改；"
               "结果确有错误的，请由管理员重新开启该选举结果").format(
                name=cand.person.name, cur=current.label, contest=_contest_name(session, contest)))
    if new is not None and new in OUTCOMES:
        how = (tr("只能由确认为正式的选举结果产生") if OUTCOMES[new] is Origin.CONTEST_RESULT
               else tr("只能由资格审查决定或按核查结论定资格产生"))
        raise ValidationError(tr("不能通过更改状态把{name}改为「{new}」：「{new}」{how}").format(
            name=cand.person.name, new=new.label, how=how))


def edit_choices(session: Session, candidacy_id: int, actor: Actor) -> list[S]:
    """The statuses 更改状态 offers ``actor`` for this candidacy (in enum order): the machine's next steps without
    the outcomes and without moves the role may not make. Raises ValidationError (naming the person and the contest)
    when the candidacy's contest result is official."""
    cand = get_row(session, Candidacy, candidacy_id, tr("找不到候选人登记（编号 {id}）"))
    current = S(cand.status)
    _refuse_free_edit(session, cand, current, None)
    if current is S.ELECTED and not can(actor, Permission.ADMIN):
        return []
    return [s for s in allowed_next(current) if s not in OUTCOMES
            and can(actor, Permission.REVIEW if s in _REVIEW_TARGETS else Permission.EDIT)]


@requires(Permission.EDIT, Permission.REVIEW,
          note=tr("审查类状态须审核权限，其余须录入权限；撤销当选须管理员；"
                  "当选、未当选只能来自正式选举结果，取消资格只能来自资格审查决定"))
def transition(
    session: Session, candidacy_id: int, new_status: S | str, actor: Actor, reason: str | None = None, *,
    origin: Origin = Origin.STATUS_EDIT, expected_version: int | None = None,
) -> None:
    """Move a candidacy to ``new_status``; checks the machine, the actor's role, the origin and the reason; audits.

    ``origin`` is :attr:`Origin.STATUS_EDIT` for a free edit (更改状态): it may not set 当选/未当选/取消资格 and may not
    touch a candidacy whose contest result is official. ``elections.outcome`` passes ``CONTEST_RESULT`` (the only
    origin that may set 当选/未当选), the qualification review ``QUALIFICATION`` (the only one for 取消资格).

    Raises ValidationError (with the person and the current and requested status in Chinese) for a move the machine
    or the origin does not allow, NotFound for an unknown candidacy, PermissionDenied for a role that may not make
    the move.
    """
    new = S(new_status)
    origin = Origin(origin)
    require(actor, Permission.REVIEW if new in _REVIEW_TARGETS else Permission.EDIT)
    cand = get_row(session, Candidacy, candidacy_id, tr("找不到候选人登记（编号 {id}）"))
    # expected_version: the candidacy's version when the clerk loaded it (EditConflict if someone saved it since)
    check_version(session, cand, expected_version, tr("候选人“{name}”（{post}）").format(
        name=cand.person.name, post=cand.post), "candidacy")
    current = S(cand.status)
    if new == current:
        return
    if origin is Origin.STATUS_EDIT:
        _refuse_free_edit(session, cand, current, new)
    elif new in OUTCOMES and OUTCOMES[new] is not origin:
        raise ValidationError(tr("{name}：「{new}」不能由{origin}产生").format(
            name=cand.person.name, new=new.label,
            origin=tr("选举结果") if origin is Origin.CONTEST_RESULT else tr("资格审查")))
    elif origin is Origin.QUALIFICATION and official_contest(session, cand.id) is not None:
        _refuse_free_edit(session, cand, current, None)
    if new not in ALLOWED[current]:
        # a free edit lists only what a free edit may set (the outcomes come from a result or a verdict)
        choices = [s for s in allowed_next(current) if origin is not Origin.STATUS_EDIT or s not in OUTCOMES]
        nxt = "、".join(s.label for s in choices) or tr("无（已是最终状态）")
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
            ),
            field="reason",
        )
    before = audit.snapshot(cand)
    cand.status = new
    cand.status_reason = reason
    session.flush()
    audit.record(session, actor, "status", "candidacy", cand.id, before=before, after=audit.snapshot(cand),
                 note=f"{current.value} -> {new.value}" + (f": {reason}" if reason else ""))
