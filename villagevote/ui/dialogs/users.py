"""系统 → 用户: the new-user dialog and the password dialog (reset by an administrator, or change one's own)."""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from PySide6.QtWidgets import QDialog, QFormLayout, QLabel, QLineEdit, QVBoxLayout, QWidget

from villagevote.i18n import tr
from villagevote.models.enums import Role
from villagevote.ui.dialogs.common import SubmitDialog, ok_cancel
from villagevote.ui.widgets import combo_enum, enum_combo, select_enum
from villagevote.users import MIN_PASSWORD_LENGTH


@dataclass(frozen=True)
class NewUser:
    username: str
    display_name: str
    role: Role
    password: str


def _password_edit() -> QLineEdit:
    edit = QLineEdit()
    edit.setEchoMode(QLineEdit.EchoMode.Password)
    return edit


def _message_label() -> QLabel:
    label = QLabel("")
    label.setStyleSheet("color: #B00020")
    label.setWordWrap(True)
    return label


class AddUserDialog(SubmitDialog):
    """User name, name, role and the initial password (typed twice). OK calls ``submit(NewUser)``; a refusal (name
    taken, password too short) is shown and the dialog stays open with what was typed."""

    def __init__(self, submit: Callable[[NewUser], None], parent: QWidget | None = None,
                 role: Role = Role.CLERK) -> None:
        super().__init__(submit, parent)
        self.setWindowTitle(tr("添加用户"))
        layout = QVBoxLayout(self)
        form = QFormLayout()
        self.username = QLineEdit()
        self.username.setMaxLength(64)
        self.display = QLineEdit()
        self.role = enum_combo(Role)
        select_enum(self.role, role)
        self.password = _password_edit()
        self.password2 = _password_edit()
        form.addRow(tr("用户名"), self.username)
        form.addRow(tr("姓名"), self.display)
        form.addRow(tr("角色"), self.role)
        form.addRow(tr("初始密码（至少{n}位）").format(n=MIN_PASSWORD_LENGTH), self.password)
        form.addRow(tr("再次输入密码"), self.password2)
        layout.addLayout(form)
        self.message = _message_label()
        layout.addWidget(self.message)
        layout.addWidget(ok_cancel(self, self.check))

    def check(self) -> None:
        if not self.username.text().strip():
            self.message.setText(tr("请填写用户名。"))
            return
        if self.password.text() != self.password2.text():
            self.message.setText(tr("两次输入的密码不一致。"))
            return
        self.try_submit()

    def value(self) -> NewUser:
        role = combo_enum(self.role, Role)
        assert role is not None  # the combo has no empty item
        return NewUser(self.username.text().strip(), self.display.text().strip(), role, self.password.text())

    @classmethod
    def ask(cls, parent: QWidget | None, submit: Callable[[NewUser], None], role: Role = Role.CLERK) -> bool:
        """True when a user was submitted successfully, False when cancelled."""
        return cls(submit, parent, role).exec() == QDialog.DialogCode.Accepted


class PasswordDialog(SubmitDialog):
    """A new password typed twice; with ``need_old`` also the current password (a user changing their own). OK calls
    ``submit((old, new))``; a refusal is shown and the dialog stays open."""

    def __init__(self, submit: Callable[[tuple[str, str]], None], parent: QWidget | None, title: str, intro: str,
                 need_old: bool = False) -> None:
        super().__init__(submit, parent)
        self.setWindowTitle(title)
        layout = QVBoxLayout(self)
        if intro:
            label = QLabel(intro)
            label.setWordWrap(True)
            layout.addWidget(label)
        form = QFormLayout()
        self.old = _password_edit() if need_old else None
        if self.old is not None:
            form.addRow(tr("原密码"), self.old)
        self.password = _password_edit()
        self.password2 = _password_edit()
        form.addRow(tr("新密码（至少{n}位）").format(n=MIN_PASSWORD_LENGTH), self.password)
        form.addRow(tr("再次输入新密码"), self.password2)
        layout.addLayout(form)
        self.message = _message_label()
        layout.addWidget(self.message)
        layout.addWidget(ok_cancel(self, self.check))

    def check(self) -> None:
        if self.password.text() != self.password2.text():
            self.message.setText(tr("两次输入的新密码不一致。"))
            return
        self.try_submit()

    def value(self) -> tuple[str, str]:
        """(old password or "", new password)."""
        return (self.old.text() if self.old is not None else ""), self.password.text()

    @classmethod
    def ask(cls, parent: QWidget | None, submit: Callable[[tuple[str, str]], None], title: str, intro: str = "",
            need_old: bool = False) -> bool:
        """True when a password was submitted successfully, False when cancelled."""
        return cls(submit, parent, title, intro, need_old).exec() == QDialog.DialogCode.Accepted
