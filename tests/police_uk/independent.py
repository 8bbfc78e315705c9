"""Independent counts of data.police.uk street files with the csv module (no scrutiny code)."""

from __future__ import annotations

import csv
from collections import Counter
from pathlib import Path

LOOKUP = "lookups/LSOA11_to_Ward19_to_LAD19_EW_lookup (ons-lookups csv135).csv"


def lsoa_to_la(realdata: Path) -> dict[str, str]:
    with (realdata / LOOKUP).open(encoding="utf-8-sig", newline="") as fh:
        return {row["LSOA11CD"]: row["LAD19CD"] for row in csv.DictReader(fh)}


def count_rows(
    folder: Path, own: set[str], la_of: dict[str, str], positive: set[str]
) -> tuple[Counter[tuple[str, str, str]], Counter[tuple[str, str, str]]]:
    """(offences, positive outcomes) keyed by (month YYYY-MM, area, crime type), where area is
    the local authority for the force's own, else 'outside' or 'unallocated'."""
    offences: Counter[tuple[str, str, str]] = Counter()
    positives: Counter[tuple[str, str, str]] = Counter()
    for path in sorted(folder.glob("*-street.csv")):
        with path.open(encoding="utf-8", newline="") as fh:
            for row in csv.DictReader(fh):
                la = la_of.get(row["LSOA code"])
                area = "unallocated" if la is None else (la if la in own else "outside")
                key = (row["Month"], area, row["Crime type"])
                offences[key] += 1
                positives[key] += row["Last outcome category"] in positive
    return offences, positives


def months_of(first: str, n: int) -> list[str]:
    y, m = int(first[:4]), int(first[5:])
    out = []
    for _ in range(n):
        out.append(f"{y:04d}-{m:02d}")
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    return out
