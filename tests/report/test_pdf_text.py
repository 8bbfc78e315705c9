"""The demo report's PDF, read back as text: the key figures of seed 001 that the demo data
reproduce, every section heading, page numbers in the contents, and the date stamp and code
version on every page."""

from __future__ import annotations

import re

import pytest
from pypdf import PdfReader

from scrutiny import __version__
from scrutiny.report.build import ReportPaths

from .conftest import STAMP
from .test_build import ANNEX_PARTS, CURRENT_CHAPTERS, FINANCE_PARTS, PRIORITY_PARTS

#: Figures printed in seed 001 (MOPAC Q1 2023-24) that the demo's data and returns reproduce.
SEED_FIGURES = [
    "34,411",  # officers at the end of Q1
    "£4,391.7m",  # MPS original gross expenditure budget
    "budget surplus of £12.5m",  # forecast outturn position
    "£40.4m",  # capital spend to date
    "£360.8m",  # original capital budget
    "£307.3m",  # capital forecast
    "£495.4m to £313.1m",  # reserves, opening to closing
    "70,197",  # outcomes, July 2021–June 2022
    "60,246",  # outcomes, July 2022–June 2023
    "£7.86m",  # London Victim and Witness Service budget
    "Theft from the Person increased in the 12 months to June 2023",
    "(+25%)",  # theft from the person, R12 on the previous R12
    "(+18%)",  # robbery of personal property, R12
    "(+10%)",  # theft of a motor vehicle, R12
    "(−6%)",  # domestic burglary, R12
    "(+5%)",  # total notifiable offences, R12
    "−24",  # LGBT+ gap on fair treatment, pp
]


@pytest.fixture(scope="module")
def pages(built_current: ReportPaths) -> list[str]:
    assert built_current.pdf is not None
    reader = PdfReader(built_current.pdf)
    return [page.extract_text() for page in reader.pages]


def flat(text: str) -> str:
    return re.sub(r"\s+", " ", text)


@pytest.mark.parametrize("figure", SEED_FIGURES)
def test_seed_figures_are_printed(pages: list[str], figure: str) -> None:
    assert figure in flat(" ".join(pages))


@pytest.mark.parametrize(
    "heading",
    ["Contents", *CURRENT_CHAPTERS, *PRIORITY_PARTS, *FINANCE_PARTS, *ANNEX_PARTS],
)
def test_every_heading_is_in_the_pdf(pages: list[str], heading: str) -> None:
    body = flat(" ".join(pages))
    assert heading in body


def test_contents_has_page_numbers(pages: list[str]) -> None:
    contents = flat(" ".join(pages[:3]))
    for chapter in CURRENT_CHAPTERS:
        found = re.search(re.escape(chapter) + r" ?\.{3,} ?(\d+)", contents)
        assert found, f"no page number for {chapter}"
        page = int(found.group(1))
        assert chapter in flat(pages[page - 1]), f"{chapter} is not on page {page}"


def data_vintage() -> str:
    """The last month the demo's newest crime file covers, from its name (…202401-202512.csv)."""
    from datetime import date

    from scrutiny.config.workspace import demo_root

    ends = [
        m.group(1)
        for p in (demo_root() / "data" / "crime").glob("*.csv")
        if (m := re.search(r"-(\d{6})\.csv$", p.name))
    ]
    last = max(ends)
    return f"{date(int(last[:4]), int(last[4:]), 1):%B %Y}"


def test_every_page_carries_vintage_stamp_and_version(pages: list[str]) -> None:
    assert len(pages) > 10
    vintage = data_vintage()
    for i, text in enumerate(pages, start=1):
        t = flat(text)
        assert (
            f"crime figures from the publication covering months to {vintage}, loaded on {STAMP}"
            in t
        ), f"page {i}"
        assert f"scrutiny {__version__}" in t, f"page {i}"
        assert f"Page {i} of {len(pages)}" in t
