"""Opening the database file behind the login dialog: the program's first window paints before SQLAlchemy and the
mapped models are imported.

At start-up the import of the database layer (SQLAlchemy and the ~50 model classes, about half a second of CPU) and
``open_database`` (quick check, a backup and the migrations when the file is older, seeding) run on a thread of
their own while the login dialog is already on screen; its 登录 button waits for them (see
:class:`villagevote.ui.dialogs.login.LoginDialog`). Only the opening runs there: nothing else touches the database
until the result is handed to the GUI thread (:attr:`DatabaseOpening.ready`), and from then on the Database belongs
to whoever :meth:`DatabaseOpening.take`\\ s it.
"""
from __future__ import annotations

import logging
import traceback
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QThread, Signal

if TYPE_CHECKING:  # the type only: importing villagevote.database is what this module defers
    from villagevote.database import Database

log = logging.getLogger("villagevote")


def _warm_up() -> None:
    """Modules the GUI thread needs right after the login (the login itself, the township check, the open backup,
    the main window): imported here, while the user types, instead of after 登录 is pressed."""
    import villagevote.shell
    import villagevote.township
    import villagevote.ui.main_window  # noqa: F401


class _OpenThread(QThread):
    completed = Signal()

    def __init__(self, path: Path, opener: Callable[[Path], Database]) -> None:
        super().__init__()
        self.path = path
        self.opener = opener
        self.db: Database | None = None
        self.first_start = False
        self.error: BaseException | None = None
        self.trace = ""
        self.is_complete = False

    def run(self) -> None:  # on the opening thread
        try:
            db = self.opener(self.path)
            try:
                from villagevote import users  # imports the models: deferred to this thread on purpose
                with db.read_session() as s:
                    self.first_start = not users.has_users(s)
            except BaseException:
                db.dispose()
                raise
            self.db = db
        except BaseException as exc:  # handed to the GUI thread, which shows it (UserError) or raises it (a bug)
            self.error = exc
            self.trace = traceback.format_exc()
        self.is_complete = True
        self.completed.emit()
        if self.error is None:
            try:
                _warm_up()
            except Exception:  # only a head start: the GUI thread imports the same modules and reports any error
                log.debug("warm-up import failed", exc_info=True)


class DatabaseOpening(QObject):
    """``opener(path)`` (``open_database``) on a thread of its own; :attr:`ready` fires on the GUI thread when it has
    finished, successfully or not. Then exactly one of :attr:`error` and the Database (:meth:`take`) is set, and
    :attr:`first_start` says the file has no user yet (the first administrator must be created)."""

    ready = Signal()

    def __init__(self, path: Path, opener: Callable[[Path], Database], parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.path = Path(path)
        self._thread = _OpenThread(self.path, opener)
        self._thread.completed.connect(self._deliver)  # queued: emitted on the opening thread, run on the GUI thread
        self._started = False
        self._delivered = False
        self._taken = False

    def start(self) -> None:
        """Begin opening (again calls do nothing)."""
        if not self._started:
            self._started = True
            self._thread.start()

    @property
    def done(self) -> bool:
        """The result has been handed to the GUI thread (``ready`` was emitted)."""
        return self._delivered

    @property
    def error(self) -> BaseException | None:
        return self._thread.error

    @property
    def trace(self) -> str:
        return self._thread.trace

    @property
    def first_start(self) -> bool:
        return self._thread.first_start

    @property
    def db(self) -> Database | None:
        """The opened Database once :attr:`done` (None before, after a failure, or once taken)."""
        return self._thread.db if self._delivered and not self._taken else None

    def wait(self) -> None:
        """Block until the opening has finished (starting it if needed) and deliver its result now."""
        self.start()
        self._thread.wait()
        self._deliver()

    def take(self) -> Database:
        """The opened Database, now owned by the caller (who disposes it). Waits for the opening if needed."""
        self.wait()
        db = self._thread.db
        if db is None or self._taken:
            raise RuntimeError("no database to take")
        self._taken = True
        return db

    def discard(self) -> None:
        """Nobody wants the database (the login was cancelled): wait for the opening and close what it opened."""
        if not self._started:
            return
        self.wait()
        if self._thread.db is not None and not self._taken:
            self._taken = True
            self._thread.db.dispose()

    def _deliver(self) -> None:
        if not self._delivered and self._thread.is_complete:
            self._delivered = True
            self.ready.emit()
