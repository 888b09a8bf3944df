"""After the election: commitments (践诺) and their ledger, progress reports, evidence, inspections, supervision
(挂牌督办), extensions, exemptions (保护清单), assessed roles, rankings, circulars and consequences (tracking.md A1, C).

Owners: a commitment belongs to an elected candidacy (a cadre's pledge), an organization (a team pledge) or an
assessed role (生态指导员, 河长, 联村干部); ``village_id`` and ``cycle_id`` are stored on every row so the ledger
filters without joins. Records are never deleted when a person leaves a role (``AssessedRole.ends_on``).
"""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    Numeric,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from villagevote.models.base import Base, TimestampMixin, enum_type, utcnow
from villagevote.models.enums import (
    AssessedRoleKind,
    AttachmentKind,
    CommitmentKind,
    CommitmentSource,
    CommitmentStatus,
    ConsequenceState,
    DecisionState,
    EvaluationGrade,
    ExemptionCategory,
    FlagKind,
    InspectionKind,
    ResignationOutcome,
    SupervisionLevel,
    SupervisionReason,
    Verdict,
)


class AssessedRole(TimestampMixin, Base):
    """A person in an assessed role over a period: an elected cadre (linked to the candidacy), a 生态指导员 /
    剿劣督导员, a 河长 or a 联村干部. ``patrol_min`` visits or patrols per ``patrol_period`` ("month" / "quarter")
    give the shortfall alert."""
    __tablename__ = "assessed_role"
    id: Mapped[int] = mapped_column(primary_key=True)
    cycle_id: Mapped[int] = mapped_column(ForeignKey("election_cycle.id", ondelete="CASCADE"), index=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id", ondelete="RESTRICT"), index=True)
    kind: Mapped[AssessedRoleKind] = mapped_column(enum_type(AssessedRoleKind))
    title: Mapped[str] = mapped_column(String(64), default="")  # e.g. 村委会主任, 村级河长
    village_id: Mapped[int | None] = mapped_column(ForeignKey("village.id", ondelete="SET NULL"), nullable=True,
                                                      index=True)
    candidacy_id: Mapped[int | None] = mapped_column(ForeignKey("candidacy.id", ondelete="SET NULL"), nullable=True,
                                                        index=True)
    appointing_unit: Mapped[str] = mapped_column(String(128), default="")
    starts_on: Mapped[dt.date | None] = mapped_column(Date, nullable=True)
    ends_on: Mapped[dt.date | None] = mapped_column(Date, nullable=True)
    end_reason: Mapped[str] = mapped_column(Text, default="")
    patrol_min: Mapped[int | None] = mapped_column(Integer, nullable=True)
    patrol_period: Mapped[str] = mapped_column(String(16), default="")
    phone: Mapped[str] = mapped_column(String(32), default="")
    note: Mapped[str] = mapped_column(Text, default="")


class Commitment(TimestampMixin, Base):
    __tablename__ = "commitment"
    id: Mapped[int] = mapped_column(primary_key=True)
    ledger_no: Mapped[str | None] = mapped_column(String(48), nullable=True, unique=True)  # e.g. 东山-2026-007
    cycle_id: Mapped[int | None] = mapped_column(ForeignKey("election_cycle.id", ondelete="CASCADE"), nullable=True,
                                                    index=True)
    village_id: Mapped[int | None] = mapped_column(ForeignKey("village.id", ondelete="SET NULL"), nullable=True,
                                                      index=True)
    # the owner: exactly one of candidacy, organization, assessed role (checked in the domain)
    candidacy_id: Mapped[int | None] = mapped_column(ForeignKey("candidacy.id", ondelete="CASCADE"), nullable=True,
                                                        index=True)
    organization_id: Mapped[int | None] = mapped_column(ForeignKey("organization.id", ondelete="SET NULL"),
                                                           nullable=True, index=True)
    assessed_role_id: Mapped[int | None] = mapped_column(ForeignKey("assessed_role.id", ondelete="SET NULL"),
                                                            nullable=True, index=True)
    pledge_item_id: Mapped[int | None] = mapped_column(ForeignKey("pledge_item.id", ondelete="SET NULL"),
                                                          nullable=True, unique=True)
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("commitment.id", ondelete="CASCADE"), nullable=True,
                                                     index=True)
    source: Mapped[CommitmentSource] = mapped_column(enum_type(CommitmentSource), default=CommitmentSource.PLEDGE,
                                                     server_default=CommitmentSource.PLEDGE.value)
    kind: Mapped[CommitmentKind] = mapped_column(enum_type(CommitmentKind), default=CommitmentKind.MILESTONE,
                                                 server_default=CommitmentKind.MILESTONE.value)
    title: Mapped[str] = mapped_column(Text)
    category: Mapped[str] = mapped_column(String(32), default="")
    target: Mapped[str] = mapped_column(Text, default="")  # the goal in words
    # metric items: progress = (current − baseline) / (target − baseline), clamped to 0–100
    metric_baseline: Mapped[Decimal | None] = mapped_column(Numeric(14, 2), nullable=True)
    metric_target: Mapped[Decimal | None] = mapped_column(Numeric(14, 2), nullable=True)
    metric_current: Mapped[Decimal | None] = mapped_column(Numeric(14, 2), nullable=True)
    unit: Mapped[str] = mapped_column(String(16), default="", server_default="")
    detail: Mapped[dict] = mapped_column(JSON, default=dict, server_default="{}")  # e.g. a water body's 名称/类型/位置/判定依据
    year: Mapped[int | None] = mapped_column(Integer, nullable=True)  # set for an annual item
    starts_on: Mapped[dt.date | None] = mapped_column(Date, nullable=True)
    deadline: Mapped[dt.date | None] = mapped_column(Date, nullable=True)  # the original 时限
    deadline_current: Mapped[dt.date | None] = mapped_column(Date, nullable=True)  # after approved extensions
    weight: Mapped[Decimal] = mapped_column(Numeric(6, 2), default=Decimal("1"))
    status: Mapped[CommitmentStatus] = mapped_column(enum_type(CommitmentStatus),
                                                     default=CommitmentStatus.REGISTERED)
    percent_done: Mapped[int] = mapped_column(Integer, default=0)
    registered_on: Mapped[dt.date | None] = mapped_column(Date, nullable=True)
    reported_done_on: Mapped[dt.date | None] = mapped_column(Date, nullable=True)
    reported_done_by: Mapped[str] = mapped_column(String(64), default="", server_default="")  # the user who entered it
    closed_on: Mapped[dt.date | None] = mapped_column(Date, nullable=True)
    closed_by: Mapped[str] = mapped_column(String(64), default="", server_default="")
    acceptance_opinion: Mapped[str] = mapped_column(Text, default="", server_default="")
    reopen_count: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    verdict: Mapped[Verdict | None] = mapped_column(enum_type(Verdict), nullable=True)
    verdict_on: Mapped[dt.date | None] = mapped_column(Date, nullable=True)
    verdict_evidence: Mapped[str] = mapped_column(Text, default="", server_default="")
    final_verdict_note: Mapped[str] = mapped_column(Text, default="")


class ProgressReport(TimestampMixin, Base):
    """One report on one item: weekly (``period`` = ISO week ``2026-W14``) or a dated update."""
    __tablename__ = "progress_report"
    __table_args__ = (Index("ix_progress_report_commitment_period", "commitment_id", "period"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    commitment_id: Mapped[int] = mapped_column(ForeignKey("commitment.id", ondelete="CASCADE"), index=True)
    period: Mapped[str] = mapped_column(String(10), default="", server_default="", index=True)
    reported_on: Mapped[dt.date] = mapped_column(Date)
    percent: Mapped[int] = mapped_column(Integer)
    value: Mapped[Decimal | None] = mapped_column(Numeric(14, 2), nullable=True)  # a metric item's current value
    confidence: Mapped[int | None] = mapped_column(Integer, nullable=True)  # 0–10, optional
    narrative: Mapped[str] = mapped_column(Text, default="")  # 本周进展
    problems: Mapped[str] = mapped_column(Text, default="", server_default="")  # 问题
    next_plan: Mapped[str] = mapped_column(Text, default="", server_default="")  # 下周计划
    no_progress_reason: Mapped[str] = mapped_column(Text, default="", server_default="")
    evidence: Mapped[str] = mapped_column(Text, default="")
    reported_by: Mapped[str] = mapped_column(String(64), default="")  # the village's 报告人 (a name)
    entered_by: Mapped[str] = mapped_column(String(64), default="", server_default="")  # the user who typed it
    confirmed_by: Mapped[str] = mapped_column(String(64), default="", server_default="")  # 联村干部
    on_time: Mapped[bool] = mapped_column(Boolean, default=True, server_default="1")


class CommitmentStatusChange(TimestampMixin, Base):
    __tablename__ = "commitment_status_change"
    id: Mapped[int] = mapped_column(primary_key=True)
    commitment_id: Mapped[int] = mapped_column(ForeignKey("commitment.id", ondelete="CASCADE"), index=True)
    from_status: Mapped[str | None] = mapped_column(String(32), nullable=True)
    to_status: Mapped[str] = mapped_column(String(32))
    changed_on: Mapped[dt.date] = mapped_column(Date)
    note: Mapped[str] = mapped_column(Text, default="")
    changed_by: Mapped[str] = mapped_column(String(64), default="", server_default="")


class Attachment(Base):
    """Evidence for any record (``owner_type`` = table name: commitment, progress_report, inspection,
    inspection_finding, supervision, extension, exemption, flag, meeting_record …). The file is copied into the data
    directory (``stored_path`` relative to it) and its SHA-256 is checked whenever it is shown or printed."""
    __tablename__ = "attachment"
    __table_args__ = (Index("ix_attachment_owner", "owner_type", "owner_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    owner_type: Mapped[str] = mapped_column(String(32))
    owner_id: Mapped[int] = mapped_column(Integer)
    kind: Mapped[AttachmentKind] = mapped_column(enum_type(AttachmentKind))
    file_name: Mapped[str] = mapped_column(String(255))  # the original name
    stored_path: Mapped[str] = mapped_column(String(512))
    sha256: Mapped[str] = mapped_column(String(64))
    size: Mapped[int] = mapped_column(Integer, default=0)
    taken_on: Mapped[dt.date | None] = mapped_column(Date, nullable=True)
    caption: Mapped[str] = mapped_column(Text, default="")
    added_by: Mapped[str] = mapped_column(String(64), default="")
    added_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)


class Inspection(TimestampMixin, Base):
    """A 月查, 督察, 暗访, 派出单位检查 or 巡河 of one village (``village_id``) or the township (NULL); ``score`` is the
    village's 月查得分 where the kind scores; ``assessed_role_id`` names the role holder whose visit or patrol it is."""
    __tablename__ = "inspection"
    id: Mapped[int] = mapped_column(primary_key=True)
    cycle_id: Mapped[int] = mapped_column(ForeignKey("election_cycle.id", ondelete="CASCADE"), index=True)
    kind: Mapped[InspectionKind] = mapped_column(enum_type(InspectionKind))
    held_on: Mapped[dt.date] = mapped_column(Date, index=True)
    period: Mapped[str] = mapped_column(String(10), default="")  # e.g. 2026-05 for a 月查
    village_id: Mapped[int | None] = mapped_column(ForeignKey("village.id", ondelete="SET NULL"), nullable=True,
                                                      index=True)
    assessed_role_id: Mapped[int | None] = mapped_column(ForeignKey("assessed_role.id", ondelete="SET NULL"),
                                                            nullable=True, index=True)
    inspectors: Mapped[str] = mapped_column(Text, default="")
    score: Mapped[Decimal | None] = mapped_column(Numeric(6, 2), nullable=True)
    summary: Mapped[str] = mapped_column(Text, default="")
    recorded_by: Mapped[str] = mapped_column(String(64), default="")


class InspectionFinding(TimestampMixin, Base):
    __tablename__ = "inspection_finding"
    id: Mapped[int] = mapped_column(primary_key=True)
    inspection_id: Mapped[int] = mapped_column(ForeignKey("inspection.id", ondelete="CASCADE"), index=True)
    commitment_id: Mapped[int | None] = mapped_column(ForeignKey("commitment.id", ondelete="SET NULL"),
                                                         nullable=True, index=True)  # the item the finding is about
    rectification_id: Mapped[int | None] = mapped_column(ForeignKey("commitment.id", ondelete="SET NULL"),
                                                            nullable=True)  # the rectification item it opened
    text: Mapped[str] = mapped_column(Text)
    severity: Mapped[str] = mapped_column(String(16), default="")  # 一般 / 较重 / 严重
    deduction: Mapped[Decimal] = mapped_column(Numeric(6, 2), default=Decimal("0"))
    veto: Mapped[bool] = mapped_column(Boolean, default=False)  # 一票否决
    relapse: Mapped[bool] = mapped_column(Boolean, default=False)  # 反弹
    source: Mapped[str] = mapped_column(String(16), default="")  # e.g. 群众举报 (the reporter is not stored)


class Supervision(TimestampMixin, Base):
    """挂牌督办 of one item: a flag, lifted when the item is 销号."""
    __tablename__ = "supervision"
    id: Mapped[int] = mapped_column(primary_key=True)
    commitment_id: Mapped[int] = mapped_column(ForeignKey("commitment.id", ondelete="CASCADE"), index=True)
    level: Mapped[SupervisionLevel] = mapped_column(enum_type(SupervisionLevel))
    reason: Mapped[SupervisionReason] = mapped_column(enum_type(SupervisionReason))
    reason_text: Mapped[str] = mapped_column(Text, default="")
    notice_no: Mapped[str] = mapped_column(String(48), unique=True)
    issued_on: Mapped[dt.date] = mapped_column(Date)
    issued_by: Mapped[str] = mapped_column(String(64), default="")
    limit_date: Mapped[dt.date] = mapped_column(Date)
    receipt_on: Mapped[dt.date | None] = mapped_column(Date, nullable=True)  # 回执
    receipt_text: Mapped[str] = mapped_column(Text, default="")
    lifted_on: Mapped[dt.date | None] = mapped_column(Date, nullable=True)
    lifted_note: Mapped[str] = mapped_column(Text, default="")


class SupervisionUrge(Base):
    """催办 log of a supervision."""
    __tablename__ = "supervision_urge"
    id: Mapped[int] = mapped_column(primary_key=True)
    supervision_id: Mapped[int] = mapped_column(ForeignKey("supervision.id", ondelete="CASCADE"), index=True)
    urged_on: Mapped[dt.date] = mapped_column(Date)
    method: Mapped[str] = mapped_column(String(32), default="")  # 电话 / 书面 / 现场
    note: Mapped[str] = mapped_column(Text, default="")
    urged_by: Mapped[str] = mapped_column(String(64), default="")


class Extension(TimestampMixin, Base):
    """延期申请: requested before the due date, decided by a reviewer."""
    __tablename__ = "extension"
    id: Mapped[int] = mapped_column(primary_key=True)
    commitment_id: Mapped[int] = mapped_column(ForeignKey("commitment.id", ondelete="CASCADE"), index=True)
    requested_on: Mapped[dt.date] = mapped_column(Date)
    requested_by: Mapped[str] = mapped_column(String(64), default="")
    reason: Mapped[str] = mapped_column(Text)
    old_date: Mapped[dt.date | None] = mapped_column(Date, nullable=True)
    new_date: Mapped[dt.date] = mapped_column(Date)
    state: Mapped[DecisionState] = mapped_column(enum_type(DecisionState), default=DecisionState.PENDING)
    decided_by: Mapped[str] = mapped_column(String(64), default="")
    decided_on: Mapped[dt.date | None] = mapped_column(Date, nullable=True)
    decision_note: Mapped[str] = mapped_column(Text, default="")


class Exemption(TimestampMixin, Base):
    """保护清单 (容错免责): neutralises a commitment's negative verdict, a consequence, or a role holder's evaluation
    and triggers of one year (``assessed_role_id`` + ``year``)."""
    __tablename__ = "exemption"
    id: Mapped[int] = mapped_column(primary_key=True)
    commitment_id: Mapped[int | None] = mapped_column(ForeignKey("commitment.id", ondelete="CASCADE"),
                                                         nullable=True, index=True)
    flag_id: Mapped[int | None] = mapped_column(ForeignKey("flag.id", ondelete="CASCADE"), nullable=True, index=True)
    assessed_role_id: Mapped[int | None] = mapped_column(ForeignKey("assessed_role.id", ondelete="CASCADE"),
                                                            nullable=True, index=True)
    person_id: Mapped[int | None] = mapped_column(ForeignKey("person.id", ondelete="CASCADE"), nullable=True,
                                                     index=True)
    year: Mapped[int | None] = mapped_column(Integer, nullable=True)
    category: Mapped[ExemptionCategory] = mapped_column(enum_type(ExemptionCategory))
    reason: Mapped[str] = mapped_column(Text)
    decision_no: Mapped[str] = mapped_column(String(64), default="")
    decided_on: Mapped[dt.date] = mapped_column(Date)
    decided_by: Mapped[str] = mapped_column(String(64), default="")
    revoked_on: Mapped[dt.date | None] = mapped_column(Date, nullable=True)


class RankingSnapshot(Base):
    """A quarterly (or monthly) ranking frozen with the scheme it used; later edits never change it."""
    __tablename__ = "ranking_snapshot"
    __table_args__ = (UniqueConstraint("cycle_id", "period", "serial"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    cycle_id: Mapped[int] = mapped_column(ForeignKey("election_cycle.id", ondelete="CASCADE"), index=True)
    period: Mapped[str] = mapped_column(String(10))  # 2026-Q2
    serial: Mapped[int] = mapped_column(Integer, default=1)
    scheme_version: Mapped[int] = mapped_column(Integer)
    scheme: Mapped[dict] = mapped_column(JSON)
    rows: Mapped[list] = mapped_column(JSON)  # [{village_id, village, rank, total, parts{…}, veto, previous_rank}]
    digest: Mapped[str] = mapped_column(String(64), default="")
    created_by: Mapped[str] = mapped_column(String(64), default="")
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    signed_by: Mapped[str] = mapped_column(String(64), default="")
    signed_at: Mapped[dt.datetime | None] = mapped_column(DateTime, nullable=True)


class Circular(TimestampMixin, Base):
    """通报: 文号, text and table, the villages and cadres it names."""
    __tablename__ = "circular"
    id: Mapped[int] = mapped_column(primary_key=True)
    cycle_id: Mapped[int] = mapped_column(ForeignKey("election_cycle.id", ondelete="CASCADE"), index=True)
    snapshot_id: Mapped[int | None] = mapped_column(ForeignKey("ranking_snapshot.id", ondelete="SET NULL"),
                                                       nullable=True)
    number: Mapped[str] = mapped_column(String(48), unique=True)  # 文号 / 期数
    period: Mapped[str] = mapped_column(String(10), default="")
    title: Mapped[str] = mapped_column(String(128))
    body: Mapped[str] = mapped_column(Text, default="")
    table: Mapped[list] = mapped_column(JSON, default=list)
    named: Mapped[dict] = mapped_column(JSON, default=dict)  # {"villages": [...], "cadres": [...], "red": [...]}
    issued_on: Mapped[dt.date | None] = mapped_column(Date, nullable=True)
    signed_by: Mapped[str] = mapped_column(String(64), default="")


class Evaluation(TimestampMixin, Base):
    """Year-end 述职/述诺 and 民主评议 of one cadre (before issue 18; sessions are in models/evaluation.py)."""
    __tablename__ = "evaluation"
    id: Mapped[int] = mapped_column(primary_key=True)
    candidacy_id: Mapped[int] = mapped_column(ForeignKey("candidacy.id", ondelete="CASCADE"), index=True)
    year: Mapped[int] = mapped_column(Integer)
    report_on: Mapped[dt.date | None] = mapped_column(Date, nullable=True)
    votes: Mapped[dict] = mapped_column(JSON, default=dict)  # grade value -> count
    score: Mapped[Decimal | None] = mapped_column(Numeric(6, 2), nullable=True)
    outcome: Mapped[EvaluationGrade | None] = mapped_column(enum_type(EvaluationGrade), nullable=True)
    note: Mapped[str] = mapped_column(Text, default="")


class Flag(TimestampMixin, Base):
    """A consequence (tracking.md A1 "Consequence"): proposed by a rule or a user, then confirmed with a decision
    number, executed, or waived under an exemption. Never an automatic act. Its target is a candidacy (an elected
    cadre), an assessed role, a person or a village (末位约谈)."""
    __tablename__ = "flag"
    id: Mapped[int] = mapped_column(primary_key=True)
    candidacy_id: Mapped[int | None] = mapped_column(ForeignKey("candidacy.id", ondelete="CASCADE"), nullable=True,
                                                        index=True)
    commitment_id: Mapped[int | None] = mapped_column(ForeignKey("commitment.id", ondelete="SET NULL"),
                                                         nullable=True)
    cycle_id: Mapped[int | None] = mapped_column(ForeignKey("election_cycle.id", ondelete="CASCADE"), nullable=True,
                                                    index=True)
    person_id: Mapped[int | None] = mapped_column(ForeignKey("person.id", ondelete="CASCADE"), nullable=True,
                                                     index=True)
    assessed_role_id: Mapped[int | None] = mapped_column(ForeignKey("assessed_role.id", ondelete="SET NULL"),
                                                            nullable=True)
    village_id: Mapped[int | None] = mapped_column(ForeignKey("village.id", ondelete="SET NULL"), nullable=True)
    kind: Mapped[FlagKind] = mapped_column(enum_type(FlagKind))
    rule: Mapped[str] = mapped_column(String(64), default="", server_default="")  # the rule that fired, e.g. annual_evaluation
    why: Mapped[str] = mapped_column(Text, default="", server_default="")
    year: Mapped[int | None] = mapped_column(Integer, nullable=True)
    source_type: Mapped[str] = mapped_column(String(32), default="", server_default="")  # evaluation_count, ranking_snapshot …
    source_id: Mapped[int | None] = mapped_column(Integer, nullable=True)
    state: Mapped[ConsequenceState] = mapped_column(enum_type(ConsequenceState), default=ConsequenceState.PROPOSED,
                                                    server_default=ConsequenceState.PROPOSED.value)
    raised_on: Mapped[dt.date] = mapped_column(Date)
    proposed_by: Mapped[str] = mapped_column(String(64), default="", server_default="")
    decision_no: Mapped[str] = mapped_column(String(64), default="", server_default="")
    decided_by: Mapped[str] = mapped_column(String(64), default="", server_default="")
    decided_on: Mapped[dt.date | None] = mapped_column(Date, nullable=True)
    executed_on: Mapped[dt.date | None] = mapped_column(Date, nullable=True)
    # a 辞职承诺 trigger: the person resigned, or refused (which becomes a finding in the next cycle)
    outcome: Mapped[ResignationOutcome | None] = mapped_column(enum_type(ResignationOutcome), nullable=True)
    outcome_on: Mapped[dt.date | None] = mapped_column(Date, nullable=True)
    note: Mapped[str] = mapped_column(Text, default="")
    resolved_on: Mapped[dt.date | None] = mapped_column(Date, nullable=True)


Consequence = Flag  # the name tracking.md uses
