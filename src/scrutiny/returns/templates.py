"""Blank templates: one per kind of return, with the header and one example row.

A CSV template is the header and the example; an Excel one also carries each column's help as a
comment on its header cell. Figures are written as text (``85%``, ``(0.9)``) so the template
reads back exactly as its CSV twin does.
"""

from __future__ import annotations

import csv
from pathlib import Path

from scrutiny.outputs import check_new_file
from scrutiny.returns.kinds import kind as get_kind
from scrutiny.returns.spec import Kind


def template_name(kind: Kind, quarter: str | None, xlsx: bool) -> str:
    """A name the loader understands once the quarter is filled in."""
    stem = f"{quarter}-{kind.name}" if quarter and kind.key == "quarter" else f"QUARTER-{kind.name}"
    if kind.key == "reference":
        stem = f"REFERENCE-{kind.name}"
    return stem.replace("_", "-") + (".xlsx" if xlsx else ".csv")


def write_template(
    kind_name: str,
    out: Path | None = None,
    xlsx: bool = False,
    quarter: str | None = None,
    *,
    force: bool = False,
) -> Path:
    """Write a blank return of ``kind_name`` (header + example row); returns the file written.

    An existing file is never replaced unless ``force`` (:class:`OutputError`)."""
    kind = get_kind(kind_name)
    if out is None:
        out = Path(template_name(kind, quarter, xlsx))
    elif out.is_dir():
        out = out / template_name(kind, quarter, xlsx)
    xlsx = xlsx or out.suffix.lower() == ".xlsx"
    check_new_file(out, force=force)
    header = [c.name for c in kind.columns]
    examples = [[row.get(c, "") for c in header] for row in kind.examples]
    out.parent.mkdir(parents=True, exist_ok=True)
    if xlsx:
        _write_xlsx(out, kind, header, examples)
    else:
        with out.open("w", newline="", encoding="utf-8") as fh:
            writer = csv.writer(fh, lineterminator="\n")
            writer.writerow(header)
            writer.writerows(examples)
    return out


def _write_xlsx(out: Path, kind: Kind, header: list[str], examples: list[list[str]]) -> None:
    from openpyxl import Workbook
    from openpyxl.comments import Comment
    from openpyxl.styles import Font

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = kind.name
    sheet.append(header)
    for row in examples:
        sheet.append(row)
    for cells in sheet.iter_rows():
        for cell in cells:
            # openpyxl stores text beginning with "=" as a formula; a template holds text only.
            if isinstance(cell.value, str) and cell.value.startswith("="):
                cell.data_type = "s"
    for col, cell in zip(kind.columns, sheet[1], strict=True):
        cell.font = Font(bold=True)
        words = col.help or col.type
        if col.required:
            words += " (required)"
        cell.comment = Comment(words, "scrutiny")
        letter = cell.column_letter
        sheet.column_dimensions[letter].width = max(12, min(50, len(col.name) + 4))
    sheet.freeze_panes = "A2"
    book.save(out)
