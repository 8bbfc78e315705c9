"""What each priority's pages show: its key themes and where its headline measures come from.

The defaults describe the London plan of the shipped demo (seed 001's key themes). A priority the
table does not know gets no key themes and says so; a measure with no mapping is listed as not
in the data. Keys are priority and measure ids of the plan.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Theme:
    """A key theme: crime categories (sentences, SPC charts, a table), parts drawn from returns
    (``surveys``, ``calls``, ``standards``, ``workforce``, ``outcomes``), and the measures the
    theme would show that the data does not hold (said, never silently dropped)."""

    title: str
    categories: tuple[str, ...] = ()
    parts: tuple[str, ...] = ()
    outcome_categories: tuple[str, ...] = ()
    not_in_data: tuple[str, ...] = ()


THEMES: dict[str, tuple[Theme, ...]] = {
    "victims": (
        Theme(
            "User satisfaction",
            not_in_data=(
                "victim satisfaction from the User Satisfaction Survey (USS)",
                "satisfaction of telephone and online reporters (TDIU survey)",
            ),
        ),
        Theme(
            "Outcomes of investigations",
            parts=("outcomes",),
            outcome_categories=("Total Notifiable Offences", "Domestic Abuse", "Rape"),
            not_in_data=("outcomes where the victim does not support action",),
        ),
    ),
    "trust": (
        Theme("Trust and confidence in the police: public attitudes", parts=("surveys",)),
        Theme(
            "Police response",
            parts=("calls",),
            not_in_data=("999 call answering times", "999 and 101 call volumes"),
        ),
        Theme(
            "Neighbourhood crime",
            categories=(
                "Neighbourhood Crime",
                "Theft from the Person",
                "Theft or Taking of a Motor Vehicle",
                "Robbery of Personal Property",
                "Domestic Burglary",
            ),
        ),
        Theme(
            "Stop and search",
            not_in_data=(
                "stop and search volumes, reasons and outcomes",
                "stop and search disproportionality (Black and White Londoners)",
                "body-worn video use",
            ),
        ),
        Theme("Standards and culture", parts=("standards", "workforce")),
    ),
    "violence": (
        Theme(
            "Violence against the person",
            categories=("Violence Against the Person", "Violence with Injury", "Homicide"),
        ),
        Theme(
            "Knife crime",
            not_in_data=(
                "knife crime offences (a flag on offences, not a category of the published data)",
                "knife crime with injury, victims under 25",
            ),
        ),
        Theme(
            "Hate crime",
            not_in_data=(
                "hate crime offences by strand (a flag, not a category of the published data)",
            ),
        ),
        Theme(
            "Violence against women and girls",
            categories=("Rape", "Other Sexual Offences"),
            not_in_data=("domestic abuse offences", "repeat accused of VAWG offences"),
        ),
    ),
}

#: Plan measures drawn from recorded crime: measure id → crime category.
MEASURE_CATEGORIES: dict[str, str] = {
    "neighbourhood-crime": "Neighbourhood Crime",
    "homicides": "Homicide",
    "violence-with-injury": "Violence with Injury",
}

#: Plan measures drawn from the survey return: measure id → (survey, measure as returned).
MEASURE_SURVEYS: dict[str, tuple[str, str]] = {
    "trust-mps": ("PAS", "Trust MPS"),
    "fair-treatment": ("PAS", "Fair treatment"),
    "good-job": ("PAS", "Good job"),
    "dealing-issues": ("PAS", "Dealing issues"),
}

#: Plan measures judged on the survey gaps (a ±band target).
MEASURE_GAPS = frozenset({"disproportionality"})

#: The categories every report charts for its overview, besides the themes'.
OVERVIEW_CATEGORIES = ("Total Notifiable Offences",)


def themes_for(priority_id: str) -> tuple[Theme, ...]:
    return THEMES.get(priority_id, ())


def chart_categories() -> list[str]:
    """Every crime category some page of a report charts, once each."""
    names = list(OVERVIEW_CATEGORIES)
    for themes in THEMES.values():
        for theme in themes:
            names.extend(theme.categories)
    names.extend(MEASURE_CATEGORIES.values())
    return list(dict.fromkeys(names))
