"""Reading a return (CSV or Excel) into rows, and the cell-precise errors every check reports.

A return is read whole before anything is written: the readers here only turn a file into
:class:`Sheet` objects (header + numbered rows of raw cells); :mod:`scrutiny.returns.kinds` parses
the cells and the checks add their own :class:`CellError` lines. Row numbers are those a person
sees in a spreadsheet or text editor (the header is row 1).
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

from scrutiny.store.warehouse import IngestError

#: A raw cell: text from a CSV, or what openpyxl gives for an Excel cell.
Raw = str | float | int | None


#: The characters of a bad value an error line shows.
SHOWN_VALUE = 60


@dataclass(frozen=True)
class CellError:
    """One bad cell (or row, or file): where it is, what it holds, and what was expected."""

    file: str
    row: int | None
    column: str | None
    value: str | None
    expected: str
    sheet: str | None = None

    def __str__(self) -> str:
        where = self.file + (f" [{self.sheet}]" if self.sheet else "")
        if self.row is not None:
            where += f": row {self.row}"
        if self.column is not None:
            where += f", column '{self.column}'"
        value = self.value
        if value is not None and len(value) > SHOWN_VALUE:  # a 300-digit figure, a long text
            value = f"{value[:SHOWN_VALUE]}… ({len(value):,} characters)"
        got = f": {value!r}" if value is not None else ""
        return f"{where}{got}: {self.expected}"


class ReturnError(IngestError):
    """A return that cannot be loaded: one line per bad cell."""

    def __init__(self, errors: list[CellError]):
        self.errors = errors
        super().__init__("\n".join(str(e) for e in errors))


@dataclass
class Sheet:
    """The header and data rows of one CSV file or one Excel worksheet."""

    path: Path
    name: str | None  # the worksheet; None for CSV
    header: list[str]
    rows: list[tuple[int, list[Raw]]] = field(default_factory=list)

    def error(self, row: int | None, column: str | None, value: Raw, expected: str) -> CellError:
        shown = None if value is None else _show(value)
        return CellError(self.path.name, row, column, shown, expected, self.name)


def _show(value: Raw) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def read_csv(path: Path) -> Sheet:
    """A UTF-8 CSV (a byte-order mark is allowed); blank lines are skipped."""
    data = path.read_bytes()
    if not data.strip():
        raise ReturnError(
            [CellError(path.name, 1, None, None, "the file is empty; expected a header row")]
        )
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise ReturnError(
            [CellError(path.name, line, None, None, "not UTF-8; re-save the file as UTF-8 CSV")]
        ) from None
    reader = csv.reader(io.StringIO(text, newline=""))
    sheet: Sheet | None = None
    try:
        for fields in reader:
            if not any(f.strip() for f in fields):
                continue
            if sheet is None:
                sheet = Sheet(path, None, [f.strip() for f in fields])
            else:
                sheet.rows.append((reader.line_num, list(fields)))
    except csv.Error as exc:
        raise ReturnError(
            [CellError(path.name, reader.line_num, None, None, f"malformed CSV ({exc})")]
        ) from None
    assert sheet is not None
    return sheet


def read_xlsx(path: Path) -> list[Sheet]:
    """Every non-empty worksheet of a workbook; the first non-blank row is the header.

    Cells formatted as percentages hold fractions in Excel (0.87 shown as 87%); they are read as
    the figure shown (87), the way the same return reads as CSV.
    """
    from openpyxl import load_workbook  # imported here: only Excel returns need it

    _check_expansion(path)
    try:
        book = load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many types for a bad file
        raise ReturnError(
            [CellError(path.name, None, None, None, f"not a readable .xlsx workbook ({exc})")]
        ) from None
    sheets: list[Sheet] = []
    try:
        for ws in book.worksheets:
            sheet: Sheet | None = None
            # A workbook's declared dimension (``<dimension ref="A1:J5"/>``) may be stale or
            # false; read-only mode trusts it and would drop every row beyond it without a word.
            ws.reset_dimensions()
            for cells in ws.iter_rows():
                values = [_excel_value(c) for c in cells]
                if not any(v is not None and str(v).strip() for v in values):
                    continue
                row_number = next((c.row for c in cells if getattr(c, "row", None)), 0)
                if sheet is None:
                    header = [("" if v is None else str(v)).strip() for v in values]
                    while header and not header[-1]:
                        header.pop()
                    sheet = Sheet(path, ws.title, header)
                else:
                    sheet.rows.append((int(row_number or 0), values))
            if sheet is not None:
                sheets.append(sheet)
    finally:
        book.close()
    return sheets


#: A part of a workbook may expand at most this many times its compressed size once it is over
#: :data:`XLSX_SMALL_PART` (worksheet XML compresses about 10–30:1; a zip bomb far more).
XLSX_MAX_RATIO = 200
XLSX_SMALL_PART = 16 << 20
#: Everything one workbook may expand to (a quarter's return is a few hundred kilobytes).
XLSX_MAX_BYTES = 256 << 20


def _check_expansion(path: Path) -> None:
    """Refuse a workbook that would expand beyond reason before any parser reads it (the
    sizes a zip declares bound what its reader yields)."""
    import zipfile

    try:
        with zipfile.ZipFile(path) as archive:
            parts = archive.infolist()
    except (zipfile.BadZipFile, OSError) as exc:
        raise ReturnError(
            [CellError(path.name, None, None, None, f"not a readable .xlsx workbook ({exc})")]
        ) from None
    total = 0
    for info in parts:
        total += info.file_size
        ratio = info.file_size / max(info.compress_size, 1)
        if (info.file_size > XLSX_SMALL_PART and ratio > XLSX_MAX_RATIO) or (
            total > XLSX_MAX_BYTES
        ):
            message = (
                f"part {info.filename[:80]!r} expands from {info.compress_size:,} to "
                f"{info.file_size:,} bytes (at most {XLSX_MAX_RATIO}× over "
                f"{XLSX_SMALL_PART >> 20} MiB, {XLSX_MAX_BYTES >> 20} MiB in all); "
                "not a plausible return (a zip bomb?)"
            )
            raise ReturnError([CellError(path.name, None, None, None, message)])


def _excel_value(cell: object) -> Raw:
    value = getattr(cell, "value", None)
    if value is None or isinstance(value, str):
        return value
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, int | float):
        if "%" in str(getattr(cell, "number_format", "")):
            return round(float(value) * 100, 10)
        return value
    return str(value)


def read_sheets(path: Path) -> list[Sheet]:
    """The sheets of a CSV or Excel return."""
    suffix = path.suffix.lower()
    if suffix == ".csv":
        return [read_csv(path)]
    if suffix == ".xlsx":
        return read_xlsx(path)
    raise ReturnError(
        [
            CellError(
                path.name, None, None, None, "expected a .csv or .xlsx return (or a .yaml decision)"
            )
        ]
    )


def header_key(name: str) -> str:
    """Headers compare loosely: case, spaces, hyphens and underscores do not matter."""
    return re.sub(r"[\s_\-]+", "_", name.strip().casefold())
