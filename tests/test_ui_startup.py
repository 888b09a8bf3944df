"""Start-up flow and file actions: first administrator, township set-up, bad files, failing backups, restore."""
from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from PySide6.QtWidgets import QDialog
from sqlalchemy import select

from villagevote.models import Township, User
from villagevote.ui import app as app_mod
from villagevote.ui.dialogs import login as login_mod
from villagevote.ui.dialogs.common import Ask


@pytest.fixture
def messages(monkeypatch):
    seen: list[tuple[str, str]] = []
    monkeypatch.setattr(Ask, "error", classmethod(lambda cls, parent, title, text: seen.append((title, text))))
    monkeypatch.setattr(Ask, "info", classmethod(lambda cls, parent, title, text: seen.append((title, text))))
    return seen


def fake_first_admin(monkeypatch, password="secret-1"):
    def exec_(self):  # type: ignore[no-untyped-def]
        self.username.setText("zhang")
        self.display.setText("张主任")
        self.password.setText(password)
        self.password2.setText(password)
        self.create()
        return self.result()
    monkeypatch.setattr(login_mod.FirstAdminDialog, "exec", exec_)


def fake_township(monkeypatch):
    def exec_(self):  # type: ignore[no-untyped-def]
        self.name.setText("新安镇")
        self.county.setText("新安县")
        return QDialog.DialogCode.Accepted
    monkeypatch.setattr(login_mod.TownshipSetupDialog, "exec", exec_)


def test_first_start_creates_admin_township_and_opens_main_window(qapp, tmp_path, monkeypatch, messages):
    fake_first_admin(monkeypatch)
    fake_township(monkeypatch)
    app_mod.setup_fonts(qapp)
    controller = app_mod.Controller()
    path = tmp_path / "town.sqlite3"
    assert controller.open(path)
    try:
        assert controller.window is not None and controller.window.isVisible()
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
    fake_first_admin(monkeypatch)
    fake_township(monkeypatch)
    controller = app_mod.Controller()
    good = tmp_path / "good.sqlite3"
    assert controller.open(good)
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
    assert messages and messages[-1][0] == "备份失败" and "数据库未受影响" in messages[-1][1]
    with ctx.session() as s:
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
