"""Child process of bench_startup.py: start a window, print "painted <cpu seconds>" at its first paint, exit.

    python bench/startup_entry.py app <db>   the application's main window on <db>, as an administrator, through the
                                              same ``Controller.show_main`` the program uses (no login dialog)
    python bench/startup_entry.py bare       a bare QMainWindow (the baseline)

The parent measures wall time from before it starts this process until the line arrives (interpreter start, imports,
database open and first paint included).
"""
from __future__ import annotations

import os
import sys
import time
from pathlib import Path


def main() -> int:
    mode = sys.argv[1]
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    if mode == "app":
        # what ``villagevote`` does (cli → villagevote.ui.app), in the same order: the application's modules first
        from villagevote.audit import Actor
        try:
            from villagevote.database import open_database
        except ImportError:  # --baseline runs older code, from before villagevote.database
            from villagevote.models.db import open_database  # type: ignore[attr-defined,no-redef]  # older code
        from villagevote.models.enums import Role
        from villagevote.ui.app import Controller, make_qapp
    from PySide6.QtCore import QEvent, QObject, QTimer
    from PySide6.QtWidgets import QApplication, QMainWindow

    class FirstPaint(QObject):
        def __init__(self, app: QApplication) -> None:
            super().__init__()
            self.app = app
            self.done = False

        def eventFilter(self, obj: QObject, event: QEvent) -> bool:
            if not self.done and event.type() == QEvent.Type.Paint:
                self.done = True
                # after this paint event has been delivered (the window's widgets paint in the same pass)
                QTimer.singleShot(0, self.report)
            return False

        def report(self) -> None:
            print(f"painted {time.process_time():.3f}", flush=True)
            self.app.quit()

    if mode == "bare":
        app = QApplication(sys.argv[:1])
        watcher = FirstPaint(app)
        app.installEventFilter(watcher)
        window = QMainWindow()
        window.resize(1280, 800)
        window.show()
        return app.exec()

    db_path = Path(sys.argv[2])
    print(f"villagevote from {sys.modules['villagevote'].__file__}", file=sys.stderr)
    app = make_qapp()
    watcher = FirstPaint(app)
    app.installEventFilter(watcher)
    controller = Controller()
    controller.db = open_database(db_path)
    controller.show_main(Actor(user_id=None, username="admin", role=Role.ADMIN, display_name="管理员"))
    QTimer.singleShot(120_000, app.quit)  # never hang the benchmark
    status = app.exec()
    controller.quit()  # waits for the window's database jobs (the tree, the overview), closes the database
    return status


if __name__ == "__main__":
    sys.exit(main())
