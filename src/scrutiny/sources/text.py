"""Reading text files as every reader needs: strict UTF-8, one-line errors with a line number."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from pathlib import Path

from scrutiny.store.warehouse import IngestError

#: The longest line a reader accepts. Published rows are a few hundred bytes (a Datastore row
#: with 24 or 36 months a few kilobytes); a longer line is a damaged file, refused before it is
#: parsed so that memory stays bounded (a 1 GB line once took 6.5 GB) and no parser can drop it.
MAX_LINE_BYTES = 1 << 20
#: Bytes read at a time while scanning.
BLOCK = 1 << 22


class LineLengths:
    """Checks, block by block, that no line of a file is longer than ``limit`` bytes."""

    def __init__(self, name: str, limit: int = MAX_LINE_BYTES):
        self.name = name
        self.limit = limit
        self.lines = 0  # newlines seen so far
        self.run = 0  # bytes since the last newline

    def feed(self, block: bytes) -> None:
        if len(block) > self.limit:  # a whole line could hide between two newlines of it
            for i in range(0, len(block), self.limit):
                self._feed(block[i : i + self.limit])
        else:
            self._feed(block)

    def _feed(self, block: bytes) -> None:
        """One block no longer than the limit: only its first and last lines can be long."""
        first = block.find(b"\n")
        if first < 0:
            self.run += len(block)
            self._check()
            return
        self.run += first
        self._check()
        self.lines += block.count(b"\n")
        self.run = len(block) - block.rfind(b"\n") - 1
        self._check()

    def end(self) -> None:
        self._check()

    def _check(self) -> None:
        if self.run > self.limit:
            raise IngestError(
                f"{self.name}: line {self.lines + 1}: longer than {self.limit:,} bytes "
                "(published rows are far shorter: the file is damaged or not this kind of "
                "file); nothing was loaded"
            )


def check_line_lengths(path: Path, limit: int = MAX_LINE_BYTES, name: str | None = None) -> None:
    """Stream ``path`` (constant memory) and refuse it at the first over-long line."""
    lines = LineLengths(name or path.name, limit)
    with path.open("rb") as fh:
        while block := fh.read(min(BLOCK, limit)):
            lines.feed(block)
    lines.end()


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
