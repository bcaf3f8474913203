"""Rounds of change notices: the programme's update log (sessions.models.SessionUpdate) read a
window at a time, each changed session told once in its final state, to the people it concerns.

A change to the public programme is logged as an update, and once its transaction has committed
(sessions.signals.update_logged) a round is set for `window` minutes later, unless one is set
already. When it is due, the task worker reads every update since the last round, works out per
session what changed from the state before the first update to the state now (a move undone
inside the window is no change; a session moved twice is one move), and writes one Notice per
person: the people who bookmarked the session, its speakers and chairs, and for a stream
change the online participants. registrations.notices.sending mails them.

Nothing here runs in the request that made the change: after its commit, it sets the round's
time with one conditional UPDATE."""

import logging
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django_tasks import task

from confman.core.content import content_data
from confman.core.validation import validated_save
from events.models import AttendanceMode, Event
from events.permissions import Action, require_event_permission
from registrations.models import (
    CONSTRAINT_FIELDS,
    Notice,
    NoticeKind,
    NoticeOptOut,
    NoticeSettings,
    Registration,
    State,
)
from registrations.notices.sending import notices_send
from sessions.models import (
    Bookmark,
    Session,
    SessionRole,
    SessionStatus,
    SessionUpdate,
    UpdateKind,
)
from sessions.services.programme import change_id, change_value

logger = logging.getLogger(__name__)

TOLD_KINDS = (
    UpdateKind.MOVED,
    UpdateKind.CHANGED,  # a change of place comes as MOVED; CHANGED may clear a delay
    UpdateKind.DELAYED,
    UpdateKind.CANCELLED,
    UpdateKind.STATUS,
    UpdateKind.STREAM,
    UpdateKind.ANNOUNCEMENT,
)
TRACKED = ("start", "end", "room", "delay_minutes", "status", "streams")
# Registrations that still count someone in (their language, their mode, their live link).
STANDING = (
    State.CONFIRMED,
    State.PENDING_PAYMENT,
    State.AWAITING_APPROVAL,
    State.WAITLISTED,
    State.OFFERED,
)


def settings_for(event_id: int) -> NoticeSettings:
    found = NoticeSettings.objects.filter(event_id=event_id).first()
    if found is not None:
        return found
    settings, _created = NoticeSettings.objects.get_or_create(event_id=event_id)
    return settings


def round_schedule(event_id: int, *, now=None) -> bool:
    """Set a round for the event `window` minutes from now, unless one is set already or
    notices are paused. One conditional UPDATE (so two changes at once set one round)."""
    settings = settings_for(event_id)
    if settings.due_at is not None or settings.paused:
        # A round is set (it clears due_at before it reads what changed, so it will tell of
        # this change too), or notices are paused: nothing to write.
        return False
    now = now or timezone.now()
    due = now + timedelta(minutes=settings.window)
    with transaction.atomic():
        claimed = NoticeSettings.objects.filter(
            pk=settings.pk, due_at__isnull=True, paused=False
        ).update(due_at=due)
        if claimed:
            transaction.on_commit(lambda: notices_round.using(run_after=due).enqueue(event_id))
    return bool(claimed)


def on_update_logged(sender, event_id: int, **kwargs) -> None:
    """sessions.signals.update_logged: after the change's commit, set the round. A failure here
    is logged; the change stands, and the next change sets the round."""
    try:
        round_schedule(event_id)
    except Exception:
        logger.exception("Could not set the notices round of event %s", event_id)


@task()
def notices_round(event_id: int) -> str:
    """Tell what changed since the last round (see the module's docstring)."""
    with transaction.atomic():
        settings = NoticeSettings.objects.select_for_update().filter(event_id=event_id).first()
        if settings is None:
            return "no settings"
        # From here on, a new change sets a new round.
        settings.due_at = None
        settings.save(update_fields=["due_at"])
        if settings.paused:
            return "paused"
        first = settings.told_sequence
    last = (
        SessionUpdate.objects.filter(event_id=event_id).aggregate(last=Max("sequence"))["last"] or 0
    )
    if last <= first:
        return "nothing new"
    with transaction.atomic():
        notices = notices_for(Event.objects.get(pk=event_id), settings, first, last)
        moved_on = NoticeSettings.objects.filter(pk=settings.pk, told_sequence=first).update(
            told_sequence=last
        )
        if not moved_on:  # another round told these already
            transaction.set_rollback(True)
            return "told already"
        Notice.objects.bulk_create(notices, batch_size=500)
        if notices:
            transaction.on_commit(lambda: notices_send.enqueue(event_id))
    return f"{len(notices)} notices"


# --- what changed -----------------------------------------------------------------------------


@dataclass
class Change:
    """What one session went through in the round: its state before the first update."""

    session_id: int | None
    before: dict[str, Any] = field(default_factory=dict)
    streams_after: Any = None
    announcements: list[dict[str, Any]] = field(default_factory=list)
    message: Any = ""  # a cancellation's reason: a text, or one per language


def _changes(event_id: int, first: int, last: int) -> dict[int | None, Change]:
    changes: dict[int | None, Change] = {}
    updates = (
        SessionUpdate.objects.filter(
            event_id=event_id, sequence__gt=first, sequence__lte=last, kind__in=TOLD_KINDS
        )
        .order_by("sequence")
        .values("sequence", "session_id", "kind", "changes", "message", "notify")
    )
    for update in updates:
        change = changes.setdefault(update["session_id"], Change(update["session_id"]))
        if update["kind"] == UpdateKind.ANNOUNCEMENT:
            if update["notify"]:
                change.announcements.append(
                    {"sequence": update["sequence"], "message": content_data(update["message"])}
                )
            continue
        for name, diff in (update["changes"] or {}).items():
            if name in TRACKED and name not in change.before:
                change.before[name] = diff.get("before")
            if name == "streams":
                change.streams_after = diff.get("after")
        if update["kind"] == UpdateKind.CANCELLED and update["message"]:
            change.message = content_data(update["message"])
    return changes


def _kinds(change: Change, session: Session | None, threshold: int) -> list[str]:
    """The kinds of notice a session's change makes, comparing its state now with the state
    before the round's first update."""
    kinds = []
    before = change.before
    if change.announcements:
        kinds.append(NoticeKind.ANNOUNCEMENT)
    # A stream added where there was none is no change anyone has to act on (and setting up
    # an event adds dozens); a link changed or gone is.
    if before.get("streams") and before["streams"] != change.streams_after:
        kinds.append(NoticeKind.STREAM)
    if session is None:
        return kinds
    if session.status == SessionStatus.DRAFT:
        return []
    was_cancelled = before.get("status", session.status) == SessionStatus.CANCELLED
    if "status" in before and was_cancelled != (session.status == SessionStatus.CANCELLED):
        kinds.append(NoticeKind.CANCELLED)  # cancelled, or back on the programme
        return kinds
    if session.status == SessionStatus.CANCELLED:
        return kinds
    moved = (
        ("start" in before and before["start"] != change_value(session.start))
        or ("end" in before and before["end"] != change_value(session.end))
        or ("room" in before and change_id(before["room"]) != session.room_id)
    )
    if moved:
        kinds.append(NoticeKind.MOVED)
    elif "delay_minutes" in before and abs(
        session.delay_minutes - (before["delay_minutes"] or 0)
    ) >= max(threshold, 1):
        kinds.append(NoticeKind.DELAYED)
    return kinds


# --- to whom ----------------------------------------------------------------------------------


@dataclass
class Person:
    email: str
    name: str = ""
    language: str = ""
    time_zone: str = ""
    items: list[dict[str, Any]] = field(default_factory=list)
    kinds: set[str] = field(default_factory=set)


class Audience:
    """The event's people, read once per round: registrants (for their language and mode),
    bookmarks, speakers and chairs."""

    def __init__(self, event: Event, session_ids: list[int]):
        self.event = event
        self.by_user: dict[int, dict] = {}
        self.by_email: dict[str, dict] = {}
        rows = Registration.objects.filter(
            event=event, state__in=STANDING, anonymised_at__isnull=True
        ).values("user_id", "email", "name", "language", "time_zone", "mode", "state")
        self.registrants = list(rows)
        for row in self.registrants:
            self.by_email.setdefault(row["email"].lower(), row)
            if row["user_id"]:
                self.by_user.setdefault(row["user_id"], row)
        self.followers: dict[int, list[tuple[str, str, str, str]]] = {}
        bookmarks = Bookmark.objects.filter(session_id__in=session_ids).values(
            "session_id", "user_id", "user__email", "user__first_name"
        )
        for row in bookmarks:
            if not row["user__email"]:
                continue
            registrant = self.by_user.get(row["user_id"]) or self.by_email.get(
                row["user__email"].lower()
            )
            self.followers.setdefault(row["session_id"], []).append(
                (
                    row["user__email"],
                    registrant["name"] if registrant else row["user__first_name"],
                    registrant["language"] if registrant else "",
                    registrant["time_zone"] if registrant else "",
                )
            )
        roles = SessionRole.objects.filter(session_id__in=session_ids).values(
            "session_id", "person__email", "person__user__email", "person__name"
        )
        for row in roles:
            email = row["person__email"] or row["person__user__email"]
            if email:
                registrant = self.by_email.get(email.lower())
                self.followers.setdefault(row["session_id"], []).append(
                    (
                        email,
                        row["person__name"],
                        registrant["language"] if registrant else "",
                        registrant["time_zone"] if registrant else "",
                    )
                )

    def of_session(self, session_id: int) -> list[tuple[str, str, str, str]]:
        return self.followers.get(session_id, [])

    def online(self) -> list[tuple[str, str, str, str]]:
        return [
            (row["email"], row["name"], row["language"], row["time_zone"])
            for row in self.registrants
            if row["state"] == State.CONFIRMED and row["mode"] == AttendanceMode.ONLINE
        ]

    def everyone(self) -> list[tuple[str, str, str, str]]:
        return [
            (row["email"], row["name"], row["language"], row["time_zone"])
            for row in self.registrants
            if row["state"] == State.CONFIRMED
        ]


def notices_for(event: Event, settings: NoticeSettings, first: int, last: int) -> list[Notice]:
    """One unsaved Notice per person with something to be told between the two updates."""
    changes = _changes(event.pk, first, last)
    session_ids = [pk for pk in changes if pk is not None]
    sessions = {s.pk: s for s in Session.objects.filter(pk__in=session_ids)}
    audience = Audience(event, session_ids)
    refused = set(NoticeOptOut.objects.filter(event=event).values_list("email", "kind"))
    people: dict[str, Person] = {}
    fallback = event.languages[0] if event.languages else ""
    for session_id, change in changes.items():
        session = sessions.get(session_id) if session_id is not None else None
        kinds = _kinds(change, session, settings.delay_threshold)
        if not kinds:
            continue
        item = {
            "session": session_id,
            "kinds": kinds,
            "before": change.before,
            "message": change.message,
            "announcements": change.announcements,
        }
        if session_id is None:
            reached = audience.everyone() if change.announcements else audience.online()
        else:
            reached = list(audience.of_session(session_id))
            if NoticeKind.STREAM in kinds:
                reached += audience.online()
        for email, name, language, zone in reached:
            key = email.strip().lower()
            if (key, "") in refused:
                continue
            wanted = [k for k in kinds if (key, k) not in refused]
            if not wanted:
                continue
            person = people.setdefault(
                key, Person(email=email, name=name, language=language, time_zone=zone)
            )
            if any(existing["session"] == session_id for existing in person.items):
                continue  # a speaker who also bookmarked it: told once
            person.items.append({**item, "kinds": wanted})
            person.kinds.update(wanted)
            person.name = person.name or name
            person.language = person.language or language
            person.time_zone = person.time_zone or zone
    return [
        Notice(
            event=event,
            email=person.email,
            name=person.name[:200],
            language=person.language or fallback,
            # Their own zone, when it is not the event's: their times are given in it too.
            time_zone="" if person.time_zone == event.timezone else person.time_zone,
            items=person.items,
            kinds=sorted(person.kinds),
            first_sequence=first + 1,
            last_sequence=last,
        )
        for person in people.values()
    ]


def untold_exists(event: Event) -> bool:
    told = settings_for(event.pk).told_sequence
    return SessionUpdate.objects.filter(event=event, sequence__gt=told).exists()


# --- what organisers and participants decide ------------------------------------------------


@transaction.atomic
def notice_settings_set(
    *,
    event: Event,
    by,
    paused: bool,
    delay_threshold: int,
    window: int,
    reminder_minutes: int | None = None,
) -> NoticeSettings:
    """Change how the event's notices go out. Resuming sends, at once, what was kept while they
    were paused."""
    require_event_permission(by, event, Action.MANAGE_AGENDA)
    settings = NoticeSettings.objects.select_for_update().get(pk=settings_for(event.pk).pk)
    resumed = settings.paused and not paused
    settings.paused, settings.delay_threshold, settings.window = paused, delay_threshold, window
    if reminder_minutes is not None:
        settings.reminder_minutes = reminder_minutes
    validated_save(settings, CONSTRAINT_FIELDS)
    if resumed:
        # Due at once: the window was the pause.
        soon = timezone.now() - timedelta(minutes=window)
        transaction.on_commit(lambda: round_schedule(event.pk, now=soon))
    return settings


def notices_refused(*, event: Event, email: str) -> set[str]:
    """The kinds of notice an address asked not to get ("" among them: none at all)."""
    return set(
        NoticeOptOut.objects.filter(event=event, email=email.strip().lower()).values_list(
            "kind", flat=True
        )
    )


@transaction.atomic
def notices_choose(*, event: Event, email: str, wanted: set[str]) -> None:
    """An address gets the notices of the kinds `wanted`, and no other (an empty set: none)."""
    email = email.strip().lower()
    NoticeOptOut.objects.filter(event=event, email=email).delete()
    refused = [kind for kind in NoticeKind.values if kind not in wanted]
    NoticeOptOut.objects.bulk_create(
        [NoticeOptOut(event=event, email=email, kind=kind) for kind in refused],
        ignore_conflicts=True,
    )


def notices_stop(*, event: Event, email: str, kind: str = "") -> None:
    """An unsubscribe link: no more notices of `kind` ("" for any) to the address."""
    NoticeOptOut.objects.get_or_create(event=event, email=email.strip().lower(), kind=kind)
