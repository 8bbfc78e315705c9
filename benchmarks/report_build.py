"""Time building the demo's 2023-24 Q1 report (HTML + PDF), median of several runs.

    python benchmarks/report_build.py [--runs 5] [--no-command]

Prints the median time of the library call ``build_report`` in one process (after a first build
that ingests the demo and warms the caches) and of the whole ``scrutiny report`` command in a
fresh process each time (which adds Python start-up, imports and the check that every source is
loaded), with the median time of each stage of the library call. Target: under 15 s.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from scrutiny.config.workspace import open_workspace
from scrutiny.report.build import build_content, build_report
from scrutiny.report.charts import prerender, warm_up
from scrutiny.report.html import render_html
from scrutiny.report.pdf import write_pdf
from scrutiny.sources.ingest import ingest_workspace

QUARTER = "2023-24Q1"
STAMP = "2026-11-23"


def stages(out: Path) -> dict[str, float]:
    """One build, stage by stage (the same steps as ``build_report``)."""
    ws = open_workspace(None)
    times: dict[str, float] = {}
    start = time.perf_counter()
    engine = threading.Thread(target=warm_up, daemon=True)
    engine.start()
    report = build_content(ws, QUARTER, "current", STAMP)
    times["content (data, judgments, sections)"] = time.perf_counter() - start
    start = time.perf_counter()
    engine.join()
    prerender(list(report.charts()))
    times["charts to SVG"] = time.perf_counter() - start
    start = time.perf_counter()
    (out / "stage.html").write_text(render_html(report), encoding="utf-8")
    times["HTML"] = time.perf_counter() - start
    start = time.perf_counter()
    write_pdf(report, out / "stage.pdf")
    times["PDF (WeasyPrint)"] = time.perf_counter() - start
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--no-command", action="store_true", help="skip the fresh-process runs")
    args = parser.parse_args()
    made = []
    if "SCRUTINY_HOME" not in os.environ:
        os.environ["SCRUTINY_HOME"] = tempfile.mkdtemp(prefix="scrutiny-bench-")
        made.append(Path(os.environ["SCRUTINY_HOME"]))
    out = Path(tempfile.mkdtemp(prefix="scrutiny-report-"))
    made.append(out)
    try:
        run(args, out)
    finally:
        for folder in made:
            shutil.rmtree(folder, ignore_errors=True)


def run(args: argparse.Namespace, out: Path) -> None:
    ws = open_workspace(None)
    start = time.perf_counter()
    ingest_workspace(ws)  # reports read the warehouse, never load it: `scrutiny ingest` first
    print(f"ingest of the demo (sources and returns): {time.perf_counter() - start:.1f} s")

    start = time.perf_counter()
    paths = build_report(ws, QUARTER, "current", out, STAMP)
    print(f"first build (builds the Vega bundle): "
          f"{time.perf_counter() - start:.1f} s")  # fmt: skip
    assert paths.pdf is not None
    html_mb, pdf_mb = paths.html.stat().st_size / 1e6, paths.pdf.stat().st_size / 1e6
    print(f"HTML {html_mb:.1f} MB, PDF {pdf_mb:.1f} MB")

    library = []
    for _ in range(args.runs):
        start = time.perf_counter()
        build_report(ws, QUARTER, "current", out, STAMP)
        library.append(time.perf_counter() - start)

    split = [stages(out) for _ in range(args.runs)]
    command = []
    if not args.no_command:
        cmd = ["scrutiny", "report", "--out", str(out), "--stamp", STAMP]
        if subprocess.run([*cmd, "--help"], capture_output=True).returncode != 0:
            cmd = [sys.executable, "-m", "scrutiny.cli.report", "--out", str(out), "--stamp", STAMP]
        for _ in range(args.runs):
            start = time.perf_counter()
            subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, env=os.environ)
            command.append(time.perf_counter() - start)

    print(f"\n{'measurement (median of ' + str(args.runs) + ')':<46}{'median s':>10}{'min s':>9}")
    for name in split[0]:
        values = [s[name] for s in split]
        print(f"{'  ' + name:<46}{statistics.median(values):>10.2f}{min(values):>9.2f}")
    lib = statistics.median(library)
    print(f"{'build_report: HTML + PDF (in process)':<46}{lib:>10.2f}{min(library):>9.2f}")
    if command:
        cli = statistics.median(command)
        print(f"{'scrutiny report (fresh process)':<46}{cli:>10.2f}{min(command):>9.2f}")
    print(f"target: under 15 s; load average now {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")


if __name__ == "__main__":
    main()
