"""The content model of a report: sections of blocks (tables, charts, sentences), plain data.

Computed once by :mod:`scrutiny.report.build` and rendered many ways: the report's HTML and PDF,
the web dashboard's pages and the open-data export. Nothing here knows how it will be drawn.
Every class is a small frozen dataclass; :func:`to_dict` turns any of them (and a whole report)
into JSON-serialisable dicts, each tagged with its ``type``.

Examples
--------
>>> t = Table("Ratings", (Column("kpi", "KPI"), Column("rag", "Rating", kind="rating")),
...           (("Witnesses supported", "G"),))
>>> to_dict(t)["columns"][1]["kind"]
'rating'
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any, Literal

#: How a column's cells are read: text, a number (right-aligned), a RAG rating letter
#: (drawn as letter, word and colour), a Making Data Count variation or assurance icon value.
ColumnKind = Literal["text", "number", "rating", "variation", "assurance", "flag"]
Cell = str | int | float | None

#: Rating letters and the words that always go with them (never colour alone).
RATING_WORDS = {
    "G": "Green",
    "A": "Amber",
    "R": "Red",
    "CG": "Complete on time",
    "CA": "Complete late",
    "H": "High",
    "M": "Medium",
    "L": "Low",
}


@dataclass(frozen=True)
class Column:
    """A column of a table. ``kind`` says how its cells are read; ``unit`` is printed in the
    header when given (e.g. ``%`` or ``£m``)."""

    key: str
    label: str
    kind: ColumnKind = "text"
    unit: str = ""
    decimals: int | None = None
    signed: bool = False


@dataclass(frozen=True)
class Table:
    """A data table with header cells; the first ``row_headers`` columns head their rows.

    ``rows`` hold raw values (numbers stay numbers); renderers format them by the column.
    ``emphasis`` marks rows (by index) that are totals.
    """

    caption: str
    columns: tuple[Column, ...]
    rows: tuple[tuple[Cell, ...], ...]
    row_headers: int = 1
    notes: tuple[str, ...] = ()
    emphasis: tuple[int, ...] = ()
    id: str = ""

    def __post_init__(self) -> None:
        for i, row in enumerate(self.rows):
            if len(row) != len(self.columns):
                raise ValueError(
                    f"table {self.caption!r}: row {i} has {len(row)} cells for "
                    f"{len(self.columns)} columns"
                )

    def column(self, key: str) -> list[Cell]:
        """Every cell of one column, by key."""
        i = [c.key for c in self.columns].index(key)
        return [row[i] for row in self.rows]


@dataclass(frozen=True)
class Chart:
    """A chart: a Vega-Lite spec (a plain dict, data inline), a text alternative and its data
    as a table. Renderers draw it (static SVG via :func:`scrutiny.report.charts.svg`, or
    interactive with the Vega runtime)."""

    id: str
    title: str
    spec: dict[str, Any]
    alt: str
    data: Table


@dataclass(frozen=True)
class Paragraph:
    """Prose: fixed wording (an explanation), not a figure-bearing judgment."""

    text: str


@dataclass(frozen=True)
class Sentence:
    """A sentence generated from the numbers by an explicit rule (``rule`` names it)."""

    text: str
    rule: str = ""


@dataclass(frozen=True)
class Prose:
    """Text people wrote (Markdown): the publisher's introduction, a commentary block.
    ``source`` says where it came from (e.g. a commentary return's file and row)."""

    markdown: str
    author: str = ""
    status: str = ""
    source: str = ""


@dataclass(frozen=True)
class BulletList:
    items: tuple[str, ...]
    ordered: bool = False


@dataclass(frozen=True)
class RatingBadge:
    """A rating letter with its word and the reason for it, e.g. ``A`` (Amber): 4 pp short."""

    letter: str
    label: str = ""
    reason: str = ""

    @property
    def word(self) -> str:
        return RATING_WORDS.get(self.letter, self.letter)


@dataclass(frozen=True)
class Metric:
    """One headline figure: ``value`` as printed, with what it is and how it moved."""

    label: str
    value: str
    detail: str = ""
    rating: str = ""
    variation: str = ""


@dataclass(frozen=True)
class Metrics:
    items: tuple[Metric, ...]


@dataclass(frozen=True)
class Note:
    """A caveat or footnote printed beside the content it qualifies."""

    text: str
    kind: Literal["note", "caveat", "source"] = "note"


@dataclass(frozen=True)
class EmptyNotice:
    """Said where a section has no data, so it never silently vanishes."""

    text: str


@dataclass(frozen=True)
class Source:
    """A loaded input file: where the numbers came from."""

    name: str
    kind: str
    sha256: str
    rows: int
    vintage: str
    loaded_at: str


@dataclass(frozen=True)
class SourceList:
    sources: tuple[Source, ...]


Block = (
    Table
    | Chart
    | Paragraph
    | Prose
    | Sentence
    | BulletList
    | RatingBadge
    | Metrics
    | Note
    | EmptyNotice
    | SourceList
)


@dataclass(frozen=True)
class Section:
    """A titled part of the report; ``level`` is its heading level (1 = a chapter)."""

    id: str
    title: str
    level: int = 1
    blocks: tuple[Block, ...] = ()
    children: tuple[Section, ...] = ()
    page_break: bool = False

    def walk(self) -> Iterator[Section]:
        """This section and every section under it, in reading order."""
        yield self
        for child in self.children:
            yield from child.walk()


@dataclass(frozen=True)
class Report:
    """A whole report: what it covers, when and by which code it was made, its sections."""

    title: str
    subtitle: str
    organisation: str
    quarter: str
    format: str
    stamp: str
    version: str
    sections: tuple[Section, ...] = ()
    summary: tuple[str, ...] = field(default=())
    #: Who publishes the report (cover, footers, PDF metadata); the force when unset.
    publisher: str = ""
    #: The publisher's logo as a data URI (self-contained output), or "".
    logo: str = ""
    primary: str = "#1d3557"
    accent: str = "#1d4f91"
    #: "public" or "internal" (checks, known issues, file hashes and paths).
    edition: str = "public"
    #: The data's vintage: the last month of recorded crime the loaded publications cover.
    vintage: str = ""

    @property
    def provenance(self) -> str:
        """ "crime figures from the publication covering months to December 2025, loaded on
        2026-11-23": the data's vintage, not the period reported (a 2023-24 Q1 report built on
        later publications must not read as covering to December 2025), nor the build's clock."""
        if not self.vintage:
            return f"data loaded on {self.stamp}"
        return (
            f"crime figures from the publication covering months to {self.vintage}, "
            f"loaded on {self.stamp}"
        )

    @property
    def by(self) -> str:
        return self.publisher or self.organisation

    def walk(self) -> Iterator[Section]:
        for section in self.sections:
            yield from section.walk()

    def blocks(self) -> Iterator[Block]:
        for section in self.walk():
            yield from section.blocks

    def charts(self) -> Iterator[Chart]:
        return (b for b in self.blocks() if isinstance(b, Chart))

    def to_dict(self) -> dict[str, Any]:
        return to_dict(self)


def _plain(value: Any) -> Any:
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        out: dict[str, Any] = {"type": type(value).__name__.lower()}
        for f in dataclasses.fields(value):
            out[f.name] = _plain(getattr(value, f.name))
        return out
    if isinstance(value, tuple | list):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


def to_dict(item: Any) -> Any:
    """Any content object as JSON-serialisable data, each object tagged with its ``type``."""
    return _plain(item)
