"""The SVG charts of the PDF reports (reports.charts): well-formed, bars in proportion to their
values, every label escaped, and their text readable in a rendered PDF."""

import xml.etree.ElementTree as ET

import pytest

from reports import charts
from tests.documents.conftest import pdftotext, squeeze

SVG = "{http://www.w3.org/2000/svg}"


def _parse(markup):
    return ET.fromstring(str(markup))  # noqa: S314 (our own markup)


def test_nice_ceiling_and_ticks():
    assert [charts.nice_ceiling(v) for v in (0, 1, 2, 3, 7, 10, 11, 45, 115, 5001)] == [
        1, 1, 2, 5, 10, 10, 20, 50, 200, 10000,
    ]  # fmt: skip
    assert charts._ticks(50) == [0, 10, 20, 30, 40, 50]
    assert charts._ticks(20) == [0, 4, 8, 12, 16, 20]
    assert charts._ticks(1) == [0, 1]


def test_bar_heights_follow_the_values_and_values_are_written():
    svg = _parse(charts.bar_chart("状态", ["正常", "停办", "取缔"], [50, 25, 0]))
    bars = [r for r in svg.iter(f"{SVG}rect")]
    heights = [float(r.get("height")) for r in bars]
    assert heights[0] == pytest.approx(2 * heights[1]) and heights[2] == 0
    # The axis tops at 50: the tallest bar fills the drawing area.
    assert heights[0] == pytest.approx(charts.Box().inner_height)
    texts = [t.text for t in svg.iter(f"{SVG}text")]
    assert texts[0] == "状态"
    for written in ("正常", "停办", "取缔", "50", "25", "0"):
        assert written in texts


def test_nothing_to_draw_and_bad_input():
    svg = _parse(charts.bar_chart("空", [], []))
    assert svg.tag == f"{SVG}svg"
    svg = _parse(charts.line_chart("空", ["1月", "2月"], [{"label": "a", "values": [0, 0]}]))
    assert len(list(svg.iter(f"{SVG}polyline"))) == 1
    with pytest.raises(ValueError):
        charts.bar_chart("x", ["a"], [-1])
    with pytest.raises(ValueError):
        charts.bar_chart("x", ["a", "b"], [1])
    with pytest.raises(ValueError):
        charts.line_chart("x", ["a", "b"], [{"label": "s", "values": [1]}])


def test_labels_are_escaped():
    markup = charts.bar_chart("<script>", ['a&b"<x>'], [3])
    svg = _parse(markup)  # still well-formed
    assert "<script>" not in str(markup)
    assert next(t.text for t in svg.iter(f"{SVG}text")) == "<script>"


def test_line_chart_points_and_legend():
    svg = _parse(
        charts.line_chart(
            "趋势",
            ["1月", "2月", "3月"],
            [{"label": "登记", "values": [0, 5, 10]}, {"label": "举报", "values": [10, 10, 10]}],
        )
    )
    lines = list(svg.iter(f"{SVG}polyline"))
    ys = [[float(p.split(",")[1]) for p in line.get("points").split()] for line in lines]
    assert ys[0][0] > ys[0][1] > ys[0][2]  # rising (SVG's y grows downwards)
    assert ys[1][0] == ys[1][1] == ys[1][2] == ys[0][2]
    texts = [t.text for t in svg.iter(f"{SVG}text")]
    assert {"趋势", "登记", "举报", "1月", "3月"} <= set(texts)


def test_chart_text_is_text_in_the_pdf(tmp_path):
    import weasyprint

    html = (
        "<html><body style=\"font-family: 'WenQuanYi Micro Hei'\">"
        f"{charts.bar_chart('机构办学状态', ['正常办学', '白名单'], [115, 7])}</body></html>"
    )
    text = squeeze(pdftotext(weasyprint.HTML(string=html).write_pdf(), tmp_path))
    assert "机构办学状态" in text and "正常办学" in text and "白名单" in text
    assert "115" in text and "7" in text


def test_a_chart_is_drawn_from_its_json_description():
    import json

    spec = json.loads(
        json.dumps({"kind": "bar", "title": "t", "labels": ["a"], "values": [2], "half": True})
    )
    svg = _parse(charts.draw(spec))
    assert svg.get("width") == "300"
    line = {
        "kind": "line",
        "title": "t",
        "labels": ["a"],
        "series": [{"label": "s", "values": [1]}],
    }
    assert len(list(_parse(charts.draw(line)).iter(f"{SVG}polyline"))) == 1
