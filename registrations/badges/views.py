"""Badge pages: the attendee's own badge (PDF, PNG) behind their private link, and the
organisers' print runs at /events/<slug>/manage/badges/ (start a run, watch it, download it).
Print runs are for organisers only: the PDF holds every attendee's badge code."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.utils import dateformat
from django.utils.html import format_html_join
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django_countries import countries

from confman.core.exceptions import DomainError, InvalidInput, NotFound
from confman.core.throttling import page_rate_limit
from events.models import AttendanceMode, Event
from events.permissions import Action
from events.selectors import event_get
from events.timezones import offset_label
from registrations import links
from registrations.badges.content import (
    badge_filename,
    badge_pdf,
    badge_png,
    badge_texts_left_out,
    has_badge,
)
from registrations.badges.print_runs import (
    ACTIVE,
    badge_print_run_create,
    badge_print_selection,
    run_file,
)
from registrations.models import BadgePrintRun, Registration, State

RUNS_SHOWN = 20
LEFT_OUT_SHOWN = 20
REFRESH_SECONDS = 3


# --- the attendee's badge ---------------------------------------------------------------------


@page_rate_limit("private_links", methods=("GET", "HEAD"))
def my_badge(request: HttpRequest, slug: str, token: str, extension: str) -> HttpResponse:
    """The attendee's badge as PDF or PNG; 404 unless the link is theirs for this event and
    their registration is confirmed with a badge code."""
    registration = links.registration_for_token(token)
    if registration.event.slug != slug or not has_badge(registration):
        raise NotFound(_("There is no badge here: only a confirmed registration has one."))
    if extension == "pdf":
        content, kind = badge_pdf(registration), "application/pdf"
    else:
        content, kind = badge_png(registration), "image/png"
    response = HttpResponse(content, content_type=kind)
    response["Content-Disposition"] = (
        f'attachment; filename="{badge_filename(registration, extension)}"'
    )
    response["Cache-Control"] = "private, no-store"
    return response


# --- the organisers' print runs ---------------------------------------------------------------


class PrintRunForm(forms.Form):
    layout = forms.ChoiceField(
        label=gettext_lazy("Layout"),
        choices=BadgePrintRun.Layout.choices,
        initial=BadgePrintRun.Layout.A6,
        widget=forms.RadioSelect,
    )
    tickets = forms.TypedMultipleChoiceField(
        label=gettext_lazy("Tickets"),
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=gettext_lazy("Leave all unticked to print every ticket."),
    )
    country = forms.ChoiceField(label=gettext_lazy("Country"), required=False)
    only_new = forms.BooleanField(
        label=gettext_lazy("Only badges not printed yet"),
        required=False,
        help_text=gettext_lazy(
            "Leaves out every badge of a finished print run; new and reissued badge codes are in."
        ),
    )

    def __init__(self, data, *, event: Event):
        super().__init__(data)
        self.fields["tickets"].choices = [
            (t.pk, t.name)
            for t in event.ticket_types.all()
            if AttendanceMode.IN_PERSON in t.allowed_modes
        ]
        codes = (
            Registration.objects.filter(
                event=event, state=State.CONFIRMED, mode=AttendanceMode.IN_PERSON
            )
            .order_by()
            .values_list("country", flat=True)
            .distinct()
        )
        self.fields["country"].choices = [("", _("All"))] + sorted(
            ((code, countries.name(code)) for code in codes), key=lambda pair: pair[1]
        )


def _local(moment, event: Event) -> dict[str, str] | None:
    if moment is None:
        return None
    local = moment.astimezone(event.tzinfo)
    return {
        "text": f"{dateformat.format(local, 'Y-m-d H:i')} {offset_label(local)}",
        "iso": local.isoformat(),
    }


def _characters(characters: tuple[str, ...]):
    """The left-out characters, each with its code points as a tooltip ("U+1F33B"), which a
    browser without an emoji font or the script can still tell apart."""
    return format_html_join(
        " ",
        '<span title="{}">{}</span>',
        ((" ".join(f"U+{ord(c):04X}" for c in cluster), cluster) for cluster in characters),
    )


def _described(run: BadgePrintRun, ticket_names: dict[int, str]) -> str:
    """ "Delegate, Partner · Kenya · only new", or "All in-person badges"."""
    parts = []
    if run.filters.get("tickets"):
        parts.append(", ".join(ticket_names.get(pk, f"#{pk}") for pk in run.filters["tickets"]))
    if run.filters.get("country"):
        parts.append(str(countries.name(run.filters["country"])))
    if run.filters.get("only_new"):
        parts.append(_("only badges not printed yet"))
    return " · ".join(parts) if parts else _("All in-person badges")


@login_required
def badge_print_runs(request: HttpRequest, slug: str) -> HttpResponse:
    event = event_get(slug, request.user, Action.MANAGE_REGISTRATIONS)
    form = PrintRunForm(request.POST if request.method == "POST" else None, event=event)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                run = badge_print_run_create(
                    event=event,
                    by=request.user,
                    layout=form.cleaned_data["layout"],
                    tickets=form.cleaned_data["tickets"],
                    country=form.cleaned_data["country"],
                    only_new=form.cleaned_data["only_new"],
                )
            except InvalidInput as exc:
                for error in exc.errors:
                    form.add_error(
                        error["field"] if error["field"] in form.fields else None, error["message"]
                    )
            except DomainError as exc:
                if exc.status != 409:
                    raise
                messages.error(request, exc.message)
                return HttpResponseRedirect(request.path)
            else:
                messages.success(
                    request,
                    ngettext(
                        "Print run %(number)s is queued: %(count)s badge. This page shows "
                        "its progress and the download when it is ready.",
                        "Print run %(number)s is queued: %(count)s badges. This page shows "
                        "its progress and the download when it is ready.",
                        run.total,
                    )
                    % {"number": run.pk, "count": run.total},
                )
                return HttpResponseRedirect(request.path)
        status = 422
    runs = list(
        BadgePrintRun.objects.filter(event=event).select_related("requested_by")[:RUNS_SHOWN]
    )
    ticket_names = dict(event.ticket_types.values_list("pk", "name"))
    for run in runs:
        run.described = _described(run, ticket_names)
        run.requested_local = _local(run.created_at, event)
        run.finished_local = _local(run.finished_at, event)
        run.downloadable = run_file(run) is not None
    # One query: the names and organisations, for what the fonts cannot print, and their count.
    people = list(
        badge_print_selection(event, {})
        .order_by("name", "pk")
        .values_list("reference", "name", "organization__name")
    )
    left_out = badge_texts_left_out(event, people)
    if any(not item.reference for item in left_out):  # the title: on every badge
        badges_left_out = len(people)
    else:
        badges_left_out = len({item.reference for item in left_out})
    shown = [
        {"item": item, "characters": _characters(item.characters)}
        for item in left_out[:LEFT_OUT_SHOWN]
    ]
    return render(
        request,
        "registrations/badges.html",
        {
            "event": event,
            "form": form,
            "runs": runs,
            "refresh": REFRESH_SECONDS if any(run.status in ACTIVE for run in runs) else None,
            "in_person": len(people),
            "left_out": shown,
            "left_out_more": max(0, len(left_out) - LEFT_OUT_SHOWN),
            "badges_left_out": badges_left_out,
            "not_printed": badge_print_selection(event, {"only_new": True}).count(),
        },
        status=status,
    )


@login_required
def print_run_download(request: HttpRequest, slug: str, pk: int) -> FileResponse:
    event = event_get(slug, request.user, Action.MANAGE_REGISTRATIONS)
    run = BadgePrintRun.objects.filter(event=event, pk=pk).first()
    path = run_file(run) if run is not None else None
    if path is None:
        raise NotFound(
            _("Print run %(number)s has no PDF (yet). See the badges page.") % {"number": pk}
        )
    response = FileResponse(
        path.open("rb"),
        as_attachment=True,
        filename=f"{event.slug}-badges-{run.pk}.pdf",
        content_type="application/pdf",
    )
    response["Cache-Control"] = "private, no-store"
    return response
