"""Meeting attendance and absence periods (tracking.md A5): the records the 辞职承诺 triggers ``missed_meetings`` and
``long_absence`` are evaluated from. Domain writes (clerk), audited; each refusal names the cadre and the date.

- :func:`record_meeting`: a village meeting (两委会议, 党员大会, 村民代表会议 …) and who of the cadres in office was
  absent, with or without a reason accepted (请假); recording the same meeting again replaces its absences.
- :func:`record_absence` / :func:`end_absence`: a cadre away from the post from a date (to a date, or still away).
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from villagevote import audit
from villagevote.audit import Actor
from villagevote.auth import Permission, requires
from villagevote.errors import ValidationError
from villagevote.evaluation.office import holder
from villagevote.evaluation.verdicts import cn_date
from villagevote.i18n import tr
from villagevote.lookup import get_row
from villagevote.models import ElectionCycle, Person, Village
from villagevote.models.enums import MeetingKind
from villagevote.models.evaluation import AbsenceRecord, MeetingAbsence, MeetingRecord

__all__ = ["AbsentInput", "end_absence", "record_absence", "record_meeting"]


@dataclass(frozen=True)
class AbsentInput:
    person_id: int
    with_reason: bool = False
    reason: str = ""


def _person(session: Session, person_id: int) -> Person:
    return get_row(session, Person, person_id, tr("找不到人员（编号 {id}）"))


@requires(Permission.EDIT)
def record_meeting(session: Session, actor: Actor, *, cycle_id: int, village_id: int, held_on: dt.date,
                   kind: MeetingKind | str, title: str = "", absent: Sequence[AbsentInput] = (),
                   meeting_id: int | None = None, today: dt.date | None = None) -> int:
    """Record a meeting and its absentees (``meeting_id``: correct an earlier record; its absences are replaced).
    Refused: a date in the future, an absentee not in office in the village that year, the same person twice, a
    reason accepted without the reason written. Returns the meeting's id."""
    today = today or dt.date.today()
    get_row(session, ElectionCycle, cycle_id, tr("找不到换届届次（编号 {id}）"))
    village = get_row(session, Village, village_id, tr("找不到村（编号 {id}）"))
    try:
        kind = MeetingKind(kind)
    except ValueError:
        raise ValidationError(tr("会议类型“{k}”不可用").format(k=kind), field="kind") from None
    what = tr("{village}{day}{kind}").format(village=village.name, day=cn_date(held_on), kind=kind.label)
    if held_on > today:
        raise ValidationError(tr("{what}：会议日期晚于今天").format(what=what), field="held_on")
    seen: set[int] = set()
    for a in absent:
        person = _person(session, a.person_id)
        if a.person_id in seen:
            raise ValidationError(tr("{what}：{name}在缺席名单中出现两次").format(what=what, name=person.name))
        seen.add(a.person_id)
        if holder(session, cycle_id, village_id, held_on.year, a.person_id) is None:
            raise ValidationError(tr("{what}：{name}{year}年不在本村任职，不能登记缺席").format(
                what=what, name=person.name, year=held_on.year))
        if a.with_reason and not a.reason.strip():
            raise ValidationError(tr("{what}：{name}请假缺席，请写明理由").format(what=what, name=person.name),
                                  field="reason")
    if meeting_id is None:
        meeting = MeetingRecord(cycle_id=cycle_id, village_id=village_id, held_on=held_on, kind=kind,
                                title=(title or "").strip(), recorded_by=actor.display_name or actor.username)
        session.add(meeting)
        session.flush()
        audit.record(session, actor, "record_meeting", "meeting_record", meeting.id, after=audit.snapshot(meeting))
    else:
        meeting = get_row(session, MeetingRecord, meeting_id, tr("找不到会议记录（编号 {id}）"))
        before = audit.snapshot(meeting)
        meeting.held_on, meeting.kind, meeting.title = held_on, kind, (title or "").strip()
        meeting.village_id, meeting.cycle_id = village_id, cycle_id
        for old in session.scalars(select(MeetingAbsence).where(MeetingAbsence.meeting_id == meeting.id)):
            audit.record(session, actor, "delete", "meeting_absence", old.id, before=audit.snapshot(old))
            session.delete(old)
        session.flush()
        audit.record(session, actor, "update", "meeting_record", meeting.id, before=before,
                     after=audit.snapshot(meeting))
    for a in absent:
        row = MeetingAbsence(meeting_id=meeting.id, person_id=a.person_id, with_reason=a.with_reason,
                             reason=a.reason.strip())
        audit.add_recorded(session, actor, "create", "meeting_absence", row)
    return meeting.id


@requires(Permission.EDIT)
def record_absence(session: Session, actor: Actor, *, cycle_id: int, person_id: int, from_on: dt.date,
                   to_on: dt.date | None = None, village_id: int | None = None, reason: str = "",
                   approved: bool = False, today: dt.date | None = None) -> int:
    """A cadre away from the post from ``from_on`` through ``to_on`` (None: still away). Refused: a start in the
    future, an end before the start, a period overlapping another of the same person. Returns its id."""
    today = today or dt.date.today()
    get_row(session, ElectionCycle, cycle_id, tr("找不到换届届次（编号 {id}）"))
    person = _person(session, person_id)
    if from_on > today:
        raise ValidationError(tr("{name}：离村日期 {d} 晚于今天").format(name=person.name, d=cn_date(from_on)),
                              field="from_on")
    if to_on is not None and to_on < from_on:
        raise ValidationError(tr("{name}：返村日期 {e} 早于离村日期 {s}").format(
            name=person.name, e=cn_date(to_on), s=cn_date(from_on)), field="to_on")
    _no_overlap(session, person, cycle_id, from_on, to_on, None)
    row = AbsenceRecord(cycle_id=cycle_id, person_id=person_id, village_id=village_id or person.village_id,
                        from_on=from_on, to_on=to_on, reason=(reason or "").strip(), approved=approved,
                        recorded_by=actor.display_name or actor.username)
    session.add(row)
    session.flush()
    audit.record(session, actor, "record_absence", "absence_record", row.id, after=audit.snapshot(row))
    return row.id


def _no_overlap(session: Session, person: Person, cycle_id: int, start: dt.date, end: dt.date | None,
                skip: int | None) -> None:
    far = dt.date.max
    for other in session.scalars(select(AbsenceRecord).where(AbsenceRecord.person_id == person.id,
                                                               AbsenceRecord.cycle_id == cycle_id)):
        if other.id == skip:
            continue
        if start <= (other.to_on or far) and other.from_on <= (end or far):
            until = cn_date(other.to_on) if other.to_on else tr("至今")
            raise ValidationError(tr("{name}：与已登记的离村时段 {s}—{e} 重叠").format(
                name=person.name, s=cn_date(other.from_on), e=until), field="from_on")


@requires(Permission.EDIT)
def end_absence(session: Session, actor: Actor, absence_id: int, *, to_on: dt.date,
                today: dt.date | None = None) -> None:
    """The cadre came back on ``to_on``."""
    today = today or dt.date.today()
    row = get_row(session, AbsenceRecord, absence_id, tr("找不到离村记录（编号 {id}）"))
    person = _person(session, row.person_id)
    if to_on < row.from_on or to_on > today:
        raise ValidationError(tr("{name}：返村日期 {e} 应在离村日期 {s} 与今天之间").format(
            name=person.name, e=cn_date(to_on), s=cn_date(row.from_on)), field="to_on")
    _no_overlap(session, person, row.cycle_id, row.from_on, to_on, row.id)
    before = audit.snapshot(row)
    row.to_on = to_on
    session.flush()
    audit.record(session, actor, "update", "absence_record", row.id, before=before, after=audit.snapshot(row))
