"""Login, and the first start: create the administrator, then the township (or load the demo)."""
from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from PySide6.QtCore import QDate
from PySide6.QtWidgets import (
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from villagevote import users
from villagevote.audit import Actor
from villagevote.errors import UserError
from villagevote.i18n import tr
from villagevote.ui.dialogs.common import FieldErrors, ok_cancel

if TYPE_CHECKING:  # the dialogs hand the database to the domain's log_in; they never open a session themselves
    from villagevote.models.db import Database


class LoginDialog(QDialog):
    def __init__(self, db: Database, parent: QWidget | None = None, note: str = "",
                 cancel_text: str | None = None) -> None:
        super().__init__(parent)
        self.db = db
        self.actor: Actor | None = None
        self.setWindowTitle(tr("登录 — 村级组织换届与承诺管理"))
        layout = QVBoxLayout(self)
        if note:
            layout.addWidget(QLabel(note))
        form = QFormLayout()
        self.username = QLineEdit()
        self.password = QLineEdit()
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        form.addRow(tr("用户名"), self.username)
        form.addRow(tr("密码"), self.password)
        layout.addWidget(QLabel(tr("数据库：{path}").format(path=db.path)))
        layout.addLayout(form)
        self.message = QLabel("")
        self.message.setStyleSheet("color: #B00020")
        layout.addWidget(self.message)
        layout.addWidget(ok_cancel(self, self.try_login, tr("登录"), cancel_text=cancel_text or tr("退出")))

    def try_login(self) -> None:
        try:
            self.actor = users.log_in(self.db, self.username.text(), self.password.text())
        except UserError as exc:
            self.message.setText(str(exc))
            self.password.clear()
            return
        self.accept()

    @classmethod
    def ask(cls, db: Database, parent: QWidget | None = None, note: str = "",
            cancel_text: str | None = None) -> Actor | None:
        """The actor who logged in, or None when the dialog was cancelled."""
        dialog = cls(db, parent, note, cancel_text)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return None
        return dialog.actor


class FirstAdminDialog(QDialog):
    """First start: the administrator account."""

    def __init__(self, db: Database, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.db = db
        self.actor: Actor | None = None
        self.setWindowTitle(tr("首次使用：创建管理员"))
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel(tr("这是新的数据库。请先创建管理员账号（可再添加录入员、审核员和只读用户）。")))
        form = QFormLayout()
        self.username = QLineEdit("admin")
        self.display = QLineEdit()
        self.password = QLineEdit()
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.password2 = QLineEdit()
        self.password2.setEchoMode(QLineEdit.EchoMode.Password)
        form.addRow(tr("用户名"), self.username)
        form.addRow(tr("姓名"), self.display)
        form.addRow(tr("密码（至少6位）"), self.password)
        form.addRow(tr("再次输入密码"), self.password2)
        layout.addLayout(form)
        self.message = QLabel("")
        self.message.setStyleSheet("color: #B00020")
        layout.addWidget(self.message)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.create_admin)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)

    def create_admin(self) -> None:
        if self.password.text() != self.password2.text():
            self.message.setText(tr("两次输入的密码不一致。"))
            return
        try:
            self.actor = users.set_up_first_admin(self.db, self.username.text(), self.password.text(),
                                                  self.display.text())
        except UserError as exc:
            self.message.setText(str(exc))
            return
        self.accept()

    @classmethod
    def ask(cls, db: Database, parent: QWidget | None = None) -> Actor | None:
        """The new administrator, or None when the dialog was cancelled."""
        dialog = cls(db, parent)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return None
        return dialog.actor


class TownshipSetupDialog(QDialog):
    """First start: name the township and the cycle, or load the fictional demo township."""

    DEMO = 2

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(tr("首次使用：乡镇（街道）信息"))
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel(tr("请填写本乡镇（街道）和本届换届的信息。也可以先载入虚构的演示乡镇熟悉功能。")))
        form = QFormLayout()
        self.name = QLineEdit()
        self.county = QLineEdit()
        self.cycle = QLineEdit(tr("{year}年村级组织换届").format(year=dt.date.today().year))
        day = dt.date.today() + dt.timedelta(days=60)
        self.day = QDateEdit(QDate(day.year, day.month, day.day))
        self.day.setCalendarPopup(True)
        self.day.setDisplayFormat("yyyy-MM-dd")
        form.addRow(tr("乡镇（街道）名称"), self.name)
        form.addRow(tr("所属县（市、区）"), self.county)
        form.addRow(tr("届次名称"), self.cycle)
        form.addRow(tr("选举日"), self.day)
        self.errors = FieldErrors(form)
        self.errors.add("name", self.name)
        layout.addLayout(form)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok)
        demo = buttons.addButton(tr("载入演示乡镇"), QDialogButtonBox.ButtonRole.ActionRole)
        demo.clicked.connect(lambda: self.done(self.DEMO))
        buttons.accepted.connect(self._check)
        layout.addWidget(buttons)

    def _check(self) -> None:
        if not self.name.text().strip():
            self.errors.show(tr("请填写乡镇（街道）名称。"), "name")
            return
        self.accept()

    def values(self) -> tuple[str, str, str, dt.date]:
        day = self.day.date()
        return (self.name.text(), self.county.text(), self.cycle.text(), dt.date(day.year(), day.month(), day.day()))
