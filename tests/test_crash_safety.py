"""Crash safety with real processes: a re-open of the live file never costs a save, a hot rollback journal is
recovered (after a copy) instead of being called corruption, and a second program instance is refused.

Children are started with the test's Python and environment; they print a word when they reach a point and then
wait on stdin, so the parent decides when each step happens (no timing) and kills them with SIGKILL."""
from __future__ import annotations

import hashlib
import json
import signal
import sqlite3
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from villagevote.checkdb import check_database
from villagevote.database import open_database
from villagevote.models.db import DatabaseInUse, journal_path

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="SIGKILL and POSIX locks; the logic is shared")


class Child:
    """A Python child process driven line by line over stdin/stdout."""

    def __init__(self, code: str, *args: str) -> None:
        self.proc = subprocess.Popen([sys.executable, "-c", textwrap.dedent(code), *args], stdin=subprocess.PIPE,
                                     stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)

    def expect(self, word: str) -> None:
        line = self.proc.stdout.readline().strip()  # type: ignore[union-attr]
        if line != word:
            self.proc.kill()
            errors = self.proc.stderr.read()  # type: ignore[union-attr]
            raise AssertionError(f"child said {line!r}, expected {word!r}; stderr:\n{errors}")

    def go(self) -> None:
        self.proc.stdin.write("go\n")  # type: ignore[union-attr]
        self.proc.stdin.flush()  # type: ignore[union-attr]

    def kill(self) -> None:
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait()
        self.proc.stdin.close()  # type: ignore[union-attr]
        self.proc.stdout.close()  # type: ignore[union-attr]
        self.proc.stderr.close()  # type: ignore[union-attr]


def settings(path: Path) -> dict[str, str]:
    conn = sqlite3.connect(path)
    try:
        return {k: json.loads(v) for k, v in conn.execute("SELECT key, value FROM setting WHERE key LIKE 'probe%'")}
    finally:
        conn.close()


def sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


LOST_SAVE_CHILD = """
    import sys
    from sqlalchemy import text
    from villagevote.database import open_database

    path = sys.argv[1]
    db = open_database(path)
    with db.session() as s:
        s.execute(text("INSERT INTO setting (key, value) VALUES ('probe-1', '\\"first\\"')"))
    # 文件 → 打开数据库 on the file that is already open: the GUI's Controller.open calls open_database on the path,
    # then disposes the Database it had before.
    again = open_database(path)
    db.dispose()
    db = again
    print("saved-1", flush=True)
    sys.stdin.readline()  # meanwhile another program opens and closes the file
    with db.session() as s:
        s.execute(text("INSERT INTO setting (key, value) VALUES ('probe-2', '\\"second\\"')"))
    print("saved-2", flush=True)
    sys.stdin.readline()  # killed here
"""

OTHER_READER = """
    import sqlite3, sys
    conn = sqlite3.connect(sys.argv[1])
    conn.execute("SELECT count(*) FROM setting").fetchone()
    conn.close()
"""


def test_reopening_the_live_file_then_another_reader_loses_no_save(tmp_path):
    """SQLite's "How To Corrupt" §2.2: a plain open()/close() of the live file by the program drops its POSIX locks;
    another process closing the file then deletes the -wal the program still writes into, and every later save is
    lost in a crash. Re-opening the same path must reuse the open database without touching the file."""
    path = tmp_path / "town.sqlite3"
    open_database(path).dispose()
    writer = Child(LOST_SAVE_CHILD, str(path))
    try:
        writer.expect("saved-1")
        subprocess.run([sys.executable, "-c", textwrap.dedent(OTHER_READER), str(path)], check=True)
        writer.go()
        writer.expect("saved-2")
    finally:
        writer.kill()
    assert settings(path) == {"probe-1": "first", "probe-2": "second"}


HOT_JOURNAL_CHILD = """
    import sys
    from sqlalchemy import text
    import villagevote.models.db as dbmod
    from villagevote.database import open_database

    dbmod.is_network_path = lambda p: True  # a file on a network share: rollback journal (DELETE mode), no WAL
    db = open_database(sys.argv[1])
    with db.session() as s:
        assert s.execute(text("PRAGMA journal_mode")).scalar() == "delete"
        s.execute(text("PRAGMA cache_size=2"))  # spill changed pages into the database file before the commit
        s.execute(text("UPDATE setting SET value = '\\"changed\\"' WHERE key LIKE 'probe%'"))
        print("writing", flush=True)
        sys.stdin.readline()  # killed here, in the middle of the transaction
"""


def test_hot_journal_after_a_kill_is_rolled_back_after_a_copy(tmp_path):
    path = tmp_path / "town.sqlite3"
    db = open_database(path)
    with db.engine.begin() as conn:
        conn.exec_driver_sql("INSERT INTO setting (key, value) VALUES " + ", ".join(
            f"('probe{i:04d}', '\"{'原' * 600}{i}\"')" for i in range(400)))
    before = settings(path)
    db.dispose()
    child = Child(HOT_JOURNAL_CHILD, str(path))
    try:
        child.expect("writing")
    finally:
        child.kill()
    journal = journal_path(path)
    assert journal.exists() and journal.stat().st_size > 0
    with pytest.raises(sqlite3.OperationalError, match="readonly"):  # the state that was called corruption
        sqlite3.connect(path.as_uri() + "?mode=ro", uri=True).execute("SELECT count(*) FROM setting").fetchone()
    db_sha, journal_sha = sha(path), sha(journal)

    # check-db never writes: it says what it found, checks a rolled-back temporary copy, and leaves the files alone
    report = check_database(path)
    text = "\n".join(report.lines)
    assert report.ok, text
    assert "回滚日志" in text and "这不是数据库损坏" in text and "已损坏" not in text and "integrity_check: ok" in text
    assert sha(path) == db_sha and sha(journal) == journal_sha

    reopened = open_database(path)
    try:
        assert settings(path) == before  # the committed state, whole; the interrupted update is gone
        with reopened.engine.connect() as conn:
            assert conn.exec_driver_sql("PRAGMA integrity_check").scalar() == "ok"
    finally:
        reopened.dispose()
    assert not journal.exists()
    copies = list(reopened.backup_dir.glob("hot-journal-*"))
    assert len(copies) == 1
    assert sha(copies[0] / path.name) == db_sha and sha(copies[0] / journal.name) == journal_sha


HOLDER_CHILD = """
    import sys
    from villagevote.database import open_database
    db = open_database(sys.argv[1])
    print("open", flush=True)
    sys.stdin.readline()
    db.dispose()
    print("closed", flush=True)
    sys.stdin.readline()
"""


def test_second_instance_is_refused_while_check_db_may_read(tmp_path):
    path = tmp_path / "town.sqlite3"
    open_database(path).dispose()
    holder = Child(HOLDER_CHILD, str(path))
    try:
        holder.expect("open")
        before = sha(path)
        with pytest.raises(DatabaseInUse) as info:
            open_database(path)
        message = str(info.value)
        assert "另一个 villagevote 程序" in message and str(path) in message and f"pid {holder.proc.pid}" in message
        assert sha(path) == before
        report = check_database(path)
        assert report.ok and any("正由另一个 villagevote 程序打开" in line for line in report.lines)
        holder.go()
        holder.expect("closed")
        open_database(path).dispose()  # free again once the other program has closed it
    finally:
        holder.kill()


def test_a_killed_instance_does_not_keep_the_file_locked(tmp_path):
    path = tmp_path / "town.sqlite3"
    open_database(path).dispose()
    holder = Child(HOLDER_CHILD, str(path))
    try:
        holder.expect("open")
    finally:
        holder.kill()
    open_database(path).dispose()


def test_a_command_beside_the_open_program_runs_but_never_upgrades_under_it(tmp_path):
    """``villagevote print`` while a program window has the file: one short unit of work beside it (the window keeps
    its lock); a file that would need an upgrade is refused instead of being migrated under the window."""
    from villagevote.models.db import head_revision
    path = tmp_path / "town.sqlite3"
    open_database(path).dispose()
    holder = Child(HOLDER_CHILD, str(path))
    try:
        holder.expect("open")
        beside = open_database(path, beside_program=True)
        try:
            with beside.session() as s:
                assert s.connection().exec_driver_sql("SELECT count(*) FROM app_user").scalar() == 0
        finally:
            beside.dispose()
        with pytest.raises(DatabaseInUse):  # the window still holds the file
            open_database(path)
        conn = sqlite3.connect(path)
        conn.execute("UPDATE alembic_version SET version_num = '0008_voter_sort_keys'")
        conn.commit()
        conn.close()
        with pytest.raises(Exception, match="需要升级.*正被另一个 villagevote 程序打开"):
            open_database(path, beside_program=True)
        conn = sqlite3.connect(path)
        assert conn.execute("SELECT version_num FROM alembic_version").fetchone()[0] == "0008_voter_sort_keys"
        conn.execute("UPDATE alembic_version SET version_num = ?", (head_revision(),))
        conn.commit()
        conn.close()
    finally:
        holder.kill()
