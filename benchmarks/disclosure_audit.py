"""Audit of disclosure control: withheld counts that some combination of published sums gives.

    python benchmarks/disclosure_audit.py [--threshold 10] [--quarter 2023-24 Q1] [--trials 1]

Copies the demo workspace, sets ``settings.suppress_below``, ingests it, decides the latest (or
given) quarter's disclosure as the dashboard does, then asks :func:`judge.disclosure.derivable`
which withheld counts follow from a linear combination of every published sum at once (areas,
categories, windows and their months). Prints the counts hidden, the time each step took and
the first derivable cells. :func:`judge.disclosure.suppress` closes each sum on its own; this
measures what that leaves open.
"""

from __future__ import annotations

import argparse
import shutil
import tempfile
import time
from pathlib import Path

import numpy as np
import yaml

from scrutiny.analysis.data import WorkspaceData
from scrutiny.analysis.disclosure import _window_sums
from scrutiny.config.periods import Quarter
from scrutiny.config.workspace import Workspace, demo_root
from scrutiny.judge.disclosure import derivable
from scrutiny.measures.crime import CrimeQuery
from scrutiny.sources.ingest import ingest_workspace


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--threshold", type=int, default=10)
    parser.add_argument("--quarter", default=None, help="e.g. '2023-24 Q1' (default: latest)")
    parser.add_argument("--trials", type=int, default=1, help="random null-space samples")
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
        found = data.disclosure(quarter)
        assert found is not None
        print(f"decision: {time.perf_counter() - t:.1f} s")
        values, hidden = found.values, found.hidden_cells
        print(f"quarter {quarter}: {values.size:,} counts, {int(hidden.sum()):,} withheld")
        named = CrimeQuery(quarter, ws.baseline).windows()
        t = time.perf_counter()
        open_cells = derivable(
            values,
            hidden,
            found.equations,
            _window_sums(found.windows, named),
            trials=args.trials,
        )
        print(f"audit: {time.perf_counter() - t:.1f} s")
        print(f"derivable by a combination of published sums: {int(open_cells.sum()):,}")
        names = {i: cell for cell, i in found.cells.items()}
        for c, w in list(zip(*np.nonzero(open_cells), strict=True))[:10]:
            print("  ", *names[int(c)], found.windows[int(w)], values[c, w])
        data.close()


if __name__ == "__main__":
    main()
