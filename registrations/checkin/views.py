"""The check-in desk page: scan with the camera (static/js/desk.js and the vendored qr-scanner),
type a code, or find someone by name, email or organisation; one big answer. Without JavaScript
the typed code and the search still work (plain forms)."""

from django.contrib.auth.decorators import login_required
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from confman.core.exceptions import InvalidInput, NotFound
from events import selectors as event_selectors
from events.models import Event, Room
from events.permissions import Action
from registrations.checkin import scan as checkin
from registrations.models import Registration, ScanType
from sessions.models import Session, SessionStatus

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
    "savedOffline": gettext_lazy(
        "Offline: answered from this device's list; saved, and uploaded when the network is back."
    ),
    "noList": gettext_lazy(
        "Offline, and this device has no check-in list yet: check the badge by hand."
    ),
    "unknown": gettext_lazy("This code is not a badge of this event."),
    "revoked": gettext_lazy(
        "This badge no longer admits anyone. Send the person to the help desk."
    ),
    "notConfirmed": gettext_lazy("This registration is not confirmed."),
    "notInPerson": gettext_lazy("Registered to attend online, not in person."),
    "notOpen": gettext_lazy("Check-in is not open yet."),
    "alreadyAt": gettext_lazy("Already checked in at {time}."),
    "notInside": gettext_lazy("Not checked in, so cannot be checked out."),
    "welcome": gettext_lazy("Welcome, {name}."),
    "goodbye": gettext_lazy("Goodbye, {name}."),
    "foundOffline": gettext_lazy(
        "Offline: found on this device's list. Checking in is saved and uploaded later."
    ),
    "noMatch": gettext_lazy("Nobody on this device's list matches “{query}”."),
    "checkIn": gettext_lazy("Check in"),
    "syncOnline": gettext_lazy("Online"),
    "syncOffline": gettext_lazy("Offline"),
    "syncList": gettext_lazy("list of {time}, {count} people"),
    "syncNoList": gettext_lazy("no check-in list on this device yet"),
    "syncWaiting": gettext_lazy("{count} scans waiting to upload"),
    "syncNothing": gettext_lazy("nothing waiting to upload"),
    "syncUploading": gettext_lazy("uploading {count} scans…"),
    "syncUploaded": gettext_lazy("last upload {time}: {count} scans"),
    "syncFlagged": gettext_lazy("{count} flagged as duplicates for the organisers"),
    "syncRejected": gettext_lazy("{count} refused by the server: {reason}"),
}


def _doors(event: Event, current: Session | None) -> list[Session]:
    """The session doors a desk may stand at: today's sessions in the event's zone (all of them
    on a day without any), and the one chosen."""
    sessions = list(
        Session.objects.public()
        .placed()
        .filter(event=event, room__kind=Room.Kind.PHYSICAL)
        .exclude(status=SessionStatus.CANCELLED)
        .select_related("room")
        .order_by("start", "room__name")
    )
    today = timezone.localdate(timezone=event.tzinfo)
    todays = [s for s in sessions if s.start.astimezone(event.tzinfo).date() == today]
    doors = todays or sessions
    if current is not None and current not in doors:
        doors.append(current)
    return doors


@login_required
def desk(request: HttpRequest, slug: str) -> HttpResponse:
    event = event_selectors.event_get(slug, request.user, Action.CHECK_IN, organizations=False)
    gate = request.POST.get("gate", request.GET.get("gate", ""))[:100]
    door = request.POST.get("session", request.GET.get("session", ""))
    answer = None
    problem = ""
    session = None
    try:
        session = checkin.door_session(event, int(door)) if door.isdigit() else None
    except NotFound as exc:
        problem = exc.message
    if request.method == "POST" and not problem:
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
                    session=session,
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
            "session": session,
            "doors": _doors(event, session),
            "desk_strings": DESK_STRINGS,
        },
        status=200 if not problem or answer else 422,
    )
