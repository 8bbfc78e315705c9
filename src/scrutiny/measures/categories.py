"""Named selections of crime categories across category schemes.

Every crime figure belongs to a *scheme* (the categories one kind of publication uses: the
London Datastore files' major/minor categories, the 14 data.police.uk crime types, a
force's knife-crime subtypes...) and, in it, to a category and its parent group. A
*selection* is a named set of (scheme, group, category) members whose figures are summed:

* the total of recorded crime (:data:`TOTAL`): every category of the first recorded-crime scheme
  present, but those outside any force total (Action Fraud referrals, anti-social behaviour);
* the workspace's named groups (``category_groups``: "Neighbourhood crime", "Knife crime", a
  total of its own...), which take precedence over every built-in name;
* joined series (``category_joins``): a category renamed between publications (domestic →
  residential burglary) read as one series, with the join noted as a series break;
* each parent group and each category of each scheme.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date

from scrutiny.store.crime_names import RECORDED_CRIME_SCHEMES

TOTAL = "Total Notifiable Offences"
#: Category groups or categories outside any force's recorded-crime total: Action Fraud (NFIB)
#: referrals are recorded nationally, anti-social behaviour is not a notifiable offence.
OUTSIDE_TOTAL = frozenset({"nfib fraud", "anti-social behaviour"})

Member = tuple[str, str, str]  # (scheme, category_group, category)


@dataclass(frozen=True)
class SeriesBreak:
    """A point where a selection's series changes what it counts (e.g. a renamed category)."""

    month: date | None
    note: str


@dataclass(frozen=True)
class Selection:
    """A named set of categories whose figures are summed."""

    name: str
    kind: str  # "total", "group", "joined", "major" or "minor"
    members: frozenset[Member]
    breaks: tuple[SeriesBreak, ...] = ()

    @property
    def pairs(self) -> frozenset[tuple[str, str]]:
        """(group, category) of the members, whatever their scheme."""
        return frozenset((g, c) for _, g, c in self.members)

    @property
    def schemes(self) -> frozenset[str]:
        return frozenset(s for s, _, _ in self.members)


@dataclass(frozen=True)
class GroupSpec:
    """A workspace's named group or joined series, as the measures read it.

    ``categories`` and ``groups`` name members (case-insensitive) in any scheme unless
    ``scheme`` restricts them; ``every_category`` takes all of the scheme's categories but
    those outside totals and those in ``exclude``. A ``joined`` spec is a renamed category
    read as one series: it carries ``breaks``.
    """

    name: str
    categories: Sequence[str] = ()
    groups: Sequence[str] = ()
    scheme: str | None = None
    every_category: bool = False
    exclude: Sequence[str] = ()
    joined: bool = False
    breaks: tuple[SeriesBreak, ...] = field(default=())

    def chooses(self, member: Member) -> bool:
        scheme, group, category = member
        if self.scheme is not None and scheme.lower() != self.scheme.lower():
            return False
        if {group.lower(), category.lower()} & {e.lower() for e in self.exclude}:
            return False
        if self.every_category:
            return not _outside_total(member)
        return category.lower() in {c.lower() for c in self.categories} or group.lower() in {
            g.lower() for g in self.groups
        }


def _outside_total(member: Member) -> bool:
    return bool({member[1].lower(), member[2].lower()} & OUTSIDE_TOTAL)


def selections(members: Iterable[Member], groups: Sequence[GroupSpec] = ()) -> dict[str, Selection]:
    """Every selection the data support, keyed by lower-case name (the first of a name wins).

    ``members`` are the (scheme, group, category) triples published; ``groups`` the workspace's
    named groups and joined series.
    """
    ordered = sorted(set(members), key=_scheme_order)
    found: dict[str, Selection] = {}

    def add(
        name: str, kind: str, chosen: Iterable[Member], breaks: tuple[SeriesBreak, ...] = ()
    ) -> None:
        chosen = frozenset(chosen)
        if chosen and name and name.lower() not in found:
            found[name.lower()] = Selection(name, kind, chosen, breaks)

    for spec in groups:
        kind = "joined" if spec.joined else "group"
        add(spec.name, kind, (m for m in ordered if spec.chooses(m)), spec.breaks)
    recorded = [s for s in RECORDED_CRIME_SCHEMES if any(m[0] == s for m in ordered)]
    if recorded:
        add(TOTAL, "total", (m for m in ordered if m[0] == recorded[0] and not _outside_total(m)))
    for scheme, group in dict.fromkeys((m[0], m[1]) for m in ordered):
        add(group, "major", (m for m in ordered if (m[0], m[1]) == (scheme, group)))
    for member in ordered:
        add(member[2], "minor", [member])
    return found


def _scheme_order(member: Member) -> tuple[int, str, str, str]:
    scheme = member[0]
    rank = (
        RECORDED_CRIME_SCHEMES.index(scheme)
        if scheme in RECORDED_CRIME_SCHEMES
        else len(RECORDED_CRIME_SCHEMES)
    )
    return (rank, *member)


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


def default_names(headline: Sequence[str], available: dict[str, Selection]) -> list[str]:
    """What `scrutiny crime` shows with no category: the workspace's headline categories that
    the data hold; else its first group; else the total; else the first category there is."""
    held = [n for n in headline if n.strip().lower() in available]
    if held:
        return held
    for kind in ("group", "total", "major", "minor"):
        first = next((s.name for s in available.values() if s.kind == kind), None)
        if first:
            return [first]
    return []
