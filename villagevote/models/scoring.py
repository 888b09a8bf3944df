"""实绩比选: scoring schemes, criteria, rater groups, raters, recusals, score sheets and scores."""
from __future__ import annotations

from decimal import Decimal
from typing import Optional

from sqlalchemy import JSON, ForeignKey, Integer, Numeric, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from villagevote.models.base import Base, TimestampMixin, enum_type
from villagevote.models.enums import AggregationRule


class ScoreScheme(TimestampMixin, Base):
    __tablename__ = "score_scheme"
    __table_args__ = (UniqueConstraint("name", "version"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(128))
    version: Mapped[int] = mapped_column(Integer, default=1)
    cycle_id: Mapped[Optional[int]] = mapped_column(ForeignKey("election_cycle.id", ondelete="SET NULL"),
                                                    nullable=True)
    aggregation: Mapped[AggregationRule] = mapped_column(enum_type(AggregationRule), default=AggregationRule.MEAN)
    per_group: Mapped[bool] = mapped_column(default=False)
    decimals: Mapped[int] = mapped_column(Integer, default=2)
    cutoff_min: Mapped[Optional[Decimal]] = mapped_column(Numeric(8, 3), nullable=True)
    cutoff_top_n: Mapped[Optional[int]] = mapped_column(Integer, nullable=True)
    tie_rule: Mapped[list] = mapped_column(JSON, default=list)  # priority criterion names
    definition: Mapped[dict] = mapped_column(JSON, default=dict)  # the full scheme as loaded (bonus items, …)
    frozen: Mapped[bool] = mapped_column(default=False)
    criteria: Mapped[list["ScoreCriterion"]] = relationship(order_by="ScoreCriterion.sort_order",
                                                            cascade="all, delete-orphan")
    groups: Mapped[list["RaterGroup"]] = relationship(cascade="all, delete-orphan")


class ScoreCriterion(Base):
    __tablename__ = "score_criterion"
    id: Mapped[int] = mapped_column(primary_key=True)
    scheme_id: Mapped[int] = mapped_column(ForeignKey("score_scheme.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(64))
    kind: Mapped[str] = mapped_column(String(16), default="criterion")  # criterion / bonus / deduction
    maximum: Mapped[Decimal] = mapped_column(Numeric(8, 3))
    weight: Mapped[Decimal] = mapped_column(Numeric(8, 4), default=Decimal("1"))
    cap: Mapped[Optional[Decimal]] = mapped_column(Numeric(8, 3), nullable=True)
    sort_order: Mapped[int] = mapped_column(Integer, default=0)


class RaterGroup(Base):
    __tablename__ = "rater_group"
    id: Mapped[int] = mapped_column(primary_key=True)
    scheme_id: Mapped[int] = mapped_column(ForeignKey("score_scheme.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(64))
    weight: Mapped[Decimal] = mapped_column(Numeric(8, 4), default=Decimal("1"))


class Rater(TimestampMixin, Base):
    __tablename__ = "rater"
    id: Mapped[int] = mapped_column(primary_key=True)
    scheme_id: Mapped[int] = mapped_column(ForeignKey("score_scheme.id", ondelete="CASCADE"), index=True)
    group_id: Mapped[Optional[int]] = mapped_column(ForeignKey("rater_group.id", ondelete="SET NULL"), nullable=True)
    name: Mapped[str] = mapped_column(String(64))
    title: Mapped[str] = mapped_column(String(64), default="")


class Recusal(TimestampMixin, Base):
    __tablename__ = "recusal"
    __table_args__ = (UniqueConstraint("rater_id", "candidacy_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    rater_id: Mapped[int] = mapped_column(ForeignKey("rater.id", ondelete="CASCADE"), index=True)
    candidacy_id: Mapped[int] = mapped_column(ForeignKey("candidacy.id", ondelete="CASCADE"), index=True)
    reason: Mapped[str] = mapped_column(Text)


class ScoreSheet(TimestampMixin, Base):
    """One rater's paper sheet as entered; entry 1 and optional entry 2 (double entry)."""
    __tablename__ = "score_sheet"
    __table_args__ = (UniqueConstraint("rater_id", "entry_no"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    rater_id: Mapped[int] = mapped_column(ForeignKey("rater.id", ondelete="CASCADE"), index=True)
    entry_no: Mapped[int] = mapped_column(Integer, default=1)
    entered_by: Mapped[str] = mapped_column(String(64), default="")
    confirmed: Mapped[bool] = mapped_column(default=False)
    note: Mapped[str] = mapped_column(Text, default="")


class Score(Base):
    __tablename__ = "score"
    __table_args__ = (UniqueConstraint("sheet_id", "candidacy_id", "criterion_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    sheet_id: Mapped[int] = mapped_column(ForeignKey("score_sheet.id", ondelete="CASCADE"), index=True)
    candidacy_id: Mapped[int] = mapped_column(ForeignKey("candidacy.id", ondelete="CASCADE"), index=True)
    criterion_id: Mapped[int] = mapped_column(ForeignKey("score_criterion.id", ondelete="CASCADE"), index=True)
    value: Mapped[Decimal] = mapped_column(Numeric(8, 3))


class ScoreDecision(TimestampMixin, Base):
    """A recorded decision resolving a tie or stating the outcome reason for a candidacy."""
    __tablename__ = "score_decision"
    id: Mapped[int] = mapped_column(primary_key=True)
    scheme_id: Mapped[int] = mapped_column(ForeignKey("score_scheme.id", ondelete="CASCADE"), index=True)
    candidacy_id: Mapped[int] = mapped_column(ForeignKey("candidacy.id", ondelete="CASCADE"), index=True)
    rank: Mapped[Optional[int]] = mapped_column(Integer, nullable=True)
    reason: Mapped[str] = mapped_column(Text, default="")
    decided_by: Mapped[str] = mapped_column(String(64), default="")
