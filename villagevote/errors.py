"""Exceptions that carry a message fit to show to township staff (Chinese, says what and where)."""
from __future__ import annotations

from villagevote.i18n import tr


class UserError(Exception):
    """An error whose message is shown to the user as is."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:  # pragma: no cover - trivial
        return self.message


class ValidationError(UserError, ValueError):
    """Input that breaks a rule; nothing was written. ``field`` names the input it concerns (e.g. "id_number"), so
    that a dialog can show the message beside that field and keep everything typed."""

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field


class PermissionDenied(UserError):
    """The current user's role does not allow the action."""


class LockedError(UserError):
    """The record is locked (official result, frozen scheme, used rule set, signed pledge)."""


class NotFound(UserError):
    """A referenced record does not exist."""


class DatabaseFileError(UserError):
    """The chosen file is not a usable villagevote database (not SQLite, corrupt, newer schema)."""


class BackupError(UserError):
    """A backup or restore could not be completed; the database was left as it was."""


class AuthError(UserError):
    """Login refused."""


class DatabaseBusy(UserError):
    """Another connection (a second program window, another clerk on the same file) held the write lock for longer
    than the busy timeout; nothing of this unit of work was written."""

    def __init__(self, message: str | None = None) -> None:
        super().__init__(message or tr("另一位用户正在保存，请稍后再试。（本次操作没有保存任何内容）"))


class EditConflict(UserError):
    """The record was changed by someone else after the clerk loaded it; nothing was saved."""
