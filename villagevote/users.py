"""Users, password hashing (hashlib.scrypt, salted) and login with a slow-down after repeated failures."""
from __future__ import annotations

import base64
import datetime as dt
import hashlib
import hmac
import os

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from villagevote import audit
from villagevote.audit import Actor
from villagevote.auth import Permission, require
from villagevote.errors import AuthError, ValidationError
from villagevote.i18n import tr
from villagevote.models.base import utcnow
from villagevote.models.core import User
from villagevote.models.enums import Role

SCRYPT_N, SCRYPT_R, SCRYPT_P = 2 ** 14, 8, 1
FREE_ATTEMPTS = 3           # failures allowed before waiting is required
BASE_DELAY_SECONDS = 5      # then 5, 10, 20, … seconds
MAX_DELAY_SECONDS = 300
MIN_PASSWORD_LENGTH = 6
_DUMMY_HASH = None


def hash_password(password: str) -> str:
    salt = os.urandom(16)
    digest = hashlib.scrypt(password.encode("utf-8"), salt=salt, n=SCRYPT_N, r=SCRYPT_R, p=SCRYPT_P, dklen=32)
    b64 = base64.b64encode
    return f"scrypt${SCRYPT_N}${SCRYPT_R}${SCRYPT_P}${b64(salt).decode()}${b64(digest).decode()}"


def verify_password(password: str, stored: str) -> bool:
    try:
        scheme, n, r, p, salt_b64, digest_b64 = stored.split("$")
    except ValueError:
        return False
    if scheme != "scrypt":
        return False
    salt, expected = base64.b64decode(salt_b64), base64.b64decode(digest_b64)
    digest = hashlib.scrypt(password.encode("utf-8"), salt=salt, n=int(n), r=int(r), p=int(p), dklen=len(expected))
    return hmac.compare_digest(digest, expected)


def has_users(session: Session) -> bool:
    return session.scalar(select(func.count(User.id))) > 0


def _check_new(session: Session, username: str, password: str) -> None:
    if not username.strip():
        raise ValidationError(tr("用户名不能为空。"))
    if len(password) < MIN_PASSWORD_LENGTH:
        raise ValidationError(tr("密码至少需要 {n} 个字符。").format(n=MIN_PASSWORD_LENGTH))
    if session.scalar(select(User).where(User.username == username.strip())):
        raise ValidationError(tr("用户名“{name}”已存在。").format(name=username))


def create_first_admin(session: Session, username: str, password: str, display_name: str = "") -> Actor:
    """The first start creates the administrator; refused once any user exists."""
    if has_users(session):
        raise ValidationError(tr("管理员已存在，请用已有账号登录。"))
    _check_new(session, username, password)
    user = User(username=username.strip(), display_name=display_name, role=Role.ADMIN,
                password_hash=hash_password(password))
    session.add(user)
    session.flush()
    actor = Actor(user.id, user.username, user.role, user.display_name)
    audit.record(session, actor, "create_first_admin", "app_user", user.id, after={"username": user.username})
    return actor


def create_user(session: Session, actor: Actor, username: str, password: str, role: Role,
                display_name: str = "") -> int:
    require(actor, Permission.ADMIN)
    _check_new(session, username, password)
    user = User(username=username.strip(), display_name=display_name, role=role, password_hash=hash_password(password))
    session.add(user)
    session.flush()
    audit.record(session, actor, "create_user", "app_user", user.id,
                 after={"username": user.username, "role": role.value, "display_name": display_name})
    return user.id


def set_password(session: Session, actor: Actor, user_id: int, password: str) -> None:
    if actor.user_id != user_id:
        require(actor, Permission.ADMIN)
    if len(password) < MIN_PASSWORD_LENGTH:
        raise ValidationError(tr("密码至少需要 {n} 个字符。").format(n=MIN_PASSWORD_LENGTH))
    user = session.get(User, user_id)
    if user is None:
        raise ValidationError(tr("用户不存在。"))
    user.password_hash = hash_password(password)
    user.failed_attempts = 0
    audit.record(session, actor, "set_password", "app_user", user_id)


def set_user_role(session: Session, actor: Actor, user_id: int, role: Role, active: bool = True) -> None:
    require(actor, Permission.ADMIN)
    user = session.get(User, user_id)
    if user is None:
        raise ValidationError(tr("用户不存在。"))
    if user.id == actor.user_id and (role != Role.ADMIN or not active):
        raise ValidationError(tr("不能取消自己的管理员权限或停用自己的账号。"))
    before = {"role": user.role.value, "active": user.active}
    user.role, user.active = role, active
    audit.record(session, actor, "set_user_role", "app_user", user_id, before=before,
                 after={"role": role.value, "active": active})


def required_wait(failed_attempts: int) -> int:
    """Seconds a user must wait after ``failed_attempts`` consecutive failures."""
    if failed_attempts < FREE_ATTEMPTS:
        return 0
    return min(BASE_DELAY_SECONDS * 2 ** (failed_attempts - FREE_ATTEMPTS), MAX_DELAY_SECONDS)


def authenticate(session: Session, username: str, password: str, now: dt.datetime | None = None) -> Actor:
    """Return the Actor for a correct login. Wrong user name or password get the same message; after repeated
    failures the account must wait before the next try (the wait doubles, up to five minutes)."""
    global _DUMMY_HASH
    now = now or utcnow()
    generic = tr("用户名或密码错误。")
    user = session.scalar(select(User).where(User.username == username.strip()))
    if user is None or not user.active:
        _DUMMY_HASH = _DUMMY_HASH or hash_password("dummy-password")
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
    audit.record(session, actor, "login", "app_user", user.id)
    return actor
