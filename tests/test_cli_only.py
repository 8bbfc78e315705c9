"""A run of one command builds only that command (cli/only.py), and sees it exactly as the
whole app does."""

from __future__ import annotations

import pytest
import typer
from typer.main import get_command
from typer.testing import CliRunner

from scrutiny.cli.main import app
from scrutiny.cli.only import for_command

runner = CliRunner()
COMMANDS = sorted(get_command(app).commands)  # type: ignore[attr-defined]


def test_every_command_is_found() -> None:
    assert {"crime", "ingest", "report", "serve", "ratings", "load-returns"} <= set(COMMANDS)
    for name in COMMANDS:
        pruned = for_command(app, [name, "--help"])
        assert pruned is not app
        assert list(get_command(pruned).commands) == [name]  # type: ignore[attr-defined]
    assert app.registered_commands and len(app.registered_groups) == 1  # the app is untouched


@pytest.mark.parametrize("name", COMMANDS)
def test_a_command_alone_reads_its_options_as_in_the_whole_app(name: str) -> None:
    whole = runner.invoke(app, [name, "--help"], terminal_width=100)
    alone = runner.invoke(for_command(app, [name, "--help"]), [name, "--help"], terminal_width=100)
    assert whole.exit_code == alone.exit_code == 0
    assert alone.output == whole.output
    bad = [name, "--no-such-option"]
    assert runner.invoke(for_command(app, bad), bad).output == runner.invoke(app, bad).output


@pytest.mark.parametrize("argv", [[], ["--help"], ["crme"], ["--help", "crime"]])
def test_anything_but_a_command_gets_the_whole_app(argv: list[str]) -> None:
    assert for_command(app, argv) is app


def test_an_app_with_a_callback_of_its_own_is_left_whole() -> None:
    other = typer.Typer()
    other.callback()(lambda verbose: None)
    other.command()(lambda: None)
    assert for_command(other, ["<lambda>"]) is other


def test_a_run_skips_the_last_garbage_collection(monkeypatch: pytest.MonkeyPatch) -> None:
    import atexit
    import gc

    registered: list[object] = []
    monkeypatch.setattr(atexit, "register", registered.append)
    with pytest.raises(SystemExit) as done:
        app(["version"], prog_name="scrutiny", standalone_mode=True)
    assert done.value.code == 0
    assert registered == [gc.freeze]
