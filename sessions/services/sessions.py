"""Every write to the programme goes through here, whether it comes from the agenda builder, the
chair console, the API or the admin.

Each write locks the event's Programme row first: agenda writes for one event are serialised, so
conflict checks cannot race and the update log's numbers are gap-free. A change to a session the
public can see (programme published, session not a draft) is written to the SessionUpdate log in
the same transaction."""

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from django.contrib.auth.models import User
from django.db import transaction
from django.db.models import Max, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from confman.core.exceptions import Conflict, DomainError, InvalidInput, NotAuthenticated, NotFound
from events.models import Event, Room
from events.permissions import Action, require_event_permission
from events.services import validate
from sessions.conflicts import (
    Code,
    Placement,
    ScheduleConflict,
    conflicts_for,
)
from sessions.models import (
    ANNOUNCEMENT_MAX,
    CONSTRAINT_FIELDS,
    MAX_DELAY_MINUTES,
    Bookmark,
    ConflictOverride,
    Person,
    Programme,
    Session,
    SessionRole,
    SessionStatus,
    SessionUpdate,
    UpdateKind,
)
from sessions.permissions import require_chair
from sessions.selectors import visible_sessions
from sessions.signals import update_logged

# Fields whose changes the update log records, and how their values are written there.
DETAIL_FIELDS = ("title", "kind", "abstract", "track", "language", "attendance")
PLACE_FIELDS = ("start", "end", "room")
EDITABLE_FIELDS = frozenset(DETAIL_FIELDS + PLACE_FIELDS)


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


def _require(by: User | None, event: Event, action: Action) -> None:
    """Check the user's permission; `by=None` is the system itself (demo data, commands)."""
    if by is not None:
        require_event_permission(by, event, action)


def _lock(event: Event) -> Programme:
    """Lock the event's programme row for this transaction (creating it on first use)."""
    Programme.objects.get_or_create(event=event)
    programme = Programme.objects.select_for_update().get(event=event)
    # Callers holding this event then read the programme as this transaction leaves it.
    Event.programme.related.set_cached_value(event, programme)
    return programme


def _is_public(programme: Programme, status: str) -> bool:
    return programme.is_published and status != SessionStatus.DRAFT


def _log(
    programme: Programme,
    *,
    kind: str,
    session: Session | None = None,
    changes: dict | None = None,
    message: str = "",
    overridden: list[ScheduleConflict] | None = None,
    by: User | None = None,
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
        created_at=timezone.now(),
    )
    # Told to the live audience after commit, never before: a rolled-back change is never heard.
    transaction.on_commit(
        lambda: update_logged.send(
            sender=SessionUpdate,
            event_id=update.event_id,
            update_id=update.pk,
            sequence=update.sequence,
        )
    )
    return update


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
    programme = _lock(event)
    if not programme.is_published or (session is not None and session.status == "draft"):
        return None
    return _log(programme, kind=kind, session=session, changes=changes, message=message, by=by)


def _utc(fields: dict[str, Any]) -> dict[str, Any]:
    """Times in UTC before any arithmetic or comparison: Python adds and compares datetimes of
    one zone by wall clock, which is wrong across a DST change."""
    for name in ("start", "end"):
        if isinstance(fields.get(name), datetime):
            fields[name] = fields[name].astimezone(UTC)
    return fields


def _log_published(programme, session: Session, by, overridden=None) -> SessionUpdate:
    """A session appears on the public programme: everything about it is new."""
    everything = {**_snapshot(session, DETAIL_FIELDS + PLACE_FIELDS), "people": _people(session)}
    return _log(
        programme,
        kind=UpdateKind.PUBLISHED,
        session=session,
        changes=_diff({}, everything),
        overridden=overridden,
        by=by,
    )


def _json(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.astimezone(UTC).isoformat().replace("+00:00", "Z")
    if hasattr(value, "pk") and hasattr(value, "name"):
        return {"id": value.pk, "name": value.name}
    return value


def _snapshot(session: Session, fields) -> dict[str, Any]:
    return {name: _json(getattr(session, name)) for name in fields}


def _diff(before: dict[str, Any], after: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {
        name: {"before": before.get(name), "after": after[name]}
        for name in after
        if before.get(name) != after[name]
    }


def _people(session: Session) -> list[dict[str, Any]]:
    return [
        {"person": role.person_id, "name": role.person.display_name, "role": role.role}
        for role in session.roles.select_related("person").order_by("order", "pk")
    ]


def _check(
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


def _forget_overrides(session: Session, diff: dict) -> None:
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


def _record_overrides(session: Session, conflicts: list[ScheduleConflict], by: User | None):
    for conflict in conflicts:
        ConflictOverride.objects.get_or_create(
            session=session,
            code=conflict.code,
            other_session=conflict.other_session,
            person=conflict.person,
            defaults={"created_by": by},
        )


def _save(session: Session) -> Session:
    validate(session, CONSTRAINT_FIELDS)
    session.save()
    return session


# --- sessions -------------------------------------------------------------------------------


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
    _require(by, event, Action.MANAGE_AGENDA)
    programme = _lock(event)
    unknown = set(fields) - EDITABLE_FIELDS - {"status", "delay_minutes"}
    if unknown:
        raise InvalidInput.for_fields({name: [_("unknown field")] for name in sorted(unknown)})
    session = Session(event=event, **_utc(fields))
    validate(session, CONSTRAINT_FIELDS)
    overridden = _check(
        session,
        Placement.of(session),
        by=by,
        override=override,
        person_ids=[person.pk for person, _role in people],
    )
    session.save()
    for order, (person, role) in enumerate(people):
        _add_role(session, person, role, order)
    _record_overrides(session, overridden, by)
    if _is_public(programme, session.status):
        _log_published(programme, session, by, overridden)
    return session


@transaction.atomic
def session_update(
    *, session: Session, by: User | None, override: bool = False, **changes: Any
) -> Session:
    """Change a session's details and/or its place (start, end, room). Nothing is written when
    nothing changes; a change to the place is checked for conflicts like a move."""
    _require(by, session.event, Action.MANAGE_AGENDA)
    programme = _lock(session.event)
    session = _fresh(session)
    unknown = set(changes) - EDITABLE_FIELDS
    if unknown:
        raise InvalidInput.for_fields({name: [_("unknown field")] for name in sorted(unknown)})
    before = _snapshot(session, DETAIL_FIELDS + PLACE_FIELDS)
    for name, value in _utc(changes).items():
        setattr(session, name, value)
    after = _snapshot(session, DETAIL_FIELDS + PLACE_FIELDS)
    diff = _diff(before, after)
    if not diff:
        return session
    placing = any(name in diff for name in PLACE_FIELDS + ("attendance",))
    if placing and ("start" in diff or "room" in diff) and session.delay_minutes:
        # The new place is the new plan: a delay reported for the old one no longer applies.
        diff["delay_minutes"] = {"before": session.delay_minutes, "after": 0}
        session.delay_minutes = 0
    validate(session, CONSTRAINT_FIELDS)
    if placing:
        _forget_overrides(session, diff)
    overridden = _check(session, Placement.of(session), by=by, override=override) if placing else []
    session.save()
    _record_overrides(session, overridden, by)
    if _is_public(programme, session.status):
        moved = any(name in diff for name in PLACE_FIELDS)
        _log(
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


def move_preview(
    *,
    session: Session,
    by: User | None,
    start: datetime | None = None,
    room: Room | None = None,
    end: datetime | None = None,
) -> list[ScheduleConflict]:
    """The conflicts a move would meet, without saving anything (for the builder's immediate
    feedback)."""
    _require(by, session.event, Action.MANAGE_AGENDA)
    start, end = (None if t is None else t.astimezone(UTC) for t in (start, end))
    if start is not None and end is None:
        if session.start is None:
            raise InvalidInput.for_fields({"end": [_("give an end for an unplaced session")]})
        end = start + (session.end - session.start)
    new_start = start if start is not None else session.start
    new_end = end if end is not None else session.end
    if new_start is not None and new_end is not None and new_end <= new_start:
        raise InvalidInput.for_fields({"end": [_("The session must end after it starts.")]})
    placement = Placement(
        start=new_start,
        end=new_end,
        room=room if room is not None else session.room,
        attendance=session.attendance,
        delay_minutes=0 if (start is not None or room is not None) else session.delay_minutes,
        status=session.status,
    )
    return conflicts_for(session, placement)


@transaction.atomic
def session_publish(*, session: Session, by: User | None, override: bool = False) -> Session:
    """Put a draft session on the programme (it must have a time; without a room it shows as
    "room to be announced")."""
    _require(by, session.event, Action.MANAGE_AGENDA)
    programme = _lock(session.event)
    session = _fresh(session)
    if session.status != SessionStatus.DRAFT:
        return session
    if not session.is_placed:
        raise InvalidInput.for_fields(
            {"start": [_("Give the session a time before publishing it.")]}
        )
    session.status = SessionStatus.SCHEDULED
    _save(session)
    if programme.is_published:
        _log_published(programme, session, by)
    return session


@transaction.atomic
def session_cancel(*, session: Session, by: User | None, reason: str = "") -> Session:
    """Cancel a session. It stays on the programme, marked, so that people who planned to attend
    and calendars that subscribed learn of it. A draft is left as it is (delete it instead)."""
    _require(by, session.event, Action.MANAGE_AGENDA)
    programme = _lock(session.event)
    session = _fresh(session)
    if session.status in (SessionStatus.CANCELLED, SessionStatus.DRAFT):
        # A draft was never announced: there is nobody to tell; delete it instead.
        return session
    before = session.status
    session.status = SessionStatus.CANCELLED
    _save(session)
    if _is_public(programme, before):
        _log(
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
    _require(by, session.event, Action.MANAGE_AGENDA)
    programme = _lock(session.event)
    session = _fresh(session)
    if session.updates.exists() or _is_public(programme, session.status):
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
        _require(by, session.event, Action.MANAGE_AGENDA)
    programme = _lock(session.event)
    session = _fresh(session)
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
        overridden = _check(
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
    _save(session)
    if programme.is_published:
        _log(
            programme,
            kind=UpdateKind.STATUS,
            session=session,
            changes={"status": {"before": before, "after": status}},
            overridden=overridden,
            by=by,
        )
    return session


@dataclass(frozen=True)
class Shift:
    session: Session
    delay_before: int
    delay_after: int

    @property
    def new_start(self) -> datetime:
        return self.session.start + timedelta(minutes=self.delay_after)

    @property
    def new_end(self) -> datetime:
        return self.session.end + timedelta(minutes=self.delay_after)


def _validate_delay(minutes: int) -> None:
    if (
        not isinstance(minutes, int)
        or isinstance(minutes, bool)
        or not (0 <= minutes <= MAX_DELAY_MINUTES)
    ):
        raise InvalidInput.for_fields(
            {
                "minutes": [
                    _("Give the delay in whole minutes, from 0 (on time) to %(max)s.")
                    % {"max": MAX_DELAY_MINUTES}
                ]
            }
        )


def delay_preview(*, session: Session, minutes: int) -> list[Shift]:
    """What a delay of `minutes` (in total) would do: this session, then each later session in
    the same room on the same day (event time) that would now overlap its predecessor, pushed
    just enough; a gap in the programme absorbs the delay and the shifting stops there."""
    _validate_delay(minutes)
    if not session.is_placed:
        return []
    shifts = [Shift(session, session.delay_minutes, minutes)]
    if session.room_id is None:
        return shifts
    tz = session.event.tzinfo
    day = session.start.astimezone(tz).date()
    later = (
        Session.objects.filter(
            event_id=session.event_id,
            room_id=session.room_id,
            start__gte=session.start,
            status=SessionStatus.SCHEDULED,
        )
        .exclude(pk=session.pk)
        .order_by("start", "pk")
    )
    previous_end = session.end + timedelta(minutes=minutes)
    for other in later:
        if other.start.astimezone(tz).date() != day:
            break
        needed = int((previous_end - other.actual_start).total_seconds() // 60)
        if needed <= 0:
            break
        new_delay = min(other.delay_minutes + needed, MAX_DELAY_MINUTES)
        shifts.append(Shift(other, other.delay_minutes, new_delay))
        previous_end = other.end + timedelta(minutes=new_delay)
    return shifts


@transaction.atomic
def session_delay(
    *, session: Session, by: User | None, minutes: int, shift_following: bool = False
) -> list[Shift]:
    """Set the session's delay to `minutes` in total (0 = back on time); optionally push the
    later sessions in its room that day that would otherwise overlap. Returns what moved."""
    require_chair(by, session)
    _validate_delay(minutes)
    programme = _lock(session.event)
    session = _fresh(session)
    if session.status in (SessionStatus.DRAFT, SessionStatus.CANCELLED, SessionStatus.ENDED):
        raise DomainError(
            _("“%(title)s” is %(status)s; only a scheduled or live session can run late.")
            % {"title": session.title, "status": session.get_status_display().lower()},
            code="session_not_running",
            status=409,
        )
    shifts = delay_preview(session=session, minutes=minutes)
    if not shift_following:
        shifts = shifts[:1]
    moved = []
    for shift in shifts:
        if shift.delay_after == shift.delay_before:
            continue
        target = shift.session
        target.delay_minutes = shift.delay_after
        target.save(update_fields=["delay_minutes", "updated_at"])
        moved.append(shift)
        if programme.is_published:
            _log(
                programme,
                kind=UpdateKind.DELAYED,
                session=target,
                changes={
                    "delay_minutes": {"before": shift.delay_before, "after": shift.delay_after},
                    "actual_start": {
                        "before": _json(target.start + timedelta(minutes=shift.delay_before)),
                        "after": _json(shift.new_start),
                    },
                    "actual_end": {
                        "before": _json(target.end + timedelta(minutes=shift.delay_before)),
                        "after": _json(shift.new_end),
                    },
                },
                message=(
                    ""
                    if target.pk == session.pk
                    else _("Pushed back by the delay of “%(title)s”.") % {"title": session.title}
                ),
                by=by,
            )
    return moved


@transaction.atomic
def announce(
    *, event: Event, by: User | None, message: str, session: Session | None = None
) -> SessionUpdate:
    """Post a short announcement to the event's live audience: about one session (its chairs
    and organisers) or the whole event (organisers)."""
    if session is not None:
        if session.event_id != event.pk:
            raise DomainError(
                _("That session belongs to another event."), code="wrong_event", status=422
            )
        require_chair(by, session)
    else:
        _require(by, event, Action.MANAGE_AGENDA)
    message = (message or "").strip()
    if not message or len(message) > ANNOUNCEMENT_MAX:
        raise InvalidInput.for_fields(
            {
                "message": [
                    _("Write the announcement in 1 to %(max)s characters.")
                    % {"max": ANNOUNCEMENT_MAX}
                ]
            }
        )
    programme = _lock(event)
    if not programme.is_published or (
        session is not None and _fresh(session).status == SessionStatus.DRAFT
    ):
        raise DomainError(
            _("The programme is not public yet, so there is no one to announce to."),
            code="programme_not_published",
            status=409,
        )
    return _log(programme, kind=UpdateKind.ANNOUNCEMENT, session=session, message=message, by=by)


@transaction.atomic
def session_set_next_speaker(
    *, session: Session, by: User | None, person: Person | None
) -> Session:
    """Note who speaks next (a person with a role in the session), or clear it."""
    require_chair(by, session)
    programme = _lock(session.event)
    session = _fresh(session)
    if person is not None and not session.roles.filter(person=person).exists():
        raise InvalidInput.for_fields(
            {
                "person_id": [
                    _("%(person)s has no role in this session; add them to it first.")
                    % {"person": person.display_name}
                ]
            }
        )
    if session.next_speaker_id == (person.pk if person else None):
        return session
    before = session.next_speaker
    session.next_speaker = person
    session.save(update_fields=["next_speaker", "updated_at"])
    if _is_public(programme, session.status):
        _log(
            programme,
            kind=UpdateKind.NEXT_SPEAKER,
            session=session,
            changes={
                "next_speaker": {
                    "before": _person_ref(before),
                    "after": _person_ref(person),
                }
            },
            by=by,
        )
    return session


def _person_ref(person: Person | None) -> dict | None:
    return None if person is None else {"id": person.pk, "name": person.display_name}


def _fresh(session: Session) -> Session:
    """The session as stored now, read under the programme lock."""
    fresh = Session.objects.select_related("event", "room", "track").get(pk=session.pk)
    return fresh


@transaction.atomic
def programme_publish(*, event: Event, by: User | None) -> int:
    """Make the programme public, with every draft session that has a time on it. Sessions
    without a time stay drafts. Returns how many sessions were published."""
    _require(by, event, Action.MANAGE_AGENDA)
    programme = _lock(event)
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
        _log(
            programme,
            kind=UpdateKind.PROGRAMME_PUBLISHED,
            changes={"sessions": {"before": 0, "after": count}},
            by=by,
        )
    else:
        for session in drafts:
            session.status = SessionStatus.SCHEDULED
            _log_published(programme, session, by)
    return len(drafts)


# --- people ---------------------------------------------------------------------------------


def _add_role(session: Session, person: Person, role: str, order: int) -> SessionRole:
    link = SessionRole(session=session, person=person, role=role, order=order)
    validate(link, CONSTRAINT_FIELDS)
    link.save()
    return link


@transaction.atomic
def role_assign(
    *,
    session: Session,
    by: User | None,
    person: Person,
    role: str,
    override: bool = False,
) -> SessionRole:
    """Give a person a role in a session (idempotent for the same person and role). A person who
    is already in an overlapping session blocks, unless the organiser overrides explicitly."""
    _require(by, session.event, Action.MANAGE_AGENDA)
    programme = _lock(session.event)
    session = _fresh(session)
    existing = SessionRole.objects.filter(session=session, person=person, role=role).first()
    if existing:
        return existing
    if person.event_id != session.event_id:
        raise InvalidInput.for_fields({"person": [_("This person belongs to another event.")]})
    overridden = []
    if not session.roles.filter(person=person).exists():
        overridden = _check(
            session,
            Placement.of(session),
            by=by,
            override=override,
            person_ids=[person.pk],
            people_only=True,
        )
    before = _people(session)
    order = (session.roles.aggregate(last=Max("order"))["last"] or 0) + 1
    link = _add_role(session, person, role, order if before else 0)
    _record_overrides(session, overridden, by)
    _touch(session)
    if _is_public(programme, session.status):
        _log(
            programme,
            kind=UpdateKind.PEOPLE,
            session=session,
            changes={"people": {"before": before, "after": _people(session)}},
            overridden=overridden,
            by=by,
        )
    return link


@transaction.atomic
def role_remove(*, link: SessionRole, by: User | None) -> None:
    _require(by, link.session.event, Action.MANAGE_AGENDA)
    programme = _lock(link.session.event)
    session = _fresh(link.session)
    before = _people(session)
    changes = {}
    if (
        session.next_speaker_id == link.person_id
        and not session.roles.filter(person_id=link.person_id).exclude(pk=link.pk).exists()
    ):
        changes["next_speaker"] = {"before": _person_ref(session.next_speaker), "after": None}
        session.next_speaker = None
    link.delete()
    session.save(update_fields=["next_speaker", "updated_at"])
    if _is_public(programme, session.status):
        changes["people"] = {"before": before, "after": _people(session)}
        _log(programme, kind=UpdateKind.PEOPLE, session=session, changes=changes, by=by)


PERSON_FIELDS = frozenset(
    {"honorific", "name", "position", "organization", "country", "bio", "email", "user"}
)


@transaction.atomic
def person_create(*, event: Event, by: User | None, **fields: Any) -> Person:
    _require(by, event, Action.MANAGE_AGENDA)
    _lock(event)
    unknown = set(fields) - PERSON_FIELDS
    if unknown:
        raise InvalidInput.for_fields({name: [_("unknown field")] for name in sorted(unknown)})
    person = Person(event=event, **fields)
    validate(person, CONSTRAINT_FIELDS)
    person.save()
    return person


@transaction.atomic
def person_update(*, person: Person, by: User | None, **changes: Any) -> Person:
    """Change a person's details. What the programme shows of them (name, honorific, position,
    organisation, country) is logged as a people change of each of their public sessions, so
    that calendars and live pages update; the private fields (email, account) are not."""
    _require(by, person.event, Action.MANAGE_AGENDA)
    programme = _lock(person.event)
    unknown = set(changes) - PERSON_FIELDS
    if unknown:
        raise InvalidInput.for_fields({name: [_("unknown field")] for name in sorted(unknown)})
    before = _public_person(person)
    changed = False
    for name, value in changes.items():
        if getattr(person, name) != value:
            setattr(person, name, value)
            changed = True
    if not changed:
        return person
    validate(person, CONSTRAINT_FIELDS)
    person.save()
    after = _public_person(person)
    if after == before:
        return person
    sessions = Session.objects.filter(roles__person=person).distinct().order_by("start", "pk")
    Session.objects.filter(pk__in=sessions.values("pk")).update(updated_at=timezone.now())
    for session in sessions:
        if _is_public(programme, session.status):
            _log(
                programme,
                kind=UpdateKind.PEOPLE,
                session=session,
                changes={"person": {"before": before, "after": after}},
                by=by,
            )
    return person


def _public_person(person: Person) -> dict[str, Any]:
    org = person.organization
    return {
        "id": person.pk,
        "name": person.display_name,
        "position": person.position,
        "organization": org.name if org else "",
        "country": person.country.code or "",
    }


def _touch(session: Session) -> None:
    """Mark a session changed (its people), for readers that ask what changed since when."""
    Session.objects.filter(pk=session.pk).update(updated_at=timezone.now())


@transaction.atomic
def person_delete(*, person: Person, by: User | None) -> None:
    _require(by, person.event, Action.MANAGE_AGENDA)
    _lock(person.event)  # no role can be added meanwhile
    count = person.roles.count()
    if count:
        raise Conflict(
            _(
                "%(person)s has %(count)s role(s) in sessions; remove them from those sessions "
                "first."
            )
            % {"person": person.display_name, "count": count},
            code="person_has_roles",
        )
    person.delete()


# --- personal agenda ------------------------------------------------------------------------


def bookmark_add(*, user: User, session: Session) -> Bookmark:
    """Put a session on the user's agenda (idempotent)."""
    if not user.is_authenticated:
        raise NotAuthenticated(_("Sign in to keep a personal agenda."))
    if not visible_sessions(user, session.event).filter(pk=session.pk).exists():
        raise NotFound(_("There is no such session on the programme."))
    bookmark, _created = Bookmark.objects.get_or_create(user=user, session=session)
    return bookmark


def bookmark_remove(*, user: User, session: Session) -> None:
    """Take a session off the user's agenda (idempotent)."""
    if user.is_authenticated:
        Bookmark.objects.filter(user=user, session=session).delete()
