"""The yearly 双述双评 (tracking.md A4): evaluation sessions with their ballot counts per cadre; meeting attendance
and absence records that the 辞职承诺 triggers are evaluated from (A5)."""
from __future__ import annotations

import datetime as dt

from sqlalchemy import JSON, Boolean, Date, DateTime, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from villagevote.models.base import Base, TimestampMixin, enum_type
from villagevote.models.enums import EvaluationKind, MeetingKind


class EvaluationSession(TimestampMixin, Base):
    """One 评议 meeting of one village (or the township panel): the scale is data (choices, best first); ``result``
    holds the engine's output frozen when the session is confirmed."""
    __tablename__ = "evaluation_session"
    __table_args__ = (UniqueConstraint("cycle_id", "village_id", "year", "kind", "meeting"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    cycle_id: Mapped[int] = mapped_column(ForeignKey("election_cycle.id", ondelete="CASCADE"), index=True)
    village_id: Mapped[int] = mapped_column(ForeignKey("village.id", ondelete="CASCADE"), index=True)
    year: Mapped[int] = mapped_column(Integer)
    kind: Mapped[EvaluationKind] = mapped_column(enum_type(EvaluationKind))
    meeting: Mapped[MeetingKind] = mapped_column(enum_type(MeetingKind))
    scale: Mapped[list] = mapped_column(JSON)  # e.g. ["满意", "基本满意", "不满意"]
    held_on: Mapped[dt.date | None] = mapped_column(Date, nullable=True)
    due: Mapped[int] = mapped_column(Integer, default=0)
    present: Mapped[int] = mapped_column(Integer, default=0)
    ballots_issued: Mapped[int] = mapped_column(Integer, default=0)
    first_ballot_no: Mapped[int | None] = mapped_column(Integer, nullable=True)  # numbered ballots
    scrutineers: Mapped[str] = mapped_column(Text, default="")  # 监票人
    counters: Mapped[str] = mapped_column(Text, default="")  # 计票人
    thresholds: Mapped[dict] = mapped_column(JSON, default=dict)  # overrides in force for this session
    result: Mapped[dict | None] = mapped_column(JSON, nullable=True)  # the engine's output, frozen on confirmation
    confirmed_by: Mapped[str] = mapped_column(String(64), default="")
    confirmed_at: Mapped[dt.datetime | None] = mapped_column(DateTime, nullable=True)
    note: Mapped[str] = mapped_column(Text, default="")


class EvaluationCount(TimestampMixin, Base):
    """Counts for one cadre in one session: per choice, blank and invalid; the grade the engine gave."""
    __tablename__ = "evaluation_count"
    __table_args__ = (UniqueConstraint("session_id", "person_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("evaluation_session.id", ondelete="CASCADE"), index=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id", ondelete="RESTRICT"), index=True)
    candidacy_id: Mapped[int | None] = mapped_column(ForeignKey("candidacy.id", ondelete="SET NULL"), nullable=True)
    assessed_role_id: Mapped[int | None] = mapped_column(ForeignKey("assessed_role.id", ondelete="SET NULL"),
                                                            nullable=True)
    name: Mapped[str] = mapped_column(String(64))
    post: Mapped[str] = mapped_column(String(64), default="")
    body: Mapped[str] = mapped_column(String(32), default="")  # village_committee | party_branch | …
    counts: Mapped[dict] = mapped_column(JSON, default=dict)  # choice -> int
    blank: Mapped[int] = mapped_column(Integer, default=0)
    invalid: Mapped[int] = mapped_column(Integer, default=0)
    grade: Mapped[str] = mapped_column(String(16), default="")
    percent: Mapped[dict] = mapped_column(JSON, default=dict)  # choice -> "40.0"


class MeetingRecord(TimestampMixin, Base):
    """A village meeting (两委会议, 党员大会, 村民代表会议 …) with who was due to attend."""
    __tablename__ = "meeting_record"
    id: Mapped[int] = mapped_column(primary_key=True)
    cycle_id: Mapped[int] = mapped_column(ForeignKey("election_cycle.id", ondelete="CASCADE"), index=True)
    village_id: Mapped[int] = mapped_column(ForeignKey("village.id", ondelete="CASCADE"), index=True)
    held_on: Mapped[dt.date] = mapped_column(Date, index=True)
    kind: Mapped[MeetingKind] = mapped_column(enum_type(MeetingKind))
    title: Mapped[str] = mapped_column(String(128), default="")
    recorded_by: Mapped[str] = mapped_column(String(64), default="")


class MeetingAbsence(Base):
    """One person absent from a meeting, with or without a reason accepted (请假)."""
    __tablename__ = "meeting_absence"
    __table_args__ = (UniqueConstraint("meeting_id", "person_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meeting_record.id", ondelete="CASCADE"), index=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id", ondelete="RESTRICT"), index=True)
    with_reason: Mapped[bool] = mapped_column(Boolean, default=False)
    reason: Mapped[str] = mapped_column(Text, default="")


class AbsenceRecord(TimestampMixin, Base):
    """A cadre away from the post (外出) from a date to a date (open while ``to_on`` is NULL)."""
    __tablename__ = "absence_record"
    id: Mapped[int] = mapped_column(primary_key=True)
    cycle_id: Mapped[int] = mapped_column(ForeignKey("election_cycle.id", ondelete="CASCADE"), index=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id", ondelete="RESTRICT"), index=True)
    village_id: Mapped[int | None] = mapped_column(ForeignKey("village.id", ondelete="SET NULL"), nullable=True)
    from_on: Mapped[dt.date] = mapped_column(Date)
    to_on: Mapped[dt.date | None] = mapped_column(Date, nullable=True)
    reason: Mapped[str] = mapped_column(Text, default="")
    approved: Mapped[bool] = mapped_column(Boolean, default=False)
    recorded_by: Mapped[str] = mapped_column(String(64), default="")
