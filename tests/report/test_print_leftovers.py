"""Print details of the demo's reports, read from the produced HTML and PDF: an abbreviation pair
("London NW/N") never breaks at its slash, a count target returned as text is printed with
thousands separators, and the cover names the data's vintage as a vintage, not as the period the
report covers."""

from __future__ import annotations

import re

from pypdf import PdfReader

from scrutiny.config.workspace import Workspace
from scrutiny.report.build import ReportPaths, build_report
from scrutiny.report.html import environment

from .conftest import STAMP
from .test_pdf_text import data_vintage

WJ = "\u2060"


def _text(html: str) -> str:
    html = re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.S)
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def test_an_abbreviation_pair_never_breaks_at_its_slash(built_current: ReportPaths) -> None:
    text = _text(built_current.html.read_text(encoding="utf-8"))
    assert f"Referral - London NW/{WJ}N" in text  # seed 001's services table
    assert f"London E/{WJ}NE" in text and f"London S/{WJ}SE" in text
    assert re.search(r"\b[A-Z]{1,3}/[A-Z]{1,3}\b", text) is None  # none left unjoined


def test_the_slash_rule_leaves_words_and_encoded_data_alone() -> None:
    render = environment().from_string("{{ x }}").render
    assert render(x="victims/ survivors and and/or") == "victims/ survivors and and/or"
    uri = "data:image/svg+xml;base64,PHN2ZyB4/NW/N+AB/CD"
    assert render(x=uri) == uri
    assert render(x="x+AB/CD=") == "x+AB/CD="
    assert render(x="issues H/M/L.") == f"issues H/{WJ}M/{WJ}L."


def test_a_count_target_returned_as_text_has_thousands_separators(
    demo_ws: Workspace, report_out
) -> None:
    paths = build_report(
        demo_ws, "2021-22Q1", "objectives", report_out / "objectives", STAMP, pdf=False
    )
    text = _text(paths.html.read_text(encoding="utf-8"))
    row = re.search(r"calls to Ascent Advice hub[^|]{0,120}?domestic abuse (\S+) (\S+)", text)
    assert row, "the Ascent Advice indicator is not in the report"
    assert row.groups() == ("2,000", "353")  # target as returned ("2000"), year to date


def test_the_cover_names_the_data_vintage_as_a_vintage(built_current: ReportPaths) -> None:
    vintage = data_vintage()
    text = _text(built_current.html.read_text(encoding="utf-8"))
    assert f"Crime figures from the publication covering months to {vintage}" in text
    assert f"Crime data to {vintage}" not in text
    assert built_current.pdf is not None
    pages = [p.extract_text() for p in PdfReader(built_current.pdf).pages]
    assert f"Crime figures from the publication covering months to {vintage}" in " ".join(
        pages[0].split()
    )
    for i, page in enumerate(pages, start=1):  # the footer's page number never wraps
        assert f"Page {i} of {len(pages)}" in page, f"page {i}"


def test_negative_figures_print_a_minus_sign_not_a_hyphen(built_current: ReportPaths) -> None:
    html = built_current.html.read_text(encoding="utf-8")
    # Commentary returned by the office is printed as written; everything else is generated.
    text = _text(re.sub(r'<div class="written">.*?</div>', " ", html, flags=re.S))
    assert "largest \u221224 pp (" in text  # the summary's equality-gap row (seed 001: −24)
    # A hyphen straight before a figure after a space or bracket is a negative number set wrongly
    # (ranges such as "2022-23" and "10-15" have a digit before the hyphen).
    hyphenated = re.findall(r"(?:^|[\s(])-\d[\d,.]*(?: ?pp|%)", text)
    assert hyphenated == []
