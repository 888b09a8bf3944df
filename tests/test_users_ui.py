"""系统 → 用户 and 文件 → 切换用户 / 注销, clicked as staff would, checked in the database."""
from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QComboBox, QDialog, QDialogButtonBox, QPushButton
from sqlalchemy import select

from villagevote import users
from villagevote.errors import AuthError
from villagevote.models import User
from villagevote.models.enums import Role, VoterCategory
from villagevote.ui import app as app_mod
from villagevote.ui.dialogs import login as login_mod
from villagevote.ui.dialogs.common import Ask
from villagevote.ui.dialogs.users import AddUserDialog, PasswordDialog
from villagevote.ui.main_window import MainWindow
from villagevote.ui.widgets import combo_enum, enum_combo, select_enum


@pytest.fixture
def users_tab(qtbot, ctx, settle):
    window = MainWindow(ctx)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    window.nav.setCurrentRow(list(window.pages).index("系统"))
    system = window.pages["系统"]
    system.tabs.setCurrentWidget(system.users)
    settle()  # the list loads on the database worker
    return system.users


def ok_button(dialog: QDialog) -> QPushButton:
    return dialog.findChild(QDialogButtonBox).button(QDialogButtonBox.StandardButton.Ok)


def click(qtbot, widget) -> None:  # type: ignore[no-untyped-def]
    """Click, then let the database worker finish what the click started (as the event loop would)."""
    assert widget.isEnabled(), widget.text()
    qtbot.mouseClick(widget, Qt.MouseButton.LeftButton)
    assert widget.window().ctx.wait_idle() if hasattr(widget.window(), "ctx") else True


def ok_and_wait(dialog: QDialog) -> None:
    """OK in a dialog that saves through ctx.write: it closes (or shows the refusal) once the worker is done, while
    the real dialog's event loop keeps running."""
    ok_button(dialog).click()
    assert dialog.ctx.wait_idle()


def answer_add_user(monkeypatch, username, display, role_label, password, password2=None, seen=None):
    """The 添加用户 dialog filled in and its OK button clicked (as often as the dialog stays open)."""
    def exec_(self):  # type: ignore[no-untyped-def]
        self.username.setText(username)
        self.display.setText(display)
        self.role.setCurrentIndex(self.role.findText(role_label))
        self.password.setText(password)
        self.password2.setText(password if password2 is None else password2)
        ok_and_wait(self)
        if seen is not None:
            seen.append(self.message())
        return self.result()
    monkeypatch.setattr(AddUserDialog, "exec", exec_)


def answer_password(monkeypatch, new, new2=None, old="", seen=None):
    def exec_(self):  # type: ignore[no-untyped-def]
        if self.old is not None:
            self.old.setText(old)
        self.password.setText(new)
        self.password2.setText(new if new2 is None else new2)
        ok_and_wait(self)
        if seen is not None:
            seen.append(self.message())
        return self.result()
    monkeypatch.setattr(PasswordDialog, "exec", exec_)


def select_user(tab, username: str) -> None:
    assert tab.ctx.wait_idle()  # the list (re)loads on the database worker
    tab.select_user(next(u.id for u in tab.rows if u.username == username))


def shown_rows(tab) -> dict[str, tuple]:
    """user name -> the cells shown in its row."""
    assert tab.ctx.wait_idle()
    model = tab.model
    cells = [tuple(model.value_at(r, c) for c in range(model.columnCount())) for r in range(model.rowCount())]
    return {row[0]: row for row in cells}


def user_row(db, username: str) -> User:
    with db.session() as s:
        user = s.scalar(select(User).where(User.username == username))
        s.expunge(user)
        return user


def can_login(db, username: str, password: str) -> bool:
    try:
        with db.session() as s:
            users.authenticate(s, username, password)
    except AuthError:
        return False
    return True


# --- the helper that turns combo data back into enum members -------------------------------------------------------

def test_combo_enum_returns_members_not_plain_strings(qapp):
    combo = enum_combo(Role, first="全部")
    assert combo_enum(combo, Role) is None
    select_enum(combo, Role.REVIEWER)
    assert combo.currentText() == "审核员"
    chosen = combo_enum(combo, Role)
    assert chosen is Role.REVIEWER and chosen.label == "审核员"
    # Qt hands str-enum item data back as a plain str; the helper must still give the member
    manual = QComboBox()
    manual.addItem(VoterCategory.REGISTERED_AWAY.label, VoterCategory.REGISTERED_AWAY)
    assert type(manual.currentData()) is str
    assert combo_enum(manual, VoterCategory) is VoterCategory.REGISTERED_AWAY
    select_enum(combo, None)
    assert combo.currentIndex() == 0 and combo_enum(combo, Role) is None


# --- 系统 → 用户 -----------------------------------------------------------------------------------------------------

def test_add_user_button_creates_the_account_with_the_chosen_role(qtbot, users_tab, db, monkeypatch):
    answer_add_user(monkeypatch, "liwei", "李伟", "审核员", "liwei-pass-1")
    click(qtbot, users_tab.add_btn)
    user = user_row(db, "liwei")
    assert user.role is Role.REVIEWER and user.active and user.display_name == "李伟"
    assert can_login(db, "liwei", "liwei-pass-1")
    row = shown_rows(users_tab)["liwei"]
    assert row[1:4] == ("李伟", "审核员", "启用")


def test_add_user_refusal_keeps_the_dialog_open_and_writes_nothing(qtbot, users_tab, db, monkeypatch, messages):
    seen: list[str] = []
    answer_add_user(monkeypatch, "admin", "", "录入员", "whatever-1", seen=seen)  # name taken
    click(qtbot, users_tab.add_btn)
    assert seen and "已存在" in seen[-1]  # shown under the user name in the dialog, which stays open
    answer_add_user(monkeypatch, "zhao", "", "录入员", "zhao-pass-1", "zhao-pass-2", seen=seen)
    click(qtbot, users_tab.add_btn)
    assert seen[-1] == "两次输入的密码不一致。"
    with db.session() as s:
        assert s.scalar(select(User).where(User.username == "zhao")) is None
        assert len(s.scalars(select(User)).all()) == 1


def test_set_role_button_changes_the_role(qtbot, users_tab, db, clerk):
    users_tab.refresh()
    select_user(users_tab, "clerk")
    assert users_tab.role_box.currentText() == "录入员"  # the combo follows the selected user
    users_tab.role_box.setCurrentIndex(users_tab.role_box.findText("只读"))
    click(qtbot, users_tab.set_role_btn)
    assert user_row(db, "clerk").role is Role.READONLY
    assert shown_rows(users_tab)["clerk"][2] == "只读"


def test_disable_and_reenable_buttons(qtbot, users_tab, db, clerk, monkeypatch):
    asked: list[str] = []
    monkeypatch.setattr(Ask, "confirm", classmethod(lambda cls, parent, title, text: asked.append(text) or True))
    users_tab.refresh()
    select_user(users_tab, "clerk")
    assert not users_tab.enable_btn.isEnabled()
    click(qtbot, users_tab.disable_btn)
    assert asked and "clerk" in asked[0]
    assert user_row(db, "clerk").active is False
    assert not can_login(db, "clerk", "clerk-pass")
    assert shown_rows(users_tab)["clerk"][3] == "停用"
    # the selection stays on the user, so 启用 is right there
    assert users_tab.enable_btn.isEnabled() and not users_tab.disable_btn.isEnabled()
    click(qtbot, users_tab.enable_btn)
    assert user_row(db, "clerk").active is True
    assert can_login(db, "clerk", "clerk-pass")


def test_reset_password_button_sets_a_password_that_authenticates(qtbot, users_tab, db, clerk, monkeypatch,
                                                                  messages):
    users_tab.refresh()
    select_user(users_tab, "clerk")
    seen: list[str] = []
    answer_password(monkeypatch, "new-secret-9", "typo-secret-9", seen=seen)
    click(qtbot, users_tab.pw_btn)
    assert seen == ["两次输入的新密码不一致。"] and can_login(db, "clerk", "clerk-pass")
    answer_password(monkeypatch, "new-secret-9")
    click(qtbot, users_tab.pw_btn)
    assert messages[-1][0] == "重设密码"
    assert can_login(db, "clerk", "new-secret-9")
    assert not can_login(db, "clerk", "clerk-pass")


def test_change_own_password_needs_the_old_one(qtbot, users_tab, db, monkeypatch, messages):
    seen: list[str] = []
    answer_password(monkeypatch, "admin-new-1", old="not-my-password", seen=seen)
    click(qtbot, users_tab.own_pw_btn)
    assert seen == ["原密码不正确，密码未修改。"]  # under the old password; the dialog stays open
    answer_password(monkeypatch, "admin-new-1", old="admin-pass")
    click(qtbot, users_tab.own_pw_btn)
    assert can_login(db, "admin", "admin-new-1")


def test_last_active_admin_cannot_be_demoted_or_disabled_from_the_page(qtbot, users_tab, db, monkeypatch,
                                                                      messages):
    monkeypatch.setattr(Ask, "confirm", classmethod(lambda cls, *a: True))
    select_user(users_tab, "admin")
    users_tab.role_box.setCurrentIndex(users_tab.role_box.findText("录入员"))
    click(qtbot, users_tab.set_role_btn)
    assert "最后一名启用的管理员" in messages[-1][1]
    click(qtbot, users_tab.disable_btn)
    assert "最后一名启用的管理员" in messages[-1][1]
    admin = user_row(db, "admin")
    assert admin.role is Role.ADMIN and admin.active


def test_users_page_for_a_readonly_user_has_edit_buttons_disabled(qtbot, db, readonly):
    from villagevote.ui.context import AppContext
    window = MainWindow(AppContext(db, readonly))
    qtbot.addWidget(window)
    tab = window.pages["系统"].users
    select_user(tab, "admin")
    for button in (tab.add_btn, tab.set_role_btn, tab.disable_btn, tab.enable_btn, tab.pw_btn):
        assert not button.isEnabled(), button.text()
    assert tab.own_pw_btn.isEnabled()


def test_users_page_screenshot(qtbot, users_tab, db, admin, clerk, reviewer, readonly, tmp_path):
    with db.session() as s:
        users.set_user_active(s, admin, readonly.user_id, False)
        users.authenticate(s, "clerk", "clerk-pass")
    users_tab.refresh()
    rows = shown_rows(users_tab)
    assert rows["viewer"][3] == "停用" and rows["clerk"][4] != "" and rows["reviewer"][4] == ""
    users_tab.window().resize(1100, 500)
    assert users_tab.window().grab().save(str(tmp_path / "users.png"))


# --- 文件 → 切换用户 / 注销 / 打开数据库 (the same file) ------------------------------------------------------------------

@pytest.fixture
def controller(qapp, tmp_path, monkeypatch):
    """The application started on a new township file, logged in as its administrator (zhang)."""
    from villagevote import township as tw
    from villagevote.database import open_database
    path = tmp_path / "town.sqlite3"
    db = open_database(path)
    with db.session() as s:
        admin = users.create_first_admin(s, "zhang", "secret-1", "张主任")
        tw.create_township(s, admin, "新安镇", "新安县")
        users.create_user(s, admin, "viewer", "viewer-pass", Role.READONLY, "王只读")
    db.dispose()
    app_mod.setup_fonts(qapp)
    log_in_as(monkeypatch, "zhang", "secret-1")
    c = app_mod.Controller()
    assert c.open(path)
    assert c.window.ctx.wait_idle()
    yield c
    if c.window is not None:
        c.window.close()
    if c.db is not None:
        c.db.dispose()


def log_in_as(monkeypatch, username: str | None, password: str = "") -> list[str]:
    """The login dialog answered with these credentials (None: the user cancels); returns the notes it showed."""
    notes: list[str] = []

    def exec_(self):  # type: ignore[no-untyped-def]
        notes.append(" ".join(lbl.text() for lbl in self.findChildren(type(self.message))))
        if username is None:
            self.reject()
        else:
            self.username.setText(username)
            self.password.setText(password)
            ok_button(self).click()
        return self.result()
    monkeypatch.setattr(login_mod.LoginDialog, "exec", exec_)
    return notes


def never_open_again(monkeypatch):
    """Fail the test if anything opens or inspects a database file."""
    import villagevote.database as database_mod
    import villagevote.models.db as db_mod

    def refuse(*args, **kwargs):  # type: ignore[no-untyped-def]
        raise AssertionError(f"database file opened again: {args}")
    monkeypatch.setattr(app_mod, "open_database", refuse)
    monkeypatch.setattr(database_mod, "open_database", refuse)
    monkeypatch.setattr(database_mod, "inspect_file", refuse)
    monkeypatch.setattr(db_mod, "inspect_file", refuse)


def test_switch_user_logs_in_again_without_reopening_the_file(qtbot, controller, monkeypatch):
    db, old_window = controller.db, controller.window
    system_row = list(old_window.pages).index("系统")
    old_window.nav.setCurrentRow(system_row)
    never_open_again(monkeypatch)
    log_in_as(monkeypatch, "viewer", "viewer-pass")
    assert old_window.ctx.wait_idle()  # switching waits for the pages' reads to finish
    old_window.action_switch_user.trigger()
    window = controller.window
    assert controller.db is db and window is not old_window
    assert window.ctx.actor.username == "viewer" and window.ctx.actor.role is Role.READONLY
    assert "王只读" in window.user_label.text() and "只读" in window.user_label.text()
    assert window.nav.currentRow() == system_row  # the same page stays in front
    # the pages were built for the new user's permissions
    buttons = {b.text(): b for b in window.findChildren(QPushButton)}
    for text in ("添加用户", "添加村", "编辑所选村", "从备份恢复…"):
        assert not buttons[text].isEnabled(), text
    with db.session() as s:
        from villagevote.models import AuditLog
        actions = [(a.username, a.action) for a in s.scalars(select(AuditLog).order_by(AuditLog.id))][-2:]
    assert sorted(actions) == [("viewer", "login"), ("zhang", "logout")]


def test_switch_user_cancelled_keeps_the_current_user(qtbot, controller, monkeypatch):
    window = controller.window
    log_in_as(monkeypatch, None)
    assert window.ctx.wait_idle()  # switching waits for the pages' reads to finish
    window.action_switch_user.trigger()
    assert controller.window is window and window.ctx.actor.username == "zhang"
    assert controller.db is not None


def test_logout_shows_login_and_another_user_continues(qtbot, controller, monkeypatch):
    db, old_window = controller.db, controller.window
    never_open_again(monkeypatch)
    notes = log_in_as(monkeypatch, "viewer", "viewer-pass")
    assert old_window.ctx.wait_idle()  # switching waits for the pages' reads to finish
    old_window.action_logout.trigger()
    assert notes and "已注销" in notes[0]
    assert controller.db is db and controller.window.ctx.actor.username == "viewer"
    assert controller.window.isVisible()


def test_logout_then_cancelling_the_login_quits(qtbot, controller, monkeypatch):
    quits: list[bool] = []
    monkeypatch.setattr(QApplication, "quit", staticmethod(lambda: quits.append(True)))
    window = controller.window
    log_in_as(monkeypatch, None)
    assert window.ctx.wait_idle()  # switching waits for the pages' reads to finish
    window.action_logout.trigger()
    assert quits == [True]
    assert controller.db is None and controller.window is None and not window.isVisible()


@pytest.mark.parametrize("spelling", ["same", "dotted", "symlink"])
def test_opening_the_open_file_again_offers_switch_user_and_never_inspects_it(qtbot, controller, monkeypatch,
                                                                             tmp_path, spelling):
    path = Path(controller.db.path)
    chosen = {"same": path, "dotted": path.parent / "." / ".." / path.parent.name / path.name,
              "symlink": tmp_path / "link.sqlite3"}[spelling]
    if spelling == "symlink":
        chosen.symlink_to(path)
    db, window = controller.db, controller.window
    never_open_again(monkeypatch)
    asked: list[str] = []
    monkeypatch.setattr(Ask, "open_file", classmethod(lambda cls, *a, **k: str(chosen)))
    monkeypatch.setattr(Ask, "confirm", classmethod(lambda cls, parent, title, text: asked.append(title) or False))
    window.action_open.trigger()
    assert asked == ["数据库已打开"]
    assert controller.db is db and controller.window is window and window.ctx.actor.username == "zhang"
    # saying yes switches user on the same open database
    monkeypatch.setattr(Ask, "confirm", classmethod(lambda cls, *a: True))
    log_in_as(monkeypatch, "viewer", "viewer-pass")
    window.action_open.trigger()
    assert controller.db is db and controller.window.ctx.actor.username == "viewer"


# --- 系统 → 乡镇与村: the village dialog validates before it closes -------------------------------------------------

def test_village_dialog_keeps_what_was_typed_when_the_name_is_taken(qtbot, ctx, township, settle):
    from villagevote import township as tw
    from villagevote.ui.pages.township_tab import TownshipTab, VillageDialog

    tab = TownshipTab(ctx)
    qtbot.addWidget(tab)
    settle()
    taken = tab.rows[0].name
    dialog = VillageDialog(ctx, tab)
    qtbot.addWidget(dialog)
    dialog.save()  # empty name: said under the field at once, nothing written
    assert dialog.errors.message("name") == "村名不能为空。" and dialog.result() == 0
    dialog.name.setText(taken)
    dialog.households.setValue(321)
    dialog.groups.setValue(4)
    dialog.save()
    settle()
    assert "已存在" in dialog.errors.message("name") and dialog.result() == 0  # refused by the domain, still open
    assert dialog.households.value() == 321 and dialog.groups.value() == 4  # everything typed stays
    dialog.name.setText("北村")
    dialog.save()
    settle()
    assert dialog.result() == 1 and dialog.errors.message("name") == ""
    settle()  # the tab reloads: its area was announced
    assert "北村" in [r.name for r in tab.rows]
    # fewer groups than the village has: refused beside the groups field
    row = next(r for r in tab.rows if r.name == "北村")
    edit = VillageDialog(ctx, tab, row)
    qtbot.addWidget(edit)
    edit.groups.setValue(2)
    edit.save()
    settle()
    assert "只能增加" in edit.errors.message("groups") and edit.result() == 0
    with ctx.db.read_session() as s:
        assert next(v for v in tw.list_villages(s) if v.name == "北村").groups == 4
