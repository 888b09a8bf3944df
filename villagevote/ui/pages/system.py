"""系统: users, backups, audit log (``audit_log.AuditLogTab``), settings."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QAbstractItemModel, Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QSpinBox,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from villagevote import users
from villagevote.auth import Permission
from villagevote.backup import backup_database, describe_backups, retention_text
from villagevote.changes import Area
from villagevote.i18n import tr
from villagevote.models.enums import Role
from villagevote.seed import get_setting, set_setting
from villagevote.ui.dialogs.common import Ask, show_error
from villagevote.ui.dialogs.users import AddUserDialog, NewUser, PasswordDialog
from villagevote.ui.pages.audit_log import AuditLogTab
from villagevote.ui.pages.base import Page
from villagevote.ui.table_model import ID_ROLE, Column, RowsModel, sorting_proxy
from villagevote.ui.widgets import button, combo_enum, enum_combo, select_enum

_RIGHT = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter


def _table(model: QAbstractItemModel) -> QTableView:
    """A single-selection row table that sorts by a header click (keeping the rows' own order until one)."""
    view = QTableView()
    view.setModel(model)
    view.horizontalHeader().setSortIndicator(-1, Qt.SortOrder.AscendingOrder)
    view.setSortingEnabled(True)
    view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    view.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    view.horizontalHeader().setStretchLastSection(True)
    return view


class UsersTab(Page):
    """系统 → 用户: add users, change roles, disable / re-enable (never delete), reset passwords, change one's own."""

    AREAS = frozenset({Area.USERS})

    def __init__(self, ctx) -> None:
        super().__init__(ctx)
        self.rows: list[users.UserRow] = []
        self._pending_select: int | None = None
        layout = QVBoxLayout(self)
        self.model = RowsModel([Column(tr("用户名"), field="username"), Column(tr("姓名"), kind="name", field="display_name"),
                                Column(tr("角色"), field="role_label"), Column(tr("状态"), field="state"),
                                Column(tr("最近登录"), field="last_login")], id_of=lambda r: r.id)
        self.proxy = sorting_proxy(self.model, self)
        self.view = _table(self.proxy)
        layout.addWidget(self.view)
        row = QHBoxLayout()
        self.add_btn = QPushButton(tr("添加用户"))
        self.role_box = enum_combo(Role)
        self.set_role_btn = QPushButton(tr("设为所选角色"))
        self.disable_btn = QPushButton(tr("停用"))
        self.enable_btn = QPushButton(tr("启用"))
        self.pw_btn = QPushButton(tr("重设密码"))
        self.own_pw_btn = QPushButton(tr("修改我的密码"))
        for w in (self.add_btn, QLabel(tr("角色：")), self.role_box, self.set_role_btn, self.disable_btn,
                  self.enable_btn, self.pw_btn):
            row.addWidget(w)
        row.addStretch(1)
        row.addWidget(self.own_pw_btn)
        layout.addLayout(row)
        note = QLabel(tr("用户不能删除（审计日志要引用）：不再使用的账号请停用，需要时可再启用。至少保留一名启用的管理员。"))
        note.setWordWrap(True)
        layout.addWidget(note)
        self.admin = ctx.can(Permission.ADMIN)
        self.add_btn.setEnabled(self.admin)
        self.role_box.setEnabled(self.admin)
        self.add_btn.clicked.connect(self.add_user)
        self.set_role_btn.clicked.connect(self.set_role)
        self.disable_btn.clicked.connect(lambda: self.set_active(False))
        self.enable_btn.clicked.connect(lambda: self.set_active(True))
        self.pw_btn.clicked.connect(self.reset_password)
        self.own_pw_btn.clicked.connect(self.change_own_password)
        self.view.selectionModel().currentRowChanged.connect(lambda *_: self._update_buttons())
        self._update_buttons()
        self.reload()

    def refresh(self) -> None:
        self.reload()

    def fetch(self, session) -> list[users.UserRow]:
        return users.list_users_by_name(session)

    def show_data(self, data: list[users.UserRow]) -> None:
        selected = self._selected()
        select_id = self._pending_select or (selected.id if selected is not None else None)
        self._pending_select = None
        self.rows = data
        shown = [_UserLine(u.id, u.username, u.display_name, u.role.label, tr("启用") if u.active else tr("停用"),
                           _local_time(u.last_login)) for u in data]
        self.model.set_source(lambda o, n: shown[o:o + n], lambda: len(shown))
        if select_id is not None:
            self.select_user(select_id)
        self._update_buttons()

    def select_user(self, user_id: int) -> None:
        for i in range(self.proxy.rowCount()):
            index = self.proxy.index(i, 0)
            if self.proxy.data(index, ID_ROLE) == user_id:
                self.view.setCurrentIndex(index)
                return

    def _selected(self) -> users.UserRow | None:
        index = self.view.currentIndex()
        if not index.isValid():
            return None
        user_id = self.proxy.data(index, ID_ROLE)
        return next((u for u in self.rows if u.id == user_id), None)

    def _update_buttons(self) -> None:
        user = self._selected()
        chosen = self.admin and user is not None
        self.set_role_btn.setEnabled(chosen)
        self.pw_btn.setEnabled(chosen)
        self.disable_btn.setEnabled(chosen and user.active)  # type: ignore[union-attr]
        self.enable_btn.setEnabled(chosen and not user.active)  # type: ignore[union-attr]
        if chosen:
            select_enum(self.role_box, user.role)  # type: ignore[union-attr]

    def _write(self, fn) -> None:
        self.ctx.write(fn, Area.USERS, parent=self)

    def add_user(self) -> None:
        actor = self.ctx.actor

        def writer(new: NewUser):
            return lambda s: users.create_user(s, actor, new.username, new.password, new.role, new.display_name)

        created = AddUserDialog.ask(self, self.ctx, writer, combo_enum(self.role_box, Role) or Role.CLERK)
        if created is not None:
            self._pending_select = created  # the reload that the write announced selects the new user

    def set_role(self) -> None:
        user, role, actor = self._selected(), combo_enum(self.role_box, Role), self.ctx.actor
        if user is None or role is None:
            return
        self._write(lambda s: users.set_user_role(s, actor, user.id, role))

    def set_active(self, active: bool) -> None:
        user, actor = self._selected(), self.ctx.actor
        if user is None:
            return
        if not active and not Ask.confirm(self, tr("停用用户"), tr(
                "停用用户“{name}”？停用后该账号不能再登录；其操作记录保留，以后可以重新启用。").format(name=user.username)):
            return
        self._write(lambda s: users.set_user_active(s, actor, user.id, active))

    def reset_password(self) -> None:
        user, actor = self._selected(), self.ctx.actor
        if user is None:
            return

        def writer(passwords: tuple[str, str]):
            return lambda s: users.set_password(s, actor, user.id, passwords[1])
        if PasswordDialog.ask(self, self.ctx, writer, tr("重设密码"),
                              tr("为用户“{name}”设置新密码。请把新密码当面告诉本人。").format(name=user.username)):
            Ask.info(self, tr("重设密码"), tr("用户“{name}”的密码已重设。").format(name=user.username))

    def change_own_password(self) -> None:
        change_own_password(self, self.ctx)


@dataclass(frozen=True)
class _UserLine:
    id: int
    username: str
    display_name: str
    role_label: str
    state: str
    last_login: str


def change_own_password(parent: QWidget, ctx) -> None:
    """The current user changes their own password (the old one is asked first)."""
    actor = ctx.actor

    def writer(passwords: tuple[str, str]):
        return lambda s: users.change_own_password(s, actor, *passwords)
    if PasswordDialog.ask(parent, ctx, writer, tr("修改我的密码"), tr("用户：{name}").format(name=actor.username),
                          need_old=True):
        Ask.info(parent, tr("修改我的密码"), tr("密码已修改，下次登录请使用新密码。"))


def _local_time(when: dt.datetime | None) -> str:
    """A UTC timestamp from the database in the computer's local time, or "" when never."""
    if when is None:
        return ""
    return when.replace(tzinfo=dt.timezone.utc).astimezone().strftime("%Y-%m-%d %H:%M")


def _backup_keep(session) -> int:
    """How many automatic backups to keep at least (系统 → 设置)."""
    value = get_setting(session, "backup.keep", 10)
    return value if isinstance(value, int) else int(str(value))


@dataclass(frozen=True)
class _BackupLine:
    made: dt.datetime
    reason: str
    size_kb: float
    file: str


class BackupsTab(QWidget):
    def __init__(self, ctx, restore_callback) -> None:
        super().__init__()
        self.ctx = ctx
        layout = QVBoxLayout(self)
        self.where = QLabel()
        self.where.setWordWrap(True)
        layout.addWidget(self.where)
        self.policy = QLabel()
        self.policy.setWordWrap(True)
        layout.addWidget(self.policy)
        self.model = RowsModel([Column(tr("备份时间"), field="made"), Column(tr("类型"), field="reason"),
                                Column(tr("大小（KB）"), _RIGHT, field="size_kb"), Column(tr("备份文件"), field="file")])
        self.view = _table(sorting_proxy(self.model, self))
        layout.addWidget(self.view)
        row = QHBoxLayout()
        now = button(tr("立即备份"), self.backup_now)
        restore = button(tr("从备份恢复…"), restore_callback)
        restore.setEnabled(ctx.can(Permission.ADMIN))
        row.addWidget(now)
        row.addWidget(restore)
        row.addStretch(1)
        layout.addLayout(row)
        self.refresh()

    def refresh(self) -> None:
        self.where.setText(tr("备份位置：{dir}").format(dir=self.ctx.db.backup_dir))
        self.ctx.query(_backup_keep, lambda keep: self.policy.setText(retention_text(keep)), parent=self)
        rows = [_BackupLine(b.made.replace(microsecond=0), b.reason, b.size_kb, b.path.name)
                for b in describe_backups(self.ctx.db.backup_dir)]
        self.model.set_source(lambda o, n: rows[o:o + n], lambda: len(rows))

    def backup_now(self) -> None:
        db_path, backup_dir = self.ctx.db.path, self.ctx.db.backup_dir

        def back_up(session) -> Path:
            return backup_database(db_path, backup_dir, reason="manual", keep=_backup_keep(session))

        def done(path: Path) -> None:
            Ask.info(self, tr("备份完成"), tr("已备份到：{path}").format(path=path))
            self.refresh()

        def failed(exc: BaseException) -> None:
            show_error(self, exc, tr("备份失败"))
            self.refresh()
        self.ctx.query(back_up, done, on_error=failed, title=tr("立即备份"), parent=self)


class SettingsTab(QWidget):
    def __init__(self, ctx) -> None:
        super().__init__()
        self.ctx = ctx
        layout = QVBoxLayout(self)
        row = QHBoxLayout()
        row.addWidget(QLabel(tr("自动备份保留份数：")))
        self.keep = QSpinBox()
        self.keep.setRange(1, 365)
        ctx.query(_backup_keep, self.keep.setValue, parent=self)
        row.addWidget(self.keep)
        save = button(tr("保存"), self.save)
        save.setEnabled(ctx.can(Permission.ADMIN))
        row.addWidget(save)
        row.addStretch(1)
        layout.addLayout(row)
        layout.addWidget(QLabel(tr("每次打开数据库时和每天自动备份一次（使用 SQLite 在线备份，不复制正在使用的文件）。")))
        layout.addStretch(1)

    def save(self) -> None:
        actor, keep = self.ctx.actor, self.keep.value()
        self.ctx.write(lambda s: set_setting(s, actor, "backup.keep", keep), Area.TOWNSHIP, parent=self)


class SystemPage(QWidget):
    def __init__(self, ctx, restore_callback, on_township_changed=None) -> None:
        super().__init__()
        from villagevote.ui.pages.township_tab import TownshipTab
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.tabs = QTabWidget()
        self.township = TownshipTab(ctx, on_township_changed)
        self.tabs.addTab(self.township, tr("乡镇与村"))
        self.users = UsersTab(ctx)
        self.backups = BackupsTab(ctx, restore_callback)
        self.audit = AuditLogTab(ctx)
        self.settings = SettingsTab(ctx)
        self.tabs.addTab(self.users, tr("用户"))
        self.tabs.addTab(self.backups, tr("备份"))
        self.tabs.addTab(self.audit, tr("审计日志"))
        self.tabs.addTab(self.settings, tr("设置"))
        layout.addWidget(self.tabs)
        self.tabs.currentChanged.connect(self._refresh_current)

    def _refresh_current(self, _index: int) -> None:
        widget = self.tabs.currentWidget()
        if isinstance(widget, (BackupsTab, AuditLogTab)):  # files and the log change without an announced write
            widget.refresh()
