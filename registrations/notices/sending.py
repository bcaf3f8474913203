"""Sending the change notices a round wrote (registrations.notices.rounds): one mail per person,
in their language, times in the event's zone with its offset, an iCalendar attachment that
updates the entries in their calendar (iTIP: METHOD:REQUEST for changes, METHOD:CANCEL for
cancellations, the feeds' UID and SEQUENCE), and one-click unsubscribe (RFC 8058).

What many people share is worked out once: the sessions are read once per batch, and the lines
that describe a set of changes, in one language, are written once for everyone told the same.
A mail that cannot be sent is retried later with a growing pause; the rest go on."""

import json
import logging
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db.models import F, Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import dateformat, timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django_tasks import task

from confman.core.content import ContentText, content_localized
from events.models import Event, Room
from events.templatetags.confman import zone_city
from events.timezones import offset_label
from registrations.links import unsubscribe_token
from registrations.models import Notice, NoticeKind, NoticeStatus
from sessions import selectors
from sessions.ical import calendar_lines, folded, host
from sessions.models import Session, SessionStatus
from sessions.services.programme import change_id

logger = logging.getLogger(__name__)

BATCH = 200
ATTENDEE = "attendee@notice.invalid"  # in the shared lines; each mail puts its recipient
MAX_ATTEMPTS = 6
FIRST_RETRY = timedelta(minutes=2)  # then 4, 8, 16, 32 minutes


@task()
def notices_send(event_id: int) -> str:
    """Send the event's queued notices, a batch at a time; failed ones are tried again later."""
    event = Event.objects.filter(pk=event_id).first()
    if event is None:
        return "no event"
    sent = failed = 0
    connection = get_connection()
    try:
        connection.open()
    except Exception:  # the mail server is away: everything waits for the next try
        logger.warning("No mail server for the notices of event %s", event_id, exc_info=True)
        notices_send.using(run_after=timezone.now() + FIRST_RETRY).enqueue(event_id)
        return "no mail server"
    try:
        while True:
            batch = list(
                Notice.objects.filter(
                    event_id=event_id, status=NoticeStatus.QUEUED, attempts__lt=MAX_ATTEMPTS
                )
                .filter(Q(retry_at__isnull=True) | Q(retry_at__lte=timezone.now()))
                .order_by("pk")[:BATCH]
            )
            if not batch:
                break
            writer = Writer(event, batch)
            delivered, refused = [], []
            for notice in batch:
                try:
                    message = writer.message(notice)
                    message.connection = connection
                    message.send()
                except Exception as exc:  # a refusal or a network error: this one later
                    logger.warning("Notice %s to %s failed", notice.pk, notice.email, exc_info=True)
                    notice.attempts += 1
                    notice.error = str(exc)[:300]
                    notice.status = (
                        NoticeStatus.FAILED
                        if notice.attempts >= MAX_ATTEMPTS
                        else NoticeStatus.QUEUED
                    )
                    notice.retry_at = timezone.now() + FIRST_RETRY * 2 ** (notice.attempts - 1)
                    refused.append(notice)
                else:
                    delivered.append(notice.pk)
            # One UPDATE for what went (bulk_update writes a CASE per row: seconds for a batch).
            Notice.objects.filter(pk__in=delivered).update(
                status=NoticeStatus.SENT,
                sent_at=timezone.now(),
                error="",
                attempts=F("attempts") + 1,
            )
            for notice in refused:
                notice.save(update_fields=["status", "error", "attempts", "retry_at"])
            sent += len(delivered)
            failed += len(refused)
    finally:
        connection.close()
    later = (
        Notice.objects.filter(event_id=event_id, status=NoticeStatus.QUEUED, retry_at__isnull=False)
        .order_by("retry_at")
        .values_list("retry_at", flat=True)
        .first()
    )
    if later is not None:
        notices_send.using(run_after=max(later, timezone.now())).enqueue(event_id)
    return f"{sent} sent, {failed} failed"


def _local(value: datetime, event: Event) -> dict[str, str]:
    local = value.astimezone(event.tzinfo)
    return {
        "day": dateformat.format(local, "l j E"),
        "time": dateformat.format(local, "H:i"),
        "offset": offset_label(local),
    }


def _text(value: Any, language: str) -> str:
    if isinstance(value, dict):
        return str(ContentText(value, language))
    return str(value or "")


class Writer:
    """Writes a batch's mails: the sessions read once, each set of changes described once per
    language."""

    def __init__(self, event: Event, batch: list[Notice]):
        self.event = event
        ids = {item["session"] for notice in batch for item in notice.items if item["session"]}
        self.sessions = {
            s.pk: s for s in Session.objects.filter(pk__in=ids).select_related("room", "track")
        }
        rooms = {
            change_id(item["before"].get("room"))
            for notice in batch
            for item in notice.items
            if item["before"].get("room")
        }
        self.rooms = {r.pk: r for r in Room.objects.filter(pk__in=rooms - {None})}
        self.revisions = selectors.session_revisions(event, list(ids)) if ids else {}
        self.described: dict[tuple[str, str], list[dict[str, Any]]] = {}
        self.calendar_lines: dict[tuple, list[str]] = {}
        self.organizer = event.contact_email or settings.DEFAULT_FROM_EMAIL.rsplit("<", 1)[
            -1
        ].strip(">")

    def lines(self, notice: Notice) -> list[dict[str, Any]]:
        key = (notice.language, notice.time_zone, json.dumps(notice.items, sort_keys=True))
        if key not in self.described:
            self.described[key] = [
                self._describe(item, notice.language, notice.time_zone) for item in notice.items
            ]
        return self.described[key]

    def _describe(self, item: dict[str, Any], language: str, zone: str = "") -> dict[str, Any]:
        """One session's changes, as sentences in `language` (which is active); with the
        reader's own time zone, the new time in it too."""
        event = self.event
        session = self.sessions.get(item["session"])
        if session is not None:
            session = content_localized(session, language)
        kinds = item["kinds"]
        said: list[str] = []
        if session is not None:
            if NoticeKind.CANCELLED in kinds:
                said += self._cancelled(session, item, language)
            if NoticeKind.MOVED in kinds:
                said += self._moved(session, item["before"], language)
            if NoticeKind.DELAYED in kinds:
                said.append(self._delayed(session))
        if session is not None and zone and said and session.status != SessionStatus.CANCELLED:
            said.append(your_time(session, zone))
        if NoticeKind.STREAM in kinds:
            said.append(_("Its stream has changed: follow it from the live page."))
        for announcement in item.get("announcements") or []:
            said.append(
                _("Announcement: %(message)s")
                % {"message": _text(announcement["message"], language)}
            )
        if session is not None:
            title = str(session.title)
            url = settings.SITE_URL + reverse(
                "agenda:session", kwargs={"slug": event.slug, "pk": session.pk}
            )
        else:
            title = _("The event's streams") if NoticeKind.STREAM in kinds else str(event.title)
            url = ""
        return {"title": title, "said": said, "url": url, "session": session}

    def _cancelled(self, session: Session, item: dict[str, Any], language: str) -> list[str]:
        if session.status != SessionStatus.CANCELLED:
            return [
                _("Back on the programme: %(day)s, %(start)s–%(end)s (%(offset)s).")
                % self._slot(session)
            ]
        said = [_("Cancelled.")]
        reason = _text(item.get("message"), language)
        if reason:
            said.append(_("The organisers say: %(reason)s") % {"reason": reason})
        return said

    def _moved(self, session: Session, before: dict[str, Any], language: str) -> list[str]:
        now = self._slot(session) | {"room": self._room_name(session.room, language)}
        said = [
            (
                _("Moved: now %(day)s, %(start)s–%(end)s (%(offset)s), %(room)s.")
                if now["room"]
                else _("Moved: now %(day)s, %(start)s–%(end)s (%(offset)s).")
            )
            % now
        ]
        was = self._was(session, before, language)
        return said + ([was] if was else [])

    def _delayed(self, session: Session) -> str:
        start = _local(session.actual_start, self.event)
        if not session.delay_minutes:
            return _("Back on time: starts at %(time)s (%(offset)s).") % start
        return ngettext(
            "Running %(minutes)s minute late: now starts at %(time)s (%(offset)s).",
            "Running %(minutes)s minutes late: now starts at %(time)s (%(offset)s).",
            session.delay_minutes,
        ) % {"minutes": session.delay_minutes, **start}

    def _slot(self, session: Session) -> dict[str, str]:
        start = _local(session.actual_start, self.event)
        end = _local(session.actual_end, self.event)
        return {
            "day": start["day"],
            "start": start["time"],
            "end": end["time"],
            "offset": start["offset"],
        }

    def _room_name(self, room: Room | None, language: str) -> str:
        return str(content_localized(room, language).name) if room is not None else ""

    def _was(self, session: Session, before: dict[str, Any], language: str) -> str:
        start = before.get("start")
        end = before.get("end")
        room_id = change_id(before.get("room")) if "room" in before else session.room_id
        room = self._room_name(
            self.rooms.get(room_id) or session.room if room_id else None, language
        )
        if start or end:
            old_start = _parse(start) if start else session.start
            old_end = _parse(end) if end else session.end
            slot = {
                "day": _local(old_start, self.event)["day"],
                "start": _local(old_start, self.event)["time"],
                "end": _local(old_end, self.event)["time"],
                "offset": _local(old_start, self.event)["offset"],
                "room": room,
            }
            if room:
                return _("It was %(day)s, %(start)s–%(end)s (%(offset)s), %(room)s.") % slot
            return _("It was %(day)s, %(start)s–%(end)s (%(offset)s).") % slot
        if room:
            return _("It was in %(room)s.") % {"room": room}
        return ""

    def calendars(self, notice: Notice, described: list[dict[str, Any]]) -> list[tuple[str, bytes]]:
        """The iTIP attachments: REQUEST for the sessions that changed, CANCEL for those
        cancelled. Written once per set of sessions and language; only the ATTENDEE line is the
        recipient's own."""
        changed, cancelled = [], []
        for part in described:
            session = part["session"]
            if session is None or session.start is None:
                continue
            original = self.sessions[session.pk]
            (cancelled if original.status == SessionStatus.CANCELLED else changed).append(original)
        files = []
        for method, sessions in (("REQUEST", changed), ("CANCEL", cancelled)):
            if not sessions:
                continue
            key = (method, notice.language, tuple(s.pk for s in sessions))
            if key not in self.calendar_lines:
                chosen = selectors.export_sessions(self.event, ids=[s.pk for s in sessions])
                self.calendar_lines[key] = calendar_lines(
                    self.event,
                    chosen,
                    name=str(self.event.title),
                    revisions=self.revisions,
                    method=method,
                    organizer=self.organizer,
                    attendee=ATTENDEE,
                )
            mine = f"mailto:{notice.email}"
            lines = [
                line.replace(f"mailto:{ATTENDEE}", mine) if line.startswith("ATTENDEE") else line
                for line in self.calendar_lines[key]
            ]
            files.append((method, folded(lines)))
        return files

    def message(self, notice: Notice) -> EmailMultiAlternatives:
        event = self.event
        with translation.override(notice.language or settings.LANGUAGE_CODE):
            localized = content_localized(event, notice.language)
            described = self.lines(notice)
            count = len(described)
            subject = ngettext(
                "A change to the programme of %(event)s",
                "%(count)d changes to the programme of %(event)s",
                count,
            ) % {"count": count, "event": localized.title}
            unsubscribe = settings.SITE_URL + reverse(
                "registrations:unsubscribe",
                kwargs={"token": unsubscribe_token(notice.email, event.pk)},
            )
            kinds = [
                {
                    "label": NoticeKind(kind).label,
                    "url": settings.SITE_URL
                    + reverse(
                        "registrations:unsubscribe",
                        kwargs={"token": unsubscribe_token(notice.email, event.pk, kind)},
                    ),
                }
                for kind in notice.kinds
            ]
            calendars = self.calendars(notice, described)
            context = {
                "calendars": bool(calendars),
                "subject": subject,
                "notice": notice,
                "event": localized,
                "zone": {
                    "city": zone_city(event.timezone),
                    "zone": event.timezone,
                    "offset": event.utc_offset,
                },
                "parts": described,
                "agenda": settings.SITE_URL
                + reverse("agenda:my-agenda", kwargs={"slug": event.slug}),
                "unsubscribe": unsubscribe,
                "kinds": kinds,
            }
            message = EmailMultiAlternatives(
                subject,
                render_to_string("registrations/mail/notice.txt", context),
                to=[notice.email],
                headers={
                    "List-Unsubscribe": f"<{unsubscribe}>",
                    "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
                    "List-Id": f"<notices.{event.slug}.{host()}>",
                    "Auto-Submitted": "auto-generated",
                },
            )
            message.attach_alternative(
                render_to_string("registrations/mail/notice.html", context), "text/html"
            )
            for method, calendar in calendars:
                name = "cancel.ics" if method == "CANCEL" else "update.ics"
                message.attach(name, calendar, f"text/calendar; charset=utf-8; method={method}")
        return message


def your_time(session: Session, zone: str) -> str:
    """The session's time in the reader's own zone: "In your time zone (Europe/Moscow):
    Tuesday 8 December, 04:20–05:20 (UTC+03:00)"."""
    tz = ZoneInfo(zone)
    start, end = session.actual_start.astimezone(tz), session.actual_end.astimezone(tz)
    return _("In your time zone (%(zone)s): %(day)s, %(start)s–%(end)s (%(offset)s).") % {
        "zone": zone.replace("_", " "),
        "day": dateformat.format(start, "l j E"),
        "start": dateformat.format(start, "H:i"),
        "end": dateformat.format(end, "H:i"),
        "offset": offset_label(start),
    }


def _parse(value: str) -> datetime:
    return datetime.fromisoformat(value.replace("Z", "+00:00"))
