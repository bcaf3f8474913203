"""The participant's own page, behind their private link: see the registration; and one view
for each thing they may do there: cancel it, accept a seat offer, switch attendance mode, choose
the language of their mail, or have the confirmation mailed again. Each comes back to the page
with a message; a step that cannot be taken now (409, 422) is that message too."""

from collections.abc import Callable
from functools import wraps
from urllib.parse import urlencode

from django.contrib.auth import login
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from confman.core.exceptions import InvalidInput, NotFound
from confman.core.steps import step_run
from confman.core.throttling import page_rate_limit
from events.models import PERSON_MODES, AttendanceMode
from events.timezones import TIME_ZONE_CHOICES
from registrations import links
from registrations.badges.content import qr_svg
from registrations.certificates.selectors import certificates_of
from registrations.mail import notify
from registrations.models import NoticeKind, Registration, State
from registrations.notices.rounds import notices_choose, notices_refused
from registrations.payments.checkout import can_pay
from registrations.payments.refunds import refund_allowed, registration_cancel_by_attendee
from registrations.services.accounts import (
    SIGN_IN_BACKEND,
    is_participant_account,
    may_sign_in_by_link,
    registration_account,
)
from registrations.services.registrations import (
    registration_language_set,
    registration_mode_change,
    registration_time_zone_set,
)
from registrations.services.waitlist import registration_offer_accept
from sessions.feeds import feed_token_get_or_create, personal_links
from sessions.models import Bookmark
from sessions.selectors import programme_of


def _registration(slug: str, token: str) -> Registration:
    registration = links.registration_for_token(token)
    if registration.event.slug != slug:
        raise NotFound(_("This link belongs to another event."))
    return registration


def _sign_in_by_link(request: HttpRequest, registration: Registration) -> None:
    """Sign the browser in to the registration's participant account (made now if need be),
    so that bookmarks and the personal agenda work without a password. Never to an account with
    a password, and never in place of one the browser is signed in to."""
    current = request.user
    if current.is_authenticated and (
        current.pk == registration.user_id or not is_participant_account(current)
    ):
        return
    account = registration_account(registration)
    if may_sign_in_by_link(account) and account.pk != current.pk:
        login(request, account, backend=SIGN_IN_BACKEND)


def _agenda(request: HttpRequest, registration: Registration) -> dict | None:
    """The participant's agenda at this event, when the browser is signed in to their account:
    how many sessions they keep, and their calendar's addresses once the programme is out."""
    if not request.user.is_authenticated or request.user.pk != registration.user_id:
        return None
    event = registration.event
    feed = None
    if programme_of(event).is_published:
        feed = personal_links(feed_token_get_or_create(user=request.user, event=event))
    return {
        "count": Bookmark.objects.filter(user=request.user, session__event=event).count(),
        "feed": feed,
    }


def _notice_kinds(registration: Registration) -> list[dict]:
    """The kinds of change notice, each with whether the participant gets it."""
    refused = notices_refused(event=registration.event, email=registration.email)
    return [
        {"value": value, "label": label, "wanted": "" not in refused and value not in refused}
        for value, label in NoticeKind.choices
    ]


@require_safe
@page_rate_limit("private_links", methods=("GET", "HEAD"))
def my_registration(request: HttpRequest, slug: str, token: str) -> HttpResponse:
    registration = _registration(slug, token)
    if registration.anonymised_at is None:
        _sign_in_by_link(request, registration)
    # After the event: the certificate and the materials; no badge, no switching, no notices.
    over = registration.event.is_over
    return render(
        request,
        "registrations/mine.html",
        {
            "event": registration.event,
            "registration": registration,
            "link": request.build_absolute_uri(),
            "token": token,
            "over": over,
            # A badge only for those a door lets in: online, there is none to show or print.
            "badge_qr": qr_svg(registration.badge_secret)
            if registration.checks_in_at_door and registration.badge_secret and not over
            else "",
            "live_url": reverse("livestream:live", kwargs={"slug": registration.event.slug})
            + "?"
            + urlencode({"r": token}),
            "agenda": _agenda(request, registration),
            "certificates": certificates_of(registration),
            "notice_kinds": _notice_kinds(registration),
            "time_zones": TIME_ZONE_CHOICES,
            "can_cancel": registration.state not in (State.CANCELLED, State.REFUNDED) and not over,
            "can_pay": can_pay(registration),
            "refund_on_cancel": refund_allowed(registration),
            "other_modes": [
                m
                for m in registration.ticket.allowed_modes
                if m != registration.mode
                and not over
                and registration.state
                in (State.CONFIRMED, State.PENDING_PAYMENT, State.AWAITING_APPROVAL)
            ],
        },
    )


# One step: (request, registration) -> what to tell the participant.
Step = Callable[[HttpRequest, Registration], str]


def attendee_step(view: Step) -> Callable[..., HttpResponse]:
    """A POST from the participant's page, their link being the proof of who they are."""

    @require_POST
    @page_rate_limit("private_links")
    @wraps(view)
    def step(request: HttpRequest, slug: str, token: str) -> HttpResponse:
        registration = _registration(slug, token)
        return step_run(
            request,
            lambda: view(request, registration),
            reverse("registrations:mine", kwargs={"slug": slug, "token": token}),
            shown=lambda exc: exc.status in (409, 422),
        )

    return step


@attendee_step
def cancel(request: HttpRequest, registration: Registration) -> str:
    if registration_cancel_by_attendee(registration):
        return _(
            "Your registration is cancelled and your payment refunded; it reaches your "
            "account within a few days."
        )
    return _("Your registration is cancelled. We are sorry you cannot come.")


@attendee_step
def accept_offer(request: HttpRequest, registration: Registration) -> str:
    accepted = registration_offer_accept(registration=registration)
    if accepted.state == State.CONFIRMED:
        return _("The seat is yours: your place is confirmed.")
    return _("The seat is held for you while you pay.")


@attendee_step
def change_attendance(request: HttpRequest, registration: Registration) -> str:
    mode = request.POST.get("mode", "")
    if mode not in PERSON_MODES:
        raise InvalidInput.for_fields({"mode": [_("Choose in person or online.")]})
    registration_mode_change(registration=registration, mode=mode)
    return _("Your attendance is now: %(mode)s.") % {"mode": AttendanceMode(mode).label.lower()}


@attendee_step
def change_language(request: HttpRequest, registration: Registration) -> str:
    language = request.POST.get("language", "")
    registration_language_set(registration=registration, language=language)
    with translation.override(language):
        return _("From now on, we write to you in %(language)s.") % {
            "language": translation.get_language_info(language)["name_translated"]
        }


@attendee_step
def change_time_zone(request: HttpRequest, registration: Registration) -> str:
    zone = request.POST.get("time_zone", "")
    registration_time_zone_set(registration=registration, time_zone=zone)
    if not zone:
        return _("Times in our mail are in the event's time zone only.")
    return _("Our mail gives times in %(zone)s too.") % {"zone": zone.replace("_", " ")}


@attendee_step
def choose_notices(request: HttpRequest, registration: Registration) -> str:
    wanted = set(request.POST.getlist("kinds")) & set(NoticeKind.values)
    notices_choose(event=registration.event, email=registration.email, wanted=wanted)
    if not wanted:
        return _("We will not mail you about changes to the programme.")
    return _("Saved: we mail you about the changes you chose.")


@attendee_step
def resend(request: HttpRequest, registration: Registration) -> str:
    notify(registration)
    return _("The message is on its way to %(email)s.") % {"email": registration.email}
