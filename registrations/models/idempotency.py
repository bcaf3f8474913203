"""Answers kept for a client's retries: a registration sent with an `Idempotency-Key` header is
answered once; the same request sent again with the same key (a client that lost the answer)
gets that answer, and nothing is done twice."""

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class IdempotentRequest(models.Model):
    operation = models.CharField(_("operation"), max_length=60)
    key = models.CharField(_("idempotency key"), max_length=255)
    # What the key was sent with (the address, the caller and the body, hashed): the same key
    # with another request is refused, not answered with the first one's answer.
    digest = models.CharField(_("request digest"), max_length=64)
    status = models.PositiveSmallIntegerField(_("status"), null=True, blank=True)
    body = models.JSONField(_("answer"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now, db_index=True)

    class Meta:
        verbose_name = _("idempotent request")
        verbose_name_plural = _("idempotent requests")
        constraints = [
            models.UniqueConstraint(fields=["operation", "key"], name="idempotent_request_once")
        ]

    def __str__(self) -> str:
        return f"{self.operation} {self.key}"
