"""选民与选举: hosts the register tabs (issue 6) and the election tab (issue 7)."""
from __future__ import annotations

import importlib
import importlib.util

from PySide6.QtWidgets import QTabWidget, QVBoxLayout, QWidget

from villagevote.i18n import tr
from villagevote.ui.pages.base import NotBuiltPage


class VotersElectionsPage(QWidget):
    def __init__(self, ctx: object, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.tabs = QTabWidget()
        layout.addWidget(self.tabs)
        self._add("villagevote.ui.pages.voter_register", "VoterRegisterTab", ctx, tr("选民登记"))
        self._add("villagevote.ui.pages.election_tab", "ElectionTab", ctx, tr("选举与计票"))

    def _add(self, module: str, cls_name: str, ctx: object, title: str) -> None:
        if importlib.util.find_spec(module) is None:
            self.tabs.addTab(NotBuiltPage(title), title)
            return
        mod = importlib.import_module(module)
        widget = getattr(mod, cls_name)(ctx)
        # an area module may contribute extra tabs (e.g. objections, proxies) as EXTRA_TABS = [(class_name, title)]
        self.tabs.addTab(widget, title)
        for extra_cls, extra_title in getattr(mod, "EXTRA_TABS", []):
            self.tabs.addTab(getattr(mod, extra_cls)(ctx), extra_title)
