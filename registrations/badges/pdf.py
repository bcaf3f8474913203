"""Drawing badges into a PDF: one design, A6 (105 x 148 mm) portrait, placed one per A6 page or
four per A4 sheet with cut marks. The PNG of a badge is this PDF page rasterised (pypdfium2), so
print, mail and screen show the same thing.

Why fpdf2 (https://py-pdf.github.io/fpdf2/): it is pure Python and actively maintained (py-pdf,
releases every few months), and it is the Python PDF writer that sets text in any script
properly: with `set_text_shaping` it shapes through HarfBuzz (uharfbuzz), so Arabic letters join
and run right to left (Unicode bidi), Devanagari and Thai combine; `set_fallback_fonts` picks,
per character, a font that has it (a name mixing Latin and Chinese works); and it embeds only the
glyphs used (fontTools subsetting), so a badge with a Chinese name is ~30 kB, not 10 MB.
ReportLab, the usual alternative, is faster but does not shape Arabic and reads only TrueType
outlines, not the CFF outlines of Noto Sans CJK. fpdf2 keeps a whole document in memory, so a
print run renders in chunks and pikepdf (qpdf) joins the chunk files (badges.print_runs).

Which characters the fonts can print and how each text fits its box (size, lines, never cut)
is decided in badges.typeset; this module measures with fpdf2 and draws. It knows nothing of
Django: it takes `Badge` values whose words are already translated, so it can run anywhere (a
task, a benchmark, a test)."""

import logging
from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path

from fpdf import FPDF

from registrations.badges.qr import qr_matrix
from registrations.badges.typeset import (
    BASE,
    BASE_FILES,
    FALLBACKS,
    FONT_DIR,
    MONO,
    PT,
    Fit,
    cmap,
    fit,
    printable,
)

# fontTools reports every table it subsets at INFO (dozens of lines per badge), pikepdf that it
# has started: not news for the logs.
logging.getLogger("fontTools").setLevel(logging.WARNING)
logging.getLogger("pikepdf").setLevel(logging.WARNING)

# Geometry, in millimetres.
WIDTH, HEIGHT = 105.0, 148.0
A4 = (210.0, 297.0)
MARGIN = 6.0  # no text comes nearer the badge's edge
HEADER = 26.0
BAND_TOP = 131.0
QR_SIZE = 28.0  # the symbol without its quiet zone: 29 modules (version 3) of ~1 mm
QR_TOP = 92.0
CUT_MARK = 6.0

# The name's box, down to the organisation's: two lines at 30 pt, three up to 24 pt, four up to
# 18, five up to 14.5; 14 pt (5 mm capitals) is the least that reads from a couple of metres.
NAME_BOX = 29.5
NAME_SIZES = (30.0, 14.0)  # largest, smallest
MEASURE_SIZE = 10.0  # pt: text is measured once at this size, then scaled

INK = (27, 31, 36)
MUTED = (85, 93, 102)
HEADER_FILL = (11, 87, 208)  # the site's accent
WHITE = (255, 255, 255)
# Attendance modes: a colour band, and always the word on it. White text on both meets WCAG AA.
MODE_FILL = {"in_person": (10, 107, 45), "online": (91, 33, 182)}


class Layout(StrEnum):
    A6 = "a6"  # one badge per A6 page
    A4 = "a4_4up"  # four badges per A4 sheet, 2 x 2, with cut marks


@dataclass(frozen=True)
class Badge:
    """What a badge shows, with every word already in the badge's language."""

    name: str
    organisation: str
    country: str
    role: str
    mode: str  # "in_person" or "online": picks the band's colour
    mode_label: str
    secret: str
    event_title: str
    event_when: str

    def texts(self) -> tuple[str, ...]:
        return (
            self.name,
            self.organisation,
            self.country,
            self.role.upper(),
            self.mode_label.upper(),
            self.event_title,
            self.event_when,
        )

    def left_out(self) -> tuple[str, ...]:
        """What the badge prints without because no bundled font has it ("🌻" of "Ana 🌻
        Silva"), each once: see `typeset.printable`."""
        found = (character for text in self.texts() for character in printable(text)[1])
        return tuple(dict.fromkeys(found))


class ShapedPDF(FPDF):
    """fpdf2 (2.8) with one correction, for every PDF we make (badges, certificates, the
    participation report). With text shaping and fallback fonts, a line set wholly in a
    fallback font (an Arabic line) leaves fpdf2 believing the page is already on the font the
    next line starts in; that line's Latin text is then drawn with another font's glyph numbers
    (the zone's name came out as "Asia-PcafiRcai" under the Arabic report's title). Each line
    writes its font to the page again: a few bytes per line. The one override of fpdf2's
    internals; tests/registrations/report/test_report.py holds it (the Arabic PDF)."""

    def _render_styled_text_line(self, *args, **kwargs):
        self.current_font_is_set_on_page = False
        return super()._render_styled_text_line(*args, **kwargs)


class Sheet:
    """A PDF whose text is set as a badge's is: the bundled fonts, added as the text needs them
    (a document with only Latin names never reads the CJK font), each text fitted to its box
    and centred in it, and QR codes drawn as paths. Badges and certificates of attendance
    (registrations.certificates.pdf) draw on it, so they share one way of setting names."""

    def __init__(
        self,
        page: tuple[float, float],
        *,
        title: str = "",
        fonts: dict[str, str] | None = None,
    ):
        """`page` is (width, height) in mm; `fonts` replaces bundled font files by name with
        cut-down copies (subset_fonts)."""
        self._files = fonts or {}
        pdf = ShapedPDF(unit="mm", format=page)
        pdf.set_auto_page_break(False)
        pdf.set_margins(0, 0, 0)
        pdf.c_margin = 0
        pdf.set_creator("confman")
        if title:
            pdf.set_title(title)
        pdf.add_font(BASE, "", FONT_DIR / BASE_FILES[0])
        pdf.add_font(BASE, "B", FONT_DIR / BASE_FILES[1])
        pdf.add_font(MONO[0], "", FONT_DIR / MONO[1])
        self.pdf = pdf
        self._fallbacks: list[str] = []
        self._covered = set(cmap(BASE_FILES[0]))
        # Measuring text is the costly part of fitting it: each word is measured once per sheet,
        # and the texts that repeat on every page (the event, roles, modes) are fitted once.
        self._widths: dict[tuple[str, str, bool], float] = {}
        self._fitted: dict[tuple, Fit] = {}

    # --- fonts --------------------------------------------------------------------------------

    def fonts_for(self, texts: Iterable[str]) -> None:
        """Adds the fallback fonts that `texts` (already `printable`) need."""
        missing = {ord(c) for text in texts for c in text if c > " "} - self._covered
        if not missing:
            return
        for family, regular, bold in FALLBACKS:
            has = cmap(regular)
            if family in self._fallbacks or not missing & has:
                continue
            self.pdf.add_font(family, "", self._file(regular))
            if bold:
                self.pdf.add_font(family, "B", self._file(bold))
            self._fallbacks.append(family)
            self._covered |= has
            missing -= has
        if self._fallbacks:
            # Not exact: a bold name in Chinese falls back to the regular CJK face.
            self.pdf.set_fallback_fonts(self._fallbacks, exact_match=False)

    def _file(self, name: str) -> Path:
        return Path(self._files.get(name) or FONT_DIR / name)

    def output(self, path: Path | str | None = None) -> bytes | None:
        """The PDF as bytes, or written to `path`."""
        if path is None:
            return bytes(self.pdf.output())
        self.pdf.output(str(path))
        return None

    # --- drawing --------------------------------------------------------------------------------

    def qr(self, payload: str, x: float, y: float, size: float = QR_SIZE) -> None:
        """The modules as one filled path of rectangles (a run of dark modules in a row is one
        rectangle): crisp at any print resolution and a few hundred bytes."""
        matrix = qr_matrix(payload)
        module = size / len(matrix)
        k, page_height = self.pdf.k, self.pdf.h
        ops = ["q 0 g"]
        for row, cells in enumerate(matrix):
            top = (page_height - (y + row * module)) * k
            column = 0
            while column < len(cells):
                if not cells[column]:
                    column += 1
                    continue
                start = column
                while column < len(cells) and cells[column]:
                    column += 1
                ops.append(
                    f"{(x + start * module) * k:.2f} {top:.2f} "
                    f"{(column - start) * module * k:.2f} {-module * k:.2f} re"
                )
        ops.append("f Q")
        self.pdf._out("\n".join(ops))  # noqa: SLF001 - fpdf2 has no public call for a raw path

    def text(self, text, x, y, width, box, style, largest, smallest, *, lines=None, spacing=0.0):
        """`text` centred in a box `width` x `box` mm at (x, y), as `typeset.fit` sets it: the
        largest size that fits, on as few lines as that size allows, never cut."""
        text = printable(text)[0]
        if not text:
            return
        pdf = self.pdf
        fitted = self.fit_text(text, width, box, style, largest, smallest, lines, spacing)
        self._shaping(text)
        pdf.set_char_spacing(spacing if _spaceable(text) else 0)
        pdf.set_font(BASE, style, fitted.size)
        height = fitted.size * PT * fitted.leading
        top = y + (box - height * len(fitted.lines)) / 2
        for n, line in enumerate(fitted.lines):
            pdf.set_xy(x, top + n * height)
            pdf.cell(width, height, line, align="C")
        pdf.set_char_spacing(0)

    def fit_text(self, text, width, box, style, largest, smallest, lines, spacing) -> Fit:
        """`typeset.fit` with this sheet's fonts, worked out once per sheet and text."""
        key = (text, width, box, style, largest, smallest, lines, spacing)
        fitted = self._fitted.get(key)
        if fitted is not None:
            return fitted
        pdf = self.pdf
        self._shaping(text)
        pdf.set_char_spacing(0)
        pdf.set_font(BASE, style, MEASURE_SIZE)
        shaped = bool(pdf.text_shaping)
        widths = self._widths

        def measure(piece: str) -> float:
            known = widths.get((piece, style, shaped))
            if known is None:
                known = pdf.get_string_width(piece) / MEASURE_SIZE
                widths[piece, style, shaped] = known
            return known

        fitted = fit(
            text,
            measure,
            width=width,
            height=box,
            largest=largest,
            smallest=smallest,
            lines=lines,
            spacing=spacing if _spaceable(text) else 0.0,
        )
        self._fitted[key] = fitted
        return fitted

    def _shaping(self, text: str) -> None:
        """HarfBuzz shaping only for the scripts that need it (joining, reordering, combining
        marks): it is the costly part of setting text, and Latin, Cyrillic and Chinese are
        right without it."""
        needed = any(_complex(c) for c in text)
        if needed != bool(self.pdf.text_shaping):
            self.pdf.set_text_shaping(needed)


class BadgeSheet(Sheet):
    """A PDF of badges. Add badges, then `output()`."""

    def __init__(
        self, layout: Layout = Layout.A6, *, title: str = "", fonts: dict[str, str] | None = None
    ):
        """`fonts` replaces bundled font files by name with cut-down copies (subset_fonts)."""
        self.layout = Layout(layout)
        page = (WIDTH, HEIGHT) if self.layout == Layout.A6 else A4
        super().__init__(page, title=title, fonts=fonts)
        self.count = 0

    # --- pages --------------------------------------------------------------------------------

    def add(self, badge: Badge) -> None:
        self.fonts_for(printable(text)[0] for text in badge.texts())
        if self.layout == Layout.A6:
            self.pdf.add_page()
            x, y = 0.0, 0.0
        else:
            slot = self.count % 4
            if slot == 0:
                self.pdf.add_page()
                self._cut_marks()
            # The two rows sit in the middle of the sheet's 297 mm (1 mm to spare).
            x = WIDTH * (slot % 2)
            y = (A4[1] - 2 * HEIGHT) / 2 + HEIGHT * (slot // 2)
        self._draw(badge, x, y)
        self.count += 1

    def _cut_marks(self) -> None:
        """Ticks on the sheet's edges where the guillotine goes: the middle line across and the
        middle line down. Black on a white stroke, so they show on the coloured bands too."""
        pdf = self.pdf
        width, height = A4
        middle_y = height / 2
        ticks = [
            (WIDTH, 0, WIDTH, CUT_MARK),
            (WIDTH, height - CUT_MARK, WIDTH, height),
            (0, middle_y, CUT_MARK, middle_y),
            (width - CUT_MARK, middle_y, width, middle_y),
        ]
        for colour, line_width in ((WHITE, 0.8), (INK, 0.2)):
            pdf.set_draw_color(*colour)
            pdf.set_line_width(line_width)
            for x1, y1, x2, y2 in ticks:
                pdf.line(x1, y1, x2, y2)

    # --- one badge ------------------------------------------------------------------------------

    def _draw(self, badge: Badge, x: float, y: float) -> None:
        pdf = self.pdf
        left, inner = x + MARGIN, WIDTH - 2 * MARGIN
        # Header: the event.
        pdf.set_fill_color(*HEADER_FILL)
        pdf.rect(x, y, WIDTH, HEADER, style="F")
        pdf.set_text_color(*WHITE)
        self.text(badge.event_title, left, y + 4.5, inner, 12, "B", 13, 8)
        self.text(badge.event_when, left, y + 18, inner, 4.5, "", 8.5, 6, lines=1)
        # The person.
        pdf.set_text_color(*INK)
        self.text(badge.name, left, y + HEADER + 3, inner, NAME_BOX, "B", *NAME_SIZES)
        pdf.set_text_color(*MUTED)
        self.text(badge.organisation, left, y + 59, inner, 11, "", 12, 8)
        self.text(badge.country, left, y + 71, inner, 5, "", 10.5, 7, lines=1)
        self._role(badge.role.upper(), x, y + 79)
        self.qr(badge.secret, x + (WIDTH - QR_SIZE) / 2, y + QR_TOP)
        pdf.set_text_color(*INK)
        pdf.set_font(MONO[0], "", 7)
        pdf.set_text_shaping(False)
        pdf.set_xy(left, y + QR_TOP + QR_SIZE + 2.5)
        pdf.cell(inner, 3, badge.secret, align="C")
        # Attendance: colour and word.
        pdf.set_fill_color(*MODE_FILL.get(badge.mode, INK))
        pdf.rect(x, y + BAND_TOP, WIDTH, HEIGHT - BAND_TOP, style="F")
        pdf.set_text_color(*WHITE)
        text = badge.mode_label.upper()
        self.text(text, left, y + BAND_TOP + 2, inner, 13, "B", 16, 10, lines=1, spacing=1.2)

    def _role(self, role: str, x: float, y: float) -> None:
        """The role in white on a dark pill, centred under the country."""
        pdf = self.pdf
        fitted = self.fit_text(printable(role)[0], WIDTH - 2 * MARGIN - 10, 8, "B", 11, 8, 1, 0.6)
        pill = max(fitted.widths, default=0) + 10
        pdf.set_fill_color(*INK)
        left = x + (WIDTH - pill) / 2
        pdf.rect(left, y, pill, 8, style="F", round_corners=True, corner_radius=4)
        pdf.set_text_color(*WHITE)
        self.text(role, left, y, pill, 8, "B", 11, 8, lines=1, spacing=0.6)


def _complex(character: str) -> bool:
    code = ord(character)
    return (
        0x0590 <= code <= 0x0DFF  # Hebrew, Arabic, Syriac, Thaana, the Indic scripts
        or 0x0E00 <= code <= 0x109F  # Thai, Lao, Tibetan, Myanmar
        or 0x1780 <= code <= 0x17FF  # Khmer
        or 0xFB1D <= code <= 0xFEFF  # Hebrew and Arabic presentation forms
    )


def _spaceable(text: str) -> bool:
    """Letter-spacing suits Latin, Greek and Cyrillic capitals; it would break joined scripts."""
    return all(ord(c) < 0x0590 for c in text)


def render(badges: Iterable[Badge], layout: Layout = Layout.A6, *, title: str = "") -> bytes:
    sheet = BadgeSheet(layout, title=title)
    for badge in badges:
        sheet.add(badge)
    return sheet.output()


def render_to_file(
    badges: list[Badge], layout: Layout, path: str, fonts: dict[str, str] | None = None
) -> int:
    """A chunk of a print run, written to `path`; returns how many badges it holds. Runs in a
    worker process, hence plain arguments."""
    sheet = BadgeSheet(layout, fonts=fonts)
    for badge in badges:
        sheet.add(badge)
    sheet.output(path)
    return len(badges)


def join_files(paths: list[str], target: str) -> None:
    """One PDF of the chunk files, in order. qpdf copies each page's objects from the files as
    it writes, so the pages are never all in memory as drawn (about 10 kB a page of bookkeeping
    stays, ~50 MB for 5000)."""
    import pikepdf

    sources = []
    try:
        with pikepdf.Pdf.new() as joined:
            for path in paths:
                source = pikepdf.Pdf.open(path)
                sources.append(source)
                joined.pages.extend(source.pages)
            joined.save(target, object_stream_mode=pikepdf.ObjectStreamMode.generate)
    finally:
        for source in sources:
            source.close()


BIG_FONT = 1_000_000  # bytes: worth cutting down once per run rather than read in every chunk


def subset_fonts(characters: set[str], directory: Path) -> dict[str, str]:
    """Copies of the big fallback fonts (the CJK one) cut down to `characters`, written to
    `directory`, for BadgeSheet(fonts=...): every chunk of a print run then reads a font of a
    few hundred kilobytes instead of 10 MB. Fonts the characters do not need are left out."""
    from fontTools import subset

    wanted = {ord(c) for c in characters}
    files = {}
    for _family, regular, bold in FALLBACKS:
        for name in filter(None, (regular, bold)):
            source = FONT_DIR / name
            used = wanted & cmap(name)
            if source.stat().st_size < BIG_FONT or not used:
                continue
            options = subset.Options()
            options.layout_features = ["*"]
            options.notdef_outline = True
            font = subset.load_font(str(source), options)
            subsetter = subset.Subsetter(options)
            subsetter.populate(unicodes=used)
            subsetter.subset(font)
            target = directory / name
            subset.save_font(font, str(target), options)
            files[name] = str(target)
    return files


def rasterise(pdf: bytes, *, dpi: int = 300, page: int = 0) -> bytes:
    """One page of a badge PDF as PNG (A6 at 300 dpi is 1240 x 1748 pixels)."""
    import io

    import pypdfium2

    document = pypdfium2.PdfDocument(pdf)
    try:
        sheet = document[page]
        width, height = sheet.get_size()  # points
        bitmap = sheet.render(scale=dpi / 72)
        # pdfium rounds the pixel size up; keep the page's own size (1240 x 1748 for A6).
        image = bitmap.to_pil().crop((0, 0, round(width * dpi / 72), round(height * dpi / 72)))
        buffer = io.BytesIO()
        image.save(buffer, format="PNG", optimize=False)
        return buffer.getvalue()
    finally:
        document.close()
