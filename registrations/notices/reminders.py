""" "Starting soon" reminders: a mail to the people who keep a session on their agenda, the
event's `reminder_minutes` before it starts (online participants get their link to the live
page and its streams), once per session and start time, none for a session that is cancelled,
a draft, or already under way.

A Reminder row is made, and its task set for its time, whenever a session gets a new start on
the public programme (published, moved, delayed: sessions.signals.update_logged) or is first
kept on someone's agenda. The task looks again when it runs: a session that moved on since has
a newer Reminder, and the old one is skipped."""

import logging
from datetime import timedelta

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import dateformat, timezone, translation
from django.utils.translation import gettext as _
from django_tasks import task

from confman.core.content import content_localized
from events.models import AttendanceMode
from events.timezones import offset_label
from registrations.links import magic_token, unsubscribe_token
from registrations.models import NoticeKind, NoticeOptOut, Registration, Reminder
from registrations.notices.rounds import STANDING, settings_for
from registrations.notices.sending import your_time
from sessions.models import Bookmark, Session, SessionStatus, SessionUpdate, UpdateKind

logger = logging.getLogger(__name__)

# The updates after which a session may start at another time than its reminder says.
NEW_START = (
    UpdateKind.PUBLISHED,
    UpdateKind.MOVED,
    UpdateKind.DELAYED,
    UpdateKind.STATUS,
    UpdateKind.CHANGED,
)


def reminder_set(session: Session) -> Reminder | None:
    """The reminder of the session's present start, made (and its task set) if it is new. None
    when there is nothing to remind of: no time, not public, cancelled, reminders off, or
    already started."""
    if session.start is None or session.status not in (
        SessionStatus.SCHEDULED,
        SessionStatus.LIVE,
    ):
        return None
    minutes = settings_for(session.event_id).reminder_minutes
    start = session.actual_start
    if not minutes or start <= timezone.now():
        return None
    try:
        # get_or_create writes in a transaction (or a savepoint) of its own.
        reminder, created = Reminder.objects.get_or_create(session=session, start=start)
    except IntegrityError:  # made a moment ago by someone else
        return Reminder.objects.get(session=session, start=start)
    if created:
        due = max(start - timedelta(minutes=minutes), timezone.now())
        reminder_id = reminder.pk
        transaction.on_commit(lambda: reminders_send.using(run_after=due).enqueue(reminder_id))
    return reminder


def on_update_logged(
    sender, event_id: int, update_id: int, kind: str | None = None, session_id=None, **kwargs
) -> None:
    """After a change's commit: a session placed, moved or delayed gets the reminder of its new
    start (a programme published: every session). The update's kind and session come with the
    signal (read from the log when a caller does not give them)."""
    try:
        if kind is None:
            update = SessionUpdate.objects.filter(pk=update_id).values("kind", "session_id").first()
            if update is None:
                return
            kind, session_id = update["kind"], update["session_id"]
        if kind == UpdateKind.PROGRAMME_PUBLISHED:
            # Hundreds of sessions: not in the request that published them.
            transaction.on_commit(lambda: reminders_set_all.enqueue(event_id))
        elif kind in NEW_START and session_id:
            session = Session.objects.filter(pk=session_id).first()
            if session is not None:
                reminder_set(session)
    except Exception:
        logger.exception("Could not set the reminders after update %s", update_id)


@task()
def reminders_set_all(event_id: int) -> str:
    """The reminders of every session of a programme just published."""
    made = 0
    for session in Session.objects.public().filter(event_id=event_id, start__isnull=False):
        made += reminder_set(session) is not None
    return f"{made} reminders"


def on_bookmark_saved(sender, instance: Bookmark, created: bool, **kwargs) -> None:
    """A session kept on an agenda has its reminder (one made before reminders existed, or
    before the programme was published, may have none yet)."""
    if not created:
        return
    try:
        session = Session.objects.filter(pk=instance.session_id).first()
        if session is not None:
            reminder_set(session)
    except Exception:
        logger.exception("Could not set the reminder of session %s", instance.session_id)


def _skip(reminder: Reminder, why: str) -> str:
    reminder.skipped = why
    reminder.save(update_fields=["skipped"])
    return why


@task()
def reminders_send(reminder_id: int) -> str:
    reminder = Reminder.objects.filter(pk=reminder_id, sent_at__isnull=True).first()
    if reminder is None:
        return "sent already"
    session = Session.objects.select_related("event", "room").filter(pk=reminder.session_id).first()
    if session is None or session.status not in (SessionStatus.SCHEDULED, SessionStatus.LIVE):
        return _skip(reminder, "not on the programme")
    if session.actual_start != reminder.start:
        return _skip(reminder, "moved")
    if session.actual_start <= timezone.now():
        return _skip(reminder, "under way")
    # Claimed: a second worker that got the same task finds it sent.
    if not Reminder.objects.filter(pk=reminder.pk, sent_at__isnull=True).update(
        sent_at=timezone.now()
    ):
        return "sent already"
    sent = 0
    connection = get_connection()
    try:
        for message in _messages(session):
            try:
                message.connection = connection
                message.send()
                sent += 1
            except Exception:  # one refused address does not keep the others from theirs
                logger.warning("A reminder to %s failed", message.to, exc_info=True)
    finally:
        connection.close()
    Reminder.objects.filter(pk=reminder.pk).update(sent=sent)
    return f"{sent} sent"


def _messages(session: Session):
    event = session.event
    keeping = list(
        Bookmark.objects.filter(session=session).values_list(
            "user_id", "user__email", "user__first_name"
        )
    )
    if not keeping:
        return
    refused = set(
        NoticeOptOut.objects.filter(event=event, kind__in=["", NoticeKind.REMINDER]).values_list(
            "email", flat=True
        )
    )
    # The registrations of those who keep it only: their language, mode and live link.
    registrants: dict = {}
    for registration in Registration.objects.filter(
        event=event, state__in=STANDING, anonymised_at__isnull=True
    ).filter(Q(user_id__in=[row[0] for row in keeping]) | Q(email__in=[row[1] for row in keeping])):
        registration.event = event
        registrants.setdefault(registration.email.lower(), registration)
        if registration.user_id:
            registrants.setdefault(registration.user_id, registration)
    seen = set()
    for user_id, email, first_name in keeping:
        key = (email or "").strip().lower()
        if not key or key in seen or key in refused:
            continue
        seen.add(key)
        registration = registrants.get(user_id) or registrants.get(key)
        yield _message(session, email, registration, first_name)


def _message(session: Session, email: str, registration: Registration | None, name: str):
    event = session.event
    language = (registration.language if registration else "") or (
        event.languages[0] if event.languages else settings.LANGUAGE_CODE
    )
    with translation.override(language):
        local = session.actual_start.astimezone(event.tzinfo)
        localized = content_localized(session, language)
        room = content_localized(session.room, language).name if session.room else ""
        live = ""
        if registration is not None and registration.mode == AttendanceMode.ONLINE:
            live = (
                settings.SITE_URL
                + reverse("livestream:live", kwargs={"slug": event.slug})
                + f"?r={magic_token(registration)}"
            )
        context = {
            "name": registration.name if registration else name,
            "session": localized,
            "event": content_localized(event, language),
            "time": dateformat.format(local, "H:i"),
            "day": dateformat.format(local, "l j E"),
            "offset": offset_label(local),
            "room": room,
            "yours": your_time(session, registration.time_zone)
            if registration is not None
            and registration.time_zone
            and registration.time_zone != event.timezone
            else "",
            "live": live,
            "url": settings.SITE_URL
            + reverse("agenda:session", kwargs={"slug": event.slug, "pk": session.pk}),
            "unsubscribe": settings.SITE_URL
            + reverse(
                "registrations:unsubscribe",
                kwargs={"token": unsubscribe_token(email, event.pk, NoticeKind.REMINDER)},
            ),
        }
        subject = _("Starting at %(time)s: %(title)s") % {
            "time": context["time"],
            "title": localized.title,
        }
        context["subject"] = subject
        message = EmailMultiAlternatives(
            subject,
            render_to_string("registrations/mail/reminder.txt", context),
            to=[email],
            headers={
                "List-Unsubscribe": f"<{context['unsubscribe']}>",
                "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
                "Auto-Submitted": "auto-generated",
            },
        )
        message.attach_alternative(
            render_to_string("registrations/mail/reminder.html", context), "text/html"
        )
    return message
