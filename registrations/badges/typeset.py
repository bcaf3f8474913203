"""Badge text before it is drawn: the bundled fonts, what they can print, and how a text fits its
box. Pure Python (no PDF here): badges.pdf measures with fpdf2 and draws what `fit` decides.

What no bundled font can draw (an emoji, a pictograph, a script outside the fonts) is taken out
before layout and the spaces around it closed up, and `printable` says what it took out, so the
organisers' badges page can list it: fpdf2 would measure such a character at the font's
missing-glyph width and then leave it out of the drawing, so a centred line came out off centre
with a double space in it.

`fit` never cuts text. It tries the largest size on one line, then on more lines broken where a
line may break (between words; between ideographs, which have no spaces) into lines of about
equal width, shrinking the size until the box holds them; at the smallest size it breaks inside
words (between graphemes, no hyphen) before it would go smaller still."""

import math
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache, lru_cache
from pathlib import Path

from fontTools.ttLib import TTFont

FONT_DIR = Path(__file__).with_name("fonts")
BASE = "sans"  # Noto Sans: Latin, Cyrillic, Greek
BASE_FILES = ("NotoSans-Regular.ttf", "NotoSans-Bold.ttf")
# Families tried in this order for a character the base font lacks: (family, regular, bold).
FALLBACKS = (
    ("arabic", "NotoSansArabic-Regular.ttf", "NotoSansArabic-Bold.ttf"),
    ("hebrew", "NotoSansHebrew-Regular.ttf", "NotoSansHebrew-Bold.ttf"),
    ("devanagari", "NotoSansDevanagari-Regular.ttf", "NotoSansDevanagari-Bold.ttf"),
    ("thai", "NotoSansThai-Regular.ttf", "NotoSansThai-Bold.ttf"),
    # One weight only (see tools/badge_fonts.py): bold text in Chinese is set in it too.
    ("cjk", "NotoSansCJKsc-Regular.otf", None),
)
MONO = ("mono", "NotoSansMono-Regular.ttf")

PT = 25.4 / 72  # millimetres per point
LEADING = {1: 1.25}  # line height / size: one line, else MULTI_LEADING
MULTI_LEADING = 1.15
ONE_LINE = 0.75  # of the largest size: one line down to it rather than two at a larger size
ROOM = 0.99  # of the box's width: what fpdf2 measures and what it draws differ by rounding


@cache
def cmap(filename: str) -> frozenset[int]:
    """The characters a bundled font has (read once per process; ~0.1 s for all of them)."""
    font = TTFont(FONT_DIR / filename, lazy=True)
    try:
        return frozenset(font.getBestCmap())
    finally:
        font.close()


@cache
def covered() -> frozenset[int]:
    """Every character some bundled font can draw."""
    return cmap(BASE_FILES[0]).union(*(cmap(regular) for _family, regular, _bold in FALLBACKS))


# --- what can be printed ----------------------------------------------------------------------

ZWJ = "\u200d"


def _extends(character: str) -> bool:
    """Belongs to the character before it: a combining mark, a joiner, a variation selector,
    an emoji skin tone or tag."""
    code = ord(character)
    return (
        unicodedata.category(character) in ("Mn", "Mc", "Me")
        or character == ZWJ
        or 0xFE00 <= code <= 0xFE0F
        or 0x1F3FB <= code <= 0x1F3FF
        or 0xE0020 <= code <= 0xE007F
        or 0xE0100 <= code <= 0xE01EF
    )


def _regional(character: str) -> bool:
    return 0x1F1E6 <= ord(character) <= 0x1F1FF  # two of them make a flag


def graphemes(text: str) -> list[str]:
    """The text cut where a reader sees one character end and the next begin: a letter with its
    marks, an emoji sequence, a flag, a Devanagari conjunct (close to Unicode's extended grapheme
    clusters, enough for breaking a word and for reporting what was left out)."""
    clusters: list[str] = []
    for character in text:
        if clusters and (
            _extends(character)
            or clusters[-1][-1] == ZWJ
            or (_regional(character) and len(clusters[-1]) == 1 and _regional(clusters[-1]))
            or (
                unicodedata.combining(clusters[-1][-1]) == 9  # a virama joins the next letter
                and unicodedata.category(character).startswith("L")
            )
        ):
            clusters[-1] += character
        else:
            clusters.append(character)
    return clusters


def _invisible(character: str) -> bool:
    """Draws nothing: leaving it out changes nothing a reader sees (joiners, direction marks,
    variation selectors, controls)."""
    category = unicodedata.category(character)
    return category in ("Cf", "Cc") or (_extends(character) and not category.startswith("M"))


@lru_cache(maxsize=8192)
def printable(text: str) -> tuple[str, tuple[str, ...]]:
    """The text as a badge prints it, and the characters it leaves out because no bundled font
    has them, each once, in order ("Ana 🌻 Silva" -> ("Ana Silva", ("🌻",))). Runs of spaces
    become one space; a left-out symbol between two words leaves one space, not two or none.
    Letters typed as letter and accent are composed (NFC), as the fonts draw them best."""
    fonts = covered()
    words = " ".join(unicodedata.normalize("NFC", text).split())
    if all(ord(character) in fonts for character in words):
        return words, ()
    kept: list[str] = []
    left_out: dict[str, None] = {}
    for cluster in graphemes(words):
        base = cluster[0]
        if ord(base) not in fonts and not _invisible(base):
            left_out[cluster] = None
            # A pictograph or symbol stood for a word: keep the words around it apart.
            if not unicodedata.category(base).startswith(("L", "M", "N")):
                kept.append(" ")
            continue
        for character in cluster:
            if ord(character) in fonts:
                kept.append(character)
            elif not _invisible(character):
                left_out[character] = None
    return " ".join("".join(kept).split()), tuple(left_out)


# --- fitting a box ----------------------------------------------------------------------------

# No line starts with these (closing punctuation, small kana) or ends with those (opening).
NO_START = frozenset(
    "、。，．・：；？！）」』】〕〉》〙〗ー"  # closing punctuation, the long vowel mark
    "ぁぃぅぇぉっゃゅょゎァィゥェォッャュョヮヵヶ"  # small kana
)
NO_END = frozenset("（「『【〔〈《〘〖")
HYPHENS = frozenset("-\u2010")  # a line may end after one inside a word: "Hernández-|Villanueva"


def _ideographic(character: str) -> bool:
    """A character a line may break before or after with no space: Chinese, Japanese and
    Korean are written without spaces between words (or, in names, at all)."""
    code = ord(character)
    return (
        0x2E80 <= code <= 0x9FFF  # CJK radicals, punctuation, kana, ideographs
        or 0xAC00 <= code <= 0xD7AF  # Hangul syllables
        or 0xF900 <= code <= 0xFAFF  # CJK compatibility ideographs
        or 0xFF00 <= code <= 0xFFEF  # full-width forms
        or 0x20000 <= code <= 0x3FFFF  # CJK extensions
    )


def pieces(text: str) -> list[tuple[bool, str]]:
    """The text between the places a line may break, each with whether a space stands before
    it: "王小明 Li-Ming" -> [(False, "王"), (False, "小"), (False, "明"), (True, "Li-"),
    (False, "Ming")]."""
    found: list[tuple[bool, str]] = []
    for word in text.split(" "):
        if not word:
            continue
        clusters = graphemes(word)
        start = 0
        for n in range(1, len(clusters)):
            before, after = clusters[n - 1], clusters[n]
            if (
                (_ideographic(before[0]) or _ideographic(after[0]))
                and after[0] not in NO_START
                and before[-1] not in NO_END
            ) or (before in HYPHENS and n > 1 and after[0].isalpha()):
                found.append((start == 0, "".join(clusters[start:n])))
                start = n
        found.append((start == 0, "".join(clusters[start:])))
    if found:
        found[0] = (False, found[0][1])
    return found


@dataclass(frozen=True)
class Fit:
    """A text set in its box: the size (pt) and its lines, each with its width (mm)."""

    size: float
    lines: tuple[str, ...]
    widths: tuple[float, ...]

    @property
    def leading(self) -> float:
        return LEADING.get(len(self.lines), MULTI_LEADING)


def _join(run: list[tuple[bool, str]]) -> str:
    return "".join((" " if space and n else "") + piece for n, (space, piece) in enumerate(run))


class _Fitter:
    """Widths per point of size, so a line's width at any size is one multiplication."""

    def __init__(self, measure: Callable[[str], float], spacing: float):
        self.measure = measure
        self.space = measure(" ")
        self.spacing = spacing * PT  # mm per character, whatever the size

    def parts(self, row: list[tuple[bool, str]]) -> tuple[float, float]:
        """A line's width as (mm per point of size, mm of letter-spacing)."""
        spaces = sum(1 for n, (space, _piece) in enumerate(row) if space and n)
        per_point = sum(self.measure(piece) for _space, piece in row) + spaces * self.space
        characters = sum(len(piece) for _space, piece in row) + spaces
        return per_point, self.spacing * characters

    def width(self, row: list[tuple[bool, str]], size: float) -> float:
        per_point, spaced = self.parts(row)
        return per_point * size + spaced

    def greedy(self, units: list[tuple[bool, str]], size: float, room: float) -> list[list]:
        """Lines filled in turn: each takes units while they fit (a unit wider than a line
        gets a line of its own)."""
        rows: list[list] = []
        row: list = []
        used = 0.0
        for space, piece in units:
            extra = self.width([(False, piece)], size)
            if row and space:
                extra += self.space * size + self.spacing
            if row and used + extra > room:
                rows.append(row)
                row, used, extra = [], 0.0, self.width([(False, piece)], size)
            row.append((space, piece))
            used += extra
        if row:
            rows.append(row)
        return rows

    def balanced(self, units: list[tuple[bool, str]], count: int) -> list[list]:
        """`units` on at most `count` lines, the widest as narrow as it can be: the smallest
        width per point at which filling lines in turn needs no more than `count` of them,
        found by bisection."""
        if count == 1:
            return [units]
        widths = [self.measure(piece) for _space, piece in units]

        def rows_within(limit: float) -> list[list]:
            rows, row, used = [], [], 0.0
            for unit, width in zip(units, widths, strict=True):
                extra = width + (self.space if row and unit[0] else 0.0)
                if row and used + extra > limit:
                    rows.append(row)
                    row, used, extra = [], 0.0, width
                row.append(unit)
                used += extra
            rows.append(row)
            return rows

        low, high = max(widths), sum(widths) + self.space * len(units)
        for _ in range(30):
            middle = (low + high) / 2
            if len(rows_within(middle)) <= count:
                high = middle
            else:
                low = middle
        return rows_within(high * (1 + 1e-9))


def fit(
    text: str,
    measure: Callable[[str], float],
    *,
    width: float,
    height: float,
    largest: float,
    smallest: float,
    lines: int | None = None,
    spacing: float = 0.0,
) -> Fit:
    """Where `text` goes in a box `width` x `height` mm: on one line if it fits there at
    ONE_LINE of `largest` or more, else at the largest size down to `smallest` (pt) at which
    its lines fit (as many as the box holds, or `lines`), broken between words into lines of
    about equal width; failing that, at `smallest` with words broken between graphemes; failing
    that (a text far longer than the box is meant for), smaller still. Never cut.
    `measure(s)` is the width in mm of `s` at 1 pt; `spacing` is in pt between characters."""
    if not text:
        return Fit(largest, (), ())
    box = _Box(_Fitter(measure, spacing), width * ROOM, height, lines)
    units = pieces(text)
    rows, size = _whole_words(box, units, largest, smallest) or _broken(box, units, smallest)
    return Fit(
        size, tuple(_join(row) for row in rows), tuple(box.fitter.width(row, size) for row in rows)
    )


@dataclass(frozen=True)
class _Box:
    fitter: _Fitter
    room: float  # mm across
    height: float  # mm down
    lines: int | None  # at most, else as many as the height holds

    def most_lines(self, size: float) -> int:
        held = max(1, math.floor(self.height / (size * PT * MULTI_LEADING) + 1e-9))
        return min(held, self.lines) if self.lines else held


def _whole_words(box: _Box, units, largest: float, smallest: float):
    """(rows, size) at the largest size that one line, two, three... (as many as the box
    holds at `smallest`) take, breaking only between words; None when none fits. One line
    that needs little shrinking wins over more lines: a name reads as one."""
    best = None
    for count in range(1, min(len(units), box.most_lines(smallest)) + 1):
        rows = box.fitter.balanced(units, count)
        size = largest
        for row in rows:
            per_point, spaced = box.fitter.parts(row)
            if per_point:
                size = min(size, (box.room - spaced) / per_point)
        if count > 1:
            size = min(size, box.height / (count * PT * MULTI_LEADING))
        if size >= smallest and (best is None or size > best[1] + 1e-6):
            best = (rows, size)
        if size >= largest * (ONE_LINE if count == 1 else 1):
            break
    return best


def _broken(box: _Box, units, smallest: float):
    """(rows, size) for a text too long for whole words at the smallest size: words broken
    between graphemes at that size, else at a smaller one (whole words first at each)."""
    fitter, size = box.fitter, smallest
    while True:
        count = box.most_lines(size)
        rows = fitter.balanced(units, count)
        if len(rows) <= count and all(fitter.width(row, size) <= box.room for row in rows):
            return rows, size
        for split in (_long_words_split(units, fitter, size, box.room), _all_split(units)):
            rows = fitter.greedy(split, size, box.room)
            if len(rows) <= count or size <= 1:
                return rows, size
        size = max(1.0, size - 0.5)


def _long_words_split(units, fitter: _Fitter, size: float, room: float) -> list:
    """The pieces, with those wider than a line cut into graphemes."""
    split = []
    for space, piece in units:
        if fitter.width([(False, piece)], size) <= room:
            split.append((space, piece))
            continue
        for n, cluster in enumerate(graphemes(piece)):
            split.append((space and n == 0, cluster))
    return split


def _all_split(units) -> list:
    """Every grapheme a place to break: lines filled to the last character that fits."""
    return [
        (space and n == 0, cluster)
        for space, piece in units
        for n, cluster in enumerate(graphemes(piece))
    ]
