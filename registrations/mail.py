"""Mail to attendees, sent by the background task queue (django-tasks, stored in the database,
run by `manage.py db_worker`): one message when their registration changes state, in the
language they registered in, with their private link. A failed send is retried later with a
growing pause and never touches the registration."""

import logging
from datetime import timedelta
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth.models import User
from django.core.cache import cache
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django_tasks import task

from confman.core.content import content_localized
from events.models import AttendanceMode
from registrations.badges.content import badge_filename, badge_pdf_or_none, has_badge
from registrations.links import SIGN_IN_MINUTES, magic_token, sign_in_token
from registrations.models import Registration, State

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 6
FIRST_RETRY = timedelta(minutes=1)  # then 2, 4, 8, 16 minutes
LINK_AGAIN_PAUSE = int(timedelta(minutes=10).total_seconds())


def _subject(registration: Registration) -> str:
    title = registration.event.title
    subjects = {
        State.CONFIRMED: _("Your place at %(event)s is confirmed"),
        State.AWAITING_APPROVAL: _("We have your registration for %(event)s"),
        State.PENDING_PAYMENT: _("Complete your payment for %(event)s"),
        State.WAITLISTED: _("You are on the waiting list for %(event)s"),
        State.OFFERED: _("A seat is free for you at %(event)s"),
        State.CANCELLED: _("Your registration for %(event)s is cancelled"),
        State.REFUNDED: _("Your payment for %(event)s is refunded"),
    }
    return subjects[registration.state] % {"event": title}


def self_service_url(registration: Registration, token: str) -> str:
    path = reverse("registrations:mine", kwargs={"slug": registration.event.slug, "token": token})
    return settings.SITE_URL + path


def live_url(registration: Registration, token: str) -> str:
    """The event's live page with the participant's key: their links to the streams."""
    path = reverse("livestream:live", kwargs={"slug": registration.event.slug})
    return f"{settings.SITE_URL}{path}?{urlencode({'r': token})}"


def build_message(registration: Registration, *, again: bool = False) -> EmailMultiAlternatives:
    """The state mail in the active language: the same words as plain text and as HTML. With
    `again`, the same registration sent back to its address because someone tried to register
    a second time with it: said so first, without the attachments."""
    last = registration.transitions.order_by("-at", "-pk").first()
    subject = (
        _("Your registration for %(event)s") % {"event": registration.event.title}
        if again
        else _subject(registration)
    )
    token = magic_token(registration)
    online = registration.state == State.CONFIRMED and registration.mode == AttendanceMode.ONLINE
    context = {
        "subject": subject,
        "again": again,
        "registration": registration,
        "event": registration.event,
        "link": self_service_url(registration, token),
        # Online there is no door: where to follow instead of a badge to print.
        "live": live_url(registration, token) if online else "",
        # Said to the attendee when it is news to them: why a seat or a payment was lost.
        "reason": last.reason
        if last is not None and registration.state in (State.CANCELLED, State.REFUNDED)
        else "",
    }
    badge = (
        badge_pdf_or_none(registration)
        if registration.checks_in_at_door and has_badge(registration) and not again
        else None
    )
    context["badge_attached"] = badge is not None
    body = render_to_string("registrations/mail/state.txt", context)
    message = EmailMultiAlternatives(subject, body, to=[registration.email])
    message.attach_alternative(
        render_to_string("registrations/mail/state.html", context), "text/html"
    )
    if badge is not None:
        message.attach(badge_filename(registration, "pdf"), badge, "application/pdf")
    if registration.state == State.CONFIRMED and not again:
        calendar = _calendar_or_none(registration)
        if calendar is not None:
            message.attach(
                f"{registration.event.slug}.ics", calendar, "text/calendar; charset=utf-8"
            )
    return message


def _calendar_or_none(registration: Registration) -> bytes | None:
    """The event (and the registrant's own sessions) for their calendar. A failure here must
    not keep the confirmation from going out."""
    from sessions.ical import registration_calendar

    try:
        return registration_calendar(registration)
    except Exception:
        logger.exception("No calendar for the mail to %s", registration.reference)
        return None


def _localized(registration: Registration) -> str:
    """The registrant's language, with the event's and the ticket's own words in it too (they
    were read in the worker's)."""
    language = registration.language or settings.LANGUAGE_CODE
    registration.event = content_localized(registration.event, language)
    registration.ticket = content_localized(registration.ticket, language)
    return language


def send_with_retry(message: EmailMultiAlternatives, what: str, attempt: int, retry) -> str:
    """Send, or on a refusal or a network error call `retry(pause)` with a growing pause,
    giving up after MAX_ATTEMPTS."""
    try:
        message.send()
    except Exception:  # SMTP refusals, network errors: try again later
        if attempt >= MAX_ATTEMPTS:
            logger.exception("Giving up mailing %s", what)
            return "failed"
        pause = FIRST_RETRY * 2 ** (attempt - 1)
        logger.warning(
            "Mail %s failed (attempt %d); retrying in %s", what, attempt, pause, exc_info=True
        )
        retry(timezone.now() + pause)
        return "retrying"
    return "sent"


def _registration(registration_id: int) -> Registration | None:
    return Registration.objects.select_related("event", "ticket").filter(pk=registration_id).first()


@task()
def send_state_mail(registration_id: int, state: str, attempt: int = 1) -> str:
    """Tell the attendee what their registration's state now is. Skipped when the state has
    moved on since (they get the newer message instead)."""
    registration = _registration(registration_id)
    if registration is None or registration.state != state:
        return "skipped"
    with translation.override(_localized(registration)):
        message = build_message(registration)
    return send_with_retry(
        message,
        f"to {registration.reference} about {state}",
        attempt,
        lambda when: send_state_mail.using(run_after=when).enqueue(
            registration_id, state, attempt + 1
        ),
    )


@task()
def send_link_mail(registration_id: int, attempt: int = 1) -> str:
    """Send a registration's private link to its address again (someone tried to register a
    second time with it)."""
    registration = _registration(registration_id)
    if registration is None or registration.anonymised_at is not None:
        return "skipped"
    with translation.override(_localized(registration)):
        message = build_message(registration, again=True)
    return send_with_retry(
        message,
        f"of the link to {registration.reference}",
        attempt,
        lambda when: send_link_mail.using(run_after=when).enqueue(registration_id, attempt + 1),
    )


def send_link_again(registration: Registration) -> None:
    """Queue the link mail, at most once per LINK_AGAIN_PAUSE for a registration, so that
    repeated attempts cannot fill someone's mailbox."""
    if not cache.add(f"registration-link-again:{registration.pk}", 1, LINK_AGAIN_PAUSE):
        return
    registration_id = registration.pk

    def enqueue() -> None:
        try:
            send_link_mail.enqueue(registration_id)
        except Exception:
            logger.exception("Could not queue the link mail for registration %s", registration_id)

    transaction.on_commit(enqueue)


@task()
def send_sign_in_mail(user_id: int, language: str, next_path: str = "", attempt: int = 1) -> str:
    """Mail a sign-in link to an account's address. The link is made here, in the worker, so
    that no working link waits in the task queue; it works once, for SIGN_IN_MINUTES."""
    user = User.objects.filter(pk=user_id, is_active=True).first()
    if user is None or not user.email:
        return "skipped"
    path = reverse("registrations:sign-in-open", kwargs={"token": sign_in_token(user)})
    link = settings.SITE_URL + path + (f"?{urlencode({'next': next_path})}" if next_path else "")
    with translation.override(language or settings.LANGUAGE_CODE):
        subject = _("Your sign-in link")
        context = {
            "subject": subject,
            "user": user,
            "link": link,
            "minutes": SIGN_IN_MINUTES,
        }
        message = EmailMultiAlternatives(
            subject,
            render_to_string("registrations/mail/sign_in.txt", context),
            to=[user.email],
        )
        message.attach_alternative(
            render_to_string("registrations/mail/sign_in.html", context), "text/html"
        )
    return send_with_retry(
        message,
        f"of a sign-in link to account {user_id}",
        attempt,
        lambda when: send_sign_in_mail.using(run_after=when).enqueue(
            user_id, language, next_path, attempt + 1
        ),
    )


def notify(registration: Registration) -> None:
    """Queue the state mail once the transaction commits; a queue that cannot take it is
    logged, and the registration stands."""
    registration_id, state = registration.pk, registration.state

    def enqueue() -> None:
        try:
            send_state_mail.enqueue(registration_id, state)
        except Exception:
            logger.exception("Could not queue the mail for registration %s", registration_id)

    transaction.on_commit(enqueue)
