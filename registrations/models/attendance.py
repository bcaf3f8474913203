"""Who followed the event online: one row per stretch a signed-in or private-link participant
kept the live page open (livestream.consumers writes it: opened on connect, its end moved
forward about once a minute while the socket lives, and set when it closes). Anonymous viewers
are counted (livestream.viewers), not recorded. The participation report and the certificates
read these; a stretch that crashed ends at its last mark, so nothing is counted twice or
invented."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from events.models import Event, Room
from registrations.models.registrations import Registration


class Viewing(models.Model):
    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="viewings")
    registration = models.ForeignKey(
        Registration, on_delete=models.CASCADE, related_name="viewings"
    )
    # The room whose stream the page said it was showing, if it said.
    room = models.ForeignKey(
        Room, on_delete=models.SET_NULL, null=True, blank=True, related_name="viewings"
    )
    started_at = models.DateTimeField(_("from"))
    ended_at = models.DateTimeField(_("until"))

    class Meta:
        verbose_name = _("online viewing")
        verbose_name_plural = _("online viewings")
        ordering = ["started_at", "pk"]
        indexes = [
            models.Index(fields=["event", "started_at"], name="viewing_event_start"),
            models.Index(fields=["registration", "started_at"], name="viewing_registration"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ended_at__gte=models.F("started_at")),
                name="viewing_ends_after_start",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.registration_id}: {self.started_at:%Y-%m-%d %H:%M}–{self.ended_at:%H:%M}"

    @property
    def seconds(self) -> int:
        return int((self.ended_at - self.started_at).total_seconds())
