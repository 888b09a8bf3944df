"""Users, login, roles and the audit log."""
from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from villagevote import township as tw
from villagevote import users
from villagevote.audit import Actor
from villagevote.errors import AuthError, PermissionDenied, ValidationError
from villagevote.models import AuditLog, User
from villagevote.models.enums import Role


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


# --- password hashing cost and upgrade ------------------------------------------------------------------------------

def test_fresh_hash_uses_the_recommended_scrypt_cost():
    """Run without the tests' cheaper setting: a new hash really uses N >= 2**17 and verifies."""
    import subprocess
    import sys
    code = ("from villagevote import users; h = users.hash_password('pass-word-1'); "
            "print(h); print(users.verify_password('pass-word-1', h), users.verify_password('other', h))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.split()
    stored, right, wrong = out
    scheme, n, r, p, _salt, _digest = stored.split("$")
    assert scheme == "scrypt" and int(n) >= 2 ** 17 and int(r) >= 8 and int(p) >= 1
    assert (right, wrong) == ("True", "False")


def test_old_hash_is_upgraded_at_the_next_login(db, admin, monkeypatch):
    monkeypatch.setattr(users, "SCRYPT_N", users.RECOMMENDED_SCRYPT_N)
    old = users.hash_password("admin-pass", n=2 ** 14)  # what earlier versions stored
    with db.session() as s:
        s.scalar(select(User).where(User.username == "admin")).password_hash = old
    with pytest.raises(AuthError):  # a wrong password changes nothing
        with db.session() as s:
            users.authenticate(s, "admin", "wrong-pass")
    with db.session() as s:
        assert s.scalar(select(User.password_hash).where(User.username == "admin")) == old
    with db.session() as s:
        users.authenticate(s, "admin", "admin-pass", now=dt.datetime(2099, 1, 1))
    with db.session() as s:
        stored = s.scalar(select(User.password_hash).where(User.username == "admin"))
        upgrades = s.scalars(select(AuditLog).where(AuditLog.action == "password_upgrade")).all()
    assert users.hash_parameters(stored) == (2 ** 17, 8, 1) and users.verify_password("admin-pass", stored)
    assert len(upgrades) == 1 and upgrades[0].username == "admin"
    assert "admin-pass" not in repr((upgrades[0].before, upgrades[0].after, upgrades[0].note))
    with db.session() as s:  # the next login finds nothing to upgrade
        users.authenticate(s, "admin", "admin-pass")
    with db.session() as s:
        assert len(s.scalars(select(AuditLog).where(AuditLog.action == "password_upgrade")).all()) == 1


def test_malformed_or_absurd_hashes_never_authenticate():
    good = users.hash_password("pass-word-1")
    scheme, n, r, p, salt, digest = good.split("$")
    for stored in ("", "plain-text", good.replace("scrypt$", "bcrypt$"), f"scrypt${2 ** 30}${r}${p}${salt}${digest}",
                   f"scrypt$1000${r}${p}${salt}${digest}", f"scrypt${n}${r}${p}$***${digest}"):
        assert not users.verify_password("pass-word-1", stored), stored
    assert users.verify_password("pass-word-1", good)


# --- user management rules ------------------------------------------------------------------------------------------

CLI = Actor(None, "cli", Role.ADMIN)


def test_last_active_admin_cannot_be_demoted_or_disabled(db, admin, clerk):
    for change in (lambda s: users.set_user_role(s, CLI, admin.user_id, Role.CLERK),
                   lambda s: users.set_user_active(s, CLI, admin.user_id, False),
                   lambda s: users.set_user_role(s, admin, admin.user_id, Role.READONLY)):
        with pytest.raises(ValidationError) as info:
            with db.session() as s:
                change(s)
        assert "“admin”是最后一名启用的管理员" in str(info.value)
    # a disabled administrator does not count
    with db.session() as s:
        users.set_user_role(s, admin, clerk.user_id, Role.ADMIN)
        users.set_user_active(s, admin, clerk.user_id, False)
    with pytest.raises(ValidationError):
        with db.session() as s:
            users.set_user_active(s, CLI, admin.user_id, False)
    # with a second active administrator the first may be demoted, by someone else
    with db.session() as s:
        users.set_user_active(s, admin, clerk.user_id, True)
    with pytest.raises(ValidationError) as own:
        with db.session() as s:
            users.set_user_role(s, admin, admin.user_id, Role.CLERK)
    assert "自己" in str(own.value)
    second = Actor(clerk.user_id, "clerk", Role.ADMIN)
    with db.session() as s:
        users.set_user_role(s, second, admin.user_id, Role.REVIEWER)
    with db.session() as s:
        assert s.get(User, admin.user_id).role is Role.REVIEWER
        rows = s.scalars(select(AuditLog).where(AuditLog.entity == "app_user",
                                                AuditLog.action == "set_user_role")).all()
        assert rows[-1].before == {"role": "admin"} and rows[-1].after == {"role": "reviewer"}


def test_disabled_user_cannot_log_in_and_is_kept(db, admin, clerk):
    with db.session() as s:
        users.set_user_active(s, admin, clerk.user_id, False)
    with pytest.raises(AuthError) as info:
        with db.session() as s:
            users.authenticate(s, "clerk", "clerk-pass")
    assert str(info.value) == "用户名或密码错误。"
    with db.session() as s:
        listed = {u.username: u for u in users.list_users(s)}
    assert listed["clerk"].active is False and listed["clerk"].role is Role.CLERK
    with db.session() as s:
        users.set_user_active(s, admin, clerk.user_id, True)
        assert users.authenticate(s, "clerk", "clerk-pass").role is Role.CLERK
    with db.session() as s:
        actions = [a.action for a in s.scalars(select(AuditLog).where(AuditLog.entity_id == str(clerk.user_id)))]
    assert "disable_user" in actions and "enable_user" in actions


def test_role_given_as_its_code_is_accepted_and_an_unknown_one_refused(db, admin):
    with db.session() as s:
        uid = users.create_user(s, admin, "liu", "liu-pass-1", "reviewer")  # type: ignore[arg-type]
        assert s.get(User, uid).role is Role.REVIEWER
    with pytest.raises(ValidationError) as info:
        with db.session() as s:
            users.set_user_role(s, admin, uid, "boss")  # type: ignore[arg-type]
    assert "未知的角色" in str(info.value)


def test_password_reset_is_for_admins_and_own_change_needs_the_old_password(db, admin, clerk):
    with pytest.raises(PermissionDenied):
        with db.session() as s:
            users.set_password(s, clerk, admin.user_id, "taken-over-1")
    with pytest.raises(ValidationError) as wrong_old:
        with db.session() as s:
            users.change_own_password(s, clerk, "not-it", "clerk-new-1")
    assert "原密码不正确" in str(wrong_old.value)
    with db.session() as s:
        users.change_own_password(s, clerk, "clerk-pass", "clerk-new-1")
        users.set_password(s, admin, clerk.user_id, "from-admin-1")
    with db.session() as s:
        assert users.authenticate(s, "clerk", "from-admin-1").username == "clerk"
        rows = s.scalars(select(AuditLog).where(AuditLog.entity == "app_user")).all()
    assert {"change_own_password", "set_password"} <= {a.action for a in rows}
    text = repr([(a.before, a.after, a.note) for a in rows])
    assert "clerk-new-1" not in text and "from-admin-1" not in text


def test_password_reset_lifts_the_login_wait(db, admin, clerk):
    t0 = dt.datetime(2026, 5, 1, 10, 0, 0)
    for i in range(4):
        with pytest.raises(AuthError):
            with db.session() as s:
                users.authenticate(s, "clerk", "bad", now=t0 + dt.timedelta(seconds=i))
    with db.session() as s:
        users.set_password(s, admin, clerk.user_id, "fresh-pass-1")
    with db.session() as s:
        assert users.authenticate(s, "clerk", "fresh-pass-1", now=t0 + dt.timedelta(seconds=5)).username == "clerk"


def test_user_names_are_checked(db, admin):
    for name, expected in (("  ", "不能为空"), ("zhang san", "空格"), ("a\x00b", "控制字符"), ("x" * 65, "太长")):
        with pytest.raises(ValidationError) as info:
            with db.session() as s:
                users.create_user(s, admin, name, "password-1", Role.CLERK)
        assert expected in str(info.value), name


def test_list_users_shows_last_login(db, admin, clerk):
    with db.session() as s:
        users.authenticate(s, "clerk", "clerk-pass", now=dt.datetime(2026, 5, 1, 10, 0, 0))
    with db.session() as s:
        listed = {u.username: u for u in users.list_users(s)}
    assert listed["clerk"].last_login is not None and listed["admin"].last_login is None


def test_a_user_disabled_or_given_another_role_elsewhere_cannot_go_on_writing(db, township, admin, clerk):
    """The clerk's window still holds the login it made; the administrator (another window, another PC) disables the
    account or makes it 只读: the clerk's next save is refused with a message saying why, and nothing is written."""
    with db.session() as s:
        tw.add_village(s, clerk, township.township_id, "甲村")  # the login is good
    with db.session() as s:
        users.set_user_role(s, admin, clerk.user_id, Role.READONLY)
    with pytest.raises(PermissionDenied, match="角色已由管理员改为“只读”"):
        with db.session() as s:
            tw.add_village(s, clerk, township.township_id, "乙村")
    with db.session() as s:
        users.set_user_role(s, admin, clerk.user_id, Role.CLERK)
        users.set_user_active(s, admin, clerk.user_id, False)
    with pytest.raises(PermissionDenied, match="账号已被停用"):
        with db.session() as s:
            tw.add_village(s, clerk, township.township_id, "丙村")
    with db.session() as s:
        names = set(s.scalars(select(AuditLog.after["name"].as_string()).where(AuditLog.entity == "village")))
        assert "甲村" in names and not names & {"乙村", "丙村"}
