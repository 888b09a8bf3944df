"""Reads for the voter notices a village posts or hands out after the list is published: the changes to the list
since its publication (选民补登/除名公告) and the objections decided (异议处理决定通知书).

Plain dataclasses for ``reports.forms_voters``; no ID numbers leave this module (the notices never print them).
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from villagevote.i18n import tr
from villagevote.models.core import AuditLog, Village, VillageGroup
from villagevote.models.enums import ObjectionOutcome, VoterStatus
from villagevote.models.voters import Objection, ObjectionRequest, VillageMilestone, Voter, VoterEvent
from villagevote.voters.groups import group_sort_key
from villagevote.voters.search import name_sort_key

__all__ = ["ListChange", "ObjectionDecision", "changes_since", "decided_objections"]

ADDED, REMOVED, CORRECTED = "add", "remove", "correct"


@dataclass(frozen=True)
class ListChange:
    """One voter whose place on the published list changed after publication."""

    kind: str  # "add" (补登), "remove" (除名) or "correct" (更正)
    voter_id: int
    name: str
    gender: str  # 男 / 女 / ""
    group: str  # 村民小组 now ("" when none)
    on: dt.date  # date of the (last) change
    reason: str  # why, as recorded (death, moving out, an upheld objection …): for the file, not for posting
    basis: str  # why, in the few words a posted notice gives (死亡, 户籍迁出, 漏登（异议成立）…)


_REMOVAL_BASIS = {VoterStatus.DECEASED: "死亡", VoterStatus.MOVED_OUT: "户籍迁出",
                  VoterStatus.DEPRIVED: "被依法剥夺政治权利", VoterStatus.REMOVED: "不符合登记条件"}


def _by_objection(reason: str) -> bool:
    return reason.startswith(tr("异议成立"))


def _day(event: VoterEvent) -> dt.date:
    return event.event_date or event.at.date()


def _published_at(session: Session, cycle_id: int, village_id: int) -> dt.datetime | None:
    """When the publication of the village's list was first recorded (the audit log of its milestone row)."""
    row_id = session.scalar(select(VillageMilestone.id).where(VillageMilestone.cycle_id == cycle_id,
                                                              VillageMilestone.village_id == village_id,
                                                              VillageMilestone.code == "voter_list"))
    if row_id is None:
        return None
    return session.scalar(select(AuditLog.at).where(AuditLog.entity == "village_milestone",
                                                   AuditLog.entity_id == str(row_id), AuditLog.action == "set")
                          .order_by(AuditLog.at, AuditLog.id).limit(1))


def changes_since(session: Session, cycle_id: int, village_id: int, published_on: dt.date) -> list[ListChange]:
    """Voters added to or removed from the village's list after it was published on ``published_on``, and entries
    corrected since. "After" is after the publication was recorded (its audit entry), so a death recorded after the
    list went up is a removal to announce even when dated earlier; without that entry, changes dated after
    ``published_on`` count. A voter's state when the list was posted is compared with today's: on the list then and
    not now is a removal, the reverse an addition (entered later, restored, or listed by an upheld objection); a voter
    removed and restored again is no change. Ordered by kind (补登, 除名, 更正), then 村民小组 and 姓氏笔画."""
    voters = {v.id: v for v in session.scalars(select(Voter).where(Voter.cycle_id == cycle_id,
                                                                   Voter.village_id == village_id))}
    if not voters:
        return []
    anchor = _published_at(session, cycle_id, village_id)

    def later(at: dt.datetime | None, day: dt.date | None) -> bool:
        if anchor is not None and at is not None and at != anchor:
            return at > anchor
        return day is not None and day > published_on  # no audit entry, or recorded in the same instant

    events: dict[int, list[VoterEvent]] = {}
    for e in session.scalars(select(VoterEvent).where(VoterEvent.voter_id.in_(voters)).order_by(VoterEvent.id)):
        if e.kind == "objection" or later(e.at, _day(e)):
            events.setdefault(e.voter_id, []).append(e)
    late_entries = {vid for vid, v in voters.items()
                    if later(v.created_at, v.created_at.date() if v.created_at else None)
                    and not any(e.kind == "objection" for e in events.get(vid, []))}
    groups = dict(session.execute(select(VillageGroup.id, VillageGroup.name)
                                  .where(VillageGroup.village_id == village_id)).tuples().all())
    out: list[ListChange] = []
    for vid in set(events) | late_entries:
        v = voters[vid]
        history = events.get(vid, [])
        active_now = v.status == VoterStatus.ACTIVE and v.eligible  # on the list as posted (voters_by_group)
        if vid in late_entries:
            active_then = False
        elif history and history[0].kind in ("remove", "restore") and history[0].status_before:
            active_then = history[0].status_before == VoterStatus.ACTIVE.value
        elif history and history[0].kind == "objection":
            active_then = False  # listed by an upheld objection (漏登)
        else:
            active_then = active_now
        gender = v.gender.label if v.gender else ""
        group = groups.get(v.group_id, "") if v.group_id else ""
        last = history[-1] if history else None
        on = _day(last) if last is not None else (v.created_at.date() if v.created_at else published_on)
        if active_then and not active_now:
            removal = next((e for e in reversed(history) if e.kind == "remove"), last)
            reason = v.status_reason or (removal.reason if removal else "") or v.status.label
            basis = tr(_REMOVAL_BASIS.get(v.status, "不符合登记条件"))
            if _by_objection(reason):
                basis += tr("（异议成立）")
            out.append(ListChange(REMOVED, vid, v.name, gender, group, _day(removal) if removal else on, reason,
                                  basis))
        elif active_now and not active_then:
            kind = last.kind if last is not None else ""
            reason = last.reason if last is not None and kind in ("objection", "restore") else (
                v.source or tr("补充登记"))
            basis = {"objection": tr("漏登（异议成立）"), "restore": tr("恢复登记")}.get(kind, tr("补充登记"))
            out.append(ListChange(ADDED, vid, v.name, gender, group, on, reason, basis))
        elif active_now:
            fixes = [e for e in history if e.kind == "correct"]
            if fixes:
                what = fixes[-1].reason.partition(tr("；更正："))[2]
                basis = tr("更正{what}").format(what=what) if what else tr("登记信息更正")
                if _by_objection(fixes[-1].reason):
                    basis += tr("（异议成立）")
                out.append(ListChange(CORRECTED, vid, v.name, gender, group, _day(fixes[-1]), fixes[-1].reason,
                                      basis))
    order = {ADDED: 0, REMOVED: 1, CORRECTED: 2}
    out.sort(key=lambda c: (order[c.kind], group_sort_key(c.group) if c.group else (2, 0, ""), name_sort_key(c.name), c.voter_id))
    return out


@dataclass(frozen=True)
class ObjectionDecision:
    """One decided objection, as the 异议处理决定通知书 tells it to the person who raised it."""

    id: int
    village_id: int
    village: str
    raised_by: str
    about: str  # the voter (or person to be listed) the objection concerns
    about_group: str
    request: ObjectionRequest
    ground: str
    received_on: dt.date
    upheld: bool
    answer: str
    answered_on: dt.date
    answer_due: dt.date | None
    voter_status: str  # the voter's status now ("" when no voter entry), e.g. 已除名
    seq: int = 0  # the objection's number within its village (1, 2, … in order of registration)


def decided_objections(session: Session, cycle_id: int, village_id: int | None = None,
                       objection_id: int | None = None) -> list[ObjectionDecision]:
    """Objections the election committee has decided (成立 or 不成立), by village code, then answer date."""
    stmt = (select(Objection, Village.name, Voter, VillageGroup.name)
            .join(Village, Village.id == Objection.village_id)
            .outerjoin(Voter, Voter.id == Objection.voter_id)
            .outerjoin(VillageGroup, VillageGroup.id == Voter.group_id)
            .where(Objection.cycle_id == cycle_id, Objection.outcome != ObjectionOutcome.PENDING,
                   Objection.answered_on.is_not(None))
            .order_by(Village.code, Village.id, Objection.answered_on, Objection.id))
    if village_id is not None:
        stmt = stmt.where(Objection.village_id == village_id)
    if objection_id is not None:
        stmt = stmt.where(Objection.id == objection_id)
    seq: dict[int, int] = {}
    counts: dict[int, int] = {}
    for oid, vid in session.execute(select(Objection.id, Objection.village_id)
                                    .where(Objection.cycle_id == cycle_id).order_by(Objection.id)).tuples():
        counts[vid] = counts.get(vid, 0) + 1
        seq[oid] = counts[vid]
    out = []
    for o, village, voter, group in session.execute(stmt).tuples():
        assert o.answered_on is not None  # filtered above
        out.append(ObjectionDecision(
            id=o.id, village_id=o.village_id, village=village, raised_by=o.raised_by,
            about=o.about_name or (voter.name if voter else ""), about_group=group or "", request=o.request,
            ground=o.ground, received_on=o.received_on, upheld=o.outcome == ObjectionOutcome.UPHELD,
            answer=o.answer, answered_on=o.answered_on, answer_due=o.answer_due,
            voter_status=voter.status.label if voter is not None else "", seq=seq.get(o.id, 0)))
    return out
