"""Charts drawn with pyqtgraph (maintained, pure Python on PySide6-Essentials), shared by the 践诺跟踪 charts tab and
the 概览 dashboard. pyqtgraph is imported in :func:`_pg` only — the first time a chart is drawn — so start-up and the
pages without charts never pay for it (~0.3 s, a genuinely heavy import). Axis texts use the application's font (the
bundled CJK face set in ``ui/app.py``); a chart with no data says so in Chinese (:func:`no_data`) instead of showing
an empty axis."""
from __future__ import annotations

import math
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QFont
from PySide6.QtWidgets import QApplication, QLabel, QVBoxLayout, QWidget

__all__ = ["BAR", "LOW", "bar_chart", "line_chart", "no_data"]

BAR = QColor("#4a7ab5")
LOW = QColor("#c62828")


def _pg() -> Any:
    """pyqtgraph, imported on first use."""
    import pyqtgraph as pg  # type: ignore[import-untyped]
    pg.setConfigOptions(antialias=True, background="w", foreground="k")
    return pg


def no_data(title: str, why: str) -> QWidget:
    """The chart's title and, where the axes would be, why there is nothing to draw."""
    box = QWidget()
    lay = QVBoxLayout(box)
    head = QLabel(title)
    head.setStyleSheet("font-weight: bold;")
    lay.addWidget(head)
    text = QLabel(why)
    text.setObjectName("chart_no_data")
    text.setAlignment(Qt.AlignmentFlag.AlignCenter)
    text.setStyleSheet("color: #666; font-size: 14px; border: 1px dashed #bbb; padding: 24px;")
    lay.addWidget(text, 1)
    return box


def _plot(title: str, left: str, bottom: str, height: int | None) -> Any:
    """An empty plot in the application's font: a fixed ``height``, or at least 220 px."""
    pg = _pg()
    font = QFont(QApplication.font())
    family = font.family()
    widget = pg.PlotWidget()
    widget.setObjectName("chart")
    if height is not None:
        widget.setFixedHeight(height)
    else:
        widget.setMinimumHeight(220)
    item = widget.getPlotItem()
    item.setTitle(title, size="11pt", family=family)
    style = {"font-family": family, "font-size": "10pt"}
    item.setLabel("left", left, **style)
    if bottom:
        item.setLabel("bottom", bottom, **style)
    for name in ("left", "bottom"):
        item.getAxis(name).setTickFont(font)
    item.showGrid(x=False, y=True, alpha=0.15)
    item.setMenuEnabled(False)
    item.hideButtons()
    widget.setMouseEnabled(x=False, y=False)
    return widget


def bar_chart(title: str, labels: list[str], values: list[float], *, left: str, bottom: str = "",
              y_max: float | None = None, highlight: set[int] | None = None, texts: list[str] | None = None,
              line: float | None = None, height: int | None = None) -> QWidget:
    """Vertical bars, one per label (village names under them), each with its figure written above it (``texts``,
    default the value); ``highlight`` bars in red; ``line``: a dashed reference line at that value."""
    pg = _pg()
    widget = _plot(title, left, bottom, height)
    item = widget.getPlotItem()
    xs = list(range(len(labels)))
    brushes = [pg.mkBrush(LOW if highlight and i in highlight else BAR) for i in xs]
    item.addItem(pg.BarGraphItem(x=xs, height=values, width=0.6, brushes=brushes))
    font = QFont(QApplication.font())
    for x, value, text in zip(xs, values, texts or [f"{v:g}" for v in values], strict=True):
        label = pg.TextItem(text, color="k", anchor=(0.5, 1.0))
        label.setFont(font)
        label.setPos(x, value)
        item.addItem(label)
    item.getAxis("bottom").setTicks([list(zip(xs, labels, strict=True))])
    item.setXRange(-0.6, len(labels) - 0.4, padding=0)
    top = y_max if y_max is not None else max(max(values, default=0) * 1.15, 1.0)
    item.setYRange(0, top * 1.08, padding=0)
    if line is not None:
        pen = pg.mkPen(QColor("#333333"), width=1, style=Qt.PenStyle.DashLine)
        item.addItem(pg.InfiniteLine(pos=line, angle=0, pen=pen))
    return widget


def line_chart(title: str, labels: list[str], values: list[int], *, left: str, bottom: str,
               every: int = 4) -> QWidget:
    """A count per period as a line with points (whole-number ticks); every ``every``-th label is written under
    the axis, counted back from the latest."""
    pg = _pg()
    widget = _plot(title, left, bottom, None)
    item = widget.getPlotItem()
    xs = list(range(len(labels)))
    item.plot(xs, [float(v) for v in values], pen=pg.mkPen(LOW, width=2), symbol="o", symbolSize=6,
              symbolBrush=pg.mkBrush(LOW))
    last = len(xs) - 1
    item.getAxis("bottom").setTicks([[(i, labels[i]) for i in xs if (last - i) % every == 0]])
    top = max(values) if values else 1
    step = max(1, math.ceil(top / 5))
    item.getAxis("left").setTickSpacing(step, step)
    item.setYRange(0, max(top * 1.15, 1), padding=0)
    item.setXRange(-0.5, last + 1.2, padding=0)  # room for the latest week's label
    return widget
