"""Server-rendered bar charts: geometry computed here, SVG drawn by templates/_bar_chart.html.

No JavaScript and no CDN (intranets are often offline; CSP forbids inline scripts). Each bar can link
to the list of people behind it (drill-down).
"""

import math
from dataclasses import dataclass

WIDTH = 800
HEIGHT = 260
LEFT = 44  # room for the y-axis labels
BOTTOM = 40  # room for the x-axis labels
TOP = 16


@dataclass(frozen=True)
class Bar:
    label: str
    value: int
    href: str
    x: float
    y: float
    width: float
    height: float

    @property
    def label_x(self) -> float:
        return self.x + self.width / 2


@dataclass(frozen=True)
class Tick:
    value: int
    y: float


@dataclass(frozen=True)
class BarChart:
    title: str
    bars: list[Bar]
    ticks: list[Tick]
    width: int = WIDTH
    height: int = HEIGHT
    left: int = LEFT
    baseline: float = HEIGHT - BOTTOM

    @property
    def empty(self) -> bool:
        return not any(bar.value for bar in self.bars)


def _nice_step(maximum: int, ticks: int = 4) -> int:
    """A round step (1, 2, 5 x 10^n) that divides the axis into about `ticks` parts."""
    if maximum <= ticks:
        return 1
    raw = maximum / ticks
    magnitude = 10 ** math.floor(math.log10(raw))
    return next(step * magnitude for step in (1, 2, 5, 10) if step * magnitude >= raw)


def bar_chart(title: str, points: list[tuple[str, int, str]]) -> BarChart:
    """Lay out one bar per (label, value, href), scaled to a round maximum."""
    maximum = max((value for _, value, _ in points), default=0)
    step = _nice_step(maximum)
    top_value = max(step * math.ceil(maximum / step), step)
    plot_height = HEIGHT - BOTTOM - TOP
    slot = (WIDTH - LEFT) / max(len(points), 1)
    bars = []
    for index, (label, value, href) in enumerate(points):
        height = plot_height * value / top_value
        bars.append(
            Bar(
                label=label,
                value=value,
                href=href,
                x=round(LEFT + index * slot + slot * 0.15, 1),
                y=round(HEIGHT - BOTTOM - height, 1),
                width=round(slot * 0.7, 1),
                height=round(height, 1),
            )
        )
    ticks = [Tick(v, round(HEIGHT - BOTTOM - plot_height * v / top_value, 1)) for v in range(0, top_value + 1, step)]
    return BarChart(title=title, bars=bars, ticks=ticks)
