"""The shape of a kind of return (its columns and checks) and parsing a sheet against it.

One :class:`Kind` drives everything about a return: the template a provider fills in, the
parsing and validation of each cell, the whole-file checks (totals), and the warehouse table.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from scrutiny.config.periods import Quarter
from scrutiny.config.plan import Plan
from scrutiny.judge.rag import KPI_RATINGS, MILESTONE_RATINGS
from scrutiny.returns import cells
from scrutiny.returns.base import CellError, Raw, ReturnError, Sheet, header_key

_SQL = {
    "text": "VARCHAR", "names": "VARCHAR", "choice": "VARCHAR", "priority": "VARCHAR",
    "rating": "VARCHAR", "milestone_rating": "VARCHAR", "trend": "VARCHAR", "quarter": "VARCHAR",
    "number": "DOUBLE", "money": "DOUBLE", "integer": "BIGINT", "date": "DATE",
}  # fmt: skip

#: The column any row may carry to acknowledge a published inconsistency: its check failures are
#: then reported as warnings, not errors (so a faithful transcription of a flawed table loads).
KNOWN_ISSUE = "known_issue"


@dataclass(frozen=True)
class Column:
    name: str
    type: str = "text"
    required: bool = False  # the header must be there and every cell filled
    choices: tuple[str, ...] = ()
    help: str = ""

    @property
    def sql_type(self) -> str:
        return _SQL[self.type]


@dataclass
class Row:
    number: int
    values: dict[str, Any]

    def __getitem__(self, key: str) -> Any:
        return self.values.get(key)


@dataclass
class Parsed:
    """A sheet parsed and checked against its kind; ``warnings`` are acknowledged known issues."""

    sheet: Sheet
    kind: Kind
    quarter: Quarter | None
    rows: list[Row]
    warnings: list[CellError] = field(default_factory=list)

    def error(self, row: Row | None, column: str | None, value: Any, expected: str) -> CellError:
        return self.sheet.error(row.number if row else None, column, value, expected)


Check = Callable[[Parsed], list[CellError]]


@dataclass(frozen=True)
class Kind:
    name: str
    title: str
    columns: tuple[Column, ...]
    example: dict[str, str]
    key: str = "quarter"  # what a re-load replaces: the quarter's rows, or a decision by reference
    checks: tuple[Check, ...] = ()
    #: Further example rows, for kinds whose one row cannot pass the checks alone (decisions).
    more_examples: tuple[dict[str, str], ...] = ()

    @property
    def examples(self) -> list[dict[str, str]]:
        return [self.example, *self.more_examples]

    @property
    def table(self) -> str:
        return f"ret_{self.name}"

    def column(self, name: str) -> Column:
        return next(c for c in self.columns if c.name == name)


def parse_cell(col: Column, raw: Raw, quarter: Quarter | None, plan: Plan | None) -> Any:
    """The typed value of one non-missing cell; ValueError says what was expected."""
    match col.type:
        case "text":
            return cells.text(raw)
        case "number":
            return cells.number(raw)
        case "integer":
            return cells.integer(raw)
        case "money":
            return cells.money(raw)
        case "rating":
            return cells.rating(raw, KPI_RATINGS)
        case "milestone_rating":
            return cells.rating(raw, MILESTONE_RATINGS)
        case "trend":
            return cells.trend(raw)
        case "quarter":
            return cells.quarter(raw, quarter)
        case "date":
            return cells.day(raw)
        case "choice":
            return cells.choice(raw, col.choices)
        case "names":
            return cells.names(raw)
        case "priority":
            name = cells.text(raw)
            if plan is None:
                return name
            found = plan.priority(name)
            if found is None:
                known = ", ".join(p.id for p in plan.priorities)
                raise ValueError(
                    f"not a {plan.priority_word} of {plan.title!r}; expected one of: {known}"
                )
            return found.id
    raise AssertionError(col.type)


def parse_sheet(sheet: Sheet, kind: Kind, quarter: Quarter | None, plan: Plan | None) -> Parsed:
    """Parse and check every cell and then the whole sheet; raise with every bad cell at once."""
    errors: list[CellError] = []
    by_key = {header_key(c.name): c for c in kind.columns}
    by_key[header_key(KNOWN_ISSUE)] = Column(KNOWN_ISSUE)
    positions: dict[str, int] = {}
    for i, name in enumerate(sheet.header):
        if not name:
            if any(i < len(cells_) and not cells.is_missing(cells_[i]) for _, cells_ in sheet.rows):
                errors.append(sheet.error(1, f"#{i + 1}", None, "a column with data has no header"))
            continue
        col = by_key.get(header_key(name))
        if col is None:
            expected = ", ".join(c.name for c in kind.columns)
            errors.append(
                sheet.error(
                    1,
                    name,
                    None,
                    f"unexpected column for a {kind.name} return; expected: {expected}",
                )
            )
        elif col.name in positions:
            errors.append(sheet.error(1, name, None, "this column appears twice"))
        else:
            positions[col.name] = i
    for col in kind.columns:
        if col.required and col.name not in positions:
            errors.append(
                sheet.error(
                    1,
                    col.name,
                    None,
                    f"missing column; a {kind.name} return needs it ({col.help or col.type})",
                )
            )
    if errors:
        raise ReturnError(errors)

    rows: list[Row] = []
    for number, raw_cells in sheet.rows:
        values: dict[str, Any] = {}
        for col in (*kind.columns, by_key[header_key(KNOWN_ISSUE)]):
            pos = positions.get(col.name)
            raw = raw_cells[pos] if pos is not None and pos < len(raw_cells) else None
            if cells.is_missing(raw) and not (col.type == "text" and raw not in (None, "")):
                if col.required:
                    errors.append(
                        sheet.error(
                            number, col.name, raw, f"a value is required ({col.help or col.type})"
                        )
                    )
                values[col.name] = None
                continue
            try:
                values[col.name] = parse_cell(col, raw, quarter, plan)
            except ValueError as exc:
                errors.append(sheet.error(number, col.name, raw, str(exc)))
        extra = [
            c for j, c in enumerate(raw_cells) if j >= len(sheet.header) and not cells.is_missing(c)
        ]
        if extra:
            errors.append(
                sheet.error(number, None, extra[0], "more cells than the header has columns")
            )
        rows.append(Row(number, values))
    if not rows:
        errors.append(sheet.error(2, None, None, "no data rows under the header"))
    if errors:
        raise ReturnError(errors)

    parsed = Parsed(sheet, kind, quarter, rows)
    acknowledged = {r.number for r in rows if r[KNOWN_ISSUE]}
    for check in kind.checks:
        for problem in check(parsed):
            if problem.row in acknowledged:
                parsed.warnings.append(problem)
            else:
                errors.append(problem)
    if errors:
        raise ReturnError(errors)
    return parsed
