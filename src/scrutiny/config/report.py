"""The report a workspace publishes, defined in the workspace (``report.yaml``), not in code.

Who publishes it (name, short name, logo, colours, an introduction in their own words), the order
of each format's sections, each priority's key themes (crime categories, parts drawn from returns,
and what the data do not hold), where each plan measure's figures come from, and the names of the
finance lines the finance pages read. A workspace without the file gets a neutral report: the
force as publisher, no key themes, every plan measure listed as not in the data.

The file is validated with Pydantic (``scrutiny schema --report`` prints its JSON Schema); a
priority or measure the plan does not know is an error naming the key.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Literal, get_args

from pydantic import BaseModel, ConfigDict, Field

from scrutiny.config import yamlfile

REPORT_FILE = "report.yaml"

#: The sections of the current format, in their default order.
CurrentSectionId = Literal[
    "introduction",
    "plan-objectives",
    "summary-dashboard",
    "priorities",
    "crime-outcomes",
    "finances",
    "risks",
    "annex",
]
SectionId = Literal[CurrentSectionId, "summary", "objectives", "year-figures", "delivery"]
CURRENT_SECTIONS: tuple[SectionId, ...] = get_args(CurrentSectionId)
OBJECTIVES_SECTIONS: tuple[SectionId, ...] = ("summary", "objectives", "annex")
ANNUAL_SECTIONS: tuple[SectionId, ...] = ("year-figures", "delivery", "finances", "annex")

ThemePart = Literal[
    "surveys", "calls", "standards", "workforce", "outcomes", "stop_search", "outcome_trend"
]

_HEX = r"^#[0-9a-fA-F]{6}$"


class DefinitionError(ValueError):
    """A report definition that cannot be used; the message names the file and the key."""


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Colours(_Strict):
    primary: str = Field("#1d3c5a", pattern=_HEX, description="Headings, cover band")
    accent: str = Field("#3b6e8f", pattern=_HEX, description="Rules, links")


class Publisher(_Strict):
    """The body that publishes the report (a commissioner's office, not necessarily the force)."""

    name: str = Field("", description="Full name on the cover, footers and PDF metadata")
    short_name: str = Field("", description="Short name used in headings")
    logo: str | None = Field(None, description="Logo file (SVG or PNG), relative to the workspace")
    colours: Colours = Colours()
    about: str = Field(
        "", description="The introduction's opening paragraphs in the publisher's words (Markdown)"
    )
    contact: str = Field("", description="Where readers send feedback or queries")


class Wording(_Strict):
    """Words the report uses for the area's people and the bodies whose figures it prints."""

    residents: str = Field("residents", description="The survey population in print")
    force_short: str = Field("", description="The force in headings (default: force_code)")
    office: str = Field(
        "The commissioner's office",
        description="The office and units whose budget the office-finance return holds",
    )


class FinanceLines(_Strict):
    """The line names the finance pages look up in the finance returns."""

    gross_expenditure: str = "Total Gross Expenditure"
    revenue_total: str = Field("Overall Total", description="The revenue return's overall line")
    capital_total: str = "Total Capital Expenditure"
    net_expenditure: str = "Total Net Expenditure"
    reserves_total: str = "Grand Total"


class Theme(_Strict):
    """A key theme of a priority: crime categories (sentences, SPC charts, a table), parts drawn
    from returns, and the measures it would show that the data do not hold (said, never dropped)."""

    title: str
    categories: list[str] = Field(default_factory=list)
    parts: list[ThemePart] = Field(default_factory=list)
    outcome_categories: list[str] = Field(default_factory=list)
    series: list[str] = Field(
        default_factory=list, description="Measures of the indicator-series return it shows"
    )
    not_in_data: list[str] = Field(default_factory=list)


class PriorityPages(_Strict):
    themes: list[Theme] = Field(default_factory=list)


class MeasureSource(_Strict):
    """Where a plan measure's figures come from: a crime category, a survey measure, the survey
    gaps (a ±band target), a measure of the indicator-series return, or a return's measure."""

    category: str | None = None
    survey: str | None = None
    survey_measure: str | None = None
    survey_gaps: bool = False
    outcomes: str | None = Field(None, description="An outcome category of the outcomes return")
    series: str | None = Field(None, description="A measure of the indicator-series return")


class Formats(_Strict):
    current: list[SectionId] = Field(default_factory=lambda: list(CURRENT_SECTIONS))
    objectives: list[SectionId] = Field(default_factory=lambda: list(OBJECTIVES_SECTIONS))
    annual: list[SectionId] = Field(default_factory=lambda: list(ANNUAL_SECTIONS))


class ReportDefinition(_Strict):
    publisher: Publisher = Publisher()
    wording: Wording = Wording()
    finance: FinanceLines = FinanceLines()
    formats: Formats = Formats()
    overview_categories: list[str] = Field(
        default_factory=lambda: ["Total Notifiable Offences"],
        description="Crime categories the introduction and overview chart, besides the themes'",
    )
    annual_compare_years: int | None = Field(
        None,
        ge=1,
        le=20,
        description="Years back the annual report compares with (default: to the plan's start)",
    )
    measures: dict[str, MeasureSource] = Field(
        default_factory=dict, description="Plan measure id → where its figures come from"
    )
    priorities: dict[str, PriorityPages] = Field(
        default_factory=dict, description="Plan priority id → its key themes"
    )

    def themes_for(self, priority_id: str) -> list[Theme]:
        pages = self.priorities.get(priority_id)
        return list(pages.themes) if pages else []

    def chart_categories(self) -> list[str]:
        """Every crime category some page of a report charts, once each."""
        names = list(self.overview_categories)
        for pages in self.priorities.values():
            for theme in pages.themes:
                names.extend(theme.categories)
        names.extend(m.category for m in self.measures.values() if m.category)
        return list(dict.fromkeys(names))

    def check_plan(self, priority_ids: set[str], measure_ids: set[str], file: str) -> None:
        """Every priority and measure named here exists in the workspace's plans."""
        for pid in self.priorities:
            if pid not in priority_ids:
                raise DefinitionError(f"{file}: priorities.{pid}: no such priority in the plan")
        for mid in self.measures:
            if mid not in measure_ids:
                raise DefinitionError(f"{file}: measures.{mid}: no such measure in the plan")


def load_definition(path: Path | None) -> ReportDefinition:
    """The definition in ``path``; the neutral default when there is none."""
    if path is None:
        return ReportDefinition()
    return yamlfile.read_yaml_mapping(
        path,
        ReportDefinition,
        DefinitionError,
        missing=f"no report definition (expected {REPORT_FILE})",
        empty=True,
    )


def json_schema() -> dict[str, Any]:
    return ReportDefinition.model_json_schema()


def json_schema_text() -> str:
    return json.dumps(json_schema(), indent=2, sort_keys=True)
