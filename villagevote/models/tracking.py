"""After the election: commitments (践诺), progress reports, status history, evaluations and flags."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

from sqlalchemy import JSON, Date, ForeignKey, Integer, Numeric, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from villagevote.models.base import Base, TimestampMixin, enum_type
from villagevote.models.enums import CommitmentStatus, EvaluationGrade, FlagKind


class Commitment(TimestampMixin, Base):
    __tablename__ = "commitment"
    id: Mapped[int] = mapped_column(primary_key=True)
    candidacy_id: Mapped[int] = mapped_column(ForeignKey("candidacy.id", ondelete="CASCADE"), index=True)
    pledge_item_id: Mapped[int | None] = mapped_column(ForeignKey("pledge_item.id", ondelete="SET NULL"),
                                                          nullable=True, unique=True)
    title: Mapped[str] = mapped_column(Text)
    category: Mapped[str] = mapped_column(String(32), default="")
    target: Mapped[str] = mapped_column(Text, default="")
    starts_on: Mapped[dt.date | None] = mapped_column(Date, nullable=True)
    deadline: Mapped[dt.date | None] = mapped_column(Date, nullable=True)
    weight: Mapped[Decimal] = mapped_column(Numeric(6, 2), default=Decimal("1"))
    status: Mapped[CommitmentStatus] = mapped_column(enum_type(CommitmentStatus),
                                                     default=CommitmentStatus.REGISTERED)
    percent_done: Mapped[int] = mapped_column(Integer, default=0)
    final_verdict_note: Mapped[str] = mapped_column(Text, default="")


class ProgressReport(TimestampMixin, Base):
    __tablename__ = "progress_report"
    id: Mapped[int] = mapped_column(primary_key=True)
    commitment_id: Mapped[int] = mapped_column(ForeignKey("commitment.id", ondelete="CASCADE"), index=True)
    reported_on: Mapped[dt.date] = mapped_column(Date)
    percent: Mapped[int] = mapped_column(Integer)
    narrative: Mapped[str] = mapped_column(Text, default="")
    evidence: Mapped[str] = mapped_column(Text, default="")
    reported_by: Mapped[str] = mapped_column(String(64), default="")


class CommitmentStatusChange(TimestampMixin, Base):
    __tablename__ = "commitment_status_change"
    id: Mapped[int] = mapped_column(primary_key=True)
    commitment_id: Mapped[int] = mapped_column(ForeignKey("commitment.id", ondelete="CASCADE"), index=True)
    from_status: Mapped[str | None] = mapped_column(String(32), nullable=True)
    to_status: Mapped[str] = mapped_column(String(32))
    changed_on: Mapped[dt.date] = mapped_column(Date)
    note: Mapped[str] = mapped_column(Text, default="")


class Evaluation(TimestampMixin, Base):
    """Year-end 述职/述诺 and 民主评议 of one cadre."""
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
    __tablename__ = "flag"
    id: Mapped[int] = mapped_column(primary_key=True)
    candidacy_id: Mapped[int] = mapped_column(ForeignKey("candidacy.id", ondelete="CASCADE"), index=True)
    commitment_id: Mapped[int | None] = mapped_column(ForeignKey("commitment.id", ondelete="SET NULL"),
                                                         nullable=True)
    kind: Mapped[FlagKind] = mapped_column(enum_type(FlagKind))
    raised_on: Mapped[dt.date] = mapped_column(Date)
    note: Mapped[str] = mapped_column(Text, default="")
    resolved_on: Mapped[dt.date | None] = mapped_column(Date, nullable=True)
