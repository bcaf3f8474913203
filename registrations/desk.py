"""The check-in desk page: scan with the camera (static/js/desk.js and the vendored qr-scanner),
type a code, or find someone by name, email or organisation; one big answer. Without JavaScript
the typed code and the search still work (plain forms)."""

from django.contrib.auth.decorators import login_required
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from confman.exceptions import InvalidInput
from events import selectors as event_selectors
from events.permissions import Action
from registrations import checkin
from registrations.models import Registration, ScanType

SEARCH_RESULTS = 20

# What static/js/desk.js says, translated here.
DESK_STRINGS = {
    "checking": gettext_lazy("Checking…"),
    "admitted": gettext_lazy("ADMITTED"),
    "checkedOut": gettext_lazy("CHECKED OUT"),
    "already": gettext_lazy("ALREADY CHECKED IN"),
    "notAdmitted": gettext_lazy("NOT ADMITTED"),
    "failed": gettext_lazy("The answer could not be read; try again."),
    "offline": gettext_lazy("No connection to the server; try again, or check the badge by hand."),
    "accessibility": gettext_lazy("Accessibility:"),
    "noCamera": gettext_lazy("NO CAMERA"),
    "typeInstead": gettext_lazy("The camera could not start; type the code instead."),
}


@login_required
def desk(request: HttpRequest, slug: str) -> HttpResponse:
    event = event_selectors.event_get(slug, request.user, Action.CHECK_IN, organizations=False)
    gate = request.POST.get("gate", request.GET.get("gate", ""))[:100]
    answer = None
    problem = ""
    if request.method == "POST":
        secret = request.POST.get("secret", "").strip()[:64]
        person = request.POST.get("registration", "")
        if person.isdigit() and not secret:
            found = Registration.objects.filter(event=event, pk=int(person)).first()
            secret = (found.badge_secret or "") if found else ""
            if found and not secret:
                problem = _("%(name)s has no badge code: the registration is %(state)s.") % {
                    "name": found.name,
                    "state": found.get_state_display().lower(),
                }
        if secret:
            try:
                answer = checkin.scan(
                    event=event,
                    secret=secret,
                    device=f"web-{request.user.pk}",
                    gate=gate,
                    type=ScanType.EXIT if request.POST.get("type") == "exit" else ScanType.ENTRY,
                    by=request.user,
                )
            except InvalidInput as exc:
                problem = exc.message
        elif not problem:
            problem = _("Scan or type a badge code, or find the person below.")
    query = " ".join(request.GET.get("q", "").split())[:200]
    matches = []
    if query:
        matches = list(
            Registration.objects.filter(event=event)
            .filter(
                Q(name__icontains=query)
                | Q(email__iexact=query)
                | Q(organization__name__icontains=query)
                | Q(reference__iexact=query)
            )
            .select_related("ticket", "organization")
            .order_by("name")[:SEARCH_RESULTS]
        )
    return render(
        request,
        "registrations/desk.html",
        {
            "event": event,
            "answer": answer,
            "problem": problem,
            "query": query,
            "matches": matches,
            "gate": gate,
            "desk_strings": DESK_STRINGS,
        },
        status=200 if not problem or answer else 422,
    )
