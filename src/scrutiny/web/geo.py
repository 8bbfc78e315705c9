"""Area boundaries for the map: TopoJSON a workspace ships, drawn as plain SVG paths.

A workspace may hold ``boundaries/<level>.topojson`` (for example ``borough.topojson``): one
TopoJSON object whose geometries carry the area's ONS code or name as ``id`` (or as
``properties.code`` / ``properties.name``). The shapes are decoded here (quantised arcs, delta
encoding) and projected with an equirectangular projection scaled by the cosine of the mid
latitude, which is accurate enough at the scale of one police force. No tile server, no
JavaScript: the map is SVG the server writes, so it works offline and in the static site.
Areas that share an arc are neighbours.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from scrutiny.config.geography import name_key

Ring = list[tuple[float, float]]


@dataclass(frozen=True)
class Shape:
    """One area's outline: its key (code or name as the file gives it) and its rings."""

    key: str
    polygons: tuple[tuple[Ring, ...], ...]
    arcs: frozenset[int]
    #: The place's name as the file gives it (the key when it gives none).
    name: str = ""


@dataclass(frozen=True)
class Boundaries:
    shapes: tuple[Shape, ...]
    #: The credit the licence asks for, from the file's own "attribution" member ("" if none).
    attribution: str = ""

    def match(self, areas: Iterable[Any]) -> dict[str, Shape]:
        """Shapes by area code, matched on code first, then on the folded name."""
        by_key = {name_key(s.key): s for s in self.shapes}
        found: dict[str, Shape] = {}
        for a in areas:
            shape = by_key.get(name_key(a.code)) or by_key.get(name_key(a.name))
            if shape is not None:
                found[a.code] = shape
        return found

    def unmatched(self, areas: Iterable[Any]) -> dict[str, Shape]:
        """Shapes by their own key that match no area: places inside the outline of the map
        whose figures the workspace does not hold (drawn, so they are no unexplained hole)."""
        keys = {name_key(k) for a in areas for k in (a.code, a.name)}
        return {s.key: s for s in self.shapes if name_key(s.key) not in keys}


def neighbours(shapes: Mapping[str, Shape]) -> dict[str, list[str]]:
    """Area codes that share a boundary arc with each area."""
    by_arc: dict[int, list[str]] = {}
    for code, shape in shapes.items():
        for arc in shape.arcs:
            by_arc.setdefault(arc, []).append(code)
    found: dict[str, set[str]] = {code: set() for code in shapes}
    for codes in by_arc.values():
        for code in codes:
            found[code].update(c for c in codes if c != code)
    return {code: sorted(others) for code, others in found.items()}


def boundaries_file(root: Path, level: str) -> Path | None:
    for name in (f"{level}.topojson", f"{level}.json"):
        path = root / "boundaries" / name
        if path.is_file():
            return path
    return None


def load_boundaries(path: Path) -> Boundaries:
    """The shapes of a TopoJSON file; ValueError naming the file if it is not TopoJSON. The
    licence credit is the file's "attribution" member or, for a file shipped unchanged, the
    text of ``<level>.credit.txt`` beside it."""
    try:
        topo = json.loads(path.read_text(encoding="utf-8"))
        found = decode(topo)
    except (ValueError, KeyError, TypeError, IndexError) as exc:
        raise ValueError(f"{path}: not a TopoJSON boundary file ({exc})") from None
    credit = path.with_suffix(".credit.txt")
    if not found.attribution and credit.is_file():
        text = " ".join(credit.read_text(encoding="utf-8").split())
        return Boundaries(found.shapes, text)
    return found


def decode(topo: Mapping[str, Any]) -> Boundaries:
    if topo.get("type") != "Topology":
        raise ValueError("expected a TopoJSON Topology")
    transform = topo.get("transform")
    arcs = [_arc(a, transform) for a in topo["arcs"]]
    objects = list(topo["objects"].values())
    if len(objects) != 1:
        raise ValueError("expected one object of area shapes")
    shapes = []
    for g in objects[0]["geometries"]:
        props = g.get("properties") or {}
        key = str(props.get("code") or g.get("id") or props.get("name") or "")
        if not key:
            continue
        if g["type"] == "Polygon":
            polys = [g["arcs"]]
        elif g["type"] == "MultiPolygon":
            polys = g["arcs"]
        else:
            continue
        rings = tuple(tuple(_ring(r, arcs) for r in poly) for poly in polys)
        used = frozenset(i if i >= 0 else ~i for poly in polys for r in poly for i in r)
        name = str(props.get("name") or g.get("id") or key)
        shapes.append(Shape(key, rings, used, name))
    return Boundaries(tuple(shapes), str(topo.get("attribution") or ""))


def _arc(points: list[list[float]], transform: Mapping[str, Any] | None) -> Ring:
    if not transform:
        return [(float(p[0]), float(p[1])) for p in points]
    (sx, sy), (tx, ty) = transform["scale"], transform["translate"]
    x = y = 0.0
    out = []
    for p in points:
        x += p[0]
        y += p[1]
        out.append((x * sx + tx, y * sy + ty))
    return out


def _ring(indexes: list[int], arcs: list[Ring]) -> Ring:
    ring: Ring = []
    for i in indexes:
        arc = arcs[i] if i >= 0 else list(reversed(arcs[~i]))
        ring.extend(arc[1:] if ring else arc)
    return ring


@dataclass(frozen=True)
class Projected:
    width: float
    height: float
    paths: dict[str, str]
    #: The centre of each shape's bounding box (where a label goes).
    centres: dict[str, tuple[float, float]]


def project(shapes: Mapping[str, Shape], width: float = 600) -> Projected:
    """SVG path data of each shape, fitted to ``width`` (height follows the shapes' aspect)."""
    points = [p for s in shapes.values() for poly in s.polygons for r in poly for p in r]
    if not points:
        return Projected(width, 0, {}, {})
    lon0, lon1 = min(p[0] for p in points), max(p[0] for p in points)
    lat0, lat1 = min(p[1] for p in points), max(p[1] for p in points)
    k = math.cos(math.radians((lat0 + lat1) / 2))
    span_x = max((lon1 - lon0) * k, 1e-9)
    scale = width / span_x
    height = (lat1 - lat0) * scale

    def xy(p: tuple[float, float]) -> tuple[float, float]:
        return (p[0] - lon0) * k * scale, (lat1 - p[1]) * scale

    paths, centres = {}, {}
    for code, s in shapes.items():
        parts = []
        drawn = [xy(p) for poly in s.polygons for ring in poly for p in ring]
        for poly in s.polygons:
            for ring in poly:
                if len(ring) > 2:
                    parts.append("M" + "L".join(f"{x:.1f},{y:.1f}" for x, y in map(xy, ring)) + "Z")
        paths[code] = "".join(parts)
        if drawn:
            xs, ys = [x for x, _ in drawn], [y for _, y in drawn]
            centres[code] = (round((min(xs) + max(xs)) / 2, 1), round((min(ys) + max(ys)) / 2, 1))
    return Projected(width, round(height, 1), paths, centres)
