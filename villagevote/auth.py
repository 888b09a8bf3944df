"""Roles and what each may do."""
from __future__ import annotations

import enum

from villagevote.audit import Actor
from villagevote.errors import PermissionDenied
from villagevote.i18n import tr
from villagevote.models.enums import Role


class Permission(str, enum.Enum):
    VIEW = "view"
    EDIT = "edit"                      # enter and change data (录入)
    REVIEW = "review"                  # record review decisions, findings, lock results
    VIEW_SENSITIVE = "view_sensitive"  # full ID numbers, review findings
    ADMIN = "admin"                    # users, catalogs, templates, restore, reopen locked results


ROLE_PERMISSIONS: dict[Role, frozenset[Permission]] = {
    Role.ADMIN: frozenset(Permission),
    Role.CLERK: frozenset({Permission.VIEW, Permission.EDIT, Permission.VIEW_SENSITIVE}),
    Role.REVIEWER: frozenset({Permission.VIEW, Permission.REVIEW, Permission.VIEW_SENSITIVE}),
    Role.READONLY: frozenset({Permission.VIEW}),
}

def _action_text(permission: Permission) -> str:
    return {
        Permission.VIEW: tr("查看"),
        Permission.EDIT: tr("录入或修改数据"),
        Permission.REVIEW: tr("审核"),
        Permission.VIEW_SENSITIVE: tr("查看敏感信息"),
        Permission.ADMIN: tr("执行管理员操作"),
    }[permission]


def can(actor: Actor, permission: Permission) -> bool:
    return permission in ROLE_PERMISSIONS[actor.role]


def require(actor: Actor, permission: Permission) -> None:
    if not can(actor, permission):
        raise PermissionDenied(tr("当前用户“{user}”（{role}）无权{action}。").format(
            user=actor.username, role=actor.role.label, action=_action_text(permission)))
