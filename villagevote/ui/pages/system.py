"""系统: users, backups, audit log, settings."""
from __future__ import annotations

import json

from PySide6.QtWidgets import (QComboBox, QHBoxLayout, QLabel, QPushButton, QSpinBox, QTableView, QTabWidget,
                               QVBoxLayout, QWidget, QHeaderView, QAbstractItemView)
from sqlalchemy import func, select

from villagevote import users
from villagevote.auth import Permission
from villagevote.backup import backup_database, list_backups
from villagevote.i18n import tr
from villagevote.models import AuditLog, User
from villagevote.models.enums import Role
from villagevote.names import stroke_key
from villagevote.seed import get_setting, set_setting
from villagevote.ui.dialogs.common import Ask, show_error
from villagevote.ui.table_model import Column, RowsModel
from villagevote.ui.widgets import button


def _table(model: RowsModel) -> QTableView:
    view = QTableView()
    view.setModel(model)
    view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    view.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    view.horizontalHeader().setStretchLastSection(True)
    return view


class UsersTab(QWidget):
    def __init__(self, ctx) -> None:  # type: ignore[no-untyped-def]
        super().__init__()
        self.ctx = ctx
        layout = QVBoxLayout(self)
        self.model = RowsModel([Column(tr("用户名")), Column(tr("姓名")), Column(tr("角色")), Column(tr("状态"))])
        self.view = _table(self.model)
        layout.addWidget(self.view)
        row = QHBoxLayout()
        self.add_btn = QPushButton(tr("添加用户"))
        self.role_box = QComboBox()
        for role in Role:
            self.role_box.addItem(role.label, role)
        self.set_role_btn = QPushButton(tr("设为所选角色"))
        self.pw_btn = QPushButton(tr("重设密码"))
        for w in (self.add_btn, QLabel(tr("角色：")), self.role_box, self.set_role_btn, self.pw_btn):
            row.addWidget(w)
        row.addStretch(1)
        layout.addLayout(row)
        admin = ctx.can(Permission.ADMIN)
        for w in (self.add_btn, self.set_role_btn, self.role_box):
            w.setEnabled(admin)
        self.add_btn.clicked.connect(self.add_user)
        self.set_role_btn.clicked.connect(self.set_role)
        self.pw_btn.clicked.connect(self.reset_password)
        self.refresh()

    def refresh(self) -> None:
        with self.ctx.session() as s:
            rows = [(u.username, u.display_name, u.role.label, tr("启用") if u.active else tr("停用"), u.id)
                    for u in s.scalars(select(User))]
        rows.sort(key=lambda r: stroke_key(r[1] or r[0]))  # people are listed by surname strokes
        self.model.set_source(lambda o, n: rows[o:o + n], lambda: len(rows))

    def _selected_id(self) -> int | None:
        idx = self.view.currentIndex()
        return self.model.row_at(idx.row())[4] if idx.isValid() else None

    def add_user(self) -> None:
        name = Ask.text(self, tr("添加用户"), tr("用户名："))
        if not name:
            return
        password = Ask.text(self, tr("添加用户"), tr("初始密码（至少6位）："), password=True)
        if password is None:
            return
        try:
            with self.ctx.session() as s:
                users.create_user(s, self.ctx.actor, name, password, self.role_box.currentData())
        except Exception as exc:  # noqa: BLE001
            show_error(self, exc)
        self.refresh()

    def set_role(self) -> None:
        uid = self._selected_id()
        if uid is None:
            return
        try:
            with self.ctx.session() as s:
                users.set_user_role(s, self.ctx.actor, uid, self.role_box.currentData())
        except Exception as exc:  # noqa: BLE001
            show_error(self, exc)
        self.refresh()

    def reset_password(self) -> None:
        uid = self._selected_id()
        if uid is None:
            return
        password = Ask.text(self, tr("重设密码"), tr("新密码（至少6位）："), password=True)
        if password is None:
            return
        try:
            with self.ctx.session() as s:
                users.set_password(s, self.ctx.actor, uid, password)
        except Exception as exc:  # noqa: BLE001
            show_error(self, exc)


class BackupsTab(QWidget):
    def __init__(self, ctx, restore_callback) -> None:  # type: ignore[no-untyped-def]
        super().__init__()
        self.ctx = ctx
        layout = QVBoxLayout(self)
        self.where = QLabel()
        self.where.setWordWrap(True)
        layout.addWidget(self.where)
        self.model = RowsModel([Column(tr("备份文件")), Column(tr("大小（KB）"))])
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
        rows = [(p.name, round(p.stat().st_size / 1024)) for p in list_backups(self.ctx.db.backup_dir)]
        self.model.set_source(lambda o, n: rows[o:o + n], lambda: len(rows))

    def backup_now(self) -> None:
        try:
            with self.ctx.session() as s:
                keep = int(get_setting(s, "backup.keep", 10))  # type: ignore[arg-type]
            path = backup_database(self.ctx.db.path, self.ctx.db.backup_dir, reason="manual", keep=keep)
            Ask.info(self, tr("备份完成"), tr("已备份到：{path}").format(path=path))
        except Exception as exc:  # noqa: BLE001
            show_error(self, exc, tr("备份失败"))
        self.refresh()


class AuditTab(QWidget):
    def __init__(self, ctx) -> None:  # type: ignore[no-untyped-def]
        super().__init__()
        self.ctx = ctx
        layout = QVBoxLayout(self)
        self.model = RowsModel([Column(tr("时间")), Column(tr("用户")), Column(tr("操作")), Column(tr("对象")),
                                Column(tr("编号")), Column(tr("修改前")), Column(tr("修改后"))])
        layout.addWidget(_table(self.model))
        self.refresh()

    def refresh(self) -> None:
        def count() -> int:
            with self.ctx.session() as s:
                return s.scalar(select(func.count(AuditLog.id))) or 0

        def fetch(offset: int, limit: int) -> list[tuple]:
            with self.ctx.session() as s:
                q = select(AuditLog).order_by(AuditLog.id.desc()).offset(offset).limit(limit)
                return [(f"{a.at:%Y-%m-%d %H:%M:%S}", a.username, a.action, a.entity, a.entity_id or "",
                         _short(a.before), _short(a.after)) for a in s.scalars(q)]
        self.model.set_source(fetch, count)


def _short(data: object) -> str:
    if not data:
        return ""
    text = json.dumps(data, ensure_ascii=False)
    return text if len(text) <= 120 else text[:117] + "…"


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
        except Exception as exc:  # noqa: BLE001
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
        self.audit = AuditTab(ctx)
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
