"""Outputs never delete or overwrite files scrutiny did not write (issue: `site --out WS`
deleted a workspace; a user's `a.docx` beside an `index.html` was removed)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from click.testing import Result
from typer.testing import CliRunner

from scrutiny.cli import app
from scrutiny.config.workspace import Workspace
from scrutiny.outputs import MARKER, OutputError, OutputFolder, check_new_file
from scrutiny.web.site import build_site

runner = CliRunner()
CATEGORY = "Robbery of Personal Property"


def tree(folder: Path) -> dict[str, bytes]:
    """Every file below ``folder`` with its bytes (a warehouse by name: opening it to check
    that everything is loaded may checkpoint it)."""
    return {
        str(p.relative_to(folder)): b"" if p.suffix == ".duckdb" else p.read_bytes()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def one_error_line(result: Result) -> str:
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, lines
    assert "Traceback" not in result.output
    return lines[0]


def test_site_out_the_workspace_deletes_nothing(web_ws: Workspace) -> None:
    before = tree(web_ws.root)
    result = runner.invoke(app, ["site", "-w", str(web_ws.root), "--out", str(web_ws.root)])
    assert result.exit_code == 1
    assert "workspace" in one_error_line(result)
    assert tree(web_ws.root) == before


def test_site_out_a_parent_of_the_workspace_deletes_nothing(web_ws: Workspace) -> None:
    parent = web_ws.root.parent
    before = tree(parent)
    result = runner.invoke(app, ["site", "-w", str(web_ws.root), "--out", str(parent), "--force"])
    assert result.exit_code == 1
    one_error_line(result)
    assert tree(parent) == before


def test_site_leaves_a_users_folder_with_an_index_alone(web_ws: Workspace, tmp_path: Path) -> None:
    out = tmp_path / "out"
    (out / "sub").mkdir(parents=True)
    (out / "index.html").write_text("hi\n")
    (out / "sub" / "a.docx").write_text("k\n")
    before = tree(out)
    result = runner.invoke(app, ["site", "-w", str(web_ws.root), "--out", str(out)])
    assert result.exit_code == 1
    assert MARKER in one_error_line(result)
    assert tree(out) == before
    # --force still never replaces a file scrutiny did not write.
    result = runner.invoke(app, ["site", "-w", str(web_ws.root), "--out", str(out), "--force"])
    assert result.exit_code == 1
    assert "index.html: exists and was not written by scrutiny" in one_error_line(result)
    assert tree(out) == before


def test_force_and_rebuilds_touch_only_the_tools_files(web_ws: Workspace, tmp_path: Path) -> None:
    out = tmp_path / "out"
    (out / "sub").mkdir(parents=True)
    (out / "sub" / "a.docx").write_text("k\n")
    with pytest.raises(OutputError):
        build_site(web_ws, out, [CATEGORY])
    first = build_site(web_ws, out, [CATEGORY], force=True)
    assert (out / "sub" / "a.docx").read_text() == "k\n"
    owned = [n for n in (out / MARKER).read_text().splitlines() if not n.startswith("#")]
    assert "index.html" in owned and "sub/a.docx" not in owned
    assert len(owned) == len(first.pages) + len(first.files)
    # A later run: the user's new file stays, a page an earlier run wrote and this one does not
    # is removed, and no --force is needed for a folder scrutiny marked.
    (out / "notes.txt").write_text("mine\n")
    (out / "old").mkdir()
    (out / "old" / "page.html").write_text("stale\n")
    with (out / MARKER).open("a") as fh:
        fh.write("old/page.html\n../outside.txt\n")
    (tmp_path / "outside.txt").write_text("outside\n")
    build_site(web_ws, out, [CATEGORY])
    assert (out / "notes.txt").read_text() == "mine\n"
    assert (out / "sub" / "a.docx").read_text() == "k\n"
    assert not (out / "old").exists()
    assert (tmp_path / "outside.txt").exists()  # a marker never reaches outside its folder


def test_report_out_keeps_user_files(demo_ws: Workspace, tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    (out / "budget.xlsx").write_text("mine\n")
    args = ["report", "-w", str(demo_ws.root), "--out", str(out), "--no-pdf"]
    result = runner.invoke(app, [*args, "--quarter", "2023-24Q1"])
    assert result.exit_code == 1
    assert MARKER in one_error_line(result)
    assert tree(out) == {"budget.xlsx": b"mine\n"}
    # A user's file with the report's own name is never replaced, even with --force.
    (out / "MPS-2023-24Q1-current.html").write_text("my draft\n")
    result = runner.invoke(app, [*args, "--force", "--quarter", "2023-24Q1"])
    assert result.exit_code == 1
    assert "MPS-2023-24Q1-current.html: exists and was not written" in one_error_line(result)
    assert (out / "MPS-2023-24Q1-current.html").read_text() == "my draft\n"
    (out / "MPS-2023-24Q1-current.html").unlink()
    result = runner.invoke(app, [*args, "--force", "--quarter", "2023-24Q1"])
    assert result.exit_code == 0, result.output
    assert (out / "budget.xlsx").read_text() == "mine\n"
    # Another quarter beside the first: the first quarter's report (the tool's own) stays.
    result = runner.invoke(app, [*args, "--quarter", "2023-24Q2"])
    assert result.exit_code == 0, result.output
    assert {"MPS-2023-24Q1-current.html", "MPS-2023-24Q2-current.html"} <= set(tree(out))


def test_template_never_overwrites_without_force(tmp_path: Path) -> None:
    existing = tmp_path / "existing.csv"
    existing.write_text("my figures\n")
    result = runner.invoke(app, ["template", "milestones", "--out", str(existing)])
    assert result.exit_code == 1
    assert "already exists" in one_error_line(result)
    assert existing.read_text() == "my figures\n"
    result = runner.invoke(app, ["template", "milestones", "--out", str(existing), "--force"])
    assert result.exit_code == 0, result.output
    assert existing.read_text() != "my figures\n"


def test_plan_schema_out_never_overwrites(tmp_path: Path) -> None:
    existing = tmp_path / "schema.json"
    existing.write_text("{}")
    result = runner.invoke(app, ["plan-schema", "--out", str(existing)])
    assert result.exit_code == 1 and existing.read_text() == "{}"


def test_a_symlink_planted_in_an_output_folder_is_refused(tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    OutputFolder.prepare(out, ["a.html"]).finish()
    victim = tmp_path / "victim.txt"
    victim.write_text("precious")
    os.symlink(victim, out / "b.html")
    with pytest.raises(OutputError, match=r"b\.html: exists and was not written"):
        OutputFolder.prepare(out, ["a.html", "b.html"])
    assert victim.read_text() == "precious"


def test_single_file_refuses_a_folder_and_the_workspace(tmp_path: Path) -> None:
    with pytest.raises(OutputError, match="is a folder"):
        check_new_file(tmp_path)
    with pytest.raises(OutputError, match="workspace"):
        check_new_file(tmp_path / "scrutiny.yaml", protected=[tmp_path / "scrutiny.yaml"])
