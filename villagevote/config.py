"""Where data lives: the per-user data directory (platformdirs), overridable for portable use and tests.

Order: ``VILLAGEVOTE_HOME`` environment variable; a ``portable.txt`` file beside the frozen executable (data in a
``data`` folder next to it); otherwise the platform's user data directory.
"""
from __future__ import annotations

import hashlib
import os
import sys
from pathlib import Path

import platformdirs

APP_NAME = "villagevote"
DB_FILENAME = "villagevote.sqlite3"


def data_dir() -> Path:
    env = os.environ.get("VILLAGEVOTE_HOME")
    if env:
        path = Path(env)
    elif getattr(sys, "frozen", False) and (Path(sys.executable).parent / "portable.txt").exists():
        path = Path(sys.executable).parent / "data"
    else:
        path = Path(platformdirs.user_data_dir(APP_NAME, appauthor=False))
    path.mkdir(parents=True, exist_ok=True)
    return path


def default_db_path() -> Path:
    return data_dir() / DB_FILENAME


def backup_dir_for(db_path: Path) -> Path:
    """Backups of one database file live in the data directory, keyed by the file's name and location."""
    resolved = str(Path(db_path).resolve())
    tag = hashlib.sha1(resolved.encode("utf-8")).hexdigest()[:8]
    return data_dir() / "backups" / f"{Path(db_path).stem}-{tag}"


def log_dir() -> Path:
    path = data_dir() / "logs"
    path.mkdir(parents=True, exist_ok=True)
    return path


def attachments_dir() -> Path:
    path = data_dir() / "attachments"
    path.mkdir(parents=True, exist_ok=True)
    return path
