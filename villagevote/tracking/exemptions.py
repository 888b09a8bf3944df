"""保护清单 (容错免责, tracking.md A1 "Exemption", A6): a reviewer records an approved exemption, with its category
and decision document, for an item (it becomes 未兑现·免责: no negative score, no trigger), a consequence (it is
waived), or a role holder's year (``assessed_role_id`` or ``person_id`` with ``year``)."""
from __future__ import annotations

import datetime as dt

from sqlalchemy.orm import Session

from villagevote import audit
from villagevote.audit import Actor
from villagevote.auth import Permission, requires
from villagevote.errors import ValidationError
from villagevote.i18n import tr
from villagevote.lookup import get_row
from villagevote.models import Person
from villagevote.models.enums import CommitmentStatus, ConsequenceState, ExemptionCategory, Verdict
from villagevote.models.tracking import AssessedRole, Commitment, Exemption, Flag
from villagevote.tracking.ledger import change_status, get_commitment, item_name, roll_up
from villagevote.tracking.supervision import _lift_all

__all__ = ["grant_exemption"]

# an item in one of these cannot be exempted: it is done, or already struck or exempt
_NOT_EXEMPTIBLE = frozenset({CommitmentStatus.CLOSED, CommitmentStatus.KEPT, CommitmentStatus.EXCUSED,
                             CommitmentStatus.WITHDRAWN})


@requires(Permission.REVIEW, note=tr("须有决定文号；对象为一个事项、一项处理或一人一年"))
def grant_exemption(session: Session, actor: Actor, *, category: ExemptionCategory, reason: str, decision_no: str,
                    decided_on: dt.date, commitment_id: int | None = None, flag_id: int | None = None,
                    assessed_role_id: int | None = None, person_id: int | None = None,
                    year: int | None = None) -> int:
    """Record one exemption; returns its id."""
    targets = [x for x in (commitment_id, flag_id, assessed_role_id, person_id) if x is not None]
    if len(targets) != 1:
        raise ValidationError(tr("免责须指定且只指定一个对象（一个事项、一项处理或一名干部）"), field="commitment_id")
    text = (reason or "").strip()
    number = (decision_no or "").strip()
    subject = ""
    c: Commitment | None = None
    flag: Flag | None = None
    if commitment_id is not None:
        c = get_commitment(session, commitment_id)
        subject = item_name(c)
        status = CommitmentStatus(c.status)
        if status in _NOT_EXEMPTIBLE:
            raise ValidationError(tr("{item}的状态是“{status}”，不能列入保护清单").format(item=subject, status=status.label))
    elif flag_id is not None:
        flag = get_row(session, Flag, flag_id, tr("找不到处理记录（编号 {id}）"))
        subject = tr("处理“{kind}”（编号 {id}）").format(kind=flag.kind.label, id=flag.id)
        if ConsequenceState(flag.state) in (ConsequenceState.EXECUTED, ConsequenceState.WAIVED):
            raise ValidationError(tr("{subject}已是“{state}”，不能再免责").format(
                subject=subject, state=ConsequenceState(flag.state).label))
    else:
        if assessed_role_id is not None:
            role = get_row(session, AssessedRole, assessed_role_id, tr("找不到考核岗位（编号 {id}）"))
            subject = tr("岗位“{title}”").format(title=role.title)
        else:
            person = get_row(session, Person, person_id, tr("找不到人员（编号 {id}）"))
            subject = person.name
        if year is None:
            raise ValidationError(tr("{subject}：对个人的免责须写明年度").format(subject=subject), field="year")
    if not text:
        raise ValidationError(tr("{subject}：免责须填写理由").format(subject=subject), field="reason")
    if not number:
        raise ValidationError(tr("{subject}：免责须填写乡镇党委的决定文号").format(subject=subject), field="decision_no")
    row = Exemption(commitment_id=commitment_id, flag_id=flag_id, assessed_role_id=assessed_role_id,
                    person_id=person_id, year=year, category=ExemptionCategory(category), reason=text,
                    decision_no=number, decided_on=decided_on, decided_by=actor.username)
    exemption_id = audit.add_recorded(session, actor, "grant_exemption", "exemption", row)
    note = tr("列入保护清单（{no}）：{reason}").format(no=number, reason=text)
    if c is not None:
        before = audit.snapshot(c)
        change_status(session, c, CommitmentStatus.EXCUSED, on=decided_on, by=actor.username, note=note)
        c.verdict = Verdict.EXCUSED
        c.verdict_on = decided_on
        c.verdict_evidence = note
        _lift_all(session, actor, c, on=decided_on, note=note)
        audit.record(session, actor, "status", "commitment", c.id, before=before, after=audit.snapshot(c), note=note)
        if c.parent_id is not None:
            parent = session.get(Commitment, c.parent_id)
            if parent is not None:
                roll_up(session, parent)
    if flag is not None:
        before = audit.snapshot(flag)
        flag.state = ConsequenceState.WAIVED
        flag.decided_by = actor.username
        flag.decided_on = decided_on
        flag.decision_no = flag.decision_no or number
        flag.resolved_on = decided_on
        audit.record(session, actor, "update", "flag", flag.id, before=before, after=audit.snapshot(flag), note=note)
    session.flush()
    return exemption_id
