"""Database lifecycle: create, upgrade an old file, refuse newer/non-SQLite/corrupt files untouched, pragmas."""
from __future__ import annotations

import hashlib
import shutil
import sqlite3
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import select, text

from tests.helpers_migrations import downgrade
from villagevote.database import open_database
from villagevote.errors import DatabaseFileError
from villagevote.models import Base, Person, Township
from villagevote.models.db import head_revision

FIXTURE = Path(__file__).parent / "fixtures" / "db_0001.sqlite3"


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_new_database_is_at_head_with_pragmas(db):
    assert db.revision() == head_revision()
    with db.engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() >= 1000
        assert conn.exec_driver_sql("PRAGMA page_size").scalar() == 16384


def test_models_match_migrations(db):
    """Every model change must come with a migration: the migrated schema equals the ORM metadata."""
    with db.engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), Base.metadata)
    assert diff == []


def test_check_constraints_in_the_migrated_schema_are_the_models(db, township):
    """compare_metadata does not compare CHECK constraints: every enum check of the migrated schema must allow exactly
    the enum's values (the voter table's are OR chains since migration 0007, the others IN lists), and still refuse
    anything else."""
    import re

    from sqlalchemy.exc import IntegrityError
    from sqlalchemy.schema import CreateTable

    def checks(sql: str) -> dict[str, set[str]]:
        found = {}
        for name, body in re.findall(r"CONSTRAINT (ck_\w+) CHECK \((.*?)\)(?:,|\s*\)$|\s*$)", sql, re.M):
            found[name] = set(re.findall(r"'([^']*)'", body))
        return found

    with db.engine.connect() as conn:
        stored = {name: sql for name, sql in conn.exec_driver_sql(
            "SELECT name, sql FROM sqlite_master WHERE type='table' AND name NOT LIKE 'alembic%'")}
        for table in Base.metadata.sorted_tables:
            assert checks(stored[table.name]) == checks(str(CreateTable(table).compile(conn))), table.name
    assert "category = 'resident' OR" in stored["voter"] and " IN (" not in stored["voter"]
    insert = ("INSERT INTO voter (cycle_id, village_id, name, name_initials, gender, category, status, status_reason, "
              "consent_note, source) VALUES (?, ?, '张三', 'zs', ?, ?, ?, '', '', '')")
    ids = (township.cycle_id, township.village_ids[0])
    for values in (("male", "resident", "active"), (None, "nonregistered_resident", "removed")):
        with db.engine.begin() as conn:
            conn.exec_driver_sql(insert, ids + values)
    for values in (("男", "resident", "active"), ("male", "nobody", "active"), ("male", "resident", "gone")):
        with pytest.raises(IntegrityError, match="CHECK constraint failed"), db.engine.begin() as conn:
            conn.exec_driver_sql(insert, ids + values)


def test_upgrade_recomputes_voter_sort_keys(tmp_path, township, db):
    """Migration 0008 rewrites every stored 姓氏笔画 key in the current format (a register sorted with stale keys
    would page in the wrong order)."""
    from villagevote.voters.search import name_sort_key

    db.dispose()
    downgrade(db.path, "0010_person_findings")
    with db.engine.begin() as conn:
        for name in ("王五", "丁一", "欧阳修"):
            conn.exec_driver_sql(
                "INSERT INTO voter (cycle_id, village_id, name, name_initials, name_sort, category, status, "
                "status_reason, consent_note, source) VALUES (?, ?, ?, '', 'old format', 'resident', 'active', "
                "'', '', '')", (township.cycle_id, township.village_ids[0], name))
        conn.exec_driver_sql("UPDATE alembic_version SET version_num = '0007_voter_bulk_insert'")
        # undo the later revisions' columns so the upgrade from 0007 runs them again
        for table, column in (("audit_log", "prev_hash"), ("audit_log", "row_hash"), ("contest", "official_digest"),
                              ("person", "version"), ("candidacy", "version"), ("voter", "version")):
            conn.exec_driver_sql(f"ALTER TABLE {table} DROP COLUMN {column}")
        # and the finding table's shape before 0010 (per candidacy), which 0010 rebuilds
        conn.exec_driver_sql("DROP TABLE finding")
        conn.exec_driver_sql(
            "CREATE TABLE finding (id INTEGER PRIMARY KEY, candidacy_id INTEGER NOT NULL, rule_id INTEGER NOT NULL, "
            "result VARCHAR(32) NOT NULL, department VARCHAR(64) NOT NULL, evidence TEXT NOT NULL, event_date DATE, "
            "expiry_date DATE, recorded_by VARCHAR(64) NOT NULL, recorded_at DATETIME NOT NULL, created_at DATETIME, "
            "updated_at DATETIME)")
    path = db.path
    db.dispose()
    reopened = open_database(path)
    try:
        with reopened.engine.connect() as conn:
            stored = conn.exec_driver_sql("SELECT name, name_sort FROM voter ORDER BY name_sort").fetchall()
        assert [name for name, _ in stored] == ["丁一", "王五", "欧阳修"]
        assert all(key == name_sort_key(name) for name, key in stored)
    finally:
        reopened.dispose()


def test_old_fixture_upgrades_to_head_and_keeps_data(tmp_path):
    path = tmp_path / "old.sqlite3"
    shutil.copy(FIXTURE, path)
    db = open_database(path)
    try:
        assert db.revision() == head_revision()
        with db.session() as s:
            assert s.scalar(select(Township.name)) == "旧版镇"
            assert s.scalar(select(Person.name).where(Person.id_number == "11010519491231002X")) == "王老"
        backups = list(db.backup_dir.glob("villagevote-*-pre-upgrade.sqlite3"))
        assert len(backups) == 1, "a backup must be taken before migrating"
        with sqlite3.connect(backups[0]) as conn:
            assert conn.execute("SELECT version_num FROM alembic_version").fetchone()[0] == "0001_initial"
    finally:
        db.dispose()


def test_newer_schema_is_refused_and_file_untouched(tmp_path):
    path = tmp_path / "newer.sqlite3"
    shutil.copy(FIXTURE, path)
    with sqlite3.connect(path) as conn:
        conn.execute("UPDATE alembic_version SET version_num='9999_from_the_future'")
    before = digest(path)
    with pytest.raises(DatabaseFileError) as info:
        open_database(path)
    assert "更新版本" in str(info.value)
    assert digest(path) == before
    assert not Path(str(path) + "-wal").exists()


def test_not_sqlite_file_is_refused_untouched(tmp_path):
    path = tmp_path / "notes.sqlite3"
    path.write_text("这不是数据库", encoding="utf-8")
    before = digest(path)
    with pytest.raises(DatabaseFileError) as info:
        open_database(path)
    assert "不是 SQLite" in str(info.value)
    assert digest(path) == before


def test_corrupted_file_is_refused_untouched(tmp_path):
    path = tmp_path / "broken.sqlite3"
    shutil.copy(FIXTURE, path)
    data = bytearray(path.read_bytes())
    data[4096:4096 * 40] = b"\xff" * (4096 * 39)  # smash pages after the header page
    path.write_bytes(bytes(data))
    before = digest(path)
    with pytest.raises(DatabaseFileError):
        open_database(path)
    assert digest(path) == before


def test_foreign_keys_are_enforced(db, township):
    from sqlalchemy.exc import IntegrityError

    from villagevote.models import Village
    with pytest.raises(IntegrityError):
        with db.session() as s:
            s.add(Village(township_id=999, name="孤村"))
    with db.session() as s:
        assert s.scalar(select(Village).where(Village.name == "孤村")) is None


def test_enum_check_constraint_rejects_unknown_values(db, township):
    from sqlalchemy.exc import IntegrityError
    with pytest.raises(IntegrityError):
        with db.session() as s:
            s.execute(text("UPDATE organization SET kind='parliament'"))


def test_reopening_an_open_path_reuses_it_and_never_opens_the_file(tmp_path, monkeypatch):
    """A plain open()/close() of the live file would drop this process's SQLite locks (see test_crash_safety)."""
    import builtins

    from villagevote.models.db import inspect_file, open_here

    path = tmp_path / "town.sqlite3"
    db = open_database(path)
    link = tmp_path / "link.sqlite3"
    link.symlink_to(path)
    opened: list[str] = []
    real_open = builtins.open

    def spy(file, *args, **kwargs):  # type: ignore[no-untyped-def]
        opened.append(str(file))
        return real_open(file, *args, **kwargs)
    monkeypatch.setattr(builtins, "open", spy)
    again = open_database(path)
    through_link = open_database(link)
    assert again is db and through_link is db and open_here(link) is db
    assert inspect_file(path).revision == head_revision()
    assert not [f for f in opened if Path(f).resolve() == path.resolve()]
    monkeypatch.setattr(builtins, "open", real_open)
    through_link.dispose()
    again.dispose()
    with db.session() as s:  # still open for its first user
        assert s.scalar(select(Township.name)) is None
    db.dispose()
    assert open_here(path) is None
    fresh = open_database(path)
    assert fresh is not db
    fresh.dispose()
    db.dispose()  # a second dispose of a closed Database does nothing


def test_zero_byte_file_is_refused_unless_creating(tmp_path):
    path = tmp_path / "town.sqlite3"
    path.write_bytes(b"")
    with pytest.raises(DatabaseFileError) as info:
        open_database(path)
    assert "0 字节" in str(info.value) and str(path) in str(info.value)
    assert path.read_bytes() == b""
    assert not Path(str(path) + "-wal").exists()
    db = open_database(path, create=True)  # 新建数据库: the caller means a new, empty database
    try:
        assert db.revision() == head_revision()
    finally:
        db.dispose()


def test_zero_byte_message_points_to_the_newest_backup(tmp_path):
    from villagevote.backup import backup_database
    path = tmp_path / "town.sqlite3"
    db = open_database(path)
    backup = backup_database(db.path, db.backup_dir, reason="open")
    db.dispose()
    path.write_bytes(b"")  # truncated by a failed copy
    with pytest.raises(DatabaseFileError) as info:
        open_database(path)
    assert backup.name in str(info.value) and "town.sqlite3" in str(info.value)


def test_a_missing_file_is_created(tmp_path):
    db = open_database(tmp_path / "new" / "town.sqlite3")
    try:
        assert db.revision() == head_revision()
    finally:
        db.dispose()


def test_revision_graph_read_from_the_scripts_is_alembics():
    """head_revision/known_revisions read the scripts' text (no alembic import at start-up): the same as alembic."""
    from alembic.script import ScriptDirectory

    from villagevote.models.db import alembic_config, known_revisions, revision_graph
    scripts = ScriptDirectory.from_config(alembic_config())
    assert head_revision() == scripts.get_current_head()
    assert known_revisions() == {rev.revision for rev in scripts.walk_revisions()}
    assert revision_graph() == {rev.revision: tuple(rev._all_down_revisions) for rev in scripts.walk_revisions()}


def test_opening_a_current_database_imports_no_alembic(tmp_path, db):
    """Start-up: a file already at head is neither migrated nor made to import alembic (~0.3 s)."""
    import subprocess
    import sys
    path = tmp_path / "current.sqlite3"
    with db.engine.connect() as conn:
        conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    shutil.copyfile(db.path, path)
    code = ("import sys; from villagevote.database import open_database; "
            f"d = open_database({str(path)!r}); print(d.revision(), 'alembic' in sys.modules); d.dispose()")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.split()
    assert out == [head_revision(), "False"]


def test_defaults_are_seeded_once_per_program_not_at_every_open(tmp_path, monkeypatch):
    """Start-up: a file seeded by this very program (same fingerprint) is not seeded again; a file seeded by another
    program (no or another fingerprint) is, and then carries this program's fingerprint."""
    import villagevote.seed
    from villagevote.models.db import SEED_FINGERPRINT_KEY, seed_fingerprint
    path = tmp_path / "seeded.sqlite3"
    open_database(path).dispose()
    calls: list[int] = []
    real = villagevote.seed.seed_defaults
    monkeypatch.setattr(villagevote.seed, "seed_defaults", lambda s: calls.append(1) or real(s))
    db = open_database(path)
    with db.session() as s:
        assert s.execute(text("SELECT value FROM setting WHERE key = :k"), {"k": SEED_FINGERPRINT_KEY}).scalar() \
            == f'"{seed_fingerprint()}"'
        s.execute(text("DELETE FROM setting WHERE key = :k"), {"k": SEED_FINGERPRINT_KEY})  # an older program's file
    db.dispose()
    assert calls == []
    db = open_database(path)
    db.dispose()
    assert calls == [1]
    open_database(path).dispose()
    assert calls == [1]


def test_upgrade_to_0011_numbers_existing_commitments_and_weeks(tmp_path, township, db):
    """Migration 0011 completes the commitments and reports written before it: the cycle and village of the
    candidacy, a ledger number per village in id order, the current deadline, and the ISO week of each report; its
    downgrade keeps them and the upgrade again gives the same numbers."""
    from villagevote.models.enums import CandidacyStatus

    db.dispose()
    downgrade(db.path, "0010_person_findings")
    with db.engine.begin() as conn:
        person = conn.exec_driver_sql("INSERT INTO person (name, name_initials, phone, current_post, note, version) "
                                      "VALUES ('王五', 'ww', '', '', '', 1)").lastrowid
        org = conn.exec_driver_sql("SELECT id FROM organization WHERE village_id = ? AND cycle_id = ? LIMIT 1",
                                   (township.village_ids[0], township.cycle_id)).scalar()
        cand = conn.exec_driver_sql(
            "INSERT INTO candidacy (person_id, organization_id, cycle_id, post, source, status, status_reason, "
            "incumbent, version) VALUES (?, ?, ?, '主任', 'self', ?, '', 0, 1)",
            (person, org, township.cycle_id, CandidacyStatus.ELECTED.value)).lastrowid
        ids = [conn.exec_driver_sql(
            "INSERT INTO commitment (candidacy_id, title, category, target, deadline, weight, status, percent_done, "
            "final_verdict_note) VALUES (?, ?, '', '', '2027-06-30', 1, 'registered', 0, '')",
            (cand, title)).lastrowid for title in ("修路", "建桥")]
        conn.exec_driver_sql("INSERT INTO progress_report (commitment_id, reported_on, percent, narrative, evidence, "
                             "reported_by) VALUES (?, '2027-01-06', 10, '', '', '')", (ids[0],))
    db.dispose()
    reopened = open_database(db.path)
    try:
        with reopened.engine.connect() as conn:
            rows = conn.exec_driver_sql("SELECT ledger_no, cycle_id, village_id, deadline_current FROM commitment "
                                        "ORDER BY id").fetchall()
            village = conn.exec_driver_sql("SELECT name FROM village WHERE id = ?",
                                           (township.village_ids[0],)).scalar()
            year = conn.exec_driver_sql("SELECT year FROM election_cycle WHERE id = ?", (township.cycle_id,)).scalar()
            period = conn.exec_driver_sql("SELECT period FROM progress_report").scalar()
    finally:
        reopened.dispose()
    short = village[:-1] if village.endswith("村") else village
    assert [r[0] for r in rows] == [f"{short}-{year}-001", f"{short}-{year}-002"]
    assert {(r[1], r[2]) for r in rows} == {(township.cycle_id, township.village_ids[0])}
    assert str(rows[0][3]) == "2027-06-30"
    assert period == "2027-W01"


def test_upgrade_to_0012_tags_the_resignation_rule_of_frozen_rule_sets(db, township):
    """A rule set already in use (frozen, so seeding leaves it alone) gets the resignation_refusal cover tag on
    zhejiang-2013's S4 from migration 0012; the downgrade takes it away again and nothing else changes."""
    import json

    with db.engine.begin() as conn:
        rows = conn.exec_driver_sql(
            "SELECT r.id, r.covers FROM rule r JOIN rule_set s ON s.id = r.rule_set_id "
            "WHERE s.catalog_key = 'zhejiang-2013' AND r.code = 'S4'").fetchall()
        assert rows, "the demo catalog has rule S4"
        for rule_id, _ in rows:
            conn.exec_driver_sql("UPDATE rule SET covers = '[]' WHERE id = ?", (rule_id,))
        conn.exec_driver_sql("UPDATE rule_set SET frozen = 1")
        conn.exec_driver_sql("UPDATE alembic_version SET version_num = '0011_tracking'")
    db.dispose()
    reopened = open_database(db.path)
    reopened.dispose()
    with sqlite3.connect(db.path) as conn:
        covers = [json.loads(c) for (c,) in conn.execute(
            "SELECT r.covers FROM rule r JOIN rule_set s ON s.id = r.rule_set_id "
            "WHERE s.catalog_key = 'zhejiang-2013' AND r.code = 'S4'")]
    assert covers and all(c == ["resignation_refusal"] for c in covers)
    downgrade(db.path, "0011_tracking")
    with sqlite3.connect(db.path) as conn:
        covers = [json.loads(c) for (c,) in conn.execute(
            "SELECT r.covers FROM rule r JOIN rule_set s ON s.id = r.rule_set_id "
            "WHERE s.catalog_key = 'zhejiang-2013' AND r.code = 'S4'")]
    assert all(c == [] for c in covers)
