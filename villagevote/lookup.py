"""Fetching a row by id for a domain function, with the user-facing NotFound when it does not exist."""
from __future__ import annotations

from typing import Any, TypeVar

from sqlalchemy.orm import Session

from villagevote.errors import NotFound

T = TypeVar("T")


def get_row(session: Session, model: type[T], row_id: Any, message: str) -> T:
    """``session.get(model, row_id)``; when there is no such row, NotFound(message) with ``{id}`` filled in.

    Pass the message as a literal ``tr("找不到…（编号 {id}）")`` at the call site."""
    row = session.get(model, row_id)
    if row is None:
        raise NotFound(message.format(id=row_id))
    return row
