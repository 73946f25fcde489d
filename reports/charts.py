"""Charts drawn on the server as SVG: the PDF reports carry the dashboard's charts, and
WeasyPrint runs no JavaScript (the dashboard page draws the same data with Chart.js).

Two kinds, enough for the reports: `bar_chart` (one value per label, the value written above
its bar) and `line_chart` (several series over the same labels, with a legend). Both return
SVG markup (safe to put in a template: every label is escaped) whose text is real text in the
PDF — the labels and figures can be read back from it (pdftotext) and searched.

Counts only: values are integers ≥ 0 (a negative one is a caller's bug and raises).
"""

from dataclasses import dataclass
from xml.sax.saxutils import escape

from django.utils.safestring import SafeString, mark_safe

PALETTE = ("#1f5fbf", "#2e8b57", "#d9a400", "#c0392b", "#6f42c1", "#17a2b8", "#e67e22")
FONT = "WenQuanYi Micro Hei"


@dataclass(frozen=True)
class Box:
    """The drawing area inside the SVG (user units), around it the axis labels."""

    width: int = 600
    height: int = 240
    left: int = 46
    right: int = 12
    top: int = 30
    bottom: int = 34

    @property
    def inner_width(self) -> int:
        return self.width - self.left - self.right

    @property
    def inner_height(self) -> int:
        return self.height - self.top - self.bottom


def nice_ceiling(value: int) -> int:
    """The smallest of 1, 2, 5 × 10ⁿ (n ≥ 0) not below `value`: the axis's top; 1 for 0."""
    if value <= 1:
        return 1
    step = 1
    while True:
        for factor in (1, 2, 5):
            if step * factor >= value:
                return step * factor
        step *= 10


def _ticks(top: int) -> list[int]:
    """Gridline values from 0 to `top` (1, 2 or 5 × 10ⁿ) in 5, 4, 2 or 1 whole steps."""
    count = next(c for c in (5, 4, 2, 1) if top % c == 0)
    return list(range(0, top + 1, top // count))


def _check(values) -> list[int]:
    out = [int(v or 0) for v in values]
    if any(v < 0 for v in out):
        raise ValueError("a chart draws counts: no negative value")
    return out


def _text(x, y, content, *, size=11, anchor="middle", fill="#000") -> str:
    return (
        f'<text x="{x:.1f}" y="{y:.1f}" font-size="{size:.1f}" text-anchor="{anchor}" '
        f'fill="{fill}">{escape(str(content))}</text>'
    )


def _label_size(label: str, slot: float, largest: float = 11) -> float:
    """A font size at which `label` fits its slot (CJK characters are about 1 em wide)."""
    return max(6.0, min(largest, slot / max(1, len(label)) * 0.95))


def _frame(box: Box, title: str, top: int, *, tick_labels: bool = True) -> list[str]:
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" viewBox="0 0 {box.width} '
        f'{box.height}" width="{box.width}" height="{box.height}" font-family="{FONT}">',
        _text(box.width / 2, 16, title, size=13),
    ]
    for tick in _ticks(top):
        y = box.top + box.inner_height * (1 - tick / top)
        parts.append(
            f'<line x1="{box.left}" y1="{y:.1f}" x2="{box.width - box.right}" y2="{y:.1f}" '
            f'stroke="#ccc" stroke-width="0.6"/>'
        )
        if tick_labels:
            parts.append(_text(box.left - 4, y + 3.5, tick, size=9, anchor="end", fill="#555"))
    return parts


def bar_chart(title: str, labels, values, *, box: Box = Box(), colour=PALETTE[0]) -> SafeString:
    """One bar per label, its value written above it (so the axis carries gridlines only:
    every text of an SVG costs WeasyPrint a layout of its own)."""
    labels = [str(label) for label in labels]
    values = _check(values)
    if len(labels) != len(values):
        raise ValueError("one value per label")
    top = nice_ceiling(max(values, default=0))
    parts = _frame(box, title, top, tick_labels=False)
    slot = box.inner_width / max(1, len(values))
    base = box.top + box.inner_height
    for i, (label, value) in enumerate(zip(labels, values, strict=True)):
        height = box.inner_height * value / top
        x = box.left + slot * i + slot * 0.2
        parts.append(
            f'<rect x="{x:.1f}" y="{base - height:.1f}" width="{slot * 0.6:.1f}" '
            f'height="{height:.1f}" fill="{colour}"/>'
        )
        centre = box.left + slot * (i + 0.5)
        parts.append(_text(centre, base - height - 3, value, size=10))
        parts.append(_text(centre, base + 15, label, size=_label_size(label, slot)))
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 (every text above is escaped)


def line_chart(title: str, labels, series) -> SafeString:
    """Several series ({"label": …, "values": […]}) over the same labels, a legend above."""
    labels = [str(label) for label in labels]
    series = [{"label": str(s["label"]), "values": _check(s["values"])} for s in series]
    if any(len(s["values"]) != len(labels) for s in series):
        raise ValueError("one value per label in every series")
    box = Box(height=210, top=48)
    top = nice_ceiling(max((v for s in series for v in s["values"]), default=0))
    parts = _frame(box, title, top)
    slot = box.inner_width / max(1, len(labels))
    base = box.top + box.inner_height
    for i, label in enumerate(labels):
        parts.append(
            _text(box.left + slot * (i + 0.5), base + 15, label, size=_label_size(label, slot, 9))
        )
    legend_slot = box.inner_width / max(1, len(series))
    for n, line in enumerate(series):
        colour = PALETTE[n % len(PALETTE)]
        x0 = box.left + legend_slot * n
        parts.append(f'<rect x="{x0:.1f}" y="25" width="10" height="10" fill="{colour}"/>')
        parts.append(_text(x0 + 14, 34, line["label"], size=10, anchor="start"))
        points = " ".join(
            f"{box.left + slot * (i + 0.5):.1f},{base - box.inner_height * v / top:.1f}"
            for i, v in enumerate(line["values"])
        )
        parts.append(
            f'<polyline points="{points}" fill="none" stroke="{colour}" stroke-width="2"/>'
        )
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 (every text above is escaped)


def draw(spec: dict) -> SafeString:
    """A chart from its description (JSON: what a queued document's context can carry):
    {"kind": "bar", "title", "labels", "values", "half": bool, "colour": n} or
    {"kind": "line", "title", "labels", "series"}. "half" draws it half the page wide."""
    if spec["kind"] == "line":
        return line_chart(spec["title"], spec["labels"], spec["series"])
    box = Box(width=300, height=180, left=12) if spec.get("half") else Box(height=200)
    colour = PALETTE[int(spec.get("colour", 0)) % len(PALETTE)]
    return bar_chart(spec["title"], spec["labels"], spec["values"], box=box, colour=colour)
