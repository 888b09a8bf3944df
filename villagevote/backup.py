"""Backups with SQLite's online backup API (safe with a live WAL database; never a file copy) and restore."""
from __future__ import annotations

import datetime as dt
import os
import re
import sqlite3
from pathlib import Path

from villagevote.errors import BackupError, DatabaseFileError
from villagevote.i18n import tr

BACKUP_PATTERN = re.compile(r"^villagevote-(\d{8}-\d{6}(?:-\d+)?)-([a-z-]+)\.sqlite3$")
DAY = dt.timedelta(days=1)


def _copy(src_path: Path, dest_path: Path) -> None:
    src = sqlite3.connect(src_path.resolve().as_uri() + "?mode=ro", uri=True)
    try:
        dst = sqlite3.connect(str(dest_path))
        try:
            src.backup(dst)
        finally:
            dst.close()
    finally:
        src.close()


def backup_database(db_path: Path, dest_dir: Path, *, reason: str = "manual", keep: int = 10,
                    now: dt.datetime | None = None) -> Path:
    """Write a consistent copy of ``db_path`` into ``dest_dir`` and prune to the newest ``keep`` backups.

    On any failure (unwritable folder, disk full) the partial file is removed and BackupError raised; the
    database itself is only read."""
    now = now or dt.datetime.now()
    stamp = now.strftime("%Y%m%d-%H%M%S")
    try:
        dest_dir.mkdir(parents=True, exist_ok=True)
        dest = dest_dir / f"villagevote-{stamp}-{reason}.sqlite3"
        n = 1
        while dest.exists():
            dest = dest_dir / f"villagevote-{stamp}-{n}-{reason}.sqlite3"
            n += 1
        tmp = dest.with_suffix(".partial")
        try:
            _copy(Path(db_path), tmp)
            os.replace(tmp, dest)
        finally:
            if tmp.exists():
                tmp.unlink()
    except (OSError, sqlite3.Error) as exc:
        raise BackupError(tr("备份失败，数据库未受影响。备份位置：{dir}；原因：{error}").format(dir=dest_dir, error=exc)) from exc
    prune_backups(dest_dir, keep)
    return dest


def list_backups(dest_dir: Path) -> list[Path]:
    """Backups in ``dest_dir``, newest first."""
    if not dest_dir.is_dir():
        return []
    found = [p for p in dest_dir.iterdir() if BACKUP_PATTERN.match(p.name)]
    return sorted(found, key=lambda p: BACKUP_PATTERN.match(p.name).group(1), reverse=True)  # type: ignore[union-attr]


def prune_backups(dest_dir: Path, keep: int) -> list[Path]:
    removed = []
    for old in list_backups(dest_dir)[max(keep, 1):]:
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
    if backups:
        stamp = BACKUP_PATTERN.match(backups[0].name).group(1)[:15]  # type: ignore[union-attr]
        if now - dt.datetime.strptime(stamp, "%Y%m%d-%H%M%S") < DAY:
            return None
    return backup_database(db_path, dest_dir, reason="daily", keep=keep, now=now)


def verify_backup_file(path: Path) -> str | None:
    """Integrity-check a file chosen for restore; return its schema revision or raise a user-facing error."""
    from villagevote.models.db import check_revision_supported, inspect_file
    info = inspect_file(path)
    conn = sqlite3.connect(Path(path).resolve().as_uri() + "?mode=ro", uri=True)
    try:
        result = conn.execute("PRAGMA integrity_check").fetchone()[0]
    finally:
        conn.close()
    if result != "ok":
        raise DatabaseFileError(tr("所选备份文件未通过完整性检查（{result}），未恢复：{path}").format(result=result, path=path))
    if info.revision is None:
        raise DatabaseFileError(tr("所选文件不是 villagevote 数据库备份：{path}").format(path=path))
    check_revision_supported(info.revision, path)
    return info.revision


def restore_database(backup_file: Path, db_path: Path, dest_dir: Path, *, keep: int = 10) -> Path:
    """Replace the contents of ``db_path`` with ``backup_file`` after checking it; the current state is backed up
    first (reason ``pre-restore``), and that backup path is returned. Callers must dispose their engines first and
    re-open the database afterwards (which migrates an older backup)."""
    verify_backup_file(backup_file)
    safety = backup_database(db_path, dest_dir, reason="pre-restore", keep=keep + 1)
    try:
        _copy(Path(backup_file), Path(db_path))
    except sqlite3.Error as exc:
        raise BackupError(tr("恢复失败：{error}。恢复前的数据已备份在 {safety}").format(error=exc, safety=safety)) from exc
    return safety
