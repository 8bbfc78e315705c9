"""The static site: walk every page and check every internal link and asset resolves."""

from __future__ import annotations

import csv
import io
import json
import re
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest
from fastapi.testclient import TestClient

from scrutiny.config.workspace import Workspace
from scrutiny.outputs import OutputError
from scrutiny.web.site import SiteReport, build_site

CATEGORY = "Robbery of Personal Property"


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.links: list[str] = []
        self.ids: set[str] = set()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        if found.get("id"):
            self.ids.add(str(found["id"]))
        for name in ("href", "src", "action"):
            if found.get(name):
                self.links.append(str(found[name]))


def _parse(path: Path) -> _Links:
    parser = _Links()
    parser.feed(path.read_text(encoding="utf-8"))
    return parser


@pytest.fixture(scope="session")
def site(web_ws: Workspace, tmp_path_factory: pytest.TempPathFactory) -> SiteReport:
    # Two workers: the open data and the archive are written by processes of their own.
    return build_site(web_ws, tmp_path_factory.mktemp("site") / "out", [CATEGORY], workers=2)


def test_helper_processes_write_what_one_process_writes(
    site: SiteReport, web_ws: Workspace, tmp_path_factory: pytest.TempPathFactory
) -> None:
    alone = build_site(web_ws, tmp_path_factory.mktemp("alone") / "out", [CATEGORY], workers=1)
    assert (alone.pages, alone.files) == (site.pages, site.files)
    assert any(name.startswith("data/quarters/") for name in site.files)  # the archive is in
    names = sorted(p.relative_to(site.out).as_posix() for p in site.out.rglob("*") if p.is_file())
    assert names == sorted(
        p.relative_to(alone.out).as_posix() for p in alone.out.rglob("*") if p.is_file()
    )
    for name in names:
        assert (site.out / name).read_bytes() == (alone.out / name).read_bytes(), name


def test_every_internal_link_resolves(site: SiteReport) -> None:
    pages = sorted(site.out.rglob("*.html"))
    assert len(pages) == len(site.pages) > 50
    parsed = {p: _parse(p) for p in pages}
    checked = 0
    for page, found in parsed.items():
        for link in found.links:
            parts = urlsplit(link)
            assert not parts.scheme and not parts.netloc, f"{page}: external link {link}"
            assert not link.startswith("/"), f"{page}: absolute link {link} breaks off-root hosting"
            target = (page.parent / unquote(parts.path)).resolve() if parts.path else page
            assert target.is_file(), f"{page.relative_to(site.out)}: broken link {link}"
            if parts.fragment and target.suffix == ".html":
                assert parts.fragment in parsed[target].ids, f"{page}: no #{parts.fragment}"
            checked += 1
    assert checked > 1000


def test_site_covers_every_area_and_priority(site: SiteReport, web_ws: Workspace) -> None:
    out = site.out
    for level, count in (("force", 1), ("bcu", 12), ("borough", 33)):
        assert (
            len(list((out / "crime" / level).glob("*/robbery-of-personal-property.html"))) >= count
        )
    for priority in ("victims", "trust", "violence", "exploitation"):
        assert (out / "priorities" / f"{priority}.html").is_file()
    for page in ("index", "registers", "finance", "outcomes", "sources", "data", "404"):
        assert (out / f"{page}.html").is_file()
    assert (out / "static" / "vega.js").stat().st_size > 100_000


def test_static_pages_need_no_server(site: SiteReport) -> None:
    for page in site.out.rglob("*.html"):
        html = page.read_text(encoding="utf-8")
        assert "<form" not in html, page  # filters are links in the static site
        assert "/api/" not in html and "openapi" not in html, page


def test_site_files_are_the_api_answers(site: SiteReport, client: TestClient) -> None:
    ward_free = site.out / "data" / "crime" / "borough" / "robbery-of-personal-property.csv"
    api = client.get(
        "/api/crime/measures.csv?category=robbery-of-personal-property&level=borough"
    ).content
    assert ward_free.read_bytes() == api
    series = site.out / "data" / "series" / "borough" / "E09000007"
    assert (series / "robbery-of-personal-property.csv").read_bytes() == client.get(
        "/api/crime/series.csv?category=robbery-of-personal-property&level=borough&area=E09000007"
    ).content


def test_chart_table_matches_its_csv(site: SiteReport) -> None:
    page = site.out / "crime" / "borough" / "E09000007" / "robbery-of-personal-property.html"
    html = page.read_text(encoding="utf-8")
    body = re.search(r'id="series-table">.*?<tbody>(.*?)</tbody>', html, re.S)
    assert body
    shown = [
        re.findall(r"<td[^>]*>(.*?)</td>", row)[1] for row in body.group(1).split("</tr>")[:-1]
    ]
    link = re.search(r'href="([^"]+\.csv)" download>Download the chart', html)
    assert link
    rows = list(csv.DictReader(io.StringIO((page.parent / link.group(1)).read_text())))
    assert [r["offences"] for r in rows] == [s.replace(",", "") for s in shown]


def test_rebuilding_gives_byte_identical_pages(
    site: SiteReport, web_ws: Workspace, tmp_path: Path
) -> None:
    again = build_site(web_ws, tmp_path / "again", [CATEGORY])
    for name in ("index.html", "crime/borough/E09000007/robbery-of-personal-property.html"):
        assert (again.out / name).read_bytes() == (site.out / name).read_bytes(), name


def test_refuses_to_overwrite_a_folder_that_is_not_a_site(
    web_ws: Workspace, tmp_path: Path
) -> None:
    (tmp_path / "precious.txt").write_text("keep me")
    with pytest.raises(OutputError, match="not written by scrutiny"):
        build_site(web_ws, tmp_path, [CATEGORY])
    assert (tmp_path / "precious.txt").exists()


def test_archive_holds_every_quarter(site: SiteReport, web_ws: Workspace) -> None:
    """A page and a file per level for every quarter the data cover, the latest quarter's
    figures the same as the open-data measures file of that quarter."""
    from scrutiny.analysis.data import WorkspaceData

    data = WorkspaceData(web_ws)
    try:
        quarters, ward_quarters = data.quarters["force"], data.quarters["ward"]
    finally:
        data.close()
    assert len(quarters) > 40
    for q in quarters:
        assert (site.out / "quarters" / f"{q}.html").is_file(), q
        for level in ("force", "bcu", "borough"):
            assert (site.out / "data" / "quarters" / str(q) / f"{level}.csv").is_file()
    for q in ward_quarters:
        assert (site.out / "data" / "quarters" / str(q) / "ward.json").is_file()
    latest = quarters[0]
    archive = site.out / "data" / "quarters" / str(latest) / "borough.csv"
    rows = [
        r for r in csv.DictReader(io.StringIO(archive.read_text())) if r["category"] == CATEGORY
    ]
    measures = site.out / "data" / "crime" / "borough" / "robbery-of-personal-property.csv"
    expected = {r["area_code"]: r for r in csv.DictReader(io.StringIO(measures.read_text()))}
    assert len(rows) == len(expected) > 30
    for r in rows:
        for column in (
            "offences_in_quarter",
            "offences_12_months",
            "significant_previous_r12",
            "spc_verdict",
        ):
            assert r[column] == expected[r["area_code"]][column], (r["area_code"], column)
    json_rows = json.loads((archive.with_suffix(".json")).read_text())
    assert json_rows["columns"][:3] == ["period", "category", "area_code"]
    assert len(json_rows["rows"]) == sum(
        1 for _ in csv.DictReader(io.StringIO(archive.read_text()))
    )
    page = (site.out / "quarters" / f"{quarters[-1]}.html").read_text(encoding="utf-8")
    assert quarters[-1].label in page and "Robbery" in page
    # Past quarters carry their SPC verdict too (the 36 months to each quarter's end).
    verdicts = {r["spc_verdict"] for r in csv.DictReader(io.StringIO(archive.read_text()))}
    assert "common cause variation" in verdicts and len(verdicts) >= 3, verdicts
    old = site.out / "data" / "quarters" / str(quarters[-20]) / "borough.csv"
    assert "special cause of concern" in old.read_text()
    assert "Monthly pattern" in page


def _archive_rows(site: Path, q: object, level: str) -> dict[tuple[str, str], dict[str, str]]:
    text = (site / "data" / "quarters" / str(q) / f"{level}.csv").read_text(encoding="utf-8")
    return {(r["category"], r["area_code"]): r for r in csv.DictReader(io.StringIO(text))}


def test_archive_where_small_counts_are_withheld_reads_the_one_decision(
    suppressed_ws: Workspace, tmp_path: Path
) -> None:
    """Where small counts are withheld the archive is published, each count as every other
    page has it: the latest quarter's rows as that quarter's open-data file (marks and SPC
    verdicts included), and a quarter's count the same in the next quarter's file (as its
    previous quarter) and a year on (as the same quarter last year), withheld in all or none."""
    from scrutiny.analysis.data import WorkspaceData

    built = build_site(suppressed_ws, tmp_path / "site", [CATEGORY])
    data = WorkspaceData(suppressed_ws)
    try:
        quarters = {level: data.quarters[level] for level in ("borough", "ward")}
    finally:
        data.close()
    latest = quarters["borough"][0]
    rows = _archive_rows(built.out, latest, "borough")
    measures = built.out / "data" / "crime" / "borough" / "robbery-of-personal-property.csv"
    expected = list(csv.DictReader(io.StringIO(measures.read_text(encoding="utf-8"))))
    assert len(expected) > 30
    for e in expected:
        r = rows[(CATEGORY, e["area_code"])]
        for column in ("offences_in_quarter", "offences_12_months", "spc_verdict"):
            assert r[column] == e[column], (e["area_code"], column)
    marks = compared = 0
    for level, qs in quarters.items():
        tables = {q: _archive_rows(built.out, q, level) for q in qs}
        for i, q in enumerate(qs):
            for later, column in (
                (qs[i - 1] if i >= 1 else None, "offences_previous_quarter"),
                (qs[i - 4] if i >= 4 else None, "offences_same_quarter_last_year"),
            ):
                if later is None:
                    continue
                for key, r in tables[q].items():
                    other = tables[later].get(key)
                    if other is None or other[column] == "" or r["offences_in_quarter"] == "":
                        continue
                    assert other[column] == r["offences_in_quarter"], (level, q, later, key)
                    compared += 1
                    marks += r["offences_in_quarter"] in ("<10", "[c]")
    assert compared > 10_000 and marks > 100, (compared, marks)


def test_report_csvs_keep_numbers_numeric(site: SiteReport) -> None:
    """No column of a report table's CSV mixes numbers with printed text ("£760k", "90%",
    "–"): figures are numbers, what the report printed instead is in a ``_note`` column."""
    printed = re.compile(r"^[−\-+]?£?\d[\d,]*(\.\d+)?\s*(k|m|bn)?\s*(%|pp)?(\s*\(.*\))?$")
    plain = re.compile(r"^-?\d+(\.\d+)?$")
    files = sorted((site.out / "data" / "report").glob("*.csv"))
    assert len(files) > 20
    checked = 0
    for path in files:
        rows = list(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8"))))
        for column in rows[0].keys() if rows else ():
            if column.endswith(("_note", "_unit")):
                continue
            values = [r[column] for r in rows if r[column] != ""]
            numbers = [v for v in values if plain.match(v)]
            if numbers:
                assert len(numbers) == len(values), (path.name, column, values[:5])
                checked += 1
            else:
                mixed = [v for v in values if printed.match(v) or v == "–"]
                assert not mixed, (path.name, column, mixed[:5])
    assert checked > 20
