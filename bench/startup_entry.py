"""Child process of bench_startup.py: start a window, report its first paint on stdout, exit.

    python bench/startup_entry.py start <db> <user> <password>
        the program as a user starts it: ``villagevote --db <db>`` (villagevote.cli.main → ui.app.run_gui), whose
        first window is the login dialog. Prints ``painted <cpu s>`` at the dialog's first paint, ``ready <cpu s>``
        once the database behind it is open (the dialog's ``db`` is set), then one second later (typing) fills in the
        user name and password, presses 登录 and prints ``main <s from 登录 to the main window's first paint> <cpu s>``.
    python bench/startup_entry.py main <db>
        the older definition: the database opened first, then the main window shown as an administrator through
        ``Controller.show_main`` (no login dialog); prints ``painted <cpu s>`` at its first paint.
    python bench/startup_entry.py bare
        a bare QMainWindow (the baseline); prints ``painted <cpu s>``.
    python bench/startup_entry.py adduser <db> <user> <password>
        preparation, not timed: give the (user-less) demo file its first administrator.

The parent measures wall time from before it starts this process until each line arrives (interpreter start,
imports, database open and first paint included). A paint is reported after its event has been delivered (the
window's widgets paint in the same pass).
"""
from __future__ import annotations

import os
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

TYPING_MS = 1000  # from the database being open to 登录 pressed


def report(line: str) -> None:
    print(line, flush=True)


def bare() -> int:
    from PySide6.QtWidgets import QApplication, QMainWindow
    app = QApplication(sys.argv[:1])
    on_first_paint(app, lambda _w: (report(f"painted {time.process_time():.3f}"), app.quit()))
    window = QMainWindow()
    window.resize(1280, 800)
    window.show()
    return app.exec()


def on_first_paint(app: Any, then: Callable[[Any], object], wanted: Callable[[Any], bool] = lambda _w: True) -> Any:
    """Call ``then(widget)`` once, after the first paint event of a widget for which ``wanted(widget)`` holds."""
    from PySide6.QtCore import QEvent, QObject, QTimer

    class FirstPaint(QObject):
        done = False

        def eventFilter(self, obj: QObject, event: QEvent) -> bool:
            if not self.done and event.type() == QEvent.Type.Paint and wanted(obj):
                self.done = True
                QTimer.singleShot(0, lambda: then(obj))  # after this paint event has been delivered
            return False

    watcher = FirstPaint()
    app.installEventFilter(watcher)
    app._bench_watchers = [*getattr(app, "_bench_watchers", []), watcher]  # keep it alive
    return watcher


def start(db: Path, username: str, password: str) -> int:
    """``villagevote --db <db>`` with the three reports hooked into its QApplication (built by ui.app.make_qapp)."""
    import villagevote.cli  # the program's own order: its modules, then Qt (villagevote.ui.app imports it)
    import villagevote.ui.app as app_mod

    # isort: split
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication, QMainWindow

    def log_in_when_open(dialog: Any) -> None:
        if getattr(dialog, "db", None) is None:  # still opening behind the dialog
            QTimer.singleShot(5, lambda: log_in_when_open(dialog))
            return
        report(f"ready {time.process_time():.3f}")
        # the user types the name and the password (a second here, longer in life), then presses 登录
        QTimer.singleShot(TYPING_MS, lambda: press_login(dialog))

    def press_login(dialog: Any) -> None:
        dialog.username.setText(username)
        dialog.password.setText(password)
        clicked = time.perf_counter()
        app = QApplication.instance()
        on_first_paint(app, lambda _w: (report(f"main {time.perf_counter() - clicked:.3f} {time.process_time():.3f}"),
                                        QTimer.singleShot(0, app.quit)),
                       lambda w: isinstance(w, QMainWindow))
        dialog.try_login()

    def first_window(widget: Any) -> None:
        report(f"painted {time.process_time():.3f}")
        dialog = widget.window()
        if not hasattr(dialog, "try_login"):
            raise SystemExit(f"the first window is not the login dialog: {type(dialog).__name__}")
        log_in_when_open(dialog)

    make_qapp = app_mod.make_qapp

    def hooked_make_qapp(argv: list[str] | None = None) -> Any:
        app = make_qapp(argv)
        on_first_paint(app, first_window)
        QTimer.singleShot(120_000, app.quit)  # never hang the benchmark
        return app

    app_mod.make_qapp = hooked_make_qapp  # type: ignore[assignment]  # the benchmark's hook into run_gui
    status = villagevote.cli.main(["--db", str(db)])
    for window in QApplication.topLevelWidgets():
        if isinstance(window, QMainWindow) and window.isVisible():
            window.close()  # its database jobs (the tree, the overview) finish first
    return status


def main_window(db: Path) -> int:
    """The older measurement: open the database, then Controller.show_main as an administrator."""
    from villagevote.audit import Actor
    try:
        from villagevote.database import open_database
    except ImportError:  # --baseline runs older code, from before villagevote.database
        from villagevote.models.db import open_database  # type: ignore[attr-defined,no-redef]  # older code
    from villagevote.models.enums import Role
    from villagevote.ui.app import Controller, make_qapp

    # isort: split
    from PySide6.QtCore import QTimer
    print(f"villagevote from {sys.modules['villagevote'].__file__}", file=sys.stderr)
    app = make_qapp()
    on_first_paint(app, lambda _w: (report(f"painted {time.process_time():.3f}"), app.quit()))
    controller = Controller()
    controller.db = open_database(db)
    controller.show_main(Actor(user_id=None, username="admin", role=Role.ADMIN, display_name="管理员"))
    QTimer.singleShot(120_000, app.quit)  # never hang the benchmark
    status = app.exec()
    controller.quit()  # waits for the window's database jobs (the tree, the overview), closes the database
    return status


def add_user(db: Path, username: str, password: str) -> int:
    from villagevote import users
    try:
        from villagevote.database import open_database
    except ImportError:  # older code
        from villagevote.models.db import open_database  # type: ignore[attr-defined,no-redef]  # older code
    database = open_database(db)
    try:
        with database.session() as s:
            if not users.has_users(s):
                users.create_first_admin(s, username, password, "管理员")
    finally:
        database.dispose()
    return 0


def main() -> int:
    mode = sys.argv[1]
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    if mode == "bare":
        return bare()
    db = Path(sys.argv[2])
    if mode == "start":
        return start(db, sys.argv[3], sys.argv[4])
    if mode == "main":
        return main_window(db)
    if mode == "adduser":
        return add_user(db, sys.argv[3], sys.argv[4])
    raise SystemExit(f"unknown mode {mode}")


if __name__ == "__main__":
    sys.exit(main())
