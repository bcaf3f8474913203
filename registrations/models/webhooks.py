"""Outgoing webhooks: the addresses an event's team registered to be told of its registrations,
check-ins and programme changes (each with its signing secret and the event types it wants),
and the log of each message sent to them (Standard Webhooks: one id per message, kept across
its retries)."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from events.models import Event


class WebhookEventType(models.TextChoices):
    REGISTRATION_CREATED = "registration.created", _("Registration created")
    REGISTRATION_CONFIRMED = "registration.confirmed", _("Registration confirmed")
    REGISTRATION_CANCELLED = "registration.cancelled", _("Registration cancelled")
    CHECKIN_CREATED = "checkin.created", _("Badge scanned in or out")
    SESSION_CHANGED = "session.changed", _("Session changed")
    ANNOUNCEMENT_CREATED = "announcement.created", _("Announcement made")


class PausedReason(models.TextChoices):
    TEAM = "team", _("Paused by the team.")
    FAILURES = "failures", _("Paused after many failed attempts in a row.")
    GAVE_UP = "gave_up", _("Paused: a message was not accepted in three days of retries.")


class WebhookEndpoint(models.Model):
    """An integrator's address (a CRM, a streaming platform, a badge printer). Paused by its
    team, or by the sender after repeated failures (its owner is told)."""

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="webhook_endpoints")
    url = models.URLField(_("address"), max_length=500)
    # Standard Webhooks' "whsec_" + base64 of the key; kept as it is, since it signs.
    secret = models.CharField(max_length=100, editable=False)
    event_types = models.JSONField(_("event types"), default=list)
    paused_at = models.DateTimeField(_("paused at"), null=True, blank=True)
    paused_reason = models.CharField(
        _("why paused"), max_length=20, blank=True, choices=PausedReason.choices
    )
    consecutive_failures = models.PositiveIntegerField(_("failures in a row"), default=0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # The creator's language when they added it: the language of the mail if it is paused.
    language = models.CharField(_("language"), max_length=10, blank=True)
    created_at = models.DateTimeField(_("added at"), auto_now_add=True)

    class Meta:
        verbose_name = _("webhook endpoint")
        verbose_name_plural = _("webhook endpoints")
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return self.url

    @property
    def active(self) -> bool:
        return self.paused_at is None


class WebhookDeliveryStatus(models.TextChoices):
    PENDING = "pending", _("Waiting to be delivered")
    DELIVERED = "delivered", _("Delivered")
    FAILED = "failed", pgettext_lazy("webhook delivery", "Failed")


class WebhookDelivery(models.Model):
    """One message to one endpoint, and how its attempts went."""

    Status = WebhookDeliveryStatus

    endpoint = models.ForeignKey(
        WebhookEndpoint, on_delete=models.CASCADE, related_name="deliveries"
    )
    message_id = models.CharField(_("message id"), max_length=40, unique=True)
    event_type = models.CharField(_("event type"), max_length=40, choices=WebhookEventType.choices)
    payload = models.JSONField(_("payload"))
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=WebhookDeliveryStatus.choices,
        default=WebhookDeliveryStatus.PENDING,
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt"), null=True, blank=True)
    # Retried until then (three days after it was queued, or after "send again").
    retry_until = models.DateTimeField(_("retried until"))
    response_status = models.PositiveSmallIntegerField(_("last answer"), null=True, blank=True)
    error = models.CharField(_("last error"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("made at"), auto_now_add=True)
    delivered_at = models.DateTimeField(_("delivered at"), null=True, blank=True)

    class Meta:
        verbose_name = _("webhook delivery")
        verbose_name_plural = _("webhook deliveries")
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["endpoint", "status"], name="webhook_delivery_status"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=WebhookDeliveryStatus.values),
                name="webhook_delivery_status_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.message_id} {self.event_type}"
