"""实绩比选: scoring schemes, criteria, rater groups, raters, recusals, score sheets and scores.

The scheme's ``definition`` (JSON, see ``villagevote.scoring.scheme``) is authoritative; the criterion and group rows
mirror it (by ``code``) so that scores and raters can reference them. Empty cells have no ``Score`` row (empty is not
0). Added in migration 0004: codes, double entry, participants, adjustments, tie decisions, outcome records.
"""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

from sqlalchemy import JSON, Date, DateTime, ForeignKey, Integer, Numeric, String, Text, UniqueConstraint, false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from villagevote.models.base import Base, TimestampMixin, enum_type
from villagevote.models.enums import AggregationRule


class ScoreScheme(TimestampMixin, Base):
    __tablename__ = "score_scheme"
    __table_args__ = (UniqueConstraint("name", "version"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(128))
    version: Mapped[int] = mapped_column(Integer, default=1)
    cycle_id: Mapped[int | None] = mapped_column(ForeignKey("election_cycle.id", ondelete="SET NULL"),
                                                    nullable=True)
    aggregation: Mapped[AggregationRule] = mapped_column(enum_type(AggregationRule), default=AggregationRule.MEAN)
    per_group: Mapped[bool] = mapped_column(default=False)
    decimals: Mapped[int] = mapped_column(Integer, default=2)
    cutoff_min: Mapped[Decimal | None] = mapped_column(Numeric(8, 3), nullable=True)
    cutoff_top_n: Mapped[int | None] = mapped_column(Integer, nullable=True)
    tie_rule: Mapped[list] = mapped_column(JSON, default=list)  # priority criterion names
    definition: Mapped[dict] = mapped_column(JSON, default=dict)  # the full scheme as loaded (bonus items, …)
    frozen: Mapped[bool] = mapped_column(default=False)
    code: Mapped[str] = mapped_column(String(64), default="", server_default="")
    double_entry: Mapped[bool] = mapped_column(default=False, server_default=false())
    outcome_applied_at: Mapped[dt.datetime | None] = mapped_column(DateTime, nullable=True)
    outcome_applied_by: Mapped[str] = mapped_column(String(64), default="", server_default="")
    criteria: Mapped[list[ScoreCriterion]] = relationship(order_by="ScoreCriterion.sort_order",
                                                            cascade="all, delete-orphan")
    groups: Mapped[list[RaterGroup]] = relationship(cascade="all, delete-orphan")


class ScoreCriterion(Base):
    __tablename__ = "score_criterion"
    id: Mapped[int] = mapped_column(primary_key=True)
    scheme_id: Mapped[int] = mapped_column(ForeignKey("score_scheme.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(64))
    code: Mapped[str] = mapped_column(String(64), default="", server_default="")
    kind: Mapped[str] = mapped_column(String(16), default="criterion")  # criterion / bonus / deduction
    maximum: Mapped[Decimal] = mapped_column(Numeric(8, 3))
    weight: Mapped[Decimal] = mapped_column(Numeric(8, 4), default=Decimal("1"))
    cap: Mapped[Decimal | None] = mapped_column(Numeric(8, 3), nullable=True)
    sort_order: Mapped[int] = mapped_column(Integer, default=0)


class RaterGroup(Base):
    __tablename__ = "rater_group"
    id: Mapped[int] = mapped_column(primary_key=True)
    scheme_id: Mapped[int] = mapped_column(ForeignKey("score_scheme.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(64))
    code: Mapped[str] = mapped_column(String(64), default="", server_default="")
    weight: Mapped[Decimal] = mapped_column(Numeric(8, 4), default=Decimal("1"))


class Rater(TimestampMixin, Base):
    __tablename__ = "rater"
    id: Mapped[int] = mapped_column(primary_key=True)
    scheme_id: Mapped[int] = mapped_column(ForeignKey("score_scheme.id", ondelete="CASCADE"), index=True)
    group_id: Mapped[int | None] = mapped_column(ForeignKey("rater_group.id", ondelete="SET NULL"), nullable=True)
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
    """The recorded outcome of 实绩比选 for one candidacy (入围 -> 初步人选, or the reason it did not pass)."""
    __tablename__ = "score_decision"
    id: Mapped[int] = mapped_column(primary_key=True)
    scheme_id: Mapped[int] = mapped_column(ForeignKey("score_scheme.id", ondelete="CASCADE"), index=True)
    candidacy_id: Mapped[int] = mapped_column(ForeignKey("candidacy.id", ondelete="CASCADE"), index=True)
    rank: Mapped[int | None] = mapped_column(Integer, nullable=True)
    reason: Mapped[str] = mapped_column(Text, default="")
    decided_by: Mapped[str] = mapped_column(String(64), default="")
    outcome: Mapped[str] = mapped_column(String(16), default="", server_default="")
    total: Mapped[str] = mapped_column(String(16), default="", server_default="")  # exact text, e.g. "80.00"


class ScoreParticipant(Base):
    """A candidacy taking part in a scheme's selection."""
    __tablename__ = "score_participant"
    __table_args__ = (UniqueConstraint("scheme_id", "candidacy_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    scheme_id: Mapped[int] = mapped_column(ForeignKey("score_scheme.id", ondelete="CASCADE"), index=True)
    candidacy_id: Mapped[int] = mapped_column(ForeignKey("candidacy.id", ondelete="CASCADE"), index=True)


class ScoreAdjustment(TimestampMixin, Base):
    """Bonus (加分) or deduction (扣分) points for a candidacy; deductions are stored as positive points."""
    __tablename__ = "score_adjustment"
    id: Mapped[int] = mapped_column(primary_key=True)
    scheme_id: Mapped[int] = mapped_column(ForeignKey("score_scheme.id", ondelete="CASCADE"), index=True)
    candidacy_id: Mapped[int] = mapped_column(ForeignKey("candidacy.id", ondelete="CASCADE"), index=True)
    item_code: Mapped[str] = mapped_column(String(64))
    points: Mapped[Decimal] = mapped_column(Numeric(8, 3))
    note: Mapped[str] = mapped_column(Text, default="")
    entered_by: Mapped[str] = mapped_column(String(64), default="")


class ScoreTieDecision(TimestampMixin, Base):
    """A recorded decision ordering candidacies still tied after the scheme's tie rule (best first)."""
    __tablename__ = "score_tie_decision"
    id: Mapped[int] = mapped_column(primary_key=True)
    scheme_id: Mapped[int] = mapped_column(ForeignKey("score_scheme.id", ondelete="CASCADE"), index=True)
    post_key: Mapped[str] = mapped_column(String(128))
    ranking: Mapped[list] = mapped_column(JSON, default=list)  # candidacy ids, best first
    reason: Mapped[str] = mapped_column(Text)
    decided_by: Mapped[str] = mapped_column(String(64), default="")
    decided_on: Mapped[dt.date] = mapped_column(Date)
