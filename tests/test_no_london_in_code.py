"""No London, MOPAC or Met name in the package outside the demo workspace.

Everything specific to one office or force (publisher, plan, themes, finance line names,
boroughs, survey names) belongs in a workspace's files; code that names London would give
another force's report London headings. The borough names come from the demo workspace itself.
"""

from __future__ import annotations

import re
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "src" / "scrutiny"
DEMO = PACKAGE / "demo"

NAMES = (
    "London",
    "Londoner",
    "Londoners",
    "MOPAC",
    "Mopac",
    "Mayor",
    "Mayor's",
    "Metropolitan",
    "MPS",
    "Met",
    "VRU",
    "Heathrow",
    "Sadiq",
)

#: Phrases that name London for a reason that holds for every force, each with the reason.
ALLOWED = {
    # data.police.uk times are UK wall-clock times; the zone database calls the zone so.
    "Europe/London": "the time zone of England and Wales",
    # The reader of that publisher's wide monthly files is named after the format it reads.
    "London Datastore": "the name of a published file format a reader reads",
}

SUFFIXES = {".py", ".j2", ".css", ".yaml", ".yml", ".md", ".toml", ".txt", ".json"}


def borough_names() -> list[str]:
    config = yaml.safe_load((DEMO / "scrutiny.yaml").read_text(encoding="utf-8"))
    return sorted({b for boroughs in config["bcus"].values() for b in boroughs})


def pattern() -> re.Pattern[str]:
    words = [*NAMES, *borough_names()]
    alternatives = "|".join(re.escape(w) for w in sorted(set(words), key=len, reverse=True))
    return re.compile(rf"(?<![\w-])(?:{alternatives})(?![\w-])")


def findings() -> list[str]:
    found = []
    regex = pattern()
    for path in sorted(PACKAGE.rglob("*")):
        if not path.is_file() or path.suffix not in SUFFIXES or DEMO in path.parents:
            continue
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            text = line
            for phrase in ALLOWED:
                text = text.replace(phrase, "")
            for match in regex.finditer(text):
                where = path.relative_to(ROOT)
                found.append(f"{where}:{number}: {match.group(0)!r} in {line.strip()[:90]}")
    return found


def test_the_pattern_finds_the_names_it_looks_for() -> None:
    regex = pattern()
    assert regex.search('f"% of Londoners"')
    assert regex.search("Overall MPS Total")
    assert regex.search("borough = 'Hackney'")
    assert regex.search("Richmond upon Thames")
    assert not regex.search("metropolitan_area = None")  # lower case: not a name
    assert not regex.search("Meter reading")


def test_no_london_names_outside_the_demo_workspace() -> None:
    problems = findings()
    assert not problems, "London/MOPAC/Met names in src/ outside demo/:\n" + "\n".join(problems)
