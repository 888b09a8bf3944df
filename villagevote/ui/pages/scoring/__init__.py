"""实绩比选: scoring schemes, candidates and raters (with recusals), a keyboard-fast entry grid per rater sheet (with
optional double entry), bonus/deduction entries, results with the breakdown, tie decisions, the outcome, prints.

The page (:mod:`.page`) reads and writes only through domain functions of :mod:`villagevote.scoring` handed to
``ctx.query`` / ``ctx.write``; each tab is a panel module; the entry grid is :mod:`.grid`.
"""
from __future__ import annotations

from villagevote.ui.pages.scoring.grid import EMPTY_BG, FIXED_COLS, RECUSED_BG, ScoreGridModel
from villagevote.ui.pages.scoring.page import ScoringPage

__all__ = ["EMPTY_BG", "FIXED_COLS", "RECUSED_BG", "ScoreGridModel", "ScoringPage"]
