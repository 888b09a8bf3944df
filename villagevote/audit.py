"""The audit log: every domain write records who did what to which record, with before/after as JSON.

Rows form a hash chain (see :mod:`villagevote.integrity`): when a session flushes new ``AuditLog`` rows, a
``before_flush`` hook reads the last row inside the same write transaction, gives each new row the next id, the
previous row's hash as ``prev_hash`` and its own ``row_hash``. Every audit row goes through the ORM (``record``), so
the hook sees them all; there is no other insert path into ``audit_log``.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import event, inspect
from sqlalchemy.orm import Session

from villagevote import integrity
from villagevote.models.base import row_dict, utcnow
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


@event.listens_for(Session, "before_flush")
def _chain_new_rows(session: Session, _flush_context: Any, _instances: Any) -> None:
    new = [obj for obj in session.new if isinstance(obj, AuditLog)]
    if not new:
        return
    new.sort(key=lambda obj: inspect(obj).insert_order)
    with session.no_autoflush:
        conn = session.connection()
        last = conn.exec_driver_sql("SELECT id, row_hash FROM audit_log ORDER BY id DESC LIMIT 1").first()
        if last is not None and not last[1] and integrity.seal_legacy(conn):
            last = conn.exec_driver_sql("SELECT id, row_hash FROM audit_log ORDER BY id DESC LIMIT 1").first()
    next_id = (last[0] if last is not None else 0) + 1
    prev_hash = last[1] if last is not None else ""
    for row in new:
        row.id = next_id
        row.at = row.at or utcnow()
        row.username = row.username or ""
        row.note = row.note or ""
        row.prev_hash = prev_hash
        row.row_hash = integrity.audit_row_hash(row.id, row.at, row.user_id, row.username, row.action, row.entity,
                                                row.entity_id, row.before, row.after, row.note, prev_hash)
        prev_hash = row.row_hash
        next_id += 1
