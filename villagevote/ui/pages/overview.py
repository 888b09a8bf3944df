"""概览: the township at a glance (real counts from the database), the statutory calendar when built, and the
statistics dashboard (structure indicators, tracking figures, charts, compliance warnings)."""
from __future__ import annotations

from PySide6.QtWidgets import QGridLayout, QGroupBox, QLabel, QVBoxLayout, QWidget

from villagevote.changes import Area
from villagevote.i18n import tr
from villagevote.overview import Overview, overview
from villagevote.ui.pages.base import Page
from villagevote.ui.pages.overview_calendar import CalendarPanel
from villagevote.ui.pages.overview_dashboard import DashboardPanel


class OverviewPage(Page):
    AREAS = frozenset({Area.TOWNSHIP, Area.VOTERS, Area.CANDIDATES, Area.PLEDGES, Area.ELECTIONS, Area.TRACKING})

    def __init__(self, ctx, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        layout = QVBoxLayout(self)
        self.heading = QLabel()
        self.heading.setStyleSheet("font-size: 20px; font-weight: bold;")
        layout.addWidget(self.heading)
        self.cycle_label = QLabel()
        layout.addWidget(self.cycle_label)
        box = QGroupBox(tr("数据概况"))
        self.grid = QGridLayout(box)
        layout.addWidget(box)
        self.calendar = CalendarPanel(ctx)
        layout.addWidget(self.calendar)
        self.dashboard = DashboardPanel(ctx)  # issue 19 item 6: figures, charts and compliance warnings
        layout.addWidget(self.dashboard, 1)
        self.reload()

    def refresh(self) -> None:
        """Reload the counts (kept for callers of the former synchronous page)."""
        self.reload()

    def fetch(self, session) -> Overview:
        return overview(session, self.ctx.village_id)

    def show_data(self, data: Overview) -> None:
        while (item := self.grid.takeAt(0)) is not None:
            widget = item.widget()
            if widget is not None:
                widget.deleteLater()
        name = data.township or tr("（尚未设置乡镇）")
        self.heading.setText(name + (f" · {data.village}" if data.village else ""))
        cycle = data.cycle
        self.cycle_label.setText(tr("当前届次：{name}，选举日 {day}").format(name=cycle.name, day=cycle.election_day)
                                 if cycle else tr("尚未设置换届届次。"))
        for i, (label, value) in enumerate(data.counts):
            self.grid.addWidget(QLabel(label), i // 3, (i % 3) * 2)
            v = QLabel(str(value))
            v.setStyleSheet("font-size: 18px; font-weight: bold;")
            self.grid.addWidget(v, i // 3, (i % 3) * 2 + 1)
