"""Where things happen: venues (shared across events), and an event's rooms and tracks."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField

from confman.core.content import ContentCharField, ContentTextField
from events.models.events import Event, colour_validator


class RoomKind(models.TextChoices):
    PHYSICAL = "physical", _("Physical room")
    VIRTUAL = "virtual", _("Virtual room")


class Venue(models.Model):
    name = ContentCharField(_("name"), max_length=200)
    address = ContentTextField(_("address"), blank=True)
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


class Room(models.Model):
    Kind = RoomKind

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="rooms")
    name = ContentCharField(_("name"), max_length=120)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.PHYSICAL)
    capacity = models.PositiveIntegerField(_("seats"), null=True, blank=True)
    floor = models.CharField(_("floor"), max_length=40, blank=True)
    description = ContentCharField(_("how to find it"), max_length=300, blank=True)
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
    name = ContentCharField(_("name"), max_length=120)
    colour = models.CharField(
        _("colour"), max_length=7, default="#1f6feb", validators=[colour_validator]
    )
    description = ContentTextField(_("description"), blank=True)
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
