"""Force → BCU → borough → ward, with ONS codes and resident population.

Borough codes come from the ONS population file's local-authority names, so a force outside
London works the same way. The Metropolitan Police's airports command is a pseudo-borough with
no residents: it counts towards the force but belongs to no BCU.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

GEO_LEVELS = ("force", "bcu", "borough", "ward")

AVIATION_CODE = "AVIATION"
AVIATION_NAME = "Heathrow and London City Airports (Aviation Security)"
_AVIATION_ALIASES = {
    "london heathrow and london city airports",
    "aviation security (so18)",
    "aviation security",
    "heathrow",
}


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

    def __init__(self, code_by_name: Mapping[str, str]):
        self.code_by_name = dict(code_by_name)
        self._codes = {name_key(n): c for n, c in code_by_name.items()}
        self._names = {c: n for n, c in code_by_name.items()}

    def code(self, name: str) -> str | None:
        key = name_key(name)
        if key in {name_key(a) for a in _AVIATION_ALIASES}:
            return AVIATION_CODE
        return self._codes.get(key)

    def name(self, code: str) -> str:
        if code == AVIATION_CODE:
            return AVIATION_NAME
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
