"""Server-side SVG charts: the geometry of a figure, drawn by templates/observatory/chart.html.

No JavaScript and no inline style (the CSP allows neither): an SVG of rectangles, polylines and
text, scaled here, readable without the page's script and printed as it is shown.
"""

from dataclasses import dataclass

from app.services.observatory import Figure

WIDTH = 640
LABEL_WIDTH = 270
ROW_HEIGHT = 24
BAR_HEIGHT = 16
PLOT_HEIGHT = 220
MARGIN = 30
SERIES_CLASSES = ("s1", "s2", "s3", "s4", "s5", "s6")


@dataclass(frozen=True)
class Bar:
    label: str
    y: int
    total: float
    total_width: float
    part: float | None
    part_width: float


@dataclass(frozen=True)
class BarChart:
    width: int
    height: int
    label_width: int
    bars: list[Bar]
    total_name: str
    part_name: str | None


@dataclass(frozen=True)
class Line:
    name: str
    css: str
    points: str  # "x,y x,y …" for <polyline>


@dataclass(frozen=True)
class TimelineChart:
    width: int
    height: int
    lines: list[Line]
    ticks: list[tuple[float, str]]  # x, month label
    maximum: int


def _scale(value: float, maximum: float, length: float) -> float:
    return round(length * value / maximum, 1) if maximum else 0.0


def bar_chart(figure: Figure) -> BarChart:
    """First value column as bars; a second one (a subset, e.g. « dont ESS ») drawn inside."""
    maximum = max((row[1] or 0 for row in figure.rows), default=0)
    length = WIDTH - LABEL_WIDTH - 50
    with_part = len(figure.columns) > 2
    bars = [Bar(label=str(row[0]), y=index * ROW_HEIGHT, total=row[1] or 0,
                total_width=_scale(row[1] or 0, maximum, length),
                part=row[2] if with_part else None,
                part_width=_scale(row[2] or 0, maximum, length) if with_part else 0.0)
            for index, row in enumerate(figure.rows)]
    return BarChart(WIDTH, max(len(bars), 1) * ROW_HEIGHT, LABEL_WIDTH, bars,
                    figure.columns[1], figure.columns[2] if with_part else None)


def timeline_chart(figure: Figure) -> TimelineChart:
    """One polyline per series over the months of the figure."""
    months = [row[0] for row in figure.rows]
    maximum = max((value for row in figure.rows for value in row[1:]), default=0)
    step = (WIDTH - 2 * MARGIN) / max(len(months) - 1, 1)

    def point(index: int, value: int) -> str:
        y = PLOT_HEIGHT - MARGIN - _scale(value, maximum, PLOT_HEIGHT - 2 * MARGIN)
        return f"{round(MARGIN + index * step, 1)},{y}"

    lines = [Line(name, SERIES_CLASSES[column % len(SERIES_CLASSES)],
                  " ".join(point(i, row[column + 1]) for i, row in enumerate(figure.rows)))
             for column, name in enumerate(figure.columns[1:])]
    every = max(1, len(months) // 8)
    ticks = [(round(MARGIN + i * step, 1), month) for i, month in enumerate(months)
             if i % every == 0]
    return TimelineChart(WIDTH, PLOT_HEIGHT, lines, ticks, maximum)


def chart_for(figure: Figure) -> BarChart | TimelineChart | None:
    if not figure.rows:
        return None
    return {"bars": bar_chart, "timeline": timeline_chart}.get(figure.chart, lambda _f: None)(
        figure)
