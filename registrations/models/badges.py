"""Badge codes that no longer admit anyone, and badge print runs with what they printed."""

import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from events.models import Event
from registrations.models.registrations import Registration


def new_badge_secret() -> str:
    """192 random bits, URL-safe: unguessable, not derived from anything, short enough for a
    small QR code that scans fast from a phone screen."""
    return secrets.token_urlsafe(24)


class RevokedBadge(models.Model):
    """A badge secret that no longer admits anyone (cancelled, refunded or reissued), kept so
    that the desk can say "revoked" rather than "unknown"."""

    secret = models.CharField(_("badge code"), max_length=64, unique=True)
    registration = models.ForeignKey(
        Registration, on_delete=models.CASCADE, related_name="revoked_badges"
    )
    revoked_at = models.DateTimeField(_("revoked at"), default=timezone.now)
    reason = models.CharField(_("why"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("revoked badge")
        verbose_name_plural = _("revoked badges")

    def __str__(self) -> str:
        return f"{self.registration.reference} (revoked)"


class PrintRunStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Being prepared")
    DONE = "done", _("Ready")
    FAILED = "failed", pgettext_lazy("print run status", "Failed")


class PrintLayout(models.TextChoices):
    A6 = "a6", _("A6, one badge per page")
    A4 = "a4_4up", _("A4, four badges per sheet with cut marks")


class BadgePrintRun(models.Model):
    """One PDF of in-person badges an organiser asked for, rendered by a background task
    (registrations.badges.print_runs). `filters` holds what was chosen: {"tickets": [ids],
    "country": "KE", "only_new": true}."""

    Status = PrintRunStatus
    Layout = PrintLayout

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="badge_print_runs")
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    filters = models.JSONField(_("filters"), default=dict, blank=True)
    layout = models.CharField(_("layout"), max_length=10, choices=PrintLayout.choices)
    status = models.CharField(
        _("status"), max_length=10, choices=PrintRunStatus.choices, default=PrintRunStatus.QUEUED
    )
    done = models.PositiveIntegerField(_("badges rendered"), default=0)
    total = models.PositiveIntegerField(_("badges in the run"), null=True, blank=True)
    file = models.CharField(_("file"), max_length=300, blank=True)
    error = models.TextField(_("error"), blank=True)
    created_at = models.DateTimeField(_("requested at"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    class Meta:
        verbose_name = _("badge print run")
        verbose_name_plural = _("badge print runs")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=PrintRunStatus.values), name="print_run_status_valid"
            ),
            models.CheckConstraint(
                condition=Q(layout__in=PrintLayout.values), name="print_run_layout_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.event} badges #{self.pk} ({self.status})"


class BadgePrint(models.Model):
    """A badge code that went into a finished print run: "only new since the last run" leaves
    out the registrations whose current code has one (a reissued code has not)."""

    run = models.ForeignKey(BadgePrintRun, on_delete=models.CASCADE, related_name="prints")
    registration = models.ForeignKey(
        Registration, on_delete=models.CASCADE, related_name="badge_prints"
    )
    secret = models.CharField(_("badge code"), max_length=64)

    class Meta:
        verbose_name = _("printed badge")
        verbose_name_plural = _("printed badges")
        indexes = [models.Index(fields=["registration", "secret"], name="badge_print_reg_secret")]

    def __str__(self) -> str:
        return f"{self.registration.reference} in run {self.run_id}"
