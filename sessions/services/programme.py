"""The programme's lock, its numbered update log, and the conflict rules every write that places
a session passes (sessions, roles); publishing the programme."""

import functools
from datetime import UTC, datetime
from typing import Any

from django.conf import settings
from django.contrib.auth.models import User
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from confman.core.after_response import in_background
from confman.core.content import ContentText
from confman.core.exceptions import Conflict
from confman.core.validation import validate
from events.models import Event
from sessions.conflicts import (
    Code,
    Placement,
    ScheduleConflict,
    conflicts_for,
)
from sessions.models import (
    CONSTRAINT_FIELDS,
    ConflictOverride,
    Person,
    Programme,
    Session,
    SessionRole,
    SessionStatus,
    SessionUpdate,
    UpdateKind,
)
from sessions.permissions import require_organiser
from sessions.signals import update_logged

# Fields whose changes the update log records, and how their values are written there.
DETAIL_FIELDS = ("title", "kind", "abstract", "track", "language", "attendance")

PLACE_FIELDS = ("start", "end", "room")


class ScheduleConflictError(Conflict):
    code = "schedule_conflict"

    def __init__(self, conflicts: list[ScheduleConflict]):
        blocking = [c for c in conflicts if not c.accepted]
        can_override = all(c.overridable for c in blocking)
        lines = " ".join(c.message for c in blocking)
        if can_override:
            hint = _("Change the time, room or people, or accept the conflict explicitly.")
        else:
            hint = _("Choose another time or room: a room holds one session at a time.")
        super().__init__(
            _("Not saved: %(problems)s %(hint)s") % {"problems": lines, "hint": hint},
            details={
                "conflicts": [c.as_dict() for c in blocking],
                "can_override": can_override,
            },
        )
        self.conflicts = blocking


def programme_lock(event: Event) -> Programme:
    """Lock the event's programme row for this transaction (creating it on first use)."""
    programme = Programme.objects.select_for_update().filter(event=event).first()
    if programme is None:
        Programme.objects.get_or_create(event=event)
        programme = Programme.objects.select_for_update().get(event=event)
    # Callers holding this event then read the programme as this transaction leaves it.
    Event.programme.related.set_cached_value(event, programme)
    return programme


def change_is_public(programme: Programme, status: str) -> bool:
    return programme.is_published and status != SessionStatus.DRAFT


def update_record(
    programme: Programme,
    *,
    kind: str,
    session: Session | None = None,
    changes: dict | None = None,
    message: str = "",
    overridden: list[ScheduleConflict] | None = None,
    by: User | None = None,
    notify: bool = False,
) -> SessionUpdate:
    programme.last_sequence += 1
    programme.save(update_fields=["last_sequence"])
    update = SessionUpdate.objects.create(
        event_id=programme.event_id,
        sequence=programme.last_sequence,
        session=session,
        kind=kind,
        changes=changes or {},
        message=message,
        overridden=[c.as_dict() for c in overridden or []],
        actor=by,
        notify=notify,
        created_at=timezone.now(),
    )
    # Told (to the live audience, the notices, reminders and webhooks) after commit, never
    # before: a rolled-back change is never heard.
    transaction.on_commit(functools.partial(_tell, update))
    return update


def _tell(update: SessionUpdate) -> None:
    def tell() -> None:
        update_logged.send(
            sender=SessionUpdate,
            event_id=update.event_id,
            update_id=update.pk,
            sequence=update.sequence,
            kind=update.kind,
            session_id=update.session_id,
        )

    if settings.UPDATES_IN_BACKGROUND:
        # Once the request that made it has answered: a chair's click waits for none of it.
        in_background(tell)
    else:
        tell()


def update_log(
    *,
    event: Event,
    kind: str,
    session: Session | None = None,
    changes: dict | None = None,
    message: str = "",
    by: User | None = None,
) -> SessionUpdate | None:
    """Log a change that another module made to what the public programme shows (e.g. a
    stream link), in the caller's transaction, numbered like every other update. Nothing is
    logged (None) while the programme is unpublished or the session is a draft."""
    programme = programme_lock(event)
    if not programme.is_published or (session is not None and session.status == "draft"):
        return None
    return update_record(
        programme, kind=kind, session=session, changes=changes, message=message, by=by
    )


def utc_times(fields: dict[str, Any]) -> dict[str, Any]:
    """Times in UTC before any arithmetic or comparison: Python adds and compares datetimes of
    one zone by wall clock, which is wrong across a DST change."""
    for name in ("start", "end"):
        if isinstance(fields.get(name), datetime):
            fields[name] = fields[name].astimezone(UTC)
    return fields


def published_record(programme, session: Session, by, overridden=None) -> SessionUpdate:
    """A session appears on the public programme: everything about it is new."""
    everything = {
        **fields_snapshot(session, DETAIL_FIELDS + PLACE_FIELDS),
        "people": people_snapshot(session),
    }
    return update_record(
        programme,
        kind=UpdateKind.PUBLISHED,
        session=session,
        changes=changes_diff({}, everything),
        overridden=overridden,
        by=by,
    )


def change_value(value: Any) -> Any:
    if isinstance(value, ContentText):  # every language: a new translation is a change
        return value.data
    if isinstance(value, datetime):
        return value.astimezone(UTC).isoformat().replace("+00:00", "Z")
    if hasattr(value, "pk") and hasattr(value, "name"):
        if isinstance(value.name, ContentText) and value.name.is_translated:
            # A room or a track named in several languages: every one, for each viewer's own.
            return {"id": value.pk, "name": value.name, "names": value.name.translations}
        return {"id": value.pk, "name": value.name}
    return value


def change_id(value: Any) -> Any:
    """The id of a room or a track as change_value wrote it ({"id", "name"...}), else the
    value as it is."""
    return value.get("id") if isinstance(value, dict) else value


def fields_snapshot(session: Session, fields) -> dict[str, Any]:
    return {name: change_value(getattr(session, name)) for name in fields}


def changes_diff(before: dict[str, Any], after: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {
        name: {"before": before.get(name), "after": after[name]}
        for name in after
        if before.get(name) != after[name]
    }


def people_snapshot(session: Session) -> list[dict[str, Any]]:
    return [
        {"person": role.person_id, "name": role.person.display_name, "role": role.role}
        for role in session.roles.select_related("person").order_by("order", "pk")
    ]


def conflicts_check(
    session: Session,
    placement: Placement,
    *,
    by: User | None,
    override: bool,
    person_ids=None,
    people_only: bool = False,
) -> list[ScheduleConflict]:
    """Raise unless the placement is free of conflicts, or every remaining conflict may be and is
    overridden; return the overridden ones (the caller records them). `people_only` checks only
    whether these people are elsewhere at the time (adding someone does not move the session)."""
    conflicts = [c for c in conflicts_for(session, placement, person_ids) if not c.accepted]
    if people_only:
        conflicts = [c for c in conflicts if c.person is not None]
    if not conflicts:
        return []
    if not override or not all(c.overridable for c in conflicts):
        raise ScheduleConflictError(conflicts)
    return conflicts


# Which accepted conflicts a change of each field makes void: an acceptance is for a placement.
_VOIDED_BY = {
    "start": None,  # every code: times decide overlaps and dates
    "end": None,
    "room": {Code.IN_PERSON_IN_VIRTUAL_ROOM, Code.ONLINE_IN_PHYSICAL_ROOM},
    "attendance": {Code.IN_PERSON_IN_VIRTUAL_ROOM, Code.ONLINE_IN_PHYSICAL_ROOM},
}


def overrides_forget(session: Session, diff: dict) -> None:
    """Drop the accepted conflicts the change makes void, on either side of a pair; if the new
    placement still conflicts, the organiser decides again."""
    overrides = ConflictOverride.objects.filter(Q(session=session) | Q(other_session=session))
    voided = [_VOIDED_BY[name] for name in diff if name in _VOIDED_BY]
    if not voided:
        return
    if any(codes is None for codes in voided):
        overrides.delete()
    else:
        overrides.filter(code__in=set().union(*voided)).delete()


def overrides_record(session: Session, conflicts: list[ScheduleConflict], by: User | None):
    for conflict in conflicts:
        ConflictOverride.objects.get_or_create(
            session=session,
            code=conflict.code,
            other_session=conflict.other_session,
            person=conflict.person,
            defaults={"created_by": by},
        )


def session_save(session: Session) -> Session:
    validate(session, CONSTRAINT_FIELDS)
    session.save()
    return session


def person_ref(person: Person | None) -> dict | None:
    return None if person is None else {"id": person.pk, "name": person.display_name}


def session_reread(session: Session) -> Session:
    """The session as stored now, read under the programme lock."""
    fresh = Session.objects.select_related("event", "room", "track").get(pk=session.pk)
    return fresh


@transaction.atomic
def programme_publish(*, event: Event, by: User | None) -> int:
    """Make the programme public, with every draft session that has a time on it. Sessions
    without a time stay drafts. Returns how many sessions were published."""
    require_organiser(by, event)
    programme = programme_lock(event)
    drafts = list(
        Session.objects.filter(event=event, status=SessionStatus.DRAFT)
        .placed()
        .select_related("room", "track")
    )
    was_published = programme.is_published
    Session.objects.filter(pk__in=[s.pk for s in drafts]).update(
        status=SessionStatus.SCHEDULED, updated_at=timezone.now()
    )
    if not was_published:
        programme.published_at = timezone.now()
        programme.published_by = by
        programme.save(update_fields=["published_at", "published_by"])
        count = Session.objects.filter(event=event).exclude(status=SessionStatus.DRAFT).count()
        update_record(
            programme,
            kind=UpdateKind.PROGRAMME_PUBLISHED,
            changes={"sessions": {"before": 0, "after": count}},
            by=by,
        )
    else:
        for session in drafts:
            session.status = SessionStatus.SCHEDULED
            published_record(programme, session, by)
    return len(drafts)


def role_add(session: Session, person: Person, role: str, order: int) -> SessionRole:
    link = SessionRole(session=session, person=person, role=role, order=order)
    validate(link, CONSTRAINT_FIELDS)
    link.save()
    return link
