"""Defaults written on every open (idempotent): settings, and each area's catalogs/templates/schemes.

An area contributes by providing ``villagevote/<area>/seed.py`` with ``seed(session) -> None``; it must be
idempotent (only add what is missing) and must not overwrite administrators' edits.
"""
from __future__ import annotations

import importlib
import importlib.util
from typing import TYPE_CHECKING

from sqlalchemy.orm import Session

from villagevote.auth import Permission, requires
from villagevote.models.core import Setting

if TYPE_CHECKING:
    from villagevote.audit import Actor

SEED_AREAS = ("qualification", "candidates", "pledges", "scoring", "voters", "elections")

DEFAULT_SETTINGS: dict[str, object] = {
    "backup.keep": 10,
    "backup.daily": True,
}


def get_setting(session: Session, key: str, default: object = None) -> object:
    row = session.get(Setting, key)
    if row is None:
        return DEFAULT_SETTINGS.get(key, default)
    return row.value


def seed_defaults(session: Session) -> None:
    for key, value in DEFAULT_SETTINGS.items():
        if session.get(Setting, key) is None:
            session.add(Setting(key=key, value=value))
    for area in SEED_AREAS:
        name = f"villagevote.{area}.seed"
        if importlib.util.find_spec(f"villagevote.{area}") is None or importlib.util.find_spec(name) is None:
            continue
        importlib.import_module(name).seed(session)
    session.flush()


@requires(Permission.ADMIN)
def set_setting(session: Session, actor: Actor, key: str, value: object) -> None:
    """Change a setting (administrators only), audit-logged."""
    from villagevote import audit
    row = session.get(Setting, key)
    before = None if row is None else row.value
    if row is None:
        session.add(Setting(key=key, value=value))
    else:
        row.value = value
    audit.record(session, actor, "update", "setting", key, before={"value": before}, after={"value": value})
