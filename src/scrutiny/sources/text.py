"""Reading text files as every reader needs: strict UTF-8, one-line errors with a line number."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from pathlib import Path

from scrutiny.store.warehouse import IngestError


def decode(path: Path, data: bytes) -> str:
    """Strict UTF-8 (a byte-order mark is allowed); a bad byte is reported by line."""
    if not data.strip():
        raise IngestError(f"{path.name}: line 1: the file is empty, expected a header row")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise IngestError(
            f"{path.name}: line {line}: byte 0x{data[exc.start]:02x} is not UTF-8; "
            "re-save the file as UTF-8 CSV"
        ) from None


def csv_rows(path: Path, text: str) -> Iterator[tuple[int, list[str]]]:
    """(1-based line number, fields) for each non-blank row."""
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        for fields in reader:
            if fields and any(f.strip() for f in fields):
                yield reader.line_num, fields
    except csv.Error as exc:
        raise IngestError(f"{path.name}: line {reader.line_num}: malformed CSV ({exc})") from None
