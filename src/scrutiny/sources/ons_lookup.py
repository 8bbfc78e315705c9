"""The ONS lookup from 2011 LSOAs to 2019 wards and 2019 local authorities (boroughs).

data.police.uk geocodes every street-level crime to a 2011 LSOA; this lookup places that LSOA in a
ward (``WD19CD``) and a local authority (``LAD19CD``, e.g. E09000001).
The file is ONS "LSOA11_to_Ward19_to_LAD19_EW_lookup": one row per LSOA, England and Wales.
"""

from __future__ import annotations

import csv
import gzip
import io
import re
from dataclasses import dataclass, field
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

from scrutiny.store.warehouse import IngestError

HEADER = ("FID", "LSOA11CD", "LSOA11NM", "WD19CD", "WD19NM", "LAD19CD", "LAD19NM")

#: ONS GSS codes: entity code (E01 LSOA, E05 ward, E06-E09 local authority; W for Wales) + 6 digits.
_CODE = {
    "LSOA11CD": re.compile(r"[EW]01\d{6}"),
    "WD19CD": re.compile(r"[EW]05\d{6}"),
    "LAD19CD": re.compile(r"[EW]0[6-9]\d{6}"),
}
_EXPECTED = {
    "LSOA11CD": "an LSOA code like E01000001",
    "WD19CD": "a ward code like E05009288",
    "LAD19CD": "a local authority code like E09000001",
}

#: The canonical column names the rest of the package joins on.
COLUMNS = ("lsoa_code", "lsoa_name", "ward_code", "ward_name", "borough_code", "borough_name")


@dataclass(frozen=True)
class OnsLookup:
    """LSOA -> ward -> borough, as an Arrow table with the columns in :data:`COLUMNS`."""

    path: Path
    table: pa.Table
    _borough: dict[str, str] = field(default_factory=dict, repr=False, compare=False)

    def __len__(self) -> int:
        return self.table.num_rows

    def borough_of(self, lsoa_code: str) -> str | None:
        """The local authority (LAD19CD) an LSOA lies in, or None if the lookup lacks it."""
        if not self._borough:  # built on first use: most callers only join the table
            codes = self.table.column("lsoa_code").to_pylist()
            boroughs = self.table.column("borough_code").to_pylist()
            self._borough.update(zip(codes, boroughs, strict=True))
        return self._borough.get(lsoa_code)


def read_ons_lookup(path: Path | str) -> OnsLookup:
    """Read and validate the lookup CSV: every LSOA once, every code well formed.

    Parsed by Arrow's CSV reader and checked with vectorised regexes; only if a check fails does
    a row-by-row pass with the ``csv`` module run, to name the first bad line and column.
    """
    path = Path(path)
    data = path.read_bytes()
    if path.suffix == ".gz":  # the lookup the package ships is compressed
        data = gzip.decompress(data)
    if not data.strip():
        raise IngestError(
            f"{path.name}: line 1, column 'FID': expected the header row {','.join(HEADER)}, "
            "got an empty file"
        )
    try:
        text = data.decode("utf-8-sig")  # ONS exports sometimes carry a byte-order mark
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        before = data[data.rfind(b"\n", 0, exc.start) + 1 : exc.start].decode(errors="replace")
        column = HEADER[min(len(next(csv.reader([before]), [""])) - 1, len(HEADER) - 1)]
        raise IngestError(
            f"{path.name}: line {line}, column '{column}': expected UTF-8 text, "
            f"got byte '0x{data[exc.start]:02x}' (re-save the file as UTF-8 CSV)"
        ) from None
    _check_header(path, next(csv.reader(io.StringIO(text.split("\n", 1)[0]))))
    try:
        raw = pacsv.read_csv(
            io.BytesIO(text.encode()),
            read_options=pacsv.ReadOptions(column_names=list(HEADER), skip_rows=1),
            parse_options=pacsv.ParseOptions(newlines_in_values=True),
            convert_options=pacsv.ConvertOptions(
                column_types=dict.fromkeys(HEADER, pa.string()), strings_can_be_null=False
            ),
        )
    except pa.ArrowInvalid:
        _locate(path, text)
        raise  # the row-by-row pass found nothing Arrow minded: let Arrow's words stand
    codes_ok = all(
        pc.all(pc.match_substring_regex(raw.column(col), f"^{pattern.pattern}$")).as_py()
        for col, pattern in _CODE.items()
    )
    unique = pc.count_distinct(raw.column("LSOA11CD")).as_py() == raw.num_rows
    if not (codes_ok and unique and raw.num_rows):
        _locate(path, text)
    table = raw.select(list(HEADER[1:])).rename_columns(list(COLUMNS))
    return OnsLookup(path, table)


def _check_header(path: Path, header: list[str]) -> None:
    if tuple(h.strip() for h in header) == HEADER:
        return
    for i, want in enumerate(HEADER):
        got = header[i].strip() if i < len(header) else ""
        if got != want:
            raise IngestError(
                f"{path.name}: line 1, column '{want}': expected header '{want}' "
                f"({','.join(HEADER)}), got '{got}'"
            )
    raise IngestError(
        f"{path.name}: line 1, column '{header[len(HEADER)]}': expected {len(HEADER)} "
        f"columns ({','.join(HEADER)}), got an extra column '{header[len(HEADER)]}'"
    )


def _locate(path: Path, text: str) -> None:
    """Raise for the first bad row (the slow, exact pass after a vectorised check failed)."""
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    next(reader)
    seen: dict[str, int] = {}
    try:
        for fields in reader:
            line = reader.line_num
            if not fields:
                continue
            if len(fields) != len(HEADER):
                col = HEADER[min(len(fields), len(HEADER) - 1)]
                raise IngestError(
                    f"{path.name}: line {line}, column '{col}': expected {len(HEADER)} fields, "
                    f"got {len(fields)}"
                )
            row = dict(zip(HEADER, fields, strict=True))
            for col, pattern in _CODE.items():
                if not pattern.fullmatch(row[col]):
                    raise IngestError(
                        f"{path.name}: line {line}, column '{col}': expected {_EXPECTED[col]}, "
                        f"got '{row[col]}'"
                    )
            code = row["LSOA11CD"]
            if code in seen:
                raise IngestError(
                    f"{path.name}: line {line}, column 'LSOA11CD': expected each LSOA once, "
                    f"got '{code}' again (first on line {seen[code]})"
                )
            seen[code] = line
    except csv.Error as exc:
        raise IngestError(
            f"{path.name}: line {reader.line_num}, column '?': expected well-formed CSV, "
            f"got a parse error ({exc})"
        ) from None
    if not seen:
        raise IngestError(f"{path.name}: line 2, column 'FID': expected data rows, got none")
