"""Page plumbing: loading an area's page if it is built, and the plain notice for pages that are not."""
from __future__ import annotations

import importlib
import importlib.util

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from villagevote.i18n import tr


class NotBuiltPage(QWidget):
    """Says plainly that a feature is not built yet; shows no sample data."""

    def __init__(self, title: str, detail: str = "", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = QVBoxLayout(self)
        heading = QLabel(title)
        heading.setStyleSheet("font-size: 20px; font-weight: bold;")
        layout.addWidget(heading)
        text = QLabel(tr("此功能尚未建成。") + ("\n" + detail if detail else ""))
        text.setWordWrap(True)
        text.setStyleSheet("font-size: 14px; color: #555;")
        layout.addWidget(text)
        layout.addStretch(1)
        self.setObjectName("not_built")
        text.setAlignment(Qt.AlignmentFlag.AlignLeft)


def load_widget(module: str, cls_name: str, ctx: object, title: str, detail: str = "") -> QWidget:
    """Instantiate ``module.cls_name(ctx)`` when that module exists, else a NotBuiltPage."""
    if importlib.util.find_spec(module) is None:
        return NotBuiltPage(title, detail)
    cls = getattr(importlib.import_module(module), cls_name)
    return cls(ctx)
