"""Static chart SVGs are kept on disk per spec: a rebuild reuses them, a changed spec does not."""

from __future__ import annotations

from pathlib import Path

import pytest

from scrutiny.content.model import Chart, Column, Table
from scrutiny.report import charts


def _spec(value: int) -> dict[str, object]:
    return {
        "data": {"values": [{"x": "a", "y": value}]},
        "mark": "bar",
        "encoding": {
            "x": {"field": "x", "type": "nominal"},
            "y": {"field": "y", "type": "quantitative"},
        },
    }


def _chart(value: int) -> Chart:
    data = Table("Data", (Column("x", "X", "text"), Column("y", "Y", "number")), (("a", value),))
    return Chart(f"c{value}", "A chart", _spec(value), "Alt text", data)


def test_a_rebuild_reads_the_svg_from_disk(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SCRUTINY_HOME", str(tmp_path))
    charts._svg_of.cache_clear()
    first = charts.svg(_chart(3))
    assert "<svg" in first
    assert len(list((tmp_path / "cache" / "charts").glob("*.svg"))) == 1

    charts._svg_of.cache_clear()  # as a new process would start

    def no_engine(*args: object, **kwargs: object) -> str:
        raise AssertionError("converted again although the SVG is on disk")

    monkeypatch.setattr(charts.vlc, "vegalite_to_svg", no_engine)
    assert charts.svg(_chart(3)) == first

    with pytest.raises(AssertionError, match="converted again"):
        charts.svg(_chart(4))  # another spec is another file
    charts._svg_of.cache_clear()
