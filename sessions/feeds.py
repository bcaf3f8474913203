"""Personal calendar feeds: the secret address of someone's bookmarked sessions of one event,
and the links that hand a feed to calendar apps (webcal://, Google Calendar, Outlook)."""

from dataclasses import dataclass
from urllib.parse import quote, urlencode, urlsplit

from django.conf import settings
from django.contrib.auth.models import AnonymousUser, User
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from confman.core.exceptions import NotAuthenticated, NotFound
from events.models import Event
from sessions.models import CalendarFeedToken


def _require_user(user: User | AnonymousUser | None) -> None:
    if user is None or not user.is_authenticated:
        raise NotAuthenticated(_("Sign in to get the address of your own calendar."))


def feed_token_get_or_create(*, user: User, event: Event) -> CalendarFeedToken:
    """The user's active feed address for the event, made on first use (idempotent; two
    requests at once end up with the same one)."""
    _require_user(user)
    active = CalendarFeedToken.objects.filter(user=user, event=event, revoked_at__isnull=True)
    token = active.first()
    if token is None:
        try:
            with transaction.atomic():
                token = CalendarFeedToken.objects.create(user=user, event=event)
        except IntegrityError:
            # Another request made it a moment ago (one active address per user and event).
            token = active.get()
    token.event = event
    return token


@transaction.atomic
def feed_token_renew(*, user: User, event: Event) -> CalendarFeedToken:
    """Revoke the user's feed address for the event (it answers 404 from now on) and make a
    new one. Calendars subscribed to the old address stop updating."""
    _require_user(user)
    CalendarFeedToken.objects.filter(user=user, event=event, revoked_at__isnull=True).update(
        revoked_at=timezone.now()
    )
    try:
        with transaction.atomic():
            return CalendarFeedToken.objects.create(user=user, event=event)
    except IntegrityError:
        # A renewal at the same moment made the new one.
        return CalendarFeedToken.objects.get(user=user, event=event, revoked_at__isnull=True)


def feed_token_resolve(slug: str, token: str) -> CalendarFeedToken:
    """The active token of this address, with its user and event (with venue and programme); a
    revoked or unknown one (or one of a deactivated account) is a 404 that says nothing about
    which."""
    found = (
        CalendarFeedToken.objects.filter(
            event__slug=slug, token=token, revoked_at__isnull=True, user__is_active=True
        )
        .select_related("user", "event__venue", "event__programme")
        .first()
    )
    if found is None:
        raise NotFound(
            _(
                "There is no calendar at this address; it may have been replaced by a newer "
                "one. Find the current address on your agenda page."
            ),
            code="calendar_feed_not_found",
        )
    return found


def personal_feed_path(token: CalendarFeedToken) -> str:
    return reverse("agenda:my-calendar", kwargs={"slug": token.event.slug, "token": token.token})


@dataclass(frozen=True)
class CalendarLinks:
    """One calendar offered every way: download (the https address), subscribe (webcal://),
    and straight into Google Calendar and Outlook on the web."""

    download: str
    webcal: str
    google: str
    outlook: str


def calendar_links(path: str, name: str) -> CalendarLinks:
    download = settings.SITE_URL + path
    parts = urlsplit(download)
    webcal = "webcal://" + parts.netloc + parts.path + (f"?{parts.query}" if parts.query else "")
    return CalendarLinks(
        download=download,
        webcal=webcal,
        google="https://calendar.google.com/calendar/r?" + urlencode({"cid": webcal}),
        outlook="https://outlook.live.com/calendar/0/addfromweb?"
        + urlencode({"url": download, "name": name}, quote_via=quote),
    )


def programme_links(
    event: Event, *, track: int | None = None, room: int | None = None, kind: str = ""
) -> dict:
    """What the agenda page offers: the calendar feed (of the filtered selection when there are
    filters the feed knows) and the schedule files for schedule apps."""
    query = urlencode(
        [
            (name, value)
            for name, value in (("track", track), ("room", room), ("kind", kind))
            if value
        ]
    )
    path = reverse("agenda:calendar", kwargs={"slug": event.slug})
    return {
        "calendar": calendar_links(path + (f"?{query}" if query else ""), event.title),
        "whole": settings.SITE_URL + path if query else "",
        "xml": settings.SITE_URL + reverse("agenda:schedule-xml", kwargs={"slug": event.slug}),
        "json": settings.SITE_URL + reverse("agenda:schedule-json", kwargs={"slug": event.slug}),
    }


def session_links(event: Event, session_pk: int) -> dict:
    path = reverse("agenda:calendar", kwargs={"slug": event.slug})
    return {
        "session": settings.SITE_URL
        + reverse("agenda:session-calendar", kwargs={"slug": event.slug, "pk": session_pk}),
        "calendar": calendar_links(path, event.title),
    }


def personal_links(token: CalendarFeedToken) -> CalendarLinks:
    return calendar_links(
        personal_feed_path(token), _("My agenda: %(event)s") % {"event": token.event.title}
    )
