"""Where street-level crimes were recorded: counts per grid cell from the records' coordinates.

data.police.uk gives every street-level record an anonymised point (the centre of a street or
a landmark snapped to a list of map points). Counting them in a grid of equal cells shows where
crime concentrates without any boundary file, for any force. Only records placed in one of the
force's own districts count (``districts``): a record geocoded to another county would stretch
the grid to show mostly empty cells.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import ibis
import ibis.expr.types as ir

from scrutiny.config.periods import Window


@dataclass(frozen=True)
class Grid:
    """A grid of ``columns`` × ``rows`` cells over a bounding box (degrees)."""

    west: float
    south: float
    east: float
    north: float
    columns: int
    rows: int

    @property
    def cell_width(self) -> float:
        return (self.east - self.west) / self.columns

    @property
    def cell_height(self) -> float:
        return (self.north - self.south) / self.rows


@dataclass(frozen=True)
class Cell:
    column: int
    row: int  # 0 is the southernmost row
    count: int
    #: The record location named most often in the cell ("On or near Cheapside").
    place: str


def located(
    con: ibis.BaseBackend, window: Window, districts: Sequence[str], crime_types: Sequence[str]
) -> ir.Table:
    """Street records in ``window`` with a point, in one of ``districts``, of ``crime_types``
    (every type when empty)."""
    t = con.table("street_crimes")
    t = t.filter(
        t.month >= window.start,
        t.month < window.end,
        t.latitude.notnull(),
        t.longitude.notnull(),
        t.borough_code.isin(list(districts)),
    )
    if crime_types:
        t = t.filter(t.crime_type.isin(list(crime_types)))
    return t


def grid_of(t: ir.Table, cells_across: int = 40) -> Grid | None:
    """A grid over the records' bounding box with square cells on the ground (a degree of
    longitude is shorter than a degree of latitude by cos(latitude)); None with no records."""
    box = t.aggregate(
        west=t.longitude.min(),
        east=t.longitude.max(),
        south=t.latitude.min(),
        north=t.latitude.max(),
    )
    found = box.to_pyarrow().to_pylist()[0]
    if found["west"] is None:
        return None
    west, east = float(found["west"]), float(found["east"])
    south, north = float(found["south"]), float(found["north"])
    squash = math.cos(math.radians((south + north) / 2))
    width_m, height_m = (east - west) * squash, north - south
    side = max(width_m, height_m, 1e-4) / cells_across
    columns = max(1, math.ceil(width_m / side))
    rows = max(1, math.ceil(height_m / side))
    # Centre the box in whole cells, so the grid covers every point.
    pad_x = (columns * side / squash - (east - west)) / 2
    pad_y = (rows * side - (north - south)) / 2
    return Grid(west - pad_x, south - pad_y, east + pad_x, north + pad_y, columns, rows)


def density(t: ir.Table, grid: Grid) -> list[Cell]:
    """Records per cell of ``grid`` (cells without a record are left out)."""
    col = ((t.longitude - grid.west) / grid.cell_width).floor().cast("int64")
    row = ((t.latitude - grid.south) / grid.cell_height).floor().cast("int64")
    cells = t.mutate(
        column=ibis.least(ibis.greatest(col, 0), grid.columns - 1),
        row=ibis.least(ibis.greatest(row, 0), grid.rows - 1),
        location=t.location.fill_null(""),
    )
    places = cells.group_by(["column", "row", "location"]).aggregate(n=cells.count())
    counts = places.group_by(["column", "row"]).aggregate(
        count=places.n.sum(),
        place=places.location.argmax(places.n),
    )
    found = counts.order_by([ibis.desc("count"), "row", "column"]).to_pyarrow().to_pylist()
    return [
        Cell(int(r["column"]), int(r["row"]), int(r["count"]), str(r["place"] or "")) for r in found
    ]
