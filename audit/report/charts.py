"""Charts drawn with ReportLab's graphics: domain scores, score trend, findings by severity."""

from __future__ import annotations

from collections.abc import Sequence

from reportlab.graphics.charts.barcharts import HorizontalBarChart, VerticalBarChart
from reportlab.graphics.charts.linecharts import HorizontalLineChart
from reportlab.graphics.shapes import Drawing, Rect, String
from reportlab.lib import colors

from audit.report.styles import ACCENT, BODY, INK, MUTED, RULE, SEVERITY_COLOURS, TIER_COLOURS


def _empty(width: float, height: float, message: str) -> Drawing:
    drawing = Drawing(width, height)
    drawing.add(
        String(
            width / 2,
            height / 2,
            message,
            fontName=BODY,
            fontSize=8,
            fillColor=MUTED,
            textAnchor="middle",
        )
    )
    return drawing


def _title(drawing: Drawing, text: str, height: float) -> None:
    drawing.add(String(0, height - 10, text, fontName=BODY, fontSize=9, fillColor=ACCENT))


def _score_bars(
    rows: Sequence[tuple[str, float]],
    title: str,
    width: float,
    height: float,
    labels: float,
    right: float,
) -> Drawing:
    """Horizontal bars on a 0-100 scale, one per row, labelled with their value."""
    drawing = Drawing(width, height)
    _title(drawing, title, height)
    chart = HorizontalBarChart()
    chart.x, chart.y = labels, 18
    chart.width, chart.height = width - labels - right, height - 40
    chart.data = [[round(s, 1) for _, s in rows]]
    chart.categoryAxis.categoryNames = [name for name, _ in rows]
    chart.categoryAxis.labels.fontName = BODY
    chart.categoryAxis.labels.fontSize = 7
    chart.categoryAxis.reverseDirection = True
    chart.valueAxis.valueMin, chart.valueAxis.valueMax, chart.valueAxis.valueStep = 0, 100, 25
    chart.valueAxis.labels.fontName = BODY
    chart.valueAxis.labels.fontSize = 7
    chart.valueAxis.gridStrokeColor = RULE
    chart.valueAxis.visibleGrid = True
    chart.bars[0].fillColor = ACCENT
    chart.bars[0].strokeColor = None
    chart.barLabelFormat = "%.0f"
    chart.barLabels.fontName = BODY
    chart.barLabels.fontSize = 6.5
    chart.barLabels.nudge = 7
    drawing.add(chart)
    return drawing


def domain_scores(
    domains: Sequence[tuple[str, float]], width: float = 240, height: float = 150
) -> Drawing:
    if not domains:
        return _empty(width, height, "no scored domains")
    return _score_bars(domains, "Score by domain (0-100)", width, height, labels=90, right=10)


def score_trend(
    points: Sequence[tuple[str, float]], width: float = 240, height: float = 150
) -> Drawing:
    if len(points) < 2:
        drawing = _empty(width, height, "trend appears after the second run")
        _title(drawing, "Score over runs", height)
        return drawing
    drawing = Drawing(width, height)
    _title(drawing, "Score over runs", height)
    chart = HorizontalLineChart()
    chart.x, chart.y = 30, 30
    chart.width, chart.height = width - 40, height - 52
    chart.data = [[round(s, 1) for _, s in points]]
    chart.categoryAxis.categoryNames = [label.split(" ")[-1] for label, _ in points]
    chart.categoryAxis.labels.fontName = BODY
    chart.categoryAxis.labels.fontSize = 6.5
    chart.categoryAxis.labels.angle = 20
    chart.categoryAxis.labels.dy = -6
    chart.valueAxis.valueMin, chart.valueAxis.valueMax, chart.valueAxis.valueStep = 0, 100, 25
    chart.valueAxis.labels.fontName = BODY
    chart.valueAxis.labels.fontSize = 7
    chart.valueAxis.visibleGrid = True
    chart.valueAxis.gridStrokeColor = RULE
    chart.lines[0].strokeColor = ACCENT
    chart.lines[0].strokeWidth = 1.5
    chart.joinedLines = True
    drawing.add(chart)
    return drawing


def findings_by_severity(
    counts: Sequence[tuple[str, int]], width: float = 240, height: float = 150
) -> Drawing:
    drawing = Drawing(width, height)
    _title(drawing, "Open findings by severity", height)
    if not any(n for _, n in counts):
        drawing.add(
            String(
                width / 2,
                height / 2,
                "no open findings",
                fontName=BODY,
                fontSize=8,
                fillColor=MUTED,
                textAnchor="middle",
            )
        )
        return drawing
    chart = VerticalBarChart()
    chart.x, chart.y = 30, 22
    chart.width, chart.height = width - 40, height - 44
    chart.data = [[n for _, n in counts]]
    chart.categoryAxis.categoryNames = [name for name, _ in counts]
    chart.categoryAxis.labels.fontName = BODY
    chart.categoryAxis.labels.fontSize = 7
    chart.valueAxis.valueMin = 0
    chart.valueAxis.labels.fontName = BODY
    chart.valueAxis.labels.fontSize = 7
    chart.valueAxis.forceZero = True
    top = max(n for _, n in counts)
    chart.valueAxis.valueMax = top + 1
    chart.valueAxis.valueStep = max(1, (top + 1) // 4)
    chart.bars[0].strokeColor = None
    for index, (name, _) in enumerate(counts):
        chart.bars[(0, index)].fillColor = SEVERITY_COLOURS.get(name, colors.grey)
    chart.barLabelFormat = "%d"
    chart.barLabels.fontName = BODY
    chart.barLabels.fontSize = 7
    chart.barLabels.nudge = 6
    drawing.add(chart)
    return drawing


def portfolio_scores(
    rows: Sequence[tuple[str, float]], width: float = 480, height: float = 0
) -> Drawing:
    if not rows:
        return _empty(width, 60, "no vendor assessed yet")
    height = height or max(80, 16 * len(rows) + 40)
    return _score_bars(rows, "Latest score per vendor", width, height, labels=130, right=20)


def score_distribution(
    bands: Sequence[tuple[str, Sequence[int]]],
    tiers: Sequence[str],
    width: float = 480,
    height: float = 170,
) -> Drawing:
    """How many vendors score in each band, stacked by inherent tier: readable at any size."""
    drawing = Drawing(width, height)
    _title(drawing, "Vendors by latest score, stacked by inherent tier", height)
    if not any(sum(counts) for _, counts in bands):
        return _empty(width, height, "no vendor assessed yet")
    chart = VerticalBarChart()
    chart.x, chart.y = 36, 30
    chart.width, chart.height = width - 130, height - 52
    chart.data = [[counts[i] for _, counts in bands] for i in range(len(tiers))]
    chart.categoryAxis.categoryNames = [label for label, _ in bands]
    chart.categoryAxis.style = "stacked"
    chart.categoryAxis.labels.fontName = BODY
    chart.categoryAxis.labels.fontSize = 7
    chart.valueAxis.valueMin = 0
    chart.valueAxis.forceZero = True
    chart.valueAxis.labels.fontName = BODY
    chart.valueAxis.labels.fontSize = 7
    chart.valueAxis.visibleGrid = True
    chart.valueAxis.gridStrokeColor = RULE
    palette = TIER_COLOURS
    for index, tier in enumerate(tiers):
        chart.bars[index].fillColor = palette.get(tier, colors.grey)
        chart.bars[index].strokeColor = None
    drawing.add(chart)
    for index, tier in enumerate(tiers):
        y = height - 40 - 14 * index
        drawing.add(Rect(width - 84, y, 8, 8, fillColor=palette.get(tier), strokeColor=None))
        drawing.add(String(width - 72, y + 1, tier, fontName=BODY, fontSize=7, fillColor=INK))
    return drawing
