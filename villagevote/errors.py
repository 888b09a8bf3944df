"""Exceptions that carry a message fit to show to township staff (Chinese, says what and where)."""
from __future__ import annotations


class UserError(Exception):
    """An error whose message is shown to the user as is."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:  # pragma: no cover - trivial
        return self.message


class ValidationError(UserError, ValueError):
    """Input that breaks a rule; nothing was written."""


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
