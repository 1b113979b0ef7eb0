"""The cold-spot map: the partnership's schools and colleges at their GIAS grid references.

Drawn by the server as SVG on the British National Grid (GIAS gives each establishment's easting
and northing in metres, a fine flat projection for England): no tiles, no script and no
third-party service, so it works offline. Each school is coloured and sized by the chosen
measure, on a colour-blind-safe scale (viridis); a school without a value is a white circle with
a dashed ring, so colour is never the only cue. The table beside it lists the same schools.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from widen.targeting.schools import SchoolRow

MEASURES = {
    "share": "Share of learners the rule set is for",
    "reach": "Reach: the partnership's learners at the school",
}
WIDTH = 640
PADDING = 24
MINIMUM_SPAN = 2_000  # metres: a map of one or two schools still shows their surroundings
SCALE_BARS = (250, 500, 1_000, 2_000, 5_000, 10_000, 20_000, 50_000)


@dataclass(frozen=True)
class Band:
    key: str
    label: str
    fill: str
    radius: float
    hollow: bool = False  # no value: a white circle with a dashed ring


# Viridis, light to dark as the value grows; every circle has a dark ring, so even the lightest
# stands out from the background (WCAG 1.4.11), and its size grows with the value too.
SHARE_BANDS = (
    Band("none", "No share (no learners yet, or none you may see)", "#ffffff", 7, hollow=True),
    Band("q1", "Under 25%", "#fde725", 5),
    Band("q2", "25% to 49%", "#35b779", 7),
    Band("q3", "50% to 74%", "#31688e", 9),
    Band("q4", "75% or more", "#440154", 11),
)
REACH_BANDS = (
    Band("none", "Not reached yet (no learners)", "#ffffff", 7, hollow=True),
    Band("q1", "1 to 24 learners", "#fde725", 5),
    Band("q2", "25 to 49 learners", "#35b779", 7),
    Band("q3", "50 to 99 learners", "#31688e", 9),
    Band("q4", "100 learners or more", "#440154", 11),
    Band("unseen", "Reached, by learners you may not see", "#b1b4b6", 5),
)


def _band(row: SchoolRow, measure: str) -> Band:
    if measure == "reach":
        if not row.reached:
            return REACH_BANDS[0]
        if not row.learners:
            return REACH_BANDS[-1]
        limits = (25, 50, 100)
        return REACH_BANDS[1 + sum(row.learners >= limit for limit in limits)]
    share = row.share
    if share is None:
        return SHARE_BANDS[0]
    return SHARE_BANDS[1 + sum(share >= limit for limit in (0.25, 0.5, 0.75))]


def describe(row: SchoolRow, measure: str) -> str:
    """The school's value in words, as its point's label and title say it."""
    if measure == "reach":
        if not row.reached:
            return "not reached yet: none of the partnership's learners"
        if not row.learners:
            return "reached, by learners you may not see"
        return f"{row.learners:,} of the partnership's learners you may see"
    if not row.learners:
        return "no share: no learners you may see" if row.reached else "no learners yet"
    return f"{row.share_text} of {row.learners:,} learners the rule set is for"


@dataclass(frozen=True)
class MapPoint:
    row: SchoolRow
    x: float
    y: float
    band: Band
    text: str  # "45% of 120 learners the rule set is for"


@dataclass(frozen=True)
class LegendEntry:
    band: Band
    schools: int


@dataclass(frozen=True)
class SchoolMap:
    measure: str
    measure_label: str
    width: int
    height: int
    points: list[MapPoint]
    legend: list[LegendEntry]
    not_placed: list[SchoolRow]  # no grid reference in the loaded GIAS edition
    scale_metres: int
    scale_pixels: float

    @property
    def scale_label(self) -> str:
        if self.scale_metres >= 1_000:
            return f"{self.scale_metres // 1_000} km"
        return f"{self.scale_metres} m"

    @property
    def scale_end(self) -> float:
        return PADDING + self.scale_pixels


def school_map(rows: list[SchoolRow], measure: str) -> SchoolMap:
    """The schools placed on the map (north up, one scale both ways), in the order given."""
    measure = measure if measure in MEASURES else "share"
    placed = [
        (row, row.easting, row.northing)
        for row in rows
        if row.easting is not None and row.northing is not None
    ]
    eastings = [easting for _, easting, _ in placed]
    northings = [northing for _, _, northing in placed]
    west, east = (min(eastings), max(eastings)) if placed else (0, MINIMUM_SPAN)
    south, north = (min(northings), max(northings)) if placed else (0, MINIMUM_SPAN)
    span_e = max(east - west, MINIMUM_SPAN)
    span_n = max(north - south, MINIMUM_SPAN)
    # Centre a span widened to the minimum on the schools.
    left = west - (span_e - (east - west)) / 2
    top = north + (span_n - (north - south)) / 2
    scale = (WIDTH - 2 * PADDING) / span_e  # pixels per metre
    height = round(span_n * scale + 2 * PADDING)
    bands = REACH_BANDS if measure == "reach" else SHARE_BANDS
    points = []
    for row, easting, northing in placed:
        band = _band(row, measure)
        points.append(
            MapPoint(
                row=row,
                x=round(PADDING + (easting - left) * scale, 1),
                y=round(PADDING + (top - northing) * scale, 1),
                band=band,
                text=describe(row, measure),
            )
        )
    counts = Counter(point.band.key for point in points)
    bar = max(
        (metres for metres in SCALE_BARS if metres * scale <= WIDTH / 4), default=SCALE_BARS[0]
    )
    return SchoolMap(
        measure=measure,
        measure_label=MEASURES[measure],
        width=WIDTH,
        height=height,
        points=points,
        legend=[LegendEntry(band, counts[band.key]) for band in bands],
        not_placed=[row for row in rows if row.easting is None or row.northing is None],
        scale_metres=bar,
        scale_pixels=round(bar * scale, 1),
    )
