"""The database file, for code above the domain (the GUI's start-up, the command line, the demo, the self-test):
open it, and the errors opening it can raise. The GUI imports this, never ``villagevote.models``
(tests/test_layering.py).

Opening composes the file machinery of :mod:`villagevote.models.db` (one open per file, the instance lock,
inspection, hot-journal recovery, migration) with domain work the models may not import: the backup before an
upgrade (:mod:`villagevote.backup`) and the defaults (:mod:`villagevote.seed`)."""
from __future__ import annotations

from pathlib import Path

from villagevote import backup as backup_mod
from villagevote.config import backup_dir_for
from villagevote.errors import DatabaseBusy, DatabaseFileError, EditConflict
from villagevote.i18n import tr
from villagevote.models.db import (
    SEED_FINGERPRINT_KEY,
    Database,
    DatabaseInUse,
    HotJournal,
    check_revision_supported,
    connect,
    head_revision,
    inspect_file,
    migrate,
    open_registered,
    recover_hot_journal,
    seed_fingerprint,
    stored_seed_fingerprint,
)

__all__ = ["Database", "DatabaseBusy", "DatabaseFileError", "DatabaseInUse", "EditConflict", "HotJournal",
           "head_revision", "open_database", "seed_database"]


def open_database(path: Path | str, *, backup_dir: Path | None = None, seed: bool = True,
                  keep_backups: int = 10, create: bool = False, single_instance: bool = True,
                  beside_program: bool = False) -> Database:
    """Open (creating if needed) and upgrade a township database. Raises DatabaseFileError for unusable files.

    - **Already open in this process** (same file by resolved path, link or inode): the open Database is returned
      and its user count raised; nothing touches the file, the other arguments are ignored. Every caller disposes
      what it opened, and the last ``dispose`` closes the file. (Re-opening must never run ``inspect_file``'s plain
      ``open()`` on the live file: closing that descriptor drops the process's SQLite locks — "How To Corrupt"
      §2.2 — and another program could then delete the -wal file that still holds later saves.)
    - **Open in another program instance** (the OS lock on ``<db>.lock`` is held): refused with
      :class:`DatabaseInUse`, which names the computer, user and process. Refused rather than opened read-only:
      the program has no read-only mode (logging in records the login, opening seeds defaults, every page saves),
      so a "read-only" window would fail at the first save; and with two writable instances a restore, an upgrade
      or a hot-journal recovery in one would pull the file from under the other, and two clerks would silently
      overwrite each other. Command-line commands that only read (``check-db``, ``backup``) do not take the lock
      and may run. ``single_instance=False`` skips the lock for programs that coordinate access themselves (tests
      of concurrent writers); the GUI never passes it.
    - ``beside_program=True`` (the command line's ``print`` and ``export``): when a program window holds the lock,
      open the file anyway for one short unit of work, without taking the lock, upgrading, seeding or recovering —
      write transactions begin IMMEDIATE and wait for the window's saves, record edits check their version, so a
      print run beside the open program is as safe as a second clerk's save. A file that would need an upgrade is
      still refused (the window's older code must not find a newer schema under it).
    - **Zero-byte file**: refused (a truncated file is not a new township) unless ``create=True`` — the caller is
      explicitly making a new database. A path that does not exist is created (first start, 新建数据库).
    - **Hot rollback journal** (a write in DELETE-journal mode was interrupted): the file and the journal are first
      copied to ``<backup dir>/hot-journal-<time>/``, then SQLite rolls the journal back in a read-write open; the
      last committed state is what opens. Never reported as corruption.
    - Not SQLite, failing ``quick_check``, or written by a newer version: refused, file left byte-for-byte as it was.
    - Leftover ``.partial`` files of interrupted backups are removed from the backup folder (by the instance that
      holds the lock), a backup is made before any migration, migrations run in one exclusive transaction, and
      defaults are seeded.
    """
    path = Path(path)

    def open_new(holds_lock: bool) -> Database:
        return _open_new(path, backup_dir, seed=seed, keep_backups=keep_backups, create=create,
                         clean_partials=holds_lock)

    return open_registered(path, open_new, single_instance=single_instance, beside_program=beside_program,
                           backup_dir=backup_dir)


def _open_new(path: Path, backup_dir: Path | None, *, seed: bool, keep_backups: int, create: bool,
              clean_partials: bool) -> Database:
    backup_dir = backup_dir or backup_dir_for(path)
    if clean_partials:
        backup_mod.remove_partial_files(backup_dir)
    size = path.stat().st_size if path.exists() else None
    if size == 0 and not create:
        newest = backup_mod.list_backups(backup_dir)
        raise DatabaseFileError(tr(
            "数据库文件是空的（0 字节）：{path}\n这通常是复制、同步或保存时被截断造成的，程序不会把它当作新数据库使用，"
            "以免把空白数据当成本镇的数据。{advice}如果确认这里本来就该是一个新的空数据库，请删除该文件后再新建。").format(
                path=path, advice=tr(
                    "可以从备份恢复：关闭程序，把备份文件夹 {dir} 中最新的备份 {name} 复制过来，改名为 {file} 替换它。").format(
                    dir=backup_dir, name=newest[0].name, file=path.name) if newest else tr(
                    "此位置没有备份（备份文件夹：{dir}）；如有其他副本，请用它替换该文件。").format(dir=backup_dir)))
    if size:
        try:
            info = inspect_file(path)
        except HotJournal:
            recover_hot_journal(path, backup_dir)
            info = inspect_file(path)
        check_revision_supported(info.revision, path)
        current = info.revision == head_revision()
        if not current:
            backup_mod.backup_database(path, backup_dir, reason="pre-upgrade", keep=keep_backups)
    else:
        path.parent.mkdir(parents=True, exist_ok=True)
        current = False
    if not current:  # a file at head needs no migration (and no alembic import)
        migrate(path)
    db = connect(path, backup_dir)
    if seed and stored_seed_fingerprint(db.engine) != seed_fingerprint():
        try:
            seed_database(db)
        except BaseException:
            db.engine.dispose()
            raise
    return db


def seed_database(db: Database) -> None:
    """Seed defaults (idempotent: only what is missing) and record this program's fingerprint, in one transaction."""
    from villagevote.models.core import Setting
    from villagevote.seed import seed_defaults  # the areas' seed modules: imported only when seeding
    with db.session() as sess:
        seed_defaults(sess)
        sess.merge(Setting(key=SEED_FINGERPRINT_KEY, value=seed_fingerprint()))
