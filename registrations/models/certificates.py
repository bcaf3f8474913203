"""Certificates of attendance: the event's settings for them (who signs, the online threshold)
and each certificate issued, with the short code its public verification page answers to."""

import secrets

from django.core.validators import FileExtensionValidator, MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from confman.core.content import ContentTextField
from events.models import Event
from registrations.models.registrations import Registration

# Without 0/O, 1/I/L, 2/Z, 5/S, 8/B: read aloud or typed from paper, a code is never mistaken.
CODE_ALPHABET = "34679ACDEFGHJKMNPQRTUVWXY"
CODE_LENGTH = 10  # 25^10 ≈ 10^14: not guessable at any rate the verification page allows


def new_certificate_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def certificate_code_display(code: str) -> str:
    """As printed: two groups of five, which the eye keeps apart (ACD4F-GH7JK)."""
    return f"{code[:5]}-{code[5:]}"


def certificate_code_normal(text: str) -> str:
    """What someone typed, as stored: without spaces and dashes, in capitals."""
    return "".join(ch for ch in text.upper() if ch.isalnum())


class CertificateSettings(models.Model):
    event = models.OneToOneField(
        Event, on_delete=models.CASCADE, primary_key=True, related_name="certificate_settings"
    )
    online_minutes = models.PositiveSmallIntegerField(
        _("minutes watched online to count as attending"),
        default=60,
        validators=[MinValueValidator(1), MaxValueValidator(10000)],
        help_text=_(
            "Online participants qualify after following the live page this long; for a "
            "session certificate, this long or the whole session if it is shorter."
        ),
    )
    signatories = ContentTextField(
        _("signed by"),
        max_length=1000,
        blank=True,
        help_text=_("One per line: a name, a comma, the title (“Li Wei, Director”)."),
    )
    signature = models.ImageField(
        _("signature image"),
        upload_to="certificates/signatures/",
        blank=True,
        validators=[FileExtensionValidator(["png", "jpg", "jpeg"])],
        help_text=_("Optional: a PNG or JPEG of the signature, printed above the first name."),
    )

    class Meta:
        verbose_name = _("certificate settings")
        verbose_name_plural = _("certificate settings")

    def __str__(self) -> str:
        return str(self.event)


class Certificate(models.Model):
    """Issued by an organiser: the participant may download it from their private page, and
    anyone holding its code may check that it is genuine. A session certificate names the
    session; an event certificate names none."""

    registration = models.ForeignKey(
        Registration, on_delete=models.CASCADE, related_name="certificates"
    )
    session = models.ForeignKey(
        "agenda.Session",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="certificates",
        verbose_name=_("session"),
    )
    code = models.CharField(
        _("verification code"), max_length=16, unique=True, default=new_certificate_code
    )
    issued_at = models.DateTimeField(_("issued at"), default=timezone.now)
    sent_at = models.DateTimeField(_("sent by mail at"), null=True, blank=True)
    # What it certifies, fixed when issued, so the PDF and the verification page agree later.
    online = models.BooleanField(_("attended online"), default=False)
    minutes = models.PositiveIntegerField(_("minutes attended"), default=0)
    sessions_attended = models.PositiveIntegerField(_("sessions attended"), default=0)
    revoked_at = models.DateTimeField(_("withdrawn at"), null=True, blank=True)

    class Meta:
        verbose_name = _("certificate of attendance")
        verbose_name_plural = _("certificates of attendance")
        ordering = ["issued_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["registration"],
                condition=Q(session__isnull=True),
                name="certificate_once_per_event",
            ),
            models.UniqueConstraint(
                fields=["registration", "session"],
                condition=Q(session__isnull=False),
                name="certificate_once_per_session",
            ),
        ]

    def __str__(self) -> str:
        return certificate_code_display(self.code)

    @property
    def display_code(self) -> str:
        return certificate_code_display(self.code)
