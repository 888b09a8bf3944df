"""The 实绩比选 page: the scheme chooser over five tabs (方案, 人选与评委, 评分录入, 加分扣分, 结果与打印).

Everything shown is read in one domain query (:func:`villagevote.scoring.queries.scoring_page`) on the database
worker; every change is one domain write through ``ctx.write``, after which the page reloads (it shows the scoring,
candidates, qualification and township areas).
"""
from __future__ import annotations

from PySide6.QtWidgets import QCheckBox, QComboBox, QHBoxLayout, QLabel, QTabWidget, QVBoxLayout, QWidget

from villagevote.auth import Permission
from villagevote.changes import Area
from villagevote.i18n import tr
from villagevote.scoring import service
from villagevote.scoring.queries import SchemeView, ScoringPageData, scheme_sources, scoring_page
from villagevote.ui.dialogs.scoring_forms import NewSchemeDialog
from villagevote.ui.pages.base import Page
from villagevote.ui.pages.scoring.adjust_panel import AdjustPanel
from villagevote.ui.pages.scoring.entry_panel import EntryPanel
from villagevote.ui.pages.scoring.people_panel import PeoplePanel
from villagevote.ui.pages.scoring.results_panel import ResultsPanel
from villagevote.ui.pages.scoring.scheme_panel import SchemePanel
from villagevote.ui.widgets import button


class ScoringPage(Page):
    AREAS = frozenset({Area.SCORING, Area.CANDIDATES, Area.QUALIFICATION, Area.TOWNSHIP})

    def __init__(self, ctx, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self.scheme_id: int | None = None   # the scheme asked for (the query falls back when it is gone)
        self.data: ScoringPageData | None = None
        self.admin = ctx.can(Permission.ADMIN)
        self.editable = ctx.can(Permission.EDIT)
        self.can_review = False
        self.can_change = False
        layout = QVBoxLayout(self)
        heading = QLabel(tr("实绩比选：评分方案、评委、评分录入、汇总排名"))
        heading.setStyleSheet("font-size: 18px; font-weight: bold;")
        layout.addWidget(heading)
        bar = QHBoxLayout()
        self.scheme_box = QComboBox()
        self.scheme_box.setMinimumWidth(360)
        self.new_btn = button(tr("新建方案…"), self.new_scheme, enabled=self.admin)
        self.copy_btn = button(tr("复制为新版本"), self.copy_scheme, enabled=False)
        self.double_box = QCheckBox(tr("两次录入（两人分别录同一张评分表，一致才计入）"))
        self.double_box.setEnabled(False)
        bar.addWidget(QLabel(tr("评分方案：")))
        bar.addWidget(self.scheme_box)
        bar.addWidget(self.new_btn)
        bar.addWidget(self.copy_btn)
        bar.addWidget(self.double_box)
        bar.addStretch(1)
        layout.addLayout(bar)
        self.status = QLabel()
        self.status.setWordWrap(True)
        layout.addWidget(self.status)
        self.tabs = QTabWidget()
        layout.addWidget(self.tabs, 1)
        self.scheme_panel = SchemePanel(self)
        self.people = PeoplePanel(self)
        self.entry = EntryPanel(self)
        self.adjust = AdjustPanel(self)
        self.results = ResultsPanel(self)
        self.panels = (self.scheme_panel, self.people, self.entry, self.adjust, self.results)
        for panel, title in zip(self.panels, (tr("方案"), tr("人选与评委"), tr("评分录入"), tr("加分扣分"),
                                              tr("结果与打印"))):
            self.tabs.addTab(panel, title)
        self.scheme_box.currentIndexChanged.connect(self._scheme_chosen)
        self.double_box.toggled.connect(self.toggle_double)
        ctx.database_replaced.connect(self.entry.forget)
        self.reload()

    @property
    def view(self) -> SchemeView | None:
        return self.data.view if self.data is not None else None

    # ------------------------------------------------------------------------------------------------ loading
    def fetch(self, session) -> ScoringPageData:
        return scoring_page(session, self.scheme_id, self.ctx.village_id)

    def show_data(self, data: ScoringPageData) -> None:
        self.data = data
        self.scheme_id = data.scheme_id
        self.scheme_box.blockSignals(True)
        self.scheme_box.clear()
        for r in data.schemes:
            state = tr("结果已确定") if r.outcome_applied else (tr("已冻结") if r.frozen else tr("可修改"))
            self.scheme_box.addItem(tr("{label} · {n} 位人选 · {state}").format(
                label=r.label, n=r.participants, state=state), r.id)
        if data.scheme_id is not None:
            self.scheme_box.setCurrentIndex(self.scheme_box.findData(data.scheme_id))
        self.scheme_box.blockSignals(False)
        view = data.view
        locked = view is not None and view.info.outcome_applied
        self.can_change = self.editable and view is not None and not locked
        self.can_review = self.ctx.can(Permission.REVIEW) and view is not None and not locked
        self.copy_btn.setEnabled(self.admin and view is not None)
        self.double_box.blockSignals(True)
        self.double_box.setChecked(view is not None and view.info.double_entry)
        self.double_box.setEnabled(self.can_change)
        self.double_box.blockSignals(False)
        if view is None:
            self.status.setText(tr("还没有评分方案。请按“新建方案…”从示例方案开始。"))
        elif locked:
            self.status.setText(tr("本方案的比选结果已确定，评分、评委和加扣分均已锁定。"))
        elif view.info.frozen:
            self.status.setText(tr("本方案已有评分，方案已冻结；如需修改评分项或权重，请“复制为新版本”。"))
        else:
            self.status.setText(tr("本方案还没有评分，可以修改。"))
        for panel in self.panels:
            panel.show_view(view)

    def _scheme_chosen(self) -> None:
        self.scheme_id = self.scheme_box.currentData()
        self.reload()

    def _show_scheme(self, scheme_id: int) -> None:
        self.scheme_id = scheme_id
        self.reload()

    # ------------------------------------------------------------------------------------------------ schemes
    def new_scheme(self) -> None:
        actor = self.ctx.actor

        def ask(sources: list[tuple[str, str]]) -> None:
            new_id = NewSchemeDialog.ask(self, self.ctx, sources,
                                         lambda s, v: service.new_scheme(s, actor, v.source, v.name))
            if new_id is not None:
                self._show_scheme(new_id)
        self.ctx.query(scheme_sources, ask, parent=self)

    def copy_scheme(self) -> None:
        if self.view is None:
            return
        scheme_id, actor = self.view.info.id, self.ctx.actor
        self.ctx.write(lambda s: service.copy_scheme(s, actor, scheme_id), Area.SCORING, on_done=self._show_scheme,
                       parent=self)

    def toggle_double(self, on: bool) -> None:
        if self.view is None:
            return
        scheme_id, actor = self.view.info.id, self.ctx.actor
        self.ctx.write(lambda s: service.set_double_entry(s, actor, scheme_id, on), Area.SCORING, parent=self)
