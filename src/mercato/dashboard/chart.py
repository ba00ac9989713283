"""A bar chart drawn on the server as inline SVG: the geometry of its bars, for a template
to render (no script, no inline style: the page's stylesheet colours it)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from mercato.money import Money

WIDTH = 700
HEIGHT = 220
AXIS = 24  # room for the day labels under the bars
TOP = 18  # room for the tallest bar's amount


@dataclass(frozen=True)
class Bar:
    x: float
    y: float
    width: float
    height: float
    day: str  # the label under the bar
    amount: str  # the amount, for its title and the screen reader


@dataclass(frozen=True)
class Chart:
    width: int
    height: int
    baseline: float
    bars: tuple[Bar, ...]
    peak: str  # the largest day's amount, written at the top


def bar_chart(
    days: list[tuple[dt.date, Money]], *, width: int = WIDTH, height: int = HEIGHT
) -> Chart:
    """One bar per day, heights in proportion to the amounts (all of one currency)."""
    if not days:
        return Chart(width, height, height - AXIS, (), "")
    largest = max(amount.minor for _day, amount in days)
    slot = width / len(days)
    gap = min(8.0, slot * 0.25)
    usable = height - AXIS - TOP
    baseline = float(height - AXIS)
    bars = []
    for index, (day, amount) in enumerate(days):
        tall = 0.0 if largest <= 0 else usable * max(amount.minor, 0) / largest
        tall = max(tall, 1.0)  # a day with nothing still shows where it is
        bars.append(
            Bar(
                x=round(index * slot + gap / 2, 2),
                y=round(baseline - tall, 2),
                width=round(slot - gap, 2),
                height=round(tall, 2),
                day=day.strftime("%-d %b"),
                amount=amount.format(),
            )
        )
    peak = max(days, key=lambda item: item[1].minor)[1].format()
    return Chart(width, height, baseline, tuple(bars), peak)
