"""Reads of the commitment ledger for the page, the forms and the bench (plain dataclasses, no ORM objects).

:func:`ledger_page` serves one page of the ledger with ONE SQL statement: the item joined with its village, owner
(candidacy or assessed role → person, or organization) and its active 挂牌督办, with correlated subqueries for the
last report (on ``ix_progress_report_commitment_period``) and the number of evidence files — no query per row.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, replace
from decimal import Decimal
from pathlib import Path
from typing import Any

from sqlalchemy import Select, and_, case, func, or_, select
from sqlalchemy.orm import Session, aliased

from villagevote.actor import SYSTEM
from villagevote.errors import NotFound
from villagevote.i18n import tr
from villagevote.models import Candidacy, Organization, Person, User, Village
from villagevote.models.enums import (
    AssessedRoleKind,
    CandidacyStatus,
    CommitmentKind,
    CommitmentSource,
    CommitmentStatus,
    DecisionState,
    ExemptionCategory,
    InspectionKind,
    OrgKind,
    SupervisionLevel,
    SupervisionReason,
    Verdict,
)
from villagevote.models.tracking import (
    AssessedRole,
    Attachment,
    Commitment,
    CommitmentStatusChange,
    Exemption,
    Extension,
    Inspection,
    InspectionFinding,
    ProgressReport,
    Supervision,
    SupervisionUrge,
)
from villagevote.names import stroke_key
from villagevote.tracking.evidence import AttachmentInfo, attachments_for_item
from villagevote.tracking.ledger import Owner
from villagevote.tracking.machine import light
from villagevote.tracking.settings import tracking_settings

__all__ = ["ExtensionInfo", "ItemDetail", "LedgerFilter", "LedgerRow", "OwnerChoice", "OwnerChoices", "ReportInfo",
           "SupervisionRow", "TimelineEntry", "VillageChoice", "item_detail", "ledger_all", "ledger_count",
           "ledger_page", "metric_text", "organization_label", "owner_choices", "supervision_proposals",
           "supervisions"]

NOT_REPORTED = "未报"


@dataclass
class LedgerFilter:
    cycle_id: int
    village_id: int | None = None
    person_id: int | None = None
    role_kind: AssessedRoleKind | None = None  # ELECTED also covers items owned by an elected candidacy
    status: CommitmentStatus | None = None
    overdue_only: bool = False      # 逾期, or open and past deadline_current (as of ``today``)
    supervised_only: bool = False   # an active 挂牌督办
    search: str = ""                # ledger number, title, person name or pinyin initials, village
    top_level_only: bool = False    # leave out children (一点一策)
    ids: tuple[int, ...] | None = None  # only these items


@dataclass(frozen=True)
class LedgerRow:
    id: int
    ledger_no: str
    village_id: int | None
    village: str
    owner_name: str
    owner_post: str
    person_id: int | None
    title: str
    source: CommitmentSource
    source_label: str
    kind: CommitmentKind
    kind_label: str
    category: str
    target_text: str
    baseline: Decimal | None
    target: Decimal | None
    current: Decimal | None
    unit: str
    metric_text: str          # 基数→目标(单位) for a metric item, the goal in words for a milestone
    weight: Decimal
    starts_on: dt.date | None
    deadline: dt.date | None
    deadline_current: dt.date | None
    deadline_text: str        # 2027-06-30, or "2027-06-30（延至 2027-08-31）"
    percent: int
    status: CommitmentStatus
    status_label: str
    light: str                # machine.light: ok / due_soon / overdue / done
    supervision: str          # "乡镇督办 限 2027-04-30" or ""
    supervision_id: int | None
    supervision_level: SupervisionLevel | None
    supervision_limit: dt.date | None
    last_report: str          # "2027-W14（2027-04-05）" or 未报
    last_period: str
    last_reported_on: dt.date | None
    registered_on: dt.date | None
    reported_done_on: dt.date | None
    closed_on: dt.date | None
    closed_by: str
    parent_id: int | None
    reopen_count: int
    evidence_count: int       # attachments on the item and its reports (not verified here)
    verdict: Verdict | None
    year: int | None
    pending_extension: bool = False   # a 延期申请 waits for a reviewer's decision


@dataclass(frozen=True)
class ReportInfo:
    id: int
    period: str
    reported_on: dt.date
    percent: int
    value: Decimal | None
    confidence: int | None
    narrative: str
    problems: str
    next_plan: str
    no_progress_reason: str
    reported_by: str
    entered_by: str
    confirmed_by: str
    on_time: bool


@dataclass(frozen=True)
class ExtensionInfo:
    id: int
    requested_on: dt.date
    requested_by: str
    reason: str
    old_date: dt.date | None
    new_date: dt.date
    state: DecisionState
    state_label: str
    decided_by: str
    decided_on: dt.date | None
    decision_note: str


@dataclass(frozen=True)
class UrgeInfo:
    id: int
    on: dt.date
    method: str
    note: str
    by: str


@dataclass(frozen=True)
class SupervisionInfo:
    id: int
    notice_no: str
    level: SupervisionLevel
    level_label: str
    reason: SupervisionReason
    reason_label: str
    reason_text: str
    issued_on: dt.date
    issued_by: str
    limit_date: dt.date
    receipt_on: dt.date | None
    receipt_text: str
    lifted_on: dt.date | None
    lifted_note: str
    urges: list[UrgeInfo]


@dataclass(frozen=True)
class ExemptionInfo:
    id: int
    category: ExemptionCategory
    category_label: str
    reason: str
    decision_no: str
    decided_on: dt.date
    decided_by: str


@dataclass(frozen=True)
class FindingInfo:
    id: int
    inspection_id: int
    held_on: dt.date
    kind_label: str
    text: str
    severity: str
    deduction: Decimal
    relapse: bool
    veto: bool


@dataclass(frozen=True)
class TimelineEntry:
    on: dt.date
    kind: str     # status / report / attachment / finding / supervision / urge / receipt / lift / extension /
    #               extension_decision / exemption
    label: str    # Chinese: 状态 已挂号→推进中, 周报 2027-W14, 佐证材料, 挂牌督办 …
    text: str
    by: str
    attachment_id: int | None = None
    ref_id: int | None = None
    warning: bool = False  # e.g. an attachment whose file changed or is missing


@dataclass(frozen=True)
class ItemDetail:
    row: LedgerRow
    detail: dict
    acceptance_opinion: str
    verdict_label: str
    verdict_evidence: str
    children: list[LedgerRow]
    rollup_percent: int
    reports: list[ReportInfo]
    attachments: list[AttachmentInfo]
    supervisions: list[SupervisionInfo]
    extensions: list[ExtensionInfo]
    exemptions: list[ExemptionInfo]
    findings: list[FindingInfo]
    timeline: list[TimelineEntry]


@dataclass(frozen=True)
class VillageChoice:
    id: int
    name: str


@dataclass(frozen=True)
class OwnerChoice:
    label: str          # 张三（村委会主任） / 东村村民委员会 / 李四（河长）
    owner: Owner
    village_id: int | None


@dataclass(frozen=True)
class OwnerChoices:
    villages: list[VillageChoice]
    owners: list[OwnerChoice] = field(default_factory=list)


@dataclass(frozen=True)
class SupervisionRow:
    id: int
    commitment_id: int
    notice_no: str
    ledger_no: str
    village: str
    owner: str
    title: str
    level: SupervisionLevel
    level_label: str
    reason: SupervisionReason
    reason_label: str
    reason_text: str
    issued_on: dt.date
    issued_by: str
    limit_date: dt.date
    urges: int
    receipt_on: dt.date | None
    lifted_on: dt.date | None
    status_label: str


# ------------------------------------------------------------------------------------------------------- helpers

def organization_label(village: str, kind: OrgKind | str | None) -> str:
    """东村 + 村民委员会 → 东村村民委员会; 东村 + 村党组织 → 东村党组织 (no doubled 村; the same rule as
    ``pledges.service.organization_name``, which this package cannot import)."""
    if kind is None:
        return village
    label = OrgKind(kind).label
    if village.endswith("村") and label.startswith("村党"):
        label = label[1:]
    return f"{village}{label}"


def _number(value: Decimal | None) -> str:
    if value is None:
        return ""
    text = format(Decimal(value).normalize(), "f")
    return text


def metric_text(kind: CommitmentKind, baseline: Decimal | None, target: Decimal | None, unit: str,
                target_text: str) -> str:
    if CommitmentKind(kind) is CommitmentKind.METRIC and target is not None:
        return f"{_number(baseline)}→{_number(target)}{unit or ''}"
    return target_text or ""


def _body_short(kind: OrgKind) -> str:
    return {OrgKind.PARTY_BRANCH: tr("党支部"), OrgKind.VILLAGE_COMMITTEE: tr("村委会"),
            OrgKind.SUPERVISION_COMMITTEE: tr("村务监督委员会"), OrgKind.COOP: tr("股份经济合作社")}[kind]


def post_title(post: str | None, org_kind: Any) -> str:
    """An elected cadre's post with its body: 主任 of the village committee → 村委会主任, 书记 of the party branch →
    党支部书记. A post that already names a body is kept; without a body the bare post."""
    text = (post or "").strip()
    if not text or not org_kind:
        return text
    try:
        body = _body_short(OrgKind(org_kind))
    except ValueError:   # not an organization kind: the bare post
        return text
    if text.startswith(body) or any(text.startswith(b) for b in (tr("村"), tr("党"), tr("监"))):
        return text
    return body + text


def _deadline_text(deadline: dt.date | None, current: dt.date | None) -> str:
    if current is None and deadline is None:
        return ""
    if deadline is None or current is None or current == deadline:
        return (current or deadline).isoformat()  # type: ignore[union-attr]
    return tr("{d}（延至 {c}）").format(d=deadline.isoformat(), c=current.isoformat())


# made once: building aliases per call costs more than the query (their column expressions are memoized on them)
_V = aliased(Village, name="lv")
_K = aliased(Candidacy, name="lk")
_R = aliased(AssessedRole, name="lr")
_P = aliased(Person, name="lp")
_O = aliased(Organization, name="lo")
_S = aliased(Supervision, name="ls")
_KO = aliased(Organization, name="lko")
_U = aliased(User, name="lu")


def _base(f: LedgerFilter, today: dt.date | None, *, any_cycle: bool = False) -> tuple[Select, dict[str, Any]]:
    """The ledger's SELECT with every column of a LedgerRow, filtered by ``f`` (unordered, unpaged)."""
    c, v, k, r, p, o, s = Commitment, _V, _K, _R, _P, _O, _S
    active_sup = (select(func.max(Supervision.id)).where(Supervision.commitment_id == c.id,
                                                         Supervision.lifted_on.is_(None))
                  .correlate(c).scalar_subquery())
    last_period = (select(func.max(ProgressReport.period)).where(ProgressReport.commitment_id == c.id)
                   .correlate(c).scalar_subquery())
    last_on = (select(ProgressReport.reported_on).where(ProgressReport.commitment_id == c.id)
               .order_by(ProgressReport.period.desc(), ProgressReport.reported_on.desc(), ProgressReport.id.desc())
               .limit(1)
               .correlate(c).scalar_subquery())
    reports = select(ProgressReport.id).where(ProgressReport.commitment_id == c.id).correlate(c)
    evidence = (select(func.count(Attachment.id)).where(or_(
        and_(Attachment.owner_type == "commitment", Attachment.owner_id == c.id),
        and_(Attachment.owner_type == "progress_report", Attachment.owner_id.in_(reports))))
        .correlate(c).scalar_subquery())
    person_id = func.coalesce(k.person_id, r.person_id)
    pending_ext = (select(func.count(Extension.id)).where(Extension.commitment_id == c.id,
                                                         Extension.state == DecisionState.PENDING)
                   .correlate(c).scalar_subquery())
    query = (
        select(c.id, c.ledger_no, c.village_id, v.name.label("village"), v.code.label("village_code"),
               p.name.label("person"), person_id.label("person_id"), k.post, r.title.label("role_title"),
               r.kind.label("role_kind"), o.kind.label("org_kind"), c.organization_id, c.title, c.source, c.kind,
               c.category, c.target, c.metric_baseline, c.metric_target, c.metric_current, c.unit, c.weight,
               c.starts_on, c.deadline, c.deadline_current, c.percent_done, c.status, s.id.label("sup_id"),
               s.level.label("sup_level"), s.limit_date.label("sup_limit"), last_period.label("last_period"),
               last_on.label("last_on"), c.registered_on, c.reported_done_on, c.closed_on,
               func.coalesce(func.nullif(_U.display_name, ""), c.closed_by).label("closed_by"), c.parent_id,
               c.reopen_count, evidence.label("evidence"), c.verdict, c.year,
               _KO.kind.label("cand_org_kind"), pending_ext.label("pending_ext"))
        .select_from(c)
        .outerjoin(v, v.id == c.village_id)
        .outerjoin(k, k.id == c.candidacy_id)
        .outerjoin(_KO, _KO.id == k.organization_id)
        .outerjoin(_U, _U.username == c.closed_by)
        .outerjoin(r, r.id == c.assessed_role_id)
        .outerjoin(p, p.id == person_id)
        .outerjoin(o, o.id == c.organization_id)
        .outerjoin(s, s.id == active_sup))
    if not any_cycle:
        query = query.where(c.cycle_id == f.cycle_id)
    if f.ids is not None:
        query = query.where(c.id.in_(list(f.ids)))
    if f.village_id is not None:
        query = query.where(c.village_id == f.village_id)
    if f.person_id is not None:
        query = query.where(person_id == f.person_id)
    if f.role_kind is not None:
        kind = AssessedRoleKind(f.role_kind)
        if kind is AssessedRoleKind.ELECTED:
            query = query.where(or_(c.candidacy_id.is_not(None), r.kind == kind))
        else:
            query = query.where(r.kind == kind)
    if f.status is not None:
        query = query.where(c.status == CommitmentStatus(f.status))
    if f.overdue_only:
        day = today or dt.date.today()
        query = query.where(or_(c.status == CommitmentStatus.OVERDUE,
                                and_(c.status.in_([CommitmentStatus.REGISTERED, CommitmentStatus.IN_PROGRESS]),
                                     c.deadline_current < day)))
    if f.supervised_only:
        query = query.where(active_sup.is_not(None))
    if f.top_level_only:
        query = query.where(c.parent_id.is_(None))
    text = (f.search or "").strip()
    if text:
        like = f"%{text.replace('%', '').replace('_', '')}%"
        query = query.where(or_(c.ledger_no.like(like), c.title.like(like), p.name.like(like),
                                p.name_initials.like(like), v.name.like(like)))
    return query, {"village": v, "person": p}


def _row(m: Any, today: dt.date, warn_days: int) -> LedgerRow:
    status = CommitmentStatus(m.status)
    kind = CommitmentKind(m.kind)
    source = CommitmentSource(m.source)
    village = m.village or tr("全镇")
    if m.person is not None:
        owner_name = m.person
        owner_post = (post_title(m.post, m.cand_org_kind) or m.role_title
                      or (AssessedRoleKind(m.role_kind).label if m.role_kind else ""))
    elif m.organization_id is not None:
        owner_name = organization_label(m.village or "", m.org_kind)
        owner_post = ""
    else:
        owner_name, owner_post = "", ""
    sup_level = SupervisionLevel(m.sup_level) if m.sup_level is not None else None
    supervision = tr("{level}督办 限 {limit}").format(level=sup_level.label, limit=m.sup_limit.isoformat()) \
        if sup_level is not None and m.sup_limit is not None else ""
    if m.last_on is None:
        last_report = NOT_REPORTED
    elif m.last_period:
        last_report = f"{m.last_period}（{m.last_on.isoformat()}）"
    else:  # a dated update without a week (rows from before weekly reporting)
        last_report = m.last_on.isoformat()
    weight = Decimal(m.weight) if m.weight is not None else Decimal(1)
    return LedgerRow(
        id=m.id, ledger_no=m.ledger_no or "", village_id=m.village_id, village=village, owner_name=owner_name,
        owner_post=owner_post, person_id=m.person_id, title=m.title, source=source, source_label=source.label,
        kind=kind, kind_label=kind.label, category=m.category or "", target_text=m.target or "",
        baseline=m.metric_baseline, target=m.metric_target, current=m.metric_current, unit=m.unit or "",
        metric_text=metric_text(kind, m.metric_baseline, m.metric_target, m.unit, m.target),
        weight=weight, starts_on=m.starts_on, deadline=m.deadline, deadline_current=m.deadline_current,
        deadline_text=_deadline_text(m.deadline, m.deadline_current), percent=int(m.percent_done or 0),
        status=status, status_label=status.label, light=light(m.deadline_current, status, today, warn_days),
        supervision=supervision, supervision_id=m.sup_id, supervision_level=sup_level, supervision_limit=m.sup_limit,
        last_report=last_report, last_period=m.last_period or "", last_reported_on=m.last_on,
        registered_on=m.registered_on, reported_done_on=m.reported_done_on, closed_on=m.closed_on,
        closed_by=m.closed_by or "", parent_id=m.parent_id, reopen_count=int(m.reopen_count or 0),
        evidence_count=int(m.evidence or 0), verdict=Verdict(m.verdict) if m.verdict else None, year=m.year,
        pending_extension=bool(m.pending_ext))


def _ordered(query: Select, aliases: dict[str, Any]) -> Select:
    v = aliases["village"]
    return query.order_by(case((Commitment.village_id.is_(None), 1), else_=0), v.code, v.name,
                          Commitment.ledger_no, Commitment.id)


# ------------------------------------------------------------------------------------------------------- ledger

def ledger_count(session: Session, f: LedgerFilter, *, today: dt.date | None = None) -> int:
    """How many items the filter selects (``today`` for ``overdue_only``; default the real date)."""
    query, _aliases = _base(f, today)
    ids = query.with_only_columns(Commitment.id)  # the joins and filters, without the per-row subqueries
    return int(session.scalar(select(func.count()).select_from(ids.subquery())) or 0)


def ledger_page(session: Session, f: LedgerFilter, *, offset: int, limit: int, today: dt.date) -> list[LedgerRow]:
    """One page of the ledger in village order (township-level items last), then ledger number."""
    query, aliases = _base(f, today)
    # the page's ids first (filters and order only), then the row columns — the last-report and evidence
    # subqueries run for the page's rows alone; still one statement
    page_ids = (_ordered(query, aliases).with_only_columns(Commitment.id)
                .offset(max(0, offset)).limit(max(0, limit)).scalar_subquery())
    full, full_aliases = _base(LedgerFilter(cycle_id=f.cycle_id), today)
    rows = _ordered(full.where(Commitment.id.in_(page_ids)), full_aliases)
    warn = tracking_settings(session).warn_days
    return [_row(m, today, warn) for m in session.execute(rows)]


def supervision_proposals(session: Session, *, cycle_id: int, today: dt.date,
                          village_id: int | None = None) -> list[LedgerRow]:
    """A2 "逾期 → proposes 挂牌督办": the overdue items without an active supervision, for a reviewer to decide on
    (empty when the setting ``propose_supervision_when_overdue`` is off). A proposal only; nothing is written."""
    if not tracking_settings(session).propose_supervision_when_overdue:
        return []
    rows = ledger_all(session, LedgerFilter(cycle_id=cycle_id, village_id=village_id, overdue_only=True),
                      today=today)
    return [r for r in rows if r.supervision_id is None]


def ledger_all(session: Session, f: LedgerFilter, *, today: dt.date) -> list[LedgerRow]:
    """Every row the filter selects, in ledger order (prints and exports)."""
    query, aliases = _base(f, today)
    warn = tracking_settings(session).warn_days
    return [_row(m, today, warn) for m in session.execute(_ordered(query, aliases))]


# ------------------------------------------------------------------------------------------------------- detail

def _timeline_status(change: CommitmentStatusChange) -> TimelineEntry:
    to = CommitmentStatus(change.to_status)
    label = tr("状态：{to}").format(to=to.label) if change.from_status is None else tr("状态：{a}→{b}").format(
        a=CommitmentStatus(change.from_status).label, b=to.label)
    return TimelineEntry(change.changed_on, "status", label, change.note or "", change.changed_by or "",
                         ref_id=change.id)


def _report_text(r: ProgressReport) -> str:
    parts = [tr("进度 {p}%").format(p=r.percent)]
    if r.value is not None:
        parts.append(tr("当前值 {v}").format(v=_number(r.value)))
    if r.narrative:
        parts.append(r.narrative)
    if r.problems:
        parts.append(tr("问题：{t}").format(t=r.problems))
    if r.next_plan:
        parts.append(tr("下周计划：{t}").format(t=r.next_plan))
    if r.no_progress_reason:
        parts.append(tr("无进展原因：{t}").format(t=r.no_progress_reason))
    if not r.on_time:
        parts.append(tr("（迟报）"))
    who = [x for x in (r.reported_by and tr("报告人 {n}").format(n=r.reported_by),
                       r.confirmed_by and tr("联村干部 {n}").format(n=r.confirmed_by)) if x]
    if who:
        parts.append("，".join(who))
    return "；".join(parts)


def item_detail(session: Session, commitment_id: int, *, today: dt.date,
                data_dir: Path | None = None) -> ItemDetail:
    """One item with its children and everything that happened to it, in date order: status changes (with who),
    weekly reports, evidence (each file checked against its hash), inspection findings, supervisions with 催办 and
    回执, extensions and their decisions, exemptions."""
    c = session.get(Commitment, commitment_id)
    if c is None:
        raise NotFound(tr("找不到践诺事项（编号 {id}）").format(id=commitment_id))
    warn = tracking_settings(session).warn_days
    query, _aliases = _base(LedgerFilter(cycle_id=c.cycle_id or 0, ids=(c.id,)), today, any_cycle=True)
    row = _row(session.execute(query).one(), today, warn)
    child_query, aliases = _base(LedgerFilter(cycle_id=c.cycle_id or 0), today, any_cycle=True)
    children = [_row(m, today, warn) for m in session.execute(
        _ordered(child_query.where(Commitment.parent_id == c.id), aliases))]
    timeline: list[TimelineEntry] = []
    for change in session.scalars(select(CommitmentStatusChange).where(
            CommitmentStatusChange.commitment_id == c.id).order_by(CommitmentStatusChange.id)):
        timeline.append(_timeline_status(change))
    reports_rows = list(session.scalars(select(ProgressReport).where(ProgressReport.commitment_id == c.id)
                                        .order_by(ProgressReport.period, ProgressReport.id)))
    reports = [ReportInfo(r.id, r.period, r.reported_on, r.percent, r.value, r.confidence, r.narrative or "",
                          r.problems or "", r.next_plan or "", r.no_progress_reason or "", r.reported_by or "",
                          r.entered_by or "", r.confirmed_by or "", bool(r.on_time)) for r in reports_rows]
    for r in reports_rows:
        timeline.append(TimelineEntry(r.reported_on, "report", tr("周报 {period}").format(period=r.period),
                                      _report_text(r), r.entered_by or "", ref_id=r.id))
    files = attachments_for_item(session, c.id, data_dir=data_dir)
    for a in files:
        timeline.append(TimelineEntry(a.taken_on or a.added_at.date(), "attachment",
                                      tr("佐证材料（{kind}）").format(kind=a.kind_label),
                                      f"{a.file_name}　{a.caption}".strip() + ("" if a.state == "ok" else
                                                                              f"　{a.state_text}"),
                                      a.added_by, attachment_id=a.id, ref_id=a.id, warning=a.state != "ok"))
    supervisions = []
    for sup in session.scalars(select(Supervision).where(Supervision.commitment_id == c.id)
                               .order_by(Supervision.issued_on, Supervision.id)):
        urges = [UrgeInfo(u.id, u.urged_on, u.method or "", u.note or "", u.urged_by or "")
                 for u in session.scalars(select(SupervisionUrge).where(SupervisionUrge.supervision_id == sup.id)
                                          .order_by(SupervisionUrge.urged_on, SupervisionUrge.id))]
        level, reason = SupervisionLevel(sup.level), SupervisionReason(sup.reason)
        supervisions.append(SupervisionInfo(sup.id, sup.notice_no, level, level.label, reason, reason.label,
                                            sup.reason_text or "", sup.issued_on, sup.issued_by or "",
                                            sup.limit_date, sup.receipt_on, sup.receipt_text or "", sup.lifted_on,
                                            sup.lifted_note or "", urges))
        timeline.append(TimelineEntry(sup.issued_on, "supervision", tr("挂牌督办 {no}").format(no=sup.notice_no),
                                      tr("{level}督办，理由：{reason}{extra}，限期 {limit}").format(
                                          level=level.label, reason=reason.label,
                                          extra=f"（{sup.reason_text}）" if sup.reason_text else "",
                                          limit=sup.limit_date.isoformat()), sup.issued_by or "", ref_id=sup.id))
        for u in urges:
            timeline.append(TimelineEntry(u.on, "urge", tr("催办（{method}）").format(method=u.method or tr("未注明")),
                                          u.note, u.by, ref_id=u.id))
        if sup.receipt_on is not None:
            timeline.append(TimelineEntry(sup.receipt_on, "receipt", tr("督办回执"), sup.receipt_text or "", "",
                                          ref_id=sup.id))
        if sup.lifted_on is not None:
            timeline.append(TimelineEntry(sup.lifted_on, "lift", tr("解除督办 {no}").format(no=sup.notice_no),
                                          sup.lifted_note or "", "", ref_id=sup.id))
    extensions = []
    for e in session.scalars(select(Extension).where(Extension.commitment_id == c.id)
                             .order_by(Extension.requested_on, Extension.id)):
        state = DecisionState(e.state)
        extensions.append(ExtensionInfo(e.id, e.requested_on, e.requested_by or "", e.reason, e.old_date,
                                        e.new_date, state, state.label, e.decided_by or "", e.decided_on,
                                        e.decision_note or ""))
        timeline.append(TimelineEntry(e.requested_on, "extension", tr("申请延期"), tr("由 {old} 延至 {new}：{reason}").format(
            old=e.old_date.isoformat() if e.old_date else "", new=e.new_date.isoformat(), reason=e.reason),
            e.requested_by or "", ref_id=e.id))
        if e.decided_on is not None:
            timeline.append(TimelineEntry(e.decided_on, "extension_decision",
                                          tr("延期审批：{state}").format(state=state.label), e.decision_note or "",
                                          e.decided_by or "", ref_id=e.id))
    exemptions = []
    for x in session.scalars(select(Exemption).where(Exemption.commitment_id == c.id).order_by(Exemption.id)):
        category = ExemptionCategory(x.category)
        exemptions.append(ExemptionInfo(x.id, category, category.label, x.reason, x.decision_no or "", x.decided_on,
                                        x.decided_by or ""))
        timeline.append(TimelineEntry(x.decided_on, "exemption", tr("列入保护清单"), tr("{cat}（{no}）：{reason}").format(
            cat=category.label, no=x.decision_no, reason=x.reason), x.decided_by or "", ref_id=x.id))
    findings = []
    for fnd, insp in session.execute(
            select(InspectionFinding, Inspection).join(Inspection, Inspection.id == InspectionFinding.inspection_id)
            .where(or_(InspectionFinding.commitment_id == c.id, InspectionFinding.rectification_id == c.id))
            .order_by(Inspection.held_on, InspectionFinding.id)):
        kind = InspectionKind(insp.kind)
        findings.append(FindingInfo(fnd.id, insp.id, insp.held_on, kind.label, fnd.text, fnd.severity or "",
                                    Decimal(fnd.deduction or 0), bool(fnd.relapse), bool(fnd.veto)))
        marks = [m for m in ((tr("反弹") if fnd.relapse else ""), (tr("一票否决") if fnd.veto else "")) if m]
        timeline.append(TimelineEntry(insp.held_on, "finding", tr("{kind}发现问题").format(kind=kind.label),
                                      fnd.text + (f"（{'，'.join(marks)}）" if marks else "")
                                      + (tr("，扣 {d} 分").format(d=_number(fnd.deduction)) if fnd.deduction else ""),
                                      insp.inspectors or insp.recorded_by or "", ref_id=fnd.id))
    # date order; on one day, the order things happen in (status changes are recorded after what caused them)
    rank = {"extension": 0, "extension_decision": 1, "finding": 2, "supervision": 3, "urge": 4, "receipt": 5,
            "report": 6, "attachment": 7, "exemption": 8, "lift": 10, "status": 9}
    timeline = [e for _i, e in sorted(enumerate(timeline), key=lambda p: (p[1].on, rank.get(p[1].kind, 11), p[0]))]
    verdict = Verdict(c.verdict) if c.verdict else None
    rollup = row.percent
    # who did it, as staff know them: the user's display name (系统 for the automatic checks), not the login
    names = {u: (d or u) for u, d in session.execute(select(User.username, User.display_name))}
    names.setdefault(SYSTEM.username, SYSTEM.display_name)

    def who(username: str) -> str:
        return names.get(username, username)
    timeline = [replace(e, by=who(e.by)) for e in timeline]
    extensions = [replace(e, requested_by=who(e.requested_by), decided_by=who(e.decided_by)) for e in extensions]
    return ItemDetail(row=row, detail=dict(c.detail or {}), acceptance_opinion=c.acceptance_opinion or "",
                      verdict_label=verdict.label if verdict else "", verdict_evidence=c.verdict_evidence or "",
                      children=children, rollup_percent=rollup, reports=reports, attachments=files,
                      supervisions=supervisions, extensions=extensions, exemptions=exemptions, findings=findings,
                      timeline=timeline)


# ------------------------------------------------------------------------------------------------------- choices

def owner_choices(session: Session, cycle_id: int) -> OwnerChoices:
    """Who an item can be registered to in a cycle: the elected cadres (by village, surname strokes), the
    villages' organizations, and the assessed roles not ended."""
    villages = [VillageChoice(v.id, v.name) for v in session.scalars(select(Village).order_by(Village.code,
                                                                                                Village.name))]
    owners: list[OwnerChoice] = []
    cadres = session.execute(
        select(Candidacy.id, Candidacy.post, Person.name, Organization.village_id, Organization.kind)
        .join(Person, Person.id == Candidacy.person_id)
        .join(Organization, Organization.id == Candidacy.organization_id)
        .where(Candidacy.cycle_id == cycle_id, Candidacy.status == CandidacyStatus.ELECTED)).all()
    for cid, post, name, village_id, org_kind in sorted(cadres, key=lambda x: (x.village_id or 0,
                                                                                stroke_key(x.name))):
        owners.append(OwnerChoice(f"{name}（{post_title(post, org_kind)}）", Owner(candidacy_id=cid), village_id))
    names = {v.id: v.name for v in villages}
    for org in session.scalars(select(Organization).where(Organization.cycle_id == cycle_id)
                               .order_by(Organization.village_id, Organization.id)):
        owners.append(OwnerChoice(organization_label(names.get(org.village_id, ""), org.kind),
                                  Owner(organization_id=org.id), org.village_id))
    roles = session.execute(
        select(AssessedRole.id, AssessedRole.title, AssessedRole.kind, AssessedRole.village_id, Person.name)
        .join(Person, Person.id == AssessedRole.person_id)
        .where(AssessedRole.cycle_id == cycle_id, AssessedRole.ends_on.is_(None),
               AssessedRole.kind != AssessedRoleKind.ELECTED)).all()
    for rid, title, kind, village_id, name in sorted(roles, key=lambda x: stroke_key(x.name)):
        owners.append(OwnerChoice(f"{name}（{title or AssessedRoleKind(kind).label}）", Owner(assessed_role_id=rid),
                                  village_id))
    return OwnerChoices(villages, owners)


def supervisions(session: Session, *, cycle_id: int, village_id: int | None = None,
                 open_only: bool = True) -> list[SupervisionRow]:
    """The 挂牌督办 of a cycle (optionally one village; only those not lifted by default), by issue date."""
    urges = (select(func.count(SupervisionUrge.id)).where(SupervisionUrge.supervision_id == Supervision.id)
             .correlate(Supervision).scalar_subquery())
    query = (select(Supervision, Commitment.ledger_no, Commitment.title, Commitment.status, Commitment.village_id,
                    urges.label("urges"))
             .join(Commitment, Commitment.id == Supervision.commitment_id)
             .where(Commitment.cycle_id == cycle_id)
             .order_by(Supervision.issued_on, Supervision.id))
    if village_id is not None:
        query = query.where(Commitment.village_id == village_id)
    if open_only:
        query = query.where(Supervision.lifted_on.is_(None))
    rows = session.execute(query).all()
    if not rows:
        return []
    owners = {r.id: r for r in ledger_all(session, LedgerFilter(cycle_id=cycle_id, ids=tuple(
        {row.Supervision.commitment_id for row in rows})), today=dt.date.today())}
    out = []
    for m in rows:
        sup = m.Supervision
        level, reason = SupervisionLevel(sup.level), SupervisionReason(sup.reason)
        line = owners.get(sup.commitment_id)
        owner = "" if line is None else (f"{line.owner_name}（{line.owner_post}）" if line.owner_post
                                         else line.owner_name)
        out.append(SupervisionRow(
            id=sup.id, commitment_id=sup.commitment_id, notice_no=sup.notice_no, ledger_no=m.ledger_no or "",
            village=line.village if line else "", owner=owner, title=m.title, level=level, level_label=level.label,
            reason=reason, reason_label=reason.label, reason_text=sup.reason_text or "", issued_on=sup.issued_on,
            issued_by=sup.issued_by or "", limit_date=sup.limit_date, urges=int(m.urges or 0),
            receipt_on=sup.receipt_on, lifted_on=sup.lifted_on, status_label=CommitmentStatus(m.status).label))
    return out

