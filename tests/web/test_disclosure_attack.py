"""The differencing attack, run as a reader would on the published open data.

At the demo's latest quarter, with small counts suppressed, the test reads every category's
counts for every area of every level from ``/api/crime/measures`` and differences every
published sum: each borough minus its published wards, each BCU minus its boroughs, the force
minus its boroughs (and its BCUs), and each group or total minus its published categories,
repeating while anything new follows. No withheld count may come out. The same attack on
primary suppression alone (every count below the threshold hidden, nothing else) recovers
counts, among them Theft from the Person in Hillrise ward, Islington, so the test can fail.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import numpy as np
import pandas as pd
import pytest
from fastapi.testclient import TestClient

from scrutiny.config.periods import WINDOWS, Quarter, add_months
from scrutiny.web.api import PUBLIC_COLUMNS

from .conftest import SUPPRESS_BELOW

LEVELS = ("force", "bcu", "borough", "ward")
Cell = tuple[str, str, str, str]  # (level, area code, category slug, window)


class Published:
    """What the API publishes (None = withheld or not covered) beside the true figures."""

    def __init__(self, client: TestClient):
        meta = client.get("/api/meta").json()
        self.quarter = meta["current_quarter"]
        self.areas = meta["areas"]
        data = client.app.state.data  # type: ignore[attr-defined]
        self.selections = {slug: data.categories[slug] for slug in data.categories}
        quarter = Quarter.parse(self.quarter)
        for level in LEVELS:  # one query per level fills the cache the API then reads
            data.prefetch(list(self.selections.values()), level, quarter)
        self.shown: dict[Cell, float | None] = {}
        self.true: dict[Cell, float | None] = {}
        self.withheld: set[Cell] = set()
        for slug, sel in self.selections.items():
            for level in LEVELS:
                params = {"category": slug, "level": level, "quarter": self.quarter}
                answer = client.get("/api/crime/measures", params=params)
                if answer.status_code != 200:
                    continue
                raw = data.raw_measures(sel, level, quarter).set_index("area_code")
                for row in answer.json()["rows"]:
                    for w in WINDOWS:
                        cell = (level, row["area_code"], slug, w)
                        self.shown[cell] = row[PUBLIC_COLUMNS[w]]
                        value = raw.at[row["area_code"], w] if row["area_code"] in raw.index else 0
                        self.true[cell] = None if _missing(value) else float(value)
                        if PUBLIC_COLUMNS[w] in row["suppressed"]:
                            self.withheld.add(cell)

    def area_sums(self) -> list[tuple[tuple[str, str], list[tuple[str, str]]]]:
        """(total, parts) as /api/meta describes the areas' parents."""
        level_of = {a["code"]: level for level, areas in self.areas.items() for a in areas}
        sums: dict[tuple[str, str], list[tuple[str, str]]] = {}
        for level, areas in self.areas.items():
            for a in areas:
                if a["parent"] in level_of:
                    sums.setdefault((level_of[a["parent"]], a["parent"]), []).append(
                        (level, a["code"])
                    )
        found = [(total, parts) for total, parts in sums.items()]
        for force in self.areas["force"]:
            boroughs = [("borough", a["code"]) for a in self.areas["borough"]]
            found.append((("force", force["code"]), boroughs))
            outside = [("borough", a["code"]) for a in self.areas["borough"] if not a["parent"]]
            bcus = [("bcu", a["code"]) for a in self.areas["bcu"]]
            found.append((("force", force["code"]), bcus + outside))
        return found

    def category_sums(self) -> list[tuple[str, list[str]]]:
        """(total, parts): each group or total with the single categories that make it up."""
        minors = {
            next(iter(s.members)): slug for slug, s in self.selections.items() if s.kind == "minor"
        }
        found = []
        for slug, sel in self.selections.items():
            if sel.kind != "minor" and all(m in minors for m in sel.members):
                found.append((slug, [minors[m] for m in sorted(sel.members)]))
        return found

    def equations(self) -> Iterable[list[Cell]]:
        for (level, code), parts in self.area_sums():
            for slug in self.selections:
                for w in WINDOWS:
                    yield [(level, code, slug, w), *((pl, pc, slug, w) for pl, pc in parts)]
        for total, parts in self.category_sums():
            for level, areas in self.areas.items():
                for a in areas:
                    for w in WINDOWS:
                        yield [
                            (level, a["code"], total, w),
                            *((level, a["code"], p, w) for p in parts),
                        ]


def _missing(value: Any) -> bool:
    return bool(pd.isna(value))


def attack(known: dict[Cell, float | None], equations: list[list[Cell]]) -> dict[Cell, float]:
    """Every cell that follows from a sum with one unknown, repeated until nothing follows."""
    known = dict(known)
    found: dict[Cell, float] = {}
    changed = True
    while changed:
        changed = False
        for eq in equations:
            if any(c not in known for c in eq):
                continue  # a cell the API does not publish at all (a level without the category)
            unknown = [i for i, c in enumerate(eq) if known[c] is None]
            if len(unknown) != 1:
                continue
            i = unknown[0]
            rest = sum(known[c] or 0.0 for j, c in enumerate(eq) if j not in (0, i))
            value = (known[eq[0]] or 0.0) - rest if i else rest
            known[eq[i]] = found[eq[i]] = value
            changed = True
    return found


@pytest.fixture(scope="module")
def published(suppressed_client: TestClient) -> Published:
    return Published(suppressed_client)


def _recovered(published: Published, known: dict[Cell, float | None], hidden: set[Cell]) -> dict:
    equations = list(published.equations())
    return {
        cell: value
        for cell, value in attack(known, equations).items()
        if cell in hidden and published.true[cell] == value
    }


def test_no_withheld_count_follows_from_the_published_sums(published: Published) -> None:
    assert published.withheld, "the demo at this threshold withholds nothing: the test is void"
    recovered = _recovered(published, published.shown, published.withheld)
    assert not recovered, list(recovered.items())[:10]


def test_the_attack_breaks_primary_suppression_alone(published: Published) -> None:
    """Without secondary suppression the same attack recovers counts (Hillrise, Islington)."""
    small = {c for c, v in published.true.items() if v is not None and v < SUPPRESS_BELOW}
    known = {c: (None if c in small else v) for c, v in published.true.items()}
    recovered = _recovered(published, known, small)
    hillrise = next(a["code"] for a in published.areas["ward"] if a["name"] == "Hillrise")
    cell = ("ward", hillrise, "theft-from-the-person", "quarter")
    assert cell in recovered and recovered[cell] < SUPPRESS_BELOW


def test_a_series_with_a_withheld_month_publishes_no_statistic(
    published: Published, suppressed_client: TestClient
) -> None:
    """Mean × months minus the published months would give a hidden month back: a series
    with any withheld month has no mean, limits or SPC reading in the CSV, JSON or page; the
    monthly counts of a borough minus its wards give no withheld month either."""
    islington = next(a["code"] for a in published.areas["borough"] if a["name"] == "Islington")
    wards = [a["code"] for a in published.areas["ward"] if a["parent"] == islington]
    base = {"category": "theft-from-the-person", "quarter": published.quarter}
    months: dict[tuple[str, str], float | None] = {}
    withheld_series = shown_series = 0
    for level, code in [("borough", islington), *(("ward", w) for w in wards)]:
        rows = suppressed_client.get(
            "/api/crime/series", params={**base, "level": level, "area": code}
        ).json()
        hidden = any("offences" in r["suppressed"] for r in rows["rows"])
        for r in rows["rows"]:
            months[(code, r["month"])] = r["offences"]
            if hidden:
                assert r["mean"] is None and r["upper_limit"] is None, (code, r)
                assert r["lower_limit"] is None and r["spc_reading"] is None, (code, r)
        if hidden:
            withheld_series += 1
            assert rows["notes"] == [""]
            page = suppressed_client.get("/crime", params={**base, "level": level, "area": code})
            assert "Monthly pattern" not in page.text
        else:
            shown_series += 1
            assert all(r["mean"] is not None for r in rows["rows"])
        for month in {m for _, m in months}:
            parts = [months.get((w, month)) for w in wards]
            total = months.get((islington, month))
            if total is not None and sum(p is None for p in parts) == 1:
                pytest.fail(f"{month}: one ward's count follows from Islington's total")
    assert withheld_series and shown_series


def _sum_attack(values: Any, hidden: Any, sums: list[Any]) -> set[tuple[int, int]]:
    """Hidden (row, column) positions of ``values`` that some sum gives away: one unknown left,
    or a published total whose unknown parts sum to zero (counts are never negative, so each is
    0); repeated while anything new follows. ``sums`` are index arrays into the flat values. A
    count no page shows (NaN: an area the data do not cover that month) is unknown until a sum
    gives it, and then known with the value the sum gives."""
    flat = values.ravel().copy()
    known = ~hidden.ravel() & ~np.isnan(flat)
    found: set[int] = set()
    changed = True
    while changed:
        changed = False
        for eq in sums:
            unknown = eq[~known[eq]]
            if not len(unknown):
                continue
            rest = flat[eq[1:]][known[eq[1:]]].sum()
            if len(unknown) == 1:
                u = int(unknown[0])
                if np.isnan(flat[u]):
                    flat[u] = rest if u == eq[0] else flat[eq[0]] - rest
            elif not (known[eq[0]] and flat[eq[0]] - rest == 0):
                continue
            else:
                flat[unknown] = np.where(np.isnan(flat[unknown]), 0.0, flat[unknown])
            found.update(int(u) for u in unknown)
            known[unknown] = True
            changed = True
    width = values.shape[1]
    return {(u // width, u % width) for u in found if hidden.ravel()[u]}


def test_no_withheld_count_follows_across_windows_levels_and_categories(
    published: Published, suppressed_client: TestClient
) -> None:
    """The decision itself, attacked with every sum it knows at once: areas in their parents,
    categories in their groups (each month and window), each quarter and twelve months as the
    sum of their months, and the zero rule. Before window sums, the force's Homicide quarter
    (31) minus two of its published months gave the third."""
    import numpy as np

    from scrutiny.analysis.disclosure import _window_sums
    from scrutiny.measures.crime import CrimeQuery

    data = suppressed_client.app.state.data  # type: ignore[attr-defined]
    quarter = Quarter.parse(published.quarter)
    found = data.disclosure(quarter)
    windows = len(found.windows)
    sums = [e * windows + w for e in found.equations for w in range(windows)]
    named = CrimeQuery(quarter, data.ws.baseline).windows()
    window_sums = _window_sums(found.windows, named)
    assert window_sums, "no quarter is the sum of published months: the test is void"
    cells = np.arange(len(found.values))
    sums += [c * windows + s for s in window_sums for c in cells]
    assert not _sum_attack(found.values, found.hidden_cells, sums)
    # The same attack on primary suppression alone recovers counts, so it can fail.
    small = np.nan_to_num(found.values, nan=np.inf) < found.threshold
    assert _sum_attack(found.values, small, sums)


def test_no_withheld_month_follows_from_a_published_quarter(
    published: Published, suppressed_client: TestClient
) -> None:
    """Read as a reader would: for every category of the force, the quarter and twelve months
    of /api/crime/measures against the months of /api/crime/series."""
    force = published.areas["force"][0]["code"]
    q = Quarter.parse(published.quarter)
    spans = {
        "quarter": [add_months(q.start, i) for i in range(3)],
        "r12": [add_months(q.last_month, -i) for i in range(12)],
    }
    checked = 0
    for slug in published.selections:
        params = {"category": slug, "level": "force", "area": force, "quarter": published.quarter}
        answer = suppressed_client.get("/api/crime/series", params=params)
        if answer.status_code != 200:
            continue
        months = {r["month"]: r["offences"] for r in answer.json()["rows"]}
        for window, span in spans.items():
            total = published.shown.get(("force", force, slug, window))
            shown = [months.get(m.strftime("%Y-%m")) for m in span]
            if total is None or any(m not in months for m in (m.strftime("%Y-%m") for m in span)):
                continue
            checked += 1
            unknown = [v for v in shown if v is None]
            rest = total - sum(v for v in shown if v is not None)
            assert len(unknown) != 1 and (not unknown or rest != 0), (slug, window, shown, total)
    assert checked
