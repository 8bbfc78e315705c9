"""Render a report's content model to one self-contained HTML file with Jinja2.

CSS is inline; charts are inline SVG (so the page reads with scripts off) upgraded to interactive
Vega charts by the runtime bundled once per file. Nothing is fetched from the network, and the
output depends only on the content (byte-identical for the same workspace and stamp).
"""

from __future__ import annotations

import base64
import json
import re
from functools import cache
from importlib import resources
from typing import Any

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape
from markupsafe import Markup

from scrutiny.content.format import format_cell, is_flagged
from scrutiny.content.model import RATING_WORDS, Chart, Column, Report, Table
from scrutiny.judge.icons import VARIATION_TEXT, variation_icon_svg
from scrutiny.judge.spc import VariationIcon
from scrutiny.report.charts import javascript_bundle, svg

VARIATION_SHORT = {
    VariationIcon.COMMON_CAUSE: "Common cause",
    VariationIcon.IMPROVEMENT_HIGH: "Improvement (high)",
    VariationIcon.IMPROVEMENT_LOW: "Improvement (low)",
    VariationIcon.CONCERN_HIGH: "Concern (high)",
    VariationIcon.CONCERN_LOW: "Concern (low)",
    VariationIcon.NEITHER_HIGH: "Special cause (high)",
    VariationIcon.NEITHER_LOW: "Special cause (low)",
}


def header(col: Column) -> str:
    """The header text: the label, with the unit only for percentage points (captions name
    money units; % is printed with each figure)."""
    return f"{col.label} ({col.unit})" if col.unit == "pp" else col.label


#: Printed text wider than this (in characters) wraps: such columns share the space left.
LONG_TEXT = 18


def _header_em(col: Column) -> float:
    """Headers wrap between words; their longest word (bold) sets their width. DejaVu Sans
    Bold letters run up to about 0.78 em ("Row" broke as "Ro|w" at 0.68)."""
    longest = max((len(w) for w in header(col).split()), default=1)
    return longest * 0.78 + 0.9


def _cell_chars(value: Any, col: Column) -> int:
    if value in (None, ""):
        return 1
    if col.kind == "rating":
        return len(f"{value} {RATING_WORDS.get(str(value), '')}") + 4
    if col.kind == "variation":
        return len(VARIATION_SHORT[VariationIcon(str(value))]) + 5
    return len(format_cell(value, col))


def col_widths(table: Table) -> list[str]:
    """Column widths in per cent, for print's fixed table layout (far faster than the automatic
    one, and it never lets a long caption or header push a table off the page).

    Short columns (figures, ratings, short text) get the width of the longest text they print;
    long text columns share what is left by how much they hold."""
    chars = [
        max(_cell_chars(row[i], col) for row in table.rows) if table.rows else 1
        for i, col in enumerate(table.columns)
    ]
    ems = [max(_header_em(c), n * 0.6 + 0.9) for c, n in zip(table.columns, chars, strict=True)]
    long = [c.kind == "text" and n > LONG_TEXT for c, n in zip(table.columns, chars, strict=True)]
    page = 74.0 if len(table.columns) > 7 else 68.0  # the text width, in em of the table's font
    fixed = sum(e for e, is_long in zip(ems, long, strict=True) if not is_long)
    weights = [min(n, 60) if is_long else 0 for n, is_long in zip(chars, long, strict=True)]
    if sum(weights):
        left = max(page - fixed, page / 4)
        ems = [
            left * w / sum(weights) if is_long else e
            for e, w, is_long in zip(ems, weights, long, strict=True)
        ]
    total = sum(ems)
    return [f"{100 * e / total:.1f}%" for e in ems]


def col_class(col: Column) -> str:
    return "num" if col.kind in ("number", "flag") else col.kind


def flag_class(value: Any, col: Column) -> str:
    if not is_flagged(value, col):
        return ""
    return " flagged flag-low" if value < 0 else " flagged flag-high"


def spec_json(chart: Chart) -> Markup:
    """The chart's spec for a ``<script type="application/json">`` (no ``</`` can close it)."""
    spec = dict(chart.spec)
    spec.setdefault("description", chart.alt)
    text = json.dumps(spec, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return Markup(text.replace("</", "<\\/"))


def svg_uri(chart: Chart) -> str:
    """The chart's SVG as a data URI: print parses it as an image (fast) rather than as part of
    the page's HTML, and it stays vector in the PDF."""
    return "data:image/svg+xml;base64," + base64.b64encode(svg(chart).encode()).decode("ascii")


def _kind(block: object) -> str:
    return type(block).__name__.lower()


def _variation_svg(value: str) -> Markup:
    return Markup(variation_icon_svg(VariationIcon(value), size=20))


def _variation_word(value: str) -> str:
    return VARIATION_SHORT[VariationIcon(value)]


def _variation_kind(value: str) -> str:
    """``common``, ``improvement``, ``concern`` or ``neither``: the icon's colour in print."""
    return VariationIcon(value).value.split("_")[0]


def _variation_letter(value: str) -> str:
    """The letter of the icon as print draws it (a ringed letter; ``~`` for common cause)."""
    icon = VariationIcon(value)
    if icon is VariationIcon.COMMON_CAUSE:
        return "~"
    return "H" if icon.value.endswith("high") else "L"


@cache
@cache
def _markdown() -> Any:
    from markdown_it import MarkdownIt

    # CommonMark without raw HTML: written text cannot inject markup or scripts.
    return MarkdownIt("commonmark", {"html": False}).disable("image")


def markdown(text: str) -> Markup:
    """Written text (Markdown) as HTML; headings are demoted to bold paragraphs' level h5."""
    return Markup(_markdown().render(text))


#: A word joiner: no line break between a minus sign and the currency symbol after it (Unicode
#: allows one there, so "−£182.3m" could end a line with its sign alone).
_KEEP_SIGN = ("\u2212£", "\u2212\u2060£")


#: A slash between short capitalised abbreviations ("NW/N", "E/NE", "H/M/L"): a word joiner
#: after it, so a narrow column never ends a line with "NW/" (Unicode allows a break after a
#: slash). Bounded on both sides so that base64 and paths are never touched.
_SHORT_PAIR = re.compile(r"(?<![\w/+=.-])[A-Z]{1,3}(?:/[A-Z]{1,3})+(?![\w/+=])")


def _finalize(value: object) -> object:
    """Every text a template prints, before escaping (markup it is given is left as it is)."""
    if not isinstance(value, str) or isinstance(value, Markup) or value.startswith("data:"):
        return value
    if _KEEP_SIGN[0] in value:
        value = value.replace(*_KEEP_SIGN)
    if "/" in value:
        value = _SHORT_PAIR.sub(lambda m: m.group(0).replace("/", "/\u2060"), value)
    return value


def environment() -> Environment:
    env = Environment(
        finalize=_finalize,
        loader=PackageLoader("scrutiny.report", "templates"),
        autoescape=select_autoescape(["html", "j2"]),
        undefined=StrictUndefined,
        trim_blocks=False,
        lstrip_blocks=False,
        keep_trailing_newline=True,
    )
    env.filters.update(
        fmt=format_cell,
        header=header,
        col_class=col_class,
        col_widths=col_widths,
        flag_class=flag_class,
        rating_word=lambda letter: RATING_WORDS.get(letter, letter),
        variation_svg=_variation_svg,
        variation_word=_variation_word,
        variation_kind=_variation_kind,
        variation_letter=_variation_letter,
        svg=lambda chart: Markup(svg(chart)),
        svg_uri=svg_uri,
        spec_json=spec_json,
        kind=_kind,
        markdown=markdown,
    )
    return env


def _static(name: str) -> str:
    return (resources.files("scrutiny.report") / "templates" / name).read_text(encoding="utf-8")


def render_html(report: Report, *, interactive: bool = True, extra_css: str = "") -> str:
    """The report as one HTML document. ``interactive`` bundles the Vega runtime and the chart
    specs; without it (for the PDF) the charts are static SVG only."""
    template = environment().get_template("report.html.j2")
    return template.render(
        report=report,
        interactive=interactive,
        css=Markup(
            _static("report.css")
            + f":root {{ --accent: {report.primary}; --link: {report.accent}; }}\n"
            + extra_css
        ),
        bundle=Markup(javascript_bundle()) if interactive else "",
        embed=Markup(_static("embed.js")) if interactive else "",
    )


__all__ = ["VARIATION_TEXT", "render_html"]
