"""Sending webhooks: the task worker POSTs each delivery, signed, with a short timeout, to the
address its endpoint's name resolves to now (checked again: no private networks), following no
redirect. A 2xx answer is delivered; anything else is tried again after 30 s, 2 min, 10 min,
1 h, 6 h, then every 12 h, for three days, then failed. An endpoint whose attempts fail
FAILURES_TO_PAUSE times in a row, or whose delivery ran out of retries, is paused and its owner
told by mail; what is queued for it then waits until it is resumed."""

import http.client
import json
import logging
import socket
import ssl
from datetime import timedelta
from urllib.parse import urlsplit

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db.models import F, Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django_tasks import task

from confman.core.content import content_localized
from confman.core.exceptions import DomainError
from registrations.models import (
    PausedReason,
    WebhookDelivery,
    WebhookDeliveryStatus,
    WebhookEndpoint,
)
from registrations.webhooks.addresses import addresses_resolve, url_parts
from registrations.webhooks.signing import signed_headers
from registrations.webhooks.subscriptions import subscribed_forget

logger = logging.getLogger(__name__)

TIMEOUT_SECONDS = 10
RETRY_FOR = timedelta(days=3)
PAUSES = [
    timedelta(seconds=30),
    timedelta(minutes=2),
    timedelta(minutes=10),
    timedelta(hours=1),
    timedelta(hours=6),
    timedelta(hours=12),  # and every 12 hours after it
]
FAILURES_TO_PAUSE = 10
KEEP_DELIVERED = timedelta(days=30)  # delivered or failed: then dropped from the log
USER_AGENT = "confman-webhooks/1"


def retry_pause(attempts: int) -> timedelta:
    """The pause after the `attempts`-th failed attempt."""
    return PAUSES[min(attempts, len(PAUSES)) - 1]


def deliveries_enqueue(delivery_ids: list[int]) -> None:
    for delivery_id in delivery_ids:
        webhook_deliver.enqueue(delivery_id)


class _PinnedHTTPSConnection(http.client.HTTPSConnection):
    """TLS to the address that was checked, the certificate checked for the host's name."""

    def __init__(self, host: str, address: str, **kwargs):
        super().__init__(host, **kwargs)
        self._address = address

    def connect(self) -> None:
        sock = socket.create_connection((self._address, self.port), self.timeout)
        self.sock = self._context.wrap_socket(sock, server_hostname=self.host)


class _PinnedHTTPConnection(http.client.HTTPConnection):
    def __init__(self, host: str, address: str, **kwargs):
        super().__init__(host, **kwargs)
        self._address = address

    def connect(self) -> None:
        self.sock = socket.create_connection((self._address, self.port), self.timeout)


def post(url: str, body: bytes, headers: dict[str, str]) -> int:
    """POST and return the answer's status; an address that leads to a private network is an
    InvalidInput, a network failure an OSError."""
    scheme, host, port = url_parts(url)
    address = addresses_resolve(host, port)[0]
    parts = urlsplit(url)
    path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    if scheme == "https":
        connection = _PinnedHTTPSConnection(
            host, address, port=port, timeout=TIMEOUT_SECONDS, context=ssl.create_default_context()
        )
    else:
        connection = _PinnedHTTPConnection(host, address, port=port, timeout=TIMEOUT_SECONDS)
    try:
        connection.request(
            "POST",
            path,
            body=body,
            headers={
                **headers,
                "Content-Type": "application/json",
                "User-Agent": USER_AGENT,
            },
        )
        response = connection.getresponse()
        response.read(65536)  # a receiver's answer is not kept; read a little to end cleanly
        return response.status
    finally:
        connection.close()


@task()
def webhook_deliver(delivery_id: int) -> str:
    """One attempt at a delivery, if it is still due. Claimed with one conditional UPDATE (its
    next attempt moved past this one's timeout), so a delivery queued twice (a send again, a
    resume) is attempted once."""
    now = timezone.now()
    claimed = WebhookDelivery.objects.filter(
        Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now + timedelta(seconds=1)),
        pk=delivery_id,
        status=WebhookDeliveryStatus.PENDING,
        endpoint__paused_at__isnull=True,
    ).update(next_attempt_at=now + timedelta(seconds=TIMEOUT_SECONDS * 3))
    if not claimed:
        return "not due"
    delivery = WebhookDelivery.objects.select_related("endpoint").get(pk=delivery_id)
    endpoint = delivery.endpoint
    body = json.dumps(delivery.payload, separators=(",", ":"), ensure_ascii=False).encode()
    code, error = None, ""
    try:
        code = post(
            endpoint.url,
            body,
            signed_headers(endpoint.secret, delivery.message_id, timezone.now(), body),
        )
    except DomainError as exc:
        error = exc.errors[0]["message"] if exc.errors else exc.message
    except (OSError, http.client.HTTPException) as exc:
        error = f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__
    if code is not None and 200 <= code < 300:
        return _delivered(delivery, code)
    return _failed(delivery, code, error or _("The receiver answered %(code)s.") % {"code": code})


def _delivered(delivery: WebhookDelivery, code: int) -> str:
    WebhookDelivery.objects.filter(pk=delivery.pk).update(
        status=WebhookDeliveryStatus.DELIVERED,
        attempts=F("attempts") + 1,
        response_status=code,
        error="",
        next_attempt_at=None,
        delivered_at=timezone.now(),
    )
    if delivery.endpoint.consecutive_failures:
        WebhookEndpoint.objects.filter(pk=delivery.endpoint_id).update(consecutive_failures=0)
    return "delivered"


def _failed(delivery: WebhookDelivery, code: int | None, error: str) -> str:
    now = timezone.now()
    attempts = delivery.attempts + 1
    later = now + retry_pause(attempts)
    gave_up = later > delivery.retry_until
    WebhookDelivery.objects.filter(pk=delivery.pk).update(
        status=WebhookDeliveryStatus.FAILED if gave_up else WebhookDeliveryStatus.PENDING,
        attempts=attempts,
        response_status=code,
        error=error[:300],
        next_attempt_at=None if gave_up else later,
    )
    WebhookEndpoint.objects.filter(pk=delivery.endpoint_id).update(
        consecutive_failures=F("consecutive_failures") + 1
    )
    failures = (
        WebhookEndpoint.objects.filter(pk=delivery.endpoint_id)
        .values_list("consecutive_failures", flat=True)
        .first()
    )
    if gave_up or (failures or 0) >= FAILURES_TO_PAUSE:
        endpoint_pause_failing(
            delivery.endpoint, PausedReason.GAVE_UP if gave_up else PausedReason.FAILURES
        )
    elif not gave_up:  # (a paused endpoint's deliveries are queued again when it resumes)
        webhook_deliver.using(run_after=later).enqueue(delivery.pk)
    return "failed" if gave_up else "retrying"


def endpoint_pause_failing(endpoint: WebhookEndpoint, reason: str) -> None:
    """Pause a failing endpoint and mail its owner, once: only the attempt that pauses it."""
    paused = WebhookEndpoint.objects.filter(pk=endpoint.pk, paused_at__isnull=True).update(
        paused_at=timezone.now(), paused_reason=reason
    )
    if not paused:
        return
    subscribed_forget(endpoint.event_id)
    webhook_paused_mail.enqueue(endpoint.pk)


@task()
def webhook_paused_mail(endpoint_id: int) -> str:
    """Tell the endpoint's owner that it was paused, why, and where to resume it; in the
    language they used when they added it."""
    endpoint = (
        WebhookEndpoint.objects.select_related("event", "created_by").filter(pk=endpoint_id).first()
    )
    owner = endpoint.created_by if endpoint is not None else None
    if owner is None or not owner.email or endpoint.active:
        return "skipped"
    language = endpoint.language or settings.LANGUAGE_CODE
    with translation.override(language):
        event = content_localized(endpoint.event, language)
        subject = _("Webhooks to %(url)s are paused") % {"url": endpoint.url}
        context = {
            "subject": subject,
            "user": owner,
            "endpoint": endpoint,
            "event": event,
            "link": settings.SITE_URL
            + reverse("registrations:webhooks", kwargs={"slug": event.slug}),
        }
        message = EmailMultiAlternatives(
            subject,
            render_to_string("registrations/mail/webhook_paused.txt", context),
            to=[owner.email],
        )
        message.attach_alternative(
            render_to_string("registrations/mail/webhook_paused.html", context), "text/html"
        )
    message.send()
    return "sent"
