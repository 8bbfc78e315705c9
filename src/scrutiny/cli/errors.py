"""The command line's error boundary: every fault becomes one line on stderr and an exit code.

Exit codes: 0 done; 1 bad input (a file, a return, a configuration); 2 usage (an unknown option
or command, from Click); 3 environment (the warehouse is in use, damaged or cannot be written,
out of memory or disk). ``SCRUTINY_DEBUG=1`` re-raises instead, for the traceback.

Expected errors (an :class:`~scrutiny.store.warehouse.IngestError`, a workspace error…) already name
their file, line and column; this module adds the faults no reader can foresee: DuckDB's lock
and corruption errors, the operating system's, Python's limits.
"""

from __future__ import annotations

import atexit
import errno
import gc
import os
import sys
from typing import Any

import typer

BAD_INPUT = 1
USAGE = 2
ENVIRONMENT = 3


def describe(exc: BaseException) -> tuple[int, str]:
    """The exit code and the one line that say what went wrong (pure: for tests too)."""
    from scrutiny.store.engine import describe_error

    if (warehouse := describe_error(exc)) is not None:
        return ENVIRONMENT, warehouse
    if isinstance(exc, MemoryError):
        return ENVIRONMENT, "out of memory; close other programs or load fewer files at once"
    if isinstance(exc, RecursionError):
        return BAD_INPUT, "input nested too deeply to read"
    if isinstance(exc, OverflowError):
        return BAD_INPUT, f"a number too large to store ({exc})"
    if isinstance(exc, UnicodeError):
        return BAD_INPUT, f"a file is not UTF-8 text ({exc}); re-save it as UTF-8"
    if isinstance(exc, OSError):
        return _os(exc)
    if isinstance(exc, ValueError | LookupError):
        return BAD_INPUT, str(exc)
    return BAD_INPUT, (
        f"unexpected error: {type(exc).__name__}: {exc} (set SCRUTINY_DEBUG=1 for the traceback)"
    )


def _os(exc: OSError) -> tuple[int, str]:
    name = exc.filename or ""
    where = f"{name}: " if name else ""
    if exc.errno == errno.ENOENT:
        return BAD_INPUT, f"{where}no such file or folder"
    if exc.errno in (errno.EACCES, errno.EPERM):
        return ENVIRONMENT, f"{where}permission denied"
    if exc.errno == errno.EROFS:
        return ENVIRONMENT, f"{where}the file system is read-only"
    if exc.errno == errno.ENOSPC:
        return ENVIRONMENT, f"{where}the disk is full"
    if exc.errno == errno.EISDIR:
        return BAD_INPUT, f"{where}is a folder, expected a file"
    return ENVIRONMENT, f"{where}{exc.strerror or exc}"


def report(exc: BaseException) -> int:
    """Print ``exc`` as one line on stderr; the exit code."""
    code, message = describe(exc)
    message = " ".join(message.split())  # one line, whatever the message held
    sys.stderr.write(f"error: {message}\n")
    sys.stderr.flush()
    return code


class GuardedTyper(typer.Typer):
    """A Typer app whose every uncaught exception ends as :func:`report`'s one line."""

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        from scrutiny.cli.only import for_command

        # The process is about to end when the command returns: its last full garbage
        # collection (every object of Pydantic, DuckDB, Typer…) is work for nothing, about a
        # tenth of a read command's CPU. Frozen objects are skipped (run last of the handlers).
        atexit.register(gc.freeze)

        argv = kwargs.get("args", args[0] if args else None)
        app = for_command(self, sys.argv[1:] if argv is None else list(argv))
        try:
            return typer.Typer.__call__(app, *args, **kwargs)
        except (typer.Exit, SystemExit, KeyboardInterrupt):
            raise
        except Exception as exc:
            if os.environ.get("SCRUTINY_DEBUG"):
                raise
            sys.exit(report(exc))
