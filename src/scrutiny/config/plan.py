"""The Police and Crime Plan: priorities → outcome statements → measures, with its rating rules.

Plans live in the workspace as YAML and are validated with Pydantic; :func:`plan_json_schema`
exports the schema for editors. A plan names the plan it replaced (``supersedes``), so a workspace
can rate returns of earlier quarters against the plan then in force (seed 000's objectives are of
the 2017-21 plan; seed 001's priorities of the 2022-25 plan).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from scrutiny.config import yamlfile
from scrutiny.config.periods import Quarter

_FY_RE = re.compile(r"^(\d{4})-(\d{2})$")
_ID = r"^[a-z0-9][a-z0-9_.-]*$"


class PlanError(ValueError):
    """A plan file that cannot be used; the message is one line naming the file and the key."""


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class RatingRules(_Strict):
    """The thresholds of the default RAG rules (see the design notes); change them per plan."""

    pct_amber_pp: float = Field(5.0, ge=0, description="% KPIs: Amber up to this many pp short")
    count_amber_ratio: float = Field(
        0.85, gt=0, le=1, description="Count KPIs: Amber from this share of the pro-rata target"
    )
    milestone_amber_quarters: int = Field(
        2, ge=0, description="Milestones: Amber when slipped up to this many quarters"
    )
    band_amber_pp: float = Field(5.0, ge=0, description="Gap targets: Amber up to this far out")


Unit = Literal["%", "count", "days", "gap", "rate", "ratio", "£m", "text"]
RatingRule = Literal["percentage_points", "pro_rata_count", "level", "band", "none"]


class Measure(_Strict):
    id: str = Field(pattern=_ID)
    title: str = Field(min_length=1)
    definition: str = ""
    source: str = Field(
        "", description="Where the figures come from, e.g. a survey's or the force's name"
    )
    good_direction: Literal["up", "down", "none"] = "up"
    unit: Unit = "%"
    target: float | None = None
    target_text: str = Field("", description="The target as the plan words it, e.g. '±5% (B)'")
    rating_rule: RatingRule = "none"
    in_development: bool = False


class Outcome(_Strict):
    id: str = Field(pattern=_ID)
    statement: str = Field(min_length=1)
    measures: list[Measure] = Field(default_factory=list)


class Priority(_Strict):
    id: str = Field(pattern=_ID, description="Short name used in returns, e.g. 'victims'")
    title: str = Field(min_length=1)
    aliases: list[str] = Field(default_factory=list, description="Other names returns may use")
    outcomes: list[Outcome] = Field(default_factory=list)
    measures: list[Measure] = Field(
        default_factory=list, description="Measures the plan sets for the priority as a whole"
    )

    def all_measures(self) -> Iterator[Measure]:
        yield from self.measures
        for outcome in self.outcomes:
            yield from outcome.measures


class Plan(_Strict):
    title: str
    first_year: str = Field(description="First financial year in force, e.g. 2022-23")
    last_year: str = Field(description="Last financial year in force, e.g. 2024-25")
    priority_word: Literal["priority", "objective"] = "priority"
    rules: RatingRules = RatingRules()
    priorities: list[Priority] = Field(min_length=1)
    supersedes: str | None = Field(None, description="The previous plan's file, relative to this")

    @property
    def priority_plural(self) -> str:
        """ "priorities" or "objectives"."""
        return "priorities" if self.priority_word == "priority" else "objectives"

    @field_validator("first_year", "last_year")
    @classmethod
    def _fy(cls, value: str) -> str:
        m = _FY_RE.match(value)
        if not m or (int(m.group(1)) + 1) % 100 != int(m.group(2)):
            raise ValueError(f"expected a financial year such as 2022-23, got {value!r}")
        return value

    @model_validator(mode="after")
    def _unique(self) -> Plan:
        seen: dict[str, str] = {}
        for p in self.priorities:
            for name in (p.id, p.title, *p.aliases):
                owner = seen.setdefault(name.casefold(), p.id)
                if owner != p.id:
                    raise ValueError(f"priority name {name!r} is used by {owner} and {p.id}")
        ids = [m.id for p in self.priorities for m in p.all_measures()]
        dupes = sorted({i for i in ids if ids.count(i) > 1})
        if dupes:
            raise ValueError(f"measure ids used twice: {', '.join(dupes)}")
        if int(self.last_year[:4]) < int(self.first_year[:4]):
            raise ValueError("last_year is before first_year")
        return self

    def covers(self, quarter: Quarter) -> bool:
        return int(self.first_year[:4]) <= quarter.fy_start <= int(self.last_year[:4])

    def priority(self, name: str) -> Priority | None:
        """The priority a return names, by id, title or alias (case-insensitive)."""
        key = name.strip().casefold()
        for p in self.priorities:
            if key in {p.id.casefold(), p.title.casefold(), *(a.casefold() for a in p.aliases)}:
                return p
        return None

    def measures(self) -> Iterator[tuple[Priority, Measure]]:
        for p in self.priorities:
            for m in p.all_measures():
                yield p, m


def load_plan(path: Path | str) -> Plan:
    """Read and validate one plan file; errors are one line naming the file and the key."""
    return yamlfile.read_yaml_mapping(
        Path(path),
        Plan,
        PlanError,
        expected="a mapping (title, priorities, …)",
        missing="no plan file",
    )


def load_plans(path: Path | str) -> list[Plan]:
    """The plan at ``path`` followed by the plans it supersedes, newest first."""
    plans: list[Plan] = []
    seen: set[Path] = set()
    file: Path | None = Path(path)
    while file is not None:
        if file.resolve() in seen:
            raise PlanError(f"{file.name}: plans supersede each other in a loop")
        seen.add(file.resolve())
        plan = load_plan(file)
        plans.append(plan)
        file = file.parent / plan.supersedes if plan.supersedes else None
    return plans


def plan_for(plans: list[Plan], quarter: Quarter) -> Plan | None:
    """The plan in force in ``quarter`` (the newest that covers it)."""
    return next((p for p in plans if p.covers(quarter)), None)


def plan_json_schema() -> dict[str, Any]:
    """The plan file's JSON Schema, for editors."""
    return Plan.model_json_schema()


def plan_json_schema_text() -> str:
    return json.dumps(plan_json_schema(), indent=2, sort_keys=True)
