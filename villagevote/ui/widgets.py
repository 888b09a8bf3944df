"""Small widget makers shared by pages and dialogs."""
from __future__ import annotations

from typing import Any, Callable

from PySide6.QtWidgets import QPushButton


def button(text: str, slot: Callable[[], Any], enabled: bool = True) -> QPushButton:
    """A push button that calls ``slot`` when clicked."""
    b = QPushButton(text)
    b.clicked.connect(slot)
    b.setEnabled(enabled)
    return b
