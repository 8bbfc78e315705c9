"""Sentences written from the numbers by explicit rules, never typed by hand.

The register follows the published quarterly reports (seed 001), e.g. "Theft from the person
offences in Q1 2023-24 remained stable on Q4 2022-23 (−1%) and increased on Q1 2022-23
(+22%); levels are above pre-pandemic volumes (+24%)."

Words are chosen on the figure as printed (rounded half away from zero), so a sentence never
calls a printed "+3%" stable. Volumes change in per cent, rates in percentage points.

Examples
--------
>>> changes = {
...     "previous_quarter": ("Q4 2022-23", -1.2),
...     "same_quarter_last_year": ("Q1 2022-23", 22.4),
...     "pre_pandemic": ("Q1 2019-20", 24.0),
... }
>>> print(quarter_sentence("Theft from the person offences", "Q1 2023-24", changes))
... # doctest: +NORMALIZE_WHITESPACE
Theft from the person offences in Q1 2023-24 remained stable on Q4 2022-23 (−1%)
and increased on Q1 2022-23 (+22%); levels are above pre-pandemic volumes (+24%).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Literal, Protocol

MINUS = "\u2212"
Unit = Literal["pct", "pp"]


class HasSignificant(Protocol):
    """Anything with a ``significant`` flag, e.g. a significance ``RateRatio``."""

    @property
    def significant(self) -> bool: ...


Significance = bool | HasSignificant


@dataclass(frozen=True)
class NarrativeRules:
    """The wording rules; every default is what the 2023-24 Q1 report does.

    The seed calls −1 %, +1 %, +1.8 % and +2 % "stable" and −3 % "a small reduction", so a
    change is stable when its printed size is below ``stable_band_pct`` (3 %).
    """

    stable_band_pct: float = 3.0
    stable_band_pp: float = 1.0
    baseline_band_pct: float = 3.0
    pct_decimals: int = 0
    pp_decimals: int = 1
    pp_unit: str = "pp"
    increased: str = "increased"
    decreased: str = "decreased"
    stable: str = "remained stable"
    significant_increase: str = "saw a statistically significant increase"
    significant_decrease: str = "saw a statistically significant decrease"
    use_significance: bool = True
    # when a test says "not significant", call the change stable whatever its size
    not_significant_is_stable: bool = False
    above: str = "above"
    below: str = "below"
    similar: str = "similar to"
    quarter_baseline: str = "pre-pandemic volumes"
    r12_baseline: str = "pre-pandemic levels"
    baseline_key: str = "pre_pandemic"

    def __post_init__(self) -> None:
        if min(self.stable_band_pct, self.stable_band_pp, self.baseline_band_pct) < 0:
            raise ValueError("stable bands must not be negative")


DEFAULT_RULES = NarrativeRules()


@dataclass(frozen=True)
class Change:
    """A change against one comparator: ``value`` is % (volumes) or pp (rates).

    ``value`` is None when there is no percentage, e.g. from a zero base; ``base`` and
    ``current`` then let the sentence say "up from 0".
    """

    label: str
    value: float | None
    base: float | None = None
    current: float | None = None

    @classmethod
    def from_volumes(cls, label: str, current: float, base: float) -> Change:
        """Per cent change from ``base`` to ``current``; None from a zero base."""
        pct = None if base == 0 else (current - base) / base * 100
        return cls(label, pct, base, current)


ChangeLike = Change | tuple[str, float | None] | None


def _as_change(c: ChangeLike) -> Change | None:
    if c is None or isinstance(c, Change):
        return c
    return Change(c[0], c[1])


def _round(x: float, decimals: int) -> Decimal:
    """Round half away from zero, on the decimal digits a person would read."""
    if not math.isfinite(x):
        raise ValueError(f"cannot format a non-finite change: {x!r}")
    return Decimal(repr(x)).quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)


def _signed(d: Decimal) -> str:
    if d == 0:
        return f"{abs(d):,}"
    return ("+" if d > 0 else MINUS) + f"{abs(d):,}"


def format_pct_change(x: float, decimals: int = 0) -> str:
    """``+22%``, ``−1%``, ``0%``: a true minus sign, whole per cent by default."""
    return _signed(_round(x, decimals)) + "%"


def format_pp_change(x: float, decimals: int = 1, unit: str = "pp") -> str:
    """``+1.5 pp``, ``−2.0 pp`` (or ``unit="points"``): changes in rates and proportions."""
    return f"{_signed(_round(x, decimals))} {unit}"


def _format(x: float, rules: NarrativeRules, unit: Unit) -> str:
    if unit == "pp":
        return format_pp_change(x, rules.pp_decimals, rules.pp_unit)
    return format_pct_change(x, rules.pct_decimals)


def _direction(x: float, band: float, decimals: int) -> int:
    shown = _round(x, decimals)
    if abs(shown) < Decimal(repr(band)):
        return 0
    return 1 if shown > 0 else -1


def _change_direction(x: float, rules: NarrativeRules, unit: Unit) -> int:
    if unit == "pp":
        return _direction(x, rules.stable_band_pp, rules.pp_decimals)
    return _direction(x, rules.stable_band_pct, rules.pct_decimals)


def direction_word(change: float, rules: NarrativeRules = DEFAULT_RULES, unit: Unit = "pct") -> str:
    """ "increased", "decreased" or "remained stable" (within the stable band)."""
    d = _change_direction(change, rules, unit)
    return {1: rules.increased, -1: rules.decreased, 0: rules.stable}[d]


def _is_significant(s: Significance) -> bool:
    return s if isinstance(s, bool) else bool(s.significant)


def _movement(
    c: Change, rules: NarrativeRules, unit: Unit, significance: Significance | None
) -> tuple[str, str] | None:
    """The verb phrase and bracketed figure for one comparator, or None if nothing to say."""
    if c.value is None:
        if c.base == 0 and c.current is not None:
            if c.current == 0:
                return rules.stable, "no change from 0"
            if _not_significant(significance, rules):
                return rules.stable, "up from 0"
            return rules.increased, "up from 0"
        return None
    d = _change_direction(c.value, rules, unit)
    verb = {1: rules.increased, -1: rules.decreased, 0: rules.stable}[d]
    if significance is not None and rules.use_significance:
        if _is_significant(significance) and d != 0:
            verb = rules.significant_increase if d > 0 else rules.significant_decrease
        elif _not_significant(significance, rules):
            verb = rules.stable
    return verb, _format(c.value, rules, unit)


def _not_significant(significance: Significance | None, rules: NarrativeRules) -> bool:
    """A test said "not significant" and the rules then call the change stable."""
    return (
        significance is not None
        and rules.use_significance
        and rules.not_significant_is_stable
        and not _is_significant(significance)
    )


def _baseline(
    c: Change | None,
    rules: NarrativeRules,
    noun: str,
    significance: Significance | None = None,
) -> tuple[str, str] | None:
    """("above pre-pandemic volumes", "+24%") or None; "similar to" when within the band or,
    if the rules say so, when the test finds no significant difference."""
    if c is None:
        return None
    if c.value is None:
        if c.base == 0 and c.current:
            word = rules.similar if _not_significant(significance, rules) else rules.above
            return f"{word} {noun}", "up from 0"
        return None
    d = _direction(c.value, rules.baseline_band_pct, rules.pct_decimals)
    if _not_significant(significance, rules):
        d = 0
    word = {1: rules.above, -1: rules.below, 0: rules.similar}[d]
    return f"{word} {noun}", format_pct_change(c.value, rules.pct_decimals)


def _join(parts: list[str]) -> str:
    return parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1]


def quarter_sentence(
    measure_name: str,
    quarter_label: str,
    changes: Mapping[str, ChangeLike],
    rules: NarrativeRules = DEFAULT_RULES,
    significance: Mapping[str, Significance] | None = None,
    *,
    unit: Unit = "pct",
) -> str:
    """One sentence on a discrete quarter against its comparators.

    Parameters
    ----------
    measure_name
        Subject of the sentence as printed, e.g. "Theft from the person offences".
    quarter_label
        e.g. "Q1 2023-24".
    changes
        Comparator key → ``(label, change)`` or :class:`Change`, in the order to be written;
        the ``rules.baseline_key`` entry becomes the closing "levels are above …" clause.
        None entries (missing comparators) are left out.
    significance
        Comparator key → a test result; upgrades the verb only where the rules allow, and
        with ``not_significant_is_stable`` makes a non-significant change "stable" (or the
        baseline clause "similar to").
    unit
        ``"pct"`` for volumes, ``"pp"`` for rates and proportions.
    """
    significance = significance or {}
    clauses = []
    for key, raw in changes.items():
        c = _as_change(raw)
        if key == rules.baseline_key or c is None:
            continue
        moved = _movement(c, rules, unit, significance.get(key))
        if moved is not None:
            clauses.append(f"{moved[0]} on {c.label} ({moved[1]})")
    base = _baseline(
        _as_change(changes.get(rules.baseline_key)),
        rules,
        rules.quarter_baseline,
        significance.get(rules.baseline_key),
    )
    subject = f"{measure_name} in {quarter_label}"
    if clauses and base:
        return f"{subject} {_join(clauses)}; levels are {base[0]} ({base[1]})."
    if clauses:
        return f"{subject} {_join(clauses)}."
    if base:
        return f"{subject}: levels are {base[0]} ({base[1]})."
    return f"{subject}: no comparison is available."


def r12_sentence(
    measure_name: str,
    period_label: str,
    previous: ChangeLike,
    pre_pandemic: ChangeLike = None,
    rules: NarrativeRules = DEFAULT_RULES,
    significance: Significance | None = None,
    *,
    plural: bool = False,
    baseline_significance: Significance | None = None,
) -> str:
    """One sentence on a rolling 12 months against the previous 12 and pre-pandemic.

    ``period_label`` reads "12 months to June 2023"; the comparators' labels read "previous
    12 months" and "12 months to February 2020". ``plural`` makes "is" into "are".

    Examples
    --------
    >>> print(
    ...     r12_sentence(
    ...         "Theft from the person",
    ...         "12 months to June 2023",
    ...         ("previous 12 months", 25.0),
    ...         ("12 months to February 2020", 16.0),
    ...     )
    ... )  # doctest: +NORMALIZE_WHITESPACE
    Theft from the person increased in the 12 months to June 2023 compared with the previous
    12 months (+25%) and is above pre-pandemic levels (+16%, 12 months to February 2020).
    """
    prev, pre = _as_change(previous), _as_change(pre_pandemic)
    moved = _movement(prev, rules, "pct", significance) if prev is not None else None
    base = _baseline(pre, rules, rules.r12_baseline, baseline_significance)
    verb = "are" if plural else "is"
    tail = f"{verb} {base[0]} ({base[1]}, {pre.label})" if base and pre else ""
    if moved and prev:
        text = (
            f"{measure_name} {moved[0]} in the {period_label} "
            f"compared with the {prev.label} ({moved[1]})"
        )
        return f"{text} and {tail}." if tail else f"{text}."
    if tail:
        return f"{measure_name} in the {period_label} {tail}."
    return f"{measure_name}: no comparison is available for the {period_label}."
