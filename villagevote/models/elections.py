"""Contests (正式/另行选举), ballot candidates, tallies, write-ins, invalid ballots and results."""
from __future__ import annotations

import datetime as dt

from sqlalchemy import JSON, Date, DateTime, ForeignKey, Integer, String, Text, UniqueConstraint, false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from villagevote.models.base import Base, TimestampMixin, enum_type
from villagevote.models.enums import ContestMode, ContestRound


class Contest(TimestampMixin, Base):
    __tablename__ = "contest"
    id: Mapped[int] = mapped_column(primary_key=True)
    organization_id: Mapped[int] = mapped_column(ForeignKey("organization.id", ondelete="CASCADE"), index=True)
    round: Mapped[ContestRound] = mapped_column(enum_type(ContestRound), default=ContestRound.FIRST)
    mode: Mapped[ContestMode] = mapped_column(enum_type(ContestMode), default=ContestMode.WITH_CANDIDATES)
    held_on: Mapped[dt.date | None] = mapped_column(Date, nullable=True)
    electorate: Mapped[int] = mapped_column(Integer, default=0)
    present: Mapped[int | None] = mapped_column(Integer, nullable=True)
    ballots_printed: Mapped[int] = mapped_column(Integer, default=0)
    ballots_issued: Mapped[int] = mapped_column(Integer, default=0)
    ballots_returned: Mapped[int] = mapped_column(Integer, default=0)
    ballots_invalid: Mapped[int] = mapped_column(Integer, default=0)
    official: Mapped[bool] = mapped_column(default=False)
    official_by: Mapped[str] = mapped_column(String(64), default="")
    official_at: Mapped[dt.datetime | None] = mapped_column(DateTime, nullable=True)
    # "totals" (counts per candidate and mark) or "ballots" (唱票, ballot by ballot); migration 0006
    tally_mode: Mapped[str] = mapped_column(String(16), default="totals", server_default="totals")
    double_entry: Mapped[bool] = mapped_column(default=False, server_default=false())
    # SHA-256 of the stored decision and its tally, written at the official lock (migration 0009)
    official_digest: Mapped[str] = mapped_column(String(64), default="", server_default="")
    posts: Mapped[list[ContestPost]] = relationship(order_by="ContestPost.rank", cascade="all, delete-orphan")


class ContestPost(Base):
    __tablename__ = "contest_post"
    __table_args__ = (UniqueConstraint("contest_id", "post"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    contest_id: Mapped[int] = mapped_column(ForeignKey("contest.id", ondelete="CASCADE"), index=True)
    post: Mapped[str] = mapped_column(String(32))
    rank: Mapped[int] = mapped_column(Integer, default=1)
    seats: Mapped[int] = mapped_column(Integer, default=1)
    women_seats: Mapped[int] = mapped_column(Integer, default=0)


class BallotCandidate(Base):
    __tablename__ = "ballot_candidate"
    id: Mapped[int] = mapped_column(primary_key=True)
    contest_id: Mapped[int] = mapped_column(ForeignKey("contest.id", ondelete="CASCADE"), index=True)
    candidacy_id: Mapped[int | None] = mapped_column(ForeignKey("candidacy.id", ondelete="SET NULL"),
                                                        nullable=True)
    name: Mapped[str] = mapped_column(String(64))
    gender: Mapped[str | None] = mapped_column(String(4), nullable=True)
    post: Mapped[str] = mapped_column(String(32))
    order: Mapped[int] = mapped_column(Integer, default=0)
    write_in: Mapped[bool] = mapped_column(default=False)
    merged_into_id: Mapped[int | None] = mapped_column(ForeignKey("ballot_candidate.id"), nullable=True)


class TallyEntry(TimestampMixin, Base):
    """Vote counts per candidate, post and mark for one entry pass (entry_no 1 or 2 for double entry)."""
    __tablename__ = "tally_entry"
    __table_args__ = (UniqueConstraint("contest_id", "entry_no", "ballot_candidate_id", "post"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    contest_id: Mapped[int] = mapped_column(ForeignKey("contest.id", ondelete="CASCADE"), index=True)
    entry_no: Mapped[int] = mapped_column(Integer, default=1)
    ballot_candidate_id: Mapped[int] = mapped_column(ForeignKey("ballot_candidate.id", ondelete="CASCADE"))
    post: Mapped[str] = mapped_column(String(32))
    agree: Mapped[int] = mapped_column(Integer, default=0)
    disagree: Mapped[int] = mapped_column(Integer, default=0)
    abstain: Mapped[int] = mapped_column(Integer, default=0)


class BallotRecord(TimestampMixin, Base):
    """One ballot as called out (唱票 mode): marks per candidate/post and write-ins, with validity per post."""
    __tablename__ = "ballot_record"
    id: Mapped[int] = mapped_column(primary_key=True)
    contest_id: Mapped[int] = mapped_column(ForeignKey("contest.id", ondelete="CASCADE"), index=True)
    serial: Mapped[int] = mapped_column(Integer)
    marks: Mapped[dict] = mapped_column(JSON, default=dict)
    invalid_posts: Mapped[list] = mapped_column(JSON, default=list)
    wholly_invalid: Mapped[bool] = mapped_column(default=False)
    invalid_reason: Mapped[str] = mapped_column(Text, default="")
    entered_by: Mapped[str] = mapped_column(String(64), default="")


class Result(TimestampMixin, Base):
    """The engine's decision for a contest, stored with its reasons."""
    __tablename__ = "result"
    id: Mapped[int] = mapped_column(primary_key=True)
    contest_id: Mapped[int] = mapped_column(ForeignKey("contest.id", ondelete="CASCADE"), unique=True)
    valid: Mapped[bool] = mapped_column(default=False)
    decision: Mapped[dict] = mapped_column(JSON, default=dict)  # decide() output
    decided_at: Mapped[dt.datetime | None] = mapped_column(DateTime, nullable=True)


class LockEvent(TimestampMixin, Base):
    """Official lock / reopen history of a contest's results."""
    __tablename__ = "lock_event"
    id: Mapped[int] = mapped_column(primary_key=True)
    contest_id: Mapped[int] = mapped_column(ForeignKey("contest.id", ondelete="CASCADE"), index=True)
    action: Mapped[str] = mapped_column(String(16))  # lock / reopen
    by: Mapped[str] = mapped_column(String(64))
    reason: Mapped[str] = mapped_column(Text, default="")


class TallyPost(Base):
    """Per post and entry pass: ballot parts invalid for this post and unused places (migration 0006)."""
    __tablename__ = "tally_post"
    __table_args__ = (UniqueConstraint("contest_id", "entry_no", "post"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    contest_id: Mapped[int] = mapped_column(ForeignKey("contest.id", ondelete="CASCADE"), index=True)
    entry_no: Mapped[int] = mapped_column(Integer, default=1)
    post: Mapped[str] = mapped_column(String(32))
    invalid_parts: Mapped[int] = mapped_column(Integer, default=0)
    unused: Mapped[int | None] = mapped_column(Integer, nullable=True)


class SpoiltBallot(TimestampMixin, Base):
    """废票 register for totals entry: one row per invalid ballot or ballot part, with the reason (migration 0006).

    In ballot-by-ballot entry the register is read from ``BallotRecord`` instead."""
    __tablename__ = "spoilt_ballot"
    id: Mapped[int] = mapped_column(primary_key=True)
    contest_id: Mapped[int] = mapped_column(ForeignKey("contest.id", ondelete="CASCADE"), index=True)
    serial: Mapped[int] = mapped_column(Integer, default=0)
    scope: Mapped[str] = mapped_column(String(32), default="")  # "整张" or a post
    reason: Mapped[str] = mapped_column(Text, default="")
    entered_by: Mapped[str] = mapped_column(String(64), default="")
