"""Township, villages, election cycles, organizations and seats; users, settings and the audit log."""
from __future__ import annotations

import datetime as dt

from sqlalchemy import JSON, Date, DateTime, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from villagevote.models.base import Base, TimestampMixin, enum_type, utcnow
from villagevote.models.enums import OrgKind, Role


class Township(TimestampMixin, Base):
    __tablename__ = "township"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(64))
    county: Mapped[str] = mapped_column(String(64), default="")
    code: Mapped[str] = mapped_column(String(32), default="")
    villages: Mapped[list[Village]] = relationship(back_populates="township", order_by="Village.code")


class Village(TimestampMixin, Base):
    __tablename__ = "village"
    __table_args__ = (UniqueConstraint("township_id", "name"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    township_id: Mapped[int] = mapped_column(ForeignKey("township.id", ondelete="CASCADE"), index=True)
    code: Mapped[str] = mapped_column(String(32), default="")
    name: Mapped[str] = mapped_column(String(64))
    households: Mapped[int] = mapped_column(Integer, default=0)
    population: Mapped[int] = mapped_column(Integer, default=0)
    township: Mapped[Township] = relationship(back_populates="villages")
    groups: Mapped[list[VillageGroup]] = relationship(back_populates="village", order_by="VillageGroup.number",
                                                        cascade="all, delete-orphan")


class VillageGroup(Base):
    """村民小组."""
    __tablename__ = "village_group"
    __table_args__ = (UniqueConstraint("village_id", "number"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    village_id: Mapped[int] = mapped_column(ForeignKey("village.id", ondelete="CASCADE"), index=True)
    number: Mapped[int] = mapped_column(Integer)
    name: Mapped[str] = mapped_column(String(64))
    village: Mapped[Village] = relationship(back_populates="groups")


class ElectionCycle(TimestampMixin, Base):
    """One round of re-elections (届次) in the township, bound to one qualification rule-set version."""
    __tablename__ = "election_cycle"
    id: Mapped[int] = mapped_column(primary_key=True)
    township_id: Mapped[int] = mapped_column(ForeignKey("township.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(64))  # e.g. 第十二届
    year: Mapped[int] = mapped_column(Integer)
    election_day: Mapped[dt.date] = mapped_column(Date)
    term_years: Mapped[int] = mapped_column(Integer, default=5)
    rule_set_id: Mapped[int | None] = mapped_column(ForeignKey("rule_set.id"), nullable=True)
    # statutory timetable and caps (voter list days, objection days, proxy cap, …) as editable data
    profile: Mapped[dict] = mapped_column(JSON, default=dict)


class Organization(Base):
    __tablename__ = "organization"
    __table_args__ = (UniqueConstraint("village_id", "cycle_id", "kind"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    village_id: Mapped[int] = mapped_column(ForeignKey("village.id", ondelete="CASCADE"), index=True)
    cycle_id: Mapped[int] = mapped_column(ForeignKey("election_cycle.id", ondelete="CASCADE"), index=True)
    kind: Mapped[OrgKind] = mapped_column(enum_type(OrgKind))
    village: Mapped[Village] = relationship()
    seats: Mapped[list[Seat]] = relationship(back_populates="organization", order_by="Seat.rank",
                                               cascade="all, delete-orphan")


class Seat(Base):
    """A post in an organization with its quota, highest post first (rank 1 = 主任/书记)."""
    __tablename__ = "seat"
    __table_args__ = (UniqueConstraint("organization_id", "post"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    organization_id: Mapped[int] = mapped_column(ForeignKey("organization.id", ondelete="CASCADE"), index=True)
    post: Mapped[str] = mapped_column(String(32))
    rank: Mapped[int] = mapped_column(Integer, default=1)
    quota: Mapped[int] = mapped_column(Integer, default=1)
    women_quota: Mapped[int] = mapped_column(Integer, default=0)
    organization: Mapped[Organization] = relationship(back_populates="seats")


class User(TimestampMixin, Base):
    __tablename__ = "app_user"
    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    display_name: Mapped[str] = mapped_column(String(64), default="")
    role: Mapped[Role] = mapped_column(enum_type(Role))
    password_hash: Mapped[str] = mapped_column(String(255))
    active: Mapped[bool] = mapped_column(default=True)
    failed_attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_failed_at: Mapped[dt.datetime | None] = mapped_column(DateTime, nullable=True)


SettingValue = dict | list | str | int | float | bool | None  # what a setting's JSON column holds


class Setting(Base):
    __tablename__ = "setting"
    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[SettingValue] = mapped_column(JSON, nullable=True)


class AuditLog(Base):
    __tablename__ = "audit_log"
    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow, index=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id", ondelete="SET NULL"), nullable=True)
    username: Mapped[str] = mapped_column(String(64), default="")
    action: Mapped[str] = mapped_column(String(64), index=True)
    entity: Mapped[str] = mapped_column(String(64), index=True)
    entity_id: Mapped[str | None] = mapped_column(String(64), nullable=True)
    before: Mapped[dict | None] = mapped_column(JSON, nullable=True)
    after: Mapped[dict | None] = mapped_column(JSON, nullable=True)
    note: Mapped[str] = mapped_column(Text, default="")
    # hash chain (migration 0009): row_hash = SHA-256(prev_hash + canonical row content); see villagevote.audit
    prev_hash: Mapped[str] = mapped_column(String(64), default="", server_default="")
    row_hash: Mapped[str] = mapped_column(String(64), default="", server_default="")
