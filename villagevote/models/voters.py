"""Voter registers, objections and proxies."""
from __future__ import annotations

import datetime as dt
from typing import Optional

from sqlalchemy import Date, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from villagevote.models.base import Base, TimestampMixin, enum_type
from villagevote.models.enums import Gender, ObjectionOutcome, VoterCategory, VoterStatus


class Voter(TimestampMixin, Base):
    __tablename__ = "voter"
    __table_args__ = (Index("ix_voter_cycle_village", "cycle_id", "village_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    cycle_id: Mapped[int] = mapped_column(ForeignKey("election_cycle.id", ondelete="CASCADE"))
    village_id: Mapped[int] = mapped_column(ForeignKey("village.id", ondelete="CASCADE"), index=True)
    group_id: Mapped[Optional[int]] = mapped_column(ForeignKey("village_group.id", ondelete="SET NULL"),
                                                    nullable=True)
    person_id: Mapped[Optional[int]] = mapped_column(ForeignKey("person.id", ondelete="SET NULL"), nullable=True,
                                                     index=True)
    id_number: Mapped[Optional[str]] = mapped_column(String(18), nullable=True, index=True)
    name: Mapped[str] = mapped_column(String(64), index=True)
    name_initials: Mapped[str] = mapped_column(String(32), default="", index=True)
    gender: Mapped[Optional[Gender]] = mapped_column(enum_type(Gender), nullable=True)
    birth_date: Mapped[Optional[dt.date]] = mapped_column(Date, nullable=True)
    category: Mapped[VoterCategory] = mapped_column(enum_type(VoterCategory), default=VoterCategory.RESIDENT)
    status: Mapped[VoterStatus] = mapped_column(enum_type(VoterStatus), default=VoterStatus.ACTIVE)
    status_reason: Mapped[str] = mapped_column(Text, default="")
    status_date: Mapped[Optional[dt.date]] = mapped_column(Date, nullable=True)
    consent_note: Mapped[str] = mapped_column(Text, default="")  # for non-registered residents
    source: Mapped[str] = mapped_column(String(128), default="")


class Objection(TimestampMixin, Base):
    __tablename__ = "objection"
    id: Mapped[int] = mapped_column(primary_key=True)
    village_id: Mapped[int] = mapped_column(ForeignKey("village.id", ondelete="CASCADE"), index=True)
    voter_id: Mapped[Optional[int]] = mapped_column(ForeignKey("voter.id", ondelete="SET NULL"), nullable=True)
    raised_by: Mapped[str] = mapped_column(String(64))
    about_name: Mapped[str] = mapped_column(String(64), default="")
    ground: Mapped[str] = mapped_column(Text)
    received_on: Mapped[dt.date] = mapped_column(Date)
    answer_due: Mapped[Optional[dt.date]] = mapped_column(Date, nullable=True)
    outcome: Mapped[ObjectionOutcome] = mapped_column(enum_type(ObjectionOutcome), default=ObjectionOutcome.PENDING)
    answered_on: Mapped[Optional[dt.date]] = mapped_column(Date, nullable=True)
    answer: Mapped[str] = mapped_column(Text, default="")


class Proxy(TimestampMixin, Base):
    """委托投票: a principal authorizes a near relative (holder) in the same village."""
    __tablename__ = "proxy"
    id: Mapped[int] = mapped_column(primary_key=True)
    principal_id: Mapped[int] = mapped_column(ForeignKey("voter.id", ondelete="CASCADE"), unique=True)
    holder_id: Mapped[int] = mapped_column(ForeignKey("voter.id", ondelete="CASCADE"), index=True)
    authorized_on: Mapped[dt.date] = mapped_column(Date)
    approved: Mapped[bool] = mapped_column(default=True)
    note: Mapped[str] = mapped_column(Text, default="")
