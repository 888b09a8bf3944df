"""The audit log: every domain write records who did what to which record, with before/after as JSON.

Rows form a hash chain (see :mod:`villagevote.integrity`): when a session flushes new ``AuditLog`` rows, a
``before_flush`` hook reads the last row inside the same write transaction, gives each new row the next id, the
previous row's hash as ``prev_hash`` and its own ``row_hash``. Every audit row goes through the ORM (``record``), so
the hook sees them all; there is no other insert path into ``audit_log``.
"""
from __future__ import annotations

import datetime as dt
import json
import re
from dataclasses import dataclass
from typing import Any

from sqlalchemy import event, inspect
from sqlalchemy.orm import Session

from villagevote import integrity
from villagevote.actor import SYSTEM, Actor  # noqa: F401  # SYSTEM re-exported: domain code imports both from here
from villagevote.i18n import tr
from villagevote.models.base import row_dict, utcnow
from villagevote.models.core import AuditLog


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
    new.sort(key=lambda obj: inspect(obj).insert_order or 0)
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


# ---------------------------------------------------------------------------------------------------------------
# reading the log (the 系统 → 审计日志 viewer): Chinese labels, personal data masked by role, filters, paging
# ---------------------------------------------------------------------------------------------------------------

# Review findings: shown only to roles with VIEW_SENSITIVE (like the candidates page, which shows a 只读 user the
# verdict but not its reasons). ID numbers are masked wherever they appear.
SENSITIVE_FIELDS: dict[str, frozenset[str]] = {
    "finding": frozenset({"result", "evidence", "event_date", "expiry_date", "merged"}),
    "department_signoff": frozenset({"has_issue", "opinion"}),
    "review_step": frozenset({"reason"}),
    "candidacy": frozenset({"final_verdict_note"}),
    "voter": frozenset({"ineligible_reason"}),
}
_ID_IN_TEXT = re.compile(r"(?<![0-9A-Za-z])\d{17}[0-9Xx](?![0-9A-Za-z])")
_ID_LIKE_QUERY = re.compile(r"[0-9Xx]{3,18}")
_NOT_SHOWN = frozenset({"created_at", "updated_at", "name_sort"})  # bookkeeping the audit row's own time repeats


@dataclass(frozen=True)
class AuditFilter:
    """What the viewer searches for; empty fields match everything. Dates are local calendar days, inclusive."""
    person: str = ""          # a name (fragment) or, for roles that may see them, an ID number fragment
    user: str = ""            # user name fragment
    action: str = ""          # an action code (exact)
    date_from: dt.date | None = None
    date_to: dt.date | None = None


@dataclass(frozen=True)
class AuditEntry:
    id: int
    at: dt.datetime           # local time
    username: str
    action: str
    action_label: str
    entity: str
    entity_label: str
    entity_id: str
    before_text: str          # "字段：值；…" with Chinese field names, masked for the reader's role
    after_text: str
    note: str


def _local(at: dt.datetime) -> dt.datetime:
    return at.replace(tzinfo=dt.timezone.utc).astimezone().replace(tzinfo=None)


def _utc(local: dt.datetime) -> dt.datetime:
    return local.astimezone(dt.timezone.utc).replace(tzinfo=None)


def _mask_text(text: str) -> str:
    from villagevote.idcard import mask_id_number
    return _ID_IN_TEXT.sub(lambda m: mask_id_number(m.group(0)), text)


def _masked(entity: str, key: str | None, value: Any) -> Any:
    from villagevote.idcard import mask_id_number
    if key is not None and key in SENSITIVE_FIELDS.get(entity, ()) and value not in (None, ""):
        return tr("（仅对有权查看审查意见的角色显示）")
    if key == "id_number" and isinstance(value, str) and value:
        return mask_id_number(value)
    if isinstance(value, dict):
        return {k: _masked(entity, k, v) for k, v in value.items()}
    if isinstance(value, list):
        return [_masked(entity, None, v) for v in value]
    if isinstance(value, str):
        return _mask_text(value)
    return value


def _value_text(value: Any) -> str:
    if value is None or value == "":
        return tr("（空）")
    if isinstance(value, bool):
        return tr("是") if value else tr("否")
    if isinstance(value, (dict, list)):
        return json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    return str(value)


def _data_text(entity: str, data: Any, keys: list[str] | None = None) -> str:
    from villagevote.audit_labels import field_label, value_label
    if data is None:
        return ""
    if not isinstance(data, dict):
        return _value_text(data)
    keys = [k for k in (keys if keys is not None else list(data)) if k not in _NOT_SHOWN]
    return tr("；").join(tr("{field}：{value}").format(
        field=field_label(k), value=_value_text(value_label(entity, k, data[k]))) for k in keys if k in data)


def _entry(row: AuditLog, sensitive: bool) -> AuditEntry:
    from villagevote.audit_labels import action_label, entity_label
    before, after, note = row.before, row.after, row.note or ""
    if not sensitive:
        before, after, note = _masked(row.entity, None, before), _masked(row.entity, None, after), _mask_text(note)
    before_text, after_text = _data_text(row.entity, before), _data_text(row.entity, after)
    if isinstance(before, dict) and isinstance(after, dict):  # an edit: only what changed
        keys = [k for k in dict.fromkeys([*before, *after]) if k not in _NOT_SHOWN and before.get(k) != after.get(k)]
        before_text, after_text = _data_text(row.entity, before, keys), _data_text(row.entity, after, keys)
        if not keys:
            after_text = tr("（记录内容未变）")
    return AuditEntry(row.id, _local(row.at), row.username, row.action, action_label(row.action), row.entity,
                      entity_label(row.entity), row.entity_id or "", before_text, after_text, note)


def _conditions(actor: Actor, filters: AuditFilter) -> list[Any]:
    from sqlalchemy import String, case, cast, func, literal_column, or_, select

    from villagevote.auth import Permission, can
    from villagevote.errors import PermissionDenied
    from villagevote.models.candidates import Candidacy, Person
    from villagevote.models.voters import Voter

    where: list[Any] = []
    query = filters.person.strip()
    if query:
        if _ID_LIKE_QUERY.fullmatch(query):
            if not can(actor, Permission.VIEW_SENSITIVE):
                raise PermissionDenied(tr("按身份证号码查找需要能查看身份证号码的角色（管理员、录入员或审核员）。"))
            pattern = f"%{query.upper()}%"
            person_match, voter_match = Person.id_number.like(pattern), Voter.id_number.like(pattern)
            texts = [query.upper()]
        else:
            pattern = f"%{query}%"
            person_match, voter_match = Person.name.like(pattern), Voter.name.like(pattern)
            texts = [query, json.dumps(query)[1:-1]]  # JSON columns store non-ASCII text as \uXXXX
        persons = select(Person.id).where(person_match)
        voters = select(Voter.id).where(voter_match)
        candidacies = select(Candidacy.id).where(Candidacy.person_id.in_(persons))

        def ref(column: str, key: str) -> Any:
            col: Any = literal_column(f"audit_log.{column}")
            return case((func.json_valid(col) == 1, func.json_extract(col, f"$.{key}")))

        options: list[Any] = [
            (AuditLog.entity == "person") & AuditLog.entity_id.in_(select(cast(Person.id, String)).where(person_match)),
            (AuditLog.entity == "voter") & AuditLog.entity_id.in_(select(cast(Voter.id, String)).where(voter_match)),
            (AuditLog.entity == "candidacy") & AuditLog.entity_id.in_(
                select(cast(Candidacy.id, String)).where(Candidacy.person_id.in_(persons))),
        ]
        for column in ("before", "after"):
            options += [ref(column, "person_id").in_(persons), ref(column, "candidacy_id").in_(candidacies),
                        ref(column, "voter_id").in_(voters)]
            options += [literal_column(f"audit_log.{column}").like(f"%{t}%") for t in texts]
        options += [AuditLog.note.like(f"%{t}%") for t in texts]
        where.append(or_(*options))
    if filters.user.strip():
        where.append(AuditLog.username.like(f"%{filters.user.strip()}%"))
    if filters.action:
        where.append(AuditLog.action == filters.action)
    if filters.date_from:
        where.append(AuditLog.at >= _utc(dt.datetime.combine(filters.date_from, dt.time())))
    if filters.date_to:
        where.append(AuditLog.at < _utc(dt.datetime.combine(filters.date_to + dt.timedelta(days=1), dt.time())))
    return where


def count_entries(session: Session, actor: Actor, filters: AuditFilter = AuditFilter()) -> int:
    """How many audit rows match ``filters`` (any role may read the log; what it shows depends on the role)."""
    from sqlalchemy import func, select
    return session.scalar(select(func.count(AuditLog.id)).where(*_conditions(actor, filters))) or 0


def list_entries(session: Session, actor: Actor, filters: AuditFilter = AuditFilter(), offset: int = 0,
                 limit: int = 200) -> list[AuditEntry]:
    """One page of the audit log, newest first, as plain data for the viewer: actions, objects and fields in
    Chinese; for roles without VIEW_SENSITIVE, ID numbers masked (330102********123X) and review findings hidden."""
    from sqlalchemy import select

    from villagevote.auth import Permission, can
    sensitive = can(actor, Permission.VIEW_SENSITIVE)
    rows = session.scalars(select(AuditLog).where(*_conditions(actor, filters)).order_by(AuditLog.id.desc())
                           .offset(offset).limit(limit))
    return [_entry(row, sensitive) for row in rows]


@dataclass(frozen=True)
class AuditPage:
    """How many entries match and the first ``limit`` of them (the viewer asks for more as it scrolls)."""
    total: int
    entries: list[AuditEntry]


def first_page(session: Session, actor: Actor, filters: AuditFilter = AuditFilter(), limit: int = 200) -> AuditPage:
    """The count and the first page of a search; a refused search (an ID fragment without VIEW_SENSITIVE) raises
    before anything is read, so the viewer keeps showing the previous result."""
    total = count_entries(session, actor, filters)
    return AuditPage(total, list_entries(session, actor, filters, 0, limit))
