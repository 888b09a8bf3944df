"""Small widget makers shared by pages and dialogs."""
from __future__ import annotations

import enum
from collections.abc import Callable, Iterable
from typing import Any, TypeVar

from PySide6.QtWidgets import QComboBox, QPushButton

E = TypeVar("E", bound=enum.Enum)


def button(text: str, slot: Callable[[], Any], enabled: bool = True) -> QPushButton:
    """A push button that calls ``slot`` when clicked."""
    b = QPushButton(text)
    b.clicked.connect(slot)
    b.setEnabled(enabled)
    return b


def enum_combo(members: Iterable[Any], first: str | None = None) -> QComboBox:
    """A choice of enum members shown by their Chinese ``label`` (item data: the member's ``value``); ``first`` adds
    a top item for "any / not given" (data None)."""
    combo = QComboBox()
    if first is not None:
        combo.addItem(first, None)
    for member in members:
        combo.addItem(member.label, member.value)
    return combo


def combo_enum(combo: QComboBox, enum_cls: type[E]) -> E | None:
    """The member of ``enum_cls`` chosen in ``combo`` (made by ``enum_combo`` or filled with ``addItem(label,
    member)``), or None for a "no choice" item (data None). Qt hands str-enum item data back as a plain str, so
    reading ``currentData()`` directly gives a str, not the member; always read enums back through here."""
    data = combo.currentData()
    if data is None:
        return None
    return data if isinstance(data, enum_cls) else enum_cls(data)


def select_enum(combo: QComboBox, member: enum.Enum | None) -> None:
    """Make ``member`` (or the "no choice" item for None) the current item of ``combo``; unchanged when absent."""
    index = combo.findData(None if member is None else member.value)
    if index >= 0:
        combo.setCurrentIndex(index)
