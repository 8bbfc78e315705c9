"""Build only the command being run.

On every start Typer turns each registered command's signature into Click options: for 23
commands about 20 ms of CPU, most of a command's own start-up after the imports. A run of one
command needs only that one, so :func:`for_command` gives the app with the others left out when
the first argument names a command; anything else (``--help``, no argument, a misspelt command)
gets the whole app, with Typer's own listing and suggestions.
"""

from __future__ import annotations

import copy
from collections.abc import Sequence
from typing import TypeVar

import typer
from typer.main import get_command_name
from typer.models import CommandInfo, DefaultPlaceholder, TyperInfo

T = TypeVar("T", bound=typer.Typer)


def _name(info: CommandInfo) -> str | None:
    if info.name:
        return info.name
    return get_command_name(info.callback.__name__) if info.callback else None


def _group() -> None:
    """Keeps the pruned app a group (one command alone would run without its name)."""


def _unset(value: object) -> bool:
    """A Typer setting left at its default (Typer wraps defaults in a placeholder)."""
    return not (value.value if isinstance(value, DefaultPlaceholder) else value)


def _nameless(group: TyperInfo, sub: typer.Typer) -> bool:
    """A group whose commands Typer lists among its parent's own."""
    named = not (_unset(group.name) and _unset(sub.info.name))
    return not (named or sub.registered_callback or not _unset(sub.info.callback))


def for_command(app: T, argv: Sequence[str]) -> T:
    """``app`` with only the command ``argv[0]`` names, or ``app`` itself."""
    if not argv or argv[0].startswith("-") or app.registered_callback:
        return app
    if not _unset(app.info.callback):
        return app
    kept = [c for c in app.registered_commands if _name(c) == argv[0]]
    for group in app.registered_groups:  # a group added without a name: its commands are top
        sub = group.typer_instance  # level commands too
        if sub is not None and _nameless(group, sub):
            kept += [c for c in sub.registered_commands if _name(c) == argv[0]]
    if len(kept) != 1:
        return app
    pruned = copy.copy(app)
    pruned.registered_commands = kept
    pruned.registered_groups = []
    pruned.callback()(_group)
    return pruned
