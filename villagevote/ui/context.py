"""The application context handed to every page: database, current user, current village, and the two ways a page
reaches the data — ``query`` (a domain read) and ``write`` (a domain write) — both run on the one database worker.

Pages never open sessions themselves: a page hands a domain function to ``ctx.query(fn, on_done)``; ``fn(session)``
runs on the worker and returns plain data (dataclasses, tuples, dicts — never ORM objects), which ``on_done`` receives
on the GUI thread. ``ctx.write(fn, Area.X)`` runs ``fn(session)`` in a write transaction on the worker; a
:class:`UserError` is shown as its Chinese message, anything else goes to the exception hook, and after the commit
``changed`` carries the areas written so that pages showing them reload. A progress dialog appears only when a job
runs longer than half a second (see :mod:`villagevote.ui.workers`).
"""
from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any, TypeVar

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QWidget

from villagevote.audit import Actor
from villagevote.auth import Permission, can
from villagevote.changes import Area, Areas, areas

if TYPE_CHECKING:  # the UI never touches SQLAlchemy itself: it hands domain functions to query/write
    from sqlalchemy.orm import Session

    from villagevote.models.db import Database

T = TypeVar("T")


class AppContext(QObject):
    """Shared state. Pages read ``village_id`` (None = whole township) and listen to the signals."""

    village_changed = Signal(object)   # village id or None
    changed = Signal(object)           # frozenset[Area] after a committed write
    database_replaced = Signal()       # after open/restore: pages must reload everything

    def __init__(self, db: Database, actor: Actor) -> None:
        super().__init__()
        self.db = db
        self.actor = actor
        self.village_id: int | None = None
        from villagevote.ui.workers import JobRunner
        self.jobs = JobRunner(self)

    # -- the one way from a page to the data -------------------------------------------------------------------

    def query(self, fn: Callable[[Session], T], on_done: Callable[[T], object], *,
              on_error: Callable[[BaseException], None] | None = None, title: str = "",
              parent: QWidget | None = None) -> None:
        """Run the domain read ``fn(session)`` on the database worker; ``on_done(result)`` on the GUI thread.

        A failure shows a Chinese message (or the exception hook for a bug) unless ``on_error`` is given; the page
        stays usable either way."""
        db = self.db

        def job(_progress: Any) -> T:
            with db.read_session() as s:
                return fn(s)

        self.jobs.submit(job, title=title, parent=parent, on_done=on_done,
                         on_error=self._error_handler(on_error, parent))

    def write(self, fn: Callable[[Session], T], changes: Area | Iterable[Area], *,
              on_done: Callable[[T], object] | None = None,
              on_error: Callable[[BaseException], None] | None = None, title: str = "",
              parent: QWidget | None = None) -> None:
        """Run the domain write ``fn(session)`` in one transaction on the database worker, then announce
        ``changes`` and call ``on_done(result)`` on the GUI thread. Nothing is half-written: a failure rolls the whole
        transaction back and shows the message (``on_error`` may take it instead, e.g. to show it beside a field)."""
        db = self.db
        written = areas(changes)

        def job(_progress: Any) -> T:
            with db.session() as s:
                return fn(s)

        def done(result: T) -> None:
            self.announce(written)
            if on_done is not None:
                on_done(result)

        self.jobs.submit(job, title=title, parent=parent, on_done=done,
                         on_error=self._error_handler(on_error, parent))

    def announce(self, changes: Area | Iterable[Area]) -> None:
        """Tell the pages that ``changes`` were written (``write`` does this itself)."""
        written: Areas = areas(changes)
        self.changed.emit(written)

    def wait_idle(self, timeout_ms: int = 60_000) -> bool:
        """Process events until every queued job has finished (closing a file, tests). False on timeout."""
        return self.jobs.wait_idle(timeout_ms)

    @staticmethod
    def _error_handler(on_error: Callable[[BaseException], None] | None,
                       parent: QWidget | None) -> Callable[[BaseException, str], None]:
        def handle(exc: BaseException, _tb: str) -> None:
            if on_error is not None:
                on_error(exc)
            else:
                from villagevote.ui.dialogs.common import show_error
                show_error(parent, exc)
        return handle

    def can(self, permission: Permission) -> bool:
        return can(self.actor, permission)

    def set_village(self, village_id: int | None) -> None:
        if village_id != self.village_id:
            self.village_id = village_id
            self.village_changed.emit(village_id)
