"""Table-driven tests of the generated sentences, anchored on seed 001 (2023-24 Q1)."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from scrutiny.judge.narrative import (
    Change,
    ChangeLike,
    NarrativeRules,
    Unit,
    direction_word,
    format_pct_change,
    format_pp_change,
    quarter_sentence,
    r12_sentence,
)

RULES = NarrativeRules()


@pytest.mark.parametrize(
    ("x", "decimals", "expected"),
    [
        pytest.param(22.4, 0, "+22%", id="plus"),
        pytest.param(-1.2, 0, "−1%", id="true-minus-sign"),
        pytest.param(0.0, 0, "0%", id="zero"),
        pytest.param(-0.4, 0, "0%", id="rounds-to-zero-without-sign"),
        pytest.param(2.5, 0, "+3%", id="half-away-up"),
        pytest.param(-2.5, 0, "−3%", id="half-away-down"),
        pytest.param(0.5, 0, "+1%", id="half-to-one"),
        pytest.param(1.8, 1, "+1.8%", id="one-decimal"),
        pytest.param(1234.5, 0, "+1,235%", id="thousands"),
    ],
)
def test_format_pct_change(x: float, decimals: int, expected: str) -> None:
    assert format_pct_change(x, decimals) == expected


@pytest.mark.parametrize(
    ("x", "unit", "expected"),
    [
        pytest.param(1.5, "pp", "+1.5 pp", id="plus"),
        pytest.param(-2, "pp", "−2.0 pp", id="minus-keeps-decimal"),
        pytest.param(-2, "points", "−2.0 points", id="points"),
        pytest.param(0.04, "pp", "0.0 pp", id="zero"),
        pytest.param(0.25, "pp", "+0.3 pp", id="half-away"),
    ],
)
def test_format_pp_change(x: float, unit: str, expected: str) -> None:
    assert format_pp_change(x, unit=unit) == expected


def test_format_rejects_infinite() -> None:
    with pytest.raises(ValueError):
        format_pct_change(float("inf"))


@pytest.mark.parametrize(
    ("change", "unit", "expected"),
    [
        # the seed's own words: TFP −1% and personal robbery +2% "remained stable", TFP +22%
        # and robbery +19% increased, VAP R12 +1% and VWI +1.8% stable, −3% "a small reduction"
        pytest.param(-1, "pct", "remained stable", id="seed-tfp-q4-minus-1"),
        pytest.param(22, "pct", "increased", id="seed-tfp-q1-plus-22"),
        pytest.param(2, "pct", "remained stable", id="seed-robbery-q4-plus-2"),
        pytest.param(19, "pct", "increased", id="seed-robbery-q1-plus-19"),
        pytest.param(1, "pct", "remained stable", id="seed-vap-r12-plus-1"),
        pytest.param(1.8, "pct", "remained stable", id="seed-vwi-r12-plus-1.8"),
        pytest.param(-3, "pct", "decreased", id="seed-minus-3-is-a-reduction"),
        pytest.param(5, "pct", "increased", id="seed-plus-5"),
        pytest.param(2.49, "pct", "remained stable", id="prints-as-2"),
        pytest.param(2.5, "pct", "increased", id="prints-as-3"),
        pytest.param(0, "pct", "remained stable", id="zero"),
        pytest.param(-0.3, "pp", "remained stable", id="seed-detection-minus-0.3pp"),
        pytest.param(-1, "pp", "decreased", id="seed-detection-minus-1pp"),
    ],
)
def test_direction_word(change: float, unit: Unit, expected: str) -> None:
    assert direction_word(change, RULES, unit) == expected


def test_direction_band_is_configurable() -> None:
    wide = NarrativeRules(stable_band_pct=10.0)
    assert direction_word(5, wide) == "remained stable"
    assert direction_word(-10, wide) == "decreased"
    words = NarrativeRules(increased="rose", decreased="fell", stable="held steady")
    assert [direction_word(x, words) for x in (4, -4, 0)] == ["rose", "fell", "held steady"]


def test_negative_band_is_rejected() -> None:
    with pytest.raises(ValueError):
        NarrativeRules(stable_band_pct=-1)


@dataclass(frozen=True)
class Sig:
    significant: bool


TFP: dict[str, ChangeLike] = {
    "previous_quarter": ("Q4 2022-23", -1.2),
    "same_quarter_last_year": ("Q1 2022-23", 22.4),
    "pre_pandemic": ("Q1 2019-20", 24.0),
}


@pytest.mark.parametrize(
    ("measure", "changes", "rules", "significance", "expected"),
    [
        pytest.param(
            "Theft from the person offences",
            TFP,
            RULES,
            None,
            "Theft from the person offences in Q1 2023-24 remained stable on Q4 2022-23 (−1%) "
            "and increased on Q1 2022-23 (+22%); levels are above pre-pandemic volumes (+24%).",
            id="seed-tfp",
        ),
        pytest.param(
            "Personal robbery offences",
            {
                "previous_quarter": ("Q4 2022-23", 2.0),
                "same_quarter_last_year": ("Q1 2022-23", 19.0),
                "pre_pandemic": ("Q1 2019-20", -30.0),
            },
            RULES,
            None,
            "Personal robbery offences in Q1 2023-24 remained stable on Q4 2022-23 (+2%) and "
            "increased on Q1 2022-23 (+19%); levels are below pre-pandemic volumes (−30%).",
            id="seed-robbery",
        ),
        pytest.param(
            "Theft from the person offences",
            TFP,
            RULES,
            {"same_quarter_last_year": Sig(True), "previous_quarter": Sig(True)},
            "Theft from the person offences in Q1 2023-24 remained stable on Q4 2022-23 (−1%) "
            "and saw a statistically significant increase on Q1 2022-23 (+22%); levels are "
            "above pre-pandemic volumes (+24%).",
            id="significant-upgrades-only-a-change",
        ),
        pytest.param(
            "Theft from the person offences",
            TFP,
            NarrativeRules(use_significance=False),
            {"same_quarter_last_year": True},
            "Theft from the person offences in Q1 2023-24 remained stable on Q4 2022-23 (−1%) "
            "and increased on Q1 2022-23 (+22%); levels are above pre-pandemic volumes (+24%).",
            id="rules-switch-significance-off",
        ),
        pytest.param(
            "Theft from the person offences",
            TFP,
            NarrativeRules(not_significant_is_stable=True),
            {"same_quarter_last_year": False},
            "Theft from the person offences in Q1 2023-24 remained stable on Q4 2022-23 (−1%) "
            "and remained stable on Q1 2022-23 (+22%); levels are above pre-pandemic volumes "
            "(+24%).",
            id="not-significant-is-stable-when-asked",
        ),
        pytest.param(
            "Knife crime offences",
            {
                "previous_quarter": None,
                "same_quarter_last_year": ("Q1 2022-23", 20.0),
                "pre_pandemic": ("Q1 2019-20", -11.0),
            },
            RULES,
            None,
            "Knife crime offences in Q1 2023-24 increased on Q1 2022-23 (+20%); levels are "
            "below pre-pandemic volumes (−11%).",
            id="missing-comparator-omitted",
        ),
        pytest.param(
            "Rape offences",
            {"previous_quarter": ("Q4 2022-23", 1.0), "same_quarter_last_year": ("Q1 2022-23", -2)},
            RULES,
            None,
            "Rape offences in Q1 2023-24 remained stable on Q4 2022-23 (+1%) and remained "
            "stable on Q1 2022-23 (−2%).",
            id="no-baseline",
        ),
        pytest.param(
            "Domestic abuse offences",
            {"pre_pandemic": ("Q1 2019-20", 1.0)},
            RULES,
            None,
            "Domestic abuse offences in Q1 2023-24: levels are similar to pre-pandemic volumes "
            "(+1%).",
            id="baseline-only-similar",
        ),
        pytest.param(
            "Drone offences",
            {
                "previous_quarter": Change.from_volumes("Q4 2022-23", 5, 0),
                "same_quarter_last_year": Change.from_volumes("Q1 2022-23", 0, 0),
                "pre_pandemic": Change.from_volumes("Q1 2019-20", 5, 0),
            },
            RULES,
            None,
            "Drone offences in Q1 2023-24 increased on Q4 2022-23 (up from 0) and remained "
            "stable on Q1 2022-23 (no change from 0); levels are above pre-pandemic volumes "
            "(up from 0).",
            id="zero-base",
        ),
        pytest.param(
            "Hate crime offences",
            {"previous_quarter": ("Q4", None), "pre_pandemic": None},
            RULES,
            None,
            "Hate crime offences in Q1 2023-24: no comparison is available.",
            id="nothing-to-say",
        ),
        pytest.param(
            "Theft from the person offences",
            TFP,
            NarrativeRules(stable_band_pct=25.0, baseline_band_pct=25.0),
            None,
            "Theft from the person offences in Q1 2023-24 remained stable on Q4 2022-23 (−1%) "
            "and remained stable on Q1 2022-23 (+22%); levels are similar to pre-pandemic "
            "volumes (+24%).",
            id="wide-band",
        ),
    ],
)
def test_quarter_sentence(
    measure: str,
    changes: dict[str, ChangeLike],
    rules: NarrativeRules,
    significance: dict[str, bool | Sig] | None,
    expected: str,
) -> None:
    assert quarter_sentence(measure, "Q1 2023-24", changes, rules, significance) == expected


def test_quarter_sentence_for_a_rate_uses_points() -> None:
    got = quarter_sentence(
        "The sanction detection rate",
        "Q1 2023-24",
        {"previous_quarter": ("Q4 2022-23", -0.3), "same_quarter_last_year": ("Q1 2022-23", -3.3)},
        unit="pp",
    )
    assert got == (
        "The sanction detection rate in Q1 2023-24 remained stable on Q4 2022-23 (−0.3 pp) "
        "and decreased on Q1 2022-23 (−3.3 pp)."
    )


def test_change_from_volumes() -> None:
    assert Change.from_volumes("Q4", 122, 100).value == pytest.approx(22.0)
    assert Change.from_volumes("Q4", 5, 0).value is None


@pytest.mark.parametrize(
    ("measure", "previous", "pre", "kwargs", "expected"),
    [
        pytest.param(
            "Theft from the person",
            ("previous 12 months", 25.0),
            ("12 months to February 2020", 16.0),
            {},
            "Theft from the person increased in the 12 months to June 2023 compared with the "
            "previous 12 months (+25%) and is above pre-pandemic levels (+16%, 12 months to "
            "February 2020).",
            id="seed-tfp-r12",
        ),
        pytest.param(
            "Violence against the person",
            ("previous 12 months", 1.0),
            ("12 months to February 2020", 10.0),
            {},
            "Violence against the person remained stable in the 12 months to June 2023 "
            "compared with the previous 12 months (+1%) and is above pre-pandemic levels "
            "(+10%, 12 months to February 2020).",
            id="seed-vap-r12-stable",
        ),
        pytest.param(
            "Total notifiable offences",
            ("previous 12 months", 5.0),
            ("12 months to February 2020", -4.0),
            {"plural": True},
            "Total notifiable offences increased in the 12 months to June 2023 compared with "
            "the previous 12 months (+5%) and are below pre-pandemic levels (−4%, 12 months to "
            "February 2020).",
            id="seed-tno-plural",
        ),
        pytest.param(
            "Domestic burglary",
            ("previous 12 months", -6.0),
            None,
            {"significance": Sig(True)},
            "Domestic burglary saw a statistically significant decrease in the 12 months to "
            "June 2023 compared with the previous 12 months (−6%).",
            id="significant-no-baseline",
        ),
        pytest.param(
            "Robbery of personal property",
            None,
            ("12 months to February 2020", -26.0),
            {},
            "Robbery of personal property in the 12 months to June 2023 is below pre-pandemic "
            "levels (−26%, 12 months to February 2020).",
            id="baseline-only",
        ),
        pytest.param(
            "Drone offences",
            Change.from_volumes("previous 12 months", 7, 0),
            None,
            {},
            "Drone offences increased in the 12 months to June 2023 compared with the previous "
            "12 months (up from 0).",
            id="zero-base",
        ),
        pytest.param(
            "Drone offences",
            None,
            None,
            {},
            "Drone offences: no comparison is available for the 12 months to June 2023.",
            id="nothing",
        ),
    ],
)
def test_r12_sentence(
    measure: str,
    previous: ChangeLike,
    pre: ChangeLike,
    kwargs: dict[str, object],
    expected: str,
) -> None:
    got = r12_sentence(measure, "12 months to June 2023", previous, pre, **kwargs)  # type: ignore[arg-type]
    assert got == expected


def test_sentences_are_deterministic() -> None:
    first = [quarter_sentence("TFP", "Q1 2023-24", TFP) for _ in range(3)]
    assert len(set(first)) == 1
