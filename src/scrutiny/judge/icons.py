"""Accessible inline SVG for the Making Data Count variation icons.

Each icon is a ringed circle with a letter (H/L for special cause high/low) or the common-cause
wiggle, so that meaning never rests on colour alone, plus ``role="img"``, an
``aria-label`` and a ``<title>`` carrying the same text. Colours follow Making Data Count
(blue improvement, orange concern, purple neither, grey common cause) in shades dark enough
for a 4.5:1 contrast on white. No ids are emitted, so many icons can share a page; the
output depends only on the arguments.

Examples
--------
>>> variation_icon_svg(VariationIcon.CONCERN_HIGH).startswith("<svg")
True
"""

from __future__ import annotations

from xml.sax.saxutils import escape, quoteattr

from scrutiny.judge.spc import VariationIcon

IMPROVEMENT = "#005eb8"
CONCERN = "#b54f00"
NEITHER = "#490092"
COMMON = "#595959"

VARIATION_TEXT: dict[VariationIcon, str] = {
    VariationIcon.COMMON_CAUSE: "Common cause variation: no special cause in the pattern",
    VariationIcon.IMPROVEMENT_HIGH: "Special cause variation of an improving nature: higher values",
    VariationIcon.IMPROVEMENT_LOW: "Special cause variation of an improving nature: lower values",
    VariationIcon.CONCERN_HIGH: "Special cause variation of a concerning nature: higher values",
    VariationIcon.CONCERN_LOW: "Special cause variation of a concerning nature: lower values",
    VariationIcon.NEITHER_HIGH: "Special cause variation, neither improvement nor concern: "
    "higher values",
    VariationIcon.NEITHER_LOW: "Special cause variation, neither improvement nor concern: "
    "lower values",
}

# A few common-cause-looking wiggles, drawn for the icon without a letter.
_WIGGLE = "9,22 13,17 17,23 21,15 25,22 29,18 32,20"


def _letter(letter: str, colour: str) -> str:
    return (
        f'<text x="20" y="26.5" text-anchor="middle" font-family="Arial, Helvetica, sans-serif" '
        f'font-size="18" font-weight="bold" fill="{colour}">{escape(letter)}</text>'
    )


def _variation_parts(icon: VariationIcon) -> tuple[str, str]:
    """Ring colour and inner mark of a variation icon."""
    if icon is VariationIcon.COMMON_CAUSE:
        return COMMON, (
            f'<polyline points="{_WIGGLE}" fill="none" stroke="{COMMON}" '
            'stroke-width="2" stroke-linejoin="round" stroke-linecap="round"/>'
        )
    kind, side = icon.value.split("_")
    colour = {"improvement": IMPROVEMENT, "concern": CONCERN, "neither": NEITHER}[kind]
    return colour, _letter("H" if side == "high" else "L", colour)


def _svg(css_class: str, label: str, colour: str, inner: str, size: int) -> str:
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{size}" height="{size}" '
        f'viewBox="0 0 40 40" role="img" aria-label={quoteattr(label)} '
        f'class="spc-icon {css_class}">'
        f"<title>{escape(label)}</title>"
        f'<circle cx="20" cy="20" r="17" fill="#ffffff" stroke="{colour}" stroke-width="3"/>'
        f"{inner}</svg>"
    )


def variation_icon_svg(icon: VariationIcon | str, *, size: int = 40) -> str:
    """Inline SVG for a variation icon, ``size`` pixels square."""
    icon = VariationIcon(icon)
    colour, inner = _variation_parts(icon)
    return _svg(f"spc-variation-{icon.value}", VARIATION_TEXT[icon], colour, inner, size)
