"""Voter registers, objections, proxies, register history and per-village milestones (issue 6)."""
from __future__ import annotations

import datetime as dt
import enum
from typing import Any

from sqlalchemy import JSON, Boolean, Date, DateTime, ForeignKey, Index, Integer, String, Text, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column

from villagevote.i18n import tr
from villagevote.models.base import Base, TimestampMixin, enum_type, one_of, utcnow
from villagevote.models.enums import Gender, ObjectionOutcome, RelationKind, VoterCategory, VoterStatus


class ObjectionRequest(str, enum.Enum):
    """What an objection to the voter list asks for."""

    ADD = "add"  # someone is missing from the list
    REMOVE = "remove"  # someone on the list should not be there
    CORRECT = "correct"  # a detail is wrong (name, gender, group, birth date)

    @property
    def label(self) -> str:
        return {"add": tr("漏登（应列入）"), "remove": tr("错登（应除名）"), "correct": tr("信息有误（应更正）")}[self.value]


class Voter(TimestampMixin, Base):
    __tablename__ = "voter"
    # Built for bulk imports (migration 0007): one composite index serves "this village" and "this village in this
    # cycle"; the person link is indexed only where there is one (few voters are linked); the enum checks are OR
    # chains (see one_of).
    __table_args__ = (Index("ix_voter_village_cycle", "village_id", "cycle_id"),
                      Index("ix_voter_person_id", "person_id", sqlite_where=text("person_id IS NOT NULL")),
                      one_of("gender", Gender), one_of("category", VoterCategory, "votercategory"),
                      one_of("status", VoterStatus, "voterstatus"))
    id: Mapped[int] = mapped_column(primary_key=True)
    cycle_id: Mapped[int] = mapped_column(ForeignKey("election_cycle.id", ondelete="CASCADE"))
    village_id: Mapped[int] = mapped_column(ForeignKey("village.id", ondelete="CASCADE"))
    group_id: Mapped[int | None] = mapped_column(ForeignKey("village_group.id", ondelete="SET NULL"),
                                                    nullable=True)
    person_id: Mapped[int | None] = mapped_column(ForeignKey("person.id", ondelete="SET NULL"), nullable=True)
    id_number: Mapped[str | None] = mapped_column(String(18), nullable=True, index=True)
    name: Mapped[str] = mapped_column(String(64))
    # space-separated pinyin initials, primary reading first ("zs cs"); see villagevote.voters.search
    name_initials: Mapped[str] = mapped_column(String(32), default="")
    # 姓氏笔画 order as a binary-comparable string, so SQL can page the register in stroke order
    name_sort: Mapped[str] = mapped_column(String(64), default="", server_default="")
    gender: Mapped[Gender | None] = mapped_column(enum_type(Gender, constraint=False), nullable=True)
    birth_date: Mapped[dt.date | None] = mapped_column(Date, nullable=True)
    category: Mapped[VoterCategory] = mapped_column(enum_type(VoterCategory, constraint=False),
                                                    default=VoterCategory.RESIDENT)
    status: Mapped[VoterStatus] = mapped_column(enum_type(VoterStatus, constraint=False), default=VoterStatus.ACTIVE)
    status_reason: Mapped[str] = mapped_column(Text, default="")
    status_date: Mapped[dt.date | None] = mapped_column(Date, nullable=True)
    consent_note: Mapped[str] = mapped_column(Text, default="")  # for non-registered residents
    # edit counter for concurrent-change detection (migration 0009)
    version: Mapped[int] = mapped_column(Integer, default=1, server_default="1")
    # every ORM update bumps it and checks it (UPDATE … WHERE version=?); SQLAlchemy reads the dict once, at mapping
    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012
    source: Mapped[str] = mapped_column(String(128), default="")
    # eligibility on the cycle's election day, stored when the register changes (villagevote.voters.register)
    eligible: Mapped[bool] = mapped_column(Boolean, default=True, server_default="1")
    age: Mapped[int | None] = mapped_column(Integer, nullable=True)
    ineligible_reason: Mapped[str] = mapped_column(Text, default="", server_default="")
    residence_since: Mapped[dt.date | None] = mapped_column(Date, nullable=True)
    application_date: Mapped[dt.date | None] = mapped_column(Date, nullable=True)
    phone: Mapped[str] = mapped_column(String(32), default="", server_default="")
    note: Mapped[str] = mapped_column(Text, default="", server_default="")


class VoterEvent(Base):
    """History of one register entry: imported, removed (with reason and date), restored, corrected."""

    __tablename__ = "voter_event"
    id: Mapped[int] = mapped_column(primary_key=True)
    voter_id: Mapped[int] = mapped_column(ForeignKey("voter.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(32))  # import, remove, restore, correct, objection
    status_before: Mapped[str | None] = mapped_column(String(32), nullable=True)
    status_after: Mapped[str | None] = mapped_column(String(32), nullable=True)
    reason: Mapped[str] = mapped_column(Text, default="")
    event_date: Mapped[dt.date | None] = mapped_column(Date, nullable=True)
    username: Mapped[str] = mapped_column(String(64), default="")
    at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)


class VillageMilestone(Base):
    """A statutory step done in one village for one cycle (voter list published on …, proxy list posted on …)."""

    __tablename__ = "village_milestone"
    __table_args__ = (UniqueConstraint("village_id", "cycle_id", "code"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    village_id: Mapped[int] = mapped_column(ForeignKey("village.id", ondelete="CASCADE"), index=True)
    cycle_id: Mapped[int] = mapped_column(ForeignKey("election_cycle.id", ondelete="CASCADE"))
    code: Mapped[str] = mapped_column(String(32))  # see villagevote.voters.calendar.Deadline.code
    done_on: Mapped[dt.date] = mapped_column(Date)
    note: Mapped[str] = mapped_column(Text, default="")
    username: Mapped[str] = mapped_column(String(64), default="")


class Objection(TimestampMixin, Base):
    __tablename__ = "objection"
    id: Mapped[int] = mapped_column(primary_key=True)
    village_id: Mapped[int] = mapped_column(ForeignKey("village.id", ondelete="CASCADE"), index=True)
    voter_id: Mapped[int | None] = mapped_column(ForeignKey("voter.id", ondelete="SET NULL"), nullable=True)
    raised_by: Mapped[str] = mapped_column(String(64))
    about_name: Mapped[str] = mapped_column(String(64), default="")
    ground: Mapped[str] = mapped_column(Text)
    received_on: Mapped[dt.date] = mapped_column(Date)
    answer_due: Mapped[dt.date | None] = mapped_column(Date, nullable=True)
    outcome: Mapped[ObjectionOutcome] = mapped_column(enum_type(ObjectionOutcome), default=ObjectionOutcome.PENDING)
    answered_on: Mapped[dt.date | None] = mapped_column(Date, nullable=True)
    answer: Mapped[str] = mapped_column(Text, default="")
    cycle_id: Mapped[int | None] = mapped_column(ForeignKey("election_cycle.id", ondelete="CASCADE"),
                                                    nullable=True)
    request: Mapped[ObjectionRequest] = mapped_column(enum_type(ObjectionRequest), default=ObjectionRequest.REMOVE,
                                                      server_default="remove")
    # for ADD: the person to list (name, id_number, group_id, category); for CORRECT: the fields to change
    details: Mapped[dict[str, Any] | None] = mapped_column(JSON, nullable=True)
    raise_deadline: Mapped[dt.date | None] = mapped_column(Date, nullable=True)
    filed_late: Mapped[bool] = mapped_column(Boolean, default=False, server_default="0")


class Proxy(TimestampMixin, Base):
    """委托投票: a principal authorizes a near relative (holder) in the same village."""
    __tablename__ = "proxy"
    id: Mapped[int] = mapped_column(primary_key=True)
    principal_id: Mapped[int] = mapped_column(ForeignKey("voter.id", ondelete="CASCADE"), unique=True)
    holder_id: Mapped[int] = mapped_column(ForeignKey("voter.id", ondelete="CASCADE"), index=True)
    authorized_on: Mapped[dt.date] = mapped_column(Date)
    approved: Mapped[bool] = mapped_column(default=True)
    note: Mapped[str] = mapped_column(Text, default="")
    relation: Mapped[RelationKind | None] = mapped_column(enum_type(RelationKind), nullable=True)
