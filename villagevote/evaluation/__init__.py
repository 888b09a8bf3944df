"""双述双评 and the end of the term (issue 18): the pure 民主评议 engine (:func:`decide`), item verdicts and the
践诺率 (``verdicts``), the 辞职承诺 triggers (``triggers``) and their thresholds (``thresholds``).

These modules import neither the database nor Qt: plain data in, plain data out."""
from __future__ import annotations

from villagevote.evaluation.engine import decide

__all__ = ["decide"]
