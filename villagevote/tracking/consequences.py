"""Consequences (tracking.md A1 "Consequence", A4: "proposed, never executed by the app"): a proposal (a Flag in state
proposed — 末位约谈 from a ranking, 诫勉谈话 or 班子调整 from an evaluation, a 辞职承诺 trigger …) is confirmed by the
township Party committee with a decision number, then recorded as carried out; or it is waived under an exemption
(保护清单). Every step is the reviewer's, audited. Issue 18 reuses these functions. Domain: no Qt, no reports.

    proposed → confirmed → executed
    proposed / confirmed → waived (an Exemption of the flag, or one the decision names)
"""
from __future__ import annotations

import datetime as dt

from sqlalchemy.orm import Session

from villagevote import audit
from villagevote.audit import Actor
from villagevote.auth import Permission, requires
from villagevote.errors import ValidationError
from villagevote.i18n import tr
from villagevote.lookup import get_row
from villagevote.models.enums import ConsequenceState, FlagKind
from villagevote.models.tracking import Exemption, Flag

__all__ = ["confirm", "describe", "execute", "waive"]


def _flag(session: Session, flag_id: int) -> Flag:
    return get_row(session, Flag, flag_id, tr("找不到处理建议（编号 {id}）"))


def describe(flag: Flag) -> str:
    """How a message names a proposal: 约谈（编号 12，拟末位约谈…）."""
    why = f"，{flag.why}" if flag.why else ""
    return tr("{kind}建议（编号 {id}{why}）").format(kind=FlagKind(flag.kind).label, id=flag.id, why=why)


def _state(flag: Flag, allowed: tuple[ConsequenceState, ...], action: str) -> None:
    state = ConsequenceState(flag.state)
    if state not in allowed:
        raise ValidationError(tr("{flag}的状态是“{state}”，不能{action}。").format(
            flag=describe(flag), state=state.label, action=action))


@requires(Permission.REVIEW, note=tr("须有决定文号；只对“已提出”的建议"))
def confirm(session: Session, actor: Actor, flag_id: int, *, decision_no: str, decided_on: dt.date,
            note: str = "") -> None:
    """The Party committee's decision: proposed → confirmed, with its decision number and date."""
    flag = _flag(session, flag_id)
    _state(flag, (ConsequenceState.PROPOSED,), tr("确认"))
    number = (decision_no or "").strip()
    if not number:
        raise ValidationError(tr("确认{flag}须填写乡镇党委的决定文号。").format(flag=describe(flag)), field="decision_no")
    if decided_on < flag.raised_on:
        raise ValidationError(tr("{flag}的决定日期 {day} 早于提出日期 {raised}。").format(
            flag=describe(flag), day=decided_on.isoformat(), raised=flag.raised_on.isoformat()), field="decided_on")
    before = audit.snapshot(flag)
    flag.state = ConsequenceState.CONFIRMED
    flag.decision_no = number
    flag.decided_by = actor.username
    flag.decided_on = decided_on
    if note.strip():
        flag.note = note.strip()
    audit.record(session, actor, "confirm", "flag", flag.id, before=before, after=audit.snapshot(flag))


@requires(Permission.REVIEW, note=tr("须有免责决定（保护清单）；已执行的不能免除"))
def waive(session: Session, actor: Actor, flag_id: int, *, exemption_id: int, on: dt.date) -> None:
    """Waive a proposed or confirmed consequence under an exemption (保护清单): the exemption must be of this flag or
    not yet tied to anything else; it is tied to the flag."""
    flag = _flag(session, flag_id)
    _state(flag, (ConsequenceState.PROPOSED, ConsequenceState.CONFIRMED), tr("免除"))
    exemption = get_row(session, Exemption, exemption_id, tr("找不到免责决定（编号 {id}）"))
    if exemption.revoked_on is not None:
        raise ValidationError(tr("免责决定 {no} 已于 {day} 撤销，不能据此免除{flag}。").format(
            no=exemption.decision_no or exemption.id, day=exemption.revoked_on.isoformat(), flag=describe(flag)))
    if exemption.flag_id not in (None, flag.id) or exemption.commitment_id is not None:
        raise ValidationError(tr("免责决定 {no} 针对的是另一项记录，不能用于{flag}。").format(
            no=exemption.decision_no or exemption.id, flag=describe(flag)))
    before = audit.snapshot(flag)
    if exemption.flag_id is None:
        ex_before = audit.snapshot(exemption)
        exemption.flag_id = flag.id
        audit.record(session, actor, "update", "exemption", exemption.id, before=ex_before,
                     after=audit.snapshot(exemption))
    flag.state = ConsequenceState.WAIVED
    flag.resolved_on = on
    flag.decided_by = flag.decided_by or actor.username
    flag.decision_no = flag.decision_no or exemption.decision_no
    audit.record(session, actor, "waive", "flag", flag.id, before=before, after=audit.snapshot(flag))


@requires(Permission.REVIEW, note=tr("只对已确认的建议"))
def execute(session: Session, actor: Actor, flag_id: int, *, on: dt.date, note: str = "") -> None:
    """Record that a confirmed consequence was carried out (the talk held, the circular issued …)."""
    flag = _flag(session, flag_id)
    _state(flag, (ConsequenceState.CONFIRMED,), tr("记为已执行"))
    if flag.decided_on is not None and on < flag.decided_on:
        raise ValidationError(tr("{flag}的执行日期 {day} 早于决定日期 {decided}。").format(
            flag=describe(flag), day=on.isoformat(), decided=flag.decided_on.isoformat()), field="on")
    before = audit.snapshot(flag)
    flag.state = ConsequenceState.EXECUTED
    flag.executed_on = on
    flag.resolved_on = on
    if note.strip():
        flag.note = (flag.note + "\n" if flag.note else "") + note.strip()
    audit.record(session, actor, "execute", "flag", flag.id, before=before, after=audit.snapshot(flag))
