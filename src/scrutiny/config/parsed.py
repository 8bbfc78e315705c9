"""``scrutiny.yaml`` as last validated, kept between runs so a read command skips YAML and
validation.

Reading the file strictly and validating it means importing PyYAML and building every model's
validator: tens of milliseconds of a command such as ``scrutiny crime`` that prints in a few
hundred. Validation is a pure function of the file's text and of the code that defines the
models, so its result is kept (as JSON) under ``$SCRUTINY_HOME/cache/workspace``, one entry
per workspace file, keyed by a digest of the file's bytes, of the model code and of the Pydantic
version. Any edit is a new key: the file is read and validated again, and an invalid file is
never cached, so its error is reported as before. An unreadable or unwritable cache only costs
the validation.
"""

from __future__ import annotations

import hashlib
import json
import os
import types
from pathlib import Path
from typing import Any, TypeVar, Union, get_args, get_origin

import pydantic
from pydantic import BaseModel

_FORMAT = 1
#: The modules whose code decides what a valid workspace file becomes.
_CODE = ("workspace.py", "periods.py", "parsed.py")

M = TypeVar("M", bound=BaseModel)


def key(file: Path) -> str | None:
    """What the validated file depends on: a digest of its bytes and of the model code (a few
    kilobytes: cheap to hash, and exact where a size and a time would miss two saves within one
    clock tick). None when the file cannot be read (validation then reports it)."""
    digest = hashlib.sha256(f"{_FORMAT} {pydantic.VERSION}".encode())
    here = Path(__file__).parent
    try:
        for path in (file, *(here / name for name in _CODE)):
            data = path.read_bytes()
            digest.update(f"{len(data)}:".encode())
            digest.update(data)
    except OSError:
        return None
    return digest.hexdigest()


def _path(folder: Path, file: Path) -> Path:
    """One entry per workspace file (a new version replaces the old one)."""
    name = hashlib.sha256(str(file.resolve()).encode()).hexdigest()[:32]
    return folder / f"{name}.json"


def read(folder: Path, file: Path, found: str) -> dict[str, Any] | None:
    """The data kept for ``file`` under key ``found``, or None."""
    try:
        data = json.loads(_path(folder, file).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(data, dict) or data.get("key") != found:
        return None
    value = data.get("data")
    return value if isinstance(value, dict) else None


def write(folder: Path, file: Path, found: str, data: dict[str, Any]) -> None:
    """Keep ``data`` for ``file`` under key ``found``, atomically."""
    target = _path(folder, file)
    try:
        folder.mkdir(parents=True, exist_ok=True)
        tmp = target.with_name(f"{target.name}.{os.getpid()}.tmp")
        tmp.write_text(json.dumps({"key": found, "data": data}), encoding="utf-8")
        os.replace(tmp, target)
    except OSError:
        pass


def dump(model: BaseModel) -> dict[str, Any]:
    """A validated model as JSON data: only the fields the file set, so :func:`construct`
    gives back the same defaults and the same ``model_fields_set``."""
    return model.model_dump(mode="json", exclude_unset=True)


def construct(cls: type[M], data: dict[str, Any]) -> M:
    """The model ``cls`` from data :func:`dump` gave, without validating it again (it was
    validated when kept); nested models are rebuilt as their own classes."""
    fields = cls.model_fields
    missing = [n for n, f in fields.items() if f.is_required() and n not in data]
    if missing:
        raise KeyError(f"{cls.__name__}: {missing} missing")
    values = {name: _value(fields[name].annotation, value) for name, value in data.items()}
    return cls.model_construct(**values)


def _value(annotation: Any, value: Any) -> Any:
    if value is None:
        return None
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return construct(annotation, value)
    origin, args = get_origin(annotation), get_args(annotation)
    if origin is list:
        return [_value(args[0], v) for v in value]
    if origin is dict:
        return {k: _value(args[1], v) for k, v in value.items()}
    if origin in (Union, types.UnionType):
        kinds = [a for a in args if a is not type(None)]
        if len(kinds) == 1:
            return _value(kinds[0], value)
        if any(isinstance(a, type) and issubclass(a, BaseModel) for a in kinds):
            raise TypeError(f"cannot rebuild a union of models: {annotation}")
    return value
