"""系统: users, backups, audit log (``audit_log.AuditLogTab``), settings."""
from __future__ import annotations

import datetime as dt

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
from villagevote.errors import UserError
from villagevote.i18n import tr
from villagevote.models.enums import Role
from villagevote.names import stroke_key
from villagevote.seed import get_setting, set_setting
from villagevote.ui.dialogs.common import Ask, show_error
from villagevote.ui.dialogs.users import AddUserDialog, NewUser, PasswordDialog
from villagevote.ui.pages.audit_log import AuditLogTab
from villagevote.ui.table_model import Column, RowsModel
from villagevote.ui.widgets import button, combo_enum, enum_combo, select_enum


def _table(model: RowsModel) -> QTableView:
    view = QTableView()
    view.setModel(model)
    view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    view.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    view.horizontalHeader().setStretchLastSection(True)
    return view


class UsersTab(QWidget):
    """系统 → 用户: add users, change roles, disable / re-enable (never delete), reset passwords, change one's own."""

    def __init__(self, ctx) -> None:  # type: ignore[no-untyped-def]
        super().__init__()
        self.ctx = ctx
        layout = QVBoxLayout(self)
        self.model = RowsModel([Column(tr("用户名")), Column(tr("姓名"), kind="name"), Column(tr("角色")), Column(tr("状态")),
                                Column(tr("最近登录"))])
        self.view = _table(self.model)
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
        self.refresh()

    def refresh(self) -> None:
        selected = self._selected()
        with self.ctx.db.read_session() as s:
            listed = users.list_users(s)
        listed.sort(key=lambda u: stroke_key(u.display_name or u.username))  # people are listed by surname strokes
        self.rows = listed
        shown = [(u.username, u.display_name, u.role.label, tr("启用") if u.active else tr("停用"),
                  _local_time(u.last_login)) for u in listed]
        self.model.set_source(lambda o, n: shown[o:o + n], lambda: len(shown))
        if selected is not None:
            self.select_user(selected.id)
        self._update_buttons()

    def select_user(self, user_id: int) -> None:
        for i, u in enumerate(self.rows):
            if u.id == user_id:
                self.view.setCurrentIndex(self.model.index(i, 0))
                return

    def _selected(self) -> users.UserRow | None:
        rows = getattr(self, "rows", [])
        idx = self.view.currentIndex()
        return rows[idx.row()] if idx.isValid() and idx.row() < len(rows) else None

    def _update_buttons(self) -> None:
        user = self._selected()
        chosen = self.admin and user is not None
        self.set_role_btn.setEnabled(chosen)
        self.pw_btn.setEnabled(chosen)
        self.disable_btn.setEnabled(chosen and user.active)  # type: ignore[union-attr]
        self.enable_btn.setEnabled(chosen and not user.active)  # type: ignore[union-attr]
        if chosen:
            select_enum(self.role_box, user.role)  # type: ignore[union-attr]

    def _write(self, fn) -> bool:  # type: ignore[no-untyped-def]
        try:
            with self.ctx.session() as s:
                fn(s)
        except UserError as exc:
            show_error(self, exc)
            return False
        finally:
            self.refresh()
        self.ctx.data_changed.emit("users")
        return True

    def add_user(self) -> None:
        created: list[int] = []

        def submit(new: NewUser) -> None:
            with self.ctx.session() as s:
                created.append(users.create_user(s, self.ctx.actor, new.username, new.password, new.role,
                                                 new.display_name))
        if AddUserDialog.ask(self, submit, combo_enum(self.role_box, Role) or Role.CLERK) and created:
            self.refresh()
            self.select_user(created[-1])
            self.ctx.data_changed.emit("users")

    def set_role(self) -> None:
        user, role = self._selected(), combo_enum(self.role_box, Role)
        if user is None or role is None:
            return
        self._write(lambda s: users.set_user_role(s, self.ctx.actor, user.id, role))

    def set_active(self, active: bool) -> None:
        user = self._selected()
        if user is None:
            return
        if not active and not Ask.confirm(self, tr("停用用户"), tr(
                "停用用户“{name}”？停用后该账号不能再登录；其操作记录保留，以后可以重新启用。").format(name=user.username)):
            return
        self._write(lambda s: users.set_user_active(s, self.ctx.actor, user.id, active))

    def reset_password(self) -> None:
        user = self._selected()
        if user is None:
            return

        def submit(passwords: tuple[str, str]) -> None:
            with self.ctx.session() as s:
                users.set_password(s, self.ctx.actor, user.id, passwords[1])
        if PasswordDialog.ask(self, submit, tr("重设密码"), tr("为用户“{name}”设置新密码。请把新密码当面告诉本人。").format(
                name=user.username)):
            Ask.info(self, tr("重设密码"), tr("用户“{name}”的密码已重设。").format(name=user.username))

    def change_own_password(self) -> None:
        change_own_password(self, self.ctx)


def change_own_password(parent: QWidget, ctx) -> None:  # type: ignore[no-untyped-def]
    """The current user changes their own password (the old one is asked first)."""
    def submit(passwords: tuple[str, str]) -> None:
        with ctx.session() as s:
            users.change_own_password(s, ctx.actor, *passwords)
    if PasswordDialog.ask(parent, submit, tr("修改我的密码"), tr("用户：{name}").format(name=ctx.actor.username),
                          need_old=True):
        Ask.info(parent, tr("修改我的密码"), tr("密码已修改，下次登录请使用新密码。"))


def _local_time(when: dt.datetime | None) -> str:
    """A UTC timestamp from the database in the computer's local time, or "" when never."""
    if when is None:
        return ""
    return when.replace(tzinfo=dt.timezone.utc).astimezone().strftime("%Y-%m-%d %H:%M")


class BackupsTab(QWidget):
    def __init__(self, ctx, restore_callback) -> None:  # type: ignore[no-untyped-def]
        super().__init__()
        self.ctx = ctx
        layout = QVBoxLayout(self)
        self.where = QLabel()
        self.where.setWordWrap(True)
        layout.addWidget(self.where)
        self.policy = QLabel()
        self.policy.setWordWrap(True)
        layout.addWidget(self.policy)
        self.model = RowsModel([Column(tr("备份时间")), Column(tr("类型")), Column(tr("大小（KB）")),
                                Column(tr("备份文件"))])
        self.view = _table(self.model)
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
        with self.ctx.read_session() as s:
            keep = int(get_setting(s, "backup.keep", 10))  # type: ignore[arg-type]
        self.policy.setText(retention_text(keep))
        rows = [(b.made.strftime("%Y-%m-%d %H:%M:%S"), b.reason, b.size_kb, b.path.name)
                for b in describe_backups(self.ctx.db.backup_dir)]
        self.model.set_source(lambda o, n: rows[o:o + n], lambda: len(rows))

    def backup_now(self) -> None:
        try:
            with self.ctx.session() as s:
                keep = int(get_setting(s, "backup.keep", 10))  # type: ignore[arg-type]
            path = backup_database(self.ctx.db.path, self.ctx.db.backup_dir, reason="manual", keep=keep)
            Ask.info(self, tr("备份完成"), tr("已备份到：{path}").format(path=path))
        except Exception as exc:
            show_error(self, exc, tr("备份失败"))
        self.refresh()


class SettingsTab(QWidget):
    def __init__(self, ctx) -> None:  # type: ignore[no-untyped-def]
        super().__init__()
        self.ctx = ctx
        layout = QVBoxLayout(self)
        row = QHBoxLayout()
        row.addWidget(QLabel(tr("自动备份保留份数：")))
        self.keep = QSpinBox()
        self.keep.setRange(1, 365)
        with ctx.session() as s:
            self.keep.setValue(int(get_setting(s, "backup.keep", 10)))  # type: ignore[arg-type]
        row.addWidget(self.keep)
        save = button(tr("保存"), self.save)
        save.setEnabled(ctx.can(Permission.ADMIN))
        row.addWidget(save)
        row.addStretch(1)
        layout.addLayout(row)
        layout.addWidget(QLabel(tr("每次打开数据库时和每天自动备份一次（使用 SQLite 在线备份，不复制正在使用的文件）。")))
        layout.addStretch(1)

    def save(self) -> None:
        try:
            with self.ctx.session() as s:
                set_setting(s, self.ctx.actor, "backup.keep", self.keep.value())
        except Exception as exc:
            show_error(self, exc)


class SystemPage(QWidget):
    def __init__(self, ctx, restore_callback, on_township_changed=None) -> None:  # type: ignore[no-untyped-def]
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
        if hasattr(widget, "refresh"):
            widget.refresh()
