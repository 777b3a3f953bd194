"""Server-drawn SVG bar charts: escaped labels, bars to scale (negative ones left of zero), nothing when empty."""

import re
from decimal import Decimal

import pytest

from lms.outcomes.impact.charts import WIDTH, Bar, bar_chart, fitted

pytestmark = pytest.mark.one_database  # drawing SVG: no database involved


def rects(svg: str) -> list[dict]:
    return [dict(re.findall(r'(\w[\w-]*)="([^"]*)"', rect)) for rect in re.findall(r"<rect [^>]*/>", svg)]


def test_a_chart_is_an_image_with_a_title_scaled_by_its_viewbox():
    svg = str(bar_chart("chart-x", "Graduation rate per cohort", [Bar("A", Decimal("0.75"), "75%"), Bar("B", 0, "0%")]))
    assert svg.startswith('<svg xmlns="http://www.w3.org/2000/svg" class="chart" viewBox="0 0 360 80" role="img"')
    assert 'aria-labelledby="chart-x-title"' in svg
    assert '<title id="chart-x-title">Graduation rate per cohort</title>' in svg
    assert "<title>A: 75%</title>" in svg
    assert "style" not in svg
    assert [(bar["x"], bar["width"]) for bar in rects(svg)] == [("0", str(WIDTH)), ("0", "1")]  # zero: a hairline


def test_bars_are_to_scale_and_negative_ones_run_left_of_a_zero_line():
    svg = str(bar_chart("c", "Median change", [Bar("up", 300, "+300"), Bar("down", -100, "-100")]))
    up, down = rects(svg)
    assert (up["x"], up["width"], up["class"]) == ("90", "270", "bar")
    assert (down["x"], down["width"], down["class"]) == ("0", "90", "bar-negative")
    assert '<line x1="90" x2="90"' in svg


def test_labels_are_escaped_and_long_ones_cut_to_fit():
    svg = str(bar_chart("c", "<b>Title</b>", [Bar('<script>"&', 1, "1 & 2")]))
    assert "<script>" not in svg
    assert "&lt;b&gt;Title&lt;/b&gt;" in svg
    assert "&lt;script&gt;&#34;&amp;" in svg
    assert "1 &amp; 2" in svg
    assert fitted("横峰县高山云雾茶叶专业合作社第二期电商班学员") == "横峰县高山云雾茶叶专业合作社第二期…"
    assert fitted("Cohort A") == "Cohort A"


def test_a_figure_missing_draws_no_bar_and_no_figures_draw_nothing():
    svg = str(bar_chart("c", "Response rate", [Bar("At graduation", 1, "100%"), Bar("12 months", None, "—")]))
    assert len(rects(svg)) == 1
    assert "12 months" in svg
    assert str(bar_chart("c", "Response rate", [Bar("12 months", None, "—")])) == ""
    assert str(bar_chart("c", "Response rate", [])) == ""
