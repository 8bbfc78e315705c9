"""Charts as Vega-Lite specs built with Altair, each with a text alternative and its data table;
static SVG through vl-convert (offline), and the Vega runtime bundled for interactive HTML.

Colours follow Making Data Count (blue improvement, orange concern, purple neither, grey common
cause), and every colour is doubled by a shape or a label so no chart relies on colour alone.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import threading
from collections.abc import Collection, Sequence
from datetime import date
from functools import lru_cache
from pathlib import Path
from typing import Any

import altair as alt
import pandas as pd
import vl_convert as vlc

from scrutiny.config.workspace import data_home
from scrutiny.content.model import Chart, Column, Table
from scrutiny.content.spc_chart import READING, WITHHELD_READING, SeriesPoint, spc_spec
from scrutiny.judge.icons import CONCERN, IMPROVEMENT
from scrutiny.judge.spc import SpcResult

#: Width of a chart in CSS pixels: fits an A4 portrait page with 18 mm margins.
WIDTH = 560
HEIGHT = 190
FONT = "DejaVu Sans, Arial, Helvetica, sans-serif"
INK = "#1a1a1a"
SERIES = "#1d3557"

#: Six series at most, each a distinct colour and shape (never colour alone).
LINE_PALETTE = ("#1d3557", "#b54f00", "#5b9bd5", "#490092", "#2e7d32", "#767676")
LINE_SHAPES = ("circle", "diamond", "square", "triangle-up", "triangle-down", "cross")

CONFIG: dict[str, Any] = {
    "font": FONT,
    "view": {"stroke": None},
    "axis": {
        "labelColor": INK,
        "titleColor": INK,
        "labelFontSize": 10,
        "titleFontSize": 10,
        "gridColor": "#e3e3e3",
        "labelLimit": 320,
    },
    "legend": {
        "labelColor": INK,
        "titleColor": INK,
        "labelFontSize": 10,
        "orient": "bottom",
        "columns": 4,
    },
    "title": {"color": INK, "fontSize": 12, "anchor": "start"},
}


def _finish(chart: alt.TopLevelMixin) -> dict[str, Any]:
    """The spec as a plain dict with the shared config; no external URLs but the schema id."""
    spec = chart.to_dict(validate=False)  # the builders are fixed; validation costs seconds
    spec.pop("title", None)  # the figure's caption carries the title
    spec["config"] = CONFIG
    return spec


def spc_chart(
    chart_id: str,
    title: str,
    months: Sequence[date],
    result: SpcResult,
    measure: str = "Offences",
    alt_text: str = "",
    withheld: Collection[date] = (),
) -> Chart:
    """The SPC chart every output shares (:mod:`scrutiny.content.spc_chart`) at the page's size,
    with its data table. With ``withheld`` months (disclosure control) those months are gaps
    and no month carries a mean, limit or reading: they would give a withheld month back."""
    points = [
        SeriesPoint(m, p.value, p.mean, p.lower, p.upper, p.segment, READING[p.verdict])
        if not withheld
        else SeriesPoint(
            m, None if m in withheld else p.value, None, None, None, p.segment, WITHHELD_READING
        )
        for m, p in zip(months, result.points, strict=True)
    ]
    spec = spc_spec(
        points,
        [],
        y_title=measure,
        description=title,
        measure=measure,
        width=WIDTH,
        height=HEIGHT,
    )
    data = Table(
        f"Data: {title}",
        (
            Column("month", "Month"),
            Column("value", measure, "number", decimals=0),
            Column("mean", "Mean", "number", decimals=0),
            Column("lower", "Lower limit", "number", decimals=0),
            Column("upper", "Upper limit", "number", decimals=0),
            Column("reading", "Reading"),
        ),
        tuple(
            (m.strftime("%b %Y"), s.count, s.mean, s.lower, s.upper, s.reading)
            for m, s in zip(months, points, strict=True)
        ),
    )
    spec = {**spec, "config": CONFIG}
    return Chart(chart_id, title, spec, alt_text or result.summary_text(), data)


def bar_chart(
    chart_id: str,
    title: str,
    labels: Sequence[str],
    values: Sequence[float | None],
    value_title: str,
    alt_text: str,
    *,
    fmt: str = ",.0f",
    decimals: int = 0,
    unit: str = "",
    horizontal: bool = True,
    diverging: bool = False,
) -> Chart:
    """Bars of one value per label (in the order given); ``diverging`` colours negative and
    positive bars differently and labels each with its signed figure."""
    df = pd.DataFrame({"label": list(labels), "value": list(values)})
    df["sign"] = ["below" if (v or 0) < 0 else "at or above" for v in df["value"]]
    order = list(labels)
    cat = alt.Y("label:N", title=None, sort=order) if horizontal else None
    # Room beyond the longest bars for their labels (they sit outside the bar's end).
    known = [float(v) for v in values if v is not None]
    lo, hi = min([0.0, *known]), max([0.0, *known])
    pad = max((hi - lo) * 0.12, 1.0)
    domain = [lo - pad if lo < 0 else lo, hi + pad if hi > 0 else hi]
    val = (
        alt.X("value:Q", title=value_title, scale=alt.Scale(domain=domain)) if horizontal else None
    )
    base = alt.Chart(df)
    if horizontal:
        assert cat is not None and val is not None
        colour: Any = (
            alt.Color(
                "sign:N",
                title=None,
                scale=alt.Scale(domain=["below", "at or above"], range=[CONCERN, IMPROVEMENT]),
                legend=None,
            )
            if diverging
            else alt.value(SERIES)
        )
        bars = base.mark_bar(height=10).encode(
            y=cat,
            x=val,
            color=colour,
            tooltip=[
                alt.Tooltip("label:N", title="Group"),
                alt.Tooltip("value:Q", title=value_title, format=fmt),
            ],
        )
        text = base.mark_text(align="left", dx=3, color=INK, fontSize=9).encode(
            y=cat, x=val, text=alt.Text("value:Q", format=("+" if diverging else "") + fmt)
        )
        if diverging:  # labels outside the bar's end on both sides of zero; a zero unsigned
            text = (
                base.transform_filter("datum.value > 0")
                .mark_text(align="left", dx=3, color=INK, fontSize=9)
                .encode(y=cat, x=val, text=alt.Text("value:Q", format="+" + fmt))
                + base.transform_filter("datum.value == 0")
                .mark_text(align="left", dx=3, color=INK, fontSize=9)
                .encode(y=cat, x=val, text=alt.Text("value:Q", format=fmt))
                + base.transform_filter("datum.value < 0")
                .mark_text(align="right", dx=-3, color=INK, fontSize=9)
                .encode(y=cat, x=val, text=alt.Text("value:Q", format=fmt))
            )
        height = max(60, 16 * len(order))
    else:
        bars = base.mark_bar(color=SERIES).encode(
            x=alt.X("label:N", title=None, sort=order, axis=alt.Axis(labelAngle=0)),
            y=alt.Y("value:Q", title=value_title),
            tooltip=[
                alt.Tooltip("label:N", title=""),
                alt.Tooltip("value:Q", title=value_title, format=fmt),
            ],
        )
        text = base.mark_text(dy=-5, color=INK, fontSize=9).encode(
            x=alt.X("label:N", sort=order),
            y="value:Q",
            text=alt.Text("value:Q", format=fmt),
        )
        height = HEIGHT
    chart = (bars + text).properties(width=WIDTH - 140 if horizontal else WIDTH, height=height)
    chart = chart.properties(title=title)
    data = Table(
        f"Data: {title}",
        (Column("label", "Label"), Column("value", value_title, "number", unit, decimals)),
        tuple((str(a), b) for a, b in zip(labels, values, strict=True)),
    )
    return Chart(chart_id, title, _finish(chart), alt_text, data)


def grouped_bar_chart(
    chart_id: str,
    title: str,
    rows: Sequence[tuple[str, str, float | None]],
    value_title: str,
    alt_text: str,
    *,
    fmt: str = ",.1f",
    series_title: str = "Series",
) -> Chart:
    """Bars of (group, series, value): one row of bars per group, series side by side."""
    df = pd.DataFrame(rows, columns=["group", "series", "value"])
    groups = list(dict.fromkeys(r[0] for r in rows))
    series = list(dict.fromkeys(r[1] for r in rows))
    palette = [SERIES, "#6a9fd4", "#b54f00", "#767676"][: len(series)]
    chart = (
        alt.Chart(df)
        .mark_bar(height=7)
        .encode(
            y=alt.Y("group:N", title=None, sort=groups),
            yOffset=alt.YOffset("series:N", sort=series),
            x=alt.X("value:Q", title=value_title),
            color=alt.Color(
                "series:N", title=series_title, scale=alt.Scale(domain=series, range=palette)
            ),
            tooltip=[
                alt.Tooltip("group:N", title=""),
                alt.Tooltip("series:N", title=series_title),
                alt.Tooltip("value:Q", title=value_title, format=fmt),
            ],
        )
        .properties(width=WIDTH - 160, height=max(60, 9 * len(rows) + 6 * len(groups)))
        .properties(title=title)
    )
    data = Table(
        f"Data: {title}",
        (
            Column("group", "Group"),
            Column("series", series_title),
            Column("value", value_title, "number", decimals=1),
        ),
        tuple((g, s, v) for g, s, v in rows),
        row_headers=2,
    )
    return Chart(chart_id, title, _finish(chart), alt_text, data)


def line_chart(
    chart_id: str,
    title: str,
    rows: Sequence[tuple[str, str, float | None]],
    value_title: str,
    alt_text: str,
    *,
    fmt: str = ",.0f",
    series_title: str = "Series",
) -> Chart:
    """Lines of (period label, series, value) with points; periods in the order given."""
    df = pd.DataFrame(rows, columns=["period", "series", "value"])
    periods = list(dict.fromkeys(r[0] for r in rows))
    series = list(dict.fromkeys(r[1] for r in rows))
    if len(series) > len(LINE_PALETTE):
        raise ValueError(f"{len(series)} series: a line chart stays readable up to 6")
    palette = list(LINE_PALETTE[: len(series)])
    shapes = list(LINE_SHAPES[: len(series)])
    base = alt.Chart(df).encode(
        x=alt.X("period:N", title=None, sort=periods, axis=alt.Axis(labelAngle=0)),
        y=alt.Y("value:Q", title=value_title),
        color=alt.Color(
            "series:N", title=series_title, scale=alt.Scale(domain=series, range=palette)
        ),
    )
    chart = (
        base.mark_line()
        + base.mark_point(filled=True, size=40).encode(
            shape=alt.Shape(
                "series:N", scale=alt.Scale(domain=series, range=shapes), title=series_title
            ),
            tooltip=[
                alt.Tooltip("period:N", title=""),
                alt.Tooltip("series:N", title=series_title),
                alt.Tooltip("value:Q", title=value_title, format=fmt),
            ],
        )
    ).properties(width=WIDTH, height=HEIGHT, title=title)
    data = Table(
        f"Data: {title}",
        (
            Column("period", "Period"),
            Column("series", series_title),
            Column("value", value_title, "number", decimals=0),
        ),
        tuple((p, s, v) for p, s, v in rows),
        row_headers=2,
    )
    return Chart(chart_id, title, _finish(chart), alt_text, data)


# --- rendering -------------------------------------------------------------------------------


def _engine_version() -> str:
    return getattr(vlc, "__version__", "") or "-".join(vlc.get_vegalite_versions())


@lru_cache(maxsize=512)
def _svg_of(spec_json: str) -> str:
    """The SVG of a spec, kept on disk per spec and vl-convert version: a rebuild (another
    edition, new commentary, the site) reuses it instead of converting again (~0.17 s CPU each)."""
    key = hashlib.sha256(f"{_engine_version()}\n{spec_json}".encode()).hexdigest()
    path = Path(data_home()) / "cache" / "charts" / f"{key}.svg"
    with contextlib.suppress(FileNotFoundError):  # absent, or pruned (store.caches)
        return path.read_text(encoding="utf-8")
    svg: str = vlc.vegalite_to_svg(json.loads(spec_json))
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{key}.{os.getpid()}.{threading.get_ident()}.tmp")
    tmp.write_text(svg, encoding="utf-8")
    tmp.replace(path)  # atomic: a reader never sees half a file
    return svg


def svg(chart: Chart) -> str:
    """The chart as static SVG (offline; cached per spec for the life of the process).

    The SVG is marked ``aria-hidden``: the figure around it carries the text alternative and
    the data table carries the figures."""
    text = _svg_of(json.dumps(chart.spec, sort_keys=True))
    return text.replace("<svg ", '<svg aria-hidden="true" focusable="false" ', 1)


def warm_up() -> None:
    """Start vl-convert's JavaScript engine (the first conversion pays for it); call it in a
    background thread while the report's data load."""
    vlc.vegalite_to_svg({"mark": "point", "config": CONFIG})  # not cached: it must run


def prerender(charts: Sequence[Chart], workers: int = 2) -> None:
    """Convert every chart to SVG up front, a few at a time (vl-convert releases the GIL)."""
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(max_workers=workers) as pool:
        list(pool.map(svg, charts))


def javascript_bundle() -> str:
    """The Vega, Vega-Lite and Vega-Embed runtime as one script, with no external requests.

    Building it takes seconds, so it is cached on disk per vl-convert version."""
    key = hashlib.sha256(_engine_version().encode()).hexdigest()[:12]
    cache = Path(data_home()) / "cache" / f"vega-bundle-{key}.js"
    with contextlib.suppress(FileNotFoundError):  # absent, or pruned (store.caches)
        return cache.read_text(encoding="utf-8")
    bundle: str = vlc.javascript_bundle(None)  # type: ignore[arg-type]  # None: the default
    cache.parent.mkdir(parents=True, exist_ok=True)
    tmp = cache.with_suffix(".tmp")
    tmp.write_text(bundle, encoding="utf-8")
    tmp.replace(cache)
    return bundle
