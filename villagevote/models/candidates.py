"""Persons, relationships, candidacies, qualification rule sets, findings and review steps."""
from __future__ import annotations

import datetime as dt

from sqlalchemy import JSON, Date, DateTime, ForeignKey, Integer, String, Text, UniqueConstraint, false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from villagevote.models.base import Base, TimestampMixin, enum_type, utcnow
from villagevote.models.enums import (
    CandidacyStatus,
    Education,
    FindingResult,
    Gender,
    NominationSource,
    PoliticalStatus,
    RelationKind,
    ReviewDecision,
    ReviewStage,
    RuleGrade,
)


class Person(TimestampMixin, Base):
    __tablename__ = "person"
    id: Mapped[int] = mapped_column(primary_key=True)
    id_number: Mapped[str | None] = mapped_column(String(18), unique=True, nullable=True)
    name: Mapped[str] = mapped_column(String(64), index=True)
    name_initials: Mapped[str] = mapped_column(String(32), default="", index=True)  # pinyin initials for search
    gender: Mapped[Gender | None] = mapped_column(enum_type(Gender), nullable=True)
    birth_date: Mapped[dt.date | None] = mapped_column(Date, nullable=True)
    education: Mapped[Education | None] = mapped_column(enum_type(Education), nullable=True)
    political_status: Mapped[PoliticalStatus | None] = mapped_column(enum_type(PoliticalStatus), nullable=True)
    party_join_date: Mapped[dt.date | None] = mapped_column(Date, nullable=True)
    phone: Mapped[str] = mapped_column(String(32), default="")
    village_id: Mapped[int | None] = mapped_column(ForeignKey("village.id", ondelete="SET NULL"), nullable=True,
                                                      index=True)
    group_id: Mapped[int | None] = mapped_column(ForeignKey("village_group.id", ondelete="SET NULL"),
                                                    nullable=True)
    current_post: Mapped[str] = mapped_column(String(64), default="")
    note: Mapped[str] = mapped_column(Text, default="")
    # edit counter for concurrent-change detection (migration 0009)
    version: Mapped[int] = mapped_column(Integer, default=1, server_default="1")
    # every ORM update bumps it and checks it (UPDATE … WHERE version=?); SQLAlchemy reads the dict once, at mapping
    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012


class Relationship(Base):
    """A kinship link; stored once per pair (person_a_id < person_b_id for symmetric kinds)."""
    __tablename__ = "relationship"
    __table_args__ = (UniqueConstraint("person_a_id", "person_b_id", "kind"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    person_a_id: Mapped[int] = mapped_column(ForeignKey("person.id", ondelete="CASCADE"), index=True)
    person_b_id: Mapped[int] = mapped_column(ForeignKey("person.id", ondelete="CASCADE"), index=True)
    kind: Mapped[RelationKind] = mapped_column(enum_type(RelationKind))
    note: Mapped[str] = mapped_column(String(128), default="")


class Candidacy(TimestampMixin, Base):
    __tablename__ = "candidacy"
    __table_args__ = (UniqueConstraint("person_id", "organization_id", "post"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id", ondelete="RESTRICT"), index=True)
    organization_id: Mapped[int] = mapped_column(ForeignKey("organization.id", ondelete="CASCADE"), index=True)
    cycle_id: Mapped[int] = mapped_column(ForeignKey("election_cycle.id", ondelete="CASCADE"), index=True)
    post: Mapped[str] = mapped_column(String(32))
    source: Mapped[NominationSource] = mapped_column(enum_type(NominationSource))
    status: Mapped[CandidacyStatus] = mapped_column(enum_type(CandidacyStatus), default=CandidacyStatus.REGISTERED)
    status_reason: Mapped[str] = mapped_column(Text, default="")
    incumbent: Mapped[bool] = mapped_column(default=False)
    # edit counter for concurrent-change detection (migration 0009)
    version: Mapped[int] = mapped_column(Integer, default=1, server_default="1")
    # every ORM update bumps it and checks it (UPDATE … WHERE version=?); SQLAlchemy reads the dict once, at mapping
    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012
    person: Mapped[Person] = relationship()


class RuleSet(TimestampMixin, Base):
    __tablename__ = "rule_set"
    __table_args__ = (UniqueConstraint("name", "version"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(128))
    region: Mapped[str] = mapped_column(String(64), default="")
    year: Mapped[int] = mapped_column(Integer)
    version: Mapped[int] = mapped_column(Integer, default=1)
    source: Mapped[str] = mapped_column(Text, default="")
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("rule_set.id"), nullable=True)
    catalog_key: Mapped[str] = mapped_column(String(64), default="", server_default="")  # e.g. zhejiang-2013
    note: Mapped[str] = mapped_column(Text, default="", server_default="")
    kinship_bar: Mapped[dict | None] = mapped_column(JSON, nullable=True)  # {"relations": [...], "organizations": [...], "text": ...}
    frozen: Mapped[bool] = mapped_column(default=False, server_default=false())  # set once a cycle uses it
    rules: Mapped[list[Rule]] = relationship(back_populates="rule_set", order_by="Rule.sort_order",
                                               cascade="all, delete-orphan")


class Rule(Base):
    __tablename__ = "rule"
    __table_args__ = (UniqueConstraint("rule_set_id", "code"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    rule_set_id: Mapped[int] = mapped_column(ForeignKey("rule_set.id", ondelete="CASCADE"), index=True)
    code: Mapped[str] = mapped_column(String(16))
    grade: Mapped[RuleGrade] = mapped_column(enum_type(RuleGrade))
    text: Mapped[str] = mapped_column(Text)
    window_years: Mapped[int | None] = mapped_column(Integer, nullable=True)
    until_expiry: Mapped[bool] = mapped_column(default=False)
    departments: Mapped[list] = mapped_column(JSON, default=list)
    evidence_hint: Mapped[str] = mapped_column(Text, default="")
    covers: Mapped[list] = mapped_column(JSON, default=list)  # e.g. ["pledge_refusal"]
    event_label: Mapped[str] = mapped_column(String(64), default="", server_default="")  # e.g. 刑满释放日期
    sort_order: Mapped[int] = mapped_column(Integer, default=0)
    rule_set: Mapped[RuleSet] = relationship(back_populates="rules")


class Finding(TimestampMixin, Base):
    """One department's answer on one rule for one person in one cycle (migration 0010: per person, not per
    candidacy, so every form and page of the person shows the same answers)."""
    __tablename__ = "finding"
    __table_args__ = (UniqueConstraint("person_id", "cycle_id", "rule_id", "department"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id", ondelete="CASCADE"), index=True)
    cycle_id: Mapped[int] = mapped_column(ForeignKey("election_cycle.id", ondelete="CASCADE"), index=True)
    rule_id: Mapped[int] = mapped_column(ForeignKey("rule.id", ondelete="RESTRICT"), index=True)
    result: Mapped[FindingResult] = mapped_column(enum_type(FindingResult), default=FindingResult.PENDING)
    department: Mapped[str] = mapped_column(String(64), default="")
    evidence: Mapped[str] = mapped_column(Text, default="")
    event_date: Mapped[dt.date | None] = mapped_column(Date, nullable=True)
    expiry_date: Mapped[dt.date | None] = mapped_column(Date, nullable=True)
    recorded_by: Mapped[str] = mapped_column(String(64), default="")
    recorded_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    # answers of other candidacies of the same person that migration 0010 merged into this one (kept, not shown)
    merged: Mapped[list] = mapped_column(JSON, default=list, server_default="[]")


class ReviewStep(TimestampMixin, Base):
    __tablename__ = "review_step"
    id: Mapped[int] = mapped_column(primary_key=True)
    candidacy_id: Mapped[int] = mapped_column(ForeignKey("candidacy.id", ondelete="CASCADE"), index=True)
    stage: Mapped[ReviewStage] = mapped_column(enum_type(ReviewStage))
    decision: Mapped[ReviewDecision] = mapped_column(enum_type(ReviewDecision))
    reason: Mapped[str] = mapped_column(Text, default="")
    reviewer: Mapped[str] = mapped_column(String(64), default="")
    decided_on: Mapped[dt.date] = mapped_column(Date)
    superseded: Mapped[bool] = mapped_column(default=False)


class DepartmentSignoff(TimestampMixin, Base):
    """One county department's answer for one candidacy in the joint review (县级联审)."""
    __tablename__ = "department_signoff"
    __table_args__ = (UniqueConstraint("candidacy_id", "department"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    candidacy_id: Mapped[int] = mapped_column(ForeignKey("candidacy.id", ondelete="CASCADE"), index=True)
    department: Mapped[str] = mapped_column(String(64))
    has_issue: Mapped[bool | None] = mapped_column(nullable=True)
    opinion: Mapped[str] = mapped_column(Text, default="")
    handler: Mapped[str] = mapped_column(String(64), default="")
    signed_on: Mapped[dt.date | None] = mapped_column(Date, nullable=True)
    source_file: Mapped[str] = mapped_column(String(255), default="")
