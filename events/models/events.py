"""An event: its status, format, dates, time zone, working languages and contact."""

import zoneinfo
from datetime import date, timedelta

from django.conf.locale import LANG_INFO
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy as ngettext
from django.utils.translation import pgettext_lazy

from confman.core.content import ContentCharField, ContentTextField
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


# The longest event: a conference runs days, a festival or a summer school weeks. Every page
# and export loops over an event's days, so a year-long "event" is a mistake to refuse.
MAX_EVENT_DAYS = 60


def validate_language_codes(value) -> None:
    if not isinstance(value, list) or not all(isinstance(code, str) for code in value):
        raise ValidationError(_('Give the languages as a list of codes, e.g. ["en", "zh-hans"].'))
    if len(set(value)) != len(value):
        raise ValidationError(_("Each language can be listed once."), code="duplicate_language")
    unknown = [code for code in value if code not in LANG_INFO or "fallback" in LANG_INFO[code]]
    if unknown:
        raise ValidationError(
            ngettext(
                "Unknown language code: %(codes)s. Use ISO 639-1 codes such as en, zh-hans, "
                "ru, fr, es, ar.",
                "Unknown language codes: %(codes)s. Use ISO 639-1 codes such as en, zh-hans, "
                "ru, fr, es, ar.",
                len(unknown),
            ),
            params={"codes": ", ".join(unknown)},
            code="invalid_language",
        )


class AttendanceMode(models.TextChoices):
    """How someone takes part, or how an event or a session is held: in person, online, or
    both at once (hybrid: events and sessions only; a person is one or the other)."""

    IN_PERSON = "in_person", _("In person")
    ONLINE = "online", _("Online")
    HYBRID = "hybrid", _("Hybrid")


# How one person attends: a registration's mode, a ticket's, an attendance quota's.
PERSON_MODES = (AttendanceMode.IN_PERSON, AttendanceMode.ONLINE)
PERSON_MODE_CHOICES = [(mode.value, mode.label) for mode in PERSON_MODES]


class EventStatus(models.TextChoices):
    DRAFT = "draft", pgettext_lazy("event status", "Draft")
    PUBLISHED = "published", pgettext_lazy("event status", "Published")
    ARCHIVED = "archived", _("Archived")


class EventQuerySet(models.QuerySet):
    def public(self):
        return self.filter(status__in=Event.PUBLIC_STATUSES)


class Event(models.Model):
    Status = EventStatus

    PUBLIC_STATUSES = (Status.PUBLISHED, Status.ARCHIVED)

    slug = models.SlugField(
        _("short name in addresses"),
        max_length=60,
        unique=True,
        validators=[slug_validator],
        help_text=_("Appears in the event's web address, e.g. /events/apec-2026/."),
    )
    title = ContentCharField(_("title"), max_length=300)
    acronym = models.CharField(_("acronym"), max_length=40, blank=True)
    description = ContentTextField(_("description"), blank=True)
    timezone = models.CharField(
        _("time zone"),
        max_length=64,
        validators=[validate_time_zone],
        help_text=_("Where the event happens; every time is shown in this zone."),
    )
    start_date = models.DateField(_("first day"))
    end_date = models.DateField(_("last day"))
    format = models.CharField(
        _("format"), max_length=20, choices=AttendanceMode.choices, default=AttendanceMode.HYBRID
    )
    venue = models.ForeignKey(
        "events.Venue",
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
        "events.Organization", through="EventOrganization", related_name="events", blank=True
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
                condition=models.Q(format__in=AttendanceMode.values),
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
        """The event's days, in its own time zone (at most MAX_EVENT_DAYS, whatever a row
        saved before that bound holds: every page and export loops over them)."""
        count = min((self.end_date - self.start_date).days + 1, MAX_EVENT_DAYS)
        return [self.start_date + timedelta(days=i) for i in range(count)]

    def clean(self) -> None:
        super().clean()
        too_long = (
            self.start_date
            and self.end_date
            and (self.end_date - self.start_date).days + 1 > MAX_EVENT_DAYS
        )
        if too_long:
            raise ValidationError(
                {
                    "end_date": ngettext(
                        "An event lasts at most %(max)s day; split a longer programme into "
                        "several events.",
                        "An event lasts at most %(max)s days; split a longer programme into "
                        "several events.",
                        MAX_EVENT_DAYS,
                    )
                    % {"max": MAX_EVENT_DAYS}
                },
                code="event_too_long",
            )

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
        return self.format != AttendanceMode.ONLINE

    @cached_property
    def language_names(self) -> list[str]:
        return [LANG_INFO[code]["name_local"] for code in self.languages if code in LANG_INFO]
