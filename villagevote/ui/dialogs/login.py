"""Login, and the first start: create the administrator, then the township (or load the demo).

At start-up the login dialog is the first window, shown while the database is still opening behind it (a
:class:`~villagevote.ui.opening.DatabaseOpening`, see :meth:`villagevote.ui.app.Controller.start`): this module
imports neither SQLAlchemy nor the models (``villagevote.users`` is imported when a button is pressed)."""
from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from PySide6.QtCore import QDate, QTimer
from PySide6.QtGui import QPaintEvent
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

from villagevote.errors import UserError
from villagevote.i18n import tr
from villagevote.ui.dialogs.common import FieldErrors, ok_cancel
from villagevote.ui.opening import DatabaseOpening

if TYPE_CHECKING:  # the dialogs hand the database to the domain's log_in; they never open a session themselves
    from villagevote.actor import Actor  # a type only: villagevote.actor imports the models (Role)
    from villagevote.models.db import Database


def _open_county_mode(parent: QWidget) -> None:
    """县级汇总 (issue 19): verify and merge the townships' statistics workbooks without a township database."""
    from villagevote.ui.pages.statistics.county import open_county_mode  # statistics code: when asked for
    open_county_mode(parent)


class LoginDialog(QDialog):
    """User name and password. ``db`` is the open Database, or at start-up the :class:`DatabaseOpening` still under
    way: the dialog starts it at its first paint, and 登录 pressed before it has finished logs in as soon as it has.
    When the opening fails the dialog closes with :attr:`OPEN_FAILED`, when the file has no user yet with
    :attr:`FIRST_START` (the caller then shows the error, or creates the first administrator)."""

    OPEN_FAILED = 2
    FIRST_START = 3

    def __init__(self, db: Database | DatabaseOpening, parent: QWidget | None = None, note: str = "",
                 cancel_text: str | None = None) -> None:
        super().__init__(parent)
        self.opening = db if isinstance(db, DatabaseOpening) else None
        self.db: Database | None = None if isinstance(db, DatabaseOpening) else db
        self.actor: Actor | None = None
        self._login_requested = False
        self._painted = False
        self._closed = False
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
        self.status = QLabel(tr("正在打开数据库…") if self.db is None else "")
        self.status.setStyleSheet("color: #555555")
        layout.addWidget(self.status)
        self.status.setVisible(self.db is None)
        self.message = QLabel("")
        self.message.setStyleSheet("color: #B00020")
        layout.addWidget(self.message)
        buttons = ok_cancel(self, self.try_login, tr("登录"), cancel_text=cancel_text or tr("退出"))
        # the county mode merges townships' workbooks and needs no township database (nor a login)
        county = buttons.addButton(tr("县级汇总…"), QDialogButtonBox.ButtonRole.ResetRole)
        county.setObjectName("county_mode")
        county.clicked.connect(self.open_county_mode)
        layout.addWidget(buttons)
        if self.opening is not None:
            self.opening.ready.connect(self._opened)
            if self.opening.done:  # handled once the dialog runs (done() before exec() would be undone by it)
                QTimer.singleShot(0, self, self._opened)

    def paintEvent(self, event: QPaintEvent) -> None:
        super().paintEvent(event)
        if not self._painted and self.opening is not None:
            self._painted = True
            # the database opens once this frame is on screen (its import would only slow the paint down)
            QTimer.singleShot(0, self, self.opening.start)

    def done(self, result: int) -> None:
        self._closed = True
        super().done(result)

    def _opened(self) -> None:
        """The opening has finished: close for the caller on failure or a first start, else log in if asked."""
        assert self.opening is not None
        if self.db is not None or self._closed:
            return
        if self.opening.error is not None:
            self.done(self.OPEN_FAILED)
            return
        if self.opening.first_start:
            self.done(self.FIRST_START)
            return
        self.db = self.opening.db
        self.status.setText("")
        self.status.hide()
        if self._login_requested:
            self.try_login()

    def open_county_mode(self) -> None:
        """县级汇总 (issue 19): verify and merge the townships' statistics workbooks; no database is opened."""
        _open_county_mode(self)

    def wait_until_open(self) -> None:
        """Block until the database behind the dialog is open (tests, the start-up benchmark)."""
        if self.opening is not None:
            self.opening.wait()

    def try_login(self) -> None:
        if self.db is None:  # still opening: log in as soon as it is open
            assert self.opening is not None
            self._login_requested = True
            self.status.setText(tr("正在打开数据库，打开后自动登录…"))
            self.status.show()
            self.opening.start()
            return
        from villagevote import users  # imports the models; not before the dialog has painted
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
        # a county office starting the program has no township database to set up: the county mode needs none
        county = buttons.addButton(tr("县级汇总…"), QDialogButtonBox.ButtonRole.ResetRole)
        county.setObjectName("county_mode")
        county.clicked.connect(lambda: _open_county_mode(self))
        layout.addWidget(buttons)

    def create_admin(self) -> None:
        from villagevote import users  # imports the models (see the module's docstring)
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
