"""Adding, changing, moving, publishing, cancelling and deleting sessions, and setting their
status."""

from datetime import UTC, datetime
from typing import Any

from django.contrib.auth.models import User
from django.db import transaction
from django.utils.translation import gettext as _

from confman.core.exceptions import Conflict, DomainError, InvalidInput
from confman.core.validation import validate
from events.models import Event, Room
from sessions.conflicts import (
    Placement,
)
from sessions.models import (
    CONSTRAINT_FIELDS,
    Person,
    Session,
    SessionStatus,
    UpdateKind,
)
from sessions.permissions import require_chair, require_organiser
from sessions.services.programme import (
    DETAIL_FIELDS,
    PLACE_FIELDS,
    change_is_public,
    changes_diff,
    conflicts_check,
    fields_snapshot,
    overrides_forget,
    overrides_record,
    programme_lock,
    published_record,
    role_add,
    session_reread,
    session_save,
    update_record,
    utc_times,
)

EDITABLE_FIELDS = frozenset(DETAIL_FIELDS + PLACE_FIELDS)


@transaction.atomic
def session_create(
    *,
    event: Event,
    by: User | None,
    people: list[tuple[Person, str]] = (),
    override: bool = False,
    **fields: Any,
) -> Session:
    """Add a session. It starts as a draft unless `status` says otherwise; a session added as
    scheduled to a published programme is announced in the update log."""
    require_organiser(by, event)
    programme = programme_lock(event)
    unknown = set(fields) - EDITABLE_FIELDS - {"status", "delay_minutes"}
    if unknown:
        raise InvalidInput.for_fields({name: [_("unknown field")] for name in sorted(unknown)})
    session = Session(event=event, **utc_times(fields))
    validate(session, CONSTRAINT_FIELDS)
    overridden = conflicts_check(
        session,
        Placement.of(session),
        by=by,
        override=override,
        person_ids=[person.pk for person, _role in people],
    )
    session.save()
    for order, (person, role) in enumerate(people):
        role_add(session, person, role, order)
    overrides_record(session, overridden, by)
    if change_is_public(programme, session.status):
        published_record(programme, session, by, overridden)
    return session


@transaction.atomic
def session_update(
    *, session: Session, by: User | None, override: bool = False, **changes: Any
) -> Session:
    """Change a session's details and/or its place (start, end, room). Nothing is written when
    nothing changes; a change to the place is checked for conflicts like a move."""
    require_organiser(by, session.event)
    programme = programme_lock(session.event)
    session = session_reread(session)
    unknown = set(changes) - EDITABLE_FIELDS
    if unknown:
        raise InvalidInput.for_fields({name: [_("unknown field")] for name in sorted(unknown)})
    before = fields_snapshot(session, DETAIL_FIELDS + PLACE_FIELDS)
    for name, value in utc_times(changes).items():
        setattr(session, name, value)
    after = fields_snapshot(session, DETAIL_FIELDS + PLACE_FIELDS)
    diff = changes_diff(before, after)
    if not diff:
        return session
    placing = any(name in diff for name in PLACE_FIELDS + ("attendance",))
    if placing and ("start" in diff or "room" in diff) and session.delay_minutes:
        # The new place is the new plan: a delay reported for the old one no longer applies.
        diff["delay_minutes"] = {"before": session.delay_minutes, "after": 0}
        session.delay_minutes = 0
    validate(session, CONSTRAINT_FIELDS)
    if placing:
        overrides_forget(session, diff)
    overridden = (
        conflicts_check(session, Placement.of(session), by=by, override=override) if placing else []
    )
    session.save()
    overrides_record(session, overridden, by)
    if change_is_public(programme, session.status):
        moved = any(name in diff for name in PLACE_FIELDS)
        update_record(
            programme,
            kind=UpdateKind.MOVED if moved else UpdateKind.CHANGED,
            session=session,
            changes=diff,
            overridden=overridden,
            by=by,
        )
    return session


def session_move(
    *,
    session: Session,
    by: User | None,
    start: datetime | None = None,
    room: Room | None = None,
    end: datetime | None = None,
    override: bool = False,
) -> Session:
    """Move a session to another time and/or room, keeping its length unless `end` is given.
    A reported delay is cleared: the new time is the new plan."""
    changes: dict[str, Any] = {}
    start, end = (None if t is None else t.astimezone(UTC) for t in (start, end))
    if start is not None:
        if session.start is not None and end is None:
            end = start + (session.end - session.start)
        changes["start"] = start
    if end is not None:
        changes["end"] = end
    if room is not None:
        changes["room"] = room
    if not changes:
        raise InvalidInput.for_fields({"start": [_("give a new start, a new room, or both")]})
    return session_update(session=session, by=by, override=override, **changes)


@transaction.atomic
def session_publish(*, session: Session, by: User | None, override: bool = False) -> Session:
    """Put a draft session on the programme (it must have a time; without a room it shows as
    "room to be announced")."""
    require_organiser(by, session.event)
    programme = programme_lock(session.event)
    session = session_reread(session)
    if session.status != SessionStatus.DRAFT:
        return session
    if not session.is_placed:
        raise InvalidInput.for_fields(
            {"start": [_("Give the session a time before publishing it.")]}
        )
    session.status = SessionStatus.SCHEDULED
    session_save(session)
    if programme.is_published:
        published_record(programme, session, by)
    return session


@transaction.atomic
def session_cancel(*, session: Session, by: User | None, reason: str = "") -> Session:
    """Cancel a session. It stays on the programme, marked, so that people who planned to attend
    and calendars that subscribed learn of it. A draft is left as it is (delete it instead)."""
    require_organiser(by, session.event)
    programme = programme_lock(session.event)
    session = session_reread(session)
    if session.status in (SessionStatus.CANCELLED, SessionStatus.DRAFT):
        # A draft was never announced: there is nobody to tell; delete it instead.
        return session
    before = session.status
    session.status = SessionStatus.CANCELLED
    session_save(session)
    if change_is_public(programme, before):
        update_record(
            programme,
            kind=UpdateKind.CANCELLED,
            session=session,
            changes={"status": {"before": before, "after": session.status}},
            message=reason.strip()[:1000],
            by=by,
        )
    return session


@transaction.atomic
def session_delete(*, session: Session, by: User | None) -> None:
    """Delete a session that was never public; a public one can only be cancelled."""
    require_organiser(by, session.event)
    programme = programme_lock(session.event)
    session = session_reread(session)
    if session.updates.exists() or change_is_public(programme, session.status):
        raise Conflict(
            _(
                "“%(title)s” has been on the public programme; cancel it instead, so that "
                "attendees and calendars learn of it."
            )
            % {"title": session.title},
            code="session_was_public",
        )
    session.delete()


# Who may set which status: chairs run the session; organisers can also correct mistakes.
CHAIR_STATUSES = frozenset({SessionStatus.LIVE, SessionStatus.ENDED})

ORGANISER_STATUSES = CHAIR_STATUSES | {SessionStatus.SCHEDULED}


@transaction.atomic
def session_set_status(*, session: Session, by: User | None, status: str) -> Session:
    """Mark a session live or ended (its chairs and organisers), or back to scheduled
    (organisers: reinstating a cancelled session or undoing a mistaken tap)."""
    if status == SessionStatus.CANCELLED:
        return session_cancel(session=session, by=by)
    if status not in ORGANISER_STATUSES:
        raise InvalidInput.for_fields(
            {"status": [_("Choose live, ended or scheduled (cancel a session with cancel).")]}
        )
    if status in CHAIR_STATUSES:
        require_chair(by, session)
    else:
        require_organiser(by, session.event)
    programme = programme_lock(session.event)
    session = session_reread(session)
    if session.status == status:
        return session
    if session.status == SessionStatus.DRAFT:
        raise DomainError(
            _("“%(title)s” is a draft; publish it before marking it live or ended.")
            % {"title": session.title},
            code="session_is_draft",
            status=409,
        )
    if session.status == SessionStatus.CANCELLED and status != SessionStatus.SCHEDULED:
        raise DomainError(
            _("“%(title)s” is cancelled; an organiser can reinstate it first.")
            % {"title": session.title},
            code="session_cancelled",
            status=409,
        )
    overridden = []
    if session.status == SessionStatus.CANCELLED:
        # Reinstating: the room may have been given to someone else meanwhile.
        overridden = conflicts_check(
            session,
            Placement(
                session.start,
                session.end,
                session.room,
                session.attendance,
                session.delay_minutes,
                status,
            ),
            by=by,
            override=False,
        )
    before = session.status
    session.status = status
    session_save(session)
    if programme.is_published:
        update_record(
            programme,
            kind=UpdateKind.STATUS,
            session=session,
            changes={"status": {"before": before, "after": status}},
            overridden=overridden,
            by=by,
        )
    return session
