"""The registrations API: tickets with what is left, registering, and the organiser's reads and
decisions."""

from django.conf import settings
from django.db.models import Prefetch
from django.http import HttpRequest
from django.utils import translation
from django.utils.translation import gettext as _
from ninja import Field, Header, Query, Router, Schema, Status
from ninja.pagination import paginate

from confman.core.auth import ORGANISER_AUTH, request_user
from confman.core.content import content_translations
from confman.core.exceptions import InvalidInput, NotFound
from confman.core.pagination import Pages
from confman.core.throttling import ScopeThrottle
from events.permissions import Action
from events.schemas import PersonModeName
from events.selectors import event_get, organization_from_input
from registrations import selectors
from registrations.access_codes import code_tickets
from registrations.models import Registration, TicketType
from registrations.payments.client import payments_configured, payments_not_set_up
from registrations.payments.refunds import registration_refund
from registrations.schemas import (
    QuestionOut,
    ReasonIn,
    RegistrationAdminOut,
    RegistrationIn,
    RegistrationOut,
    StateName,
    StatsOut,
    TicketAvailabilityOut,
)
from registrations.selectors import registration_settings_get, ticket_availability
from registrations.services.idempotency import KEY_PATTERN, idempotent
from registrations.services.registrations import (
    AlreadyRegistered,
    organization_get_or_create,
    registration_approve,
    registration_cancel,
    registration_create,
)

router = Router(tags=["registrations"])


class TicketQuery(Schema):
    code: str = Field(
        "",
        max_length=60,
        description="An access code, to see the hidden tickets it opens (in any case); a code "
        "that opens none is refused (422, field `code`)",
    )


@router.get(
    "/events/{slug}/tickets",
    response=list[TicketAvailabilityOut],
    summary="Tickets on sale, with the seats left",
)
def list_tickets(request: HttpRequest, slug: str, query: Query[TicketQuery]):
    event = event_get(slug, request_user(request))
    offer = code_tickets(event, query.code)
    # A code that opens no ticket is refused; one whose ticket is not on sale now lists what is.
    if offer.wrong:
        raise InvalidInput.for_fields({"code": [offer.error]})
    tickets = offer.tickets
    return [
        {
            "ticket_id": a.ticket.pk,
            "name": a.ticket.name,
            "name_translations": content_translations(a.ticket.name, event.languages),
            "description": a.ticket.description,
            "description_translations": content_translations(a.ticket.description, event.languages),
            "mode": a.mode,
            "price": a.ticket.price,
            "currency": a.ticket.currency,
            "requires_approval": a.ticket.requires_approval,
            "remaining": a.remaining,
            "available": a.available,
        }
        for a in ticket_availability(event, tickets)
    ]


@router.get(
    "/events/{slug}/questions",
    response=list[QuestionOut],
    summary="The registration form's questions",
)
def list_questions(request: HttpRequest, slug: str):
    """What to answer when registering (`answers`), with each choice in every language."""
    event = event_get(slug, request_user(request))
    return event.questions.prefetch_related(Prefetch("tickets", TicketType.objects.only("pk")))


@router.post(
    "/events/{slug}/registrations",
    response={201: RegistrationOut},
    summary="Register",
    throttle=[ScopeThrottle("registrations")],
)
def create_registration(
    request: HttpRequest,
    slug: str,
    payload: RegistrationIn,
    idempotency_key: str | None = Header(
        None,
        alias="Idempotency-Key",
        pattern=KEY_PATTERN,
        description="Any unique string (a UUID): a retry with the same key and body gets the "
        "first answer, and registers no one twice. Kept for 24 hours.",
    ),
):
    """Free tickets confirm at once, paid ones hold a seat while the attendee pays, approval
    tickets wait for an organiser; when full the attendee joins the waiting list (or, with
    waitlist false, gets a 409 sold_out)."""
    user = request_user(request)
    try:
        status, body = idempotent(
            request,
            "create_registration",
            idempotency_key,
            lambda: (201, _register(user, slug, payload)),
            lambda registration: RegistrationOut.from_orm(registration).model_dump(mode="json"),
        )
    except AlreadyRegistered as refused:
        refused.send_link_again()  # now that nothing of this request is left to roll back
        raise
    return Status(status, body)


def _register(user, slug: str, payload: RegistrationIn) -> Registration:
    event = event_get(slug, user)
    ticket = (
        event.ticket_types.select_related("quota", "event").filter(pk=payload.ticket_id).first()
    )
    if ticket is None:
        message = _("the event has no such ticket; see GET /api/events/%(slug)s/tickets")
        raise InvalidInput.for_fields({"ticket_id": [message % {"slug": slug}]})
    if not ticket.is_free and not payments_configured():
        raise payments_not_set_up(event)
    organization = organization_from_input(payload.organization_id, event)
    if organization is None:
        organization = organization_get_or_create(payload.organization_name, payload.country, event)
    registration = registration_create(
        ticket=ticket,
        mode=payload.mode,
        consent_version=registration_settings_get(event).notice_version,
        access_code=payload.access_code,
        waitlist=payload.waitlist,
        by=user,
        name=payload.name,
        email=payload.email,
        organization=organization,
        country=payload.country,
        position=payload.position,
        accessibility_needs=payload.accessibility_needs,
        dietary_needs=payload.dietary_needs,
        answers=payload.answers,
        gender=payload.gender,
        gender_described=payload.gender_described.strip(),
        language=payload.language or translation.get_language() or settings.LANGUAGE_CODE,
    )
    return registration


class RegistrationQuery(Schema):
    q: str = Field("", max_length=200, description="Name, email, organisation or reference")
    ticket: int | None = Field(None, ge=1)
    mode: PersonModeName | None = None
    state: StateName | None = None
    country: str = Field("", max_length=2)
    organization: int | None = Field(None, ge=1)


@router.get(
    "/events/{slug}/registrations",
    response=list[RegistrationAdminOut],
    auth=ORGANISER_AUTH,
    summary="The event's registrations",
)
@paginate(Pages)
def list_registrations(request: HttpRequest, slug: str, filters: Query[RegistrationQuery]):
    event = event_get(slug, request.user, Action.VIEW_REGISTRATIONS)
    return selectors.registrations_for(
        event,
        {
            "q": filters.q,
            "ticket": filters.ticket,
            "mode": filters.mode,
            "state": filters.state,
            "country": filters.country.upper(),
            "organization": filters.organization,
        },
    ).order_by("created_at", "pk")


@router.get(
    "/events/{slug}/registrations/stats",
    response=StatsOut,
    auth=ORGANISER_AUTH,
    summary="Participants by ticket, mode, country and organisation",
)
def registration_stats(request: HttpRequest, slug: str):
    event = event_get(slug, request.user, Action.VIEW_REGISTRATIONS)
    counts = selectors.registration_counts(event, list(event.ticket_types.select_related("quota")))
    return {
        "participants": counts["participants"],
        "countries": counts["countries"],
        "organizations": counts["organisations"],
        "by_state": {row["state"]: row["n"] for row in counts["by_state"] if row["n"]},
        "by_mode": {row["mode"]: row["confirmed"] for row in counts["by_mode"] if row["confirmed"]},
        "by_ticket": [(row["ticket"].name, row["confirmed"]) for row in counts["by_ticket"]],
        "by_country": [(row["country"], row["n"]) for row in counts["top_countries"]],
        "by_organization": [
            (row["organization__name"], row["n"]) for row in counts["top_organisations"]
        ],
    }


def _registration(request: HttpRequest, slug: str, reference: str, action: Action) -> Registration:
    event = event_get(slug, request.user, action)
    registration = (
        Registration.objects.select_related("event", "ticket__quota", "organization")
        .filter(event=event, reference=reference.upper())
        .first()
    )
    if registration is None:
        raise NotFound(
            _("The event “%(slug)s” has no registration %(reference)s.")
            % {"slug": slug, "reference": reference}
        )
    return registration


@router.get(
    "/events/{slug}/registrations/{reference}",
    response=RegistrationAdminOut,
    auth=ORGANISER_AUTH,
    summary="One registration",
)
def get_registration(request: HttpRequest, slug: str, reference: str):
    return _registration(request, slug, reference, Action.VIEW_REGISTRATIONS)


@router.post(
    "/events/{slug}/registrations/{reference}/approve",
    response=RegistrationAdminOut,
    auth=ORGANISER_AUTH,
    summary="Approve a registration awaiting approval",
)
def approve_registration(request: HttpRequest, slug: str, reference: str, payload: ReasonIn):
    registration = _registration(request, slug, reference, Action.MANAGE_REGISTRATIONS)
    return registration_approve(registration=registration, by=request.user, reason=payload.reason)


@router.post(
    "/events/{slug}/registrations/{reference}/cancel",
    response=RegistrationAdminOut,
    auth=ORGANISER_AUTH,
    summary="Cancel a registration",
)
def cancel_registration(request: HttpRequest, slug: str, reference: str, payload: ReasonIn):
    registration = _registration(request, slug, reference, Action.MANAGE_REGISTRATIONS)
    return registration_cancel(registration=registration, by=request.user, reason=payload.reason)


@router.post(
    "/events/{slug}/registrations/{reference}/refund",
    response=RegistrationAdminOut,
    auth=ORGANISER_AUTH,
    summary="Refund a paid registration through Stripe",
)
def refund_registration(request: HttpRequest, slug: str, reference: str, payload: ReasonIn):
    """409 when there is nothing to refund or payments are not set up; 502/503 when Stripe
    refuses or cannot be reached (nothing changes; try again)."""
    registration = _registration(request, slug, reference, Action.MANAGE_REGISTRATIONS)
    return registration_refund(registration, by=request.user, reason=payload.reason)
