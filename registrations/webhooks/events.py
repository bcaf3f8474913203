"""What makes a webhook: the hooks that the registration lifecycle, the check-in scan and the
programme's update log call, and the task that turns one into a signed message per endpoint.

In the request (after its commit) a hook only asks which types the event's active endpoints
want (subscriptions: the cache or one query) and, when one wants it, queues webhooks_fan_out;
the payload is read and written by the task worker. Payloads are the API's Out schemas, wrapped
as {"type", "timestamp", "event", "data"}."""

import logging
from datetime import datetime

from django.db import transaction
from django.utils import timezone, translation
from django_tasks import task
from ninja import Schema

from events.models import Event
from registrations.checkin.schemas import CheckInPersonOut
from registrations.models import (
    CheckIn,
    Registration,
    State,
    WebhookDelivery,
    WebhookDeliveryStatus,
    WebhookEndpoint,
    WebhookEventType,
)
from registrations.schemas import RegistrationAdminOut
from registrations.webhooks.deliveries import KEEP_DELIVERED, RETRY_FOR, deliveries_enqueue
from registrations.webhooks.signing import message_id_new
from registrations.webhooks.subscriptions import subscribed_types
from sessions import selectors
from sessions.models import Session, SessionUpdate, UpdateKind
from sessions.schemas import SessionOut, UpdateOut

logger = logging.getLogger(__name__)

Type = WebhookEventType
# Which programme updates integrators hear of, and as what.
UPDATE_TYPES = {
    UpdateKind.PUBLISHED: Type.SESSION_CHANGED,
    UpdateKind.CHANGED: Type.SESSION_CHANGED,
    UpdateKind.MOVED: Type.SESSION_CHANGED,
    UpdateKind.STATUS: Type.SESSION_CHANGED,
    UpdateKind.DELAYED: Type.SESSION_CHANGED,
    UpdateKind.CANCELLED: Type.SESSION_CHANGED,
    UpdateKind.PEOPLE: Type.SESSION_CHANGED,
    UpdateKind.ANNOUNCEMENT: Type.ANNOUNCEMENT_CREATED,
}


def _emit(event_id: int, types: list[str], source: str, object_id: int, **extra) -> None:
    """After the commit: queue the fan-out if an active endpoint wants one of `types`. A
    failure here is logged; what happened stands."""
    moment = timezone.now().isoformat()

    def queue() -> None:
        try:
            wanted = [t for t in types if t in subscribed_types(event_id)]
            if wanted:
                webhooks_fan_out.enqueue(event_id, wanted, source, object_id, moment, extra)
        except Exception:
            logger.exception("Could not queue the webhooks of %s %s", source, object_id)

    transaction.on_commit(queue)


def registration_changed(registration: Registration, before: str | None, to: str) -> None:
    """Called by registration_transition, in its transaction."""
    types = []
    if before is None:
        types.append(Type.REGISTRATION_CREATED)
    if to == State.CONFIRMED:
        types.append(Type.REGISTRATION_CONFIRMED)
    if to == State.CANCELLED or (to == State.REFUNDED and before != State.CANCELLED):
        types.append(Type.REGISTRATION_CANCELLED)
    if types:
        _emit(registration.event_id, types, "registration", registration.pk, state=to)


def checkin_recorded(checkin: CheckIn) -> None:
    """Called by the scan's write path for each scan that let someone in or out."""
    _emit(checkin.event_id, [Type.CHECKIN_CREATED], "checkin", checkin.pk)


def on_update_logged(sender, *, event_id: int, update_id: int, **kwargs) -> None:
    """sessions.signals.update_logged, sent after the update's commit."""
    _emit(event_id, [Type.SESSION_CHANGED, Type.ANNOUNCEMENT_CREATED], "update", update_id)


# --- payloads (in the task worker) ------------------------------------------------------------


class CheckInWebhookOut(Schema):
    id: int
    type: str
    result: str
    gate: str
    device: str
    session_id: int | None
    scanned_at: datetime
    person: CheckInPersonOut


def _registration_data(object_id: int, extra: dict) -> dict | None:
    registration = Registration.objects.select_related("organization").filter(pk=object_id).first()
    if registration is None:
        return None
    data = RegistrationAdminOut.from_orm(registration).model_dump(mode="json")
    data["state"] = extra.get("state") or data["state"]  # the state it had then
    return data


def _checkin_data(object_id: int) -> dict | None:
    checkin = (
        CheckIn.objects.select_related("registration__ticket", "registration__organization")
        .filter(pk=object_id)
        .first()
    )
    if checkin is None or checkin.registration is None:
        return None
    person = checkin.registration
    return CheckInWebhookOut.model_validate(
        {
            "id": checkin.pk,
            "type": checkin.type,
            "result": checkin.result,
            "gate": checkin.gate,
            "device": checkin.device,
            "session_id": checkin.session_id,
            "scanned_at": checkin.scanned_at,
            "person": {
                "reference": person.reference,
                "name": person.name,
                "organization": person.organization.name if person.organization else "",
                "country": person.country.code,
                "ticket": str(person.ticket.name),
                "mode": person.mode,
                "accessibility_needs": person.accessibility_needs,
                "dietary_needs": person.dietary_needs,
            },
        }
    ).model_dump(mode="json")


def _update_data(update: SessionUpdate) -> dict:
    session = None
    if update.session_id:
        session = (
            selectors.with_details(Session.objects.select_related("event"))
            .filter(pk=update.session_id)
            .first()
        )
    return {
        "update": UpdateOut.from_orm(update).model_dump(mode="json"),
        "session": SessionOut.model_validate(session).model_dump(mode="json") if session else None,
    }


@task()
def webhooks_fan_out(
    event_id: int, types: list[str], source: str, object_id: int, moment: str, extra: dict
) -> str:
    """One delivery per active endpoint that wants each type, queued after this commit; and
    the log kept short (messages delivered or failed more than KEEP_DELIVERED ago are dropped)."""
    event = Event.objects.filter(pk=event_id).first()
    if event is None:
        return "no event"
    with translation.override(event.languages[0] if event.languages else None):
        if source == "update":
            update = SessionUpdate.objects.select_related("event").filter(pk=object_id).first()
            kind = UPDATE_TYPES.get(update.kind) if update is not None else None
            if kind not in types:
                return "not told"
            types, data = [kind], _update_data(update)
        elif source == "registration":
            data = _registration_data(object_id, extra)
        else:
            data = _checkin_data(object_id)
    if data is None:
        return "gone"
    endpoints = list(WebhookEndpoint.objects.filter(event_id=event_id, paused_at__isnull=True))
    now = timezone.now()
    deliveries = [
        WebhookDelivery(
            endpoint=endpoint,
            message_id=message_id_new(),
            event_type=kind,
            payload={"type": kind, "timestamp": moment, "event": event.slug, "data": data},
            next_attempt_at=now,
            retry_until=now + RETRY_FOR,
        )
        for kind in types
        for endpoint in endpoints
        if kind in endpoint.event_types
    ]
    with transaction.atomic():
        made = WebhookDelivery.objects.bulk_create(deliveries)
        ids = [delivery.pk for delivery in made]
        transaction.on_commit(lambda: deliveries_enqueue(ids))
    # Payloads hold personal data: the log keeps a message only while it may be looked at.
    WebhookDelivery.objects.filter(
        endpoint__event_id=event_id,
        status__in=(WebhookDeliveryStatus.DELIVERED, WebhookDeliveryStatus.FAILED),
        created_at__lt=now - KEEP_DELIVERED,
    ).delete()
    return f"{len(made)} deliveries"
