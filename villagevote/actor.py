"""Who a domain function runs for. A leaf module: ``auth`` (permission checks) and ``audit`` (the log) both need it,
and neither imports the other for it. ``villagevote.audit`` re-exports both names."""
from __future__ import annotations

from dataclasses import dataclass

from villagevote.models.enums import Role


@dataclass(frozen=True)
class Actor:
    """The user on whose behalf a domain function runs."""
    user_id: int | None
    username: str
    role: Role
    display_name: str = ""


SYSTEM = Actor(user_id=None, username="system", role=Role.ADMIN, display_name="系统")
