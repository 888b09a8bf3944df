"""选民与选举: hosts the register tabs (issue 6) and the election tab (issue 7)."""
from __future__ import annotations

from PySide6.QtWidgets import QTabWidget, QVBoxLayout, QWidget

from villagevote.i18n import tr
from villagevote.ui.context import AppContext
from villagevote.ui.pages import voter_register
from villagevote.ui.pages.election_tab import ElectionTab


class VotersElectionsPage(QWidget):
    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.tabs = QTabWidget()
        layout.addWidget(self.tabs)
        self.tabs.addTab(voter_register.VoterRegisterTab(ctx), tr("选民登记"))
        # the register module contributes its further tabs (objections, proxies, checks) as EXTRA_TABS
        for cls_name, title in voter_register.EXTRA_TABS:
            self.tabs.addTab(getattr(voter_register, cls_name)(ctx), title)
        self.tabs.addTab(ElectionTab(ctx), tr("选举与计票"))
