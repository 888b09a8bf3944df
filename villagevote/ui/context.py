"""The application context handed to every page: database, current user, current village, background jobs."""
from __future__ import annotations

import contextlib
from typing import Iterator

from PySide6.QtCore import QObject, Signal
from sqlalchemy.orm import Session

from villagevote.audit import Actor
from villagevote.auth import Permission, can
from villagevote.models.db import Database


class AppContext(QObject):
    """Shared state. Pages read ``village_id`` (None = whole township) and listen to the signals."""

    village_changed = Signal(object)   # village id or None
    data_changed = Signal(str)         # area name ("voters", "candidates", …) after a write
    database_replaced = Signal()       # after open/restore: pages must reload everything

    def __init__(self, db: Database, actor: Actor) -> None:
        super().__init__()
        self.db = db
        self.actor = actor
        self.village_id: int | None = None
        from villagevote.ui.workers import JobRunner
        self.jobs = JobRunner(self)

    @contextlib.contextmanager
    def session(self) -> Iterator[Session]:
        """A write unit of work (takes the database's write lock at its first statement; see Database.session)."""
        with self.db.session() as session:
            yield session

    @contextlib.contextmanager
    def read_session(self) -> Iterator[Session]:
        """A read-only unit of work: never waits for another clerk's save (see Database.read_session)."""
        with self.db.read_session() as session:
            yield session

    def can(self, permission: Permission) -> bool:
        return can(self.actor, permission)

    def set_village(self, village_id: int | None) -> None:
        if village_id != self.village_id:
            self.village_id = village_id
            self.village_changed.emit(village_id)

    def cycle_id(self) -> int | None:
        from villagevote.township import current_cycle
        with self.read_session() as s:
            cycle = current_cycle(s)
            return cycle.id if cycle else None
