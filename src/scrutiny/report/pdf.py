"""Render a report to PDF with WeasyPrint, from the HTML variant with static SVG charts.

A4 pages, a contents list with page numbers (``target-counter``), and a running footer on every
page with the date stamp, the code version and "Page n of N". The PDF is tagged for assistive
technology.
"""

from __future__ import annotations

import logging
from pathlib import Path

from scrutiny.content.model import Report
from scrutiny.report.html import render_html


def _css_string(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def page_css(report: Report) -> str:
    """The @page rules: size, margins and the running footer."""
    # Two lines by design (who and what; the data's vintage), and the page number in a box
    # wide enough never to wrap: one long line used to break anywhere, "Page 1 of" included.
    who = f"{report.by} · {report.title}, {report.subtitle}"
    vintage = f"{report.provenance} · scrutiny {report.version}"
    return f"""
@page {{
  size: A4;
  margin: 15mm 14mm 17mm 14mm;
  @bottom-left {{ content: {_css_string(who)} "\\A" {_css_string(vintage)}; white-space: pre;
                 width: 158mm; font-size: 6.8pt; color: #505a5f;
                 font-family: "DejaVu Sans", Arial, sans-serif; }}
  @bottom-right {{ content: "Page " counter(page) " of " counter(pages); font-size: 6.8pt;
                  width: 24mm; white-space: nowrap; color: #505a5f;
                  font-family: "DejaVu Sans", Arial, sans-serif; }}
}}
"""


def print_html(report: Report) -> str:
    """The HTML the PDF is made from: no scripts, static charts, the page rules added."""
    return render_html(report, interactive=False, extra_css=page_css(report))


def write_pdf(report: Report, path: Path | str) -> Path:
    """Write the PDF; returns its path."""
    from weasyprint import HTML

    # WeasyPrint logs every CSS property it ignores (e.g. screen-only ones) as a warning.
    logging.getLogger("weasyprint").setLevel(logging.ERROR)
    path = Path(path)
    document = HTML(string=print_html(report), base_url=None)
    document.write_pdf(
        path, pdf_tags=True, pdf_identifier=f"{report.quarter}-{report.format}".encode()
    )
    return path
