"""践诺跟踪 (issue 17 item 7): the page and its tabs — ledger, weekly entry, 月查, 挂牌督办, ranking, charts.

The page (:mod:`.page`) reads and writes only through domain functions of :mod:`villagevote.tracking` handed to
``ctx.query`` / ``ctx.write``; a tab is one line in :func:`.page.tabs`.
"""
from villagevote.ui.pages.tracking.page import TrackingPage, tabs

__all__ = ["TrackingPage", "tabs"]
