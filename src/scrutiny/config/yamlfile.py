"""Reading a YAML file people edit (scrutiny.yaml, the plan, decision returns) strictly.

``yaml.safe_load`` alone builds no objects, but it still keeps the last of two equal keys
(a second ``sources:`` silently replaced the first), turns a 5,000-digit number into a
``ValueError`` far from the file, recurses until Python gives up on deep nesting and reads a
binary file as a string. Here each of those is one line naming the file, line and column.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import yaml

if TYPE_CHECKING:
    from pydantic import BaseModel, ValidationError

    M = TypeVar("M", bound=BaseModel)

#: Nesting deeper than this is no configuration a person wrote.
MAX_DEPTH = 100
#: Digits in an integer: 18 fit a 64-bit count; more is a typing slip or an attack.
MAX_INT_DIGITS = 18


class YamlError(ValueError):
    """A YAML file that cannot be read; ``str()`` is one line: file, line, column, problem."""

    def __init__(self, name: str, problem: str, line: int | None = None, column: int | None = None):
        self.name, self.problem, self.line, self.column = name, problem, line, column
        where = name
        if line is not None:
            where += f": line {line}" + (f", column {column}" if column is not None else "")
        super().__init__(f"{where}: {problem}")


def _mark(node: yaml.Node) -> tuple[int, int]:
    return node.start_mark.line + 1, node.start_mark.column + 1


class _StrictLoader(yaml.SafeLoader):
    """SafeLoader that refuses duplicate keys, over-long integers and deep nesting."""

    name = "?"

    def compose_node(self, parent: yaml.Node | None, index: int) -> yaml.Node | None:
        depth = getattr(self, "_depth", 0) + 1
        if depth > MAX_DEPTH:
            mark = self.peek_event().start_mark
            problem = f"nested more than {MAX_DEPTH} levels deep"
            raise YamlError(self.name, problem, mark.line + 1, mark.column + 1)
        self._depth = depth
        try:
            return super().compose_node(parent, index)
        finally:
            self._depth = depth - 1

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
        seen: dict[Any, yaml.Node] = {}
        for key_node, _ in node.value:
            key = self.construct_object(key_node, deep=True)
            try:
                duplicate = key in seen
            except TypeError:  # an unhashable key: SafeLoader reports it below
                continue
            if duplicate:
                line, column = _mark(key_node)
                first, _ = _mark(seen[key])
                raise YamlError(
                    self.name, f"key {key!r} appears twice (first on line {first})", line, column
                )
            seen[key] = key_node
        return super().construct_mapping(node, deep)

    def construct_yaml_int(self, node: yaml.ScalarNode) -> int:
        digits = sum(ch.isdigit() for ch in str(node.value))
        if digits > MAX_INT_DIGITS:
            line, column = _mark(node)
            raise YamlError(
                self.name, f"a number of {digits} digits; at most {MAX_INT_DIGITS}", line, column
            )
        return int(super().construct_yaml_int(node))


_StrictLoader.add_constructor("tag:yaml.org,2002:int", _StrictLoader.construct_yaml_int)


def read_text(path: Path) -> str:
    """The file's text: UTF-8 (a byte-order mark allowed), no NUL bytes."""
    if not path.is_file():
        raise YamlError(str(path), "no such file")
    data = path.read_bytes()
    if b"\x00" in data:
        line = data[: data.index(b"\x00")].count(b"\n") + 1
        raise YamlError(path.name, "a binary file (NUL byte), expected YAML text", line)
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        byte = data[exc.start]
        raise YamlError(
            path.name, f"not UTF-8 (byte 0x{byte:02x}); re-save the file as UTF-8", line
        ) from None


def _loader(text: str, name: str) -> _StrictLoader:
    loader = _StrictLoader(text)
    loader.name = name
    return loader


def _run(text: str, name: str, compose: bool) -> Any:
    loader = _loader(text, name)
    try:
        return loader.get_single_node() if compose else loader.get_single_data()
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        problem = " ".join(str(p) for p in (exc.context, exc.problem) if p)
        line, column = (None, None) if mark is None else (mark.line + 1, mark.column + 1)
        raise YamlError(name, f"not valid YAML: {problem}", line, column) from None
    except yaml.YAMLError as exc:
        raise YamlError(name, f"not valid YAML: {exc}".replace("\n", " ")) from None
    except RecursionError:  # a last guard; MAX_DEPTH stops any file before this
        raise YamlError(name, "nested too deeply") from None
    finally:
        loader.dispose()


def parse(text: str, name: str) -> Any:
    """The data of a YAML document, strictly (see the module's docstring)."""
    return _run(text, name, compose=False)


def compose(text: str, name: str) -> yaml.Node | None:
    """The node tree of a YAML document (for line numbers), with the same depth guard."""
    node: yaml.Node | None = _run(text, name, compose=True)
    return node


def read_yaml_mapping(
    path: Path,
    model: type[M],
    error: Callable[[str], Exception],
    *,
    expected: str = "a mapping",
    name: str | None = None,
    missing: str | None = None,
    empty: bool = False,
) -> M:
    """A configuration file people edit, read strictly, expected to hold ``expected`` (a
    mapping) at the top level and validated as ``model``. Every problem is raised as
    ``error`` with one line: the file (``name``, default its name), the line or key path, what
    was expected. ``missing``: what to say when there is no such file; ``empty``: an empty file
    is an empty mapping."""
    from pydantic import ValidationError

    shown = name or path.name
    if missing is not None and not path.is_file():
        raise error(f"{path}: {missing}")
    try:
        data = parse(read_text(path), shown)
    except YamlError as exc:
        raise error(str(exc)) from None
    if data is None and empty:
        data = {}
    if not isinstance(data, dict):
        raise error(f"{shown}: expected {expected} at the top level")
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        raise error(validation_problems(path.name, exc)) from None


def validation_problems(name: str, exc: ValidationError) -> str:
    """A file's validation errors in one line: ``name: key.path: problem; …``."""
    problems = []
    for err in exc.errors():
        where = ".".join(str(p) for p in err["loc"]) or "(top level)"
        problems.append(f"{where}: {err['msg']}")
    return f"{name}: " + "; ".join(problems)
