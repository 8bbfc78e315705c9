"""Charts as Vega-Lite specs and offline SVG (vl-convert).

The server renders every chart to inline SVG, so pages work with JavaScript off; the same spec is
embedded as JSON for the optional Vega runtime (``static/vega.js``, written from
``vl_convert.javascript_bundle()``) to make it interactive. Specs carry their data inline and
depend only on their arguments, so the SVG is cached per spec and pages are byte-identical
between runs. The specs are written as plain Vega-Lite JSON: building them with Altair costs
about half a second a chart in schema validation, too slow for a static site of hundreds.
"""

from __future__ import annotations

import json
import re
import threading
from dataclasses import dataclass
from html import escape
from typing import Any

import vl_convert as vlc

from scrutiny.analysis.data import LruCache
from scrutiny.content import spc_chart
from scrutiny.content.spc_chart import Band, SeriesPoint

_FONT = "Arial, Helvetica, sans-serif"
_CONFIG: dict[str, Any] = {
    "font": _FONT,
    "axis": {"labelFontSize": 12, "titleFontSize": 12, "labelColor": "#222", "titleColor": "#222"},
    "legend": {"labelFontSize": 12, "titleFontSize": 12, "orient": "bottom"},
    "view": {"stroke": None},
}


@dataclass(frozen=True)
class Bar:
    area: str
    value: float | None
    text: str
    status: str


def spc_spec(
    points: list[SeriesPoint], bands: list[Band], y_title: str, description: str
) -> dict[str, Any]:
    """The SPC chart every output shares (:mod:`scrutiny.content.spc_chart`), at the
    dashboard's size and fonts."""
    return _finish(spc_chart.spc_spec(points, bands, y_title=y_title, description=description))


def comparison_spec(
    bars: list[Bar], force_name: str, force_value: float | None, x_title: str, description: str
) -> dict[str, Any]:
    """Ranked horizontal bars, one per area, with the force figure as a rule."""
    values = [
        {"area": b.area, "value": b.value, "label": b.text, "status": b.status}
        for b in bars
        if b.value is not None
    ]
    order = [str(v["area"]) for v in values]  # already ranked
    y = {
        "field": "area",
        "type": "nominal",
        "sort": order,
        "title": None,
        "axis": {"labelLimit": 260},
    }
    x: dict[str, Any] = {"field": "value", "type": "quantitative", "title": x_title}
    room = _label_room(values)
    if room is not None:
        x["scale"] = {"domainMax": room}
    layers: list[dict[str, Any]] = [
        {
            "mark": {"type": "bar", "height": {"band": 0.75}},
            "encoding": {
                "y": y,
                "x": x,
                "color": {
                    "field": "status",
                    "type": "nominal",
                    "title": spc_chart.READING_TITLE,
                    "scale": spc_chart.reading_colours(),
                    # Two columns of whole labels: one row cut "Special cause: improve…".
                    "legend": {"columns": 2, "labelLimit": 420},
                },
                "tooltip": [
                    {"field": "area", "type": "nominal", "title": "Area"},
                    {"field": "label", "type": "nominal", "title": x_title},
                    {"field": "status", "type": "nominal", "title": spc_chart.READING_TITLE},
                ],
            },
        },
        {
            "mark": {"type": "text", "align": "left", "dx": 3, "fontSize": 11, "color": "#222"},
            "encoding": {
                "y": y,
                "x": {"field": "value", "type": "quantitative"},
                "text": {"field": "label", "type": "nominal"},
            },
        },
    ]
    if force_value is not None:
        layers.append(
            {
                "data": {"values": [{"value": force_value, "label": force_name}]},
                "mark": {"type": "rule", "color": "#1d1d1d", "strokeDash": [4, 3], "size": 2},
                "encoding": {
                    "x": {"field": "value", "type": "quantitative"},
                    "tooltip": [{"field": "label", "type": "nominal", "title": "Force"}],
                },
            }
        )
    return _finish(
        {
            "description": description,
            "width": _WIDTH,
            "height": max(120, 18 * len(values)),
            # app.js: on a phone a bar is labelled with its figure alone (see there).
            "usermeta": {"narrow": "short"},
            "data": {"values": values},
            "layer": layers,
        }
    )


_WIDTH = 560
_CHAR_PX = 6.4  # a generous average width of an 11 px Arial character


def _label_room(values: list[dict[str, Any]]) -> float | None:
    """The x-axis maximum that leaves room right of every bar for its label ("13.11 (special
    cause: improvement)" ran off the chart's edge at 1366 px), or None when the bars' own
    maximum leaves room already. Only positive bars are measured (labels sit right of them)."""
    needed = 0.0
    for v in values:
        value = float(v["value"])
        free = _WIDTH - len(str(v["label"])) * _CHAR_PX - 8
        if value > 0:
            needed = max(needed, value * _WIDTH / max(free, _WIDTH * 0.4))
    top = max((float(v["value"]) for v in values), default=0.0)
    return needed if needed > top else None


def _finish(spec: dict[str, Any]) -> dict[str, Any]:
    # No "$schema": the spec names no external address; vega-embed reads it as Vega-Lite.
    return {**spec, "config": _CONFIG}


_svg_cache = LruCache(1024)
_svg_lock = threading.Lock()


def to_svg(spec: dict, label: str) -> str:
    """Inline SVG of a spec with ``role="img"`` and an accessible name (cached per spec)."""
    key = json.dumps(spec, sort_keys=True) + label

    def render() -> str:
        with _svg_lock:
            svg = vlc.vegalite_to_svg(spec)
        return _label_svg(svg, label)

    return _svg_cache.get(key, render)


def _label_svg(svg: str, label: str) -> str:
    svg = re.sub(r"^<svg ", f'<svg role="img" aria-label="{escape(label)}" focusable="false" ', svg)
    # The chart's background is the page's.
    return svg.replace('<rect width="', '<rect class="chart-bg" width="', 1)


def spec_json(spec: dict) -> str:
    """The spec as JSON safe to place inside a ``<script type="application/json">`` block."""
    text = json.dumps(spec, sort_keys=True, separators=(",", ":"))
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
