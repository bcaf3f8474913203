"""Every scan at a check-in desk, and the answer it got."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from events.models import Event
from registrations.models.registrations import Registration


class ScanType(models.TextChoices):
    ENTRY = "entry", _("Entry")
    EXIT = "exit", _("Exit")


class ScanResult(models.TextChoices):
    OK = "ok", _("Admitted")
    ALREADY_CHECKED_IN = "already_checked_in", _("Already checked in")
    NOT_CHECKED_IN = "not_checked_in", _("Not checked in, so cannot leave")
    UNKNOWN = "unknown", _("Unknown code")
    REVOKED = "revoked", _("Revoked badge")
    NOT_CONFIRMED = "not_confirmed", _("Registration not confirmed")
    WRONG_EVENT = "wrong_event", _("Badge of another event")
    NOT_OPEN = "not_open", _("Check-in not open yet")
    NOT_IN_PERSON = "not_in_person", _("Registered to attend online")
    ROOM_FULL = "room_full", _("Room full")


class CheckIn(models.Model):
    """One scan at a desk and its answer. A scan's (device, nonce) is unique per event, so a
    device that sends the same scan twice (a retry on a poor network) gets the first answer."""

    Type = ScanType
    Result = ScanResult

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="checkins")
    registration = models.ForeignKey(
        Registration, on_delete=models.CASCADE, null=True, blank=True, related_name="checkins"
    )
    type = models.CharField(_("type"), max_length=10, choices=ScanType.choices)
    result = models.CharField(_("answer"), max_length=30, choices=ScanResult.choices)
    device = models.CharField(_("device"), max_length=100)
    gate = models.CharField(_("entrance"), max_length=100, blank=True)
    nonce = models.CharField(_("nonce"), max_length=100, blank=True)
    scanned_at = models.DateTimeField(_("scanned at"))
    received_at = models.DateTimeField(_("received at"), default=timezone.now)
    # The order in which scans count: the server's clock for a scan answered live, the device's
    # own (never later than its arrival) for one uploaded from an offline queue. First wins.
    effective_at = models.DateTimeField(_("counts from"), default=timezone.now)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # A scan at a session room's door counts attendance for that session; none = the event's
    # own entrance.
    session = models.ForeignKey(
        "agenda.Session",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="checkins",
        verbose_name=_("session"),
    )
    offline = models.BooleanField(_("scanned offline"), default=False)
    list_version = models.CharField(_("check-in list version"), max_length=32, blank=True)
    # What the person was told at the door: the server's answer live, the device's own offline.
    answered = models.CharField(
        _("answered at the door"), max_length=30, choices=ScanResult.choices, blank=True
    )
    # A device let someone in who, by the merged order of every scan, was already inside.
    flagged = models.BooleanField(_("flagged duplicate"), default=False)
    duplicate_of = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="duplicates",
        verbose_name=_("duplicate of"),
    )

    class Meta:
        verbose_name = _("check-in")
        verbose_name_plural = _("check-ins")
        ordering = ["scanned_at", "pk"]
        indexes = [
            models.Index(
                fields=["registration", "result", "scanned_at"], name="checkin_reg_result"
            ),
            models.Index(fields=["event", "flagged"], name="checkin_event_flagged"),
            models.Index(fields=["session", "result"], name="checkin_session_result"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["event", "device", "nonce"],
                condition=~Q(nonce=""),
                name="checkin_nonce_once_per_device",
            ),
            models.CheckConstraint(
                condition=Q(type__in=ScanType.values), name="checkin_type_valid"
            ),
            models.CheckConstraint(
                condition=Q(result__in=ScanResult.values), name="checkin_result_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.device} {self.type} {self.result}"
