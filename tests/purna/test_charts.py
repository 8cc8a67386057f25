import re

import pytest
from django.utils import translation

from purna.charts import _nice_step, bar_chart
from purna.templatetags.purna_jinja import jinja


@pytest.mark.parametrize(
    ("maximum", "step"),
    [(0, 1), (3, 1), (4, 1), (5, 2), (9, 5), (17, 5), (40, 10), (41, 20), (999, 500), (1234, 500)],
)
def test_axis_step_is_round(maximum, step):
    assert _nice_step(maximum) == step


def test_tallest_bar_fills_the_plot_and_zero_has_no_height():
    chart = bar_chart("Purna", [("Jan", 0, "/a"), ("Feb", 10, "/b"), ("Mar", 5, "/c")])
    zero, tall, half = chart.bars
    assert zero.height == 0
    assert tall.y == chart.baseline - tall.height
    assert half.height == pytest.approx(tall.height / 2, abs=0.2)
    assert chart.ticks[0].value == 0 and chart.ticks[-1].value >= 10


def test_svg_links_each_bar_and_renders_decimal_points_in_any_language(settings):
    chart = bar_chart(
        "Purna per bulan", [("Jan 27", 3, "/pegawai/?tmt=2027-01"), ("Feb 27", 1, "/pegawai/?tmt=2027-02")]
    )
    with translation.override("id"):
        svg = jinja("_bar_chart.jinja", chart=chart, chart_id="c1")
    assert 'href="/pegawai/?tmt=2027-01"' in svg
    assert "<script" not in svg
    # Indonesian number formatting would write "12,5", which is not an SVG number.
    assert not any("," in value for value in re.findall(r'(?:x|y|width|height)="([^"]*)"', svg))


def test_empty_chart_is_reported_empty():
    assert bar_chart("x", [("a", 0, "/"), ("b", 0, "/")]).empty
