"""Named selections of crime categories: the total, each major and minor category, named groups."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

TOTAL = "Total Notifiable Offences"
#: Outside the total: Action Fraud referrals (NFIB) are recorded nationally, not by the force;
#: anti-social behaviour (data.police.uk) is an incident, not a notifiable offence.
OUTSIDE_TOTAL = frozenset({"NFIB Fraud", "Anti-social behaviour"})


@dataclass(frozen=True)
class Selection:
    """A named set of (major, minor) category pairs."""

    name: str
    kind: str  # "total", "major", "minor" or "group"
    pairs: frozenset[tuple[str, str]]


def selections(
    pairs: Iterable[tuple[str, str]],
    groups: Sequence[tuple[str, Sequence[str], Sequence[str]]] = (),
) -> dict[str, Selection]:
    """Every selection the data supports, keyed by lower-case name.

    ``pairs`` are the (major, minor) pairs present in the data; ``groups`` are the workspace's
    named groups as (name, minor categories, major categories). A minor category that shares its
    major category's name is reachable through the major one.
    """
    pairs = sorted(set(pairs))
    found: dict[str, Selection] = {}

    def add(name: str, kind: str, chosen: Iterable[tuple[str, str]]) -> None:
        chosen = frozenset(chosen)
        if chosen and name.lower() not in found:
            found[name.lower()] = Selection(name, kind, chosen)

    add(TOTAL, "total", (p for p in pairs if p[0] not in OUTSIDE_TOTAL))
    for name, minors, majors in groups:
        wanted_minor, wanted_major = {m.lower() for m in minors}, {m.lower() for m in majors}
        add(
            name,
            "group",
            (p for p in pairs if p[1].lower() in wanted_minor or p[0].lower() in wanted_major),
        )
    for major in sorted({p[0] for p in pairs}):
        add(major, "major", (p for p in pairs if p[0] == major))
    for major, minor in pairs:
        add(minor, "minor", [(major, minor)])
    return found


def resolve(available: dict[str, Selection], names: Sequence[str]) -> list[Selection]:
    """The selections asked for by name (case-insensitive); ValueError names the unknown one."""
    chosen = []
    for name in names:
        sel = available.get(name.strip().lower())
        if sel is None:
            close = [s.name for k, s in available.items() if name.strip().lower() in k][:5]
            hint = f"; did you mean {', '.join(repr(c) for c in close)}?" if close else ""
            raise ValueError(f"unknown category {name!r}{hint}")
        chosen.append(sel)
    return chosen
