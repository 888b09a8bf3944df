"""The voter register: paged queries and search, removal and restoration with history, stored eligibility,
township-wide duplicate checks and publication of a village's list.

Domain layer: takes a ``Session`` and returns plain data; never commits (the caller's unit of work does).
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import cast

from sqlalchemy import Table, bindparam, func, or_, select, update
from sqlalchemy.orm import Session

from villagevote import audit
from villagevote.audit import Actor
from villagevote.auth import Permission, can, requires
from villagevote.errors import ValidationError
from villagevote.i18n import tr
from villagevote.idcard import mask_id_number
from villagevote.lookup import get_row
from villagevote.models.core import ElectionCycle, Village, VillageGroup
from villagevote.models.enums import Gender, VoterCategory, VoterStatus
from villagevote.models.voters import Proxy, VillageMilestone, Voter, VoterEvent
from villagevote.versioning import check_version
from villagevote.voters.calendar import RuleProfile, publication_warnings
from villagevote.voters.eligibility import assess, check_removal
from villagevote.voters.search import query_kind

__all__ = [
    "STATUS_FILTERS",
    "DuplicateEntry",
    "DuplicateGroup",
    "RegisterFilter",
    "count_voters",
    "cross_village_duplicates",
    "cycle_profile",
    "fetch_voters",
    "possible_duplicates",
    "publish_blockers",
    "publish_voter_list",
    "refresh_eligibility",
    "remove_voter",
    "restore_voter",
    "voter_history",
]

# Status filter choices for the register view: code -> Chinese label.
STATUS_FILTERS = {
    "": "全部",
    "active": "在册",
    "eligible": "在册且有选举权",
    "ineligible": "在册但无选举权",
    "removed": "已除名（含死亡、迁出）",
}


def cycle_profile(session: Session, cycle_id: int) -> tuple[ElectionCycle, RuleProfile]:
    cycle = get_row(session, ElectionCycle, cycle_id, tr("找不到换届届次（编号 {id}）"))
    return cycle, RuleProfile.from_mapping(cycle.profile or {})


# ---------------------------------------------------------------------------------------------------------------
# Paged queries
# ---------------------------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class RegisterFilter:
    cycle_id: int
    village_id: int | None = None
    group_id: int | None = None
    category: VoterCategory | None = None
    status: str = ""  # a key of STATUS_FILTERS
    query: str = ""  # name fragment, pinyin initials or ID-number fragment


def _where(f: RegisterFilter) -> list:
    conds = [Voter.cycle_id == f.cycle_id]
    if f.village_id is not None:
        conds.append(Voter.village_id == f.village_id)
    if f.group_id is not None:
        conds.append(Voter.group_id == f.group_id)
    if f.category is not None:
        conds.append(Voter.category == f.category)
    if f.status == "active":
        conds.append(Voter.status == VoterStatus.ACTIVE)
    elif f.status == "eligible":
        conds += [Voter.status == VoterStatus.ACTIVE, Voter.eligible.is_(True)]
    elif f.status == "ineligible":
        conds += [Voter.status == VoterStatus.ACTIVE, Voter.eligible.is_(False)]
    elif f.status == "removed":
        conds.append(Voter.status != VoterStatus.ACTIVE)
    kind, q = query_kind(f.query)
    if kind == "id":
        conds.append(Voter.id_number.like(f"%{q}%"))
    elif kind == "initials":
        conds.append(or_(Voter.name_initials.like(f"{q}%"), Voter.name_initials.like(f"% {q}%")))
    elif kind == "name":
        conds.append(Voter.name.like(f"%{q}%"))
    return conds


def count_voters(session: Session, f: RegisterFilter) -> int:
    return session.scalar(select(func.count(Voter.id)).where(*_where(f))) or 0


# Columns of the rows fetch_voters returns (the register table shows them in this order).
ROW_FIELDS = ("id", "village", "group", "name", "gender", "birth_date", "age", "id_number", "category", "status",
              "eligible", "reason")


def fetch_voters(session: Session, f: RegisterFilter, offset: int, limit: int, *,
                 full_ids: bool = False) -> list[tuple]:
    """One page of the register in village, group, 姓氏笔画 order, as plain tuples (see ``ROW_FIELDS``).

    ID numbers are masked unless ``full_ids`` (callers pass ``can(actor, VIEW_SENSITIVE)``).
    """
    stmt = (
        select(Voter.id, Village.name, VillageGroup.name, Voter.name, Voter.gender, Voter.birth_date, Voter.age,
               Voter.id_number, Voter.category, Voter.status, Voter.eligible, Voter.ineligible_reason,
               Voter.status_reason)
        .join(Village, Village.id == Voter.village_id)
        .outerjoin(VillageGroup, VillageGroup.id == Voter.group_id)
        .where(*_where(f))
        .order_by(Village.code, Village.id, VillageGroup.number, Voter.name_sort, Voter.id)
        .offset(offset).limit(limit)
    )
    rows = []
    for (vid, village, group, name, gender, birth, age, idn, cat, status, eligible, why, status_reason) in \
            session.execute(stmt):
        shown_id = (idn if full_ids else mask_id_number(idn)) if idn else ""
        reason = status_reason if status != VoterStatus.ACTIVE else why
        rows.append((vid, village, group or "", name, gender.label if gender else "",
                     birth.isoformat() if birth else "", "" if age is None else age, shown_id, cat.label,
                     status.label, eligible and status == VoterStatus.ACTIVE, reason or ""))
    return rows


# ---------------------------------------------------------------------------------------------------------------
# Eligibility
# ---------------------------------------------------------------------------------------------------------------
def refresh_eligibility(session: Session, cycle_id: int, village_id: int | None = None,
                        voter_ids: Iterable[int] | None = None) -> int:
    """Recompute and store age and eligibility on the cycle's election day; returns how many rows changed."""
    cycle, profile = cycle_profile(session, cycle_id)
    conds = [Voter.cycle_id == cycle_id]
    if village_id is not None:
        conds.append(Voter.village_id == village_id)
    if voter_ids is not None:
        conds.append(Voter.id.in_(list(voter_ids)))
    changed = []
    for v in session.execute(select(Voter.id, Voter.birth_date, Voter.category, Voter.status, Voter.residence_since,
                                     Voter.application_date, Voter.consent_note, Voter.eligible, Voter.age,
                                     Voter.ineligible_reason).where(*conds)):
        verdict = assess(v.birth_date, cycle.election_day, category=v.category, status=v.status,
                         residence_since=v.residence_since, application_date=v.application_date,
                         consent_note=v.consent_note or "", min_age=profile.min_age,
                         min_residence_years=profile.min_residence_years)
        if (verdict.eligible, verdict.age, verdict.reason_text) != (v.eligible, v.age, v.ineligible_reason):
            changed.append({"vid": v.id, "eligible": verdict.eligible, "age": verdict.age,
                            "ineligible_reason": verdict.reason_text})
    if changed:
        session.execute(
            update(cast(Table, Voter.__table__)).where(Voter.__table__.c.id == bindparam("vid"))
            .values(eligible=bindparam("eligible"), age=bindparam("age"),
                    ineligible_reason=bindparam("ineligible_reason")),
            changed,
        )
    return len(changed)


# ---------------------------------------------------------------------------------------------------------------
# Removal and history
# ---------------------------------------------------------------------------------------------------------------
def _voter(session: Session, voter_id: int) -> Voter:
    return get_row(session, Voter, voter_id, tr("找不到选民（编号 {id}）"))


def _check_version(session: Session, voter: Voter, expected_version: int | None) -> None:
    check_version(session, voter, expected_version, tr("选民“{name}”").format(name=voter.name), "voter")


def _event(session: Session, actor: Actor, voter: Voter, kind: str, before: VoterStatus | None,
           reason: str, on: dt.date | None) -> None:
    session.add(VoterEvent(voter_id=voter.id, kind=kind, status_before=before.value if before else None,
                           status_after=voter.status.value, reason=reason, event_date=on, username=actor.username))


@requires(Permission.EDIT)
def remove_voter(session: Session, actor: Actor, voter_id: int, status: VoterStatus, reason: str, on: dt.date,
                 today: dt.date | None = None, *, expected_version: int | None = None) -> list[str]:
    """Take a voter off the list (death, moving out, deprivation, striking off). The row stays, with status, reason
    and date, and a history event. Proxies given or held by the voter are cancelled; their descriptions are
    returned so the caller can tell the user. ``expected_version``: the voter's version when the clerk loaded it
    (EditConflict, nothing saved, when someone changed the entry since)."""
    check_removal(status, reason, on, today)
    voter = _voter(session, voter_id)
    _check_version(session, voter, expected_version)
    if voter.status != VoterStatus.ACTIVE:
        raise ValidationError(tr("{name}已是「{status}」状态，无需再次除名").format(name=voter.name, status=voter.status.label))
    before = audit.snapshot(voter)
    previous = voter.status
    voter.status = status
    voter.status_reason = reason.strip()
    voter.status_date = on
    voter.eligible = False
    cancelled = _cancel_proxies(session, actor, voter, tr("{name}已除名").format(name=voter.name))
    _event(session, actor, voter, "remove", previous, reason.strip(), on)
    session.flush()
    audit.record(session, actor, "remove", "voter", voter.id, before=before, after=audit.snapshot(voter))
    return cancelled


def _cancel_proxies(session: Session, actor: Actor, voter: Voter, why: str) -> list[str]:
    out = []
    for proxy in session.scalars(select(Proxy).where(or_(Proxy.principal_id == voter.id, Proxy.holder_id == voter.id))):
        principal = session.get(Voter, proxy.principal_id)
        holder = session.get(Voter, proxy.holder_id)
        out.append(tr("{p} 委托 {h} 的委托投票已取消（{why}）").format(
            p=principal.name if principal else "?", h=holder.name if holder else "?", why=why))
        snap = audit.snapshot(proxy)
        session.delete(proxy)
        audit.record(session, actor, "cancel", "proxy", proxy.id, before=snap, note=why)
    return out


@requires(Permission.EDIT)
def restore_voter(session: Session, actor: Actor, voter_id: int, reason: str, on: dt.date, *,
                  expected_version: int | None = None) -> None:
    """Put a removed voter back on the list (e.g. an objection showed the removal was wrong)."""
    if not reason.strip():
        raise ValidationError(tr("请填写恢复登记的原因"))
    voter = _voter(session, voter_id)
    _check_version(session, voter, expected_version)
    if voter.status == VoterStatus.ACTIVE:
        raise ValidationError(tr("{name}仍在选民名单中，无需恢复").format(name=voter.name))
    if voter.id_number:
        other = session.scalar(select(Voter).where(Voter.cycle_id == voter.cycle_id, Voter.id != voter.id,
                                                   Voter.id_number == voter.id_number,
                                                   Voter.status == VoterStatus.ACTIVE))
        if other is not None and other.village_id == voter.village_id:
            raise ValidationError(tr("本村名单中已有身份证号码相同的选民「{name}」，不能重复登记").format(name=other.name))
    before = audit.snapshot(voter)
    previous = voter.status
    voter.status = VoterStatus.ACTIVE
    voter.status_reason = ""
    voter.status_date = None
    _event(session, actor, voter, "restore", previous, reason.strip(), on)
    session.flush()
    refresh_eligibility(session, voter.cycle_id, voter_ids=[voter.id])
    audit.record(session, actor, "restore", "voter", voter.id, before=before, after=audit.snapshot(voter))


@dataclass(frozen=True)
class HistoryRow:
    at: dt.datetime
    kind: str
    status_before: str
    status_after: str
    reason: str
    event_date: dt.date | None
    username: str


_EVENT_LABELS = {"remove": "除名", "restore": "恢复登记", "correct": "更正", "objection": "异议处理", "add": "登记"}


def voter_history(session: Session, voter_id: int) -> list[HistoryRow]:
    """The history of one register entry, oldest first (the row itself records where it came from)."""
    voter = _voter(session, voter_id)
    rows = [HistoryRow(voter.created_at, tr("登记"), "", VoterStatus.ACTIVE.label, voter.source or "", None, "")]
    for e in session.scalars(select(VoterEvent).where(VoterEvent.voter_id == voter_id).order_by(VoterEvent.id)):
        rows.append(HistoryRow(
            e.at, tr(_EVENT_LABELS.get(e.kind, e.kind)),
            VoterStatus(e.status_before).label if e.status_before else "",
            VoterStatus(e.status_after).label if e.status_after else "", e.reason, e.event_date, e.username))
    return rows


# ---------------------------------------------------------------------------------------------------------------
# Township-wide checks
# ---------------------------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class DuplicateEntry:
    voter_id: int
    village_id: int
    village: str
    name: str
    group: str
    id_number: str
    birth_date: dt.date | None


@dataclass(frozen=True)
class DuplicateGroup:
    key: str  # the ID number, or "name birth-date"
    entries: tuple[DuplicateEntry, ...]

    @property
    def village_ids(self) -> set[int]:
        return {e.village_id for e in self.entries}

    def describe(self, masked: bool = True) -> str:
        parts = "、".join(tr("{village}（{group}{name}）").format(village=e.village, group=e.group, name=e.name)
                         for e in self.entries)
        return parts


def _entries(session: Session, conds: Sequence) -> list[DuplicateEntry]:
    rows = session.execute(
        select(Voter.id, Voter.village_id, Village.name, Voter.name, VillageGroup.name, Voter.id_number,
               Voter.birth_date)
        .join(Village, Village.id == Voter.village_id)
        .outerjoin(VillageGroup, VillageGroup.id == Voter.group_id)
        .where(*conds).order_by(Voter.village_id, Voter.id))
    return [DuplicateEntry(r[0], r[1], r[2], r[3], r[4] or "", r[5] or "", r[6]) for r in rows]


def cross_village_duplicates(session: Session, cycle_id: int, village_id: int | None = None) -> list[DuplicateGroup]:
    """Active voters whose ID number is registered in more than one village (nobody votes in two villages)."""
    active = [Voter.cycle_id == cycle_id, Voter.status == VoterStatus.ACTIVE, Voter.id_number.is_not(None)]
    dup_ids = select(Voter.id_number).where(*active).group_by(Voter.id_number).having(
        func.count(func.distinct(Voter.village_id)) > 1)
    if village_id is not None:
        dup_ids = dup_ids.having(func.sum(Voter.village_id == village_id) > 0)
    groups: dict[str, list[DuplicateEntry]] = {}
    for e in _entries(session, active + [Voter.id_number.in_(dup_ids.scalar_subquery())]):
        groups.setdefault(e.id_number, []).append(e)
    return [DuplicateGroup(k, tuple(v)) for k, v in sorted(groups.items())]


def possible_duplicates(session: Session, cycle_id: int, village_id: int | None = None) -> list[DuplicateGroup]:
    """Active voters with the same name and birth date where at least one has no ID number: maybe one person."""
    active = [Voter.cycle_id == cycle_id, Voter.status == VoterStatus.ACTIVE, Voter.birth_date.is_not(None)]
    keys = (select(Voter.name, Voter.birth_date).where(*active).group_by(Voter.name, Voter.birth_date)
            .having(func.count() > 1).having(func.sum(Voter.id_number.is_(None)) > 0))
    if village_id is not None:
        keys = keys.having(func.sum(Voter.village_id == village_id) > 0)
    pairs = session.execute(keys).all()
    out = []
    for name, birth in pairs:
        entries = _entries(session, active + [Voter.name == name, Voter.birth_date == birth])
        out.append(DuplicateGroup(f"{name} {birth.isoformat()}", tuple(entries)))
    return out


def publish_blockers(session: Session, cycle_id: int, village_id: int) -> list[str]:
    """Why the village's list cannot be published yet (empty when it can)."""
    out = []
    for group in cross_village_duplicates(session, cycle_id, village_id):
        out.append(tr("身份证号码 {id} 同时登记在：{where}。同一人只能在一个村登记，请先在其中一村除名").format(
            id=mask_id_number(group.key), where=group.describe()))
    return out


@requires(Permission.EDIT)
def publish_voter_list(session: Session, actor: Actor, cycle_id: int, village_id: int, on: dt.date) -> list[str]:
    """Record that the village's voter list was published on ``on``. Refused while the same ID number is registered
    in another village. Returns warnings (e.g. published later than the statutory day)."""
    village = get_row(session, Village, village_id, tr("找不到村（编号 {id}）"))
    blockers = publish_blockers(session, cycle_id, village_id)
    if blockers:
        raise ValidationError(tr("{village}的选民名单暂不能公布：\n").format(village=village.name) + "\n".join(blockers))
    cycle, profile = cycle_profile(session, cycle_id)
    if not session.scalar(select(func.count(Voter.id)).where(Voter.cycle_id == cycle_id, Voter.village_id == village_id,
                                                             Voter.status == VoterStatus.ACTIVE)):
        raise ValidationError(tr("{village}还没有登记选民，不能公布名单").format(village=village.name))
    warnings = publication_warnings(on, cycle.election_day, profile)
    if on >= cycle.election_day:
        raise ValidationError(warnings[0])
    set_milestone(session, actor, cycle_id, village_id, "voter_list", on)
    return warnings


@requires(Permission.EDIT)
def set_milestone(session: Session, actor: Actor, cycle_id: int, village_id: int, code: str, on: dt.date | None,
                  note: str = "") -> None:
    """Record (or clear, with ``on=None``) the day a statutory step was done in a village."""
    row = session.scalar(select(VillageMilestone).where(VillageMilestone.cycle_id == cycle_id,
                                                        VillageMilestone.village_id == village_id,
                                                        VillageMilestone.code == code))
    before = audit.snapshot(row)
    if on is None:
        if row is not None:
            session.delete(row)
            audit.record(session, actor, "clear", "village_milestone", row.id, before=before)
        return
    if row is None:
        row = VillageMilestone(cycle_id=cycle_id, village_id=village_id, code=code, done_on=on, note=note,
                               username=actor.username)
        session.add(row)
    else:
        row.done_on, row.note, row.username = on, note, actor.username
    session.flush()
    audit.record(session, actor, "set", "village_milestone", row.id, before=before, after=audit.snapshot(row))


def milestones(session: Session, cycle_id: int, village_id: int | None = None) -> dict[tuple[int, str], dt.date]:
    conds = [VillageMilestone.cycle_id == cycle_id]
    if village_id is not None:
        conds.append(VillageMilestone.village_id == village_id)
    return {(m.village_id, m.code): m.done_on for m in session.scalars(select(VillageMilestone).where(*conds))}


def can_see_ids(actor: Actor) -> bool:
    return can(actor, Permission.VIEW_SENSITIVE)


def gender_of(text: str | None) -> Gender | None:
    if text == "男":
        return Gender.MALE
    if text == "女":
        return Gender.FEMALE
    return None


def registered_voter_count(session: Session, cycle_id: int, village_id: int | None = None) -> int:
    """Voters on the published list who may vote on the election day (active and eligible): the number an
    election's validity (more than half of registered voters) is measured against."""
    conds = [Voter.cycle_id == cycle_id, Voter.status == VoterStatus.ACTIVE, Voter.eligible.is_(True)]
    if village_id is not None:
        conds.append(Voter.village_id == village_id)
    return session.scalar(select(func.count(Voter.id)).where(*conds)) or 0
