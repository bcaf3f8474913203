"""The organiser's registrations pages: the counts an organiser quotes ("120 participants from
23 countries"), the list with search and filters, and a CSV export of the same list. Check-in
staff see the list; only organisers export it (it holds everyone's email and needs) and act on a
registration (registration_actions).

The list costs a fixed number of SQL queries however many registrations there are: the counts
are grouped in the database, the page's rows come with their ticket and organisation."""

import csv
from collections.abc import AsyncIterator, Iterator
from datetime import UTC
from itertools import islice
from typing import Any

from asgiref.sync import sync_to_async
from django import forms
from django.contrib.auth.decorators import login_required
from django.core.handlers.asgi import ASGIRequest
from django.core.paginator import Paginator
from django.db.models import Exists, OuterRef, QuerySet
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import dateformat, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_countries import countries

from confman.core.text import neutralise
from events.models import PERSON_MODE_CHOICES, Event, Organization
from events.permissions import Action, has_event_permission
from events.selectors import event_get
from events.timezones import offset_label
from registrations import selectors
from registrations.models import Payment, PaymentStatus, Registration, State, TicketType

PER_PAGE = 100
EXPORT_CHUNK = 500  # rows read from the database at a time
STREAM_LINES = 100  # lines of CSV sent at a time
SEARCH_MAX = 200
NO_ORGANISATION = selectors.NO_ORGANISATION
# States a registration can no longer leave; nothing to cancel there.
FINAL_STATES = (State.CANCELLED, State.REFUNDED)


# --- filters ----------------------------------------------------------------------------------


class FilterForm(forms.Form):
    """The list's search box and filters (GET). A value that is not one of the choices is
    reported next to its field and that filter is left out; the others still apply."""

    q = forms.CharField(
        label=gettext_lazy("Search"),
        required=False,
        max_length=SEARCH_MAX,
        help_text=gettext_lazy("Name, email, organisation or reference."),
    )
    ticket = forms.TypedChoiceField(
        label=gettext_lazy("Ticket"), required=False, coerce=int, empty_value=None
    )
    mode = forms.ChoiceField(label=gettext_lazy("Attendance"), required=False)
    state = forms.ChoiceField(label=gettext_lazy("State"), required=False)
    country = forms.ChoiceField(label=gettext_lazy("Country"), required=False)
    organization = forms.ChoiceField(label=gettext_lazy("Organisation"), required=False)

    def __init__(self, data, *, tickets, country_codes, organisations):
        super().__init__(data)
        anything = ("", _("All"))
        self.fields["ticket"].choices = [anything] + [(t.pk, t.name) for t in tickets]
        self.fields["mode"].choices = [anything, *PERSON_MODE_CHOICES]
        self.fields["state"].choices = [anything, *State.choices]
        self.fields["country"].choices = [anything] + sorted(
            ((code, countries.name(code)) for code in country_codes), key=lambda pair: pair[1]
        )
        self.fields["organization"].choices = [
            anything,
            (NO_ORGANISATION, _("No organisation")),
        ] + [(str(pk), name) for pk, name in organisations]

    def filters(self) -> dict[str, Any]:
        """The valid filters only; an empty dict when none is given."""
        self.is_valid()
        return {
            name: value
            for name, value in self.cleaned_data.items()
            if value not in (None, "") and name not in self.errors
        }


def _filter_form(request: HttpRequest, event: Event, tickets: list[TicketType]) -> FilterForm:
    """Two queries: the countries and the organisations that occur among the registrations."""
    everyone = Registration.objects.filter(event=event)
    country_codes = everyone.order_by().values_list("country", flat=True).distinct()
    organisations = (
        Organization.objects.filter(registrations__event=event)
        .distinct()
        .order_by("name", "pk")
        .values_list("pk", "name")
    )
    return FilterForm(
        request.GET,
        tickets=tickets,
        country_codes=list(country_codes),
        organisations=list(organisations),
    )


# --- counts -----------------------------------------------------------------------------------


# --- the list ---------------------------------------------------------------------------------


def _registered_at(registration: Registration, event: Event) -> None:
    """When they registered, in the event's zone with its offset: "2026-11-03 09:15 UTC+08:00"."""
    local = registration.created_at.astimezone(event.tzinfo)
    registration.registered_local = f"{dateformat.format(local, 'Y-m-d H:i')} {offset_label(local)}"
    registration.registered_iso = local.isoformat()


def _export_url(request: HttpRequest, event: Event) -> str:
    """The export of what the list shows: the same search and filters, every page."""
    query = request.GET.copy()
    query.pop("page", None)
    url = reverse("registrations:manage-export", kwargs={"slug": event.slug})
    return f"{url}?{query.urlencode()}" if query else url


@login_required
def registration_list(request: HttpRequest, slug: str) -> HttpResponse:
    event = event_get(slug, request.user, Action.VIEW_REGISTRATIONS)
    tickets = list(event.ticket_types.select_related("quota"))
    form = _filter_form(request, event, tickets)
    filters = form.filters()
    registrations = (
        selectors.registrations_for(event, filters)
        .select_related("ticket", "organization")
        # Whether there is money to give back: the row offers Refund only then.
        .annotate(
            paid=Exists(
                Payment.objects.filter(registration=OuterRef("pk"), status=PaymentStatus.PAID)
            )
        )
        .order_by("-created_at", "-pk")
    )
    page = Paginator(registrations, PER_PAGE).get_page(request.GET.get("page"))
    for registration in page.object_list:
        _registered_at(registration, event)
    return render(
        request,
        "registrations/manage_list.html",
        {
            "event": event,
            "form": form,
            "filtered": bool(filters),
            "page": page,
            "counts": selectors.registration_counts(event, tickets),
            "mismatched": selectors.payments_mismatched(event),
            "can_manage": has_event_permission(request.user, event, Action.MANAGE_REGISTRATIONS),
            "export_url": _export_url(request, event),
            "here": request.get_full_path(),
        },
    )


# --- the CSV export ---------------------------------------------------------------------------


class _Echo:
    """csv.writer writes a row here and gets it back, to be streamed."""

    def write(self, value: str) -> str:
        return value


def _answer(value: Any, choices: dict[str, str]) -> str:
    """An answer as the organiser reads it: a choice (kept in the event's first language) in
    the organiser's language."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return _("Yes") if value else _("No")
    if isinstance(value, list | tuple):
        return "; ".join(str(choices.get(item, item)) for item in value)
    return str(choices.get(value, value))


def _utc(moment) -> str:
    return moment.astimezone(UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")


def _csv_lines(questions: list, registrations: QuerySet[Registration]) -> Iterator[str]:
    """The file line by line: the byte order mark (Excel then reads it as UTF-8), the header,
    a line per registration. Lazy: rows are read from the database EXPORT_CHUNK at a time."""
    writer = csv.writer(_Echo())
    yield "\ufeff"
    choices = {q.pk: dict(q.choice_options) if q.has_choices else {} for q in questions}
    yield writer.writerow(
        [
            neutralise(heading)
            for heading in (
                _("reference"),
                _("name"),
                _("email"),
                _("organisation"),
                _("organisation country"),
                _("country"),
                _("position"),
                _("ticket"),
                _("mode"),
                _("state"),
                _("registered at (UTC)"),
                _("accessibility needs"),
                _("dietary needs"),
                *(question.label for question in questions),
            )
        ]
    )
    for registration in registrations.iterator(chunk_size=EXPORT_CHUNK):
        organisation = registration.organization
        answers = registration.answers if isinstance(registration.answers, dict) else {}
        yield writer.writerow(
            [
                neutralise(cell)
                for cell in (
                    registration.reference,
                    registration.name,
                    registration.email,
                    organisation.name if organisation else "",
                    organisation.country.name if organisation else "",
                    registration.country.name,
                    registration.position,
                    registration.ticket.name,
                    registration.get_mode_display(),
                    registration.get_state_display(),
                    _utc(registration.created_at),
                    registration.accessibility_needs,
                    registration.dietary_needs,
                    *(
                        _answer(answers.get(str(question.pk)), choices[question.pk])
                        for question in questions
                    ),
                )
            ]
        )


def _take(lines: Iterator[str], language: str | None) -> str:
    """The next STREAM_LINES lines as one piece, in the request's language (a streamed
    response is written after the view has returned)."""
    with translation.override(language):
        return "".join(islice(lines, STREAM_LINES))


def _stream(lines: Iterator[str], language: str | None) -> Iterator[str]:
    while piece := _take(lines, language):
        yield piece


async def _astream(lines: Iterator[str], language: str | None) -> AsyncIterator[str]:
    """Under ASGI Django would read a synchronous iterator whole into memory before sending it;
    this reads it piece by piece in the request's thread (thread-sensitive: same connection)."""
    take = sync_to_async(_take)
    while piece := await take(lines, language):
        yield piece


@login_required
def registration_export(request: HttpRequest, slug: str) -> StreamingHttpResponse:
    """The filtered list as CSV, streamed in pieces so that thousands of registrations never
    sit in memory at once. Organisers only: it holds everyone's email and needs."""
    event = event_get(slug, request.user, Action.MANAGE_REGISTRATIONS)
    tickets = list(event.ticket_types.all())
    filters = _filter_form(request, event, tickets).filters()
    registrations = (
        selectors.registrations_for(event, filters)
        .select_related("ticket", "organization")
        .order_by("created_at", "pk")
    )
    lines = _csv_lines(list(event.questions.all()), registrations)
    language = translation.get_language()
    stream = _astream if isinstance(request, ASGIRequest) else _stream
    response = StreamingHttpResponse(
        stream(lines, language), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="{event.slug}-registrations.csv"'
    response["Cache-Control"] = "private, no-store"
    return response
