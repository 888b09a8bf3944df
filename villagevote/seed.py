"""Defaults written on every open (idempotent): settings, and each area's catalogs/templates/schemes.

An area contributes by providing ``villagevote/<area>/seed.py`` with ``seed(session) -> None``; it must be
idempotent (only add what is missing) and must not overwrite administrators' edits.
"""
from __future__ import annotations

import importlib
import importlib.util

from sqlalchemy.orm import Session

from villagevote.models.core import Setting

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
