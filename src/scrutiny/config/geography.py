"""Force → BCU → borough → ward, with ONS codes and resident population.

Borough codes come from the ONS population file's local-authority names, so any force works the
same way. A workspace may name force-only areas (e.g. an airports command): pseudo-boroughs with
no residents that count towards the force but belong to no BCU.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Literal, get_args

#: The levels areas are held at, top down (ward → borough → BCU → force).
GeoLevel = Literal["force", "bcu", "borough", "ward"]
GEO_LEVELS: tuple[str, ...] = get_args(GeoLevel)
#: The levels a crime query may ask for: also one a source publishes figures for whose areas
#: the areas table does not hold (a long table's safer neighbourhood teams).
QueryLevel = Literal[GeoLevel, "snt"]
QUERY_LEVELS: tuple[str, ...] = get_args(QueryLevel)


def name_key(name: str) -> str:
    """Fold the spellings of one area name together: case, '&' vs 'and', punctuation."""
    s = name.lower().replace("&", " and ")
    s = re.sub(r"[^a-z0-9]+", " ", s)
    return " ".join(s.split())


@dataclass(frozen=True)
class Area:
    level: str
    code: str
    name: str
    parent_code: str | None = None


class AreaNames:
    """Resolves the names a publication uses for boroughs to ONS codes."""

    def __init__(
        self,
        code_by_name: Mapping[str, str],
        force_only: Iterable[tuple[str, str, Iterable[str]]] = (),
    ):
        """``force_only``: (code, name, other spellings) of each force-only area."""
        self.code_by_name = dict(code_by_name)
        self._codes = {name_key(n): c for n, c in code_by_name.items()}
        self._names = {c: n for n, c in code_by_name.items()}
        for code, name, aliases in force_only:
            self._names[code] = name
            for alias in (name, *aliases):
                self._codes[name_key(alias)] = code

    def code(self, name: str) -> str | None:
        return self._codes.get(name_key(name))

    def name(self, code: str) -> str:
        return self._names.get(code, code)


def build_areas(
    force_code: str,
    force_name: str,
    boroughs: Mapping[str, str],
    bcus: Mapping[str, Iterable[str]],
    names: AreaNames,
) -> list[Area]:
    """The area hierarchy above wards.

    ``boroughs`` maps code → name of the boroughs the force covers; ``bcus`` maps a BCU name to the
    borough names it covers (as the workspace spells them). Raises ValueError for an unknown name.
    """
    areas = [Area("force", force_code, force_name)]
    parent_of: dict[str, str] = {}
    for bcu, members in bcus.items():
        bcu_code = f"{force_code}-{name_key(bcu).replace(' ', '-').upper()}"
        areas.append(Area("bcu", bcu_code, bcu, force_code))
        for member in members:
            code = names.code(member)
            if code is None or code not in boroughs:
                raise ValueError(f"BCU {bcu!r}: {member!r} is not a borough of the force")
            if code in parent_of:
                raise ValueError(f"BCU {bcu!r}: {member!r} is already in another BCU")
            parent_of[code] = bcu_code
    for code, name in sorted(boroughs.items()):
        areas.append(Area("borough", code, name, parent_of.get(code)))
    return areas
