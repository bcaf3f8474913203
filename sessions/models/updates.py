"""The numbered log of every change to the public programme (calendar exports and the live page
read it), and the schedule conflicts an organiser accepted."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from confman.core.content import ContentTextField
from events.models import Event
from sessions.models.people import Person
from sessions.models.sessions import Session

ANNOUNCEMENT_MAX = 500


class UpdateKind(models.TextChoices):
    PUBLISHED = "published", _("Added to the programme")
    CHANGED = "changed", _("Details changed")
    MOVED = "moved", _("Moved")
    STATUS = "status", _("Status changed")
    DELAYED = "delayed", _("Delay reported")
    CANCELLED = "cancelled", pgettext_lazy("session update", "Cancelled")
    PEOPLE = "people", _("People changed")
    ANNOUNCEMENT = "announcement", _("Announcement")
    NEXT_SPEAKER = "next_speaker", _("Next speaker")
    PROGRAMME_PUBLISHED = "programme_published", _("Programme published")
    STREAM = "stream", _("Stream changed")


class SessionUpdate(models.Model):
    """One change to the public programme, numbered per event without gaps. `changes` maps each
    changed field to {"before": ..., "after": ...} in JSON form (datetimes in ISO 8601 UTC)."""

    Kind = UpdateKind

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="session_updates")
    sequence = models.PositiveBigIntegerField(_("number"))
    session = models.ForeignKey(
        Session, on_delete=models.RESTRICT, null=True, blank=True, related_name="updates"
    )
    kind = models.CharField(_("kind"), max_length=30, choices=UpdateKind.choices)
    changes = models.JSONField(_("changes"), default=dict, blank=True)
    message = ContentTextField(_("message"), max_length=1000, blank=True)
    overridden = models.JSONField(
        _("conflicts overridden"),
        default=list,
        blank=True,
        help_text=_("Conflicts the organiser chose to accept with this change."),
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # An announcement its author asked to mail too (registrations' change notices), beyond the
    # live page.
    notify = models.BooleanField(_("mailed"), default=False)
    created_at = models.DateTimeField(_("when"))

    class Meta:
        verbose_name = _("programme update")
        verbose_name_plural = _("programme updates")
        ordering = ["event", "sequence"]
        constraints = [
            models.UniqueConstraint(
                fields=["event", "sequence"], name="session_update_unique_sequence"
            ),
            models.CheckConstraint(
                condition=Q(kind__in=UpdateKind.values), name="session_update_kind_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.event.slug} #{self.sequence}: {self.get_kind_display()}"


class ConflictOverride(models.Model):
    """An organiser's explicit decision to accept a conflict (a person in two overlapping
    sessions, a session outside the event's dates, a mode that does not fit the room). It stays
    recorded, and the conflict list shows it as accepted rather than unresolved."""

    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="overrides")
    code = models.CharField(_("conflict"), max_length=40)
    other_session = models.ForeignKey(
        Session, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    person = models.ForeignKey(
        Person, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("when"), auto_now_add=True)

    class Meta:
        verbose_name = _("accepted conflict")
        verbose_name_plural = _("accepted conflicts")

    def __str__(self) -> str:
        return f"{self.code}: {self.session}"
