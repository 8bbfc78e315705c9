"""A workspace: a folder with ``scrutiny.yaml`` naming the force, sources, quarter and settings.

The file is validated with Pydantic; every problem is reported as ``scrutiny.yaml: key.path: what``.
"""

from __future__ import annotations

import json
import os
from datetime import date
from importlib import resources
from pathlib import Path
from typing import Any, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    field_validator,
    model_validator,
)

from scrutiny.config import parsed
from scrutiny.config.periods import Baseline, Quarter

WORKSPACE_FILE = "scrutiny.yaml"

SourceKind = Literal[
    "datastore",  # London Datastore borough/ward wide monthly CSVs
    "police_uk_street",  # data.police.uk street-level files, folders, archives, zips
    "police_uk_stop_search",  # data.police.uk stop-and-search files
    "population",  # ONS mid-year estimates by local authority
    "population_by_ethnic_group",  # census residents by ethnic group and local authority
    "lsoa_lookup",  # ONS LSOA → ward → local authority lookup
    "long_table",  # any long CSV or Parquet of crime counts, read through a column mapping
]

#: The fields of a long table's column mapping: what each canonical column is read from.
LONG_TABLE_FIELDS = (
    "month",
    "area_code",
    "area_name",
    "area_level",
    "category_group",
    "category",
    "measure",
    "count",
)


class WorkspaceError(ValueError):
    """A workspace that cannot be used; the message names the file and the key."""


def _check_month(value: str) -> str:
    try:
        date.fromisoformat(value + "-01")
    except ValueError:
        raise ValueError(f"expected a month as YYYY-MM, got {value!r}") from None
    return value


class _Strict(BaseModel):
    # Validators are built on first validation, not on import: a command that finds the file
    # validated in its cache (config/parsed.py) never builds them.
    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)


class Source(_Strict):
    kind: SourceKind
    path: str = Field(description="A file, a folder or a glob, relative to the workspace")
    description: str = ""
    vintage: str | None = Field(
        None,
        pattern=r"^\d{6}$",
        description="The publication's vintage (YYYYMM), overriding what its content gives",
    )
    scheme: str | None = Field(
        None, description="long_table: the category scheme its categories belong to"
    )
    columns: dict[str, str] = Field(
        default_factory=dict,
        description="long_table: canonical field → the file's column (month, area_code or "
        "area_name, area_level, category_group, category, measure, count)",
    )
    constants: dict[str, str] = Field(
        default_factory=dict,
        description="long_table: canonical field → one value for every row (e.g. area_level)",
    )
    values: dict[str, dict[str, str]] = Field(
        default_factory=dict,
        description="long_table: canonical field → {value in the file: canonical value}; "
        "rows whose value is not listed are left out (e.g. measure: {Offences: offences})",
    )
    vintage_column: str | None = Field(
        None, description="long_table: a column whose latest date is the vintage (refresh date)"
    )
    duplicates: Literal["refuse", "sum"] = Field(
        "refuse",
        description="long_table: rows for the same month, area, category and measure are "
        "refused (default) or summed (e.g. two teams sharing one ward code)",
    )

    @model_validator(mode="after")
    def _long_table(self) -> Source:
        mapped = set(self.columns) | set(self.constants)
        unknown = sorted((mapped | set(self.values)) - set(LONG_TABLE_FIELDS))
        if unknown:
            raise ValueError(f"unknown long-table field(s) {unknown}; expected {LONG_TABLE_FIELDS}")
        if self.kind != "long_table":
            if mapped or self.scheme:
                raise ValueError("columns, constants and scheme are for long_table sources")
            return self
        needed = {"month", "category", "measure", "count", "area_level"} - mapped
        if not ({"area_code", "area_name"} & mapped):
            needed.add("area_code or area_name")
        if needed or not self.scheme:
            what = sorted(needed) + ([] if self.scheme else ["scheme"])
            raise ValueError(f"a long_table source needs {', '.join(what)}")
        return self


class BaselineSettings(_Strict):
    quarter_fy_start: int = Field(2019, description="Financial year of the pre-pandemic quarter")
    r12_last_month: str = Field("2020-02", description="Last month of the pre-pandemic R12")

    _month = field_validator("r12_last_month")(lambda v: _check_month(v))

    def to_baseline(self) -> Baseline:
        return Baseline(self.quarter_fy_start, date.fromisoformat(self.r12_last_month + "-01"))


class CategoryGroup(_Strict):
    """A named group of crime categories, e.g. neighbourhood crime, knife crime, a total."""

    name: str
    scheme: str | None = Field(None, description="Only categories of this scheme")
    minor: list[str] = Field(default_factory=list, description="Categories included")
    major: list[str] = Field(
        default_factory=list, description="Whole parent categories (major categories) included"
    )
    all: bool = Field(
        False, description="Every category of the scheme, but those outside force totals"
    )
    exclude: list[str] = Field(default_factory=list, description="Categories left out of `all`")


class CategoryJoin(_Strict):
    """A category renamed or re-cut between publications, read as one series with a break."""

    name: str = Field(description="The joined series' name")
    scheme: str | None = Field(None, description="Only categories of this scheme")
    categories: list[str] = Field(min_length=2, description="The old and the new categories")
    month: str | None = Field(None, description="First month of the new categories, YYYY-MM")
    note: str = Field(description="What changed, shown wherever the joined series is")

    _month = field_validator("month")(lambda v: v if v is None else _check_month(v))


class ChangePoint(_Strict):
    """A month from which a series behaves differently (SPC limits restart there)."""

    month: str = Field(description="First month of the new period, YYYY-MM")
    reason: str

    _month = field_validator("month")(lambda v: _check_month(v))


class ForceOnlyArea(_Strict):
    """An area in the force's crime data with no residents and no BCU (e.g. an airports
    command): it counts towards the force only."""

    code: str = Field(pattern=r"^[A-Z0-9_]{2,20}$")
    name: str
    aliases: list[str] = Field(default_factory=list, description="Other spellings in the files")


class Settings(_Strict):
    suppress_below: int = Field(
        0,
        ge=0,
        description="Hide counts below this on public pages, and (secondary suppression) any "
        "count that would follow from a published total minus its published parts",
    )
    population_year: int | None = Field(
        None, description="Mid-year estimate to use; latest if unset"
    )
    stable_band_pct: float = Field(3.0, gt=0, description="Changes within ± this % read 'stable'")
    max_revision_drop_pct: float = Field(
        50.0,
        gt=0,
        le=100,
        description="A new publication may cut a month-area total by at most this % "
        "(more needs `scrutiny ingest --accept-revisions`)",
    )
    headline_categories: list[str] = Field(
        default_factory=list, description="Categories `scrutiny crime` shows by default"
    )


#: A short code (``ESX``) or a data.police.uk force id (``essex``, ``city-of-london``).
FORCE_CODE = r"^([A-Z0-9_]{2,12}|[a-z0-9]+(-[a-z0-9]+)*)$"


class WorkspaceConfig(_Strict):
    force: str
    force_code: str = Field(
        pattern=FORCE_CODE,
        description="A short code (ESX) or the force's data.police.uk id (essex)",
    )
    current_quarter: str
    sources: list[Source] = Field(min_length=1)
    bcus: dict[str, list[str]] = Field(
        default_factory=dict, description="Basic command units and the boroughs each covers"
    )
    local_authorities: list[str] = Field(
        default_factory=list,
        description="ONS codes of the local authorities the force covers (the areas below "
        "force); police.uk records placed elsewhere count as outside the force area. "
        "Default: the areas the crime data name",
    )
    category_groups: list[CategoryGroup] = Field(default_factory=list)
    category_joins: list[CategoryJoin] = Field(
        default_factory=list, description="Renamed categories read as one series (a break noted)"
    )
    force_only_areas: list[ForceOnlyArea] = Field(
        default_factory=list, description="Pseudo-boroughs with no residents and no BCU"
    )
    plan: str | None = Field(None, description="The Police and Crime Plan file (YAML)")
    report: str | None = Field(
        None,
        description="The report definition (YAML): publisher, sections, key themes; "
        "default report.yaml when the workspace has one",
    )
    returns: list[str] = Field(default_factory=list, description="Globs of quarterly returns")
    baseline: BaselineSettings = BaselineSettings.model_construct()  # defaults, unvalidated
    change_points: list[ChangePoint] = Field(
        default_factory=list, description="Rebase points for SPC: pandemic, recording changes"
    )
    settings: Settings = Settings.model_construct()
    warehouse: str = "warehouse.duckdb"

    @field_validator("current_quarter")
    @classmethod
    def _quarter(cls, value: str) -> str:
        Quarter.parse(value)
        return value


class Workspace:
    """A loaded workspace: its folder and validated configuration."""

    def __init__(self, root: Path, config: WorkspaceConfig):
        self.root = root
        self.config = config

    @classmethod
    def load(cls, root: Path | str) -> Workspace:
        root = Path(root)
        file = root / WORKSPACE_FILE if root.is_dir() else root
        if not file.exists():
            raise WorkspaceError(f"{file}: no workspace file (expected {WORKSPACE_FILE})")
        folder = data_home() / "cache" / "workspace"
        found = parsed.key(file)
        kept = None if found is None else parsed.read(folder, file, found)
        if kept is not None:
            try:
                return cls(file.parent, parsed.construct(WorkspaceConfig, kept))
            except (KeyError, TypeError, AttributeError):  # not what dump wrote: validate
                pass
        config = _validated(file)
        if found is not None:
            parsed.write(folder, file, found, parsed.dump(config))
        return cls(file.parent, config)

    @property
    def quarter(self) -> Quarter:
        return Quarter.parse(self.config.current_quarter)

    @property
    def baseline(self) -> Baseline:
        return self.config.baseline.to_baseline()

    @property
    def change_points(self) -> list[date]:
        return [date.fromisoformat(c.month + "-01") for c in self.config.change_points]

    @property
    def is_demo(self) -> bool:
        return self.root.resolve() == demo_root().resolve()

    @property
    def warehouse_path(self) -> Path:
        """In the workspace; for the shipped demo, in the user's data folder (site-packages may
        be read-only)."""
        if self.is_demo:
            return data_home() / "demo" / self.config.warehouse
        return self.root / self.config.warehouse

    def frozen_path(self, quarter: object) -> Path:
        """Where ``scrutiny freeze`` records the sources a quarter's report used: ``frozen/`` in
        the workspace (for the shipped demo, beside its warehouse)."""
        return (
            self.warehouse_path.parent / "frozen" / f"{quarter}.json"
            if self.is_demo
            else (self.root / "frozen" / f"{quarter}.json")
        )

    def resolve(self, pattern: str) -> list[Path]:
        """Files a source names: a file, every file in a folder, or a glob; sorted."""
        path = self.root / pattern
        if path.is_file():
            return [path]
        if path.is_dir():
            return sorted(p for p in path.rglob("*") if p.is_file())
        # An absolute pattern (a shared data folder) globs from its drive or root.
        base, rest = (
            (Path(path.anchor), path.relative_to(path.anchor))
            if path.is_absolute()
            else (self.root, Path(pattern))
        )
        return sorted(p for p in base.glob(str(rest)) if p.is_file())

    def return_files(self) -> list[Path]:
        """Every file the ``returns`` globs name, once each, in order."""
        return list(
            dict.fromkeys(p for pattern in self.config.returns for p in self.resolve(pattern))
        )

    def input_files(self) -> list[Path]:
        """Every file the warehouse is built from: the sources, then the returns."""
        sources = (p for s in self.config.sources for p in self.resolve(s.path))
        return list(dict.fromkeys([*sources, *self.return_files()]))

    @property
    def report_path(self) -> Path | None:
        """The report definition file, if the workspace has one."""
        if self.config.report:
            return self.root / self.config.report
        default = self.root / "report.yaml"
        return default if default.is_file() else None

    def check_sources(self) -> None:
        """Every source names at least one file: a mistyped path is an error, not "0 files
        loaded"."""
        for i, source in enumerate(self.config.sources):
            if not self.resolve(source.path):
                raise WorkspaceError(
                    f"{WORKSPACE_FILE}: sources.{i}.path: {source.path!r} matches no file "
                    f"in {self.root}"
                )

    def sources_of(self, kind: str) -> list[Path]:
        return [p for s in self.config.sources if s.kind == kind for p in self.resolve(s.path)]


def _validated(file: Path) -> WorkspaceConfig:
    """The workspace file read strictly and validated; every problem one line."""
    from scrutiny.config.yamlfile import read_yaml_mapping

    return read_yaml_mapping(
        file, WorkspaceConfig, WorkspaceError, expected="a mapping of settings", name=str(file)
    )


def data_home() -> Path:
    """Where scrutiny keeps files of its own: ``$SCRUTINY_HOME`` or ``~/.local/share/scrutiny``."""
    env = os.environ.get("SCRUTINY_HOME")
    return Path(env) if env else Path.home() / ".local" / "share" / "scrutiny"


def open_workspace(root: Path | str | None) -> Workspace:
    """The workspace at ``root``, or the shipped demo when none is given."""
    return Workspace.load(root if root is not None else demo_root())


def demo_root() -> Path:
    """The demo workspace shipped inside the package."""
    return Path(str(resources.files("scrutiny") / "demo"))


def json_schema() -> dict[str, Any]:
    """The workspace file's JSON Schema, for editors."""
    return WorkspaceConfig.model_json_schema()


def json_schema_text() -> str:
    return json.dumps(json_schema(), indent=2, sort_keys=True)
