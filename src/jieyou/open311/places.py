"""Where a posted request is: a region code (``address_id``), a region named in
``address_string``, or — for lat/long alone — the area of the account that posted it.

Regions carry no geometry, so coordinates cannot be placed in a village; they are kept on the
case for staff, checked to lie in Chenzhou, and the case starts at the poster's region.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

from jieyou.regions.models import LEVEL_ORDER, Level

# Chenzhou spans about 24.9–26.8°N, 112.2–114.2°E; the box leaves a margin for GPS error and
# the GCJ-02 offset some phones apply.
CHENZHOU_BOUNDS = (24.5, 27.2, 111.9, 114.6)  # south, north, west, east

RegionRow = tuple[str, str, str, str | None]  # code, name, level, parent code


def in_chenzhou(lat: float, lng: float) -> bool:
    south, north, west, east = CHENZHOU_BOUNDS
    return south <= lat <= north and west <= lng <= east


def match_region(rows: Sequence[RegionRow], text: str) -> str | None:
    """The code of the deepest region that ``text`` names unambiguously, or None.

    A township or village counts only if the text also names one of its ancestors, or if its
    name is unique at its level in the whole city (many villages share a name); and it must not
    contradict a county or township the text names. Among equals at one level the one whose
    ancestors are named most wins; a tie there means that level is ambiguous, so a shallower
    one is tried.
    """
    info = {code: (name, level, parent) for code, name, level, parent in rows}
    named = {code for code, (name, _, _) in info.items() if name and name in text}
    if not named:
        return None
    counts = Counter((name, level) for name, level, _ in info.values())

    def ancestors(code: str) -> list[str]:
        chain = []
        parent = info[code][2]
        while parent is not None and parent in info:
            chain.append(parent)
            parent = info[parent][2]
        return chain

    def fits(code: str) -> bool:
        name, level, _ = info[code]
        above = set(ancestors(code))
        # A county or township the text names must be one of this region's own.
        for upper in (Level.county, Level.township):
            if LEVEL_ORDER.index(upper) >= LEVEL_ORDER.index(Level(level)):
                break
            named_there = {c for c in named if info[c][1] == upper}
            if named_there and not named_there & above:
                return False
        if level in (Level.city, Level.county):
            return True
        named_ancestors = {c for c in above & named if info[c][1] != Level.city}
        return bool(named_ancestors) or counts[(name, level)] == 1

    candidates = [code for code in named if fits(code)]
    for level in (Level.village, Level.township, Level.county, Level.city):
        at_level = [code for code in candidates if info[code][1] == level]
        if not at_level:
            continue
        scores = {code: len(named & set(ancestors(code))) for code in at_level}
        best = max(scores.values())
        top = [code for code, score in scores.items() if score == best]
        if len(top) == 1:
            return top[0]
    return None
