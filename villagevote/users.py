"""Users, password hashing (hashlib.scrypt, salted, parameters stored per hash) and login with a slow-down after
repeated failures. Users are never deleted (the audit log refers to them): they are disabled and can be re-enabled.
At least one active administrator always remains."""
from __future__ import annotations

import base64
import binascii
import datetime as dt
import hashlib
import hmac
import os
from dataclasses import dataclass
from typing import TYPE_CHECKING

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from villagevote import audit
from villagevote.audit import Actor
from villagevote.auth import Permission, require, requires
from villagevote.errors import AuthError, NotFound, ValidationError
from villagevote.i18n import tr
from villagevote.models.base import utcnow
from villagevote.models.core import AuditLog, User
from villagevote.models.enums import Role
from villagevote.names import stroke_key

if TYPE_CHECKING:
    from villagevote.models.db import Database

# scrypt cost for new hashes: N = 2**17, r = 8, p = 1 (about 128 MiB and a third of a second per hash, the current
# OWASP recommendation). Each hash stores its own parameters, so older hashes (N = 2**14) still verify and are
# re-hashed at the next successful login. Tests lower SCRYPT_N in tests/conftest.py to stay fast.
RECOMMENDED_SCRYPT_N = 2 ** 17
SCRYPT_N, SCRYPT_R, SCRYPT_P = RECOMMENDED_SCRYPT_N, 8, 1
MAX_SCRYPT_N = 2 ** 20      # a stored hash asking for more memory than this is refused, not computed
FREE_ATTEMPTS = 3           # failures allowed before waiting is required
BASE_DELAY_SECONDS = 5      # then 5, 10, 20, … seconds
MAX_DELAY_SECONDS = 300
MIN_PASSWORD_LENGTH = 6
_DUMMY_HASH: str | None = None


def _maxmem(n: int, r: int, p: int) -> int:
    """Memory limit passed to hashlib.scrypt: twice what the parameters need (OpenSSL's default of 32 MiB is too
    small for N = 2**17)."""
    return 2 * 128 * r * n * p + 1024 * 1024


def _scrypt(password: str, salt: bytes, n: int, r: int, p: int, dklen: int) -> bytes:
    return hashlib.scrypt(password.encode("utf-8"), salt=salt, n=n, r=r, p=p, dklen=dklen, maxmem=_maxmem(n, r, p))


def hash_password(password: str, *, n: int | None = None) -> str:
    """``scrypt$N$r$p$salt$digest`` (base64) with a fresh 16-byte salt; ``n`` defaults to ``SCRYPT_N``."""
    n = SCRYPT_N if n is None else n
    salt = os.urandom(16)
    digest = _scrypt(password, salt, n, SCRYPT_R, SCRYPT_P, 32)
    b64 = base64.b64encode
    return f"scrypt${n}${SCRYPT_R}${SCRYPT_P}${b64(salt).decode()}${b64(digest).decode()}"


def hash_parameters(stored: str) -> tuple[int, int, int] | None:
    """(N, r, p) of a stored hash, or None when it is not a well-formed scrypt hash."""
    parts = stored.split("$")
    if len(parts) != 6 or parts[0] != "scrypt":
        return None
    try:
        n, r, p = int(parts[1]), int(parts[2]), int(parts[3])
    except ValueError:
        return None
    if n < 2 or n & (n - 1) or n > MAX_SCRYPT_N or not 1 <= r <= 32 or not 1 <= p <= 16:
        return None
    return n, r, p


def verify_password(password: str, stored: str) -> bool:
    """True when ``password`` matches ``stored``, computed with the parameters stored in the hash."""
    params = hash_parameters(stored)
    if params is None:
        return False
    _scheme, _n, _r, _p, salt_b64, digest_b64 = stored.split("$")
    try:
        salt, expected = base64.b64decode(salt_b64, validate=True), base64.b64decode(digest_b64, validate=True)
    except (binascii.Error, ValueError):
        return False
    if not expected:
        return False
    digest = _scrypt(password, salt, *params, dklen=len(expected))
    return hmac.compare_digest(digest, expected)


def needs_rehash(stored: str) -> bool:
    """True when the hash was made with a lower cost than new hashes get now."""
    params = hash_parameters(stored)
    return params is None or params[0] < SCRYPT_N or params[1] < SCRYPT_R or params[2] < SCRYPT_P


def has_users(session: Session) -> bool:
    return (session.scalar(select(func.count(User.id))) or 0) > 0


@dataclass(frozen=True)
class UserRow:
    """One user as listed on 系统 → 用户."""
    id: int
    username: str
    display_name: str
    role: Role
    active: bool
    last_login: dt.datetime | None


def list_users(session: Session) -> list[UserRow]:
    """All users (active and disabled) with the time of their last successful login (from the audit log)."""
    last: dict[int | None, dt.datetime] = {user_id: at for user_id, at in session.execute(
        select(AuditLog.user_id, func.max(AuditLog.at))
        .where(AuditLog.entity == "app_user", AuditLog.action == "login", AuditLog.user_id.is_not(None))
        .group_by(AuditLog.user_id))}
    return [UserRow(u.id, u.username, u.display_name, u.role, u.active, last.get(u.id))
            for u in session.scalars(select(User).order_by(User.id))]


def list_users_by_name(session: Session) -> list[UserRow]:
    """:func:`list_users` with people in 姓氏笔画 order of their name (the user name when no name is given)."""
    return sorted(list_users(session), key=lambda u: stroke_key(u.display_name or u.username))


def _role(role: Role | str) -> Role:
    try:
        return Role(role)
    except ValueError:
        raise ValidationError(tr("未知的角色：{role}").format(role=role)) from None


def _check_password(password: str) -> None:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise ValidationError(tr("密码至少需要 {n} 个字符。").format(n=MIN_PASSWORD_LENGTH), field="password")


def _check_new(session: Session, username: str, password: str) -> None:
    name = username.strip()
    if not name:
        raise ValidationError(tr("用户名不能为空。"), field="username")
    if len(name) > 64:
        raise ValidationError(tr("用户名“{name}”太长（最多 64 个字符）。").format(name=name[:20] + "…"), field="username")
    if any(ch.isspace() or not ch.isprintable() for ch in name):
        raise ValidationError(tr("用户名“{name}”不能含空格或控制字符。").format(name=name), field="username")
    _check_password(password)
    if session.scalar(select(User).where(User.username == name)):
        raise ValidationError(tr("用户名“{name}”已存在。").format(name=name), field="username")


def _user(session: Session, user_id: int) -> User:
    user = session.get(User, user_id)
    if user is None:
        raise NotFound(tr("用户不存在（编号 {id}）。").format(id=user_id))
    return user


def create_first_admin(session: Session, username: str, password: str, display_name: str = "") -> Actor:
    """The first start creates the administrator; refused once any user exists."""
    if has_users(session):
        raise ValidationError(tr("管理员已存在，请用已有账号登录。"))
    _check_new(session, username, password)
    user = User(username=username.strip(), display_name=display_name.strip(), role=Role.ADMIN,
                password_hash=hash_password(password))
    session.add(user)
    session.flush()
    actor = Actor(user.id, user.username, user.role, user.display_name)
    audit.record(session, actor, "create_first_admin", "app_user", user.id,
                 after={"username": user.username, "role": Role.ADMIN.value, "active": True})  # checked by check-db
    return actor


@requires(Permission.ADMIN)
def create_user(session: Session, actor: Actor, username: str, password: str, role: Role | str,
                display_name: str = "") -> int:
    """A new, active user (administrators only)."""
    role = _role(role)
    _check_new(session, username, password)
    user = User(username=username.strip(), display_name=display_name.strip(), role=role,
                password_hash=hash_password(password))
    session.add(user)
    session.flush()
    audit.record(session, actor, "create_user", "app_user", user.id,
                 after={"username": user.username, "role": role.value, "display_name": user.display_name})
    return user.id


def _keep_an_admin(session: Session, actor: Actor, user: User, role: Role, active: bool) -> None:
    """Refuse a change that would leave no active administrator, or take the acting administrator's own rights."""
    if user.role == Role.ADMIN and user.active and (role != Role.ADMIN or not active):
        others = session.scalar(select(func.count(User.id)).where(
            User.role == Role.ADMIN, User.active.is_(True), User.id != user.id)) or 0
        if others == 0:
            raise ValidationError(tr("“{name}”是最后一名启用的管理员，不能{what}。请先把另一位用户设为管理员。").format(
                name=user.username, what=tr("改为其他角色") if active else tr("停用")))
    if user.id == actor.user_id and (role != Role.ADMIN or not active):
        raise ValidationError(tr("不能取消自己的管理员权限或停用自己的账号，请由另一位管理员操作。"))


@requires(Permission.ADMIN)
def set_user_role(session: Session, actor: Actor, user_id: int, role: Role | str) -> None:
    """Change a user's role (administrators only); the last active administrator keeps the role."""
    role = _role(role)
    user = _user(session, user_id)
    if user.role == role:
        return
    _keep_an_admin(session, actor, user, role, user.active)
    before = {"role": user.role.value}
    user.role = role
    audit.record(session, actor, "set_user_role", "app_user", user_id, before=before, after={"role": role.value})


@requires(Permission.ADMIN)
def set_user_active(session: Session, actor: Actor, user_id: int, active: bool) -> None:
    """Disable (the user can no longer log in; nothing is deleted) or re-enable a user (administrators only); the
    last active administrator cannot be disabled."""
    require(actor, Permission.ADMIN)
    user = _user(session, user_id)
    if user.active == active:
        return
    _keep_an_admin(session, actor, user, user.role, active)
    user.active = active
    if active:
        user.failed_attempts, user.last_failed_at = 0, None
    audit.record(session, actor, "enable_user" if active else "disable_user", "app_user", user_id,
                 before={"active": not active}, after={"active": active})


@requires(Permission.ADMIN)
def set_password(session: Session, actor: Actor, user_id: int, password: str) -> None:
    """An administrator sets a new password for a user (this also lifts a login wait). The password itself is never
    written to the audit log."""
    require(actor, Permission.ADMIN)
    _check_password(password)
    user = _user(session, user_id)
    user.password_hash = hash_password(password)
    user.failed_attempts, user.last_failed_at = 0, None
    audit.record(session, actor, "set_password", "app_user", user_id)


@requires(Permission.VIEW, note=tr("只改本人的密码，须先验证原密码"))
def change_own_password(session: Session, actor: Actor, old_password: str, new_password: str) -> None:
    """Any user changes their own password, proving the old one first."""
    if actor.user_id is None:
        raise ValidationError(tr("当前用户没有账号，不能修改密码。"))
    user = _user(session, actor.user_id)
    if not verify_password(old_password, user.password_hash):
        raise ValidationError(tr("原密码不正确，密码未修改。"), field="old_password")
    _check_password(new_password)
    if new_password == old_password:
        raise ValidationError(tr("新密码不能与原密码相同。"), field="password")
    user.password_hash = hash_password(new_password)
    audit.record(session, actor, "change_own_password", "app_user", user.id)


@requires(Permission.VIEW, note=tr("只记录本人的注销"))
def record_logout(session: Session, actor: Actor) -> None:
    """Audit that ``actor`` logged out (文件 → 注销 or 切换用户)."""
    audit.record(session, actor, "logout", "app_user", actor.user_id)


def required_wait(failed_attempts: int) -> int:
    """Seconds a user must wait after ``failed_attempts`` consecutive failures."""
    if failed_attempts < FREE_ATTEMPTS:
        return 0
    return min(BASE_DELAY_SECONDS * 2 ** (failed_attempts - FREE_ATTEMPTS), MAX_DELAY_SECONDS)


def authenticate(session: Session, username: str, password: str, now: dt.datetime | None = None) -> Actor:
    """Return the Actor for a correct login. Wrong user name or password (or a disabled account) get the same
    message; after repeated failures the account must wait before the next try (the wait doubles, up to five
    minutes). A hash made with an older, cheaper cost is replaced by one at today's cost (audited as
    ``password_upgrade``, without the password)."""
    global _DUMMY_HASH
    now = now or utcnow()
    generic = tr("用户名或密码错误。")
    user = session.scalar(select(User).where(User.username == username.strip()))
    if user is None or not user.active:
        if _DUMMY_HASH is None or needs_rehash(_DUMMY_HASH):
            _DUMMY_HASH = hash_password("dummy-password")
        verify_password(password, _DUMMY_HASH)  # same cost as a real check
        raise AuthError(generic)
    wait = required_wait(user.failed_attempts)
    if wait and user.last_failed_at and now < user.last_failed_at + dt.timedelta(seconds=wait):
        left = int((user.last_failed_at + dt.timedelta(seconds=wait) - now).total_seconds()) + 1
        raise AuthError(tr("登录失败次数过多，请 {n} 秒后再试。").format(n=left))
    if not verify_password(password, user.password_hash):
        user.failed_attempts += 1
        user.last_failed_at = now
        audit.record(session, Actor(None, username, Role.READONLY), "login_failed", "app_user", user.id)
        session.commit()  # the failure count must survive the caller's rollback on AuthError
        raise AuthError(generic)
    user.failed_attempts = 0
    user.last_failed_at = None
    actor = Actor(user.id, user.username, user.role, user.display_name)
    if needs_rehash(user.password_hash):
        old = hash_parameters(user.password_hash)
        user.password_hash = hash_password(password)
        audit.record(session, actor, "password_upgrade", "app_user", user.id,
                     before={"scheme": "scrypt", "n": old[0] if old else None},
                     after={"scheme": "scrypt", "n": SCRYPT_N, "r": SCRYPT_R, "p": SCRYPT_P})
    audit.record(session, actor, "login", "app_user", user.id)
    return actor


def log_in(db: Database, username: str, password: str) -> Actor:
    """The login dialog's one call, before any page exists: :func:`authenticate` in its own unit of work."""
    with db.session() as session:
        return authenticate(session, username, password)


def set_up_first_admin(db: Database, username: str, password: str, display_name: str = "") -> Actor:
    """The first start's one call: :func:`create_first_admin` in its own unit of work."""
    with db.session() as session:
        return create_first_admin(session, username, password, display_name)
