"""The participation report's charts as SVG drawn on the server: horizontal bars, one group per
row and one bar per series. They need no JavaScript, print and zoom, and read aloud
(role="img" with a <title> and a <desc> listing the figures; the page puts the same numbers in a
table beside each chart).

Every bar has its number written beside it, and each series has its own fill pattern as well as
its colour (solid, striped, outlined, dotted), named in the legend: nothing is told by colour
alone. The fills are at least 3:1 against white (WCAG 1.4.11), the text #1b1f24. Right to left
(Arabic), the chart is mirrored: labels on the right, bars growing leftwards. Only presentation
attributes (fill=, x=), no style: the page's Content-Security-Policy allows no inline style."""

from dataclasses import dataclass

from django.utils.html import escape, format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

WIDTH = 640
LABEL_WIDTH = 200
NUMBER_WIDTH = 64
PAD = 8
BAR = 16
GAP = 10
LEGEND = 28
FONT = 13
LABEL_CHARACTERS = 26  # about what fits LABEL_WIDTH at FONT; the table has the whole label
INK = "#1b1f24"
# (fill, pattern): one look per series.
LOOKS = (
    ("#0b57d0", "solid"),
    ("#8a4b00", "stripes"),
    ("#1b1f24", "outline"),
    ("#6b21a8", "dots"),
)


@dataclass(frozen=True)
class Series:
    name: str
    values: list[int]


def bar_chart(
    *, key: str, title: str, labels: list[str], series: list[Series], rtl: bool = False
) -> SafeString:
    """An SVG of horizontal bars: for each label, one bar per series. `key` makes the ids of
    this chart's title, description and patterns unique on the page."""
    groups = len(labels)
    legend = LEGEND if len(series) > 1 else 0
    group_height = BAR * len(series) + GAP
    height = PAD * 2 + legend + max(groups, 1) * group_height
    largest = max((value for one in series for value in one.values), default=0) or 1
    room = WIDTH - LABEL_WIDTH - NUMBER_WIDTH - 2 * PAD

    def x(position: float, width: float = 0) -> float:
        """Left edge of a box at `position` from the start side, mirrored right to left."""
        return WIDTH - position - width if rtl else position

    def text(position: float, y: float, content: str, **attributes) -> str:
        # Anchored at its start side: left to right its left edge, right to left its right edge.
        extra = "".join(
            f' {name.replace("_", "-")}="{escape(value)}"' for name, value in attributes.items()
        )
        direction = ' direction="rtl"' if rtl else ""
        return (
            f'<text x="{x(position):.1f}" y="{y:.1f}" font-size="{FONT}" fill="{INK}"'
            f'{direction} text-anchor="start"{extra}>{escape(content)}</text>'
        )

    parts = [_patterns(key, series)]
    if legend:
        position = PAD
        for index, one in enumerate(series):
            parts.append(_bar(key, index, x(position, 14), PAD + 4, 14, 14))
            parts.append(text(position + 20, PAD + 16, one.name))
            position += 28 + len(one.name) * 7.5
    for row, label in enumerate(labels):
        top = PAD + legend + row * group_height
        middle = top + BAR * len(series) / 2 + FONT / 3
        parts.append(text(PAD, middle, _short(label)))
        for index, one in enumerate(series):
            value = one.values[row]
            length = max(value / largest * room, 1 if value else 0)
            y = top + index * BAR
            parts.append(_bar(key, index, x(LABEL_WIDTH, length), y + 1, length, BAR - 2))
            parts.append(text(LABEL_WIDTH + length + 6, y + BAR - 4, str(value)))
    described = _("; ").join(
        f"{label}: "
        + _(", ").join(
            f"{one.name} {one.values[row]}" if len(series) > 1 else str(one.values[row])
            for one in series
        )
        for row, label in enumerate(labels)
    )
    return format_html(
        '<svg xmlns="http://www.w3.org/2000/svg" class="report-chart" role="img" '
        'viewBox="0 0 {width} {height}" width="{width}" height="{height}" '
        'aria-labelledby="{key}-title {key}-desc" font-family="system-ui, sans-serif">'
        '<title id="{key}-title">{title}</title><desc id="{key}-desc">{desc}</desc>{body}</svg>',
        width=WIDTH,
        height=int(height),
        key=key,
        title=title,
        desc=described or _("No figures yet."),
        body=mark_safe("".join(parts)),  # noqa: S308 - built above from escaped text
    )


def _short(label: str) -> str:
    return label if len(label) <= LABEL_CHARACTERS else label[: LABEL_CHARACTERS - 1] + "…"


def _patterns(key: str, series: list[Series]) -> str:
    defs = []
    for index in range(len(series)):
        colour, look = LOOKS[index % len(LOOKS)]
        if look == "stripes":
            defs.append(
                f'<pattern id="{key}-p{index}" width="6" height="6" '
                f'patternUnits="userSpaceOnUse" patternTransform="rotate(45)">'
                f'<rect width="6" height="6" fill="#ffffff"/>'
                f'<rect width="3" height="6" fill="{colour}"/></pattern>'
            )
        elif look == "dots":
            defs.append(
                f'<pattern id="{key}-p{index}" width="5" height="5" patternUnits="userSpaceOnUse">'
                f'<rect width="5" height="5" fill="{colour}"/>'
                f'<circle cx="2.5" cy="2.5" r="1.2" fill="#ffffff"/></pattern>'
            )
    return f"<defs>{''.join(defs)}</defs>" if defs else ""


def _bar(key: str, index: int, x: float, y: float, width: float, height: float) -> str:
    colour, look = LOOKS[index % len(LOOKS)]
    box = f'x="{x:.1f}" y="{y:.1f}" width="{width:.1f}" height="{height:.1f}"'
    if look == "solid":
        return f'<rect {box} fill="{colour}"/>'
    if look == "outline":
        return f'<rect {box} fill="#ffffff" stroke="{colour}" stroke-width="1.5"/>'
    return f'<rect {box} fill="url(#{key}-p{index})" stroke="{colour}" stroke-width="1"/>'
