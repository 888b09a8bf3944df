"""Roles and what each may do.

Every domain function that writes on behalf of an actor states its permission with :func:`requires`. The decorator
checks the permission before the function body runs (so nothing is read or written for a role that may not act) and
registers the function in :data:`WRITE_FUNCTIONS`; ``docs/permissions.md`` is generated from that table
(``scripts/gen_permissions_doc.py``) and ``tests/test_permissions.py`` calls every registered function as every role.
"""
from __future__ import annotations

import enum
import functools
import importlib
import inspect
import pkgutil
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from sqlalchemy import select
from sqlalchemy.orm import Session

import villagevote
from villagevote.actor import Actor
from villagevote.errors import PermissionDenied
from villagevote.i18n import tr
from villagevote.models.core import User
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


def require_current(session: Session, actor: Actor) -> None:
    """The logged-in user must still be what the login said: a user disabled, or given another role, by an
    administrator (in another window or on another PC) may not go on writing with the rights of the old login."""
    if actor.user_id is None:  # the system, the demo builder and the read-only command line
        return
    row = session.execute(select(User.active, User.role).where(User.id == actor.user_id)).one_or_none()
    if row is None or not row.active:
        raise PermissionDenied(tr("用户“{user}”的账号已被停用或已不存在，未保存。请联系管理员。").format(
            user=actor.username))
    if Role(row.role) is not actor.role:
        raise PermissionDenied(tr("用户“{user}”的角色已由管理员改为“{role}”，未保存。请用 文件 → 切换用户 重新登录。").format(
            user=actor.username, role=Role(row.role).label))


def require_any(actor: Actor, permissions: tuple[Permission, ...]) -> None:
    """Pass when the actor holds at least one of ``permissions``."""
    if not any(can(actor, p) for p in permissions):
        raise PermissionDenied(tr("当前用户“{user}”（{role}）无权{action}。").format(
            user=actor.username, role=actor.role.label,
            action=tr("或").join(_action_text(p) for p in permissions)))


# --- the table of write functions ---------------------------------------------------------------------------------

@dataclass(frozen=True)
class WriteRule:
    """One registered write function and who may call it."""

    module: str                          # e.g. "villagevote.candidates.status"
    name: str                            # the function's qualified name in its module
    permissions: tuple[Permission, ...]  # the actor needs at least one of these
    note: str = ""                       # Chinese: further checks made inside the function

    @property
    def qualname(self) -> str:
        return f"{self.module}.{self.name}"

    def roles(self) -> list[Role]:
        """Roles that pass the check."""
        return [role for role in Role if any(p in ROLE_PERMISSIONS[role] for p in self.permissions)]


WRITE_FUNCTIONS: dict[str, WriteRule] = {}

F = TypeVar("F", bound=Callable[..., Any])


def requires(*permissions: Permission, note: str = "") -> Callable[[F], F]:
    """Decorate a domain write function taking an ``actor`` parameter: the actor must hold one of ``permissions``
    (checked before the body runs); the function is registered in :data:`WRITE_FUNCTIONS`. ``note`` says, in
    Chinese, which further checks the body makes (shown in ``docs/permissions.md``).
    """
    if not permissions:
        raise TypeError("requires() needs at least one permission")
    perms = tuple(permissions)

    def decorate(fn: F) -> F:
        sig = inspect.signature(fn)
        names = list(sig.parameters)
        if "actor" not in names:
            raise TypeError(f"{fn.__module__}.{fn.__qualname__}: @requires needs an 'actor' parameter")
        actor_index = names.index("actor")
        actor_default = sig.parameters["actor"].default

        @functools.wraps(fn)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            if "actor" in kwargs:
                actor = kwargs["actor"]
            else:
                actor = args[actor_index] if actor_index < len(args) else actor_default
            if not isinstance(actor, Actor):
                raise TypeError(f"{fn.__qualname__}: actor must be an Actor, got {actor!r}")
            if len(perms) == 1:
                require(actor, perms[0])
            else:
                require_any(actor, perms)
            session = next((a for a in (*args, *kwargs.values()) if isinstance(a, Session)), None)
            if session is not None:
                require_current(session, actor)
            return fn(*args, **kwargs)

        rule = WriteRule(fn.__module__, fn.__qualname__, perms, note)
        WRITE_FUNCTIONS[rule.qualname] = rule
        wrapper.__write_rule__ = rule  # type: ignore[attr-defined]  # read by the tests and the doc generator
        return wrapper  # type: ignore[return-value]  # same signature as fn

    return decorate


# Packages and modules that hold no domain writes (the GUI, print layout, schema migrations, the demo builder) or that
# must not be imported just to read the table.
NOT_DOMAIN: tuple[str, ...] = ("villagevote.ui", "villagevote.reports.pdf", "villagevote.migrations",
                               "villagevote.demo", "villagevote.__main__")


def domain_module_names() -> list[str]:
    """Every module under ``villagevote`` outside :data:`NOT_DOMAIN`, by name."""
    names = []
    for info in pkgutil.walk_packages(villagevote.__path__, "villagevote."):
        if any(info.name == n or info.name.startswith(n + ".") for n in NOT_DOMAIN):
            continue
        names.append(info.name)
    return sorted(names)


def load_write_functions() -> dict[str, WriteRule]:
    """Import every domain module and return the complete table, ordered by module and name."""
    for name in domain_module_names():
        importlib.import_module(name)
    return dict(sorted(WRITE_FUNCTIONS.items()))
