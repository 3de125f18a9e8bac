"""The colours of top affiliations, one palette for every output that colours by them (graph exports, the report).

The most common top affiliations get Okabe & Ito's colour-blind-safe colours, in this
order; every other affiliation gets ``OTHER_COLOUR``, and a node without one ``NO_COLOUR``.
Any two of the eight differ by at least ΔE 26 (CIE76, in CIELAB under D65): the test of
the palette checks ΔE ≥ 20.
"""
from __future__ import annotations

from typing import Iterable

#: Okabe & Ito's palette (2008): orange, sky blue, bluish green, yellow, blue, vermillion, reddish purple, black.
#: The report highlights text with the first seven (black would hide the words); the graph uses all eight.
PALETTE = ("#E69F00", "#56B4E9", "#009E73", "#F0E442", "#0072B2", "#D55E00", "#CC79A7", "#000000")
#: the colours the report highlights text with (``attrib.report``): without black, which would hide the words
TEXT_PALETTE = PALETTE[:7]
#: the colour of every other top affiliation, and of nodes with none
OTHER_COLOUR, NO_COLOUR = "#999999", "#DDDDDD"


def rgb(colour: str) -> tuple[int, int, int]:
    """``"#E69F00"`` -> ``(230, 159, 0)``."""
    return int(colour[1:3], 16), int(colour[3:5], 16), int(colour[5:7], 16)


def rank_affiliations(counts: Iterable[tuple[str | None, int]]) -> tuple[str, ...]:
    """Top affiliations, most quoted first (ties by name), from ``(top affiliation, quotes)`` pairs (summed)."""
    totals: dict[str, int] = {}
    for top, n in counts:
        if top:
            totals[top] = totals.get(top, 0) + n
    return tuple(sorted(totals, key=lambda t: (-totals[t], t)))


def affiliation_colours(ranked: Iterable[str], size: int = len(PALETTE)) -> dict[str, str]:
    """The palette's colours for the first ``size`` of ``ranked`` (``rank_affiliations``); the rest go without."""
    return dict(zip(ranked, PALETTE[:size]))
