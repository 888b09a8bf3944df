"""Users, login, roles and the audit log."""
from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from villagevote import township as tw
from villagevote import users
from villagevote.errors import AuthError, PermissionDenied, ValidationError
from villagevote.models import AuditLog, User


def test_domain_write_records_audit_row(db, township, clerk):
    with db.session() as s:
        vid = tw.add_village(s, clerk, township.township_id, "审计村", households=88)
    with db.session() as s:
        row = s.scalars(select(AuditLog).where(AuditLog.entity == "village", AuditLog.entity_id == str(vid))).one()
        assert row.username == "clerk"
        assert row.action == "create"
        assert row.after["name"] == "审计村" and row.after["households"] == 88
        assert row.at is not None


def test_failed_write_leaves_no_audit_row(db, township, clerk):
    with pytest.raises(ValidationError):
        with db.session() as s:
            tw.add_village(s, clerk, township.township_id, "东村")  # duplicate name
    with db.session() as s:
        assert s.scalar(select(AuditLog).where(AuditLog.after["name"].as_string() == "东村",
                                               AuditLog.username == "clerk")) is None


def test_password_is_hashed_with_salt(db, admin):
    with db.session() as s:
        stored = s.scalar(select(User.password_hash).where(User.username == "admin"))
    assert "admin-pass" not in stored and stored.startswith("scrypt$")
    assert users.hash_password("same") != users.hash_password("same")


def test_login_success_and_wrong_password_refused(db, admin):
    with db.session() as s:
        actor = users.authenticate(s, "admin", "admin-pass")
    assert actor.username == "admin"
    with pytest.raises(AuthError) as wrong_pw:
        with db.session() as s:
            users.authenticate(s, "admin", "nope")
    with pytest.raises(AuthError) as wrong_user:
        with db.session() as s:
            users.authenticate(s, "nobody", "admin-pass")
    assert str(wrong_pw.value) == str(wrong_user.value) == "用户名或密码错误。"


def test_repeated_failures_slow_down(db, admin):
    t0 = dt.datetime(2026, 5, 1, 10, 0, 0)
    for i in range(3):
        with pytest.raises(AuthError):
            with db.session() as s:
                users.authenticate(s, "admin", "bad", now=t0 + dt.timedelta(seconds=i))
    # the 4th try within the wait is refused even with the right password
    with pytest.raises(AuthError) as info:
        with db.session() as s:
            users.authenticate(s, "admin", "admin-pass", now=t0 + dt.timedelta(seconds=3))
    assert "秒后再试" in str(info.value)
    with db.session() as s:
        assert users.authenticate(s, "admin", "admin-pass", now=t0 + dt.timedelta(seconds=60)).username == "admin"
    with db.session() as s:
        assert s.scalar(select(User.failed_attempts).where(User.username == "admin")) == 0


def test_first_admin_only_once(db, admin):
    with pytest.raises(ValidationError):
        with db.session() as s:
            users.create_first_admin(s, "second", "password1")


def test_roles_limit_actions(db, township, readonly, reviewer):
    with pytest.raises(PermissionDenied) as info:
        with db.session() as s:
            tw.add_village(s, readonly, township.township_id, "只读村")
    assert "无权" in str(info.value)
    with pytest.raises(PermissionDenied):
        with db.session() as s:
            users.create_user(s, reviewer, "x1", "password1", readonly.role)
