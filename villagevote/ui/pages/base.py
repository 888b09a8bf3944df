"""Page plumbing: the base of every workflow page, and the plain notice for pages that are not built yet."""
from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import QHBoxLayout, QLabel, QTabWidget, QVBoxLayout, QWidget

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


class TabbedPage(Page):
    """A workflow page of tabs under a heading and a summary line (践诺跟踪, 统计上报). Its tabs read the page's clock
    (``today()``, injectable for tests and screenshots) and village names; subclasses set their own attributes, then
    call :meth:`build` with the tabs as ``(title, factory(page))`` pairs, and fill ``villages`` when they load."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None, *,
                 clock: Callable[[], dt.date] = dt.date.today) -> None:
        super().__init__(ctx, parent)
        self.clock = clock
        self.villages: dict[int, str] = {}
        self.tab_pages: list[QWidget] = []

    def build(self, heading: str, tabs: list[tuple[str, Callable[[Any], QWidget]]],
              extra: QWidget | None = None) -> None:
        """The heading (with ``extra`` at its right), the summary line and the tabs."""
        layout = QVBoxLayout(self)
        head = QHBoxLayout()
        label = QLabel(heading)
        label.setStyleSheet("font-size: 18px; font-weight: bold;")
        head.addWidget(label, 1)
        if extra is not None:
            head.addWidget(extra)
        layout.addLayout(head)
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        layout.addWidget(self.summary)
        self.tabs = QTabWidget()
        for title, factory in tabs:
            tab = factory(self)
            self.tab_pages.append(tab)
            self.tabs.addTab(tab, title)
        layout.addWidget(self.tabs, 1)

    def today(self) -> dt.date:
        return self.clock()

    def village_name(self) -> str | None:
        """The village chosen in the main window's tree, by name (None: the whole township)."""
        return self.villages.get(self.ctx.village_id) if self.ctx.village_id is not None else None

    def tab(self, cls: type) -> Any:
        """The tab of type ``cls`` (tests, and tabs that open another)."""
        return next(t for t in self.tab_pages if isinstance(t, cls))

    def show_tab(self, cls: type) -> Any:
        tab = self.tab(cls)
        self.tabs.setCurrentWidget(tab)
        return tab
