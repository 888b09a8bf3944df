"""系统 → 用户: the new-user dialog and the password dialog (reset by an administrator, or change one's own).

Both save through ``ctx.write`` on the database worker and close only when the write succeeded; a refusal (name
taken, password too short, wrong old password) is shown in red under its field and everything typed stays."""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Generic, TypeVar

from PySide6.QtWidgets import QDialog, QFormLayout, QLabel, QLineEdit, QVBoxLayout, QWidget

from villagevote.changes import Area
from villagevote.i18n import tr
from villagevote.models.enums import Role
from villagevote.ui.dialogs.common import FieldErrors, ok_cancel
from villagevote.ui.widgets import combo_enum, enum_combo, select_enum
from villagevote.users import MIN_PASSWORD_LENGTH

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

V = TypeVar("V")
# what OK saves: the value typed -> a domain write ``fn(session)`` run by ctx.write
Writer = Callable[[V], Callable[["Session"], Any]]


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


class _WriteDialog(QDialog, Generic[V]):
    """A form whose OK runs ``writer(value())`` through ``ctx.write`` and closes when it committed; ``saved`` holds
    the write's result. A refusal stays in the dialog, beside its field."""

    def __init__(self, ctx, writer: Writer[V], parent: QWidget | None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self._writer = writer
        self.saved: Any = None
        self.form = QFormLayout()

    def _finish(self, layout: QVBoxLayout, widgets: dict[str, QWidget]) -> None:
        layout.addLayout(self.form)
        self.errors = FieldErrors(self.form)
        for name, widget in widgets.items():
            self.errors.add(name, widget)
        self._fields = tuple(widgets)
        layout.addWidget(ok_cancel(self, self.check))

    def message(self) -> str:
        """The refusal shown now (under a field or at the bottom), "" when none."""
        for name in (*self._fields, None):
            text = self.errors.message(name)
            if text:
                return text
        return ""

    def value(self) -> V:  # pragma: no cover - overridden
        raise NotImplementedError

    def local_problem(self) -> tuple[str, str] | None:
        """(message, field) of a mistake seen without the database, or None."""
        return None

    def check(self) -> None:
        self.errors.clear()
        problem = self.local_problem()
        if problem is not None:
            self.errors.show(*problem)
            return
        self.ctx.write(self._writer(self.value()), Area.USERS, on_done=self._done,
                       on_error=self.errors.show_error, parent=self)

    def _done(self, result: Any) -> None:
        self.saved = result
        self.accept()


class AddUserDialog(_WriteDialog[NewUser]):
    """User name, name, role and the initial password (typed twice). OK saves ``writer(NewUser)``."""

    def __init__(self, ctx, writer: Writer[NewUser], parent: QWidget | None = None,
                 role: Role = Role.CLERK) -> None:
        super().__init__(ctx, writer, parent)
        self.setWindowTitle(tr("添加用户"))
        layout = QVBoxLayout(self)
        self.username = QLineEdit()
        self.username.setMaxLength(64)
        self.display = QLineEdit()
        self.role = enum_combo(Role)
        select_enum(self.role, role)
        self.password = _password_edit()
        self.password2 = _password_edit()
        self.form.addRow(tr("用户名"), self.username)
        self.form.addRow(tr("姓名"), self.display)
        self.form.addRow(tr("角色"), self.role)
        self.form.addRow(tr("初始密码（至少{n}位）").format(n=MIN_PASSWORD_LENGTH), self.password)
        self.form.addRow(tr("再次输入密码"), self.password2)
        self._finish(layout, {"username": self.username, "password": self.password, "password2": self.password2})

    def local_problem(self) -> tuple[str, str] | None:
        if not self.username.text().strip():
            return tr("请填写用户名。"), "username"
        if self.password.text() != self.password2.text():
            return tr("两次输入的密码不一致。"), "password2"
        return None

    def value(self) -> NewUser:
        role = combo_enum(self.role, Role)
        assert role is not None  # the combo has no empty item
        return NewUser(self.username.text().strip(), self.display.text().strip(), role, self.password.text())

    @classmethod
    def ask(cls, parent: QWidget | None, ctx, writer: Writer[NewUser],
            role: Role = Role.CLERK) -> Any:
        """The write's result (the new user's id) when saved, None when cancelled."""
        dialog = cls(ctx, writer, parent, role)
        return dialog.saved if dialog.exec() == QDialog.DialogCode.Accepted else None


class PasswordDialog(_WriteDialog[tuple[str, str]]):
    """A new password typed twice; with ``need_old`` also the current password (a user changing their own). OK
    saves ``writer((old, new))``."""

    def __init__(self, ctx, writer: Writer[tuple[str, str]], parent: QWidget | None,
                 title: str, intro: str, need_old: bool = False) -> None:
        super().__init__(ctx, writer, parent)
        self.setWindowTitle(title)
        layout = QVBoxLayout(self)
        if intro:
            label = QLabel(intro)
            label.setWordWrap(True)
            layout.addWidget(label)
        self.old = _password_edit() if need_old else None
        if self.old is not None:
            self.form.addRow(tr("原密码"), self.old)
        self.password = _password_edit()
        self.password2 = _password_edit()
        self.form.addRow(tr("新密码（至少{n}位）").format(n=MIN_PASSWORD_LENGTH), self.password)
        self.form.addRow(tr("再次输入新密码"), self.password2)
        fields: dict[str, QWidget] = {"old_password": self.old} if self.old is not None else {}
        self._finish(layout, {**fields, "password": self.password, "password2": self.password2})

    def local_problem(self) -> tuple[str, str] | None:
        if self.password.text() != self.password2.text():
            return tr("两次输入的新密码不一致。"), "password2"
        return None

    def value(self) -> tuple[str, str]:
        """(old password or "", new password)."""
        return (self.old.text() if self.old is not None else ""), self.password.text()

    @classmethod
    def ask(cls, parent: QWidget | None, ctx, writer: Writer[tuple[str, str]], title: str,
            intro: str = "", need_old: bool = False) -> bool:
        """True when the password was saved, False when cancelled."""
        return cls(ctx, writer, parent, title, intro, need_old).exec() == QDialog.DialogCode.Accepted
