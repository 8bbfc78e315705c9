"""Output folders and files that never destroy what scrutiny did not write.

A folder scrutiny writes into (the static site, the report) carries a marker file,
``.scrutiny-output``, listing every file the tool wrote there. The rules:

* an empty or new folder is used and marked;
* a marked folder is reused: files it wrote are replaced, and every other file in it stays
  untouched; with ``prune`` (the static site) files an earlier run wrote and this one does not
  are removed, so no stale page survives;
* a non-empty folder without the marker is refused unless ``force`` is given; even then only
  the tool's own files are written and nothing else is removed;
* a file the tool is about to write that exists but is not the tool's own is always refused;
* the workspace folder, any folder above it and any folder holding its sources or its warehouse
  are always refused (``scrutiny site --out WORKSPACE`` must not touch the workspace).

A single output file (a return template, a schema) is refused when it exists, unless ``force``.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Sequence
from pathlib import Path, PurePosixPath

MARKER = ".scrutiny-output"
_HEADER = "# Files written by scrutiny; it replaces or removes only these.\n"


class OutputError(ValueError):
    """An output folder or file scrutiny refuses to write; the message is one line."""


def protected_paths(ws: object) -> list[Path]:
    """What an output must never hold: the workspace folder, its warehouse and its sources."""
    from scrutiny.config.workspace import Workspace

    if not isinstance(ws, Workspace):
        return []
    paths = [ws.root, ws.warehouse_path]
    paths += [ws.root / s.path for s in ws.config.sources]
    paths += [ws.root / r for r in ws.config.returns]
    return paths


def _contains(folder: Path, path: Path) -> bool:
    """True when ``path`` is ``folder`` or lies inside it (globs: their fixed leading part)."""
    target = Path(os.path.realpath(Path(*path.parts[: _fixed(path)])))
    return target == folder or folder in target.parents


def _fixed(path: Path) -> int:
    """How many leading parts of ``path`` hold no glob characters."""
    for i, part in enumerate(path.parts):
        if any(ch in part for ch in "*?["):
            return i
    return len(path.parts)


def check_not_protected(target: Path, protected: Iterable[Path]) -> None:
    folder = Path(os.path.realpath(target))
    for path in protected:
        if _contains(folder, path):
            raise OutputError(
                f"{target}: holds the workspace's own files ({path}); "
                "choose an output folder outside the workspace's data"
            )


def _owned(folder: Path) -> set[str]:
    marker = folder / MARKER
    if not marker.is_file():
        return set()
    names = set()
    for line in marker.read_text(encoding="utf-8", errors="replace").splitlines():
        name = line.strip()
        if name and not name.startswith("#") and _safe_name(name):
            names.add(name)
    return names


def _safe_name(name: str) -> bool:
    """A relative path below the folder: no absolute paths, no ``..``."""
    pure = PurePosixPath(name)
    return not pure.is_absolute() and ".." not in pure.parts and name != MARKER


def _write_marker(folder: Path, names: Iterable[str]) -> None:
    body = _HEADER + "".join(f"{n}\n" for n in sorted(set(names)))
    (folder / MARKER).write_text(body, encoding="utf-8")


class OutputFolder:
    """A folder prepared for the files named in ``planned`` (paths relative to it, ``/``)."""

    def __init__(self, folder: Path, planned: Sequence[str]):
        self.folder = folder
        self.planned = list(dict.fromkeys(planned))
        #: Files of earlier runs left in place (not pruned): still the tool's own.
        self.kept: set[str] = set()

    @classmethod
    def prepare(
        cls,
        folder: Path | str,
        planned: Sequence[str],
        *,
        force: bool = False,
        prune: bool = False,
        protected: Iterable[Path] = (),
    ) -> OutputFolder:
        """Check ``folder`` may take ``planned``, remove the previous run's leftovers, mark it.

        Raises :class:`OutputError` before anything is written or removed.
        """
        folder = Path(folder)
        check_not_protected(folder, protected)
        if folder.exists() and not folder.is_dir():
            raise OutputError(f"{folder}: is a file, not a folder")
        owned = _owned(folder) if folder.exists() else set()
        marked = (folder / MARKER).is_file()
        if folder.exists() and not marked and any(folder.iterdir()) and not force:
            raise OutputError(
                f"{folder}: not empty and not written by scrutiny (no {MARKER} file); "
                "choose a new or empty folder, or --force to add scrutiny's files beside yours"
            )
        clashes = [
            name
            for name in planned
            if name not in owned and ((folder / name).exists() or (folder / name).is_symlink())
        ]
        if clashes:
            more = f" and {len(clashes) - 1} more" if len(clashes) > 1 else ""
            raise OutputError(
                f"{folder / clashes[0]}{more}: exists and was not written by scrutiny; "
                "move it away or choose another folder"
            )
        folder.mkdir(parents=True, exist_ok=True)
        out = cls(folder, planned)
        # Ownership is recorded before writing, so a run cut short still knows its own files.
        _write_marker(folder, owned | set(out.planned))
        if prune:
            out._remove_leftovers(owned - set(out.planned))
        else:
            out.kept = owned - set(out.planned)
        return out

    def _remove_leftovers(self, names: Iterable[str]) -> None:
        root = Path(os.path.realpath(self.folder))
        for name in names:
            path = self.folder / name
            if path.is_symlink() or not path.is_file():
                continue
            if root not in Path(os.path.realpath(path)).parents:
                continue
            path.unlink()
            parent = path.parent
            while parent != self.folder and parent.is_dir() and not any(parent.iterdir()):
                parent.rmdir()
                parent = parent.parent

    def path(self, name: str) -> Path:
        if name not in self.planned:
            raise OutputError(f"{self.folder / name}: not among the files planned for this folder")
        return self.folder / name

    def finish(self, written: Iterable[str] | None = None) -> None:
        """Record exactly what was written (default: every planned file)."""
        names = set(self.planned if written is None else written) | self.kept
        _write_marker(self.folder, names)


def check_new_file(path: Path, *, force: bool = False, protected: Iterable[Path] = ()) -> None:
    """A single output file: refused when it exists (unless ``force``) or is the workspace's."""
    check_not_protected(path, protected)
    if path.is_dir():
        raise OutputError(f"{path}: is a folder, not a file")
    if (path.exists() or path.is_symlink()) and not force:
        raise OutputError(f"{path}: already exists; choose another name or --force to replace it")
