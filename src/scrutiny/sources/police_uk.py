"""data.police.uk readers: street-level crime and stop and search.

data.police.uk publishes one CSV per force and month, named ``YYYY-MM-<force>-<kind>.csv`` where
kind is ``street``, ``outcomes`` or ``stop-and-search``; its monthly archive puts each month in a
folder ``YYYY-MM/`` and ships the lot as a zip. The force is taken from the file name.

Parsing is DuckDB's CSV reader (fixed dialect, no sniffing), and validation is vectorised SQL in
the same pass: a value the parser cannot convert fails the read, and a row that fails a check
calls ``error()``, which aborts the query. Only then does a slow, exact Python pass (the ``csv``
module, with a Python twin of every check) find the first bad row, so that the one-line message
names the physical line, the column and what was expected.

Street-level crimes are placed in a ward and a borough through the ONS LSOA lookup. Rows without a
location (blank LSOA) are kept with no ward or borough: they count for the force only. LSOA codes
the lookup lacks are kept the same way and reported (count and sample), never dropped.

Two ways to load street files:

* one file, one transaction (:func:`read_street_file` then :meth:`Warehouse.ingest`);
* a fast path for many files (:func:`ingest_street`, the default): every new file is read in a
  single DuckDB query straight into ``street_crimes``, in one transaction for the lot (all or
  nothing) with a ``sources`` row for each file, so a national year (516 files) loads at about
  DuckDB's bare ``read_csv`` speed (see ``benchmarks/ingest_street.py``).
"""

from __future__ import annotations

import csv
import io
import re
import tempfile
import zipfile
import zlib
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack, contextmanager, suppress
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from hashlib import sha256 as sha256_hasher
from pathlib import Path
from typing import Literal, cast
from zoneinfo import ZoneInfo

import pyarrow as pa
import pyarrow.compute as pc

from scrutiny.sources.ons_lookup import OnsLookup
from scrutiny.sources.text import BLOCK, LineLengths, check_line_lengths
from scrutiny.store.engine import Connection, DatabaseError, scratch_connection
from scrutiny.store.superseded import retire
from scrutiny.store.warehouse import Batch, IngestError, IngestResult, Warehouse

STREET_KIND = "police_uk_street"
STOP_SEARCH_KIND = "police_uk_stop_search"

Kind = Literal["street", "outcomes", "stop-and-search"]
#: Called as progress(done, total, what) while loading.
Progress = Callable[[int, int, str], None]

# -- the checks -----------------------------------------------------------------------------------
# Each column is parsed by DuckDB's CSV reader as text or as a typed value (a number or a month:
# parsing there is the fastest conversion DuckDB has, and a value it cannot parse fails the read).
# A SQL check over the parsed value then calls error() on a bad row. The Python twin of each check
# (parse + check over the raw text) runs only to locate the first bad row after a failure.
_MONTH_RE = re.compile(r"[0-9]{4}-(0[1-9]|1[0-2])")
#: data.police.uk begins in December 2010; the bounds catch a two-digit year ("17-01" -> AD 17).
_FIRST_YEAR, _LAST_YEAR = 2000, 2099
_DATETIME_RE = (
    r"[0-9]{4}-[0-9]{2}-[0-9]{2}[T ][0-9]{2}:[0-9]{2}(:[0-9]{2}(\.[0-9]+)?)?"
    r"(Z|[+-][0-9]{2}:?[0-9]{2})?"
)
_TZ_RE = r"(Z|[+-][0-9]{2}:?[0-9]{2})$"

_FILE_NAME = re.compile(
    r"(?P<month>[0-9]{4}-(0[1-9]|1[0-2]))-(?P<force>[a-z0-9]+(-[a-z0-9]+)*?)"
    r"-(?P<kind>street|outcomes|stop-and-search)\.csv",
    re.IGNORECASE,
)


def _is_month(v: str) -> bool:
    return _MONTH_RE.fullmatch(v) is not None and _FIRST_YEAR <= int(v[:4]) <= _LAST_YEAR


def _number_in(limit: float) -> Callable[[str], bool]:
    def ok(v: str) -> bool:
        if v == "":
            return True
        try:
            return abs(float(v)) <= limit  # NaN fails, as abs(NaN) <= limit fails in DuckDB
        except ValueError:
            return False

    return ok


def _iso_datetime(v: str) -> bool:
    if not re.fullmatch(_DATETIME_RE, v):
        return False
    try:
        datetime.fromisoformat(v)
    except ValueError:
        return False
    return True


@dataclass(frozen=True)
class _Field:
    """One CSV column: how DuckDB parses it, the check a value must pass, the conversion.

    ``ok`` and ``convert`` are SQL over ``{c}``, the value as parsed (NULL when blank);
    ``py_ok`` is parse + check in Python over the raw text ('' when blank).
    """

    header: str
    name: str
    parse: str = "VARCHAR"
    expected: str = ""
    ok: str | None = None
    py_ok: Callable[[str], bool] | None = None
    convert: str = "{c}"


#: A control character (a NUL byte…) in a text field means a damaged file: it must not replace a
#: good month (a 30-line file with NUL bytes once cut a month from 922 rows to 29).
_CONTROL_SQL = "NOT regexp_matches({c}, '[\\x00-\\x08\\x0b\\x0c\\x0e-\\x1f\\x7f]')"
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def _text(header: str, name: str) -> _Field:
    return _Field(
        header,
        name,
        "VARCHAR",
        "text without control characters (the file is damaged)",
        "{c} IS NULL OR " + _CONTROL_SQL,
        lambda v: not _CONTROL.search(v),
    )


def _required(header: str, name: str) -> _Field:
    return _Field(
        header,
        name,
        "VARCHAR",
        "a value without control characters",
        "{c} IS NOT NULL AND " + _CONTROL_SQL,
        lambda v: v != "" and not _CONTROL.search(v),
    )


def _coordinate(header: str, name: str, limit: int) -> _Field:
    return _Field(
        header,
        name,
        "DOUBLE",
        f"blank or a number from -{limit} to {limit}",
        f"{{c}} IS NULL OR abs({{c}}) <= {limit}",
        _number_in(limit),
    )


def _boolean(header: str, name: str) -> _Field:
    return _Field(
        header,
        name,
        "VARCHAR",
        "blank, True or False",
        "{c} IS NULL OR lower({c}) IN ('true', 'false')",
        lambda v: v == "" or v.lower() in ("true", "false"),
        "lower({c}) = 'true'",
    )


MONTH_FIELD = _Field(
    "Month",
    "month",
    "DATE",  # read with dateformat '%Y-%m'
    "a month like 2017-01",
    f"{{c}} BETWEEN DATE '{_FIRST_YEAR}-01-01' AND DATE '{_LAST_YEAR}-12-01'",
    _is_month,
)
STREET_FIELDS: tuple[_Field, ...] = (
    _text("Crime ID", "crime_id"),
    MONTH_FIELD,
    _text("Reported by", "reported_by"),
    _text("Falls within", "falls_within"),
    _coordinate("Longitude", "longitude", 180),
    _coordinate("Latitude", "latitude", 90),
    _text("Location", "location"),
    # Not checked: a code the lookup lacks, well formed or not, is kept and reported as unknown.
    _text("LSOA code", "lsoa_code"),
    _text("LSOA name", "lsoa_name"),
    _required("Crime type", "crime_type"),
    _text("Last outcome category", "last_outcome"),
    _text("Context", "context"),
)
STREET_HEADER = tuple(f.header for f in STREET_FIELDS)

# Stop-and-search times carry a UTC offset; a naive time is taken as UK wall-clock time
# (Europe/London). Police months are UK months: 2016-05-31T23:01+00:00 is 00:01 on 1 June,
# in the June file.
_LOCAL_TIME = (
    f"CASE WHEN regexp_matches({{c}}, '{_TZ_RE}') "
    "THEN timezone('Europe/London', CAST({c} AS TIMESTAMPTZ)) ELSE CAST({c} AS TIMESTAMP) END"
)
STOP_SEARCH_FIELDS: tuple[_Field, ...] = (
    _text("Type", "type"),
    _Field(
        "Date",
        "datetime",
        "VARCHAR",
        "a date and time like 2016-06-01T00:01:00+01:00",
        f"regexp_full_match({{c}}, '{_DATETIME_RE}') "
        "AND TRY_CAST({c} AS TIMESTAMPTZ) IS NOT NULL",
        _iso_datetime,
        _LOCAL_TIME,
    ),
    _boolean("Part of a policing operation", "part_of_operation"),
    _text("Policing operation", "policing_operation"),
    _coordinate("Latitude", "latitude", 90),
    _coordinate("Longitude", "longitude", 180),
    _text("Gender", "gender"),
    _text("Age range", "age_range"),
    _text("Self-defined ethnicity", "self_defined_ethnicity"),
    _text("Officer-defined ethnicity", "officer_defined_ethnicity"),
    _text("Legislation", "legislation"),
    _text("Object of search", "object_of_search"),
    _text("Outcome", "outcome"),
    _boolean("Outcome linked to object of search", "outcome_linked_to_object"),
    _boolean("Removal of more than just outer clothing", "removal_of_clothing"),
)
STOP_SEARCH_HEADER = tuple(f.header for f in STOP_SEARCH_FIELDS)

#: Canonical column order of the tables (as in warehouse.SCHEMA, without source_id).
STREET_COLUMNS = (*(f.name for f in STREET_FIELDS), "ward_code", "borough_code", "force")
STOP_SEARCH_COLUMNS = (
    "type", "datetime", "month", "part_of_operation", "policing_operation", "latitude",
    "longitude", "gender", "age_range", "self_defined_ethnicity", "officer_defined_ethnicity",
    "legislation", "object_of_search", "outcome", "outcome_linked_to_object",
    "removal_of_clothing", "force",
)  # fmt: skip

_BAD_ROW = re.compile(r"scrutiny: bad row in file #(\d+)")


def _quote(identifier: str) -> str:
    return '"' + identifier.replace('"', '""') + '"'


def _checked(f: _Field, alias: str = "r", also: str | None = None) -> str:
    """SQL for one canonical column: the converted value, or error() when the check (and
    ``also``, a further condition on the converted value ``{v}``) fails."""
    c = f"{alias}.{_quote(f.header)}"
    value = f.convert.replace("{c}", c)  # not str.format: the regexes hold braces
    if f.ok is None and also is None:
        return f"{value} AS {f.name}"
    conditions = [f.ok.replace("{c}", c)] if f.ok is not None else []
    if also is not None:
        conditions.append(also.replace("{v}", value))
    # The message only has to say which file failed: the Python locator finds line and column.
    return (
        f"CASE WHEN {' AND '.join(f'({x})' for x in conditions)} THEN {value} "
        f"ELSE error('scrutiny: bad row in file #' || {alias}.file_index) END AS {f.name}"
    )


#: A row's month must be the month the file's name gives (when it gives one): a file named
#: 2019-06 holding May's rows would otherwise replace May.
_MONTH_OF_NAME = "f.month IS NULL OR {v} = f.month"


def _read_csv(fields: Sequence[_Field]) -> str:
    """A DuckDB read_csv call with a fixed dialect and fixed types, one ``?`` for the files.

    No sniffing: the dialect is data.police.uk's. ``file_index`` (a virtual column) is the
    position of a row's file in the list, which ``scrutiny_files`` maps to force and source.
    """
    columns = ", ".join(f"'{f.header}': '{f.parse}'" for f in fields)
    dateformat = ", dateformat = '%Y-%m'" if any(f.parse == "DATE" for f in fields) else ""
    return (
        "read_csv(?, header = true, auto_detect = false, delim = ',', quote = '\"', "
        f"escape = '\"', strict_mode = true{dateformat}, columns = {{{columns}}})"
    )


def _street_select(with_source_id: bool) -> str:
    """SELECT the canonical street columns from the files listed in ``scrutiny_files``."""
    columns = [
        _checked(f, also=_MONTH_OF_NAME if f is MONTH_FIELD else None) for f in STREET_FIELDS
    ]
    columns += ["l.ward_code", "l.borough_code", "f.force"]
    if with_source_id:
        columns.append("f.source_id")
    return (
        f"SELECT {', '.join(columns)} FROM {_read_csv(STREET_FIELDS)} r "
        "JOIN scrutiny_files f ON r.file_index = f.file_index "
        'LEFT JOIN scrutiny_lookup l ON r."LSOA code" = l.lsoa_code'
    )


def _stop_search_select() -> str:
    by_name = {f.name: f for f in STOP_SEARCH_FIELDS}
    local = by_name["datetime"].convert.replace("{c}", 'r."Date"')
    columns = []
    for name in STOP_SEARCH_COLUMNS:
        if name == "month":
            month = f"CAST(date_trunc('month', {local}) AS DATE)"
            columns.append(
                f"CASE WHEN {_MONTH_OF_NAME.replace('{v}', month)} THEN {month} "
                "ELSE error('scrutiny: bad row in file #' || r.file_index) END AS month"
            )
        elif name == "force":
            columns.append("f.force")
        else:
            columns.append(_checked(by_name[name]))
    return (
        f"SELECT {', '.join(columns)} FROM {_read_csv(STOP_SEARCH_FIELDS)} r "
        "JOIN scrutiny_files f ON r.file_index = f.file_index"
    )


# -- files: names, headers, archives -------------------------------------------------------------


@dataclass(frozen=True)
class PoliceFile:
    """One data.police.uk CSV: where to read it, what to call it, and what its name says."""

    path: Path  # readable on disk (a zip member is extracted to a temporary folder)
    name: Path  # what provenance records: the path, or ``archive.zip/member``
    kind: Kind
    force: str
    month: str  # YYYY-MM from the file name ("" when the name does not say)


def parse_file_name(name: str) -> tuple[str, str, Kind] | None:
    """``2017-01-city-of-london-street.csv`` -> ('2017-01', 'city-of-london', 'street')."""
    m = _FILE_NAME.fullmatch(name)
    if not m:
        return None
    return m["month"], m["force"].lower(), cast(Kind, m["kind"].lower())


def _police_file(
    path: Path, name: Path | None = None, force: str | None = None, kind: Kind | None = None
) -> PoliceFile:
    """Classify one file by name; ``force`` overrides (or stands in for) the name's force."""
    name = name or path
    parsed = parse_file_name(name.name)
    if parsed is None and force and kind:
        return PoliceFile(path, name, kind, force, "")
    if parsed is None:
        raise IngestError(
            f"{name.name}: expected a data.police.uk file name like 2017-01-<force>-street.csv "
            f"(the force comes from it), got '{name.name}'"
        )
    month, named_force, kind = parsed
    return PoliceFile(path, name, kind, force or named_force, month)


@dataclass
class Found:
    """The data.police.uk files under some paths, and what was passed over (with why)."""

    files: list[PoliceFile] = field(default_factory=list)
    ignored: list[tuple[str, str]] = field(default_factory=list)

    def of_kind(self, kind: Kind) -> list[PoliceFile]:
        return [f for f in self.files if f.kind == kind]


@contextmanager
def police_files(paths: Iterable[Path | str]) -> Iterator[Found]:
    """Find the files under ``paths``: single CSVs, folders (recursively) and zips.

    Zip members are extracted to a temporary folder that lives as long as the context.
    A zip with no CSV, or a folder with no data.police.uk CSV, is an error.
    """
    if isinstance(paths, str | Path):
        paths = [paths]
    found = Found()
    with ExitStack() as stack:
        scratch: list[Path] = []

        def tmpdir() -> Path:
            if not scratch:
                scratch.append(Path(stack.enter_context(tempfile.TemporaryDirectory())))
            return scratch[0]

        for given in map(Path, paths):
            if given.is_dir():
                before = len(found.files)
                for p in sorted(given.rglob("*")):
                    if p.is_file():
                        _add(found, p, p, tmpdir, explicit=False)
                if len(found.files) == before:
                    raise IngestError(
                        f"{given.name}: expected data.police.uk CSV files "
                        "(YYYY-MM-<force>-street.csv, ...) in the folder, got none"
                    )
            elif given.is_file():
                _add(found, given, given, tmpdir, explicit=True)
            else:
                raise IngestError(f"{given}: expected a file or folder, got nothing there")
        yield found


def _add(found: Found, path: Path, name: Path, tmpdir: Callable[[], Path], explicit: bool) -> None:
    if path.suffix.lower() == ".zip":
        _add_zip(found, path, name, tmpdir)
    elif path.suffix.lower() == ".csv":
        if explicit:
            found.files.append(_police_file(path, name))
        elif (parsed := parse_file_name(path.name)) is None:
            found.ignored.append((str(name), "not a data.police.uk file name"))
        else:
            month, force, kind = parsed
            found.files.append(PoliceFile(path, name, kind, force, month))
    elif explicit:
        raise IngestError(f"{name.name}: expected a .csv or .zip file, got '{path.suffix}'")


def _add_zip(found: Found, path: Path, name: Path, tmpdir: Callable[[], Path]) -> None:
    try:
        archive = zipfile.ZipFile(path)
    except zipfile.BadZipFile:
        raise IngestError(
            f"{name.name}: expected a zip archive, got a damaged or non-zip file"
        ) from None
    with archive:
        members = sorted(
            m for m in archive.namelist() if m.lower().endswith(".csv") and not m.endswith("/")
        )
        if not members:
            raise IngestError(
                f"{name.name}: expected at least one .csv file in the zip archive, got none "
                f"({len(archive.namelist())} other entries)"
            )
        target = Path(tempfile.mkdtemp(prefix=f"{path.stem}-", dir=tmpdir()))
        budget = [MAX_ARCHIVE_BYTES]
        for member in members:
            shown = name / member
            parsed = parse_file_name(Path(member).name)
            if parsed is None:
                found.ignored.append((str(shown), "not a data.police.uk file name"))
                continue
            if parsed[2] == "outcomes":  # never read: do not spend time extracting it
                found.files.append(PoliceFile(Path(), shown, "outcomes", parsed[1], parsed[0]))
                continue
            extracted = _extract_bounded(archive, member, target, shown)
            found.files.append(PoliceFile(extracted, shown, parsed[2], parsed[1], parsed[0]))
            budget[0] -= extracted.stat().st_size
            if budget[0] < 0:
                raise IngestError(
                    f"{name.name}: expands to more than {MAX_ARCHIVE_BYTES / 2**30:.0f} GiB; "
                    "unpack it yourself or split it"
                )


#: A zip member may expand at most this many times its compressed size (CSV compresses about
#: 10:1; a 2.6 MB member expanding to 1 GiB is a zip bomb, and once peaked at 6.6 GB of memory).
MAX_EXPANSION_RATIO = 100
#: No single published file is near this (a large force's month of street records is ~40 MB).
MAX_MEMBER_BYTES = 1 << 30
#: Everything one archive may expand to.
MAX_ARCHIVE_BYTES = 32 << 30


def _extract_bounded(archive: zipfile.ZipFile, member: str, target: Path, shown: Path) -> Path:
    """Extract ``member`` streaming, refusing a zip bomb before and while it expands (the sizes
    a zip declares can lie, so the bytes written are counted too)."""
    info = archive.getinfo(member)
    limit = min(MAX_MEMBER_BYTES, max(info.compress_size, 1) * MAX_EXPANSION_RATIO)
    if info.file_size > limit:
        raise IngestError(
            f"{shown}: expands from {info.compress_size:,} to {info.file_size:,} bytes, more "
            f"than {MAX_EXPANSION_RATIO}× or {MAX_MEMBER_BYTES / 2**30:.0f} GiB; not a "
            "plausible data.police.uk file (a zip bomb?)"
        )
    # Only the member's base name, in a folder of its own: no path from the archive is used.
    out = target / str(len(list(target.iterdir()))) / Path(member).name
    out.parent.mkdir()
    written = 0
    try:
        with archive.open(info) as src, out.open("wb") as dst:
            while block := src.read(1 << 20):
                written += len(block)
                if written > limit:
                    raise IngestError(
                        f"{shown}: expands to more than {limit:,} bytes (declared "
                        f"{info.file_size:,}); not a plausible data.police.uk file"
                    )
                dst.write(block)
    except (zipfile.BadZipFile, EOFError, zlib.error) as exc:
        raise IngestError(f"{shown}: a damaged zip member ({exc})") from None
    return out


def _check_header(f: PoliceFile, head: bytes, expected: Sequence[str]) -> None:
    """The first line must be exactly the expected header (a UTF-8 byte-order mark is allowed)."""
    name = f.name.name
    if not head.strip():
        raise IngestError(
            f"{name}: line 1, column '{expected[0]}': expected the header row "
            f"'{','.join(expected)}', got an empty file"
        )
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise IngestError(
            f"{name}: line 1, column '{expected[0]}': expected UTF-8 text, got UTF-16 "
            "(a byte-order mark 0xff 0xfe; re-save the file as UTF-8 CSV)"
        )
    first = head.split(b"\n", 1)[0].rstrip(b"\r")
    first = first.removeprefix(b"\xef\xbb\xbf")
    try:
        text = first.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise _not_utf8(name, first, exc, expected) from None
    got = next(csv.reader([text]), [])
    for i, want in enumerate(expected):
        have = got[i] if i < len(got) else ""
        if have != want:
            raise IngestError(
                f"{name}: line 1, column '{want}': expected header '{want}' "
                f"(the data.police.uk {f.kind} layout), got '{_show(have)}'"
            )
    if len(got) > len(expected):
        raise IngestError(
            f"{name}: line 1, column '{got[len(expected)]}': expected {len(expected)} columns "
            f"ending '{expected[-1]}', got an extra column '{_show(got[len(expected)])}'"
        )


def _not_utf8(
    name: str, data: bytes, exc: UnicodeDecodeError, header: Sequence[str]
) -> IngestError:
    """Where a byte that is not UTF-8 sits: its line, and the column it falls in."""
    line_start = data.rfind(b"\n", 0, exc.start) + 1
    line = data[: exc.start].count(b"\n") + 1
    before = data[line_start : exc.start].decode("utf-8", errors="replace")
    column = len(next(csv.reader([before]), [""])) - 1 if before else 0
    return IngestError(
        f"{name}: line {line}, column '{header[min(column, len(header) - 1)]}': expected "
        f"UTF-8 text, got byte '0x{data[exc.start]:02x}' (re-save the file as UTF-8 CSV)"
    )


def _fingerprint(path: Path, name: str | None = None) -> tuple[str, bytes]:
    """(sha256, first 64 KiB) in one streaming read of the file, which also refuses a line
    longer than :data:`~scrutiny.sources.text.MAX_LINE_BYTES` (before any parser sees it)."""
    digest = sha256_hasher()
    head = b""
    lines = LineLengths(name or path.name)
    with path.open("rb") as fh:
        while block := fh.read(min(BLOCK, lines.limit)):
            if not head:
                head = block[: 1 << 16]
            digest.update(block)  # releases the GIL: files hash in parallel threads
            lines.feed(block)
    lines.end()
    return digest.hexdigest(), head


def _show(value: str, limit: int = 60) -> str:
    """A value as it goes in a one-line message."""
    text = value.replace("\r", "\\r").replace("\n", "\\n")
    return text if len(text) <= limit else text[: limit - 1] + "…"


# -- locating the first bad row (slow path, only after the vectorised checks failed) -------------


def _locate(f: PoliceFile, fields: Sequence[_Field]) -> IngestError | None:
    """The first problem in ``f`` as a one-line error, or None if the Python pass finds none."""
    name = f.name.name
    header = [x.header for x in fields]
    data = f.path.read_bytes()
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        return _not_utf8(name, data, exc, header)
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    line = 1
    try:
        next(reader)  # the header, checked already
        while True:
            line = reader.line_num + 1  # a quoted field may span lines: report where it starts
            try:
                row = next(reader)
            except StopIteration:
                return None
            if not row:
                continue  # blank lines are skipped, as DuckDB skips them
            if len(row) != len(fields):
                if len(row) < len(fields):
                    col, why = header[len(row)], "the row ends before this column; truncated?"
                else:
                    col, why = header[-1], f"extra value '{_show(row[len(fields)])}'"
                return IngestError(
                    f"{name}: line {line}, column '{col}': expected {len(fields)} fields, "
                    f"got {len(row)} ({why})"
                )
            for spec, value in zip(fields, row, strict=True):
                if spec.py_ok is not None and not spec.py_ok(value):
                    return IngestError(
                        f"{name}: line {line}, column '{spec.header}': expected {spec.expected}, "
                        f"got '{_show(value)}'"
                    )
            month = _row_month(f, fields, row)
            if f.month and month is not None and month != f.month:
                column = "Month" if "Month" in header else "Date"
                return IngestError(
                    f"{name}: line {line}, column '{column}': expected a row of {f.month} "
                    f"(the month the file's name gives), got one of {month}; nothing was loaded"
                )
    except csv.Error as exc:
        # The same line splitting as the csv reader's, so the count agrees with ``line``.
        rest = "".join(io.StringIO(text, newline="").readlines()[line - 1 :])
        quote_column = _open_quote_column(rest)
        if quote_column is not None:
            col = header[min(quote_column, len(header) - 1)]
            return IngestError(
                f"{name}: line {line}, column '{col}': expected "
                "a closing quote, got the end of the file (truncated?)"
            )
        return IngestError(
            f"{name}: line {line}, column '?': expected well-formed CSV, got '{_show(str(exc))}'"
        )


def _open_quote_column(record: str) -> int | None:
    """The column whose quoted value never closes in ``record`` (to the end of the file)."""
    column, opened = 0, 0
    quoted, at_start, just_closed = False, True, False
    for ch in record:
        if quoted:
            if ch == '"':
                quoted, just_closed = False, True
        elif ch == '"' and (at_start or just_closed):  # opens, or "" inside a quoted value
            quoted, opened = True, column if at_start else opened
            at_start = just_closed = False
        elif ch in ",\n":
            column = column + 1 if ch == "," else 0
            at_start, just_closed = True, False
        else:
            at_start = just_closed = False
    return opened if quoted else None


_DUCKDB_LINE = re.compile(r"CSV Error on Line: (\d+)")


def _explain(
    error: DatabaseError, files: Sequence[PoliceFile], fields: Sequence[_Field]
) -> IngestError:
    """Turn a failed DuckDB read into our one-line error, naming file, line and column."""
    message = str(error)
    # The file named (by index in our error(), by path in DuckDB's CSV report) is checked first.
    bad_row = _BAD_ROW.search(message)
    if bad_row and int(bad_row[1]) < len(files):
        named = [files[int(bad_row[1])]]
    else:
        named = [f for f in files if f"file = {f.path}" in message]
    for f in named + [f for f in files if f not in named]:
        found = _locate(f, fields)
        if found is not None:
            return found
    if named:  # a CSV quirk our Python pass accepts: pass on DuckDB's own words, on one line
        m = _DUCKDB_LINE.search(message)
        lines = [s.strip() for s in message.splitlines() if s.strip()]
        reason = lines[2] if len(lines) > 2 and m else lines[0]
        return IngestError(
            f"{named[0].name.name}: line {m[1] if m else '?'}, column '?': expected well-formed "
            f"CSV, got '{_show(reason, 120)}'"
        )
    raise error  # not about the input (out of memory, disk full ...): let it surface as it is


# -- readers: one file -> one Batch ---------------------------------------------------------------


def _files_table(files: Sequence[PoliceFile], source_ids: Sequence[int] | None = None) -> pa.Table:
    columns: dict[str, pa.Array] = {
        "file_index": pa.array(range(len(files)), pa.uint64()),
        "force": pa.array([f.force for f in files], pa.string()),
        "month": pa.array([_name_month(f) for f in files], pa.date32()),
    }
    if source_ids is not None:
        columns["source_id"] = pa.array(source_ids, pa.int32())
    return pa.table(columns)


def _name_month(f: PoliceFile) -> date | None:
    return date(int(f.month[:4]), int(f.month[5:7]), 1) if f.month else None


def _row_month(f: PoliceFile, fields: Sequence[_Field], row: Sequence[str]) -> str | None:
    """The month a row is for (its Month, or the UK month of its Date), None if unreadable."""
    by_header = dict(zip((x.header for x in fields), row, strict=True))
    if "Month" in by_header:
        return by_header["Month"]
    try:
        when = datetime.fromisoformat(by_header["Date"])
    except (KeyError, ValueError):
        return None
    if when.tzinfo is not None:
        when = when.astimezone(ZoneInfo("Europe/London"))
    return f"{when:%Y-%m}"


def _lookup_table(lookup: OnsLookup) -> pa.Table:
    return lookup.table.select(["lsoa_code", "ward_code", "borough_code"])


def _vintage(table: pa.Table, f: PoliceFile) -> str:
    """The latest month in the rows; for a file with no rows, the month its name gives."""
    latest = pc.max(table.column("month")).as_py() if table.num_rows else None
    return _vintage_of(latest if isinstance(latest, date) else None, f)


def _vintage_of(latest: date | None, f: PoliceFile) -> str:
    if latest is not None:
        return latest.strftime("%Y%m")
    return f.month.replace("-", "") or "000000"  # no rows, no month in the name: the oldest


def _read_one(
    f: PoliceFile, fields: Sequence[_Field], sql: str, lookup: OnsLookup | None
) -> pa.Table:
    with f.path.open("rb") as fh:
        _check_header(f, fh.read(1 << 16), [x.header for x in fields])
    check_line_lengths(f.path, name=f.name.name)
    con = scratch_connection()
    con.register("scrutiny_files", _files_table([f]))
    if lookup is not None:
        con.register("scrutiny_lookup", _lookup_table(lookup))
    try:
        return con.sql(sql, params=[[str(f.path)]]).to_arrow_table()
    except DatabaseError as exc:
        raise _explain(exc, [f], fields) from None
    finally:
        for name in ("scrutiny_files", "scrutiny_lookup"):
            with suppress(DatabaseError):
                con.unregister(name)


def _not_empty(f: PoliceFile, rows: int) -> None:
    """A data.police.uk file lists every record of its month: one with none is damaged."""
    if rows == 0:
        raise IngestError(
            f"{f.name.name}: line 2: expected the month's records, got none (a header alone); "
            "nothing was loaded"
        )


def read_street_file(
    path: Path | str | PoliceFile, lookup: OnsLookup, *, force: str | None = None
) -> Batch:
    """Read and validate one street-level CSV into a ``street_crimes`` Batch."""
    f = path if isinstance(path, PoliceFile) else _police_file(Path(path), None, force, "street")
    table = _read_one(f, STREET_FIELDS, _street_select(False), lookup)
    _not_empty(f, table.num_rows)
    return Batch(f.name, STREET_KIND, "street_crimes", table, _vintage(table, f))


def read_stop_search(path: Path | str | PoliceFile, *, force: str | None = None) -> Batch:
    """Read and validate one stop-and-search CSV into a ``stop_searches`` Batch."""
    if not isinstance(path, PoliceFile):
        path = _police_file(Path(path), None, force, "stop-and-search")
    f = path
    table = _read_one(f, STOP_SEARCH_FIELDS, _stop_search_select(), None)
    _not_empty(f, table.num_rows)
    return Batch(f.name, STOP_SEARCH_KIND, "stop_searches", table, _vintage(table, f))


def read_police_uk(path: Path | str, lookup: OnsLookup) -> list[tuple[Batch, str]]:
    """Every street-level and stop-and-search file under ``path`` (a CSV, folder or zip), as
    (Batch, sha256) pairs ready for ``Warehouse.ingest(batch, sha256=...)``; outcomes are skipped.

    The sha256 travels with the Batch because a zip member's path (``archive.zip/member``) is
    not a file the warehouse could hash. Holds every file's rows in memory: for many files,
    :func:`ingest_street` is faster and lighter.
    """
    found_batches = []
    with police_files([path]) as found:
        for f in found.files:
            if f.kind == "outcomes":
                continue
            sha, _ = _fingerprint(f.path)
            batch = read_street_file(f, lookup) if f.kind == "street" else read_stop_search(f)
            found_batches.append((batch, sha))
    return found_batches


def read_street(path: Path | str, lookup: OnsLookup) -> list[Batch]:
    """Every street-level file under ``path`` (a CSV, a folder, or a zip), one Batch each.

    ``Warehouse.ingest(batch)`` hashes ``batch.path``: for zip members use
    :func:`read_police_uk` (which gives the sha256) or :func:`ingest_street`.
    """
    with police_files([path]) as found:
        return [read_street_file(f, lookup) for f in found.of_kind("street")]


# -- LSOA resolution report ----------------------------------------------------------------------


@dataclass
class LsoaResolution:
    """Where street-level rows landed: by borough, without a location, or at an unknown LSOA."""

    rows: int = 0
    blank: int = 0  # no LSOA: kept, counted for the force only
    unknown: Counter[str] = field(default_factory=Counter)  # LSOA code -> rows
    by_borough: Counter[str] = field(default_factory=Counter)  # LAD19CD -> rows

    @property
    def unknown_rows(self) -> int:
        return sum(self.unknown.values())

    def sample(self, n: int = 5) -> list[str]:
        """The most frequent unknown LSOA codes."""
        return [
            code for code, _ in sorted(self.unknown.items(), key=lambda kv: (-kv[1], kv[0]))[:n]
        ]

    def add(self, other: LsoaResolution) -> None:
        self.rows += other.rows
        self.blank += other.blank
        self.unknown.update(other.unknown)
        self.by_borough.update(other.by_borough)

    @classmethod
    def of(cls, table: pa.Table) -> LsoaResolution:
        """Count a ``street_crimes`` Batch's rows (vectorised)."""
        lsoa, borough = table.column("lsoa_code"), table.column("borough_code")
        unknown = table.filter(pc.and_(pc.is_valid(lsoa), pc.is_null(borough)))
        found = cls(table.num_rows, pc.sum(pc.is_null(lsoa).cast(pa.int64())).as_py() or 0)
        for row in unknown.group_by("lsoa_code").aggregate([("lsoa_code", "count")]).to_pylist():
            found.unknown[row["lsoa_code"]] = row["lsoa_code_count"]
        for row in (
            table.group_by("borough_code").aggregate([("borough_code", "count")]).to_pylist()
        ):
            if row["borough_code"] is not None:
                found.by_borough[row["borough_code"]] = row["borough_code_count"]
        return found

    def describe(self) -> str:
        placed = sum(self.by_borough.values())
        text = (
            f"{self.rows:,} street-level rows: {placed:,} placed in {len(self.by_borough)} "
            f"boroughs, {self.blank:,} with no location (force level only)"
        )
        if self.unknown:
            text += (
                f", {self.unknown_rows:,} at {len(self.unknown)} LSOA codes the lookup lacks "
                f"(e.g. {', '.join(self.sample())})"
            )
        return text


# -- ingest --------------------------------------------------------------------------------------


@dataclass
class PoliceUkIngest:
    """What an ingest of data.police.uk files did."""

    results: list[IngestResult] = field(default_factory=list)
    ignored: list[tuple[str, str]] = field(default_factory=list)  # (file, why)
    resolution: LsoaResolution = field(default_factory=LsoaResolution)

    @property
    def rows_loaded(self) -> int:
        return sum(r.rows for r in self.results if not r.skipped)

    @property
    def files_loaded(self) -> int:
        return sum(not r.skipped for r in self.results)

    @property
    def files_skipped(self) -> int:
        return sum(r.skipped for r in self.results)

    def describe(self) -> str:
        text = (
            f"{self.files_loaded} files loaded ({self.rows_loaded:,} rows), "
            f"{self.files_skipped} already loaded, {len(self.ignored)} ignored"
        )
        if self.resolution.rows:
            text += "; " + self.resolution.describe()
        return text


def ingest_street(
    warehouse: Warehouse,
    paths: Iterable[Path | str],
    lookup: OnsLookup | None,
    progress: Progress | None = None,
    *,
    fast: bool = True,
    stop_and_search: bool = True,
) -> PoliceUkIngest:
    """Load the data.police.uk files under ``paths`` (CSVs, folders, zips, archive layout).

    Street-level files go to ``street_crimes``; with ``stop_and_search`` the stop-and-search files
    beside them go to ``stop_searches``; outcomes files are ignored (listed in the result).
    Files already loaded (same sha256) change nothing. Every header, and every stop-and-search
    file, is checked before anything is written. With ``fast`` (the default) all new street
    files are read and loaded in one transaction: a bad one raises :class:`IngestError` and
    nothing at all is written. Otherwise each file is its own transaction, read and written in
    turn: a bad file raises and the files before it stay loaded.
    """
    if isinstance(paths, str | Path):  # one path, not the characters of its name
        paths = [paths]
    report = PoliceUkIngest()
    with police_files(paths) as found:
        report.ignored += found.ignored
        report.ignored += [
            (str(f.name), "outcomes file: not loaded") for f in found.of_kind("outcomes")
        ]
        searches = found.of_kind("stop-and-search")
        if not stop_and_search:
            report.ignored += [
                (str(f.name), "stop-and-search file: not asked for") for f in searches
            ]
            searches = []
        street = found.of_kind("street")
        if street and lookup is None:
            raise IngestError(
                f"{street[0].name}: a street-level file needs the ONS LSOA lookup "
                "(an lsoa_lookup source in scrutiny.yaml)"
            )
        total = len(street) + len(searches)

        # Fingerprint everything first (parallel: hashing releases the GIL) and refuse a wrong
        # header before a single row is written.
        with ThreadPoolExecutor(max_workers=4) as pool:
            prints = list(pool.map(_fingerprint, [f.path for f in street + searches]))
        layouts = [STREET_HEADER] * len(street) + [STOP_SEARCH_HEADER] * len(searches)
        for f, (_, head), layout in zip(street + searches, prints, layouts, strict=True):
            _check_header(f, head, layout)
        shas = [sha for sha, _ in prints]
        # One query, not one per file: a national year is 516 files.
        seen = {
            str(r[0])
            for r in warehouse.con.execute(
                "SELECT sha256 FROM sources WHERE list_contains(?, sha256)", [shas]
            ).fetchall()
        }

        # Stop-and-search files are small: read (and so validate) them all before any write.
        search_batches = []
        for f, sha in zip(searches, shas[len(street) :], strict=True):
            if sha in seen:
                report.results.append(IngestResult(f.name, "stop_searches", 0, skipped=True))
            else:
                search_batches.append((read_stop_search(f), sha))
            seen.add(sha)

        new: list[tuple[PoliceFile, str]] = []
        for f, sha in zip(street, shas[: len(street)], strict=True):
            if sha in seen:
                report.results.append(IngestResult(f.name, "street_crimes", 0, skipped=True))
            else:
                new.append((f, sha))
            seen.add(sha)
        done = total - len(new) - len(search_batches)  # the ones already loaded
        if progress:
            progress(done, total, "street-level files")

        if fast and len(new) > 1 and lookup is not None:
            results, resolution = _bulk_load_street(warehouse, new, lookup)
            report.results += results
            report.resolution.add(resolution)
            done += len(new)
            if progress:
                progress(done, total, "street-level files")
        else:
            for f, sha in new:
                assert lookup is not None
                batch = read_street_file(f, lookup)
                report.resolution.add(LsoaResolution.of(batch.rows))
                report.results.append(warehouse.ingest(batch, sha256=sha))
                done += 1
                if progress:
                    progress(done, total, f.name.name)

        for batch, sha in search_batches:
            report.results.append(warehouse.ingest(batch, sha256=sha))
            done += 1
            if progress:
                progress(done, total, batch.path.name)
    return report


def _bulk_load_street(
    warehouse: Warehouse, files: Sequence[tuple[PoliceFile, str]], lookup: OnsLookup
) -> tuple[list[IngestResult], LsoaResolution]:
    """Load many street files in one transaction, one DuckDB query, with the warehouse's rules.

    The rules of :meth:`Warehouse.ingest` hold file by file: a ``sources`` row per file (its
    path, sha256, rows and vintage), and per (force, month) unit the newest vintage keeps its
    rows (on a tie, the file loaded later, as if the files were ingested one by one in order).
    """
    listed = [f for f, _ in files]
    with warehouse.transaction() as con:
        # Ids in file order, so a tie in vintage goes to the later file as in one-by-one loads.
        # The sequence only grows, so every row with an id from lo to hi is one of these files'.
        drawn = con.execute("SELECT nextval('source_ids') FROM range(?)", [len(files)]).fetchall()
        ids = sorted(int(r[0]) for r in drawn)
        lo, hi = ids[0], ids[-1]
        con.register("scrutiny_files", _files_table(listed, ids))
        con.register("scrutiny_lookup", _lookup_table(lookup))
        try:
            try:
                con.execute(
                    f"INSERT INTO street_crimes ({', '.join(STREET_COLUMNS)}, source_id) "
                    + _street_select(True),
                    [[str(f.path) for f in listed]],
                )
            except DatabaseError as exc:
                raise _explain(exc, listed, STREET_FIELDS) from None
            resolution, per_file = _new_rows_summary(con, lo, hi)
            for f, source_id in zip(listed, ids, strict=True):
                _not_empty(f, per_file.get(source_id, (0, None))[0])
            now = datetime.now(UTC).replace(tzinfo=None)
            sources = []
            for (f, sha), source_id in zip(files, ids, strict=True):
                rows, latest = per_file.get(source_id, (0, None))
                vintage = _vintage_of(latest, f)
                sources.append((source_id, str(f.name), sha, STREET_KIND, rows, vintage, now))
            con.executemany("INSERT INTO sources VALUES (?, ?, ?, ?, ?, ?, ?)", sources)
            replaced = _keep_newest_vintage(con, lo, hi)
        finally:
            for name in ("scrutiny_files", "scrutiny_lookup"):
                with suppress(DatabaseError):  # an aborted transaction refuses; rollback cleans up
                    con.unregister(name)
    results = [
        IngestResult(
            f.name, "street_crimes", per_file.get(i, (0, None))[0], False, replaced.get(i, 0)
        )
        for (f, _), i in zip(files, ids, strict=True)
    ]
    return results, resolution


def _new_rows_summary(
    con: Connection, lo: int, hi: int
) -> tuple[LsoaResolution, dict[int, tuple[int, date | None]]]:
    """One scan of the rows just inserted: per file (rows, latest month), and LSOA resolution."""
    rows = con.execute(
        """SELECT source_id, borough_code, CASE WHEN borough_code IS NULL THEN lsoa_code END,
                  count(*), max(month)
           FROM street_crimes WHERE source_id BETWEEN ? AND ? GROUP BY ALL""",
        [lo, hi],
    ).fetchall()
    resolution = LsoaResolution()
    per_file: dict[int, tuple[int, date | None]] = {}
    for source_id, borough, unknown, n, latest in rows:
        resolution.rows += n
        if borough is not None:
            resolution.by_borough[borough] += n
        elif unknown is not None:
            resolution.unknown[unknown] += n
        else:
            resolution.blank += n
        count, best = per_file.get(source_id, (0, None))
        per_file[source_id] = (count + n, max(best, latest) if best else latest)
    return resolution, per_file


def _keep_newest_vintage(con: Connection, lo: int, hi: int) -> dict[int, int]:
    """Per (force, month) unit the new files touch, keep only the newest publication's rows.

    Returns, per winning new file, the rows of older publications it replaced.
    """
    con.execute(
        """CREATE OR REPLACE TEMP TABLE scrutiny_holders AS
        WITH touched AS (
            SELECT DISTINCT force, month FROM street_crimes WHERE source_id BETWEEN ? AND ?
        ), held AS (
            SELECT t.force, t.month, t.source_id, count(*) AS n
            FROM street_crimes t SEMI JOIN touched u ON t.force = u.force AND t.month = u.month
            GROUP BY ALL
        )
        SELECT h.*, s.vintage FROM held h JOIN sources s USING (source_id)""",
        [lo, hi],
    )
    con.execute(
        """CREATE OR REPLACE TEMP TABLE scrutiny_losers AS
        SELECT h.force, h.month, h.source_id, h.n, w.keep
        FROM scrutiny_holders h JOIN (
            SELECT force, month, arg_max(source_id, (vintage, source_id)) AS keep
            FROM scrutiny_holders GROUP BY ALL HAVING count(*) > 1
        ) w ON h.force = w.force AND h.month = w.month
        WHERE h.source_id <> w.keep"""
    )
    replaced = dict(
        con.execute("SELECT keep, sum(n) FROM scrutiny_losers GROUP BY keep").fetchall()
    )
    if replaced:  # kept as superseded rows, for reads as of an earlier freeze
        retire(
            con,
            "street_crimes",
            "t.force = l.force AND t.month = l.month AND t.source_id = l.source_id",
            by="l.keep",
            using="scrutiny_losers l",
        )
    con.execute("DROP TABLE scrutiny_holders")
    con.execute("DROP TABLE scrutiny_losers")
    return {int(k): int(v) for k, v in replaced.items()}
