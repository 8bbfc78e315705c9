"""data.police.uk street-level records summed into canonical crime counts.

Each street-level record is one crime (or one anti-social behaviour incident) with the month, the
LSOA it happened in, one of 14 crime types and its last outcome. Summed per month, area and crime
type they give two measures in the ``police.uk`` category scheme:

* ``offences``: the records;
* ``positive_outcomes``: the records whose last outcome is one the Home Office counts as a
  positive outcome (see :data:`POSITIVE_OUTCOMES`). Anti-social behaviour has no outcomes: for it
  the measure is not published (missing), not zero.

Areas: a record's LSOA places it in a ward and a local authority (the level called ``borough``).
A record with no location, or at an LSOA the lookup lacks, counts in the ``unallocated`` area; a
record the force placed in a local authority outside its own (police.uk files carry some: crimes
a force dealt with across its border) counts in the ``outside`` area, never in the force's
districts. Both pseudo-areas count for the force total.

Zeros and gaps: a month for which a street file was published is published for every crime type,
so a crime type with no records that month is a zero; a month with no file is missing. The
published months are returned beside the counts (:class:`StreetCounts`), and the counts keep only
non-zero cells.

The sums are one portable Ibis expression over the ``street_crimes`` table (no backend SQL).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date

import ibis
import ibis.expr.types as ir
import pyarrow as pa
import pyarrow.compute as pc

SCHEME = "police.uk"
OFFENCES = "offences"
POSITIVE = "positive_outcomes"

#: The pseudo-areas beside a force's local authorities (both count for the force only).
UNALLOCATED = "unallocated"
OUTSIDE = "outside"
PSEUDO_AREA_NAMES = {
    UNALLOCATED: "Unallocated (no location)",
    OUTSIDE: "Outside the force area",
}

#: The 14 crime types data.police.uk has published since May 2013.
CRIME_TYPES = (
    "Anti-social behaviour",
    "Bicycle theft",
    "Burglary",
    "Criminal damage and arson",
    "Drugs",
    "Other crime",
    "Other theft",
    "Possession of weapons",
    "Public order",
    "Robbery",
    "Shoplifting",
    "Theft from the person",
    "Vehicle crime",
    "Violence and sexual offences",
)
#: Not a notifiable offence: no outcome is recorded for it, and it is outside any crime total.
ANTI_SOCIAL_BEHAVIOUR = "Anti-social behaviour"

#: data.police.uk "Last outcome category" values that are positive outcomes, with the Home Office
#: crime outcome group each stands for (Home Office, "Crime outcomes in England and Wales",
#: outcome types 1-8: charged/summonsed, cautions, offences taken into consideration, penalty
#: notices for disorder, cannabis/khat warnings, community resolutions).
POSITIVE_OUTCOMES: Mapping[str, str] = {
    # Outcome 1, charged or summonsed: every court stage and result follows a charge, so the
    # outcome counts as positive whatever the court later decides (as in the Home Office series).
    "Suspect charged": "charged or summonsed (outcome 1)",
    "Suspect charged as part of another case": "charged or summonsed (outcome 1)",
    "Awaiting court outcome": "charged or summonsed (outcome 1), court pending",
    "Court result unavailable": "charged or summonsed (outcome 1)",
    "Court case unable to proceed": "charged or summonsed (outcome 1)",
    "Defendant sent to Crown Court": "charged or summonsed (outcome 1)",
    "Defendant found not guilty": "charged or summonsed (outcome 1)",
    "Offender sent to prison": "charged or summonsed (outcome 1), convicted",
    "Offender given suspended prison sentence": "charged or summonsed (outcome 1), convicted",
    "Offender given community sentence": "charged or summonsed (outcome 1), convicted",
    "Offender fined": "charged or summonsed (outcome 1), convicted",
    "Offender given conditional discharge": "charged or summonsed (outcome 1), convicted",
    "Offender given absolute discharge": "charged or summonsed (outcome 1), convicted",
    "Offender ordered to pay compensation": "charged or summonsed (outcome 1), convicted",
    "Offender deprived of property": "charged or summonsed (outcome 1), convicted",
    "Offender otherwise dealt with": "charged or summonsed (outcome 1), convicted",
    "Offender given a caution": "caution (outcomes 2-3)",
    "Offender given a drugs possession warning": "cannabis or khat warning (outcome 7)",
    "Offender given penalty notice": "penalty notice for disorder (outcome 6)",
    "Local resolution": "community resolution (outcome 8)",
    "Offender given community resolution": "community resolution (outcome 8)",
    "Offence taken into consideration": "taken into consideration (outcome 4)",
}
#: The other values, and why each is not positive (for the documentation and the tests).
OTHER_OUTCOMES: Mapping[str, str] = {
    "Investigation complete; no suspect identified": "no suspect identified (outcome 18)",
    "Unable to prosecute suspect": "evidential difficulties (outcomes 14-16)",
    "Formal action is not in the public interest": "not in the public interest (outcomes 10, 21)",
    "Further action is not in the public interest": "not in the public interest (outcomes 10, 21)",
    "Further investigation is not in the public interest": "not in the public interest (21)",
    "Action to be taken by another organisation": "passed to another body (outcome 20)",
    "Under investigation": "no outcome yet",
    "Status update unavailable": "no outcome recorded",
}


@dataclass(frozen=True)
class StreetCounts:
    """Canonical crime rows from street-level records, and the months they speak for."""

    #: month, geo_level, area_code, area_name, scheme, category_group, category, measure, count
    counts: pa.Table
    #: scheme, measure, category_group, category, month: every cell a published file speaks for
    published: pa.Table
    #: geo_level, measure, area_code, month: the areas each month's files speak for
    published_areas: pa.Table | None = None


@dataclass(frozen=True)
class StreetCountsLoad:
    """What summing the street records gave, as ingest reports it."""

    own: int  # offences in the force's local authorities
    outside: int
    unallocated: int
    areas: int  # local authorities of the force with offences
    skipped: bool = False
    #: Last-outcome values neither positive nor listed as other, with their records (counted as
    #: not positive): a new value data.police.uk started to publish needs classifying.
    unmapped_outcomes: tuple[tuple[str, int], ...] = ()

    @classmethod
    def of(cls, counts: pa.Table) -> StreetCountsLoad:
        offences = counts.filter(
            pc.and_(
                pc.equal(counts.column("geo_level"), "borough"),
                pc.equal(counts.column("measure"), OFFENCES),
            )
        )
        by_area: dict[str, int] = {}
        for area, n in zip(
            offences.column("area_code").to_pylist(),
            offences.column("count").to_pylist(),
            strict=True,
        ):
            by_area[area] = by_area.get(area, 0) + n
        return cls.of_totals(by_area)

    @classmethod
    def of_totals(cls, offences_by_area: Mapping[str, int]) -> StreetCountsLoad:
        """From the offences of each local-authority-level area (pseudo-areas included)."""
        by_area = {a: int(n) for a, n in offences_by_area.items()}
        outside = by_area.pop(OUTSIDE, 0)
        unallocated = by_area.pop(UNALLOCATED, 0)
        return cls(sum(by_area.values()), outside, unallocated, len(by_area))

    def describe(self) -> str:
        if self.skipped:
            return "police.uk crime counts: street records unchanged, counts as before"
        text = (
            f"police.uk crime counts: {self.own:,} offences in {self.areas} local authorities "
            f"of the force, {self.outside:,} outside the force area, {self.unallocated:,} "
            "unallocated (no location); all count for the force"
        )
        if self.unmapped_outcomes:
            listed = ", ".join(f"'{v}' ({n:,})" for v, n in self.unmapped_outcomes)
            total = sum(n for _, n in self.unmapped_outcomes)
            text += (
                f"; {total:,} records have a last outcome that is neither a known positive nor "
                f"a known other outcome, counted as not positive: {listed}"
            )
        return text


def street_base_expr(street: ir.Table, local_authorities: Iterable[str] = ()) -> ir.Table:
    """The one pass over the records: offences and positive outcomes per (force, month, local
    authority, ward, crime type). Every level and the published areas are sums of this small
    table, so the records are read once.

    ``street`` is the ``street_crimes`` table (LSOA already resolved to ``ward_code`` and
    ``borough_code``); ``local_authorities`` are the force's own (empty: every local authority
    is). A record outside them counts in ``outside``, one with no place in ``unallocated``; only
    records in the force's own authorities have a ward.
    """
    own = sorted(set(local_authorities))
    placed = street.borough_code.notnull()
    inside = placed & street.borough_code.isin(own) if own else placed
    la = ibis.cases(
        (inside, street.borough_code),
        (placed, ibis.literal(OUTSIDE)),
        else_=ibis.literal(UNALLOCATED),
    )
    positive = street.last_outcome.isin(list(POSITIVE_OUTCOMES)).ifelse(1, 0)
    t = street.select(
        force=street.force,
        month=street.month,
        la=la,
        ward=ibis.ifelse(inside, street.ward_code, ibis.null(str)),
        category=street.crime_type,
        positive=positive,
    )
    return t.group_by(["force", "month", "la", "ward", "category"]).aggregate(
        offences=t.count(), positives=t.positive.sum()
    )


def street_counts_expr(
    street: ir.Table, names: ir.Table, local_authorities: Iterable[str] = ()
) -> ir.Table:
    """Offences and positive outcomes per month, area (ward and local authority) and crime type.

    ``names`` has columns geo_level, area_code, area_name (wards and local authorities); see
    :func:`street_base_expr` for the rest.
    """
    return counts_from_base(street_base_expr(street, local_authorities), names)


def counts_from_base(base: ir.Table, names: ir.Table) -> ir.Table:
    """The canonical rows (see :func:`street_counts_expr`) from :func:`street_base_expr`."""
    by_la = base.group_by(["month", "la", "category"]).aggregate(
        offences=base.offences.sum(), positives=base.positives.sum()
    )
    wards = base.filter(base.ward.notnull())
    by_ward = wards.group_by(["month", "ward", "category"]).aggregate(
        offences=wards.offences.sum(), positives=wards.positives.sum()
    )
    levels = by_la.select(
        "month", "category", "offences", "positives", geo_level=ibis.literal("borough"),
        area_code=by_la.la,
    ).union(
        by_ward.select(
            "month", "category", "offences", "positives", geo_level=ibis.literal("ward"),
            area_code=by_ward.ward,
        )
    )  # fmt: skip
    offences = levels.select(
        "month", "geo_level", "area_code", "category", measure=ibis.literal(OFFENCES),
        count=levels.offences.cast("int64"),
    )  # fmt: skip
    outcomes = levels.filter(levels.category != ANTI_SOCIAL_BEHAVIOUR)
    outcomes = outcomes.select(
        "month", "geo_level", "area_code", "category", measure=ibis.literal(POSITIVE),
        count=outcomes.positives.cast("int64"),
    )  # fmt: skip
    rows = offences.union(outcomes)
    rows = rows.filter(rows["count"] > 0)
    pseudo = ibis.memtable(
        {
            "geo_level": ["borough"] * len(PSEUDO_AREA_NAMES),
            "area_code": list(PSEUDO_AREA_NAMES),
            "area_name": list(PSEUDO_AREA_NAMES.values()),
        }
    )
    nullable = {c: names[c].cast("string") for c in ("geo_level", "area_code", "area_name")}
    names = names.select(**nullable)
    names = names.filter(~names.area_code.isin(list(PSEUDO_AREA_NAMES))).union(pseudo)
    joined = rows.left_join(names, ["geo_level", "area_code"])
    return joined.select(
        month=rows.month,
        geo_level=rows.geo_level,
        area_code=rows.area_code,
        area_name=names.area_name.fill_null(rows.area_code),
        scheme=ibis.literal(SCHEME),
        category_group=rows.category,
        category=rows.category,
        measure=rows.measure,
        count=rows["count"],
    )


def published_areas_expr(base: ir.Table, files: ir.Table | None = None) -> ir.Table:
    """(geo_level, measure, area_code, month): an area is published in a month when the force it
    belongs to published a street file for that month (a national load missing one force's month
    leaves that force's areas missing, not zero). An area belongs to the force with most records
    in it; the unallocated and outside pseudo-areas are published with every month's files.

    ``base`` is :func:`street_base_expr`; ``files`` (force, month) lists the street files loaded
    (default: those with records; an empty file publishes zeros)."""
    files = base.select("force", "month").distinct() if files is None else files
    by_level = [
        base.filter(base[col].notnull())
        .group_by(area_code=base[col], force=base.force)
        .aggregate(n=lambda r: r.offences.sum())
        .mutate(geo_level=ibis.literal(level))
        for col, level in (("la", "borough"), ("ward", "ward"))
    ]
    counted = by_level[0].union(by_level[1])
    home = counted.group_by(["geo_level", "area_code"]).aggregate(
        force=counted.force.argmax(counted.n)
    )
    pseudo = home.area_code.isin([UNALLOCATED, OUTSIDE])
    areas = home.join(files, "force").select("geo_level", "area_code", "month")
    anywhere = home.filter(pseudo).cross_join(files.select("month").distinct())
    areas = areas.union(anywhere.select("geo_level", "area_code", "month")).distinct()
    measures = ibis.memtable({"measure": [OFFENCES, POSITIVE]})
    return areas.cross_join(measures).select("geo_level", "measure", "area_code", "month")


def files_table(files: Iterable[tuple[str, date]]) -> ir.Table:
    """(force, month) of the street files loaded, as a table."""
    pairs = sorted(set(files))
    return ibis.memtable(
        pa.table(
            {
                "force": pa.array([f for f, _ in pairs], pa.string()),
                "month": pa.array([m for _, m in pairs], pa.date32()),
            }
        )
    )


def unmapped_outcomes(street: ir.Table) -> list[tuple[str, int]]:
    """Last-outcome values outside :data:`POSITIVE_OUTCOMES` and :data:`OTHER_OUTCOMES` (blank
    outcomes, e.g. anti-social behaviour, are not values), with their records, most first."""
    known = [*POSITIVE_OUTCOMES, *OTHER_OUTCOMES]
    outcome = street.last_outcome.strip()
    t = street.filter(outcome.notnull(), outcome != "", ~outcome.isin(known))
    counted = t.group_by(value=t.last_outcome).aggregate(n=t.count()).to_pyarrow()
    rows = zip(counted.column("value").to_pylist(), counted.column("n").to_pylist(), strict=True)
    return sorted(((str(v), int(n)) for v, n in rows), key=lambda r: (-r[1], r[0]))


def published_cells(months: Iterable[date], categories: Iterable[str] = CRIME_TYPES) -> pa.Table:
    """Every (measure, crime type, month) a street file published: a missing record is a zero.

    Positive outcomes of anti-social behaviour are never published (it has no outcomes).
    """
    rows: dict[str, list[object]] = {
        k: [] for k in ("scheme", "measure", "category_group", "category", "month")
    }
    for month in sorted(set(months)):
        for category in sorted(set(categories)):
            for measure in (OFFENCES, POSITIVE):
                if measure == POSITIVE and category == ANTI_SOCIAL_BEHAVIOUR:
                    continue
                for key, value in zip(
                    rows, (SCHEME, measure, category, category, month), strict=True
                ):
                    rows[key].append(value)
    return pa.table(
        {k: pa.array(v, pa.date32() if k == "month" else pa.string()) for k, v in rows.items()}
    )


def street_counts(
    con: ibis.BaseBackend,
    published_months: Iterable[date],
    local_authorities: Iterable[str] = (),
    names: pa.Table | None = None,
    files: Iterable[tuple[str, date]] | None = None,
) -> StreetCounts:
    """Sum the ``street_crimes`` table of ``con`` into canonical rows (see the module notes).

    ``names`` (geo_level, area_code, area_name) defaults to the ``areas`` table of ``con``;
    ``files`` are the (force, month) of the street files loaded (see :func:`published_areas_expr`).
    """
    street = con.table("street_crimes")
    name_table = ibis.memtable(names) if names is not None else con.table("areas")
    counts = counts_from_base(street_base_expr(street, local_authorities), name_table)
    counts = counts.to_pyarrow()
    seen = set(pc.unique(counts.column("category")).to_pylist())
    loaded = files_table(files) if files is not None else None
    base = street_base_expr(street, local_authorities)
    areas = published_areas_expr(base, loaded).to_pyarrow()
    return StreetCounts(counts, published_cells(published_months, set(CRIME_TYPES) | seen), areas)
