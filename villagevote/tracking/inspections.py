"""月查 and the other inspections (tracking.md A1 "Inspection", A3 "monthly"; issue 17 item 4): one inspection of a
village (or of the township) with its findings — text, severity, deduction, 一票否决, 反弹 — recorded in one
transaction. Domain: no Qt, no reports.

A finding may name the item it is about (by id or ledger number, an item of the same cycle and village). A 反弹
finding on a 销号 item reopens it (``machine.reopen``: 已销号 → 推进中, ``reopen_count`` + 1). A finding marked for
rectification registers a new ledger item (``ledger.register``, source 检查整改) owned by the item's owner, or by
the village's 村民委员会 when it names no item, due ``tracking.rectification_days`` (30) days after the inspection;
the finding keeps its id (``rectification_id``). Any refusal raises and the caller's session writes nothing.

Patrols (巡河) and unit visits (派出单位检查) are inspections too, kinds ``patrol`` / ``unit_visit``, with the assessed
role whose patrol or visit it is (``patrols.shortfalls`` counts them).
"""
from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from sqlalchemy import select
from sqlalchemy.orm import Session

from villagevote import audit
from villagevote.audit import Actor
from villagevote.auth import Permission, requires
from villagevote.errors import NotFound, ValidationError
from villagevote.i18n import tr
from villagevote.lookup import get_row
from villagevote.models import Person, Setting
from villagevote.models.core import ElectionCycle, Organization, Village
from villagevote.models.enums import CommitmentSource, InspectionKind, OrgKind
from villagevote.models.tracking import AssessedRole, Commitment, Inspection, InspectionFinding
from villagevote.tracking import ledger, machine
from villagevote.tracking.settings import KEY_PREFIX
from villagevote.tracking.weekly import period_bounds

__all__ = [
    "SEVERITIES",
    "FindingInput",
    "FindingRow",
    "InspectionRow",
    "RectificationInput",
    "inspection_list",
    "record_inspection",
    "rectification_days",
]

SEVERITIES = ("一般", "较重", "严重")
RECTIFICATION_DAYS_KEY = KEY_PREFIX + "rectification_days"
DEFAULT_RECTIFICATION_DAYS = 30


@dataclass(frozen=True)
class RectificationInput:
    """The rectification item a finding opens (default: 整改：<finding>, due after the setting's days)."""

    title: str = ""
    deadline: dt.date | None = None
    target_text: str = ""
    weight: Decimal = Decimal(1)


@dataclass(frozen=True)
class FindingInput:
    text: str
    severity: str = "一般"
    deduction: Decimal = Decimal(0)
    veto: bool = False
    relapse: bool = False
    commitment_id: int | None = None
    ledger_no: str = ""             # the item it is about, by ledger number (when no id is given)
    rectify: bool = False            # register a rectification item (details in ``rectification`` or defaults)
    rectification: RectificationInput | None = None
    source: str = ""                 # e.g. 群众举报 (the reporter is never stored)


def rectification_days(session: Session) -> int:
    """The setting ``tracking.rectification_days``: days a rectification item gets (30)."""
    row = session.get(Setting, RECTIFICATION_DAYS_KEY)
    try:
        value = int(row.value) if row is not None else DEFAULT_RECTIFICATION_DAYS  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return DEFAULT_RECTIFICATION_DAYS
    return value if 1 <= value <= 3650 else DEFAULT_RECTIFICATION_DAYS


def _decimal(value: object, message: str, field: str) -> Decimal:
    try:
        number = Decimal(str(value))
    except (InvalidOperation, ValueError):
        raise ValidationError(message, field=field) from None
    if not number.is_finite():
        raise ValidationError(message, field=field)
    return number


def _item_of(session: Session, f: FindingInput, cycle_id: int, village_id: int | None, n: int) -> Commitment | None:
    where = tr("第 {n} 条问题").format(n=n)
    c: Commitment | None = None
    if f.commitment_id is not None:
        c = session.get(Commitment, f.commitment_id)
        if c is None:
            raise NotFound(tr("{where}：找不到践诺事项（编号 {id}）").format(where=where, id=f.commitment_id))
    elif f.ledger_no.strip():
        c = session.scalar(select(Commitment).where(Commitment.ledger_no == f.ledger_no.strip()))
        if c is None:
            raise ValidationError(tr("{where}：台账中没有编号为“{no}”的事项").format(where=where, no=f.ledger_no.strip()),
                                  field="findings")
    if c is None:
        return None
    if c.cycle_id != cycle_id:
        raise ValidationError(tr("{where}：{item}不属于本届").format(where=where, item=ledger.item_name(c)),
                              field="findings")
    if village_id is not None and c.village_id != village_id:
        raise ValidationError(tr("{where}：{item}不是被检查村的事项").format(where=where, item=ledger.item_name(c)),
                              field="findings")
    return c


def _village_committee(session: Session, cycle_id: int, village_id: int) -> int:
    org = session.scalar(select(Organization.id).where(Organization.cycle_id == cycle_id,
                                                       Organization.village_id == village_id,
                                                       Organization.kind == OrgKind.VILLAGE_COMMITTEE))
    if org is None:
        raise ValidationError(tr("本届没有该村的村民委员会，整改事项无法确定责任主体，请指明涉及的事项。"), field="findings")
    return org


@requires(Permission.EDIT, note=tr("反弹只对已销号事项；列入整改即挂号新事项；任一条不合规则全部不保存"))
def record_inspection(session: Session, actor: Actor, *, cycle_id: int, kind: InspectionKind, held_on: dt.date,
                      village_id: int | None, inspectors: str, score: Decimal | None = None, summary: str = "",
                      period: str | None = None, assessed_role_id: int | None = None,
                      findings: list[FindingInput] | None = None, today: dt.date | None = None) -> int:
    """Record an inspection with its findings (module docstring); returns the inspection's id."""
    today = today or dt.date.today()
    findings = list(findings or [])
    get_row(session, ElectionCycle, cycle_id, tr("找不到换届届次（编号 {id}）"))
    kind = InspectionKind(kind)
    village = None
    if village_id is not None:
        village = get_row(session, Village, village_id, tr("找不到村（编号 {id}）"))
    what = tr("{village}{day}的{kind}").format(village=village.name if village else tr("全乡镇"),
                                             day=held_on.isoformat(), kind=kind.label)
    if held_on > today:
        raise ValidationError(tr("{what}：检查日期晚于今天（{today}）").format(what=what, today=today.isoformat()),
                              field="held_on")
    names = (inspectors or "").strip()
    if not names:
        raise ValidationError(tr("{what}：请填写检查人员").format(what=what), field="inspectors")
    if score is not None:
        score = _decimal(score, tr("{what}：得分“{v}”不是数字").format(what=what, v=score), "score")
        if not Decimal(0) <= score <= Decimal(100):
            raise ValidationError(tr("{what}：得分 {v} 不在 0–100 之间").format(what=what, v=score), field="score")
    if assessed_role_id is not None:
        role = get_row(session, AssessedRole, assessed_role_id, tr("找不到考核岗位（编号 {id}）"))
        if role.cycle_id != cycle_id:
            raise ValidationError(tr("{what}：所选岗位不属于本届").format(what=what), field="assessed_role_id")
    if period is None or not period.strip():
        period = f"{held_on.year}-{held_on.month:02d}" if kind is InspectionKind.MONTHLY else ""
    else:
        period = period.strip()
        period_bounds(period)  # checks the form
    # check every finding before writing anything
    items: list[Commitment | None] = []
    for n, f in enumerate(findings, start=1):
        where = tr("{what}第 {n} 条问题").format(what=what, n=n)
        if not (f.text or "").strip():
            raise ValidationError(tr("{where}：请填写发现的问题").format(where=where), field="findings")
        if f.severity and f.severity not in SEVERITIES:
            raise ValidationError(tr("{where}：程度应为{choices}之一").format(where=where, choices="、".join(SEVERITIES)),
                                  field="findings")
        cut = _decimal(f.deduction or 0, tr("{where}：扣分“{v}”不是数字").format(where=where, v=f.deduction),
                       "findings")
        if cut < 0:
            raise ValidationError(tr("{where}：扣分不能为负数").format(where=where), field="findings")
        c = _item_of(session, f, cycle_id, village_id, n)
        if f.relapse and c is None:
            raise ValidationError(tr("{where}：反弹须指明是哪一个已销号事项（填写台账编号）").format(where=where),
                                  field="findings")
        if (f.rectify or f.rectification is not None) and c is None and village_id is None:
            raise ValidationError(tr("{where}：全乡镇检查的问题列入整改时须指明涉及的事项").format(where=where),
                                  field="findings")
        items.append(c)
    inspection = Inspection(cycle_id=cycle_id, kind=kind, held_on=held_on, period=period, village_id=village_id,
                            assessed_role_id=assessed_role_id, inspectors=names, score=score,
                            summary=(summary or "").strip(), recorded_by=actor.username)
    inspection_id = audit.add_recorded(session, actor, "create", "inspection", inspection)
    days = rectification_days(session)
    for f, c in zip(findings, items, strict=True):
        finding = InspectionFinding(inspection_id=inspection_id, commitment_id=c.id if c is not None else None,
                                    text=f.text.strip(), severity=f.severity or "", deduction=Decimal(str(f.deduction or 0)),
                                    veto=bool(f.veto), relapse=False, source=(f.source or "").strip())
        finding_id = audit.add_recorded(session, actor, "create", "inspection_finding", finding)
        if f.relapse and c is not None:
            machine.reopen(session, actor, c.id, on=held_on, reason=tr("{kind}发现反弹：{text}").format(
                kind=kind.label, text=f.text.strip()), finding_id=finding_id, today=today)
        if f.rectify or f.rectification is not None:
            spec = f.rectification or RectificationInput()
            if c is not None:
                owner = ledger.Owner(candidacy_id=c.candidacy_id, organization_id=c.organization_id,
                                     assessed_role_id=c.assessed_role_id)
                item_village = c.village_id
            else:
                assert village_id is not None  # checked above
                owner = ledger.Owner(organization_id=_village_committee(session, cycle_id, village_id))
                item_village = village_id
            rect_id = ledger.register(
                session, actor, cycle_id=cycle_id, village_id=item_village, owner=owner,
                title=spec.title.strip() or tr("整改：{text}").format(text=f.text.strip()),
                source=CommitmentSource.INSPECTION, category=tr("检查整改"),
                target_text=spec.target_text or f.text.strip(),
                deadline=spec.deadline or held_on + dt.timedelta(days=days), weight=spec.weight,
                starts_on=held_on, today=max(held_on, min(today, held_on + dt.timedelta(days=days))),
                detail={"inspection_id": inspection_id, "finding_id": finding_id})
            row = session.get(InspectionFinding, finding_id)
            assert row is not None
            before = audit.snapshot(row)
            row.rectification_id = rect_id
            audit.record(session, actor, "update", "inspection_finding", finding_id, before=before,
                         after=audit.snapshot(row))
    session.flush()
    return inspection_id


# --------------------------------------------------------------------------------------------------- reading
@dataclass(frozen=True)
class FindingRow:
    id: int
    text: str
    severity: str
    deduction: Decimal
    veto: bool
    relapse: bool
    source: str
    commitment_id: int | None
    ledger_no: str
    rectification_id: int | None
    rectification_no: str


@dataclass(frozen=True)
class InspectionRow:
    id: int
    held_on: dt.date
    kind: InspectionKind
    kind_label: str
    period: str
    village_id: int | None
    village: str
    inspectors: str
    score: Decimal | None
    summary: str
    assessed_role: str           # 张三（村级河长） for a patrol or visit
    recorded_by: str
    findings: tuple[FindingRow, ...]

    @property
    def finding_count(self) -> int:
        return len(self.findings)

    @property
    def deduction(self) -> Decimal:
        return sum((f.deduction for f in self.findings), Decimal(0))

    @property
    def veto(self) -> bool:
        return any(f.veto for f in self.findings)


def inspection_list(session: Session, *, cycle_id: int, village_id: int | None = None, month: str | None = None,
                    kinds: list[InspectionKind] | None = None) -> list[InspectionRow]:
    """Inspections of the cycle (one village; a month "2026-05" or any period), latest first, with findings."""
    stmt = (select(Inspection, Village.name, Person.name, AssessedRole.title)
            .outerjoin(Village, Village.id == Inspection.village_id)
            .outerjoin(AssessedRole, AssessedRole.id == Inspection.assessed_role_id)
            .outerjoin(Person, Person.id == AssessedRole.person_id)
            .where(Inspection.cycle_id == cycle_id)
            .order_by(Inspection.held_on.desc(), Inspection.id.desc()))
    if village_id is not None:
        stmt = stmt.where(Inspection.village_id == village_id)
    if month:
        start, end = period_bounds(month)
        stmt = stmt.where(Inspection.held_on >= start, Inspection.held_on <= end)
    if kinds:
        stmt = stmt.where(Inspection.kind.in_([InspectionKind(k).value for k in kinds]))
    rows = list(session.execute(stmt))
    ids = [r[0].id for r in rows]
    findings: dict[int, list[FindingRow]] = defaultdict(list)
    if ids:
        numbers = dict(session.execute(select(Commitment.id, Commitment.ledger_no).where(
            Commitment.id.in_(select(InspectionFinding.commitment_id).where(InspectionFinding.inspection_id.in_(ids)))
            | Commitment.id.in_(select(InspectionFinding.rectification_id).where(
                InspectionFinding.inspection_id.in_(ids))))).tuples().all())
        for f in session.scalars(select(InspectionFinding).where(InspectionFinding.inspection_id.in_(ids))
                                 .order_by(InspectionFinding.id)):
            findings[f.inspection_id].append(FindingRow(
                id=f.id, text=f.text, severity=f.severity or "", deduction=Decimal(str(f.deduction or 0)),
                veto=bool(f.veto), relapse=bool(f.relapse), source=f.source or "", commitment_id=f.commitment_id,
                ledger_no=(numbers.get(f.commitment_id) or "") if f.commitment_id else "",
                rectification_id=f.rectification_id,
                rectification_no=(numbers.get(f.rectification_id) or "") if f.rectification_id else ""))
    out = []
    for insp, village, person, title in rows:
        role = f"{person}（{title}）" if person and title else (person or "")
        out.append(InspectionRow(
            id=insp.id, held_on=insp.held_on, kind=InspectionKind(insp.kind), kind_label=InspectionKind(insp.kind).label,
            period=insp.period or "", village_id=insp.village_id, village=village or tr("全乡镇"),
            inspectors=insp.inspectors or "", score=insp.score, summary=insp.summary or "", assessed_role=role,
            recorded_by=insp.recorded_by or "", findings=tuple(findings.get(insp.id, ()))))
    return out
