"""Names the crime tables use, in a module light enough for any command to import (no duckdb,
Ibis or pandas): schemes, measures and the area of rows with no place."""

from __future__ import annotations

#: The area of rows a source could not place (e.g. a borough published as 'Unknown'): it counts
#: in the force's totals and belongs to no area below the force.
UNALLOCATED = "unallocated"
UNALLOCATED_NAME = "Unallocated (no location)"
#: The area of crimes a force recorded in a local authority outside its own area.
OUTSIDE = "outside"
#: Areas that count for the force total only: they are never required for a force's coverage.
FORCE_ONLY_PSEUDO_AREAS = (UNALLOCATED, OUTSIDE)
#: Schemes whose categories cover all crime a force records, in order of preference (the
#: built-in total sums the first present); extracts such as a knife-crime table are not.
RECORDED_CRIME_SCHEMES = ("datastore", "police.uk")
#: The measures the crime measures read; a source may publish others.
OFFENCES = "offences"
POSITIVE_OUTCOMES = "positive_outcomes"
