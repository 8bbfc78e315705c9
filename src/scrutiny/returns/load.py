"""Reading a return file whole, validating it, and writing it to the warehouse in one transaction.

A file is named for its quarter and kind (``2023-24Q1-services.csv``); an Excel workbook may
instead hold one worksheet per kind (``2023-24Q1.xlsx`` with sheets ``services``,
``milestones``…). Decisions are YAML (or a ``…-decisions.csv``). Re-loading a return replaces that
quarter's rows of that kind (a decision: its reference); a file that fails loads nothing.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from scrutiny.config.periods import Quarter
from scrutiny.config.plan import Plan, plan_for
from scrutiny.returns.base import CellError, ReturnError, read_sheets
from scrutiny.returns.decisions import yaml_sheet
from scrutiny.returns.kinds import FORMER_NAMES, KINDS
from scrutiny.returns.schema import ensure_schema, return_tables, table_columns
from scrutiny.returns.spec import KNOWN_ISSUE, Parsed, parse_sheet
from scrutiny.store.engine import Connection
from scrutiny.store.superseded import retire, retire_sources
from scrutiny.store.warehouse import Warehouse, file_sha256

_QUARTER_IN_NAME = re.compile(r"(\d{4})-(\d{2})Q(\d)", re.IGNORECASE)
_NAMING = (
    "name it QUARTER-KIND.csv (e.g. 2023-24Q1-services.csv) or QUARTER.xlsx with one sheet per kind"
)


def kind_in_name(stem: str) -> str | None:
    """The kind a file name ends with (``2023-24Q1-office-finance`` → ``office_finance``); a
    kind's former name (:data:`FORMER_NAMES`) still reads, and ``load`` says to rename it."""
    key = stem.casefold().replace("-", "_").replace(" ", "_")
    for name in sorted([*KINDS, *FORMER_NAMES], key=len, reverse=True):
        if key == name or key.endswith("_" + name):
            return FORMER_NAMES.get(name, name)
    return None


def former_name_in(stem: str) -> str | None:
    """The deprecated kind name a file name ends with, if any."""
    key = stem.casefold().replace("-", "_").replace(" ", "_")
    return next((n for n in FORMER_NAMES if key == n or key.endswith("_" + n)), None)


def quarter_in_name(path: Path) -> Quarter | None:
    """The quarter a file name carries; a quarter that does not exist is an error."""
    m = _QUARTER_IN_NAME.search(path.stem)
    if m is None:
        return None
    try:
        return Quarter.parse(m.group(0))
    except ValueError as exc:
        raise ReturnError(
            [
                CellError(
                    path.name, None, "file name", m.group(0), f"not a quarter that exists: {exc}"
                )
            ]
        ) from None


def read_return(path: Path, plans: list[Plan] | None = None) -> list[Parsed]:
    """Every sheet of a return file, parsed and checked; raises with every bad cell at once."""
    plans = plans or []
    if path.suffix.lower() in {".yaml", ".yml"}:
        return [parse_sheet(yaml_sheet(path), KINDS["decisions"], None, None)]
    quarter = quarter_in_name(path)
    named = kind_in_name(path.stem)
    sheets = read_sheets(path)
    errors: list[CellError] = []
    parsed: list[Parsed] = []
    for sheet in sheets:
        name = named if (named and len(sheets) == 1) else kind_in_name(sheet.name or "")
        if name is None:
            where = (
                f"sheet {sheet.name!r} is not a kind of return"
                if sheet.name
                else "the file name names no kind of return"
            )
            errors.append(
                CellError(
                    path.name,
                    None,
                    None,
                    None,
                    f"{where}; {_NAMING}; kinds: {', '.join(KINDS)}",
                    sheet.name,
                )
            )
            continue
        kind = KINDS[name]
        if kind.key == "quarter" and quarter is None:
            errors.append(
                CellError(
                    path.name,
                    None,
                    None,
                    None,
                    f"no quarter in the file name; {_NAMING}",
                    sheet.name,
                )
            )
            continue
        plan = plan_for(plans, quarter) if quarter else None
        if plans and quarter and plan is None and any(c.type == "priority" for c in kind.columns):
            errors.append(
                CellError(
                    path.name,
                    None,
                    None,
                    str(quarter),
                    "no plan in the workspace covers this quarter",
                    sheet.name,
                )
            )
            continue
        try:
            parsed.append(
                parse_sheet(sheet, kind, quarter if kind.key == "quarter" else None, plan)
            )
        except ReturnError as exc:
            errors.extend(exc.errors)
    if errors:
        raise ReturnError(errors)
    return parsed


@dataclass(frozen=True)
class LoadResult:
    path: Path
    kinds: tuple[str, ...]
    rows: int
    skipped: bool = False
    replaced: int = 0
    warnings: tuple[CellError, ...] = ()

    def describe(self) -> str:
        if self.skipped:
            return f"{self.path.name}: already loaded, nothing changed"
        text = f"{self.path.name}: {self.rows:,} rows of {', '.join(self.kinds)}"
        if self.replaced:
            text += f" (replacing {self.replaced:,} rows loaded before)"
        if self.warnings:
            text += f"; {len(self.warnings)} acknowledged known issue(s)"
        if former := former_name_in(self.path.stem):
            new = FORMER_NAMES[former].replace("_", "-")
            text += f"; '{former}' is a deprecated kind name: name the file …-{new}"
        return text


@dataclass
class LoadReport:
    results: list[LoadResult] = field(default_factory=list)
    failures: list[ReturnError] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.failures


def _vintage(quarter: Quarter | None) -> str:
    return quarter.last_month.strftime("%Y%m") if quarter else "000000"


def write_parsed(wh: Warehouse, path: Path, parsed: list[Parsed], sha256: str) -> LoadResult:
    """One transaction: replace the quarter's (or decision's) rows of each kind, record the file."""
    kinds = tuple(p.kind.name for p in parsed)
    rows = sum(len(p.rows) for p in parsed)
    warnings = tuple(w for p in parsed for w in p.warnings)
    replaced = 0
    with wh.transaction() as con:
        ensure_schema(con)
        found = con.execute(
            "INSERT INTO sources VALUES (nextval('source_ids'), ?, ?, ?, ?, ?, ?) "
            "RETURNING source_id",
            [
                str(path),
                sha256,
                "return:" + "+".join(kinds),
                rows,
                _vintage(parsed[0].quarter),
                datetime.now(UTC).replace(tzinfo=None),
            ],
        ).fetchone()
        assert found is not None
        source_id = int(found[0])
        for p in parsed:
            replaced += _replace(con, p, source_id)
        _prune(con, source_id)
    return LoadResult(path, kinds, rows, False, replaced, warnings)


def _replace(con: Connection, p: Parsed, source_id: int) -> int:
    table, kind = p.kind.table, p.kind
    if kind.key == "reference":
        refs = sorted({str(r["reference"]) for r in p.rows})
        where, params = f"reference IN ({', '.join('?' for _ in refs)})", list(refs)
    else:
        where, params = "quarter = ?", [str(p.quarter)]
    # The rows filed before are kept as superseded, for reads as of an earlier freeze.
    replaced = retire(con, table, where, params, by=str(int(source_id)))
    columns = table_columns(kind)
    quoted = ", ".join(f'"{c}"' for c in columns)
    marks = ", ".join("?" for _ in columns)
    quarter = str(p.quarter) if p.quarter else None
    values = []
    for r in p.rows:
        q = quarter
        if kind.key == "reference" and r["date"]:
            q = str(Quarter.containing(datetime.fromisoformat(r["date"]).date()))
        values.append(
            [
                q,
                r.number,
                p.sheet.name,
                source_id,
                *(r[c.name] for c in kind.columns),
                r[KNOWN_ISSUE],
            ]
        )
    con.executemany(f"INSERT INTO {table} ({quoted}) VALUES ({marks})", values)
    for w in p.warnings:
        known = next((r[KNOWN_ISSUE] for r in p.rows if r.number == w.row), None)
        con.execute(
            "INSERT INTO ret_warnings VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [
                kind.name,
                quarter,
                w.file,
                w.sheet,
                w.row,
                w.column,
                w.value,
                w.expected,
                known,
                source_id,
            ],
        )
    return replaced


def _prune(con: Connection, by: int) -> None:
    """Retire warnings whose rows the load ``by`` replaced, and return files none of whose rows
    remain (so that loading such a file again counts as new); both stay readable as of an
    earlier freeze (:mod:`scrutiny.store.superseded`)."""
    for kind in KINDS.values():
        retire(
            con,
            "ret_warnings",
            f"""t.kind = ? AND NOT EXISTS (
                SELECT 1 FROM {kind.table} r
                WHERE r.source_id = t.source_id AND r.row_number = t.row_number)""",
            [kind.name],
            by=str(int(by)),
        )
    used = " UNION ".join(f"SELECT source_id FROM {t}" for t in return_tables())
    unused = con.execute(
        f"SELECT source_id FROM sources WHERE kind LIKE 'return:%' AND source_id NOT IN ({used})"
    ).fetchall()
    retire_sources(con, [int(r[0]) for r in unused], by)


def load_file(wh: Warehouse, path: Path, plans: list[Plan] | None = None) -> LoadResult:
    """Validate then load one return file; raises :class:`ReturnError` and writes nothing if bad."""
    parsed = read_return(path, plans)
    sha256 = file_sha256(path)
    if wh.is_loaded(sha256):
        return LoadResult(path, tuple(p.kind.name for p in parsed), 0, skipped=True)
    return write_parsed(wh, path, parsed, sha256)


def load_files(wh: Warehouse, paths: list[Path], plans: list[Plan] | None = None) -> LoadReport:
    """Load each file on its own: a bad file loads nothing and the others still load."""
    report = LoadReport()
    with wh.transaction() as con:
        ensure_schema(con)
    for path in paths:
        try:
            report.results.append(load_file(wh, path, plans))
        except ReturnError as exc:
            report.failures.append(exc)
    return report
