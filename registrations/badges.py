"""Badge QR codes. The payload is the badge secret alone, so the code stays small (version 3
for 32 characters) and scans fast from a phone screen."""

import qrcode
import qrcode.image.svg
from django.utils.safestring import SafeString, mark_safe
from qrcode.constants import ERROR_CORRECT_M


def qr_svg(secret: str) -> SafeString:
    """The QR code as inline SVG (a single path, black on the page's white). Only our own
    secret goes in, so the markup is safe to embed."""
    code = qrcode.QRCode(
        error_correction=ERROR_CORRECT_M,
        border=4,
        image_factory=qrcode.image.svg.SvgPathImage,
    )
    code.add_data(secret)
    code.make(fit=True)
    svg = code.make_image().to_string(encoding="unicode")
    return mark_safe(svg.replace("<svg ", '<svg class="badge-qr" aria-hidden="true" ', 1))  # noqa: S308
