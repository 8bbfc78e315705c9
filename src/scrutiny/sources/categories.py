"""One name per crime category across the London Datastore's publications.

The older files use Title Case names cut at 50 characters; the newer ones use UPPER CASE and
abbreviations. Both map to one canonical name so a series joins across vintages. Where the
Home Office counting rules changed what a category holds (domestic → residential burglary in
April 2023; stalking and harassment split out of violence without injury), the names stay apart.
"""

from __future__ import annotations

_SMALL_WORDS = {"a", "an", "and", "or", "of", "the", "from", "with", "to", "for", "in", "on", "by"}

# Publication spelling (lower case) → canonical name.
_RENAMES = {
    # Older files truncate at 50 characters.
    "disclosure, obstruction, false or misleading state": (
        "Disclosure, Obstruction, False or Misleading Statements"
    ),
    "making, supplying or possessing articles for use i": (
        "Making, Supplying or Possessing Articles for Use in Fraud"
    ),
    "racially or religiously aggravated public fear, al": (
        "Racially or Religiously Aggravated Public Fear, Alarm or Distress"
    ),
    "threat or possession with intent to commit crimina": (
        "Threat or Possession with Intent to Commit Criminal Damage"
    ),
    "profitting from or concealing proceeds of crime": (
        "Profiting from or Concealing Proceeds of Crime"
    ),
    # Newer files abbreviate.
    "race or religious agg public fear": (
        "Racially or Religiously Aggravated Public Fear, Alarm or Distress"
    ),
    "trafficking of drugs": "Drug Trafficking",
    "theft from the person": "Theft from the Person",
    "theft from person": "Theft from the Person",
    "theft from a vehicle": "Theft from a Motor Vehicle",
    "theft or unauth taking of a motor veh": "Theft or Taking of a Motor Vehicle",
    "other offences public order": "Other Offences Against the State or Public Order",
    "other offences against the state, or public order": (
        "Other Offences Against the State or Public Order"
    ),
    "misc crimes against society": "Miscellaneous Crimes Against Society",
    "burglary - residential": "Residential Burglary",
    "res burglary of a home": "Residential Burglary of a Home",
    "res burglary of unconnected building": "Residential Burglary of an Unconnected Building",
    "death serious injury illegal driving": "Death or Serious Injury by Unlawful Driving",
    "nfib": "NFIB Fraud",
    "nfib fraud": "NFIB Fraud",
}


def title_case(text: str) -> str:
    words = text.strip().lower().split()
    return " ".join(
        w if (i and w in _SMALL_WORDS) else w[:1].upper() + w[1:] for i, w in enumerate(words)
    )


def canonical_category(name: str) -> str:
    """The one name a category goes by, whatever the publication's spelling."""
    key = " ".join(name.strip().lower().split())
    return _RENAMES.get(key) or title_case(key)
