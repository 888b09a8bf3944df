"""The audit log: every domain write records who did what to which record, with before/after as JSON."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session

from villagevote.models.base import row_dict
from villagevote.models.core import AuditLog
from villagevote.models.enums import Role


@dataclass(frozen=True)
class Actor:
    """The user on whose behalf a domain function runs."""
    user_id: int | None
    username: str
    role: Role
    display_name: str = ""


SYSTEM = Actor(user_id=None, username="system", role=Role.ADMIN, display_name="系统")


def snapshot(obj: Any) -> dict[str, Any] | None:
    """Plain-data copy of an ORM object's columns for before/after."""
    return None if obj is None else row_dict(obj)


def record(session: Session, actor: Actor, action: str, entity: str, entity_id: Any = None,
           before: dict[str, Any] | None = None, after: dict[str, Any] | None = None, note: str = "") -> AuditLog:
    row = AuditLog(user_id=actor.user_id, username=actor.username, action=action, entity=entity,
                   entity_id=None if entity_id is None else str(entity_id), before=before, after=after, note=note)
    session.add(row)
    return row


def add_recorded(session: Session, actor: Actor, action: str, entity: str, row: Any) -> int:
    """Add a new ORM row, flush it for its id and record it (as "after") in the audit log; returns the id."""
    session.add(row)
    session.flush()
    record(session, actor, action, entity, row.id, after=snapshot(row))
    return row.id
