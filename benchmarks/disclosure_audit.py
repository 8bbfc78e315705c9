"""Audit of disclosure control: withheld counts that some combination of published sums gives.

    python benchmarks/disclosure_audit.py [--threshold 10] [--quarter 2023-24 Q1] [--trials 1]
        [--cover] [--outcomes]

Copies the demo workspace, sets ``settings.suppress_below``, ingests it, decides the latest (or
given) quarter's disclosure as the dashboard does, then asks :func:`judge.disclosure.derivable`
which withheld counts follow from a linear combination of every published sum at once (areas,
categories, windows and their months). Prints the counts hidden, the time each step took and
the first derivable cells. :func:`judge.disclosure.suppress` closes each sum on its own; this
measures what that leaves open. ``--cover`` audits :func:`judge.cover.withhold` instead (every
withheld count on a null vector of the sums; not yet the dashboard's decision: too slow).
"""

from __future__ import annotations

import argparse
import shutil
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np
import yaml

from scrutiny.analysis.data import WorkspaceData
from scrutiny.analysis.disclosure import _window_sums
from scrutiny.config.periods import Quarter
from scrutiny.config.workspace import Workspace, demo_root
from scrutiny.judge.cover import withhold
from scrutiny.judge.disclosure import derivable
from scrutiny.measures.crime import CrimeQuery
from scrutiny.sources.ingest import ingest_workspace


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--threshold", type=int, default=10)
    parser.add_argument("--quarter", default=None, help="e.g. '2023-24 Q1' (default: latest)")
    parser.add_argument("--trials", type=int, default=1, help="random null-space samples")
    parser.add_argument("--cover", action="store_true", help="audit judge.cover.withhold")
    parser.add_argument("--outcomes", action="store_true", help="audit positive outcomes too")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp) / "ws"
        shutil.copytree(demo_root(), root, ignore=shutil.ignore_patterns("*.duckdb*"))
        config_file = root / "scrutiny.yaml"
        config = yaml.safe_load(config_file.read_text(encoding="utf-8"))
        config.setdefault("settings", {})["suppress_below"] = args.threshold
        config_file.write_text(yaml.safe_dump(config, sort_keys=False), encoding="utf-8")
        ws = Workspace.load(root)
        t = time.perf_counter()
        ingest_workspace(ws)
        print(f"ingest: {time.perf_counter() - t:.1f} s")
        data = WorkspaceData(ws)
        quarter = Quarter.parse(args.quarter) if args.quarter else ws.quarter
        t = time.perf_counter()
        whole = data.decision()
        print(
            f"decision (every quarter at once): {time.perf_counter() - t:.1f} s, "
            f"{len(whole.windows)} windows, {int(whole.hidden.sum()):,} withheld"
        )
        found = data.disclosure(quarter)
        assert found is not None
        values, hidden = found.values, found.hidden_cells
        print(f"quarter {quarter}: {values.size:,} counts, {int(hidden.sum()):,} withheld")
        for level in ("ward", "borough"):
            rows = [i for (lv, _, _), i in found.cells.items() if lv == level]
            shown = ~found.unshown[rows] if found.unshown is not None else ~np.isnan(values[rows])
            share = hidden[rows].sum() / max(int(shown.sum()), 1)
            print(f"  {level}: {share:.1%} of {int(shown.sum()):,} counts withheld")
        named = CrimeQuery(quarter, ws.baseline).windows()
        window_sums = _window_sums(found.windows, named)
        if args.cover:
            t = time.perf_counter()
            before = hidden
            hidden = _withhold(found, window_sums, args.threshold)
            print(f"cover: {time.perf_counter() - t:.1f} s, {int(hidden.sum()):,} withheld")
            print(f"  withheld beyond secondary suppression: {int((hidden & ~before).sum()):,}")
        t = time.perf_counter()
        open_cells = derivable(values, hidden, found.equations, window_sums, trials=args.trials)
        print(f"audit: {time.perf_counter() - t:.1f} s")
        print(f"derivable by a combination of published sums: {int(open_cells.sum()):,}")
        small = open_cells & (values < args.threshold)
        print(f"  of which below the threshold (a small count given away): {int(small.sum()):,}")
        if args.outcomes and found.outcomes is not None and found.outcomes_hidden is not None:
            t = time.perf_counter()
            po = derivable(
                found.outcomes, found.outcomes_hidden, found.equations, window_sums, trials=1
            )
            print(f"outcomes: {int(found.outcomes_hidden.sum()):,} withheld, ", end="")
            print(f"{int(po.sum()):,} derivable ({time.perf_counter() - t:.1f} s)")
        names = {i: cell for cell, i in found.cells.items()}
        for c, w in list(zip(*np.nonzero(open_cells), strict=True))[:10]:
            print("  ", *names[int(c)], found.windows[int(w)], values[c, w])
        data.close()


def _withhold(found: Any, window_sums: list[np.ndarray], threshold: int) -> np.ndarray:
    """:func:`judge.cover.withhold` on the decision's table: the axes' sums read back from its
    equations (an equation over one category is a sum of areas, else of categories)."""
    areas = list(dict.fromkeys((level, code) for level, code, _ in found.cells))
    sels = list(dict.fromkeys(sel for _, _, sel in found.cells))
    n = len(sels)
    area_sums = sorted(
        {
            tuple(int(i) // n for i in e)
            for e in found.equations
            if len({int(i) % n for i in e}) == 1
        }
    )
    cat_sums = sorted(
        {tuple(int(i) % n for i in e) for e in found.equations if len({int(i) % n for i in e}) > 1}
    )
    shape = (len(areas), n, len(found.windows))
    sums = ([np.array(s) for s in area_sums], [np.array(s) for s in cat_sums], window_sums)
    return withhold(found.values, found.equations, threshold, window_sums, shape, sums)


if __name__ == "__main__":
    main()
