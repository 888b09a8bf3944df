"""Backups with SQLite's online backup API (safe with a live WAL database; never a file copy), retention, restore.

Making a backup (``backup_database``): the database is copied page by page into ``<name>.partial`` in the backup
folder, the copy is switched to a self-contained rollback-journal file (no -wal needed to read it) and checked with
``PRAGMA quick_check``; only a copy that passes is renamed to ``villagevote-<YYYYmmdd-HHMMSS>-<reason>.sqlite3``. A
copy that fails is deleted and reported, so a damaged database can never push good backups out. Empty (0-byte) and
non-SQLite source files are refused with a message. ``.partial`` files of an interrupted backup are removed when the
database is next opened (``remove_partial_files``, called by ``open_database``).

Retention (``prune_backups``, after every backup), by age as well as count — a backup is kept when ANY rule keeps it:

1. the newest ``keep`` backups (系统 → 设置 ``backup.keep``, default 10) that look like SQLite databases (a file that
   does not is not counted, so it cannot take a good backup's place);
2. the newest backup of each calendar day of the last 30 days;
3. the newest backup of each calendar month of the last 60 months (a five-year term);
4. every ``pre-upgrade`` and ``pre-restore`` backup younger than 30 days (the state before a migration or a restore);
5. a backup that this process has open as its database.

So ten starts in one day replace only that day's backups, never an older day's; over a term at most about
``keep`` + 30 + 60 files remain. Restore (``restore_database``) checks the chosen file with ``integrity_check``,
backs up the current state (``pre-restore``), and copies the backup into the database through SQLite after switching
it to the rollback journal, which also works between page sizes (4 KiB ↔ 16 KiB). Details: ``docs/backups.md``.
"""
from __future__ import annotations

import datetime as dt
import os
import re
import sqlite3
from dataclasses import dataclass
from pathlib import Path

from villagevote.errors import BackupError, DatabaseFileError
from villagevote.i18n import tr

BACKUP_PATTERN = re.compile(r"^villagevote-(\d{8}-\d{6}(?:-\d+)?)-([a-z-]+)\.sqlite3$")
DAY = dt.timedelta(days=1)
DAILY_DAYS = 30
MONTHLY_MONTHS = 60
SAFETY_REASONS = ("pre-upgrade", "pre-restore")
SAFETY_DAYS = 30
PARTIAL_SUFFIX = ".partial"
SQLITE_HEADER = b"SQLite format 3\x00"


def _ro_uri(path: Path) -> str:
    return Path(path).resolve().as_uri() + "?mode=ro"


def _source_problem(db_path: Path, exc: sqlite3.Error | None = None) -> str | None:
    """A plain Chinese reason why ``db_path`` cannot be backed up, or None."""
    if not db_path.exists():
        return tr("数据库文件不存在：{path}").format(path=db_path)
    if db_path.stat().st_size == 0:
        return tr("数据库文件是空的（0 字节），不备份（空文件的备份没有用处，还会挤掉有用的旧备份）：{path}").format(path=db_path)
    name = getattr(exc, "sqlite_errorname", "")
    if name == "SQLITE_NOTADB":
        return tr("文件不是 SQLite 数据库，不备份：{path}").format(path=db_path)
    if name == "SQLITE_READONLY_ROLLBACK":
        return tr("数据库文件旁有上次保存中断留下的回滚日志，请先用本程序打开它（会自动备份并恢复），再备份：{path}").format(
            path=db_path)
    return None


def _copy_to_new_file(src_path: Path, dest_path: Path) -> str:
    """Copy a database into a new file with the online backup API; return the copy's ``quick_check`` result."""
    from villagevote.models.db import BUSY_TIMEOUT_MS
    src = sqlite3.connect(_ro_uri(src_path), uri=True)
    try:
        src.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")  # another program may be writing (rollback journal)
        dst = sqlite3.connect(str(dest_path), isolation_level=None)
        try:
            src.backup(dst)
            dst.execute("PRAGMA journal_mode=DELETE")  # a single self-contained file, readable without a -wal
            try:
                return "; ".join(r[0] for r in dst.execute("PRAGMA quick_check"))
            except sqlite3.DatabaseError as exc:  # damage bad enough that the check itself cannot read on
                return str(exc)
        finally:
            dst.close()
    finally:
        src.close()


def backup_database(db_path: Path, dest_dir: Path, *, reason: str = "manual", keep: int = 10,
                    now: dt.datetime | None = None) -> Path:
    """Write a checked, consistent copy of ``db_path`` into ``dest_dir`` and prune (see the module docstring).

    On any failure (unwritable folder, disk full, a copy failing ``quick_check``, an empty or non-SQLite source)
    the partial file is removed and BackupError raised; the database itself is only read."""
    now = now or dt.datetime.now()
    db_path, dest_dir = Path(db_path), Path(dest_dir)
    problem = _source_problem(db_path)
    if problem:
        raise BackupError(tr("备份失败：{problem}").format(problem=problem))
    stamp = now.strftime("%Y%m%d-%H%M%S")
    try:
        dest_dir.mkdir(parents=True, exist_ok=True)
        dest = dest_dir / f"villagevote-{stamp}-{reason}.sqlite3"
        n = 1
        while dest.exists():
            dest = dest_dir / f"villagevote-{stamp}-{n}-{reason}.sqlite3"
            n += 1
        tmp = dest.with_suffix(PARTIAL_SUFFIX)
        try:
            check = _copy_to_new_file(db_path, tmp)
            if check != "ok":
                raise BackupError(tr(
                    "备份副本未通过完整性检查（{check}），没有保存这份备份，旧备份都保留着。数据库文件本身可能已损坏，"
                    "请用 check-db 检查：{path}").format(check=check, path=db_path))
            os.replace(tmp, dest)
        finally:
            for leftover in _partial_files_of(tmp):
                leftover.unlink()
    except sqlite3.Error as exc:
        problem = _source_problem(db_path, exc)
        raise BackupError((problem and tr("备份失败：{problem}").format(problem=problem)) or tr(
            "备份失败，数据库未受影响。备份位置：{dir}；原因：{error}").format(dir=dest_dir, error=exc)) from exc
    except OSError as exc:
        raise BackupError(tr("备份失败，数据库未受影响。备份位置：{dir}；原因：{error}").format(dir=dest_dir, error=exc)) from exc
    prune_backups(dest_dir, keep, now=now)
    return dest


def _partial_files_of(tmp: Path) -> list[Path]:
    return [p for p in (tmp, Path(str(tmp) + "-journal"), Path(str(tmp) + "-wal"), Path(str(tmp) + "-shm"))
            if p.exists()]


def remove_partial_files(dest_dir: Path) -> list[Path]:
    """Remove what interrupted backups left in ``dest_dir`` (``*.partial`` and their journals); return them."""
    removed: list[Path] = []
    if not Path(dest_dir).is_dir():
        return removed
    for leftover in Path(dest_dir).iterdir():
        if leftover.is_file() and (leftover.name.endswith(PARTIAL_SUFFIX) or PARTIAL_SUFFIX + "-" in leftover.name):
            try:
                leftover.unlink()
                removed.append(leftover)
            except OSError:
                pass  # in use by a backup running right now in another program: it removes its own file
    return removed


def backup_time(path: Path) -> dt.datetime:
    """When a backup was made, from its name."""
    match = BACKUP_PATTERN.match(Path(path).name)
    assert match is not None, path
    return dt.datetime.strptime(match.group(1)[:15], "%Y%m%d-%H%M%S")


def list_backups(dest_dir: Path) -> list[Path]:
    """Backups in ``dest_dir``, newest first."""
    if not dest_dir.is_dir():
        return []
    found = [p for p in dest_dir.iterdir() if BACKUP_PATTERN.match(p.name)]
    return sorted(found, key=lambda p: BACKUP_PATTERN.match(p.name).group(1), reverse=True)  # type: ignore[union-attr]


def reason_label(reason: str) -> str:
    """The Chinese name of a backup's reason code (the last part of its file name)."""
    return {
        "manual": tr("手动备份"), "open": tr("打开时备份"), "daily": tr("每日备份"),
        "pre-upgrade": tr("升级前备份"), "pre-restore": tr("恢复前备份"),
    }.get(reason, reason)


@dataclass(frozen=True)
class BackupEntry:
    """One backup as the 备份 tab lists it."""
    path: Path
    made: dt.datetime
    reason: str       # Chinese label
    size_kb: int


def describe_backups(dest_dir: Path) -> list[BackupEntry]:
    """The backups in ``dest_dir``, newest first, with when and why each was made."""
    out = []
    for path in list_backups(dest_dir):
        try:
            size = path.stat().st_size
        except OSError:
            continue
        reason = BACKUP_PATTERN.match(path.name).group(2)  # type: ignore[union-attr]
        out.append(BackupEntry(path, backup_time(path), reason_label(reason), round(size / 1024)))
    return out


def retention_text(keep: int) -> str:
    """The retention policy in one sentence, for the 备份 tab."""
    return tr("保留规则：最近 {keep} 份完好的备份；30 天内每天至少一份；{months} 个月内每月至少一份；升级前和恢复前的备份保留 "
              "{safety} 天。其余旧备份自动删除。").format(keep=max(keep, 1), months=MONTHLY_MONTHS, safety=SAFETY_DAYS)


def _looks_like_database(path: Path) -> bool:
    try:
        with open(path, "rb") as fh:
            return fh.read(16) == SQLITE_HEADER and path.stat().st_size >= 512
    except OSError:
        return False


def backups_to_keep(backups: list[Path], keep: int, now: dt.datetime) -> set[Path]:
    """The retention rules of the module docstring, applied to ``backups`` (newest first) at time ``now``."""
    from villagevote.models.db import open_here
    kept: set[Path] = set()
    good = 0
    for path in backups:
        if good >= max(keep, 1):
            break
        if open_here(path) is not None:  # never open() a live database; it is kept by rule 5 anyway
            continue
        if _looks_like_database(path):
            kept.add(path)
            good += 1
    first_day = now.date() - dt.timedelta(days=DAILY_DAYS - 1)
    this_month = now.year * 12 + now.month - 1
    days: set[dt.date] = set()
    months: set[int] = set()
    for path in backups:
        made = backup_time(path)
        month = made.year * 12 + made.month - 1
        if made.date() >= first_day and made.date() not in days:
            days.add(made.date())
            kept.add(path)
        if this_month - month < MONTHLY_MONTHS and month not in months:
            months.add(month)
            kept.add(path)
        reason = BACKUP_PATTERN.match(path.name).group(2)  # type: ignore[union-attr]
        if reason in SAFETY_REASONS and now - made < dt.timedelta(days=SAFETY_DAYS):
            kept.add(path)
        if open_here(path) is not None:
            kept.add(path)
    return kept


def prune_backups(dest_dir: Path, keep: int, *, now: dt.datetime | None = None) -> list[Path]:
    """Delete the backups no retention rule keeps (module docstring); return what was deleted."""
    backups = list_backups(dest_dir)
    kept = backups_to_keep(backups, keep, now or dt.datetime.now())
    removed = []
    for old in backups:
        if old in kept:
            continue
        try:
            old.unlink()
            removed.append(old)
        except OSError:
            pass
    return removed


def backup_if_due(db_path: Path, dest_dir: Path, *, keep: int = 10, now: dt.datetime | None = None) -> Path | None:
    """The daily backup: make one when the newest backup is a day old or there is none."""
    now = now or dt.datetime.now()
    backups = list_backups(dest_dir)
    if backups and now - backup_time(backups[0]) < DAY:
        return None
    return backup_database(db_path, dest_dir, reason="daily", keep=keep, now=now)


def verify_backup_file(path: Path) -> str | None:
    """Integrity-check a file chosen for restore; return its schema revision or raise a user-facing error."""
    from villagevote.models.db import HotJournal, check_revision_supported, inspect_file
    try:
        info = inspect_file(path)
    except HotJournal as exc:
        raise DatabaseFileError(tr("所选备份文件旁有未完成保存留下的回滚日志，不能直接用来恢复：{path}").format(path=path)) from exc
    conn = sqlite3.connect(_ro_uri(path), uri=True)
    try:
        result = "; ".join(r[0] for r in conn.execute("PRAGMA integrity_check"))
    finally:
        conn.close()
    if result != "ok":
        raise DatabaseFileError(tr("所选备份文件未通过完整性检查（{result}），未恢复：{path}").format(result=result, path=path))
    if info.revision is None:
        raise DatabaseFileError(tr("所选文件不是 villagevote 数据库备份：{path}").format(path=path))
    check_revision_supported(info.revision, path)
    return info.revision


def _copy_into_database(backup_file: Path, db_path: Path) -> None:
    """Replace the contents of ``db_path`` with ``backup_file`` through SQLite, in one transaction.

    The database is switched to the rollback journal first: the backup API cannot change the page size of a WAL
    database ("attempt to write a readonly database" between 4 KiB and 16 KiB pages), and leaving WAL checkpoints
    and removes the -wal/-shm files. The switch needs the file to itself, so another program that still has it
    open makes the restore fail cleanly. A crash during the copy leaves a hot journal that rolls back to the state
    before the restore; the next open switches back to WAL."""
    from villagevote.models.db import BUSY_TIMEOUT_MS
    src = sqlite3.connect(_ro_uri(backup_file), uri=True)
    try:
        dst = sqlite3.connect(str(db_path), isolation_level=None)
        try:
            dst.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
            mode = dst.execute("PRAGMA journal_mode=DELETE").fetchone()[0]
            if mode != "delete":
                raise sqlite3.OperationalError("database is locked")
            src.backup(dst)
        finally:
            dst.close()
    finally:
        src.close()


def restore_database(backup_file: Path, db_path: Path, dest_dir: Path, *, keep: int = 10) -> Path:
    """Replace the contents of ``db_path`` with ``backup_file`` after checking it; the current state is backed up
    first (reason ``pre-restore``), and that backup path is returned. Callers must dispose their Database first
    (the file must not be open in this process) and re-open it afterwards (which migrates an older backup); the
    instance lock is held during the restore, so another program instance cannot have the file open."""
    from villagevote.models.db import InstanceLock, open_here
    backup_file, db_path = Path(backup_file), Path(db_path)
    if backup_file.exists() and db_path.exists() and os.path.samefile(backup_file, db_path):
        raise BackupError(tr("所选文件就是当前数据库本身，不能用它来恢复：{path}").format(path=backup_file))
    verify_backup_file(backup_file)
    if open_here(db_path) is not None:
        raise BackupError(tr("数据库仍在本程序中打开，不能恢复：{path}").format(path=db_path))
    lock = InstanceLock.acquire(db_path)
    try:
        safety = backup_database(db_path, dest_dir, reason="pre-restore", keep=keep + 1)
        try:
            _copy_into_database(backup_file, db_path)
        except sqlite3.Error as exc:
            if "locked" in str(exc) or "busy" in str(exc):
                raise BackupError(tr("恢复失败：另一个程序正在使用数据库文件，数据库未改动。请关闭它后再试。恢复前的数据已备份在 {safety}").format(
                    safety=safety)) from exc
            raise BackupError(tr("恢复失败：{error}。恢复前的数据已备份在 {safety}").format(error=exc, safety=safety)) from exc
    finally:
        lock.release()
    return safety
