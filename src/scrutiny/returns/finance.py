"""Finance returns: totals that must add up, and variances that must match their figures.

Published finance tables are rounded to 0.1 £m, so a total may differ from the sum of its rounded
lines by a little; :data:`TOLERANCE` allows 0.1 £m. Each line that is a total names its parts in
the ``total_of`` column (``Violence; Exploitation; Victims; Trust``), so the checks need no
knowledge of any one statement's layout. Blank cells (figures the source did not print) are not
checked; a check needs every figure it adds up.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence

from scrutiny.returns.base import CellError
from scrutiny.returns.spec import Check, Parsed, Row

#: Rounding allowed when lines printed to 0.1 £m are added up.
TOLERANCE = 0.1
_EPS = 1e-9


def _f(x: float) -> str:
    return f"{x:,.1f}"


def _groups(parsed: Parsed, by: Sequence[str]) -> dict[tuple[object, ...], list[Row]]:
    groups: dict[tuple[object, ...], list[Row]] = defaultdict(list)
    for row in parsed.rows:
        groups[tuple(row[c] for c in by)].append(row)
    return groups


def totals_check(
    columns: Sequence[str], by: Sequence[str] = (), tolerance: float = TOLERANCE
) -> Check:
    """Each line with ``total_of`` equals the sum of the lines it names (within ``tolerance``),
    column by column, among rows sharing the ``by`` columns (e.g. the same body or year)."""

    def check(parsed: Parsed) -> list[CellError]:
        errors: list[CellError] = []
        for rows in _groups(parsed, by).values():
            lines = {str(r["line"]).casefold(): r for r in rows}
            for row in rows:
                if not row["total_of"]:
                    continue
                names = [n.strip() for n in str(row["total_of"]).split(";")]
                parts = [lines.get(n.casefold()) for n in names]
                unknown = [n for n, p in zip(names, parts, strict=True) if p is None]
                if unknown:
                    errors.append(
                        parsed.error(
                            row,
                            "total_of",
                            row["total_of"],
                            f"names no line {unknown[0]!r} in this table",
                        )
                    )
                    continue
                for col in columns:
                    stated = row[col]
                    figures = [p[col] for p in parts if p is not None]
                    if stated is None or any(f is None for f in figures):
                        continue
                    total = sum(figures)
                    if abs(stated - total) > tolerance + _EPS:
                        errors.append(parsed.error(
                            row, col, _f(stated),
                            f"{row['line']} should be the sum of {' + '.join(names)} = {_f(total)} "
                            f"(differs by {_f(stated - total)}; allowed ±{tolerance})",
                        ))  # fmt: skip
        return errors

    return check


def identity_check(
    target: str, plus: Sequence[str], minus: Sequence[str] = (), tolerance: float = TOLERANCE
) -> Check:
    """On every row: ``target = sum(plus) - sum(minus)`` when all those figures are given."""

    def check(parsed: Parsed) -> list[CellError]:
        errors: list[CellError] = []
        for row in parsed.rows:
            figures = [row[c] for c in (target, *plus, *minus)]
            if any(f is None for f in figures):
                continue
            expected = sum(row[c] for c in plus) - sum(row[c] for c in minus)
            if abs(row[target] - expected) > tolerance + _EPS:
                formula = " + ".join(plus) + "".join(f" - {c}" for c in minus)
                errors.append(parsed.error(
                    row, target, _f(row[target]),
                    f"{row['line']}: expected {formula} = {_f(expected)} "
                    f"(differs by {_f(row[target] - expected)}; allowed ±{tolerance})",
                ))  # fmt: skip
        return errors

    return check


def combined_body_check(columns: Sequence[str], tolerance: float = TOLERANCE) -> Check:
    """A body named ``X & Y`` (e.g. ``Office & Unit``) holds, line by line, the sum of X and Y."""

    def check(parsed: Parsed) -> list[CellError]:
        errors: list[CellError] = []
        bodies: dict[str, dict[str, Row]] = defaultdict(dict)
        for row in parsed.rows:
            bodies[str(row["body"])][str(row["line"]).casefold()] = row
        for body, lines in bodies.items():
            members = [m.strip() for m in body.split("&")]
            if len(members) < 2 or not all(m in bodies for m in members):
                continue
            for key, row in lines.items():
                parts = [bodies[m].get(key) for m in members]
                for col in columns:
                    if row[col] is None or any(p is None or p[col] is None for p in parts):
                        continue
                    total = sum(p[col] for p in parts if p is not None)
                    if abs(row[col] - total) > tolerance + _EPS:
                        errors.append(parsed.error(
                            row, col, _f(row[col]),
                            f"{body} {row['line']} should be {' + '.join(members)} = {_f(total)} "
                            f"(differs by {_f(row[col] - total)}; allowed ±{tolerance})",
                        ))  # fmt: skip
        return errors

    return check


REVENUE_FIGURES = (
    "ytd_budget", "ytd_actual", "ytd_variance",
    "original_budget", "full_year_forecast", "full_year_variance",
)  # fmt: skip
CAPITAL_FIGURES = ("original_budget", "full_year_forecast", "actual_ytd", "full_year_variance")
OFFICE_FIGURES = ("original_budget", "revised_budget", "full_year_forecast", "full_year_variance")
RESERVE_FIGURES = (
    "opening_balance", "original_budgeted_transfers", "forecast_transfers",
    "transfers_variance", "forecast_closing_balance",
)  # fmt: skip

REVENUE_CHECKS: tuple[Check, ...] = (
    totals_check(REVENUE_FIGURES),
    identity_check("ytd_variance", ["ytd_actual"], ["ytd_budget"]),
    identity_check("full_year_variance", ["full_year_forecast"], ["original_budget"]),
)
CAPITAL_CHECKS: tuple[Check, ...] = (
    totals_check(CAPITAL_FIGURES, by=("financial_year",)),
    identity_check("full_year_variance", ["full_year_forecast"], ["original_budget"]),
)
OFFICE_CHECKS: tuple[Check, ...] = (
    totals_check(OFFICE_FIGURES, by=("body",)),
    identity_check("full_year_variance", ["full_year_forecast"], ["revised_budget"]),
    combined_body_check(OFFICE_FIGURES),
)
RESERVE_CHECKS: tuple[Check, ...] = (
    totals_check(RESERVE_FIGURES),
    identity_check("forecast_closing_balance", ["opening_balance", "forecast_transfers"]),
    identity_check("transfers_variance", ["forecast_transfers"], ["original_budgeted_transfers"]),
)
