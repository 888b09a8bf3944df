"""The database file, for code above the domain (the GUI's start-up, the command line): open it, and the errors
opening it can raise. The GUI imports this, never ``villagevote.models`` (tests/test_layering.py)."""
from __future__ import annotations

from villagevote.errors import DatabaseBusy, DatabaseFileError, EditConflict
from villagevote.models.db import Database, DatabaseInUse, HotJournal, head_revision, open_database

__all__ = ["Database", "DatabaseBusy", "DatabaseFileError", "DatabaseInUse", "EditConflict", "HotJournal",
           "head_revision", "open_database"]
