"""The office's own words (the commentary return) placed into a report's sections.

Generated sentences are the default text of every section. An approved commentary block goes
before them (``before``) or stands instead of them (``replace``); a draft appears only in the
internal edition, marked as a draft. Blocks naming a place the report does not have are listed
in the internal edition's checks rather than silently dropped.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, replace
from typing import Any

from scrutiny.content.model import Block, Prose, Section, Sentence


@dataclass(frozen=True)
class Commentary:
    place: str
    position: str
    author: str
    status: str
    text: str
    source: str
    row: int

    @classmethod
    def from_row(cls, row: dict[str, Any]) -> Commentary:
        return cls(
            place=str(row["place"]).strip(),
            position=str(row["position"]),
            author=str(row["author"]),
            status=str(row["status"]),
            text=str(row["text"]),
            source=str(row.get("source") or ""),
            row=int(row.get("row_number") or 0),
        )

    def prose(self) -> Prose:
        where = f"commentary return, row {self.row}" if self.row else "commentary return"
        if self.source:
            where += f"; {self.source}"
        return Prose(self.text, author=self.author, status=self.status, source=where)


def shown(blocks: list[Commentary], internal: bool) -> dict[str, Commentary]:
    """The blocks a report prints, by place: approved ones; drafts too in the internal edition."""
    return {c.place: c for c in blocks if c.status == "approved" or internal}


def place_commentary(
    sections: tuple[Section, ...], blocks: list[Commentary], internal: bool
) -> tuple[tuple[Section, ...], list[Commentary]]:
    """The sections with commentary placed, and the blocks whose place no section has."""
    chosen = shown(blocks, internal)
    used: set[str] = set()

    def place(section: Section) -> Section:
        children = tuple(place(c) for c in section.children)
        found = chosen.get(section.id)
        if found is None:
            return replace(section, children=children) if children else section
        used.add(section.id)
        kept: list[Block] = [
            b
            for b in section.blocks
            if not (found.position == "replace" and isinstance(b, Sentence))
        ]
        return replace(section, blocks=(found.prose(), *kept), children=children)

    placed = tuple(place(s) for s in sections)
    unplaced = [c for c in chosen.values() if c.place not in used]
    return placed, unplaced


def places(sections: tuple[Section, ...]) -> Iterator[Section]:
    """Every section a commentary block can be written for, in reading order."""
    for section in sections:
        yield from section.walk()
