"""The attendee's side: the registration form and the self-service page behind a magic link."""

from django.contrib import messages
from django.db.models import Prefetch
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from confman.core.exceptions import DomainError, InvalidInput, NotFound
from events import selectors as event_selectors
from events.models import Event, Organization
from events.permissions import Action, has_event_permission
from registrations import links
from registrations.badges import content as badges
from registrations.forms import RegistrationForm
from registrations.mail import notify
from registrations.models import Mode, Question, State, TicketType, Visibility
from registrations.payments import webhook as payments
from registrations.services import registrations as services


def _questions(event: Event) -> list[Question]:
    questions = list(
        event.questions.prefetch_related(
            Prefetch("tickets", queryset=TicketType.objects.only("pk"))
        )
    )
    for question in questions:
        question.ticket_ids = [t.pk for t in question.tickets.all()]
    return questions


def register(request: HttpRequest, slug: str) -> HttpResponse:
    event = event_selectors.event_get(slug, request.user, organizations=False)
    settings = services.settings_for(event)
    code = (request.POST.get("access_code") or request.GET.get("code") or "").strip()
    organiser = has_event_permission(request.user, event, Action.MANAGE_REGISTRATIONS)
    tickets = services.tickets_on_offer(event, code=code, organiser=organiser)
    context = {"event": event, "settings": settings}
    if not settings.is_open or not tickets or event.is_over:
        return render(request, "registrations/closed.html", context)
    questions = _questions(event)
    form = RegistrationForm(
        request.POST or None,
        event=event,
        options=services.availability(event, tickets),
        questions=questions,
        payments_ready=payments.configured(),
        initial={"access_code": code},
    )
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                registration = _register(request, event, settings, form)
            except InvalidInput as exc:
                for error in exc.errors:
                    field = {"organization": "organization_name", "ticket": "choice"}.get(
                        error["field"], error["field"]
                    )
                    form.add_error(field if field in form.fields else None, error["message"])
            else:
                token = links.magic_token(registration)
                # A payment hold goes straight to the payment page; everyone else to theirs.
                where = (
                    "registrations:paid"
                    if registration.state == State.PENDING_PAYMENT
                    else ("registrations:mine")
                )
                return HttpResponseRedirect(reverse(where, kwargs={"slug": slug, "token": token}))
        status = 422
    context |= {
        "form": form,
        "questions": questions,
        "organisations": Organization.objects.filter(event_roles__event=event)
        .distinct()
        .order_by("name")
        .values_list("name", flat=True),
        "has_code_tickets": event.ticket_types.filter(visibility=Visibility.CODE).exists(),
        "code": code,
    }
    return render(request, "registrations/register.html", context, status=status)


def _register(request, event, settings, form):
    data = form.cleaned_data
    organisation = services.organization_for(
        data["organization_name"], data["organization_country"] or data["country"]
    )
    return services.register(
        ticket=data["ticket"],
        mode=data["mode"],
        consent_version=settings.notice_version,
        access_code=data["access_code"],
        by=request.user,
        name=data["name"],
        email=data["email"],
        organization=organisation,
        country=data["country"],
        position=data["position"],
        accessibility_needs=data["accessibility_needs"],
        dietary_needs=data["dietary_needs"],
        answers=data["answers"],
        language=translation.get_language() or "",
    )


def my_registration(request: HttpRequest, slug: str, token: str) -> HttpResponse:
    """The attendee's page behind their link: see the registration; cancel it, accept a seat
    offer, switch attendance mode, or have the confirmation mailed again."""
    registration = links.registration_for_token(token)
    if registration.event.slug != slug:
        raise NotFound(_("This link belongs to another event."))
    if request.method == "POST":
        try:
            text = _self_service(registration, request.POST)
        except DomainError as exc:
            if exc.status not in (409, 422):
                raise
            messages.error(request, exc.message)
        else:
            messages.success(request, text)
        return HttpResponseRedirect(request.path)
    return render(
        request,
        "registrations/mine.html",
        {
            "event": registration.event,
            "registration": registration,
            "link": request.build_absolute_uri(),
            "token": token,
            "badge_qr": badges.qr_svg(registration.badge_secret)
            if registration.state == State.CONFIRMED and registration.badge_secret
            else "",
            "can_cancel": registration.state not in (State.CANCELLED, State.REFUNDED),
            "can_pay": payments.can_pay(registration),
            "refund_on_cancel": payments.refund_allowed(registration),
            "other_modes": [
                m
                for m in registration.ticket.allowed_modes
                if m != registration.mode
                and registration.state
                in (State.CONFIRMED, State.PENDING_PAYMENT, State.AWAITING_APPROVAL)
            ],
        },
    )


def _self_service(registration, data) -> str:
    action = data.get("action", "")
    if action == "cancel":
        if payments.refund_allowed(registration):
            payments.refund(registration, by=None, reason=_("cancelled by the attendee"))
            return _(
                "Your registration is cancelled and your payment refunded; it reaches your "
                "account within a few days."
            )
        services.cancel(registration=registration, by=None, reason=_("cancelled by the attendee"))
        return _("Your registration is cancelled. We are sorry you cannot come.")
    if action == "accept":
        accepted = services.accept_offer(registration=registration)
        if accepted.state == State.CONFIRMED:
            return _("The seat is yours: your place is confirmed.")
        return _("The seat is held for you while you pay.")
    if action == "mode":
        mode = data.get("mode", "")
        if mode not in Mode.values:
            raise InvalidInput.for_fields({"mode": [_("Choose in person or online.")]})
        services.change_mode(registration=registration, mode=mode)
        return _("Your attendance is now: %(mode)s.") % {"mode": Mode(mode).label.lower()}
    if action == "resend":
        notify(registration)
        return _("The message is on its way to %(email)s.") % {"email": registration.email}
    raise InvalidInput.for_fields({"action": [_("Use the buttons on this page.")]})
