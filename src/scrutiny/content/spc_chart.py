"""The SPC chart as a Vega-Lite spec, built once for the report, the dashboard and the static
site, with one vocabulary for a month's reading.

Plain Vega-Lite JSON (no Altair: validating a spec costs about half a second, too slow for a
static site of hundreds). The spec carries its data inline and depends only on its arguments;
each output adds its own size and fonts. Colours follow Making Data Count (blue improvement,
orange concern, purple neither, grey common cause) and every reading is also a shape and words,
never colour alone.

>>> april = SeriesPoint(date(2023, 4, 1), 10, 9.5, 1.0, 18.0, 0, READING[Verdict.CONCERN])
>>> spec = spc_spec([april], [], y_title="Offences per month", description="Burglary")
>>> spec["data"]["values"][0]["reading"]
'Special cause: concern'
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from scrutiny.judge.icons import COMMON, CONCERN, IMPROVEMENT, NEITHER
from scrutiny.judge.spc import Verdict

#: A month's SPC reading, in the words every output uses.
READING = {
    Verdict.COMMON_CAUSE: "Common cause",
    Verdict.IMPROVEMENT: "Special cause: improvement",
    Verdict.CONCERN: "Special cause: concern",
    Verdict.NEITHER: "Special cause: neither",
}
#: Each reading's colour and shape.
READING_STYLE = {
    READING[Verdict.COMMON_CAUSE]: (COMMON, "circle"),
    READING[Verdict.IMPROVEMENT]: (IMPROVEMENT, "triangle-up"),
    READING[Verdict.CONCERN]: (CONCERN, "diamond"),
    READING[Verdict.NEITHER]: (NEITHER, "square"),
}
#: The reading of a series whose SPC statistics disclosure control withholds (a month of it is
#: hidden, and the mean or limits would give it back).
WITHHELD_READING = "Not published (small counts)"
READING_STYLE[WITHHELD_READING] = ("#bdbdbd", "cross")
#: The legend's and the tooltips' name for the reading.
READING_TITLE = "SPC reading"


def reading_of(verdict: Verdict | None) -> str:
    return READING[verdict] if verdict is not None else READING[Verdict.COMMON_CAUSE]


def reading_colours() -> dict[str, Any]:
    """The colour scale of the readings (for any chart coloured by reading)."""
    return {"domain": list(READING_STYLE), "range": [c for c, _ in READING_STYLE.values()]}


def reading_shapes() -> dict[str, Any]:
    return {"domain": list(READING_STYLE), "range": [s for _, s in READING_STYLE.values()]}


@dataclass(frozen=True)
class SeriesPoint:
    """One month of an SPC chart; ``count`` is None when missing or suppressed."""

    month: date
    count: float | None
    mean: float | None
    lower: float | None
    upper: float | None
    segment: int
    reading: str


@dataclass(frozen=True)
class Band:
    """A shaded run of months (the selected quarter, the comparator window)."""

    start: date
    end: date  # first day after the band
    label: str


MONTH_X: dict[str, Any] = {
    "field": "month",
    "type": "temporal",
    "timeUnit": "utcyearmonth",
    "title": None,
    "axis": {"format": "%b %Y", "labelAngle": 0, "tickCount": 8},
}


def _round(x: float | None) -> float | None:
    return None if x is None else round(x, 2)


def spc_spec(
    points: list[SeriesPoint],
    bands: list[Band],
    *,
    y_title: str,
    description: str,
    measure: str = "Offences",
    width: int = 640,
    height: int = 260,
) -> dict[str, Any]:
    """Monthly counts with the SPC mean and limits per segment (rebased at change points), each
    month's reading by colour and shape; bands shade the windows compared."""
    values = [
        {
            "month": p.month.isoformat(),
            "count": p.count,
            "mean": _round(p.mean),
            "lower": None if p.lower is None else round(max(p.lower, 0.0), 2),
            "upper": _round(p.upper),
            "segment": p.segment,
            "reading": p.reading,
        }
        for p in points
    ]
    layers: list[dict[str, Any]] = []
    if bands:
        layers.append(
            {
                "data": {
                    "values": [
                        {"start": b.start.isoformat(), "end": b.end.isoformat(), "band": b.label}
                        for b in bands
                    ]
                },
                "mark": {"type": "rect", "color": "#005eb8", "opacity": 0.12},
                "encoding": {
                    "x": {"field": "start", "type": "temporal", "timeUnit": "utcyearmonth"},
                    "x2": {"field": "end"},
                    "tooltip": [{"field": "band", "type": "nominal", "title": "Window"}],
                },
            }
        )
    for field, dash in (("upper", [5, 4]), ("lower", [5, 4]), ("mean", None)):
        mark: dict[str, Any] = {"type": "line", "color": "#595959", "strokeWidth": 1.2}
        if dash:
            mark["strokeDash"] = dash
        layers.append(
            {
                "mark": mark,
                "encoding": {
                    "x": MONTH_X,
                    "y": {"field": field, "type": "quantitative"},
                    "detail": {"field": "segment", "type": "nominal"},
                },
            }
        )
    layers.append(
        {
            "mark": {"type": "line", "color": "#1d1d1d", "strokeWidth": 1.5},
            "encoding": {"x": MONTH_X, "y": {"field": "count", "type": "quantitative"}},
        }
    )
    layers.append(
        {
            "mark": {"type": "point", "filled": True, "size": 45, "opacity": 1},
            "encoding": {
                "x": MONTH_X,
                "y": {
                    "field": "count",
                    "type": "quantitative",
                    "title": y_title,
                    "scale": {"zero": False},
                },
                "color": {
                    "field": "reading",
                    "type": "nominal",
                    "title": READING_TITLE,
                    "scale": reading_colours(),
                },
                "shape": {
                    "field": "reading",
                    "type": "nominal",
                    "title": READING_TITLE,
                    "scale": reading_shapes(),
                },
                "tooltip": [
                    {
                        "field": "month",
                        "type": "temporal",
                        "timeUnit": "utcyearmonth",
                        "title": "Month",
                        "format": "%b %Y",
                    },
                    {"field": "count", "type": "quantitative", "title": measure, "format": ","},
                    {"field": "mean", "type": "quantitative", "title": "Mean", "format": ",.0f"},
                    {"field": "reading", "type": "nominal", "title": READING_TITLE},
                ],
            },
        }
    )
    return {
        "description": description,
        "width": width,
        "height": height,
        "data": {"values": values},
        "layer": layers,
    }
