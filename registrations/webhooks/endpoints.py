"""The team's writes on webhook endpoints: add one (its address checked, its secret made),
pause, resume, delete, and send a delivery again. Each keeps the cached list of what the
event's endpoints want (events.subscribed_types) current."""

from django.contrib.auth.models import User
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from confman.core.exceptions import InvalidInput
from confman.core.validation import validate
from events.models import Event
from events.permissions import Action, require_event_permission
from registrations.models import (
    PausedReason,
    WebhookDelivery,
    WebhookDeliveryStatus,
    WebhookEndpoint,
    WebhookEventType,
)
from registrations.webhooks.addresses import url_check
from registrations.webhooks.deliveries import RETRY_FOR, deliveries_enqueue
from registrations.webhooks.signing import secret_new
from registrations.webhooks.subscriptions import subscribed_forget

MAX_ENDPOINTS = 20


def webhook_endpoint_create(
    *, event: Event, by: User, url: str, event_types: list[str]
) -> WebhookEndpoint:
    """Add an endpoint: an https address that does not lead to a private network (resolved
    now, and again at each delivery), at least one event type; its secret is made here and
    shown once. The name is resolved before anything is written (no transaction waits on DNS)."""
    require_event_permission(by, event, Action.CHANGE)
    types = [t for t in WebhookEventType.values if t in set(event_types)]
    if not types or len(types) != len(set(event_types)):
        raise InvalidInput.for_fields(
            {
                "event_types": [
                    _("Choose one or more of these event types: %(types)s.")
                    % {"types": ", ".join(WebhookEventType.values)}
                ]
            }
        )
    if WebhookEndpoint.objects.filter(event=event).count() >= MAX_ENDPOINTS:
        raise InvalidInput.for_fields(
            {"url": [_("An event has at most %(count)s endpoints.") % {"count": MAX_ENDPOINTS}]}
        )
    endpoint = WebhookEndpoint(
        event=event,
        url=url.strip(),
        secret=secret_new(),
        event_types=types,
        created_by=by,
        language=translation.get_language() or "",
    )
    validate(endpoint)
    url_check(endpoint.url)
    with transaction.atomic():
        endpoint.save()
        transaction.on_commit(lambda: subscribed_forget(event.pk))
    return endpoint


@transaction.atomic
def webhook_endpoint_pause(*, endpoint: WebhookEndpoint, by: User) -> None:
    """Stop sending to the endpoint; what is queued for it waits until it is resumed."""
    require_event_permission(by, endpoint.event, Action.CHANGE)
    WebhookEndpoint.objects.filter(pk=endpoint.pk, paused_at__isnull=True).update(
        paused_at=timezone.now(), paused_reason=PausedReason.TEAM
    )
    transaction.on_commit(lambda: subscribed_forget(endpoint.event_id))


@transaction.atomic
def webhook_endpoint_resume(*, endpoint: WebhookEndpoint, by: User) -> int:
    """Send to the endpoint again: what waited for it goes now, with three more days of
    retries. Returns how many deliveries were queued."""
    require_event_permission(by, endpoint.event, Action.CHANGE)
    WebhookEndpoint.objects.filter(pk=endpoint.pk).update(
        paused_at=None, paused_reason="", consecutive_failures=0
    )
    waiting = list(
        WebhookDelivery.objects.filter(
            endpoint=endpoint, status=WebhookDeliveryStatus.PENDING
        ).values_list("pk", flat=True)
    )
    now = timezone.now()
    WebhookDelivery.objects.filter(pk__in=waiting).update(
        next_attempt_at=now, retry_until=now + RETRY_FOR
    )
    transaction.on_commit(lambda: subscribed_forget(endpoint.event_id))
    transaction.on_commit(lambda: deliveries_enqueue(waiting))
    return len(waiting)


@transaction.atomic
def webhook_endpoint_delete(*, endpoint: WebhookEndpoint, by: User) -> None:
    require_event_permission(by, endpoint.event, Action.CHANGE)
    event_id = endpoint.event_id
    endpoint.delete()
    transaction.on_commit(lambda: subscribed_forget(event_id))


@transaction.atomic
def webhook_delivery_send_again(*, delivery: WebhookDelivery, by: User) -> None:
    """Queue a delivery again (delivered or failed, e.g. after the receiver was fixed): the same
    message id, so a receiver that keeps ids sees it is the same message, with three more days
    of retries. An endpoint that is paused sends it once it is resumed."""
    require_event_permission(by, delivery.endpoint.event, Action.CHANGE)
    now = timezone.now()
    WebhookDelivery.objects.filter(pk=delivery.pk).update(
        status=WebhookDeliveryStatus.PENDING,
        next_attempt_at=now,
        retry_until=now + RETRY_FOR,
        delivered_at=None,
    )
    if delivery.endpoint.active:
        transaction.on_commit(lambda: deliveries_enqueue([delivery.pk]))
