"""Everything scrutiny can say about one crime measure in one area and quarter: the query
behind ``scrutiny explain``. It asks the read facade for its judgment
(:meth:`~scrutiny.analysis.data.WorkspaceData.judgment`), the very function the report and the
dashboard read, so their figures and words cannot disagree."""

from __future__ import annotations

from scrutiny.analysis.crime import CrimeAnalysis
from scrutiny.analysis.data import WorkspaceData
from scrutiny.config.geography import Area
from scrutiny.config.periods import Quarter
from scrutiny.config.workspace import Workspace
from scrutiny.measures.categories import Selection, default_names, resolve


def explain(
    ws: Workspace,
    category: str | None = None,
    quarter: Quarter | None = None,
    area: str | None = None,
    level: str = "force",
) -> CrimeAnalysis:
    """Numbers, significance, SPC verdict and sentences for one category (default: the
    workspace's first headline one) and area (default: the force), in ``quarter`` (default:
    the workspace's). The counts are judged as counted, before disclosure control, as
    ``scrutiny crime`` prints them."""
    if area and level == "force":
        level = "borough"
    data = WorkspaceData(ws)
    try:
        sel = _selection(data, category)
        q = quarter or ws.quarter
        place = _area(data, sel, level, area, q) if area else data.force
        return data.judgment(sel, level, place, q, published=False)
    finally:
        data.close()


def _selection(data: WorkspaceData, name: str | None) -> Selection:
    headline = data.ws.config.settings.headline_categories
    names = [name] if name else default_names(headline, data.selections)
    if not names:
        raise ValueError("no crime figures in the warehouse yet; run `scrutiny ingest`")
    return resolve(data.selections, names[:1])[0]


def _area(data: WorkspaceData, sel: Selection, level: str, text: str, quarter: Quarter) -> Area:
    """An area of ``level`` by code or name: one the warehouse's area table holds or, at a
    level it does not (safer neighbourhood teams), one the figures name."""
    if level in data.areas:
        known = list(data.areas[level].values())
    else:
        frame = data.raw_measures(sel, level, quarter)
        known = [
            Area(level, str(code), str(name))
            for code, name in zip(frame["area_code"], frame["area_name"], strict=True)
        ]
    key = text.strip()
    found = [a for a in known if a.code == key] or [
        a for a in known if a.name.lower() == key.lower()
    ]
    if not found:
        raise ValueError(f"no {level} called {text} in the data")
    if len(found) > 1:
        codes = ", ".join(a.code for a in found)
        raise ValueError(f"{len(found)} areas of level {level} are called {text} ({codes})")
    return found[0]
