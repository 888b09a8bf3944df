"""What the application's frame reads (the main window and the start-up around it), as plain data.

The main window hands these to ``ctx.query``; the start-up (``villagevote.ui.app.Controller``) calls them in the
sessions it opens before a window exists.
"""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm import Session

from villagevote.seed import get_setting
from villagevote.township import VillageRow, get_township, list_villages

DEFAULT_BACKUP_KEEP = 10


@dataclass(frozen=True)
class TownshipTree:
    """The township → village tree on the left of the main window; ``name`` is None before a township is set up."""
    name: str | None
    villages: list[VillageRow]


def township_tree(session: Session) -> TownshipTree:
    township = get_township(session)
    return TownshipTree(township.name if township else None, list_villages(session))


def has_township(session: Session) -> bool:
    return get_township(session) is not None


def backup_keep(session: Session) -> int:
    """How many automatic backups to keep (setting ``backup.keep``)."""
    value = get_setting(session, "backup.keep", DEFAULT_BACKUP_KEEP)
    if isinstance(value, (int, float, str)):
        try:
            return int(value)  # a JSON setting: a number, or a numeric string typed by hand
        except ValueError:
            pass
    return DEFAULT_BACKUP_KEEP
