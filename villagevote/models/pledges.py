"""Pledge templates, pledges per candidacy, their items and review records."""
from __future__ import annotations

import datetime as dt
import enum
from decimal import Decimal

from sqlalchemy import JSON, Date, ForeignKey, Integer, Numeric, String, Text, UniqueConstraint, false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from villagevote.models.base import Base, TimestampMixin, enum_type
from villagevote.models.enums import PledgeKind, PledgeStatus, ReviewDecision


class PledgeTemplate(TimestampMixin, Base):
    __tablename__ = "pledge_template"
    __table_args__ = (UniqueConstraint("kind", "name", "version"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[PledgeKind] = mapped_column(enum_type(PledgeKind))
    name: Mapped[str] = mapped_column(String(128))
    version: Mapped[int] = mapped_column(Integer, default=1)
    title: Mapped[str] = mapped_column(String(128))
    body: Mapped[str] = mapped_column(Text)
    defaults: Mapped[dict] = mapped_column(JSON, default=dict)  # default triggers, copy labels, …
    active: Mapped[bool] = mapped_column(default=True)


class Pledge(TimestampMixin, Base):
    __tablename__ = "pledge"
    __table_args__ = (UniqueConstraint("candidacy_id", "kind"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    candidacy_id: Mapped[int] = mapped_column(ForeignKey("candidacy.id", ondelete="CASCADE"), index=True)
    template_id: Mapped[int] = mapped_column(ForeignKey("pledge_template.id", ondelete="RESTRICT"))
    kind: Mapped[PledgeKind] = mapped_column(enum_type(PledgeKind))
    status: Mapped[PledgeStatus] = mapped_column(enum_type(PledgeStatus), default=PledgeStatus.DRAFT)
    rendered_title: Mapped[str] = mapped_column(String(128), default="")
    rendered_text: Mapped[str] = mapped_column(Text, default="")  # plain text, frozen when the review passes
    # The exact structured text (title, paragraphs, items table, signature lines, copies) printed for signing;
    # a signed pledge keeps it whatever happens to its template later.
    rendered_json: Mapped[str] = mapped_column(Text, default="", server_default="")
    signed_on: Mapped[dt.date | None] = mapped_column(Date, nullable=True)
    witness: Mapped[str] = mapped_column(String(64), default="")
    copies: Mapped[int] = mapped_column(Integer, default=2)
    scan_path: Mapped[str] = mapped_column(String(255), default="")
    scan_sha256: Mapped[str] = mapped_column(String(64), default="")
    refused_on: Mapped[dt.date | None] = mapped_column(Date, nullable=True)
    refusal_note: Mapped[str] = mapped_column(Text, default="")
    items: Mapped[list[PledgeItem]] = relationship(back_populates="pledge", order_by="PledgeItem.sort_order",
                                                     cascade="all, delete-orphan")


class PledgeItemKind(str, enum.Enum):
    """What a pledge item is: a term goal of a 创业承诺 or a trigger condition of a 辞职承诺."""

    GOAL = "goal"
    TRIGGER = "trigger"


class PledgeItem(Base):
    """A term-goal item (任期目标) or a resignation trigger of a pledge."""
    __tablename__ = "pledge_item"
    id: Mapped[int] = mapped_column(primary_key=True)
    pledge_id: Mapped[int] = mapped_column(ForeignKey("pledge.id", ondelete="CASCADE"), index=True)
    item_kind: Mapped[PledgeItemKind] = mapped_column(enum_type(PledgeItemKind), default=PledgeItemKind.GOAL,
                                                      server_default=PledgeItemKind.GOAL.value)
    code: Mapped[str] = mapped_column(String(32), default="", server_default="")  # trigger code, e.g. long_absence
    params: Mapped[dict | None] = mapped_column(JSON, nullable=True)  # trigger thresholds
    title: Mapped[str] = mapped_column(Text)  # goal title, or the trigger's text
    category: Mapped[str] = mapped_column(String(32), default="")
    target: Mapped[str] = mapped_column(Text, default="")
    deadline: Mapped[dt.date | None] = mapped_column(Date, nullable=True)
    weight: Mapped[Decimal | None] = mapped_column(Numeric(6, 2), nullable=True)
    struck: Mapped[bool] = mapped_column(default=False)
    struck_reason: Mapped[str] = mapped_column(Text, default="")
    sort_order: Mapped[int] = mapped_column(Integer, default=0)
    pledge: Mapped[Pledge] = relationship(back_populates="items")


class PledgeReview(TimestampMixin, Base):
    """审诺: one check by the village Party organization, the township work team or the township."""
    __tablename__ = "pledge_review"
    id: Mapped[int] = mapped_column(primary_key=True)
    pledge_id: Mapped[int] = mapped_column(ForeignKey("pledge.id", ondelete="CASCADE"), index=True)
    reviewer_body: Mapped[str] = mapped_column(String(32))  # village_party / township_team / township
    decision: Mapped[ReviewDecision] = mapped_column(enum_type(ReviewDecision))
    note: Mapped[str] = mapped_column(Text, default="")
    reviewer: Mapped[str] = mapped_column(String(64), default="")
    reviewed_on: Mapped[dt.date] = mapped_column(Date)
    # Set when the pledge is edited after this review: the review no longer counts and must be done again.
    superseded: Mapped[bool] = mapped_column(default=False, server_default=false())
