"""The people of a programme and their roles in its sessions."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField

from confman.core.choices import label_of
from confman.core.content import ContentCharField, content_translations
from events.models import Event, Organization


class RoleKind(models.TextChoices):
    CHAIR = "chair", _("Chair")
    MODERATOR = "moderator", _("Moderator")
    FACILITATOR = "facilitator", _("Facilitator")
    HOST = "host", _("Host")
    SPEAKER = "speaker", _("Speaker")
    PANELLIST = "panellist", _("Panellist")
    RAPPORTEUR = "rapporteur", _("Rapporteur")


# The roles that run a session: they may use the chair console for it.
CHAIRING_ROLES = frozenset(
    {RoleKind.CHAIR, RoleKind.MODERATOR, RoleKind.FACILITATOR, RoleKind.HOST}
)


class Person(models.Model):
    """Someone on the programme of one event: a chair, a speaker, a rapporteur."""

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="people")
    honorific = models.CharField(
        _("honorific or title"), max_length=40, blank=True, help_text=_("e.g. Prof., Dr, H.E.")
    )
    name = models.CharField(_("name"), max_length=200)
    position = ContentCharField(_("position"), max_length=200, blank=True)
    organization = models.ForeignKey(
        Organization,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="people",
        verbose_name=_("organisation"),
    )
    country = CountryField(_("country"), blank=True)
    bio = models.TextField(_("short biography"), max_length=3000, blank=True)
    email = models.EmailField(
        _("email"), blank=True, help_text=_("Private: seen only by the event's team.")
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="agenda_people",
        verbose_name=_("user account"),
        help_text=_("Links the person to a login, so that they can chair their sessions."),
    )

    class Meta:
        verbose_name = _("person")
        verbose_name_plural = _("people")
        ordering = ["name", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["event", "user"],
                condition=Q(user__isnull=False),
                name="person_unique_user_per_event",
                violation_error_code="person_user_taken",
                violation_error_message=_(
                    "This user account is already linked to another person of this event."
                ),
            ),
        ]

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        return f"{self.honorific} {self.name}" if self.honorific else self.name

    @property
    def country_name(self) -> str:
        return str(self.country.name) if self.country else ""

    @property
    def position_translations(self) -> dict[str, str]:
        return content_translations(self.position, self.event.languages)


class SessionRole(models.Model):
    Kind = RoleKind

    session = models.ForeignKey("agenda.Session", on_delete=models.CASCADE, related_name="roles")
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="roles")
    role = models.CharField(_("role"), max_length=20, choices=RoleKind.choices)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("session role")
        verbose_name_plural = _("session roles")
        ordering = ["order", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["session", "person", "role"],
                name="session_role_unique",
                violation_error_code="role_taken",
                violation_error_message=_("This person already has this role in this session."),
            ),
            models.CheckConstraint(
                condition=Q(role__in=RoleKind.values), name="session_role_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person} ({self.role_label}): {self.session}"

    @property
    def role_label(self) -> str:
        return label_of(RoleKind, self.role)

    def clean(self) -> None:
        if self.session_id and self.person_id and self.person.event_id != self.session.event_id:
            raise ValidationError({"person": _("This person belongs to another event.")})

    @property
    def is_chairing(self) -> bool:
        return self.role in CHAIRING_ROLES
