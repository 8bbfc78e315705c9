"""Find an area by postcode, where the workspace supplies a postcode lookup.

The lookup is a CSV (optionally gzipped) at ``lookups/postcodes.csv`` (or ``.csv.gz``) in the
workspace, with a header row and one row per postcode. It is a column subset of the ONS
Postcode Directory (ONSPD) or National Statistics Postcode Lookup (NSPL), so an extract of
either works as it is:

- ``pcds`` (or ``postcode``): the postcode, any spacing and case (``EC2V 7HH``);
- ``lsoa11`` / ``lsoa11cd`` / ``lsoa21`` / ``lsoa21cd`` / ``lsoa_code``: its LSOA;
- optionally ``osward`` / ``ward_code`` and ``oslaua`` / ``lad_code`` / ``borough_code``: its
  ward and local authority, used when given; otherwise the LSOA is placed by the workspace's
  ``lsoa_lookup`` source (the ONS LSOA → ward → local authority lookup).

A postcode is matched whole (``EC2V 7HH``) or by its outward code (``EC2V``: every area that
postcodes of it fall in).
"""

from __future__ import annotations

import csv
import gzip
import io
import re
from dataclasses import dataclass
from pathlib import Path

from scrutiny.analysis.data import WorkspaceData, per_facade
from scrutiny.config.workspace import Workspace
from scrutiny.sources.ons_lookup import read_ons_lookup

#: A full UK postcode, or an outward code alone, in any case and spacing.
POSTCODE = re.compile(r"^\s*([A-Z]{1,2}\d[A-Z\d]?)\s*(\d[A-Z]{2})?\s*$", re.IGNORECASE)
_COLUMNS = {
    "postcode": ("pcds", "postcode", "pcd", "pcd7", "pcd8"),
    "lsoa": ("lsoa11", "lsoa11cd", "lsoa21", "lsoa21cd", "lsoa_code"),
    "ward": ("osward", "ward_code", "wd19cd", "wd22cd"),
    "borough": ("oslaua", "lad_code", "borough_code", "lad19cd", "lad22cd"),
}


class PostcodeFileError(ValueError):
    """A postcode lookup the dashboard cannot read (named in one line)."""


@dataclass(frozen=True)
class Place:
    """Where a postcode lies: its LSOA and, where known, its ward and local authority codes."""

    lsoa: str
    ward: str | None
    borough: str | None


def normalise(text: str) -> str | None:
    """``ec2v7hh`` → ``EC2V 7HH``; an outward code alone → ``EC2V``; None if not a postcode."""
    found = POSTCODE.match(text)
    if found is None:
        return None
    outward, inward = found.group(1).upper(), (found.group(2) or "").upper()
    return f"{outward} {inward}" if inward else outward


def lookup_file(root: Path) -> Path | None:
    for name in ("postcodes.csv", "postcodes.csv.gz"):
        path = root / "lookups" / name
        if path.is_file():
            return path
    return None


@per_facade
def postcodes(data: WorkspaceData) -> dict[str, Place]:
    """The workspace's postcode lookup ({} when it supplies none), read once per facade."""
    return read_postcodes(data.ws)


def read_postcodes(ws: Workspace) -> dict[str, Place]:
    """The workspace's postcode lookup ({} when it supplies none)."""
    path = lookup_file(ws.root)
    if path is None:
        return {}
    raw = path.read_bytes()
    text = (gzip.decompress(raw) if path.suffix == ".gz" else raw).decode("utf-8-sig")
    reader = csv.DictReader(io.StringIO(text))
    header = [h.strip().lower() for h in reader.fieldnames or []]
    chosen = {key: next((h for h in names if h in header), None) for key, names in _COLUMNS.items()}
    if chosen["postcode"] is None or chosen["lsoa"] is None:
        raise PostcodeFileError(
            f"{path.name}: line 1: expected a postcode column ({', '.join(_COLUMNS['postcode'])}) "
            f"and an LSOA column ({', '.join(_COLUMNS['lsoa'])}), got {', '.join(header)}"
        )
    original = {h.strip().lower(): h for h in reader.fieldnames or []}
    found: dict[str, Place] = {}
    for row in reader:

        def cell(key: str, row: dict[str, str] = row) -> str | None:
            column = chosen[key]
            value = (row.get(original[column]) or "").strip() if column else ""
            return value or None

        code = normalise(cell("postcode") or "")
        lsoa = cell("lsoa")
        if code is None or " " not in code or lsoa is None:
            continue  # a terminated postcode without an LSOA, or a malformed one
        found[code] = Place(lsoa, cell("ward"), cell("borough"))
    if found and any(p.borough is None for p in found.values()):
        found = _placed(ws, found)
    return found


def _placed(ws: Workspace, found: dict[str, Place]) -> dict[str, Place]:
    """Ward and local authority of each LSOA from the workspace's ONS lookup, where missing."""
    sources = ws.sources_of("lsoa_lookup")
    if not sources:
        return found
    table = read_ons_lookup(sources[0]).table
    where = {
        lsoa: (ward, borough)
        for lsoa, ward, borough in zip(
            table.column("lsoa_code").to_pylist(),
            table.column("ward_code").to_pylist(),
            table.column("borough_code").to_pylist(),
            strict=True,
        )
    }
    placed = {}
    for code, p in found.items():
        ward, borough = where.get(p.lsoa, (None, None))
        placed[code] = Place(p.lsoa, p.ward or ward, p.borough or borough)
    return placed


def places_of(postcodes: dict[str, Place], text: str) -> list[Place]:
    """The places of a whole postcode, or of every postcode of an outward code."""
    code = normalise(text)
    if code is None or not postcodes:
        return []
    if " " in code:
        return [postcodes[code]] if code in postcodes else []
    return [p for c, p in postcodes.items() if c.split(" ")[0] == code]
