"""The SVG geometry of the observatory's charts."""

from app.observatory.charts import PLOT_HEIGHT, WIDTH, bar_chart, chart_for, timeline_chart
from app.services.observatory import Figure


def test_bars_scale_to_the_largest_value_and_draw_the_subset_inside():
    figure = Figure("x", "X", ("Filière", "Organisations", "dont ESS"),
                    [("A", 10, 4), ("B", 5, 5), ("C", 0, 0)])
    chart = bar_chart(figure)
    a, b, c = chart.bars
    assert a.total_width == 2 * b.total_width > 0 and c.total_width == 0
    assert a.part_width == round(a.total_width * 4 / 10, 1)
    assert b.part_width == b.total_width
    assert chart.label_width + a.total_width < WIDTH
    assert [bar.y for bar in chart.bars] == [0, 24, 48]


def test_timeline_draws_one_line_per_series_within_the_plot():
    figure = Figure("t", "T", ("Mois", "Besoins", "Offres"),
                    [("2026-01", 0, 2), ("2026-02", 4, 1)], chart="timeline")
    chart = timeline_chart(figure)
    assert [line.name for line in chart.lines] == ["Besoins", "Offres"]
    points = [tuple(map(float, p.split(","))) for p in chart.lines[0].points.split()]
    assert points[0][1] == PLOT_HEIGHT - 30 and points[1][1] == 30  # 0 on the axis, max on top
    assert chart.maximum == 4


def test_no_chart_without_rows_or_for_tables():
    assert chart_for(Figure("e", "E", ("A", "B"))) is None
    assert chart_for(Figure("p", "P", ("A", "B"), [("x", 1)], chart="table")) is None
