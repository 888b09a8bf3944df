"""Start-up flow and file actions: first administrator, township set-up, bad files, failing backups, restore."""
from __future__ import annotations

from PySide6.QtWidgets import QDialog
from sqlalchemy import select

from villagevote.models import Township, User
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
