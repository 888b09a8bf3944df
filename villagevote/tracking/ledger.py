"""The commitment ledger (践诺台账, tracking.md A1–A2): registration (挂号) with a ledger number, the items that come
from an elected cadre's reviewed term goals, and 撤销.

Ledger numbers are ``<村简称>-<年>-<序号3位>`` (e.g. ``东山-2026-007``): the village's name without 村/社区, the year
of registration and the next number of that village and year; a township-level item (no village) uses the
township's short name. Every status change goes through :func:`change_status`, which writes a
``CommitmentStatusChange`` (``changed_by`` = the user's name, or 系统) and an audit row.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import ROUND_FLOOR, Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from villagevote import audit
from villagevote.audit import Actor
from villagevote.auth import Permission, requires
from villagevote.errors import NotFound, ValidationError
from villagevote.i18n import tr
from villagevote.lookup import get_row
from villagevote.models import Candidacy, ElectionCycle, Organization, Pledge, PledgeItem, Township, Village
from villagevote.models.enums import (
    CandidacyStatus,
    CommitmentKind,
    CommitmentSource,
    CommitmentStatus,
    PledgeKind,
    PledgeStatus,
    Verdict,
)
from villagevote.models.pledges import PledgeItemKind
from villagevote.models.tracking import AssessedRole, Commitment, CommitmentStatusChange, Supervision

__all__ = [
    "ACTIVE",
    "DONE_FOR_PARENT",
    "FINAL",
    "OPEN",
    "SYSTEM_NAME",
    "Owner",
    "change_status",
    "get_commitment",
    "item_name",
    "next_ledger_no",
    "open_children",
    "parent_percent",
    "register",
    "register_pledged",
    "roll_up",
    "short_name",
    "withdraw",
]

# 已挂号 / 推进中 / 逾期: the item is being worked on (weekly reports due, lights, 逾期 check).
OPEN = frozenset({CommitmentStatus.REGISTERED, CommitmentStatus.IN_PROGRESS, CommitmentStatus.OVERDUE})
# open, or 报结 and waiting for 验收: progress can still be reported.
ACTIVE = OPEN | {CommitmentStatus.REPORTED_DONE}
# no further work: 销号, a verdict, 免责, 撤销.
FINAL = frozenset({CommitmentStatus.CLOSED, CommitmentStatus.KEPT, CommitmentStatus.PARTLY_KEPT,
                   CommitmentStatus.BROKEN, CommitmentStatus.EXCUSED, CommitmentStatus.WITHDRAWN})
# a child in one of these lets its parent be 报结 (A2: "every child is 销号 or exempt"; a withdrawn child is struck).
DONE_FOR_PARENT = frozenset({CommitmentStatus.CLOSED, CommitmentStatus.KEPT, CommitmentStatus.PARTLY_KEPT,
                             CommitmentStatus.EXCUSED, CommitmentStatus.WITHDRAWN})

SYSTEM_NAME = "系统"  # changed_by of the automatic 逾期 check

# A term-goal pledge counts once it has passed review; signing is the normal case.
_USABLE = (PledgeStatus.REVIEWED, PledgeStatus.SIGNED)


@dataclass(frozen=True)
class Owner:
    """Who answers for an item: exactly one of an elected candidacy, an organization (a team pledge) or an
    assessed role (生态指导员, 河长, 联村干部 …)."""

    candidacy_id: int | None = None
    organization_id: int | None = None
    assessed_role_id: int | None = None


def short_name(name: str, suffixes: tuple[str, ...] = ("社区", "村")) -> str:
    """东山村 → 东山; 东山社区 → 东山 (a name that IS the suffix stays)."""
    for suffix in suffixes:
        if name.endswith(suffix) and len(name) > len(suffix):
            return name[: -len(suffix)]
    return name


def item_name(c: Commitment) -> str:
    """How a message names an item: 事项 东山-2026-007「清理河塘」."""
    return tr("事项 {no}「{title}」").format(no=c.ledger_no or tr("（未编号）"), title=c.title)


def get_commitment(session: Session, commitment_id: int) -> Commitment:
    return get_row(session, Commitment, commitment_id, tr("找不到践诺事项（编号 {id}）"))


def change_status(session: Session, c: Commitment, to: CommitmentStatus, *, on: dt.date, by: str,
                  note: str = "", audit_as: Actor | None = None) -> CommitmentStatusChange:
    """Move ``c`` to ``to``: the status-change row (``changed_by`` = ``by``) and, with ``audit_as``, the audit row
    of the change (callers that audit the whole write themselves pass none). Plumbing of the registered writes that
    call it (and of the system's 逾期 check), not an action of its own."""
    before = CommitmentStatus(c.status) if c.status is not None else None
    row = CommitmentStatusChange(commitment_id=c.id, from_status=None if before is None else before.value,
                                 to_status=to.value, changed_on=on, note=note, changed_by=by)
    session.add(row)
    c.status = to
    if audit_as is not None:
        audit.record(session, audit_as, "status", "commitment", c.id,
                     before={"status": None if before is None else before.value}, after={"status": to.value},
                     note=note)
    return row


def parent_percent(children: list[tuple[int, Decimal]]) -> int:
    """A parent's percent from its children's (percent, weight): Σ(p·w)/Σw in Decimal, rounded down (a parent
    shows 100 only when every weighted child is at 100); 0 without children or weight."""
    total = sum((Decimal(w) for _p, w in children), Decimal(0))
    if total <= 0:
        return 0
    value = sum((Decimal(p) * Decimal(w) for p, w in children), Decimal(0)) / total
    return max(0, min(100, int(value.to_integral_value(rounding=ROUND_FLOOR))))


def roll_up(session: Session, parent: Commitment) -> None:
    """Recompute ``parent.percent_done`` (and its ancestors') from the children that count: withdrawn and exempt
    children are left out. A parent without counting children keeps its own reported percent."""
    seen: set[int] = set()
    node: Commitment | None = parent
    while node is not None and node.id not in seen:
        seen.add(node.id)
        session.flush()
        rows = session.execute(select(Commitment.percent_done, Commitment.weight, Commitment.status)
                               .where(Commitment.parent_id == node.id)).all()
        counted = [(int(p or 0), Decimal(w if w is not None else 1)) for p, w, st in rows
                   if CommitmentStatus(st) not in (CommitmentStatus.WITHDRAWN, CommitmentStatus.EXCUSED)]
        if counted:
            node.percent_done = parent_percent(counted)
        node = session.get(Commitment, node.parent_id) if node.parent_id is not None else None


def open_children(session: Session, c: Commitment) -> list[Commitment]:
    """Children of ``c`` not yet 销号, exempt or withdrawn (they block the parent's 报结)."""
    return [child for child in session.scalars(
        select(Commitment).where(Commitment.parent_id == c.id).order_by(Commitment.ledger_no, Commitment.id))
        if CommitmentStatus(child.status) not in DONE_FOR_PARENT]


def _ledger_prefix(session: Session, cycle: ElectionCycle, village_id: int | None) -> str:
    if village_id is not None:
        village = get_row(session, Village, village_id, tr("找不到村（编号 {id}）"))
        return short_name(village.name)
    township = session.get(Township, cycle.township_id)
    return short_name(township.name, ("街道", "镇", "乡")) if township is not None else tr("乡镇")


def next_ledger_no(session: Session, prefix: str, year: int) -> str:
    """The next free number ``<prefix>-<year>-NNN`` (one more than the highest used)."""
    head = f"{prefix}-{year}-"
    used = session.scalars(select(Commitment.ledger_no).where(Commitment.ledger_no.like(head + "%")))
    highest = 0
    for number in used:
        tail = (number or "")[len(head):]
        if tail.isdigit():
            highest = max(highest, int(tail))
    return f"{head}{highest + 1:03d}"


def _owner_village(session: Session, owner: Owner, cycle_id: int, title: str) -> int | None:
    """The owner's village; the owner must belong to the item's cycle."""
    village_id: int | None = None
    owner_cycle: int | None = cycle_id
    if owner.candidacy_id is not None:
        cand = get_row(session, Candidacy, owner.candidacy_id, tr("找不到候选人登记（编号 {id}）"))
        org = session.get(Organization, cand.organization_id)
        village_id, owner_cycle = (org.village_id if org is not None else None), cand.cycle_id
    elif owner.organization_id is not None:
        org = get_row(session, Organization, owner.organization_id, tr("找不到组织（编号 {id}）"))
        village_id, owner_cycle = org.village_id, org.cycle_id
    elif owner.assessed_role_id is not None:
        role = get_row(session, AssessedRole, owner.assessed_role_id, tr("找不到考核岗位（编号 {id}）"))
        village_id, owner_cycle = role.village_id, role.cycle_id
    if owner_cycle != cycle_id:
        raise ValidationError(tr("事项「{title}」的责任主体不属于本届，请选择本届的干部、组织或岗位").format(title=title),
                              field="owner")
    return village_id


def _check_text(value: str, message: str, field: str) -> str:
    text = (value or "").strip()
    if not text:
        raise ValidationError(message, field=field)
    return text


@requires(Permission.EDIT)
def register(session: Session, actor: Actor, *, cycle_id: int, village_id: int | None, owner: Owner, title: str,
             source: CommitmentSource, kind: CommitmentKind = CommitmentKind.MILESTONE, category: str = "",
             target_text: str = "", baseline: Decimal | None = None, target: Decimal | None = None,
             unit: str = "", deadline: dt.date | None = None, weight: Decimal = Decimal(1),
             parent_id: int | None = None, year: int | None = None, starts_on: dt.date | None = None,
             detail: dict | None = None, today: dt.date | None = None, pledge_item_id: int | None = None) -> int:
    """挂号: register one item (status 已挂号) with the next ledger number of its village and year. The owner is
    exactly one of a candidacy, an organization or an assessed role; the village defaults to the owner's. Metric
    items need a baseline and a target that differ; a child (一点一策) belongs to a parent of the same cycle.
    Returns the new item's id."""
    return _register(session, actor, cycle_id=cycle_id, village_id=village_id, owner=owner, title=title,
                     source=source, kind=kind, category=category, target_text=target_text, baseline=baseline,
                     target=target, unit=unit, deadline=deadline, weight=weight, parent_id=parent_id, year=year,
                     starts_on=starts_on, detail=detail, today=today, pledge_item_id=pledge_item_id)


def _register(session: Session, actor: Actor, *, cycle_id: int, village_id: int | None, owner: Owner, title: str,
              source: CommitmentSource, kind: CommitmentKind, category: str, target_text: str,
              baseline: Decimal | None, target: Decimal | None, unit: str, deadline: dt.date | None, weight: Decimal,
              parent_id: int | None, year: int | None, starts_on: dt.date | None, detail: dict | None,
              today: dt.date | None, pledge_item_id: int | None) -> int:
    """The body of :func:`register`, shared with :func:`register_pledged` (whose own permission admits the
    reviewer confirming an election result)."""
    today = today or dt.date.today()
    cycle = get_row(session, ElectionCycle, cycle_id, tr("找不到换届届次（编号 {id}）"))
    title = _check_text(title, tr("请填写承诺事项的名称"), "title")
    owners = [x for x in (owner.candidacy_id, owner.organization_id, owner.assessed_role_id) if x is not None]
    if len(owners) != 1:
        raise ValidationError(tr("事项「{title}」须有且只有一个责任主体（当选干部、组织或考核岗位）").format(title=title),
                              field="owner")
    owner_village = _owner_village(session, owner, cycle_id, title)
    if village_id is None:
        village_id = owner_village
    elif session.get(Village, village_id) is None:
        raise NotFound(tr("找不到村（编号 {id}）").format(id=village_id))
    kind = CommitmentKind(kind)
    source = CommitmentSource(source)
    weight = Decimal(str(weight))
    if weight <= 0:
        raise ValidationError(tr("事项「{title}」的权重须大于0（现为 {w}）").format(title=title, w=weight), field="weight")
    if kind is CommitmentKind.METRIC:
        if baseline is None or target is None:
            raise ValidationError(tr("指标类事项「{title}」须填写基数和目标值").format(title=title), field="target")
        baseline, target = Decimal(str(baseline)), Decimal(str(target))
        if baseline == target:
            raise ValidationError(tr("指标类事项「{title}」的目标值与基数相同（{v}），无法计算进度").format(
                title=title, v=target), field="target")
    starts_on = starts_on or today
    if deadline is not None and deadline < starts_on:
        raise ValidationError(tr("事项「{title}」的时限 {deadline} 早于开始日期 {start}").format(
            title=title, deadline=deadline.isoformat(), start=starts_on.isoformat()), field="deadline")
    parent = None
    if parent_id is not None:
        parent = get_commitment(session, parent_id)
        if parent.cycle_id != cycle_id:
            raise ValidationError(tr("上级{item}不属于本届，不能作为其子项的上级").format(item=item_name(parent)),
                                  field="parent_id")
        if CommitmentStatus(parent.status) in FINAL or CommitmentStatus(parent.status) is \
                CommitmentStatus.REPORTED_DONE:
            raise ValidationError(tr("上级{item}的状态是“{status}”，不能再增加子项").format(
                item=item_name(parent), status=CommitmentStatus(parent.status).label), field="parent_id")
    ledger_no = next_ledger_no(session, _ledger_prefix(session, cycle, village_id), today.year)
    c = Commitment(ledger_no=ledger_no, cycle_id=cycle_id, village_id=village_id,
                   candidacy_id=owner.candidacy_id, organization_id=owner.organization_id,
                   assessed_role_id=owner.assessed_role_id, pledge_item_id=pledge_item_id, parent_id=parent_id,
                   source=source, kind=kind, title=title, category=category or "", target=target_text or "",
                   metric_baseline=baseline if kind is CommitmentKind.METRIC else None,
                   metric_target=target if kind is CommitmentKind.METRIC else None,
                   metric_current=baseline if kind is CommitmentKind.METRIC else None,
                   unit=unit or "", detail=dict(detail or {}), year=year, starts_on=starts_on, deadline=deadline,
                   deadline_current=deadline, weight=weight, status=CommitmentStatus.REGISTERED, percent_done=0,
                   registered_on=today)
    session.add(c)
    session.flush()
    session.add(CommitmentStatusChange(commitment_id=c.id, from_status=None,
                                       to_status=CommitmentStatus.REGISTERED.value, changed_on=today,
                                       changed_by=actor.username,
                                       note=tr("挂号，台账编号 {no}").format(no=ledger_no)))
    audit.record(session, actor, "register", "commitment", c.id, after=audit.snapshot(c))
    if parent is not None:
        roll_up(session, parent)
    session.flush()
    return c.id


@requires(Permission.EDIT, Permission.REVIEW, note=tr("确认选举结果的审核员也会触发"))
def register_pledged(session: Session, actor: Actor, candidacy_id: int, *, today: dt.date | None = None) -> list[int]:
    """Turn the reviewed term-goal items of an elected candidacy into ledger items owned by that cadre (source 竞职承诺,
    starting on the election day, registered on ``today`` or else the election day). Struck items are left out;
    calling it again creates nothing new. Returns the ids of the candidacy's items from pledge items, in item order
    (an empty list when the candidacy has no reviewed term-goal pledge)."""
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
    existing = {c.pledge_item_id: c.id for c in session.scalars(
        select(Commitment).where(Commitment.pledge_item_id.in_([i.id for i in items])))} if items else {}
    day = today or cycle.election_day
    ids: list[int] = []
    for item in items:
        cid = existing.get(item.id)
        if cid is None:
            cid = _register(
                session, actor, cycle_id=cycle.id, village_id=None, owner=Owner(candidacy_id=cand.id),
                title=item.title, source=CommitmentSource.PLEDGE, kind=CommitmentKind.MILESTONE,
                category=item.category or "", target_text=item.target or "", baseline=None, target=None, unit="",
                deadline=item.deadline,
                weight=item.weight if item.weight is not None and item.weight > 0 else Decimal("1"),
                parent_id=None, year=None, starts_on=cycle.election_day, detail=None, today=day,
                pledge_item_id=item.id)
        ids.append(cid)
    session.flush()
    return ids


@requires(Permission.REVIEW)
def withdraw(session: Session, actor: Actor, commitment_id: int, *, reason: str,
             today: dt.date | None = None) -> None:
    """撤销 (reviewer): strike an item with approval (illegal, superseded). Its verdict becomes 撤销 and its 挂牌督办
    is lifted. Refused for an item already 销号 or final, and for a parent whose children are still open."""
    today = today or dt.date.today()
    c = get_commitment(session, commitment_id)
    reason = _check_text(reason, tr("撤销{item}须填写理由").format(item=item_name(c)), "reason")
    status = CommitmentStatus(c.status)
    if status in FINAL:
        raise ValidationError(tr("{item}的状态是“{status}”，不能撤销（只能撤销未销号的事项）").format(
            item=item_name(c), status=status.label))
    children = [child for child in session.scalars(select(Commitment).where(Commitment.parent_id == c.id))
                if CommitmentStatus(child.status) not in FINAL]
    if children:
        raise ValidationError(tr("{item}还有 {n} 个未完结的子项（{first}），请先处理子项再撤销").format(
            item=item_name(c), n=len(children), first=children[0].ledger_no))
    before = audit.snapshot(c)
    change_status(session, c, CommitmentStatus.WITHDRAWN, on=today, by=actor.username, note=reason)
    c.verdict = Verdict.WITHDRAWN
    c.verdict_on = today
    c.verdict_evidence = reason
    for sup in session.scalars(select(Supervision).where(Supervision.commitment_id == c.id,
                                                         Supervision.lifted_on.is_(None))):
        sup.lifted_on = today
        sup.lifted_note = tr("事项撤销，督办解除：{reason}").format(reason=reason)
        audit.record(session, actor, "lift", "supervision", sup.id, after=audit.snapshot(sup))
    audit.record(session, actor, "withdraw", "commitment", c.id, before=before, after=audit.snapshot(c), note=reason)
    if c.parent_id is not None:
        parent = session.get(Commitment, c.parent_id)
        if parent is not None:
            roll_up(session, parent)
    session.flush()
