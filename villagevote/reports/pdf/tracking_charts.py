"""Charts in the 践诺跟踪 PDFs with reportlab's own graphics (issue 17 item 7: "charts in PDFs with reportlab's own
graphics"): a vertical bar chart per village (销号率 of the 月查月比表, 总分 of the 季度排名通报). A chart is a
``Drawing``, a flowable placed in the story like a table. Black and white: grey bars with black outlines, black
text in the embedded body face, 10 pt; values printed above the bars. Drawing coordinates are floats (geometry);
the values they show come in as Decimal and are printed from the Decimal text.
"""
from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

from reportlab.graphics.charts.barcharts import VerticalBarChart
from reportlab.graphics.shapes import Drawing, String
from reportlab.lib import colors

from villagevote.fonts import pdf_fonts

__all__ = ["bar_chart"]

BAR_GREY = colors.Color(0.6, 0.6, 0.6)
FONT_SIZE = 10


def bar_chart(labels: Sequence[str], values: Sequence[Decimal | None], *, width: float, height: float,
              title: str = "", suffix: str = "", top: Decimal | None = None) -> Drawing:
    """Bars for ``values`` (None: no bar, the label stays) under ``labels``; the value axis from 0 to ``top`` (the
    largest value rounded up to a tenth of the scale when None); each bar's value printed above it with ``suffix``."""
    font = pdf_fonts().body
    drawing = Drawing(width, height)
    drawing.initialFontName = font  # reportlab's graphics state starts in Times-Roman, a font no PDF may reference
    drawing.initialFontSize = FONT_SIZE
    title_room = FONT_SIZE * 2 if title else 0
    chart = VerticalBarChart()
    chart.x, chart.y = 40, 30
    chart.width, chart.height = width - 55, height - 45 - title_room
    numbers = [float(v) if v is not None else 0.0 for v in values]
    chart.data = [numbers or [0.0]]
    chart.categoryAxis.categoryNames = list(labels) or [""]
    chart.categoryAxis.labels.fontName = font
    chart.categoryAxis.labels.fontSize = FONT_SIZE
    chart.categoryAxis.labels.boxAnchor = "n"
    chart.categoryAxis.labels.dy = -4
    if len(labels) > 8:  # many villages: slanted labels
        chart.categoryAxis.labels.angle = 30
        chart.categoryAxis.labels.boxAnchor = "ne"
    chart.valueAxis.labels.fontName = font
    chart.valueAxis.labels.fontSize = FONT_SIZE
    highest = max((v for v in values if v is not None), default=Decimal(0))
    scale = float(top) if top is not None else _nice_top(highest)
    chart.valueAxis.valueMin = 0
    chart.valueAxis.valueMax = scale
    chart.valueAxis.valueStep = scale / 5
    chart.valueAxis.labelTextFormat = "%g" + suffix.replace("%", "%%")
    chart.bars[0].fillColor = BAR_GREY
    chart.bars[0].strokeColor = colors.black
    chart.bars.strokeWidth = 0.5
    chart.strokeColor = colors.black
    chart.barLabelFormat = "values"
    chart.barLabels.fontName = font
    chart.barLabels.fontSize = FONT_SIZE
    chart.barLabels.nudge = 7
    chart.barLabelArray = [[("" if v is None else f"{v}{suffix}") for v in values] or [""]]
    drawing.add(chart)
    if title:
        drawing.add(String(width / 2, height - FONT_SIZE - 2, title, fontName=font, fontSize=FONT_SIZE + 1,
                           textAnchor="middle", fillColor=colors.black))
    return drawing


def _nice_top(highest: Decimal) -> float:
    if highest <= 0:
        return 100.0
    for top in (1, 2, 5, 10, 20, 25, 50, 100, 120, 150, 200, 500, 1000):
        if highest <= top:
            return float(top)
    return float(highest) * 1.1
