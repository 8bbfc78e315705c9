"""A second workspace beside the demo: the City of London Police on data.police.uk files only,
with a plan and a report definition of its own. Its report names its own publisher, shows its
own themes and carries none of the demo's office, force or London-plan wording."""

from __future__ import annotations

import re
import shutil

import pytest
import yaml
from pypdf import PdfReader

from scrutiny.config.workspace import Workspace
from scrutiny.report.build import ReportPaths, build_report

PLAN = {
    "title": "Safer City Policing Plan 2021-24",
    "first_year": "2021-22",
    "last_year": "2023-24",
    "priorities": [
        {
            "id": "safer-streets",
            "title": "Safer streets",
            "outcomes": [{"id": "safer-streets.1", "statement": "Less theft and robbery"}],
            "measures": [
                {
                    "id": "theft-person",
                    "title": "Theft from the person offences",
                    "source": "data.police.uk",
                    "good_direction": "down",
                    "unit": "count",
                },
            ],
        }
    ],
}
DEFINITION = {
    "publisher": {
        "name": "Police Authority Board of the Test City",
        "short_name": "PAB",
        "colours": {"primary": "#00584a", "accent": "#8a1538"},
        "about": "The Board holds the force to account for policing the Test City.",
    },
    "wording": {"residents": "residents of the City", "office": "The Board"},
    "overview_categories": ["Burglary"],
    "measures": {"theft-person": {"category": "Theft from the person"}},
    "priorities": {
        "safer-streets": {
            "themes": [
                {"title": "Acquisitive crime", "categories": ["Theft from the person", "Robbery"]}
            ]
        }
    },
}
#: Words of the demo's office, force and plan that must not reach another force's report.
DEMO_WORDS = ("MOPAC", "Mayor", "Metropolitan", "MPS", "Londoners", "VRU", "Met ")


@pytest.fixture(scope="module")
def city_report(
    city_ws: Workspace, tmp_path_factory: pytest.TempPathFactory
) -> tuple[Workspace, ReportPaths]:
    root = tmp_path_factory.mktemp("city-report") / "ws"
    shutil.copytree(city_ws.root, root)
    (root / "plan.yaml").write_text(yaml.safe_dump(PLAN), encoding="utf-8")
    (root / "report.yaml").write_text(yaml.safe_dump(DEFINITION), encoding="utf-8")
    config = yaml.safe_load((root / "scrutiny.yaml").read_text(encoding="utf-8"))
    config["plan"] = "plan.yaml"
    (root / "scrutiny.yaml").write_text(yaml.safe_dump(config), encoding="utf-8")
    ws = Workspace.load(root)
    return ws, build_report(ws, None, "current", root.parent / "out", "2026-11-23")


def test_the_second_workspace_has_its_own_report(
    city_report: tuple[Workspace, ReportPaths],
) -> None:
    ws, paths = city_report
    assert paths.pdf is not None
    reader = PdfReader(paths.pdf)
    text = re.sub(r"\s+", " ", " ".join(p.extract_text() for p in reader.pages))
    publisher = DEFINITION["publisher"]["name"]  # type: ignore[index]
    assert reader.metadata is not None and reader.metadata.author == publisher
    assert publisher in text and f"About PAB and the {ws.config.force}" in text
    assert "Key theme 1: Acquisitive crime" in text
    assert "Theft from the person" in text and "Safer streets" in text
    # its code is a data.police.uk id, so headings name the force; no unit it lacks is named
    assert f"{ws.config.force} revenue" in text and "city-of-london revenue" not in text
    assert "violence reduction unit" not in text.lower()
    for word in DEMO_WORDS:
        assert word not in text, word
    html = paths.html.read_text(encoding="utf-8")
    for word in DEMO_WORDS:
        assert word not in html, word
