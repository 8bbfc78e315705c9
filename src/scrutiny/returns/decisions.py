"""Funding decisions (e.g. PCD 174): a total, its allocations by strand and by funding source.

A decision arrives as YAML (one file per decision, the natural shape) or as a CSV/Excel return
in long form: one row per strand or source, the decision's own fields repeated on each row.
Both must add up exactly: the strands to the total, and the funding sources to the total.
"""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path
from typing import Any

import yaml

from scrutiny.config import yamlfile
from scrutiny.returns.base import CellError, Raw, ReturnError, Sheet
from scrutiny.returns.spec import Parsed, Row

#: Amounts are in pounds; allow for nothing but float noise.
_PENNY = 0.005
HEADER_FIELDS = (
    "reference",
    "title",
    "date",
    "approver",
    "signed_by",
    "total",
    "delegation_threshold",
)
LINE_TYPES = ("strand", "source")


def _money(x: float) -> str:
    sign, x = ("-" if x < 0 else ""), abs(x)
    return sign + (f"£{x:,.0f}" if float(x).is_integer() else f"£{x:,.2f}")


def check_decisions(parsed: Parsed) -> list[CellError]:
    """Per reference: the decision's fields agree on every row; strands and sources each sum to
    the total."""
    errors: list[CellError] = []
    by_ref: dict[str, list[Row]] = defaultdict(list)
    for row in parsed.rows:
        by_ref[str(row["reference"])].append(row)
    for ref, rows in by_ref.items():
        first = rows[0]
        for row in rows[1:]:
            for f in HEADER_FIELDS:
                if row[f] != first[f]:
                    errors.append(
                        parsed.error(
                            row, f, row[f], f"{ref}: differs from row {first.number} ({first[f]!r})"
                        )
                    )
        total = first["total"]
        if total is None:
            continue
        for line_type in LINE_TYPES:
            lines = [r for r in rows if r["line_type"] == line_type]
            if not lines:
                errors.append(
                    parsed.error(
                        first,
                        "line_type",
                        None,
                        f"{ref}: no {line_type} rows; a decision needs its {line_type}s",
                    )
                )
                continue
            got = sum(r["amount"] for r in lines)
            if abs(got - total) > _PENNY:
                errors.append(parsed.error(
                    first, "total", _money(total),
                    f"{ref}: the {line_type}s add up to {_money(got)}, not the total "
                    f"(differs by {_money(got - total)})",
                ))  # fmt: skip
    return errors


def yaml_sheet(path: Path) -> Sheet:
    """A decision YAML file as a long-form sheet; row numbers are the YAML line of each item."""
    try:
        text = yamlfile.read_text(path)
        node = yamlfile.compose(text, path.name)
        data = yamlfile.parse(text, path.name)
    except yamlfile.YamlError as exc:
        at = "" if exc.column is None else f" (at column {exc.column})"
        raise ReturnError([CellError(path.name, exc.line, None, None, exc.problem + at)]) from None
    if not isinstance(data, dict) or node is None or not isinstance(node, yaml.MappingNode):
        raise ReturnError(
            [
                CellError(
                    path.name,
                    1,
                    None,
                    None,
                    "expected a mapping: reference, title, date, approver, total, strands, sources",
                )
            ]
        )
    lines = {k.value: v for k, v in node.value if isinstance(k, yaml.ScalarNode)}
    unknown = sorted(set(data) - set(HEADER_FIELDS) - {"strands", "sources", "note"})
    if unknown:
        where = lines[unknown[0]].start_mark.line + 1
        raise ReturnError(
            [
                CellError(
                    path.name,
                    where,
                    unknown[0],
                    None,
                    "unexpected key; expected: "
                    + ", ".join((*HEADER_FIELDS, "strands", "sources", "note")),
                )
            ]
        )
    header = [*HEADER_FIELDS, "line_type", "name", "amount", "note"]
    sheet = Sheet(path, None, header)
    base: list[Raw] = [_raw(data.get(f)) for f in HEADER_FIELDS]
    for key, line_type in (("strands", "strand"), ("sources", "source")):
        items = data.get(key) or []
        seq = lines.get(key)
        if not isinstance(items, list) or not isinstance(seq, yaml.SequenceNode):
            where = seq.start_mark.line + 1 if seq is not None else 1
            raise ReturnError(
                [CellError(path.name, where, key, None, "expected a list of {name, amount}")]
            )
        for item, item_node in zip(items, seq.value, strict=True):
            row_number = item_node.start_mark.line + 1
            if not isinstance(item, dict):
                raise ReturnError(
                    [
                        CellError(
                            path.name,
                            row_number,
                            key,
                            str(item),
                            "expected {name: ..., amount: ...}",
                        )
                    ]
                )
            sheet.rows.append(
                (
                    row_number,
                    [
                        *base,
                        line_type,
                        _raw(item.get("name")),
                        _raw(item.get("amount")),
                        _raw(item.get("note")),
                    ],
                )
            )
    return sheet


def _raw(value: Any) -> Raw:
    if value is None or isinstance(value, str | int | float):
        return value
    return str(value)
