import hashlib
import zoneinfo
from datetime import date, timedelta

from django.conf import settings
from django.conf.locale import LANG_INFO
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField

from events.timezones import (
    TIME_ZONES,
    local_today,
    utc_offset_label,
    validate_time_zone,
)

# Frab schedule apps require slugs that start with a letter (see shared/standards).
slug_validator = RegexValidator(
    r"^[a-z][a-z0-9-]*[a-z0-9]$",
    _("Use lower-case letters, digits and hyphens, starting with a letter, e.g. “apec-2026”."),
    code="invalid_slug",
)
colour_validator = RegexValidator(
    r"^#[0-9a-fA-F]{6}$", _("Give the colour as #RRGGBB, e.g. #1f6feb."), code="invalid_colour"
)


# Where each constraint's error belongs in a form or an API answer ("request" when nowhere).
CONSTRAINT_FIELDS = {
    "organization_taken": "name",
    "coordinates_invalid": "latitude",
    "end_before_start": "end_date",
    "invalid_time_zone": "timezone",
    "role_taken": "role",
    "room_name_taken": "name",
    "virtual_room_layout": "kind",
    "capacity_invalid": "capacity",
    "track_name_taken": "name",
    "already_on_team": "user",
}


def validate_language_codes(value) -> None:
    if not isinstance(value, list) or not all(isinstance(code, str) for code in value):
        raise ValidationError(_('Give the languages as a list of codes, e.g. ["en", "zh-hans"].'))
    if len(set(value)) != len(value):
        raise ValidationError(_("Each language can be listed once."), code="duplicate_language")
    unknown = [code for code in value if code not in LANG_INFO or "fallback" in LANG_INFO[code]]
    if unknown:
        raise ValidationError(
            _(
                "Unknown language code(s): %(codes)s. Use ISO 639-1 codes such as en, zh-hans, "
                "ru, fr, es, ar."
            ),
            params={"codes": ", ".join(unknown)},
            code="invalid_language",
        )


class OrganizationKind(models.TextChoices):
    UNIVERSITY = "university", _("University or higher education institution")
    GOVERNMENT = "government", _("Government or ministry")
    UN_AGENCY = "un_agency", _("UN agency or intergovernmental organisation")
    NGO = "ngo", _("Non-governmental organisation")
    ENTERPRISE = "enterprise", _("Enterprise")
    OTHER = "other", _("Other")


class EventFormat(models.TextChoices):
    IN_PERSON = "in_person", _("In person")
    ONLINE = "online", _("Online")
    HYBRID = "hybrid", _("Hybrid: in person and online")


class EventStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    PUBLISHED = "published", _("Published")
    ARCHIVED = "archived", _("Archived")


class OrganizationRole(models.TextChoices):
    ORGANISER = "organiser", _("Organiser")
    CO_HOST = "co_host", _("Co-host")
    PARTNER = "partner", _("Partner")
    SPONSOR = "sponsor", _("Sponsor")


class RoomKind(models.TextChoices):
    PHYSICAL = "physical", _("Physical room")
    VIRTUAL = "virtual", _("Virtual room")


class TeamRole(models.TextChoices):
    OWNER = "owner", _("Owner")
    ORGANISER = "organiser", _("Organiser")
    CHECKIN = "checkin", _("Check-in staff")


class Organization(models.Model):
    Kind = OrganizationKind

    name = models.CharField(_("name"), max_length=200)
    acronym = models.CharField(_("acronym"), max_length=40, blank=True)
    country = CountryField(_("country"))
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.OTHER)
    website = models.URLField(_("website"), blank=True)

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                Lower("name"),
                "country",
                name="organization_unique_name_per_country",
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


class Venue(models.Model):
    name = models.CharField(_("name"), max_length=200)
    address = models.TextField(_("address"), blank=True)
    city = models.CharField(_("city"), max_length=100)
    country = CountryField(_("country"))
    latitude = models.DecimalField(
        _("latitude"), max_digits=9, decimal_places=6, null=True, blank=True
    )
    longitude = models.DecimalField(
        _("longitude"), max_digits=9, decimal_places=6, null=True, blank=True
    )

    class Meta:
        verbose_name = _("venue")
        verbose_name_plural = _("venues")
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(latitude__isnull=True, longitude__isnull=True)
                # The isnull tests matter: a comparison with NULL is NULL, which a CHECK passes.
                | models.Q(
                    latitude__isnull=False,
                    longitude__isnull=False,
                    latitude__gte=-90,
                    latitude__lte=90,
                    longitude__gte=-180,
                    longitude__lte=180,
                ),
                name="venue_coordinates_valid",
                violation_error_code="coordinates_invalid",
                violation_error_message=_(
                    "Give both latitude (−90 to 90) and longitude (−180 to 180), or neither."
                ),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name}, {self.city}"


class EventQuerySet(models.QuerySet):
    def public(self):
        return self.filter(status__in=Event.PUBLIC_STATUSES)


class Event(models.Model):
    Format = EventFormat

    Status = EventStatus

    PUBLIC_STATUSES = (Status.PUBLISHED, Status.ARCHIVED)

    slug = models.SlugField(
        _("short name in addresses"),
        max_length=60,
        unique=True,
        validators=[slug_validator],
        help_text=_("Appears in the event's web address, e.g. /events/apec-2026/."),
    )
    title = models.CharField(_("title"), max_length=300)
    acronym = models.CharField(_("acronym"), max_length=40, blank=True)
    description = models.TextField(_("description"), blank=True)
    timezone = models.CharField(
        _("time zone"),
        max_length=64,
        validators=[validate_time_zone],
        help_text=_("Where the event happens; every time is shown in this zone."),
    )
    start_date = models.DateField(_("first day"))
    end_date = models.DateField(_("last day"))
    format = models.CharField(
        _("format"), max_length=20, choices=Format.choices, default=Format.HYBRID
    )
    venue = models.ForeignKey(
        Venue,
        verbose_name=_("venue"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="events",
    )
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.DRAFT
    )
    languages = models.JSONField(
        _("languages"),
        default=list,
        blank=True,
        validators=[validate_language_codes],
        help_text=_("Working languages as ISO 639-1 codes, e.g. en, zh-hans, ru."),
    )
    website = models.URLField(_("website"), blank=True)
    contact_email = models.EmailField(_("contact e-mail"), blank=True)
    organizations = models.ManyToManyField(
        Organization, through="EventOrganization", related_name="events", blank=True
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = EventQuerySet.as_manager()

    class Meta:
        verbose_name = _("event")
        verbose_name_plural = _("events")
        ordering = ["start_date", "title"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(end_date__gte=models.F("start_date")),
                name="event_end_not_before_start",
                violation_error_code="end_before_start",
                violation_error_message=_("The last day cannot be before the first day."),
            ),
            models.CheckConstraint(
                condition=models.Q(timezone__in=TIME_ZONES),
                name="event_timezone_valid",
                violation_error_code="invalid_time_zone",
                violation_error_message=_("Choose an IANA time zone such as Asia/Shanghai."),
            ),
            models.CheckConstraint(
                condition=models.Q(format__in=EventFormat.values),
                name="event_format_valid",
            ),
            models.CheckConstraint(
                condition=models.Q(status__in=EventStatus.values),
                name="event_status_valid",
            ),
            models.CheckConstraint(
                condition=~models.Q(slug=""),
                name="event_slug_not_empty",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("events:detail", kwargs={"slug": self.slug})

    @property
    def is_public(self) -> bool:
        return self.status in self.PUBLIC_STATUSES

    @property
    def tzinfo(self) -> zoneinfo.ZoneInfo:
        return zoneinfo.ZoneInfo(self.timezone)

    @property
    def days(self) -> list[date]:
        """The event's days, in its own time zone."""
        count = (self.end_date - self.start_date).days + 1
        return [self.start_date + timedelta(days=i) for i in range(count)]

    @property
    def utc_offset(self) -> str:
        return utc_offset_label(self.timezone, self.start_date)

    @property
    def utc_offset_at_end(self) -> str:
        return utc_offset_label(self.timezone, self.end_date)

    @property
    def is_over(self) -> bool:
        return self.end_date < local_today(self.timezone)

    @property
    def is_ongoing(self) -> bool:
        return self.start_date <= local_today(self.timezone) <= self.end_date

    @property
    def has_venue(self) -> bool:
        return self.format != self.Format.ONLINE

    @cached_property
    def language_names(self) -> list[str]:
        return [LANG_INFO[code]["name_local"] for code in self.languages if code in LANG_INFO]


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


class Room(models.Model):
    Kind = RoomKind

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="rooms")
    name = models.CharField(_("name"), max_length=120)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.PHYSICAL)
    capacity = models.PositiveIntegerField(_("seats"), null=True, blank=True)
    floor = models.CharField(_("floor"), max_length=40, blank=True)
    description = models.CharField(_("how to find it"), max_length=300, blank=True)
    order = models.PositiveIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("room")
        verbose_name_plural = _("rooms")
        ordering = ["order", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["event", "name"],
                name="room_unique_name_per_event",
                violation_error_code="room_name_taken",
                violation_error_message=_("This event already has a room with this name."),
            ),
            models.CheckConstraint(
                condition=models.Q(kind="physical")
                | models.Q(kind="virtual", capacity__isnull=True, floor=""),
                name="room_virtual_has_no_seats_or_floor",
                violation_error_code="virtual_room_layout",
                violation_error_message=_(
                    "A virtual room has no seats and no floor; "
                    "make it a physical room or clear both."
                ),
            ),
            models.CheckConstraint(
                condition=models.Q(capacity__isnull=True) | models.Q(capacity__gt=0),
                name="room_capacity_positive",
                violation_error_code="capacity_invalid",
                violation_error_message=_("Seats must be at least 1, or left empty."),
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_virtual(self) -> bool:
        return self.kind == self.Kind.VIRTUAL


class Track(models.Model):
    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="tracks")
    name = models.CharField(_("name"), max_length=120)
    colour = models.CharField(
        _("colour"), max_length=7, default="#1f6feb", validators=[colour_validator]
    )
    description = models.TextField(_("description"), blank=True)
    order = models.PositiveIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("track")
        verbose_name_plural = _("tracks")
        ordering = ["order", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["event", "name"],
                name="track_unique_name_per_event",
                violation_error_code="track_name_taken",
                violation_error_message=_("This event already has a track with this name."),
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def text_colour(self) -> str:
        """Black or white, whichever reads better on the track colour (WCAG luminance)."""
        channels = [int(self.colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
        linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
        luminance = 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]
        return "#000000" if luminance > 0.179 else "#ffffff"


class TeamMember(models.Model):
    Role = TeamRole

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="team")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="event_roles"
    )
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("team member")
        verbose_name_plural = _("team")
        constraints = [
            models.UniqueConstraint(
                fields=["event", "user"],
                name="team_member_unique_per_event",
                violation_error_code="already_on_team",
                violation_error_message=_("This person is already on the event's team."),
            ),
            models.CheckConstraint(
                condition=models.Q(role__in=TeamRole.values), name="team_member_role_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} — {self.get_role_display()}"


def hash_token(plaintext: str) -> str:
    return hashlib.sha256(plaintext.encode()).hexdigest()


class ApiToken(models.Model):
    """An organiser's key for the REST API. Only the SHA-256 of the token is stored; the token
    itself is shown once, when it is created."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens"
    )
    name = models.CharField(_("name"), max_length=100, help_text=_("What the token is for."))
    prefix = models.CharField(_("starts with"), max_length=12, editable=False)
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    expires_at = models.DateTimeField(_("expires"), null=True, blank=True)
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True, editable=False)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"
