"""The import rule of docs/ARCHITECTURE.md, enforced: each area of ``src/scrutiny`` imports only
areas of lower layers (or its own), and only ``store`` imports duckdb.

Imports are read with ``ast`` (including those inside functions), so the rule covers lazy
imports too. Known exceptions are listed with the reason they remain; the test also fails when
an exception is no longer needed, so the list can only shrink.
"""

from __future__ import annotations

import ast
from pathlib import Path

import scrutiny

SRC = Path(scrutiny.__file__).resolve().parent

#: Layer of each area (a package or top-level module under ``scrutiny``), lowest first.
LAYERS: dict[str, int] = {
    "config": 0,  # workspace, plan, periods, geography
    "judge": 1,  # pure judgments (RAG rules are the plan's RatingRules)
    "store": 1,  # the warehouse: the only writer and duckdb importer
    "outputs": 1,  # guards for folders the outputs write into
    "sources": 2,  # readers and ingest
    "returns": 2,  # readers, checks and derived tables of the quarterly returns
    "measures": 3,  # Ibis expressions
    "analysis": 4,  # each judgment computed once
    "content": 5,  # the content model and formatting
    "report": 6,  # render
    "web": 6,  # render
    "cli": 7,  # thin commands
    "__main__": 8,
}

#: (importing module, imported area) pairs that break the rule today, and why.
EXCEPTIONS: dict[tuple[str, str], str] = {}

#: Modules outside ``store`` that still import duckdb, and why.
DUCKDB_EXCEPTIONS: dict[str, str] = {}


def _area(module: str) -> str | None:
    parts = module.split(".")
    if parts[0] != "scrutiny" or len(parts) < 2:
        return None
    return parts[1]


def _modules() -> dict[str, list[tuple[str, int]]]:
    """Each module of the package → the modules it imports (with line numbers)."""
    found: dict[str, list[tuple[str, int]]] = {}
    for path in sorted(SRC.rglob("*.py")):
        rel = path.relative_to(SRC.parent).with_suffix("")
        name = ".".join(rel.parts).removesuffix(".__init__")
        imports: list[tuple[str, int]] = []
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                imports.extend((a.name, node.lineno) for a in node.names)
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                imports.append((node.module, node.lineno))
        found[name] = imports
    return found


def test_every_area_has_a_layer() -> None:
    areas = {a for m in _modules() if (a := _area(m))}
    assert areas <= set(LAYERS), f"give these areas a layer: {sorted(areas - set(LAYERS))}"


def test_no_module_imports_a_higher_layer() -> None:
    broken: list[str] = []
    used: set[tuple[str, str]] = set()
    for module, imports in _modules().items():
        own = _area(module)
        if own is None:
            continue
        for target, line in imports:
            area = _area(target)
            if area is None or area == own or LAYERS[area] <= LAYERS[own]:
                continue
            if (module, area) in EXCEPTIONS:
                used.add((module, area))
                continue
            broken.append(f"{module}:{line} imports {target} (layer {own} → {area})")
    assert not broken, "imports against the layer rule:\n" + "\n".join(broken)
    assert used == set(EXCEPTIONS), f"no longer needed: {sorted(set(EXCEPTIONS) - used)}"


def test_only_store_imports_duckdb() -> None:
    found = {
        module
        for module, imports in _modules().items()
        if _area(module) != "store"
        and any(t == "duckdb" or t.startswith("duckdb.") for t, _ in imports)
    }
    unexpected = found - set(DUCKDB_EXCEPTIONS)
    assert not unexpected, f"duckdb imported outside store/: {sorted(unexpected)}"
    assert found == set(DUCKDB_EXCEPTIONS), (
        f"no longer needed: {sorted(set(DUCKDB_EXCEPTIONS) - found)}"
    )
