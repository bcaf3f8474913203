"""The registration form."""

from django.db.models import Prefetch
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import translation

from confman.core.exceptions import InvalidInput
from confman.core.throttling import page_rate_limit
from events.models import Event, Organization
from events.permissions import Action, has_event_permission
from events.selectors import event_get
from registrations import links
from registrations.access_codes import code_tickets
from registrations.forms import RegistrationForm
from registrations.models import Question, State, TicketType, Visibility
from registrations.payments.client import payments_configured
from registrations.selectors import registration_settings_get, ticket_availability
from registrations.services.registrations import (
    AlreadyRegistered,
    organization_get_or_create,
    registration_create,
)


def _questions(event: Event) -> list[Question]:
    questions = list(
        event.questions.prefetch_related(
            Prefetch("tickets", queryset=TicketType.objects.only("pk"))
        )
    )
    for question in questions:
        question.ticket_ids = [t.pk for t in question.tickets.all()]
    return questions


@page_rate_limit("registrations")
def register(request: HttpRequest, slug: str) -> HttpResponse:
    event = event_get(slug, request.user)
    settings = registration_settings_get(event)
    code = (request.POST.get("access_code") or request.GET.get("code") or "").strip()
    organiser = has_event_permission(request.user, event, Action.MANAGE_REGISTRATIONS)
    offer = code_tickets(event, code, organiser=organiser)
    tickets = offer.tickets
    has_code_tickets = event.ticket_types.filter(visibility=Visibility.CODE).exists()
    context = {"event": event, "settings": settings}
    # With hidden tickets, the page stays open to whoever has a code, to type it in.
    if not settings.is_open or event.is_over or not (tickets or has_code_tickets):
        return render(request, "registrations/closed.html", context)
    questions = _questions(event)
    form = RegistrationForm(
        request.POST or None,
        event=event,
        options=ticket_availability(event, tickets),
        questions=questions,
        payments_ready=payments_configured(),
        asks_gender=settings.asks_gender,
        initial={"access_code": code},
    )
    status = 200
    already_registered = False
    if request.method == "POST":
        if tickets and form.is_valid():
            try:
                registration = _register(request, event, settings, form)
            except AlreadyRegistered as refused:
                mine = refused.existing
                if request.user.is_authenticated and mine.user_id == request.user.pk:
                    # Their own, signed in: no need to go through the mailbox.
                    return HttpResponseRedirect(
                        reverse(
                            "registrations:mine",
                            kwargs={"slug": slug, "token": links.magic_token(mine)},
                        )
                    )
                refused.send_link_again()
                form.add_error("email", refused.message)
                already_registered = True
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
        "has_code_tickets": has_code_tickets,
        "code": code,
        "code_error": offer.error,
        "code_opened": offer.opened,
        "tickets": tickets,
        "already_registered": already_registered,
    }
    return render(request, "registrations/register.html", context, status=status)


def _register(request, event, settings, form):
    data = form.cleaned_data
    organisation = organization_get_or_create(
        data["organization_name"], data["organization_country"] or data["country"], event
    )
    return registration_create(
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
        gender=data.get("gender", ""),
        gender_described=data.get("gender_described", ""),
        language=translation.get_language() or "",
    )
