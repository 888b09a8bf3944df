"""Shared fixtures: offscreen Qt, a private data dir, a fresh migrated database per test (a copy of one migrated
once per session), users and a township."""
from __future__ import annotations

import datetime as dt
import os
import shutil
import sqlite3
from dataclasses import dataclass
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")  # before any Qt import

import pytest

from villagevote.audit import Actor
from villagevote.models.enums import Role


@pytest.fixture(autouse=True)
def _private_home(tmp_path, monkeypatch):
    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setenv("VILLAGEVOTE_HOME", str(home))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home / "config"))  # QSettings (last folders) stay in the test
    return home


@pytest.fixture(autouse=True)
def _fast_password_hashing(monkeypatch):
    """New password hashes use scrypt N = 2**14 in tests (the program uses 2**17, about 0.3 s each);
    tests/test_users_audit.py checks the real cost and the upgrade of old hashes."""
    from villagevote import users
    monkeypatch.setattr(users, "SCRYPT_N", 2 ** 14)


@pytest.fixture(scope="session")
def migrated_template(tmp_path_factory) -> Path:
    """A database migrated from empty and seeded once per test session; the ``db`` fixture copies this file instead
    of running every migration for each test. Tests of the migrations themselves call ``open_database`` on a new
    path (test_db_lifecycle.py, test_crash_safety.py) and still migrate from empty."""
    from villagevote.database import open_database
    folder = tmp_path_factory.mktemp("template")
    path = folder / "template.sqlite3"
    database = open_database(path, backup_dir=folder / "backups", single_instance=False)
    database.dispose()
    conn = sqlite3.connect(path)  # fold any WAL content into the file so that copying the file alone is complete
    try:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        conn.close()
    for suffix in ("-wal", "-shm", "-journal"):
        assert not Path(str(path) + suffix).exists(), f"template left a {suffix} file"
    return path


@pytest.fixture
def db(tmp_path, migrated_template):
    """A migrated, seeded database of the test's own (a copy of the session's template), opened as the program
    opens it."""
    from villagevote.database import open_database
    path = tmp_path / "test.sqlite3"
    shutil.copyfile(migrated_template, path)
    database = open_database(path)
    yield database
    database.dispose()


def _make_user(db, username: str, role: Role) -> Actor:
    from villagevote import users
    from villagevote.models.core import User
    with db.session() as s:
        if not users.has_users(s):
            users.create_first_admin(s, "admin", "admin-pass")
        if username != "admin":
            admin = s.query(User).filter_by(username="admin").one()
            users.create_user(s, Actor(admin.id, "admin", Role.ADMIN), username, f"{username}-pass", role)
        user = s.query(User).filter_by(username=username).one()
        return Actor(user.id, user.username, user.role, user.display_name)


@pytest.fixture
def admin(db) -> Actor:
    return _make_user(db, "admin", Role.ADMIN)


@pytest.fixture
def clerk(db, admin) -> Actor:
    return _make_user(db, "clerk", Role.CLERK)


@pytest.fixture
def reviewer(db, admin) -> Actor:
    return _make_user(db, "reviewer", Role.REVIEWER)


@pytest.fixture
def readonly(db, admin) -> Actor:
    return _make_user(db, "viewer", Role.READONLY)


@dataclass
class TownshipIds:
    township_id: int
    village_ids: list[int]
    cycle_id: int
    election_day: dt.date


@pytest.fixture
def township(db, admin) -> TownshipIds:
    from villagevote import township as tw
    day = dt.date(2026, 12, 20)
    with db.session() as s:
        tid = tw.create_township(s, admin, "测试镇", county="测试县")
        vids = [tw.add_village(s, admin, tid, name, code=f"00{i}", groups=4)
                for i, name in enumerate(("东村", "西村", "南村"), start=1)]
        cid = tw.create_cycle(s, admin, tid, "2026年换届", 2026, day)
    return TownshipIds(tid, vids, cid, day)


@pytest.fixture
def world(db):
    """The candidates' sample world (villages, organizations, a cycle); some test modules define their own."""
    from villagevote.candidates.sample import build_world
    with db.session() as s:
        return build_world(s)


@pytest.fixture
def ctx(qapp, db, admin):
    from villagevote.ui.app import setup_fonts
    from villagevote.ui.context import AppContext
    setup_fonts(qapp)
    return AppContext(db, admin)


@pytest.fixture
def messages(monkeypatch):
    """The (title, text) of every Ask.error / Ask.info the test triggers, instead of a dialog."""
    from villagevote.ui.dialogs.common import Ask

    seen: list[tuple[str, str]] = []
    monkeypatch.setattr(Ask, "error", classmethod(lambda cls, parent, title, text: seen.append((title, text))))
    monkeypatch.setattr(Ask, "info", classmethod(lambda cls, parent, title, text: seen.append((title, text))))
    # a printed form or export: recorded as ("已保存", path); the test does not open it in a viewer
    # (and the note about names to write in by hand, when there is one, as ("手写", note))
    def saved(cls, parent, title, path, note=""):  # type: ignore[no-untyped-def]
        seen.append(("已保存", str(path)))
        if note:
            seen.append(("手写", note))
        return False
    monkeypatch.setattr(Ask, "saved", classmethod(saved))
    return seen


@pytest.fixture(autouse=True)
def _no_blocking_message_boxes(monkeypatch):
    """A modal message box under the offscreen platform would wait forever for a click. Any dialog a test did not
    expect fails the test at once with its text instead (tests that expect one patch ``Ask`` themselves)."""
    from PySide6.QtWidgets import QMessageBox

    def unexpected(*args, **kwargs):  # type: ignore[no-untyped-def]
        texts = [a for a in args if isinstance(a, str)]
        raise AssertionError(f"unexpected message box: {texts}")
    for name in ("warning", "information", "question", "critical"):
        monkeypatch.setattr(QMessageBox, name, staticmethod(unexpected))
    monkeypatch.setattr(QMessageBox, "exec", lambda self: unexpected(self.text()))


@pytest.fixture
def settle(ctx):
    """Wait until the database worker has run every queued query and write, delivering their results (pages load
    through ``ctx.query``; a test looks at a page after ``settle()``)."""
    def wait(timeout_ms: int = 30_000) -> None:
        assert ctx.wait_idle(timeout_ms), "database worker still busy"
    return wait
