"""What an event leaves behind: slides, documents (an outcome declaration, a policy brief),
recordings (links to a video platform) and photos, attached to a session or to the event as a
whole, public or for participants only. Files go through Django's storage API (the filesystem
by default, an S3-compatible store through django-storages in production); they are never
served from a public address, only through the download view, which checks who may have them."""

import secrets

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from confman.core.content import ContentCharField
from events.models import Event


class MaterialKind(models.TextChoices):
    SLIDES = "slides", _("Slides")
    DOCUMENT = "document", _("Document")
    RECORDING = "recording", _("Recording")
    PHOTOS = "photos", _("Photos")
    LINK = "link", _("Link")


class MaterialAudience(models.TextChoices):
    PUBLIC = "public", _("Everyone")
    PARTICIPANTS = "participants", _("Participants only")


def material_path(material: "Material", filename: str) -> str:
    """A random folder per file: the stored name says nothing and cannot be guessed, and the
    original name (kept in `filename`) is only what the download offers to save it as."""
    return f"materials/{material.event_id}/{secrets.token_urlsafe(12)}/file"


class Material(models.Model):
    Kind = MaterialKind
    Audience = MaterialAudience

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="materials")
    session = models.ForeignKey(
        "agenda.Session",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="materials",
        verbose_name=_("session"),
        help_text=_("Empty: a material of the whole event."),
    )
    kind = models.CharField(_("kind"), max_length=20, choices=MaterialKind.choices)
    title = ContentCharField(_("title"), max_length=200)
    file = models.FileField(_("file"), upload_to=material_path, max_length=200, blank=True)
    filename = models.CharField(_("file name"), max_length=200, blank=True)
    content_type = models.CharField(_("file type"), max_length=100, blank=True)
    size = models.PositiveBigIntegerField(_("size in bytes"), default=0)
    url = models.URLField(
        _("link"),
        max_length=500,
        blank=True,
        validators=[URLValidator(schemes=["https"])],
        help_text=_("For a recording or anything kept elsewhere: its https:// address."),
    )
    language = models.CharField(_("language"), max_length=15, blank=True)
    audience = models.CharField(
        _("who may open it"),
        max_length=20,
        choices=MaterialAudience.choices,
        default=MaterialAudience.PUBLIC,
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    added_at = models.DateTimeField(_("added at"), default=timezone.now)

    class Meta:
        verbose_name = _("material")
        verbose_name_plural = _("materials")
        ordering = ["order", "added_at", "pk"]
        indexes = [models.Index(fields=["event", "session"], name="material_event_session")]
        constraints = [
            # A file or a link, never both, never neither.
            models.CheckConstraint(
                condition=(Q(file="") & ~Q(url="")) | (~Q(file="") & Q(url="")),
                name="material_file_or_link",
                violation_error_code="material_file_or_link",
                violation_error_message=_("Give a file or a link, not both."),
            ),
            models.CheckConstraint(
                condition=Q(kind__in=MaterialKind.values), name="material_kind_valid"
            ),
            models.CheckConstraint(
                condition=Q(audience__in=MaterialAudience.values),
                name="material_audience_valid",
            ),
        ]

    def __str__(self) -> str:
        return str(self.title)

    def clean(self) -> None:
        if self.session_id and self.event_id and self.session.event_id != self.event_id:
            raise ValidationError({"session": _("This session belongs to another event.")})

    @property
    def is_link(self) -> bool:
        return bool(self.url)

    @property
    def is_public(self) -> bool:
        return self.audience == MaterialAudience.PUBLIC
