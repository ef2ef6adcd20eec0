"""The SVG charts: accessible, scalable, escaped, and drawn in proportion to the numbers."""

import re

import pytest

from dashboard.charts import WIDTH, Chart, Series, nice_ticks, svg


def chart(kind="bars", **fields):
    values = {
        "slug": "test", "title": "Things & stuff", "summary": "Two <things>.", "kind": kind,
        "labels": ["<script>alert(1)</script>", "Plain"], "series": [Series("Done", "ok", (3, 1)),
                                                                      Series("Late", "danger", (1, 0))],
        "head": ["Label", "Done", "Late"], "rows": [],
    }  # fmt: skip
    values.update(fields)
    return Chart(**values)


@pytest.mark.parametrize("kind", ["bars", "columns"])
def test_a_chart_is_an_image_named_by_its_title_and_description_that_scales(kind):
    drawing = str(svg(chart(kind)))
    assert drawing.startswith('<svg class="chart" role="img" viewBox="0 0 360 ')
    assert 'width="100%"' in drawing and "height=" not in drawing.split(">")[0]
    assert 'aria-labelledby="chart-test-title chart-test-desc"' in drawing
    assert '<title id="chart-test-title">Things &amp; stuff</title>' in drawing
    assert '<desc id="chart-test-desc">Two &lt;things&gt;.</desc>' in drawing


@pytest.mark.parametrize("kind", ["bars", "columns"])
def test_every_label_is_escaped(kind):
    drawing = str(svg(chart(kind)))
    assert "<script>" not in drawing
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in drawing


def _widths(drawing, tone):
    return [float(w) for w in re.findall(rf'class="tone-{tone}" x="[\d.]+" y="[\d.]+" width="([\d.]+)"', drawing)]


def test_bars_are_stacked_in_proportion_to_the_largest_total():
    drawing = str(svg(chart("bars")))
    done, late = _widths(drawing, "ok"), _widths(drawing, "danger")
    assert done[0] + late[0] == pytest.approx(WIDTH - 46, abs=0.2)  # the longest bar spans the room for bars
    assert done[0] == pytest.approx(3 * done[1], abs=0.2)
    assert len(late) == 1  # nothing is drawn for a zero


def test_percentages_are_drawn_against_100():
    drawing = str(
        svg(chart("bars", percent=True, series=[Series("Done", "ok", (50, 25))], value_labels=["50%", "25%"]))
    )
    assert _widths(drawing, "ok")[0] == pytest.approx((WIDTH - 46) / 2, abs=0.2)
    assert ">50%</text>" in drawing


def test_columns_have_a_scale_and_short_labels_for_narrow_screens():
    drawing = str(svg(chart("columns", labels=["Mar\n2026", "Apr"], short_labels=["M", "A"])))
    assert re.search(r'class="tick long"[^>]*>Mar<', drawing) and re.search(r'class="tick short"[^>]*>M<', drawing)
    assert re.search(r'class="axis long"[^>]*>2026<', drawing)  # the year under the month
    assert re.search(r'class="axis short"[^>]*>’26<', drawing)
    assert ">0</text>" in drawing and ">4</text>" in drawing  # the scale reaches the largest total


def test_small_multiples_share_one_scale():
    months = ["Jan", "Feb", "Mar"]
    rows = chart("multiples", labels=["A", "B"], columns=months, series=[Series("Items", "accent", (1, 0, 4, 2, 2, 0))])
    drawing = str(svg(rows))
    heights = [float(h) for h in re.findall(r'class="tone-accent"[^>]*height="([\d.]+)"', drawing)]
    assert heights == pytest.approx([7.5, 30, 15, 15])


@pytest.mark.parametrize(
    ("top", "ticks"), [(1, [0, 1]), (7, [0, 2, 4, 6, 8]), (11, [0, 5, 10, 15]), (230, [0, 100, 200, 300])]
)
def test_the_scale_steps_are_round(top, ticks):
    assert nice_ticks(top) == ticks


def test_a_chart_with_nothing_to_draw_is_empty():
    assert chart(series=[Series("Done", "ok", (0, 0))]).is_empty
    assert chart(labels=[], series=[]).is_empty
    assert not chart().is_empty
