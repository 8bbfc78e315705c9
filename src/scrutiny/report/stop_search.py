"""The stop-and-search page: volume and its change, reasons, positive outcomes, the rate per
1,000 residents and disproportionality by ethnic group ("Black residents were 3.2 times more
likely to be stopped and searched than White residents"), from the loaded records."""

from __future__ import annotations

from scrutiny.analysis.stop_search import REFERENCE, StopSearchSummary
from scrutiny.content.format import count
from scrutiny.content.model import Block, Column, EmptyNotice, Note, Sentence, Table
from scrutiny.judge.narrative import format_pct_change
from scrutiny.report.data import ReportData


def _people(data: ReportData) -> str:
    word = data.definition.wording.residents
    return "people" if word in ("", "residents") else word


def _pct(x: float) -> str:
    return f"{x * 100:.0f}%"


def stop_search_blocks(data: ReportData) -> list[Block]:
    s = data.stop_search
    if s is None:
        return [EmptyNotice("No stop and search records are loaded.")]
    when = s.window.describe()
    blocks: list[Block] = []
    if not s.in_quarter:
        blocks.append(
            Note(
                f"No stop and search records are loaded for {data.quarter.label}: the figures "
                f"below are for {when}, the latest loaded.",
                "caveat",
            )
        )
    blocks += _volume(s, when)
    blocks += _disproportionality(data, s, when)
    return blocks


def _volume(s: StopSearchSummary, when: str) -> list[Block]:
    change = s.change
    compared = (
        f", {format_pct_change(change)} on {s.previous.describe()}"
        if change is not None
        else f" (no records loaded for {s.previous.describe()} to compare with)"
    )
    text = f"{count(s.searches)} stop and searches in {when}{compared}."
    if s.positive_share is not None:
        text += (
            f" Positive outcomes (an arrest, summons, caution, penalty, warning or local "
            f"resolution) followed {_pct(s.positive_share)} of searches."
        )
    blocks: list[Block] = [Sentence(text, "stop_search.volume")]
    if s.searches and s.reasons:
        parts = [f"{reason.lower()} {_pct(n / s.searches)}" for reason, n in s.reasons[1:3]]
        top, n = s.reasons[0]
        blocks.append(
            Sentence(
                f"{top} accounted for {_pct(n / s.searches)} of searches"
                + (f"; {', '.join(parts)}" if parts else "")
                + ".",
                "stop_search.reasons",
            )
        )
    if s.rate_per_1000 is not None:
        blocks.append(
            Sentence(
                f"{s.rate_per_1000:.1f} stop and searches per 1,000 residents in {when} "
                f"({count(s.population)} residents, mid-{s.population_year} estimate).",
                "stop_search.rate",
            )
        )
    blocks.append(
        Table(
            f"Stop and search by object of search, {when}",
            (
                Column("object", "Object of search"),
                Column("searches", "Searches", "number", decimals=0),
                Column("share", "Share", "number", "%", 0),
            ),
            tuple((r, n, n / s.searches * 100 if s.searches else None) for r, n in s.reasons),
        )
    )
    return blocks


def _disproportionality(data: ReportData, s: StopSearchSummary, when: str) -> list[Block]:
    if not s.groups:
        return [
            EmptyNotice(
                "Disproportionality needs the census population by ethnic group "
                "(a population_by_ethnic_group source)."
            )
        ]
    people = _people(data)
    blocks: list[Block] = []
    ranked = sorted(
        (g for g in s.groups if g.group != REFERENCE and g.ratio is not None),
        key=lambda g: -(g.ratio or 0),
    )
    ref = next(g for g in s.groups if g.group == REFERENCE)
    if ranked and ref.rate:
        top = ranked[0]
        blocks.append(
            Sentence(
                f"In {when} {top.group} {people} were {top.ratio:.1f} times more likely to be "
                f"stopped and searched than {REFERENCE} {people} ({top.rate:.2f} and "
                f"{ref.rate:.2f} searches per 1,000 residents).",
                "stop_search.disproportionality",
            )
        )
    blocks.append(
        Table(
            f"Stop and search by ethnic group, {when}",
            (
                Column("group", "Ethnic group (officer-defined)"),
                Column("searches", "Searches", "number", decimals=0),
                Column("residents", f"Residents ({s.census_year} Census)", "number", decimals=0),
                Column("rate", "Per 1,000 residents", "number", decimals=2),
                Column("ratio", f"Times the {REFERENCE} rate", "number", decimals=1),
            ),
            tuple((g.group, g.searches, g.population, g.rate, g.ratio) for g in s.groups),
            notes=(
                f"Ethnicity as the officer recorded it ({count(s.not_recorded)} searches with "
                "none recorded are in no group); officer-defined ethnicity has no Mixed group, "
                f"so Mixed residents are in no rate. Residents: {s.census_year} Census usual "
                "residents of the force's local authorities.",
            ),
        )
    )
    return blocks
