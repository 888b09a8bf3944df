"""The one entry point to a township database: check, back up, migrate, seed, and hand out sessions.

``open_database(path)`` refuses files that are not SQLite, are corrupt, or were written by a newer villagevote
(leaving them untouched), backs the file up with SQLite's online backup API before any migration, runs the Alembic
migrations programmatically in one exclusive transaction, and seeds defaults. Every connection gets
``foreign_keys=ON``, a busy timeout, and WAL journaling unless the file sits on a network share.
"""
from __future__ import annotations

import contextlib
import os
import sqlite3
import sys
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterator

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import create_engine, event, text
from sqlalchemy.engine import Engine
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.orm.exc import StaleDataError

from villagevote.errors import DatabaseBusy, DatabaseFileError, EditConflict
from villagevote.i18n import tr
from villagevote.resources import migrations_dir

SQLITE_HEADER = b"SQLite format 3\x00"
# How long a transaction waits for another connection's lock before giving up (DatabaseBusy). Reads in WAL mode never
# wait; writes wait for the writer before them. 5 s in the GUI thread, which freezes while it waits (Windows marks a
# window "not responding" after 5 s) — a 50,000-voter import by another clerk holds the lock about 1 s. Background
# jobs (imports, batch prints) show a progress dialog and may wait longer.
BUSY_TIMEOUT_MS = 5000
BACKGROUND_BUSY_TIMEOUT_MS = 15000


def alembic_config() -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(migrations_dir()))
    return cfg


def head_revision() -> str:
    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    assert head is not None
    return head


def known_revisions() -> set[str]:
    return {rev.revision for rev in ScriptDirectory.from_config(alembic_config()).walk_revisions()}


def is_network_path(path: Path) -> bool:
    """True for UNC paths / mapped network drives on Windows and NFS/SMB mounts on Linux (WAL is unsafe there)."""
    text_path = str(path)
    if text_path.startswith("\\\\") or text_path.startswith("//"):
        return True
    if sys.platform == "win32":  # pragma: no cover - Windows only
        import ctypes
        drive = os.path.splitdrive(os.path.abspath(text_path))[0] + "\\"
        return ctypes.windll.kernel32.GetDriveTypeW(drive) == 4  # DRIVE_REMOTE
    try:
        mounts = Path("/proc/mounts").read_text().splitlines()
    except OSError:
        return False
    resolved = str(path.resolve())
    best, best_type = "", ""
    for line in mounts:
        parts = line.split()
        if len(parts) >= 3 and resolved.startswith(parts[1]) and len(parts[1]) > len(best):
            best, best_type = parts[1], parts[2]
    return best_type in {"nfs", "nfs4", "cifs", "smbfs", "smb3", "fuse.sshfs", "9p"}


PAGE_SIZE = 16384


def _install_pragmas(engine: Engine, *, wal: bool, foreign_keys: bool = True) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn, _record):  # type: ignore[no-untyped-def]
        dbapi_conn.isolation_level = None  # we emit BEGIN ourselves (transactional DDL, see below)
        cur = dbapi_conn.cursor()
        cur.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
        _record.info["busy_timeout"] = BUSY_TIMEOUT_MS
        cur.execute(f"PRAGMA foreign_keys={'ON' if foreign_keys else 'OFF'}")
        # Takes effect only when the file is created (a no-op for existing files): 16 KiB pages make the bulk writes
        # of a register import (50,000 voters) and the demo build cheaper than SQLite's default 4 KiB (measured
        # 4 KiB / 16 KiB on a 50,000-row import including the WAL checkpoint: median 0.63 s / 0.57 s).
        cur.execute(f"PRAGMA page_size={PAGE_SIZE}")
        cur.execute(f"PRAGMA journal_mode={'WAL' if wal else 'DELETE'}")
        cur.execute("PRAGMA synchronous=NORMAL")
        cur.close()

    # The DB-API connections of this engine that began a write transaction, per thread. A second write transaction
    # in the same thread would wait for the lock its own thread holds, so it is refused at once (RuntimeError, a
    # programming error) instead of failing after the timeout. Entries that are no longer in a transaction (committed,
    # rolled back, closed) are dropped on the next BEGIN.
    writers = threading.local()

    def _still_writing(dbapi_conn: sqlite3.Connection) -> bool:
        try:
            return dbapi_conn.in_transaction
        except sqlite3.ProgrammingError:  # closed
            return False

    @event.listens_for(engine, "begin")
    def _on_begin(conn):  # type: ignore[no-untyped-def]
        mode = conn.get_execution_options().get("sqlite_begin", "")
        dbapi_conn = conn.connection.dbapi_connection
        timeout = BUSY_TIMEOUT_MS
        if mode:
            open_writes = [c for c in getattr(writers, "open", []) if c is not dbapi_conn and _still_writing(c)]
            writers.open = open_writes
            if open_writes:
                raise RuntimeError("nested write transaction in one thread: it would wait for the thread's own lock "
                                   "(use db.read_session() for the inner reads, or pass the outer session down)")
            if threading.current_thread() is not threading.main_thread():
                timeout = BACKGROUND_BUSY_TIMEOUT_MS
        info = conn.connection.info
        if info.get("busy_timeout") != timeout:
            conn.exec_driver_sql(f"PRAGMA busy_timeout={int(timeout)}")
            info["busy_timeout"] = timeout
        conn.exec_driver_sql(f"BEGIN {mode}".strip())
        if mode:
            writers.open.append(dbapi_conn)

    @event.listens_for(engine, "checkin")
    def _on_checkin(dbapi_conn, record):  # type: ignore[no-untyped-def]
        # a connection used by Database.read_session() goes back to the pool writable
        if record.info.pop("query_only", False) and dbapi_conn is not None:
            dbapi_conn.execute("PRAGMA query_only=OFF")


def make_engine(path: Path, *, foreign_keys: bool = True) -> Engine:
    engine = create_engine(f"sqlite:///{path}", future=True)
    _install_pragmas(engine, wal=not is_network_path(path), foreign_keys=foreign_keys)
    return engine


@dataclass
class FileInfo:
    """What a read-only look at a database file found."""
    revision: str | None
    has_tables: bool


def inspect_file(path: Path) -> FileInfo:
    """Look at a file without changing it; raise DatabaseFileError when it cannot be used."""
    path = Path(path)
    try:
        with open(path, "rb") as fh:
            header = fh.read(16)
    except OSError as exc:
        raise DatabaseFileError(tr("无法读取文件：{path}（{error}）").format(path=path, error=exc)) from exc
    if header != SQLITE_HEADER:
        raise DatabaseFileError(tr("所选文件不是 villagevote 数据库（不是 SQLite 数据库文件）：{path}").format(path=path))
    try:
        conn = sqlite3.connect(path.resolve().as_uri() + "?mode=ro", uri=True)
    except sqlite3.Error as exc:
        raise DatabaseFileError(tr("无法打开数据库文件：{path}（{error}）").format(path=path, error=exc)) from exc
    try:
        try:
            check = conn.execute("PRAGMA quick_check").fetchone()[0]
        except sqlite3.DatabaseError as exc:
            raise DatabaseFileError(tr("数据库文件已损坏，无法读取：{path}（{error}）").format(path=path, error=exc)) from exc
        if check != "ok":
            raise DatabaseFileError(tr("数据库文件已损坏（完整性检查：{check}）：{path}").format(check=check, path=path))
        tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        revision = None
        if "alembic_version" in tables:
            row = conn.execute("SELECT version_num FROM alembic_version").fetchone()
            revision = row[0] if row else None
        elif tables:
            raise DatabaseFileError(tr("所选文件是 SQLite 数据库，但不是 villagevote 数据库：{path}").format(path=path))
        return FileInfo(revision=revision, has_tables=bool(tables))
    finally:
        conn.close()


def check_revision_supported(revision: str | None, path: Path) -> None:
    if revision is not None and revision not in known_revisions():
        raise DatabaseFileError(tr(
            "此数据库由更新版本的 villagevote 写入（数据库结构版本 {rev}），当前程序无法识别。"
            "为保护数据，文件未作任何改动。请升级程序后再打开：{path}").format(rev=revision, path=path))


def migrate(path: Path, *, target: str = "head") -> None:
    """Run migrations in one exclusive transaction with foreign keys off (SQLite table rebuilds need it) and a
    foreign-key check before commit."""
    engine = make_engine(path, foreign_keys=False)
    try:
        with engine.connect().execution_options(sqlite_begin="EXCLUSIVE") as conn:
            with conn.begin():
                cfg = alembic_config()
                cfg.attributes["connection"] = conn
                command.upgrade(cfg, target)
                problems = conn.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
                if problems:
                    raise DatabaseFileError(tr("数据库升级后外键检查失败（{n} 处），升级已撤销。").format(n=len(problems)))
    finally:
        engine.dispose()


_BUSY_MESSAGES = ("database is locked", "database is busy", "database table is locked")


def is_busy_error(exc: BaseException) -> bool:
    """True for SQLite's "database is locked"/"busy", raw (sqlite3) or wrapped by SQLAlchemy."""
    orig = exc.orig if isinstance(exc, DBAPIError) else exc
    return isinstance(orig, sqlite3.OperationalError) and any(m in str(orig).lower() for m in _BUSY_MESSAGES)


def _raise_translated(exc: BaseException) -> None:
    """Raise the user-facing error for a lock timeout or an ORM version clash; return for anything else."""
    if is_busy_error(exc):
        raise DatabaseBusy() from exc
    if isinstance(exc, StaleDataError):
        raise EditConflict(tr("要保存的记录已被其他用户修改或删除，本次没有保存。请刷新后再改。")) from exc


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


@dataclass
class Database:
    path: Path
    engine: Engine
    backup_dir: Path
    session_factory: sessionmaker = field(repr=False)

    @contextlib.contextmanager
    def session(self) -> Iterator[Session]:
        """A write unit of work: commits on success, rolls back everything on any error.

        The transaction starts with ``BEGIN IMMEDIATE`` (at the session's first statement), so it takes SQLite's
        write lock before it reads anything and waits out the busy timeout for another writer. A deferred
        transaction would read first and upgrade at its first write; in WAL mode an upgrade from a snapshot that
        another connection has meanwhile written past fails at once with "database is locked", the busy timeout
        never applies (two processes saving ballots lost 128 of 300 that way). Retrying a unit of work whose reads
        were stale is not something this layer can do, so writers take the lock up front. Use
        :meth:`read_session` where nothing is written: readers never wait for writers in WAL mode.

        A lock still held after the timeout raises :class:`~villagevote.errors.DatabaseBusy` (a Chinese message,
        nothing written); an ORM version clash raises :class:`~villagevote.errors.EditConflict`. Opening a write
        session inside another one that has already begun, in the same thread, raises RuntimeError at once (it
        would wait for its own lock).
        """
        sess = self.session_factory(bind=self._write_engine)
        try:
            yield sess
            sess.commit()
        except BaseException as exc:
            sess.rollback()
            _raise_translated(exc)
            raise
        finally:
            sess.close()

    @contextlib.contextmanager
    def read_session(self) -> Iterator[Session]:
        """A read-only unit of work (deferred transaction, ``PRAGMA query_only``): it never takes the write lock,
        so it does not wait for another clerk's save or import in WAL mode. Any write in it fails (RuntimeError: a
        programming error — use :meth:`session`). ORM objects stay loaded after the block (like :meth:`session`)."""
        sess = self.session_factory(bind=self.engine)
        try:
            pooled = sess.connection().connection
            pooled.info["query_only"] = True  # reset when the connection goes back to the pool (see checkin)
            pooled.dbapi_connection.execute("PRAGMA query_only=ON")
            yield sess
            sess.commit()  # nothing to write; ends the read transaction without expiring the loaded objects
        except BaseException as exc:
            sess.rollback()
            _raise_translated(exc)
            if isinstance(exc, DBAPIError) and "readonly database" in str(exc.orig):
                raise RuntimeError("write attempted in db.read_session(); use db.session()") from exc
            raise
        finally:
            sess.close()

    @property
    def _write_engine(self) -> Engine:
        engine = self.__dict__.get("_immediate_engine")
        if engine is None:
            engine = self.__dict__["_immediate_engine"] = self.engine.execution_options(sqlite_begin="IMMEDIATE")
        return engine

    def revision(self) -> str | None:
        return current_revision(self.engine)

    def dispose(self) -> None:
        self.engine.dispose()


def open_database(path: Path | str, *, backup_dir: Path | None = None, seed: bool = True,
                  keep_backups: int = 10) -> Database:
    """Open (creating if needed) and upgrade a township database. Raises DatabaseFileError for unusable files."""
    from villagevote import backup as backup_mod
    from villagevote.config import backup_dir_for

    path = Path(path)
    backup_dir = backup_dir or backup_dir_for(path)
    exists = path.exists() and path.stat().st_size > 0
    if exists:
        info = inspect_file(path)
        check_revision_supported(info.revision, path)
        if info.revision != head_revision():
            backup_mod.backup_database(path, backup_dir, reason="pre-upgrade", keep=keep_backups)
    else:
        path.parent.mkdir(parents=True, exist_ok=True)
    migrate(path)
    engine = make_engine(path)
    db = Database(path=path, engine=engine, backup_dir=backup_dir,
                  session_factory=sessionmaker(engine, expire_on_commit=False))
    if seed:
        from villagevote.seed import seed_defaults
        with db.session() as sess:
            seed_defaults(sess)
    return db


def table_counts(engine: Engine) -> dict[str, int]:
    with engine.connect() as conn:
        names = [r[0] for r in conn.execute(text(
            "SELECT name FROM sqlite_master WHERE type='table' AND name NOT LIKE 'sqlite_%' ORDER BY name"))]
        return {n: conn.execute(text(f'SELECT COUNT(*) FROM "{n}"')).scalar_one() for n in names}
