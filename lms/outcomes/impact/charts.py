"""Small horizontal bar charts drawn on the server as SVG: no charting script, a few hundred bytes per bar.

Each chart is an image with a title for screen readers (the table of its numbers follows it on the page), scales
from 360 px up through its viewBox, and uses presentation attributes and classes only: the Content-Security-Policy
allows no inline styles.
"""

from dataclasses import dataclass
from decimal import Decimal
from unicodedata import east_asian_width

from markupsafe import Markup

WIDTH = 360
ROW_HEIGHT = 38
LABEL_BASELINE = 14  # the label and value sit on a line above their bar
BAR_TOP = 19
BAR_HEIGHT = 14
PADDING = 4
# The stylesheet's brand, error and muted colours, as presentation attributes.
FILL, NEGATIVE_FILL, AXIS_STROKE = "#0b6e4f", "#b42318", "#57606a"
# Room for a label on a 360-unit line beside its value: wide (Chinese) characters count twice.
LABEL_ROOM = 34


@dataclass(frozen=True)
class Bar:
    label: str
    value: Decimal | int | None  # None: nothing to draw (no figure), the value text says why
    shown: str  # the value as the reader reads it, e.g. "¥1,500.00" or "62.5%"


def fitted(label: str, room: int = LABEL_ROOM) -> str:
    """The label cut to the room it has, with an ellipsis; the full label is in the bar's tooltip and the table."""
    used = 0
    for index, character in enumerate(label):
        used += 2 if east_asian_width(character) in ("W", "F") else 1
        if used > room:
            return label[:index].rstrip() + "…"
    return label


def number(value: float) -> str:
    return f"{value:.1f}".rstrip("0").rstrip(".")


def bar_chart(chart_id: str, title: str, bars: list[Bar]) -> Markup:
    """A horizontal bar chart, negative values drawn left of a zero line; empty when there is nothing to draw."""
    drawn = [float(bar.value) for bar in bars if bar.value is not None]
    if not drawn:
        return Markup("")
    low, high = min(0.0, *drawn), max(0.0, *drawn)
    span = (high - low) or 1.0
    zero = (0 - low) / span * WIDTH
    height = len(bars) * ROW_HEIGHT + PADDING
    # Markup.format escapes every argument: labels are cohort names and products people typed.
    parts = [
        Markup(
            '<svg xmlns="http://www.w3.org/2000/svg" class="chart" viewBox="0 0 {} {}" role="img" '
            'aria-labelledby="{}-title" font-size="13"><title id="{}-title">{}</title>'
        ).format(WIDTH, height, chart_id, chart_id, title)
    ]
    for index, bar in enumerate(bars):
        top = index * ROW_HEIGHT + PADDING
        parts.append(
            Markup(
                '<g><title>{}: {}</title><text x="0" y="{}" class="chart-label">{}</text>'
                '<text x="{}" y="{}" text-anchor="end" class="chart-value">{}</text>'
            ).format(
                bar.label, bar.shown, top + LABEL_BASELINE, fitted(bar.label), WIDTH, top + LABEL_BASELINE, bar.shown
            )
        )
        if bar.value is not None:
            end = (float(bar.value) - low) / span * WIDTH
            left, width = min(zero, end), max(abs(end - zero), 1)
            negative = bar.value < 0
            parts.append(
                Markup('<rect x="{}" y="{}" width="{}" height="{}" class="{}" fill="{}"/>').format(
                    number(left),
                    top + BAR_TOP,
                    number(width),
                    BAR_HEIGHT,
                    "bar-negative" if negative else "bar",
                    NEGATIVE_FILL if negative else FILL,
                )
            )
        parts.append(Markup("</g>"))
    if low < 0:
        parts.append(
            Markup('<line x1="{}" x2="{}" y1="0" y2="{}" class="chart-zero" stroke="{}"/>').format(
                number(zero), number(zero), height, AXIS_STROKE
            )
        )
    parts.append(Markup("</svg>"))
    return Markup("").join(parts)
