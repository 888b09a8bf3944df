"""Edit conflicts: a record edited by two clerks from the same loaded state is saved once, the second is refused.

Person, candidacy and voter rows carry a ``version`` counter (migration 0009). The ORM bumps it on every update and
checks it in the UPDATE (``version_id_col``); bulk SQL updates bump it themselves (``version = version + 1``). That
catches two sessions racing inside one flush, but not the usual case: a clerk opens a dialog (one session), another
clerk saves the record, then the first clerk presses 保存 (a new session, which loads the new row). So edit
functions take ``expected_version``, the version the clerk's dialog loaded, and :func:`check_version` refuses the
save when the row has moved on, naming the record and who saved it last.
"""
from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from villagevote.errors import EditConflict
from villagevote.i18n import tr
from villagevote.models.core import AuditLog, User


def _last_saved_by(session: Session, entity: str, entity_id: Any) -> str:
    row = session.execute(
        select(AuditLog.username, AuditLog.at, User.display_name)
        .outerjoin(User, User.id == AuditLog.user_id)
        .where(AuditLog.entity == entity, AuditLog.entity_id == str(entity_id))
        .order_by(AuditLog.id.desc()).limit(1)
    ).first()
    if row is None:
        return tr("打开后已有改动")
    username, at, display = row
    local = at.replace(tzinfo=dt.timezone.utc).astimezone() if at else None
    when = local.strftime("%Y年%m月%d日 %H:%M") if local else ""
    who = display or username or tr("其他用户")
    return tr("{who}于{when}保存过").format(who=who, when=when)


def check_version(session: Session, row: Any, expected_version: int | None, what: str, entity: str) -> None:
    """Refuse (EditConflict) when ``row.version`` is no longer the ``expected_version`` the clerk loaded.

    ``what`` names the record for the message, e.g. ``tr("选民“{name}”")``; ``entity`` is the audit-log entity name
    (``"voter"``) used to say who saved it last. ``expected_version`` None skips the check (callers with no loaded
    state, such as imports and the command line)."""
    if expected_version is None or row.version == expected_version:
        return
    raise EditConflict(tr("{what}已被其他用户修改（{detail}），请刷新后再改。本次没有保存。").format(
        what=what, detail=_last_saved_by(session, entity, row.id)))
