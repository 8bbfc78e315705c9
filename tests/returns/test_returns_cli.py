"""The returns commands, on the shipped demo (its warehouse kept in a temporary home)."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from scrutiny.cli.returns import app

runner = CliRunner()


def run(*args: str) -> str:
    result = runner.invoke(app, list(args), env={"COLUMNS": "240"})
    assert result.exit_code == 0, result.output
    return result.output


def test_ratings_lists_every_disagreement_with_both_ratings() -> None:
    out = run("ratings", "--disagreements")
    assert "150 of 166 rows (90.4%)" in out
    assert (
        out.count("A (Amber)") + out.count("G (Green)") + out.count("R (Red)") == 32
    )  # 16 rows × 2
    assert "Publish research on stop and search" in out


def test_ratings_of_one_quarter() -> None:
    out = run("ratings", "--quarter", "2023-24Q1")
    assert "2021-22Q1" not in out
    assert "CA (Complete late)" in out


def test_overrides_show_reasons() -> None:
    out = run("overrides")
    assert "16 override(s)" in out
    assert "has not moved forward" in out and "(no reason given in the return)" in out


def test_derived_tables() -> None:
    assert "within ±1.05 pp" in run("derived", "calls")
    assert "differs" in run("derived", "finance")
    assert "-5" in run("derived", "surveys")
    assert "Homicide" in run("derived", "outcomes")


def test_decisions_and_known_issues() -> None:
    assert run("decisions").count("£47,110,918") == 3
    assert "published inconsistency" in run("known-issues")


def test_template_and_validate(tmp_path: Path) -> None:
    out = run("template", "milestones", "--out", str(tmp_path), "--quarter", "2023-24Q1")
    path = tmp_path / "2023-24Q1-milestones.csv"
    assert path.exists() and str(path) in out.replace("\n", "")
    assert "1 of 1 file(s) valid" in run("validate", str(path))
    path.write_text(path.read_text(encoding="utf-8").replace(",CA,", ",Z,"), encoding="utf-8")
    result = runner.invoke(app, ["validate", str(path)])
    assert result.exit_code == 1
    assert (
        "2023-24Q1-milestones.csv: row 2, column 'status': 'Z': expected a rating letter"
        in result.output
    )


def test_template_unknown_kind() -> None:
    result = runner.invoke(app, ["template", "budgets"])
    assert result.exit_code == 1 and "no kind of return 'budgets'" in result.output


def test_plan_and_schema() -> None:
    assert "Victims are better supported" in run("plan")
    assert '"priorities"' in run("plan-schema")
