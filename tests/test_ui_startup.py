"""Start-up flow and file actions: the login dialog painted before the database opens, first administrator,
township set-up, bad files, failing backups, restore."""
from __future__ import annotations

import shutil
import sqlite3
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from PySide6.QtWidgets import QDialog, QDialogButtonBox
from sqlalchemy import select

from villagevote.models import Township, User
from villagevote.models.enums import Role
from villagevote.ui import app as app_mod
from villagevote.ui.dialogs import login as login_mod
from villagevote.ui.dialogs.common import Ask


def fake_first_admin(monkeypatch, password="secret-1"):
    def exec_(self):  # type: ignore[no-untyped-def]
        self.username.setText("zhang")
        self.display.setText("张主任")
        self.password.setText(password)
        self.password2.setText(password)
        self.create_admin()
        return self.result()
    monkeypatch.setattr(login_mod.FirstAdminDialog, "exec", exec_)


def fake_township(monkeypatch):
    def exec_(self):  # type: ignore[no-untyped-def]
        self.name.setText("新安镇")
        self.county.setText("新安县")
        return QDialog.DialogCode.Accepted
    monkeypatch.setattr(login_mod.TownshipSetupDialog, "exec", exec_)


def started_new(monkeypatch, path):
    """The app started on a new file at ``path``: first admin and township filled in by the fakes above."""
    fake_first_admin(monkeypatch)
    fake_township(monkeypatch)
    controller = app_mod.Controller()
    assert controller.open(path)
    assert controller.window.ctx.wait_idle()  # the first page loads on the database worker
    return controller


def test_first_start_creates_admin_township_and_opens_main_window(qapp, tmp_path, monkeypatch, messages):
    fake_first_admin(monkeypatch)
    fake_township(monkeypatch)
    app_mod.setup_fonts(qapp)
    controller = app_mod.Controller()
    path = tmp_path / "town.sqlite3"
    assert controller.open(path)
    try:
        assert controller.window is not None and controller.window.isVisible()
        assert controller.window.ctx.wait_idle()
        assert str(path) in controller.window.db_label.text()
        with controller.db.session() as s:
            assert s.scalar(select(User.role).where(User.username == "zhang")).value == "admin"
            assert s.scalar(select(Township.name)) == "新安镇"
        # an open backup was made
        assert list(controller.db.backup_dir.glob("villagevote-*-open.sqlite3"))
    finally:
        controller.window.close()
        controller.db.dispose()


def test_opening_a_bad_file_keeps_the_current_database(qapp, tmp_path, monkeypatch, messages):
    good = tmp_path / "good.sqlite3"
    controller = started_new(monkeypatch, good)
    window = controller.window
    junk = tmp_path / "junk.sqlite3"
    junk.write_bytes(b"not a database at all")
    assert not controller.open(junk, window)
    assert messages and "不是 SQLite" in messages[-1][1]
    assert junk.read_bytes() == b"not a database at all"
    assert controller.window is window and controller.db.path == good
    window.close()
    controller.db.dispose()


def test_failing_backup_shows_error_and_keeps_data(qtbot, ctx, township, tmp_path, messages):
    from villagevote.ui.main_window import MainWindow
    blocker = tmp_path / "blocker"
    blocker.write_text("a file where the backup folder should be")
    ctx.db.backup_dir = blocker
    window = MainWindow(ctx)
    qtbot.addWidget(window)
    window.backup_now()
    assert ctx.wait_idle()  # the number of backups to keep is read on the database worker
    assert messages and messages[-1][0] == "备份失败" and "数据库未受影响" in messages[-1][1]
    with ctx.db.session() as s:
        assert s.scalar(select(Township.name)) == "测试镇"


def test_wrong_password_is_refused_in_the_dialog(qtbot, db, admin):
    dialog = login_mod.LoginDialog(db)
    qtbot.addWidget(dialog)
    dialog.username.setText("admin")
    dialog.password.setText("wrong")
    dialog.try_login()
    assert dialog.actor is None and dialog.message.text() == "用户名或密码错误。"
    assert dialog.password.text() == ""
    dialog.password.setText("admin-pass")
    dialog.try_login()
    assert dialog.actor is not None and dialog.result() == QDialog.DialogCode.Accepted


def test_restore_from_menu_replaces_data_after_confirmation(qapp, tmp_path, monkeypatch, messages):
    from villagevote import township as tw
    from villagevote.backup import backup_database
    from villagevote.models import Village
    path = tmp_path / "town.sqlite3"
    controller = started_new(monkeypatch, path)
    ctx = controller.window.ctx
    backup = backup_database(path, controller.db.backup_dir, reason="manual")
    with controller.db.session() as s:
        tw.add_village(s, ctx.actor, tw.get_township(s).id, "备份之后的村")

    def login_again(self):  # type: ignore[no-untyped-def]
        self.username.setText("zhang")
        self.password.setText("secret-1")
        self.try_login()
        return self.result()
    monkeypatch.setattr(login_mod.LoginDialog, "exec", login_again)
    monkeypatch.setattr(Ask, "open_file", classmethod(lambda cls, *a, **k: str(backup)))
    monkeypatch.setattr(Ask, "confirm", classmethod(lambda cls, *a, **k: True))
    controller.restore()
    assert controller.window.ctx.wait_idle()  # pages reload the restored data on the database worker
    assert any(title == "恢复完成" for title, _ in messages)
    with controller.db.session() as s:
        assert s.scalar(select(Village).where(Village.name == "备份之后的村")) is None
    assert list(controller.db.backup_dir.glob("villagevote-*-pre-restore.sqlite3"))
    controller.window.close()
    controller.db.dispose()


def test_restore_refuses_a_damaged_file_and_keeps_working(qapp, tmp_path, monkeypatch, messages):
    path = tmp_path / "town.sqlite3"
    controller = started_new(monkeypatch, path)
    junk = tmp_path / "villagevote-20260101-000000-manual.sqlite3"
    junk.write_bytes(b"SQLite format 3\x00" + b"\x00" * 200)
    monkeypatch.setattr(Ask, "open_file", classmethod(lambda cls, *a, **k: str(junk)))
    monkeypatch.setattr(Ask, "confirm", classmethod(lambda cls, *a, **k: True))
    controller.restore()
    assert controller.window.ctx.wait_idle()
    assert messages[-1][0] == "恢复失败"
    with controller.db.session() as s:
        assert s.scalar(select(Township.name)) == "新安镇"
    controller.window.close()
    controller.db.dispose()


def test_backup_keep_reads_the_setting_with_a_safe_default(db, admin):
    from villagevote.seed import set_setting
    from villagevote.shell import DEFAULT_BACKUP_KEEP, backup_keep
    with db.read_session() as s:
        assert backup_keep(s) == DEFAULT_BACKUP_KEEP
    for stored, expected in ((3, 3), ("7", 7), ("很多", DEFAULT_BACKUP_KEEP), (None, DEFAULT_BACKUP_KEEP)):
        with db.session() as s:
            set_setting(s, admin, "backup.keep", stored)
        with db.read_session() as s:
            assert backup_keep(s) == expected, stored


# ------------------------------------------------------------------------------- start-up: login dialog first
ROLE_USERS = {Role.ADMIN: ("admin", "admin-pass"), Role.CLERK: ("clerk", "clerk-pass"),
              Role.REVIEWER: ("reviewer", "reviewer-pass"), Role.READONLY: ("viewer", "viewer-pass")}


@pytest.fixture
def township_file(tmp_path, migrated_template) -> Path:
    """A township database on disk, closed, with one user of each role (what the program finds at start-up)."""
    from villagevote import township as tw
    from villagevote import users
    from villagevote.database import open_database
    path = tmp_path / "town.sqlite3"
    shutil.copyfile(migrated_template, path)
    db = open_database(path)
    try:
        with db.session() as s:
            admin = users.create_first_admin(s, "admin", "admin-pass", "管理员")
            for role, (name, password) in ROLE_USERS.items():
                if role is not Role.ADMIN:
                    users.create_user(s, admin, name, password, role)
            tw.create_township(s, admin, "新安镇", "新安县")
    finally:
        db.dispose()
    return path


def run_login(monkeypatch, qtbot, username: str | None, password: str = "", *,
              while_opening=None) -> list[str]:  # type: ignore[no-untyped-def]
    """Answer the start-up login dialog: show it, wait for its first paint, call ``while_opening(dialog)`` (checks
    made while the database may still be opening), type the credentials and press 登录 (``username`` None: 退出),
    then wait until the dialog has closed. Returns what happened, in order."""
    seen: list[str] = []

    def exec_(self):  # type: ignore[no-untyped-def]
        self.show()
        qtbot.waitUntil(lambda: self._painted, timeout=5000)
        seen.append("painted")
        if while_opening is not None:
            while_opening(self)
        if username is None:
            self.findChild(QDialogButtonBox).button(QDialogButtonBox.StandardButton.Cancel).click()
        else:
            self.username.setText(username)
            self.password.setText(password)
            self.findChild(QDialogButtonBox).button(QDialogButtonBox.StandardButton.Ok).click()
        qtbot.waitUntil(lambda: self._closed, timeout=30_000)
        seen.append(f"closed {self.result()}")
        return self.result()
    monkeypatch.setattr(login_mod.LoginDialog, "exec", exec_)
    return seen


def held_open(monkeypatch) -> tuple[threading.Event, list[str]]:
    """``open_database`` made to wait for the returned event (the file opens only when the test says so); the list
    records when the opening started and finished."""
    release = threading.Event()
    events: list[str] = []
    real = app_mod.open_database

    def slow_open(path):  # type: ignore[no-untyped-def]
        events.append("open started")
        assert release.wait(30), "the test never released the opening"
        db = real(path)
        events.append("open finished")
        return db
    monkeypatch.setattr(app_mod, "open_database", slow_open)
    return release, events


def close(controller) -> None:  # type: ignore[no-untyped-def]
    if controller.window is not None:
        controller.window.ctx.wait_idle()
        controller.window.close()
    if controller.db is not None:
        controller.db.dispose()


def test_login_dialog_paints_before_the_database_is_opened(qapp, qtbot, township_file, monkeypatch, messages):
    release, events = held_open(monkeypatch)
    original_paint = login_mod.LoginDialog.paintEvent

    def paint(self, event):  # type: ignore[no-untyped-def]
        if "dialog painted" not in events:
            events.append("dialog painted")
        original_paint(self, event)
    monkeypatch.setattr(login_mod.LoginDialog, "paintEvent", paint)

    def while_opening(dialog) -> None:  # type: ignore[no-untyped-def]
        qtbot.waitUntil(lambda: events == ["dialog painted", "open started"], timeout=5000)
        assert dialog.db is None and not dialog.opening.done
        assert dialog.status.text() == "正在打开数据库…"
        assert str(township_file) in " ".join(label.text() for label in dialog.findChildren(type(dialog.status)))
        events.append("dialog checked")

    seen = run_login(monkeypatch, qtbot, "clerk", "clerk-pass", while_opening=while_opening)
    # 登录 pressed while the database is still opening: the dialog says so and logs in once it is open
    original_try = login_mod.LoginDialog.try_login

    def try_login(self):  # type: ignore[no-untyped-def]
        original_try(self)
        if self.db is None:
            assert "打开后自动登录" in self.status.text()
            release.set()
    monkeypatch.setattr(login_mod.LoginDialog, "try_login", try_login)
    controller = app_mod.Controller()
    try:
        assert controller.start(township_file)
        assert events == ["dialog painted", "open started", "dialog checked", "open finished"]
        assert seen == ["painted", f"closed {int(QDialog.DialogCode.Accepted)}"]
        assert controller.window.isVisible() and controller.window.ctx.actor.username == "clerk"
        assert controller.db is not None and controller.db.path == township_file
        assert list(controller.db.backup_dir.glob("villagevote-*-open.sqlite3"))  # the open backup, as before
    finally:
        close(controller)


@pytest.mark.parametrize("role", list(ROLE_USERS), ids=[r.value for r in ROLE_USERS])
def test_start_logs_in_as_each_role(qapp, qtbot, township_file, monkeypatch, messages, role):
    name, password = ROLE_USERS[role]

    def exec_(self):  # type: ignore[no-untyped-def]
        self.show()
        self.wait_until_open()
        qtbot.waitUntil(lambda: self.db is not None, timeout=30_000)
        self.username.setText(name)
        self.password.setText("wrong-password")  # a wrong password first: the dialog stays open
        self.try_login()
        assert not self._closed and self.message.text() == "用户名或密码错误。"
        self.password.setText(password)
        self.try_login()
        return self.result()
    monkeypatch.setattr(login_mod.LoginDialog, "exec", exec_)
    controller = app_mod.Controller()
    try:
        assert controller.start(township_file)
        actor = controller.window.ctx.actor
        assert actor.username == name and actor.role is role
        assert role.label in controller.window.user_label.text()
        assert controller.window.ctx.wait_idle()
    finally:
        close(controller)


def test_start_shows_why_a_damaged_file_cannot_be_opened(qapp, qtbot, tmp_path, monkeypatch, messages):
    junk = tmp_path / "junk.sqlite3"
    junk.write_bytes(b"not a database at all")
    seen = run_login(monkeypatch, qtbot, "admin", "admin-pass")
    controller = app_mod.Controller()
    assert not controller.start(junk)
    assert seen[0] == "painted" and seen[-1] == f"closed {login_mod.LoginDialog.OPEN_FAILED}"
    assert messages == [("无法打开数据库", messages[0][1])] and "不是 SQLite" in messages[0][1]
    assert junk.read_bytes() == b"not a database at all"
    assert controller.db is None and controller.window is None


def test_start_refuses_a_file_of_a_newer_version_unchanged(qapp, qtbot, township_file, monkeypatch, messages):
    conn = sqlite3.connect(township_file)
    with conn:
        conn.execute("UPDATE alembic_version SET version_num = 'f0f0f0f0f0f0'")
    conn.close()
    before = township_file.read_bytes()
    run_login(monkeypatch, qtbot, "admin", "admin-pass")
    controller = app_mod.Controller()
    assert not controller.start(township_file)
    assert len(messages) == 1 and messages[0][0] == "无法打开数据库"
    assert "更新版本" in messages[0][1] and "f0f0f0f0f0f0" in messages[0][1]
    assert township_file.read_bytes() == before


def test_quitting_the_login_while_opening_closes_the_file(qapp, qtbot, township_file, monkeypatch, messages):
    from villagevote.models.db import open_here
    release, events = held_open(monkeypatch)
    run_login(monkeypatch, qtbot, None, while_opening=lambda _d: qtbot.waitUntil(lambda: bool(events)))
    threading.Timer(0.3, release.set).start()  # the opening finishes after 退出 was pressed
    controller = app_mod.Controller()
    assert not controller.start(township_file)
    assert events == ["open started", "open finished"] and messages == []
    assert open_here(township_file) is None  # disposed: the instance lock is free for the next open
    assert controller.db is None and controller.window is None


def test_start_on_a_file_without_users_creates_the_first_administrator(qapp, qtbot, tmp_path, migrated_template,
                                                                       monkeypatch, messages):
    path = tmp_path / "empty-users.sqlite3"
    shutil.copyfile(migrated_template, path)
    seen = run_login(monkeypatch, qtbot, "nobody", "x")
    fake_first_admin(monkeypatch)
    fake_township(monkeypatch)
    controller = app_mod.Controller()
    try:
        assert controller.start(path)
        assert seen[-1] == f"closed {login_mod.LoginDialog.FIRST_START}"
        assert controller.window.ctx.actor.username == "zhang"
    finally:
        close(controller)


def test_nothing_heavy_is_imported_before_the_login_dialog_paints(tmp_path, township_file):
    """The real entry point (``villagevote --db FILE``) in a child process: at the first paint of its first window
    (the login dialog) neither SQLAlchemy nor the models, nor the print/workbook/pinyin libraries or extra Qt
    modules have been imported."""
    child = tmp_path / "child.py"
    child.write_text(FIRST_PAINT_CHILD, encoding="utf-8")
    out = subprocess.run([sys.executable, str(child), str(township_file)], capture_output=True, text=True,
                         timeout=120, env={**__import__("os").environ, "QT_QPA_PLATFORM": "offscreen"})
    lines = [line for line in out.stdout.splitlines() if line.startswith("FIRST")]
    assert lines, out.stdout + out.stderr
    assert lines[0] == "FIRST LoginDialog []", lines[0]


FIRST_PAINT_CHILD = """
import os, sys
import villagevote.cli
import villagevote.ui.app as app_mod
from PySide6.QtCore import QEvent, QObject

HEAVY = ("sqlalchemy", "villagevote.models", "villagevote.database", "alembic", "pypinyin", "reportlab",
         "openpyxl", "pyqtgraph", "numpy", "PySide6.QtCharts", "PySide6.QtPrintSupport", "PySide6.QtSql")


class Watch(QObject):
    def eventFilter(self, obj, event):
        if event.type() == QEvent.Type.Paint:
            heavy = sorted(m for m in sys.modules if m.startswith(HEAVY))
            print("FIRST", type(obj.window()).__name__, heavy, flush=True)
            os._exit(0)
        return False


make = app_mod.make_qapp


def hooked(argv=None):
    app = make(argv)
    app._watch = Watch()
    app.installEventFilter(app._watch)
    return app


app_mod.make_qapp = hooked
villagevote.cli.main(["--db", sys.argv[1]])
print("NO PAINT", flush=True)
"""
