"""The shared registry of organisations, and the roles they take at events (organiser,
co-host, partner, sponsor)."""

from django.db import models
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from django_countries.fields import CountryField

from events.models.events import Event


class OrganizationKind(models.TextChoices):
    UNIVERSITY = "university", _("University or higher education institution")
    GOVERNMENT = "government", _("Government or ministry")
    UN_AGENCY = "un_agency", _("UN agency or international organisation")
    NGO = "ngo", _("Non-governmental organisation")
    ENTERPRISE = "enterprise", _("Company")
    MEDIA = "media", _("Media")
    OTHER = "other", _("Other")


class OrganizationRole(models.TextChoices):
    ORGANISER = "organiser", pgettext_lazy("organisation role", "Organiser")
    CO_HOST = "co_host", _("Co-host")
    PARTNER = "partner", _("Partner")
    SPONSOR = "sponsor", _("Sponsor")


class Organization(models.Model):
    Kind = OrganizationKind

    name = models.CharField(_("name"), max_length=200)
    acronym = models.CharField(_("acronym"), max_length=40, blank=True)
    country = CountryField(_("country"))
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.OTHER)
    website = models.URLField(_("website"), blank=True)
    # One a registrant typed stays with the event it was typed for (its organisers see it, no
    # one else does) until an organiser of that event accepts it into the shared registry.
    listed = models.BooleanField(
        _("in the shared registry"),
        default=True,
        help_text=_(
            "Listed for every event. Organisations typed by registrants are not, until accepted."
        ),
    )
    proposed_at = models.ForeignKey(
        Event,
        verbose_name=_("typed by a registrant of"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="proposed_organizations",
    )

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                Lower("name"),
                "country",
                condition=models.Q(listed=True),
                name="organization_unique_name_per_country",
                violation_error_code="organization_taken",
                violation_error_message=_(
                    "An organisation with this name already exists in this country."
                ),
            ),
            # Typed for one event: once per event (the registry may have it too, until merged).
            models.UniqueConstraint(
                Lower("name"),
                "country",
                "proposed_at",
                condition=models.Q(listed=False),
                name="organization_unique_proposed_per_event",
                violation_error_code="organization_taken",
                violation_error_message=_(
                    "An organisation with this name already exists in this country."
                ),
            ),
            models.CheckConstraint(
                condition=models.Q(kind__in=OrganizationKind.values),
                name="organization_kind_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.country.code})" if self.country else self.name


class EventOrganization(models.Model):
    Role = OrganizationRole

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="event_organizations")
    organization = models.ForeignKey(
        Organization,
        verbose_name=_("organisation"),
        on_delete=models.PROTECT,
        related_name="event_roles",
    )
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    order = models.PositiveIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("participating organisation")
        verbose_name_plural = _("participating organisations")
        ordering = ["order", "organization__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["event", "organization", "role"],
                name="event_organization_unique_role",
                violation_error_code="role_taken",
                violation_error_message=_("This organisation already has this role."),
            ),
            models.CheckConstraint(
                condition=models.Q(role__in=OrganizationRole.values),
                name="event_organization_role_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.organization} — {self.get_role_display()}"
