"""Spreadsheet cell values as read by python-calamine (None, str, float, int, dates) turned into plain text."""
from __future__ import annotations

from typing import Any


def is_blank(value: Any) -> bool:
    """An empty cell: None or only whitespace."""
    return value is None or (isinstance(value, str) and not value.strip())


def cell_text(value: Any) -> str:
    """The cell as stripped text; whole-number floats (how spreadsheets store 12) lose their ".0"."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()
