"""The database file underneath everything: the engine and its pragmas, write and read sessions, one open per file
in a process and one program instance per file, inspecting a file without touching it, recovering a hot journal,
migrating, and the seed fingerprint.

Opening a township database is composed above the domain in :func:`villagevote.database.open_database` (which backs
the file up before an upgrade and seeds the defaults, both domain work); this module imports no domain module
(tests/test_layering.py). Every connection gets ``foreign_keys=ON``, a busy timeout, and WAL journaling unless the
file sits on a network share.

The open file is touched by nothing but SQLite: a path open in this process is re-used, never inspected with
``open()``; a second program instance on the same file is refused (``DatabaseInUse``, an OS lock on ``<db>.lock``).
See ``villagevote.database.open_database`` for the decisions and ``docs/backups.md`` for the whole picture.
"""
from __future__ import annotations

import ast
import contextlib
import datetime as dt
import functools
import getpass
import hashlib
import json
import logging
import os
import re
import shutil
import socket
import sqlite3
import sys
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, TYPE_CHECKING

from sqlalchemy import create_engine, event, text
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.orm.exc import StaleDataError
from sqlalchemy.pool import ConnectionPoolEntry

from villagevote.errors import DatabaseBusy, DatabaseFileError, EditConflict
from villagevote.i18n import tr
from villagevote.resources import migrations_dir, resource_path

if TYPE_CHECKING:
    from alembic.config import Config

SQLITE_HEADER = b"SQLite format 3\x00"
log = logging.getLogger("villagevote")
# How long a transaction waits for another connection's lock before giving up (DatabaseBusy). Reads in WAL mode never
# wait; writes wait for the writer before them. 5 s in the GUI thread, which freezes while it waits (Windows marks a
# window "not responding" after 5 s) — a 50,000-voter import by another clerk holds the lock about 1 s. Background
# jobs (imports, batch prints) show a progress dialog and may wait longer.
BUSY_TIMEOUT_MS = 5000
BACKGROUND_BUSY_TIMEOUT_MS = 15000


def alembic_config() -> Config:
    # Alembic (with SQLAlchemy's DDL compilers and mako) costs ~0.3 s to import: it is imported only to migrate.
    from alembic.config import Config
    cfg = Config()
    cfg.set_main_option("script_location", str(migrations_dir()))
    return cfg


_REVISION_LINE = re.compile(r"^(revision|down_revision)\s*(?::[^=\n]*)?=\s*(.+?)\s*$", re.MULTILINE)


@functools.cache
def revision_graph() -> dict[str, tuple[str, ...]]:
    """Each migration's revision → the revisions it revises, read from the scripts' ``revision`` and
    ``down_revision`` lines without importing alembic (opening a current database needs no more; the scripts ship
    as files, also in the bundle). tests/test_db_lifecycle.py checks it against alembic's own reading."""
    graph: dict[str, tuple[str, ...]] = {}
    for script in sorted((migrations_dir() / "versions").glob("*.py")):
        found = {m.group(1): m.group(2) for m in _REVISION_LINE.finditer(script.read_text(encoding="utf-8"))}
        if "revision" not in found:
            continue
        down = ast.literal_eval(found.get("down_revision", "None"))
        graph[ast.literal_eval(found["revision"])] = () if down is None else (down,) if isinstance(down, str) \
            else tuple(down)
    return graph


def head_revision() -> str:
    graph = revision_graph()
    revised = {down for downs in graph.values() for down in downs}
    heads = [rev for rev in graph if rev not in revised]
    assert len(heads) == 1, f"the migrations must have one head, found {heads}"
    return heads[0]


def known_revisions() -> set[str]:
    return set(revision_graph())


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


WRITER_THREAD = "writer_thread"  # pooled connection info: the thread that began its current write, None for a read


def _install_pragmas(engine: Engine, *, wal: bool, foreign_keys: bool = True) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn: sqlite3.Connection, _record: ConnectionPoolEntry) -> None:
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

    # The pooled connections of this engine that began a write transaction, per thread. A second write transaction
    # in the same thread would wait for the lock its own thread holds, so it is refused at once (RuntimeError, a
    # programming error) instead of failing after the timeout. Each BEGIN records in the pooled connection's info
    # which thread began it (a write) or that it is a read: a connection this thread wrote with earlier may since have
    # gone back to the pool and be in ANOTHER thread's read transaction, which is no write of this thread. Entries
    # whose write is over (committed, rolled back, closed, or the connection begun again since) are dropped on the
    # next BEGIN.
    writers = threading.local()

    def _still_writing(dbapi_conn: sqlite3.Connection, info: dict, me: int) -> bool:
        if info.get(WRITER_THREAD) != me:
            return False
        try:
            return dbapi_conn.in_transaction
        except sqlite3.ProgrammingError:  # closed
            return False

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Connection) -> None:
        mode = conn.get_execution_options().get("sqlite_begin", "")
        dbapi_conn = conn.connection.dbapi_connection
        info = conn.connection.info
        me = threading.get_ident()
        timeout = BUSY_TIMEOUT_MS
        if mode:
            open_writes = [(c, i) for c, i in getattr(writers, "open", [])
                           if c is not dbapi_conn and _still_writing(c, i, me)]
            writers.open = open_writes
            if open_writes:
                raise RuntimeError("nested write transaction in one thread: it would wait for the thread's own lock "
                                   "(use db.read_session() for the inner reads, or pass the outer session down)")
            if threading.current_thread() is not threading.main_thread():
                timeout = BACKGROUND_BUSY_TIMEOUT_MS
        if info.get("busy_timeout") != timeout:
            conn.exec_driver_sql(f"PRAGMA busy_timeout={int(timeout)}")
            info["busy_timeout"] = timeout
        info[WRITER_THREAD] = me if mode else None
        conn.exec_driver_sql(f"BEGIN {mode}".strip())
        if mode:
            writers.open.append((dbapi_conn, info))

    @event.listens_for(engine, "checkin")
    def _on_checkin(dbapi_conn: sqlite3.Connection | None, record: ConnectionPoolEntry) -> None:
        # a connection used by Database.read_session() goes back to the pool writable
        if record.info.pop("query_only", False) and dbapi_conn is not None:
            dbapi_conn.execute("PRAGMA query_only=OFF")


def make_engine(path: Path, *, foreign_keys: bool = True) -> Engine:
    engine = create_engine(f"sqlite:///{path}", future=True)
    _install_pragmas(engine, wal=not is_network_path(path), foreign_keys=foreign_keys)
    return engine


# ---------------------------------------------------------------------------------------------- open files and locks
#
# Within one process a database file is open at most once: ``open_database`` on a path that is already open returns
# the same Database (its users are counted; the last ``dispose`` closes it). Nothing in the program opens such a file
# with a plain open() (see inspect_file). Between processes an exclusive OS lock on ``<db>.lock`` marks the program
# instance that has the file open; a second instance is refused (see open_database for why).

_REGISTRY_LOCK = threading.RLock()
_OPEN: dict[str, Database] = {}
_HELD: set[str] = set()  # lock files this process holds


def _key(path: Path) -> str:
    return os.path.normcase(os.path.realpath(path))


def _file_id(path: Path) -> tuple[int, int] | None:
    try:
        st = os.stat(path)
    except OSError:
        return None
    return (st.st_dev, st.st_ino)


def open_here(path: Path | str) -> Database | None:
    """The Database this process has open on ``path`` (same file by resolved name, or by device and inode through
    another name or link), or None."""
    path = Path(path)
    with _REGISTRY_LOCK:
        found = _OPEN.get(_key(path))
        if found is not None:
            return found
        if not _OPEN:
            return None
        ident = _file_id(path)
        if ident is None:
            return None
        return next((db for db in _OPEN.values() if db._file_id == ident), None)


def lock_path_for(db_path: Path) -> Path:
    """The sidecar file whose OS lock says "a villagevote program has this database open". It is left in place when
    the program closes (deleting it would let two programs lock two different files of the same name)."""
    return Path(str(db_path) + ".lock")


_LOCK_OFFSET = 4096  # the locked byte lies past the holder text, so others can read it (Windows locks are mandatory)
_HOLDER_BYTES = 512


class DatabaseInUse(DatabaseFileError):
    """Another program instance has the database open (it holds the OS lock on ``<db>.lock``)."""

    def __init__(self, path: Path, holder: str) -> None:
        self.path, self.holder = Path(path), holder
        super().__init__(tr(
            "此数据库文件已被另一个 villagevote 程序打开：\n{path}\n打开它的是：{holder}。\n"
            "为避免两处同时修改同一个数据库而互相覆盖，本程序不会再次打开它。请回到已打开它的程序窗口继续工作。"
            "如果那个程序已经关闭却仍看到此提示，请重新启动那台电脑后再试。").format(holder=holder, path=path))


def _describe_holder(raw: bytes) -> str:
    try:
        info = json.loads(raw.rstrip(b"\x00 \n").decode("utf-8"))
        return tr("电脑 {host}，用户 {user}，进程 pid {pid}，自 {since} 起").format(
            host=info.get("host", "?"), user=info.get("user", "?"), pid=info.get("pid", "?"),
            since=info.get("since", "?"))
    except (ValueError, AttributeError):
        return tr("无法读取是哪台电脑")


class InstanceLock:
    """An exclusive OS lock on ``<db>.lock`` (``fcntl.lockf`` on POSIX, ``msvcrt.locking`` on Windows), held while
    this process has the database open. The OS releases it when the process ends, even by a crash or a kill, so a
    stale lock cannot outlive its program. The database file itself is never locked or opened this way."""

    def __init__(self, path: Path, fh: IO[bytes]) -> None:
        self.path, self._fh = path, fh

    @classmethod
    def acquire(cls, db_path: Path) -> InstanceLock:
        """Take the lock or raise DatabaseInUse (naming the computer, user and process that hold it)."""
        path = lock_path_for(db_path)
        key = _key(path)
        with _REGISTRY_LOCK:
            if key in _HELD:  # a second open()/close() of the lock file in this process would drop the lock
                raise DatabaseFileError(tr("此数据库已在本程序中打开：{path}").format(path=db_path))
            _HELD.add(key)
        try:
            return cls._acquire(db_path, path)
        except BaseException:
            with _REGISTRY_LOCK:
                _HELD.discard(key)
            raise

    @classmethod
    def _acquire(cls, db_path: Path, path: Path) -> InstanceLock:
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            fh = os.fdopen(os.open(path, os.O_RDWR | os.O_CREAT | getattr(os, "O_BINARY", 0), 0o666), "r+b")
        except OSError as exc:
            raise DatabaseFileError(tr("无法在数据库所在的文件夹建立锁文件 {path}（{error}）；该文件夹可能是只读的。").format(
                path=path, error=exc)) from exc
        try:
            _lock_byte(fh)
        except OSError:
            fh.seek(0)
            holder = _describe_holder(fh.read(_HOLDER_BYTES))
            fh.close()
            raise DatabaseInUse(db_path, holder) from None
        try:
            user = getpass.getuser()
        except Exception:
            user = "?"
        record = json.dumps({"host": socket.gethostname(), "user": user, "pid": os.getpid(),
                             "since": dt.datetime.now().strftime("%Y-%m-%d %H:%M")}, ensure_ascii=False)
        try:
            fh.seek(0)
            fh.write(record.encode("utf-8")[:_HOLDER_BYTES - 1].ljust(_HOLDER_BYTES, b" "))
            fh.flush()
        except OSError:
            pass  # the lock is what counts; the note only helps the message
        return cls(path, fh)

    def release(self) -> None:
        if self._fh.closed:
            return
        with contextlib.suppress(OSError):
            _unlock_byte(self._fh)
        self._fh.close()
        with _REGISTRY_LOCK:
            _HELD.discard(_key(self.path))


def lock_holder(db_path: Path) -> str | None:
    """Who holds the instance lock of ``db_path`` (a description), or None when no other program does (or this
    process has the file open). Only tries the lock and lets it go at once; writes nothing, creates nothing."""
    path = lock_path_for(db_path)
    if open_here(db_path) is not None or not path.exists():
        return None
    with _REGISTRY_LOCK:
        if _key(path) in _HELD:
            return None
    try:
        fh = os.fdopen(os.open(path, os.O_RDWR | getattr(os, "O_BINARY", 0)), "r+b")
    except OSError:
        return None
    try:
        try:
            _lock_byte(fh)
        except OSError:
            fh.seek(0)
            return _describe_holder(fh.read(_HOLDER_BYTES))
        _unlock_byte(fh)
        return None
    finally:
        fh.close()


if sys.platform == "win32":  # pragma: no cover - Windows only
    import msvcrt

    def _lock_byte(fh: IO[bytes]) -> None:
        fh.seek(_LOCK_OFFSET)
        msvcrt.locking(fh.fileno(), msvcrt.LK_NBLCK, 1)

    def _unlock_byte(fh: IO[bytes]) -> None:
        fh.seek(_LOCK_OFFSET)
        msvcrt.locking(fh.fileno(), msvcrt.LK_UNLCK, 1)
else:
    import fcntl

    def _lock_byte(fh: IO[bytes]) -> None:
        fcntl.lockf(fh.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB, 1, _LOCK_OFFSET, os.SEEK_SET)

    def _unlock_byte(fh: IO[bytes]) -> None:
        fcntl.lockf(fh.fileno(), fcntl.LOCK_UN, 1, _LOCK_OFFSET, os.SEEK_SET)


@dataclass
class FileInfo:
    """What a read-only look at a database file found."""
    revision: str | None
    has_tables: bool


def journal_path(path: Path) -> Path:
    """SQLite's rollback journal beside a database file (it exists only during a write in DELETE journal mode; one
    left behind by a crash is "hot" and must be rolled back before the file can be read)."""
    return Path(str(path) + "-journal")


class HotJournal(DatabaseFileError):
    """The file has a hot rollback journal (a write was interrupted by a crash or a kill). A read-only connection
    cannot roll it back, so the file cannot be read as it is; it is NOT damaged. ``open_database`` copies file and
    journal into the backup folder and then lets SQLite roll the journal back (``recover_hot_journal``)."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self.journal = journal_path(path)
        super().__init__(tr(
            "数据库文件旁有上次保存中断（程序或电脑意外关闭）时留下的回滚日志：{journal}。数据库并未损坏，数据很可能完好；"
            "用本程序打开它时，会先把数据库和日志复制到备份文件夹，再自动回滚那次未完成的保存。").format(journal=self.journal))


def inspect_file(path: Path) -> FileInfo:
    """Look at a file without changing it; raise DatabaseFileError when it cannot be used (``HotJournal`` when an
    interrupted write left a rollback journal that only a read-write open can roll back).

    A file this process has open as a database (``open_database``) is never opened with ``open()``: closing such a
    descriptor drops every POSIX lock the process holds on the file (SQLite "How To Corrupt" §2.2), after which
    another program may delete the -wal file the program still writes into. For such a path the header check is
    skipped (SQLite has it open, so it is a database) and everything else is read through SQLite."""
    path = Path(path)
    if open_here(path) is None:
        try:
            with open(path, "rb") as fh:
                header = fh.read(16)
        except OSError as exc:
            raise DatabaseFileError(tr("无法读取文件：{path}（{error}）").format(path=path, error=exc)) from exc
        if header == b"":
            raise DatabaseFileError(tr("文件是空的（0 字节），不是 villagevote 数据库：{path}").format(path=path))
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
            if getattr(exc, "sqlite_errorname", "") == "SQLITE_READONLY_ROLLBACK":
                raise HotJournal(path) from exc
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


def copy_with_journal(path: Path, folder: Path) -> Path:
    """Copy a database file that has a hot journal, and the journal, into ``folder`` under their own names (a
    faithful pair: opening the copy rolls back the same way). Only for files this process does not have open."""
    assert open_here(path) is None, "never open() a live database file"
    folder.mkdir(parents=True, exist_ok=True)
    copy = folder / path.name
    shutil.copyfile(path, copy)
    journal = journal_path(path)
    shutil.copyfile(journal, journal_path(copy))
    if copy.stat().st_size != path.stat().st_size or \
            journal_path(copy).stat().st_size != journal.stat().st_size:
        raise OSError(tr("副本大小与原文件不一致"))
    return copy


def roll_back_journal(path: Path) -> None:
    """Let SQLite roll a hot journal back: a read-write connection does it at its first read."""
    conn = sqlite3.connect(str(path))
    try:
        conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
    finally:
        conn.close()


def recover_hot_journal(path: Path, backup_dir: Path, *, now: dt.datetime | None = None) -> Path:
    """Copy the database and its hot journal to ``backup_dir/hot-journal-<time>/``, then roll the journal back with
    a read-write open. Returns the folder with the copies. If the copy cannot be made nothing is rolled back."""
    stamp = (now or dt.datetime.now()).strftime("%Y%m%d-%H%M%S")
    folder = backup_dir / f"hot-journal-{stamp}"
    n = 1
    while folder.exists():
        folder = backup_dir / f"hot-journal-{stamp}-{n}"
        n += 1
    try:
        copy_with_journal(path, folder)
    except OSError as exc:
        raise DatabaseFileError(tr(
            "数据库文件旁有上次保存中断时留下的回滚日志，恢复前需要先把数据库和日志复制到备份文件夹，但复制失败，"
            "因此没有做任何改动。备份文件夹：{dir}；原因：{error}").format(dir=folder, error=exc)) from exc
    try:
        roll_back_journal(path)
    except sqlite3.Error as exc:
        raise DatabaseFileError(tr(
            "无法回滚上次中断的保存（数据库所在文件夹可能是只读的）：{path}（{error}）。数据库和日志的副本在：{dir}").format(
                path=path, error=exc, dir=folder)) from exc
    log.warning("rolled back a hot journal of %s (copies of file and journal in %s)", path, folder)
    return folder


def check_revision_supported(revision: str | None, path: Path) -> None:
    if revision is not None and revision not in known_revisions():
        raise DatabaseFileError(tr(
            "此数据库由更新版本的 villagevote 写入（数据库结构版本 {rev}），当前程序无法识别。"
            "为保护数据，文件未作任何改动。请升级程序后再打开：{path}").format(rev=revision, path=path))


def migrate(path: Path, *, target: str = "head") -> None:
    """Run migrations in one exclusive transaction with foreign keys off (SQLite table rebuilds need it) and a
    foreign-key check before commit."""
    from alembic import command  # only here: see alembic_config
    engine = make_engine(path, foreign_keys=False)
    try:
        with engine.connect().execution_options(sqlite_begin="EXCLUSIVE") as conn, conn.begin():
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
    """The schema revision stamped in the file (alembic's ``alembic_version`` table), None for an empty file."""
    with engine.connect() as conn:
        if conn.exec_driver_sql(
                "SELECT 1 FROM sqlite_master WHERE type='table' AND name='alembic_version'").first() is None:
            return None
        row = conn.exec_driver_sql("SELECT version_num FROM alembic_version").first()
        return None if row is None else str(row[0])


@dataclass
class Database:
    path: Path
    engine: Engine
    backup_dir: Path
    session_factory: sessionmaker = field(repr=False)
    # lifecycle (open_database / dispose): users of this open file in this process, its instance lock, its identity
    _users: int = field(default=1, repr=False, compare=False)
    _lock: InstanceLock | None = field(default=None, repr=False, compare=False)
    _file_id: tuple[int, int] | None = field(default=None, repr=False, compare=False)
    _key: str = field(default="", repr=False, compare=False)

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
        """Give back one use of the file (see open_database). The last one closes every connection, forgets the file
        in this process and releases the instance lock; disposing again does nothing more."""
        with _REGISTRY_LOCK:
            if self._users > 0:
                self._users -= 1
                if self._users > 0:
                    return
                if _OPEN.get(self._key) is self:
                    del _OPEN[self._key]
            self.engine.dispose()
            if self._lock is not None:
                self._lock.release()
                self._lock = None


def connect(path: Path, backup_dir: Path) -> Database:
    """A Database on ``path`` as it is (no checks, no upgrade, not registered): the engine with the program's
    pragmas and the session factory."""
    engine = make_engine(path)
    return Database(path=path, engine=engine, backup_dir=backup_dir,
                    session_factory=sessionmaker(engine, expire_on_commit=False))


def open_registered(path: Path, open_new: Callable[[bool], Database], *, single_instance: bool = True,
                    beside_program: bool = False, backup_dir: Path | None = None) -> Database:
    """One open per file in this process and one program instance per file (the rules are explained at
    :func:`villagevote.database.open_database`, which passes its own ``open_new``).

    Returns the Database this process already has open on ``path`` (its user count raised; nothing touches the file),
    else takes the instance lock (unless ``single_instance`` is False) and returns ``open_new(holds_lock)``,
    registered so that the last ``dispose`` releases the lock. When another instance holds the lock: DatabaseInUse,
    or with ``beside_program`` the file opened for one short command (:func:`open_beside_program`)."""
    with _REGISTRY_LOCK:
        existing = open_here(path)
        if existing is not None:
            existing._users += 1
            return existing
        try:
            lock = InstanceLock.acquire(path) if single_instance else None
        except DatabaseInUse:
            if not beside_program:
                raise
            return open_beside_program(path, backup_dir)
        try:
            db = open_new(lock is not None)
        except BaseException:
            if lock is not None:
                lock.release()
            raise
        db._lock = lock
        db._file_id = _file_id(path)
        db._key = _key(path)
        _OPEN[db._key] = db
        return db


def open_beside_program(path: Path, backup_dir: Path | None) -> Database:
    """A short command's own engine on a file a program window has open (see ``beside_program`` at
    :func:`villagevote.database.open_database`); not registered, so the caller's ``dispose`` closes it."""
    from villagevote.config import backup_dir_for

    info = inspect_file(path)  # another process's locks are not affected by this process's descriptors
    check_revision_supported(info.revision, path)
    if info.revision != head_revision():
        raise DatabaseFileError(tr(
            "此数据库需要升级到本程序的版本，但它正被另一个 villagevote 程序打开：{path}\n"
            "请先关闭那个程序，再运行本命令。").format(path=path))
    return connect(path, backup_dir or backup_dir_for(path))


# Seeding (settings, rule catalogs, pledge templates, scoring schemes: ``villagevote.seed``) runs when the program
# that opens the file differs from the one that seeded it last, not at every start (it imported the areas' seed modules
# and ran their queries: ~0.1 s of start-up). The fingerprint covers the program version, the schema head, the shipped
# catalogs/templates/schemes and SEED_REVISION. Bump SEED_REVISION when a seed function changes what it adds or
# repairs without a new migration or a changed resource file.
SEED_REVISION = 1
SEED_FINGERPRINT_KEY = "seed.fingerprint"
SEED_RESOURCES = ("rule_catalogs", "pledge_templates", "scoring_schemes")


@functools.cache
def seed_fingerprint() -> str:
    """What decides whether defaults must be seeded again (see SEED_REVISION)."""
    from villagevote import __version__
    digest = hashlib.sha256(f"{SEED_REVISION}|{__version__}|{head_revision()}".encode())
    for folder in SEED_RESOURCES:
        root = resource_path(folder)
        for file in sorted(p for p in root.rglob("*") if p.is_file()):
            digest.update(file.relative_to(root).as_posix().encode("utf-8") + b"\0" + file.read_bytes() + b"\0")
    return digest.hexdigest()


def stored_seed_fingerprint(engine: Engine) -> str | None:
    """The fingerprint of the program that last seeded the file (None: never, or an older program)."""
    with engine.connect() as conn:
        row = conn.execute(text("SELECT value FROM setting WHERE key = :key"), {"key": SEED_FINGERPRINT_KEY}).first()
    if row is None or row[0] is None:
        return None
    value = json.loads(row[0]) if isinstance(row[0], str) else row[0]
    return value if isinstance(value, str) else None


def table_counts(engine: Engine) -> dict[str, int]:
    with engine.connect() as conn:
        names = [r[0] for r in conn.execute(text(
            "SELECT name FROM sqlite_master WHERE type='table' AND name NOT LIKE 'sqlite_%' ORDER BY name"))]
        return {n: conn.execute(text(f'SELECT COUNT(*) FROM "{n}"')).scalar_one() for n in names}
