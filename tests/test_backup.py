"""Backups (online API), pruning, the daily schedule, and restore after an integrity check."""
from __future__ import annotations

import datetime as dt
import hashlib
import os
import sqlite3

import pytest
from sqlalchemy import select

from villagevote import township as tw
from villagevote.backup import (
    backup_database,
    backup_if_due,
    backup_time,
    list_backups,
    prune_backups,
    restore_database,
)
from villagevote.database import open_database
from villagevote.errors import BackupError, DatabaseFileError
from villagevote.models import Village


def village_names(db) -> set[str]:
    with db.session() as s:
        return set(s.scalars(select(Village.name)))


def test_backup_restore_round_trip(db, township, admin, tmp_path):
    backup = backup_database(db.path, db.backup_dir, reason="manual")
    with db.session() as s:
        tw.add_village(s, admin, township.township_id, "备份后新建村")
    assert "备份后新建村" in village_names(db)
    db.dispose()
    safety = restore_database(backup, db.path, db.backup_dir)
    reopened = open_database(db.path)
    try:
        assert village_names(reopened) == {"东村", "西村", "南村"}
    finally:
        reopened.dispose()
    # the state before the restore was kept
    with sqlite3.connect(safety) as conn:
        names = {r[0] for r in conn.execute("SELECT name FROM village")}
    assert "备份后新建村" in names


def test_backup_keeps_last_n(db):
    start = dt.datetime(2026, 1, 1, 8, 0, 0)
    for i in range(5):
        backup_database(db.path, db.backup_dir, reason="manual", keep=3, now=start + dt.timedelta(hours=i))
    kept = list_backups(db.backup_dir)
    assert len(kept) == 3
    assert kept[0].name.startswith("villagevote-20260101-120000")


def test_daily_backup_only_when_due(db):
    now = dt.datetime(2026, 3, 1, 9, 0, 0)
    first = backup_if_due(db.path, db.backup_dir, now=now)
    assert first is not None
    assert backup_if_due(db.path, db.backup_dir, now=now + dt.timedelta(hours=23)) is None
    assert backup_if_due(db.path, db.backup_dir, now=now + dt.timedelta(hours=25)) is not None


@pytest.mark.skipif(os.geteuid() == 0 if hasattr(os, "geteuid") else False,
                    reason="root ignores directory permissions; covered by the not-a-directory case")
def test_backup_to_unwritable_folder_fails_cleanly(db, tmp_path):
    locked = tmp_path / "locked"
    locked.mkdir()
    locked.chmod(0o500)
    before = hashlib.sha256(db.path.read_bytes()).hexdigest()
    with pytest.raises(BackupError):
        backup_database(db.path, locked)
    assert hashlib.sha256(db.path.read_bytes()).hexdigest() == before


def test_backup_to_a_file_path_fails_cleanly(db, township, tmp_path):
    not_a_dir = tmp_path / "plainfile"
    not_a_dir.write_text("x")
    with pytest.raises(BackupError) as info:
        backup_database(db.path, not_a_dir)
    assert "备份失败" in str(info.value)
    assert village_names(db) == {"东村", "西村", "南村"}


def test_restore_refuses_a_corrupt_backup(db, township, tmp_path):
    bad = tmp_path / "villagevote-20260101-000000-manual.sqlite3"
    backup = backup_database(db.path, db.backup_dir)
    data = bytearray(backup.read_bytes())
    data[4096 * 2:4096 * 6] = b"\x00\x13" * (4096 * 2)
    bad.write_bytes(bytes(data))
    db.dispose()
    with pytest.raises(DatabaseFileError):
        restore_database(bad, db.path, db.backup_dir)
    reopened = open_database(db.path)
    try:
        assert village_names(reopened) == {"东村", "西村", "南村"}
    finally:
        reopened.dispose()


def test_restore_refuses_a_non_database(db, tmp_path):
    junk = tmp_path / "junk.sqlite3"
    junk.write_bytes(b"PK\x03\x04 not sqlite")
    with pytest.raises(DatabaseFileError):
        restore_database(junk, db.path, db.backup_dir)


# ------------------------------------------------------------------------------------------------ retention


def fake_backup(dest_dir, source, when: dt.datetime, reason: str = "open"):
    """A backup file made at ``when`` (a hard link to one real backup: retention works on names and headers)."""
    path = dest_dir / f"villagevote-{when:%Y%m%d-%H%M%S}-{reason}.sqlite3"
    os.link(source, path)
    return path


def test_ten_starts_in_a_day_keep_the_older_days_and_months(db, tmp_path):
    today = dt.datetime(2026, 6, 15, 8, 0, 0)
    seed = backup_database(db.path, tmp_path / "seed")
    dest = db.backup_dir
    dest.mkdir(parents=True, exist_ok=True)
    for days_ago in range(1, 800):  # one start a day for more than two years
        fake_backup(dest, seed, today - dt.timedelta(days=days_ago))
    for i in range(10):  # ten starts today
        backup_database(db.path, dest, reason="open", keep=10, now=today + dt.timedelta(minutes=10 * i))
    kept = {backup_time(p) for p in list_backups(dest)}
    todays = {t for t in kept if t.date() == today.date()}
    assert len(todays) == 10
    for days_ago in range(1, 30):  # one backup of each of the last 30 days is still there
        assert any(t.date() == (today - dt.timedelta(days=days_ago)).date() for t in kept), days_ago
    older = sorted(t for t in kept if t.date() < (today - dt.timedelta(days=29)).date())
    months = [(t.year, t.month) for t in older]
    assert len(months) == len(set(months)), "older than 30 days: one backup per month"
    assert (2024, 5) in months  # the oldest month of the simulated history (within five years) is kept
    assert all(t == max(u for u in older if (u.year, u.month) == (t.year, t.month)) for t in older)
    assert len(kept) == 10 + 29 + len(months)


def test_a_term_of_daily_backups_keeps_days_months_and_the_newest(db, tmp_path):
    """Six years of one backup a day, pruned as it goes: 30 daily, 60 monthly, never fewer than ``keep``."""
    seed = backup_database(db.path, tmp_path / "seed")
    dest = db.backup_dir
    dest.mkdir(parents=True, exist_ok=True)
    start = dt.datetime(2026, 1, 1, 9, 0, 0)
    for day in range(6 * 365):
        now = start + dt.timedelta(days=day)
        fake_backup(dest, seed, now)
        prune_backups(dest, 10, now=now)
    kept = [backup_time(p) for p in list_backups(dest)]
    last = start + dt.timedelta(days=6 * 365 - 1)
    assert sum(1 for t in kept if (last - t).days < 30) == 30
    months = {(t.year, t.month) for t in kept}
    assert len(months) == 60  # the last five years, month by month
    assert min(kept) == dt.datetime(2027, 1, 31, 9, 0, 0)  # the newest of the oldest month in five years
    assert len(kept) == 30 + 60 - 1  # the current month's newest is also today's


def test_broken_backup_files_do_not_push_out_good_ones(db, tmp_path):
    dest = db.backup_dir
    now = dt.datetime(2026, 3, 1, 9, 0, 0)
    good = [backup_database(db.path, dest, reason="open", keep=3, now=now + dt.timedelta(minutes=i)) for i in range(3)]
    for i in range(5):  # newer files in the folder that are not databases (a failed copy by hand, a truncation)
        (dest / f"villagevote-20260301-10{i:02d}00-manual.sqlite3").write_bytes(b"\x00" * 100)
    backup_database(db.path, dest, reason="open", keep=3, now=now + dt.timedelta(hours=2))
    names = {p.name for p in list_backups(dest)}
    assert {p.name for p in good[1:]} <= names  # the newest three good ones: two older and the new one


def test_pre_restore_and_pre_upgrade_backups_are_kept_for_30_days(db):
    dest = db.backup_dir
    now = dt.datetime(2026, 3, 1, 9, 0, 0)
    safety = backup_database(db.path, dest, reason="pre-restore", now=now)
    for i in range(1, 15):
        backup_database(db.path, dest, reason="open", keep=2, now=now + dt.timedelta(minutes=i))
    assert safety.exists()


def test_a_copy_that_fails_quick_check_is_not_kept(tmp_path):
    """A damaged database must not produce a "backup" that could push good ones out."""
    src = tmp_path / "damaged.sqlite3"
    conn = sqlite3.connect(src)
    conn.execute("PRAGMA page_size=4096")
    conn.execute("CREATE TABLE t (id INTEGER PRIMARY KEY, x TEXT)")
    conn.execute("CREATE INDEX t_x ON t (x)")
    conn.executemany("INSERT INTO t (x) VALUES (?)", [(f"行{i:05d}" * 5,) for i in range(3000)])
    conn.commit()
    conn.close()
    data = bytearray(src.read_bytes())
    data[4096 * 20:4096 * 20 + 200] = b"\x07" * 200  # scribble over a b-tree page
    src.write_bytes(bytes(data))
    dest = tmp_path / "backups"
    with pytest.raises(BackupError) as info:
        backup_database(src, dest)
    assert "完整性检查" in str(info.value)
    assert list(dest.iterdir()) == []


def test_zero_byte_and_non_database_sources_are_refused(tmp_path):
    empty = tmp_path / "empty.sqlite3"
    empty.write_bytes(b"")
    with pytest.raises(BackupError, match="0 字节"):
        backup_database(empty, tmp_path / "b")
    junk = tmp_path / "junk.sqlite3"
    junk.write_bytes(b"PK\x03\x04" + b"x" * 2000)
    with pytest.raises(BackupError, match="不是 SQLite"):
        backup_database(junk, tmp_path / "b")
    assert not list((tmp_path / "b").glob("*")) if (tmp_path / "b").exists() else True


def test_restore_refuses_a_zero_byte_file(db, tmp_path):
    empty = tmp_path / "villagevote-20260101-000000-manual.sqlite3"
    empty.write_bytes(b"")
    db.dispose()
    with pytest.raises(DatabaseFileError, match="0 字节"):
        restore_database(empty, db.path, db.backup_dir)


def test_partial_files_of_an_interrupted_backup_are_removed_at_start(db, tmp_path):
    good = backup_database(db.path, db.backup_dir)
    leftovers = [db.backup_dir / "villagevote-20260101-080000-open.partial",
                 db.backup_dir / "villagevote-20260101-080000-open.partial-journal"]
    for p in leftovers:
        p.write_bytes(b"SQLite format 3\x00" + b"\x00" * 100)
    path = db.path
    db.dispose()
    reopened = open_database(path)
    try:
        assert not any(p.exists() for p in leftovers)
        assert good.exists()
    finally:
        reopened.dispose()


# ------------------------------------------------------------------------------------------------ page sizes


def page_size(path) -> int:
    conn = sqlite3.connect(path)
    try:
        return conn.execute("PRAGMA page_size").fetchone()[0]
    finally:
        conn.close()


def to_page_size(path, size: int) -> None:
    conn = sqlite3.connect(path, isolation_level=None)
    try:
        conn.execute("PRAGMA journal_mode=DELETE")
        conn.execute(f"PRAGMA page_size={size}")
        conn.execute("VACUUM")
    finally:
        conn.close()
    assert page_size(path) == size


@pytest.mark.parametrize("live_size, backup_size", [(16384, 4096), (4096, 16384)])
def test_restore_between_page_sizes(db, township, admin, live_size, backup_size):
    backup = backup_database(db.path, db.backup_dir, reason="manual")
    if backup_size != 16384:
        to_page_size(backup, backup_size)
    path = db.path
    with db.session() as s:
        tw.add_village(s, admin, township.township_id, "备份后新建村")
    db.dispose()
    if live_size != 16384:
        to_page_size(path, live_size)
    live = open_database(path)
    with live.engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA page_size").scalar() == live_size
    live.dispose()
    restore_database(backup, path, db.backup_dir)
    reopened = open_database(path)
    try:
        assert village_names(reopened) == {"东村", "西村", "南村"}
        with reopened.engine.connect() as conn:
            assert conn.exec_driver_sql("PRAGMA page_size").scalar() == backup_size
            assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
            assert conn.exec_driver_sql("PRAGMA integrity_check").scalar() == "ok"
    finally:
        reopened.dispose()


def test_backup_list_says_when_and_why_each_backup_was_made(db):
    """The 备份 tab lists each backup with its time and a Chinese reason, newest first, and states the policy."""
    from villagevote.backup import describe_backups, retention_text
    start = dt.datetime(2026, 11, 1, 9, 0, 0)
    backup_database(db.path, db.backup_dir, reason="pre-upgrade", now=start)
    backup_database(db.path, db.backup_dir, reason="manual", now=start + dt.timedelta(days=1))
    entries = describe_backups(db.backup_dir)
    assert [(e.made, e.reason) for e in entries] == [(start + dt.timedelta(days=1), "手动备份"), (start, "升级前备份")]
    assert all(e.size_kb > 0 for e in entries)
    assert "最近 7 份" in retention_text(7) and "每月" in retention_text(7)
