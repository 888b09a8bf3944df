"""The 践诺跟踪 page (issue 17 item 7): the ledger with its filters and actions, an item's detail and timeline, the
weekly entry grid, 月查, 挂牌督办, the quarterly ranking and the charts — one tab each.

Everything is read through domain functions of :mod:`villagevote.tracking` on the database worker (``ctx.query``)
and written through them in one transaction (``ctx.write(…, Area.TRACKING)``). Tabs are :class:`Page` objects too:
each reads its own data when first shown and again when tracking or township data is written while it is in view.
Another tab (issue 18's 双述双评) is one more line in :func:`tabs`.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from PySide6.QtWidgets import QWidget

from villagevote.changes import Area
from villagevote.i18n import tr
from villagevote.township import CycleInfo, cycle_info, list_villages
from villagevote.tracking import machine
from villagevote.tracking.queries import LedgerFilter, ledger_count
from villagevote.ui.dialogs.common import show_error
from villagevote.ui.pages.base import TabbedPage
from villagevote.ui.pages.tracking.charts import ChartsTab
from villagevote.ui.pages.tracking.evaluation_tab import EvaluationTab
from villagevote.ui.pages.tracking.inspections_tab import InspectionsTab
from villagevote.ui.pages.tracking.ledger_tab import LedgerTab
from villagevote.ui.pages.tracking.ranking_tab import RankingTab
from villagevote.ui.pages.tracking.supervision_tab import SupervisionTab
from villagevote.ui.pages.tracking.weekly_tab import WeeklyTab

__all__ = ["TrackingPage", "tabs"]


def tabs() -> list[tuple[str, Callable[[Any], QWidget]]]:
    """(title, factory(page)) of each tab, in order; a new tab is one more line here."""
    return [
        (tr("践诺台账"), LedgerTab),
        (tr("周报录入"), WeeklyTab),
        (tr("月查"), InspectionsTab),
        (tr("挂牌督办"), SupervisionTab),
        (tr("季度排名"), RankingTab),
        (tr("图表"), ChartsTab),
        (tr("双述双评"), EvaluationTab),
    ]


@dataclass(frozen=True)
class Summary:
    cycle: CycleInfo | None
    villages: dict[int, str]
    total: int
    overdue: int
    supervised: int


class TrackingPage(TabbedPage):
    AREAS = frozenset({Area.TRACKING, Area.TOWNSHIP})

    def __init__(self, ctx: Any, parent: QWidget | None = None, *, clock: Callable[[], dt.date] = dt.date.today) -> None:
        super().__init__(ctx, parent, clock=clock)
        self.cycle: CycleInfo | None = None
        self.build(tr("践诺跟踪：挂号、周报、月查、督办、销号、排名通报"), tabs())
        self._overdue_checked: int | None = None
        ctx.database_replaced.connect(self._forget_overdue_check)
        self.reload()

    # ------------------------------------------------------------------------------------------------ loading
    def fetch(self, session: Any) -> Summary:
        cycle = cycle_info(session)
        villages = {v.id: v.name for v in list_villages(session)}
        if cycle is None:
            return Summary(None, villages, 0, 0, 0)
        cycle_id, village, today = cycle.id, self.ctx.village_id, self.today()

        def count(**kw: Any) -> int:
            return ledger_count(session, LedgerFilter(cycle_id=cycle_id, village_id=village, **kw), today=today)
        return Summary(cycle, villages, count(), count(overdue_only=True), count(supervised_only=True))

    def show_data(self, data: Summary) -> None:
        self.cycle = data.cycle
        self.villages = data.villages
        if data.cycle is None:
            self.summary.setText(tr("还没有换届届次，请先在“系统”中建立。"))
            return
        self.summary.setText(tr("{cycle}：台账 {n} 项，逾期 {o} 项，挂牌督办 {s} 项。今天 {d}，第 {w} 周。").format(
            cycle=data.cycle.name, n=data.total, o=data.overdue, s=data.supervised, d=self.today().isoformat(),
            w=self.today().isocalendar()[1]))
        if self._overdue_checked != data.cycle.id:
            self._overdue_checked = data.cycle.id
            self._refresh_overdue(data.cycle.id)

    def _forget_overdue_check(self) -> None:
        self._overdue_checked = None

    def _refresh_overdue(self, cycle_id: int) -> None:
        """已挂号/推进中 past the current deadline become 逾期 (the domain's daily check, idempotent) once the page has
        loaded; the page and its tabs reload only when it changed something. The check records status changes as
        "系统", so it runs in a write session of its own (``ctx.write`` would announce a change every time)."""
        db, today = self.ctx.db, self.today()

        def job(_progress: Any) -> list[int]:
            with db.session() as s:
                return machine.refresh_overdue(s, cycle_id=cycle_id, today=today)

        def done(changed: list[int]) -> None:
            if changed:
                self.ctx.announce(Area.TRACKING)

        def failed(exc: BaseException, _tb: str) -> None:
            show_error(self, exc)

        self.ctx.jobs.submit(job, title=tr("检查逾期事项"), parent=self, on_done=done, on_error=failed)
