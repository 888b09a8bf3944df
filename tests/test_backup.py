"""Backups (online API), pruning, the daily schedule, and restore after an integrity check."""
from __future__ import annotations

import datetime as dt
import hashlib
import os
import sqlite3

import pytest
from sqlalchemy import select

from villagevote import township as tw
from villagevote.backup import backup_database, backup_if_due, list_backups, restore_database
from villagevote.errors import BackupError, DatabaseFileError
from villagevote.models import Village
from villagevote.models.db import open_database


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
