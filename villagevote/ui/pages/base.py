"""Page plumbing: the base of every workflow page, and the plain notice for pages that are not built yet."""
from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from villagevote.changes import Area
from villagevote.i18n import tr

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from villagevote.ui.context import AppContext


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


class Page(QWidget):
    """Base of a workflow page: it shows what :meth:`fetch` reads and reloads when an area it shows was written.

    Subclasses set ``AREAS`` (the :class:`~villagevote.changes.Area` values they show), implement ``fetch(session)``
    — a domain read that returns plain data, run on the database worker — and ``show_data(data)`` on the GUI thread.
    A page hidden behind another one (in the main window's stack) only marks itself stale and reloads when shown
    again, so a write on one page does not make every built page query the database.
    """

    AREAS: frozenset[Area] = frozenset()

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self._stale = False
        ctx.changed.connect(self._on_changed)
        ctx.village_changed.connect(lambda _v: self.reload())
        ctx.database_replaced.connect(self.reload)

    def fetch(self, session: Session) -> Any:
        """Read what the page shows (runs on the database worker; return plain data)."""
        raise NotImplementedError

    def show_data(self, data: Any) -> None:
        """Put ``data`` on screen (GUI thread)."""
        raise NotImplementedError

    def reload(self) -> None:
        if self.isHidden() and self.testAttribute(Qt.WidgetAttribute.WA_WState_ExplicitShowHide):
            self._stale = True  # hidden by the page stack: reload when shown
            return
        self._stale = False
        self.ctx.query(self.fetch, self.show_data, parent=self)

    def _on_changed(self, written: frozenset[Area]) -> None:
        if written & self.AREAS:
            self.reload()

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if self._stale:
            self.reload()
