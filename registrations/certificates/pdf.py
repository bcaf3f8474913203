"""Drawing certificates of attendance: A4 landscape, one per page, with the badges' machinery
(registrations.badges.pdf.Sheet): the same bundled fonts, Arabic shaped and set right to left,
Chinese by fallback, every text fitted to its box and never cut, the QR code drawn as a path.
Like the badges, it knows nothing of Django: it takes `CertificatePage` values whose words are
already translated, so a task, a benchmark or a test can run it."""

import io
from collections.abc import Iterable
from dataclasses import dataclass

from registrations.badges.pdf import INK, MUTED, Sheet
from registrations.badges.typeset import MONO, printable

WIDTH, HEIGHT = 297.0, 210.0  # A4 landscape, mm
FRAME = 9.0
MARGIN = 28.0  # the text's column, from either edge
ACCENT = (11, 87, 208)  # the site's accent, as on the badges' header
QR_SIZE = 30.0
QR_LEFT = WIDTH - MARGIN - QR_SIZE + 6
QR_TOP = 146.0
SIGNATURE_HEIGHT = 13.0


@dataclass(frozen=True)
class CertificatePage:
    """What one certificate shows, every word already in its language(s)."""

    heading: str  # "Certificate of attendance"
    heading_second: str  # the same in the second language of a bilingual event, else ""
    certify: str  # "This is to certify that"
    name: str
    attended: str  # "attended" / "attended online"
    subject: str  # the event's title, or the session's and the event's
    when: str
    where: str
    detail: str  # days, sessions or hours
    organisers: str
    signatories: tuple[tuple[str, str], ...]  # (name, title)
    url: str  # the verification page, absolute: the QR code's payload
    code: str  # as printed, "ACD4F-GH7JK"
    code_label: str  # "Verification code"
    verify: str  # "Check it at ..."
    issued: str

    def texts(self) -> tuple[str, ...]:
        return (
            self.heading,
            self.heading_second,
            self.certify,
            self.name,
            self.attended,
            self.subject,
            self.when,
            self.where,
            self.detail,
            self.organisers,
            self.code_label,
            self.verify,
            self.issued,
            *(part for pair in self.signatories for part in pair),
        )


class CertificateSheet(Sheet):
    """A PDF of certificates, one per page. Fonts are read once for the whole document, and
    what repeats on every page (the event, the signatories) is fitted once."""

    def __init__(self, *, title: str = "", signature: bytes | None = None, fonts=None):
        """`signature`: an image (PNG or JPEG) printed above the first signatory's name."""
        super().__init__((WIDTH, HEIGHT), title=title, fonts=fonts)
        self.signature = signature
        self.count = 0

    def add(self, page: CertificatePage) -> None:
        self.fonts_for(printable(text)[0] for text in page.texts())
        self.pdf.add_page()
        self._draw(page)
        self.count += 1

    def _draw(self, page: CertificatePage) -> None:
        pdf = self.pdf
        inner = WIDTH - 2 * MARGIN
        pdf.set_draw_color(*ACCENT)
        pdf.set_line_width(1.2)
        pdf.rect(FRAME, FRAME, WIDTH - 2 * FRAME, HEIGHT - 2 * FRAME)
        pdf.set_line_width(0.3)
        pdf.rect(FRAME + 2.5, FRAME + 2.5, WIDTH - 2 * FRAME - 5, HEIGHT - 2 * FRAME - 5)

        pdf.set_text_color(*MUTED)
        self.text(page.organisers, MARGIN, 17, inner, 9, "", 10, 7)
        pdf.set_text_color(*ACCENT)
        self.text(page.heading, MARGIN, 27, inner, 15, "B", 30, 16, lines=1)
        self.text(page.heading_second, MARGIN, 42, inner, 8, "B", 16, 10, lines=1)
        pdf.set_text_color(*INK)
        self.text(page.certify, MARGIN, 53, inner, 7, "", 12, 8)
        self.text(page.name, MARGIN, 61, inner, 22, "B", 32, 14)
        self.text(page.attended, MARGIN, 84, inner, 7, "", 12, 8)
        self.text(page.subject, MARGIN, 92, inner, 16, "B", 20, 11)
        pdf.set_text_color(*MUTED)
        self.text(page.when, MARGIN, 109, inner, 6, "", 11, 7, lines=1)
        self.text(page.where, MARGIN, 115, inner, 6, "", 11, 7, lines=1)
        pdf.set_text_color(*INK)
        self.text(page.detail, MARGIN, 123, inner, 17, "", 11, 6.5)

        self._signatories(page.signatories)
        self.qr(page.url, QR_LEFT, QR_TOP, QR_SIZE)
        pdf.set_text_color(*MUTED)
        self.text(page.code_label, QR_LEFT - 15, QR_TOP - 7, QR_SIZE + 30, 5, "", 8, 6, lines=1)
        pdf.set_text_color(*INK)
        pdf.set_text_shaping(False)
        pdf.set_font(MONO[0], "", 10)
        pdf.set_xy(QR_LEFT - 15, QR_TOP + QR_SIZE + 1.5)
        pdf.cell(QR_SIZE + 30, 4.5, page.code, align="C")
        pdf.set_text_color(*MUTED)
        self.text(page.verify, MARGIN, 190, WIDTH - 2 * MARGIN, 6, "", 8, 5.5, lines=2)
        self.text(page.issued, MARGIN, 184, 150, 5, "", 8, 6, lines=1)

    def _signatories(self, signatories: tuple[tuple[str, str], ...]) -> None:
        """Up to four, side by side left of the QR code, each above a line; the signature
        image above the first."""
        shown = signatories[:4]
        if not shown and not self.signature:
            return
        pdf = self.pdf
        left, room = MARGIN, QR_LEFT - 20 - MARGIN
        column = room / max(1, len(shown))
        width = min(column - 6, 70)
        for n, (name, title) in enumerate(shown or (("", ""),)):
            x = left + n * column + (column - width) / 2
            if n == 0 and self.signature:
                pdf.image(
                    io.BytesIO(self.signature),
                    x=x + width / 2 - 20,
                    y=152,
                    h=SIGNATURE_HEIGHT,
                    w=40,
                    keep_aspect_ratio=True,
                )
            pdf.set_draw_color(*INK)
            pdf.set_line_width(0.3)
            pdf.line(x, 166.5, x + width, 166.5)
            pdf.set_text_color(*INK)
            self.text(name, x, 168, width, 5.5, "B", 10, 7, lines=1)
            pdf.set_text_color(*MUTED)
            self.text(title, x, 173.5, width, 8, "", 8.5, 6, lines=2)


def render(
    pages: Iterable[CertificatePage], *, title: str = "", signature: bytes | None = None
) -> bytes:
    """One PDF of the certificates, a page each: for one participant, or thousands at once."""
    sheet = CertificateSheet(title=title, signature=signature)
    for page in pages:
        sheet.add(page)
    return sheet.output()
