"""Names as URLs, file names and anchors spell them (one rule for every layer).

>>> slug("Theft from the Person"), slug("!!")
('theft-from-the-person', 'x')
"""

from __future__ import annotations

import re


def slug(text: str) -> str:
    """``Theft from the Person`` → ``theft-from-the-person``: for URLs, file names and anchors."""
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or "x"
