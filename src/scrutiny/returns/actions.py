"""What the commands do, as plain functions over a workspace (the CLI is a thin layer on these)."""

from __future__ import annotations

from pathlib import Path

from scrutiny.config.periods import Quarter
from scrutiny.config.plan import Plan, load_plans
from scrutiny.config.workspace import Workspace
from scrutiny.returns.base import ReturnError
from scrutiny.returns.derived import (
    Gap,
    OutcomeChange,
    PointChange,
    Variance,
    call_point_changes,
    finance_variances,
    outcome_changes,
    survey_gaps,
)
from scrutiny.returns.load import LoadReport, LoadResult, load_files, read_return, write_parsed
from scrutiny.returns.ratings import RatedRow, TrendRow, rate_returns, refresh_ratings, risk_trends
from scrutiny.returns.surveys import parse_pas
from scrutiny.store.warehouse import Warehouse, file_sha256

#: Kinds of derived table, for ``scrutiny derived KIND``.
DERIVED = ("calls", "finance", "surveys", "outcomes")


def workspace_plans(ws: Workspace) -> list[Plan]:
    """The workspace's plan and the plans it supersedes (none if the workspace names no plan)."""
    return load_plans(ws.root / ws.config.plan) if ws.config.plan else []


def return_files(ws: Workspace) -> list[Path]:
    """Every file the workspace's ``returns`` globs name, once each, in order."""
    return ws.return_files()


def validate_returns(paths: list[Path], plans: list[Plan] | None = None) -> list[ReturnError]:
    """Check files without loading them: the errors of each bad file."""
    failures = []
    for path in paths:
        try:
            read_return(path, plans)
        except ReturnError as exc:
            failures.append(exc)
    return failures


def load_workspace_returns(ws: Workspace, paths: list[Path] | None = None) -> LoadReport:
    """Load the workspace's returns (or ``paths``), then refresh the stored ratings."""
    plans = workspace_plans(ws)
    with Warehouse(ws.warehouse_path) as wh:
        report = load_files(wh, return_files(ws) if paths is None else paths, plans)
        with wh.transaction() as con:
            refresh_ratings(con, plans)
    return report


def _open(ws: Workspace) -> Warehouse:
    """The workspace's warehouse, read-only. Only a workspace whose return tables were never
    made (no ingest yet) has its returns loaded first, so every command works on a fresh
    install; otherwise reading never writes (``scrutiny ingest`` and ``load-returns`` do)."""
    if ws.warehouse_path.exists():
        wh = Warehouse(ws.warehouse_path, read_only=True)
        found = wh.con.execute(
            "SELECT count(*) FROM information_schema.tables WHERE table_name = 'ret_ratings'"
        ).fetchone()
        if found and found[0]:
            return wh
        wh.close()
    load_workspace_returns(ws)
    return Warehouse(ws.warehouse_path, read_only=True)


def workspace_ratings(ws: Workspace, quarter: Quarter | None = None) -> list[RatedRow]:
    """KPI and milestone rows with their published and computed ratings."""
    with _open(ws) as wh:
        return rate_returns(wh.con, workspace_plans(ws), str(quarter) if quarter else None)


def workspace_risk_trends(ws: Workspace, quarter: Quarter | None = None) -> list[TrendRow]:
    with _open(ws) as wh:
        return risk_trends(wh.con, str(quarter) if quarter else None)


def workspace_derived(
    ws: Workspace, what: str, quarter: Quarter | None = None
) -> list[PointChange] | list[Variance] | list[Gap] | list[OutcomeChange]:
    """One derived table (``calls``, ``finance``, ``surveys`` or ``outcomes``) for a quarter
    (default: the workspace's current quarter)."""
    q = quarter or ws.quarter
    with _open(ws) as wh:
        match what:
            case "calls":
                return call_point_changes(wh.con, q)
            case "finance":
                return finance_variances(wh.con, q)
            case "surveys":
                return survey_gaps(wh.con, q)
            case "outcomes":
                return outcome_changes(wh.con, q)
    raise ValueError(f"no derived table {what!r}; expected one of: {', '.join(DERIVED)}")


def workspace_warnings(ws: Workspace) -> list[tuple[object, ...]]:
    """Acknowledged known issues of loaded returns: (file, row, column, value, message, reason)."""
    with _open(ws) as wh:
        return wh.con.execute(
            """SELECT file, row_number, column_name, value, message, known_issue
               FROM ret_warnings ORDER BY file, row_number, column_name"""
        ).fetchall()


def workspace_decisions(ws: Workspace) -> list[tuple[object, ...]]:
    """Decisions with their strands' and sources' totals: (reference, title, date, approver,
    total, strands, sources, delegation threshold)."""
    with _open(ws) as wh:
        return wh.con.execute(
            """SELECT reference, any_value(title), any_value(date), any_value(approver),
                      any_value(total),
                      sum(amount) FILTER (WHERE line_type = 'strand'),
                      sum(amount) FILTER (WHERE line_type = 'source'),
                      any_value(delegation_threshold)
               FROM ret_decisions GROUP BY reference ORDER BY reference"""
        ).fetchall()


def load_pas(
    ws: Workspace, path: Path, quarter: Quarter, window: str, group_dimension: str = "Group"
) -> LoadResult:
    """Load a PAS multi-header table as the ``surveys`` return of ``quarter``."""
    parsed = parse_pas(path, quarter, window, group_dimension)
    with Warehouse(ws.warehouse_path) as wh:
        sha256 = file_sha256(path)
        if wh.is_loaded(sha256):
            return LoadResult(path, ("surveys",), 0, skipped=True)
        return write_parsed(wh, path, [parsed], sha256)
