"""Schedule conflicts: rooms, people, event dates, room kinds, cancelled sessions, delays and
daylight-saving changes, as the services enforce them and as event_conflicts reports them."""

import datetime as dt

import pytest

from events.models import AttendanceMode, Room
from sessions.conflicts import (
    Code,
    Placement,
    conflicts_by_session,
    conflicts_for,
    event_conflicts,
)
from sessions.models import (
    ConflictOverride,
    RoleKind,
    Session,
    SessionRole,
    SessionStatus,
    SessionUpdate,
    UpdateKind,
)
from sessions.services.chair import session_delay
from sessions.services.people import role_assign
from sessions.services.programme import ScheduleConflictError, programme_publish
from sessions.services.sessions import (
    session_cancel,
    session_create,
    session_move,
    session_set_status,
    session_update,
)
from tests.factories import (
    EventFactory,
    PersonFactory,
    RoomFactory,
    SessionFactory,
    SessionRoleFactory,
    at,
)
from tests.factories.sessions import session_at

pytestmark = pytest.mark.django_db

UTC = dt.UTC


@pytest.fixture
def virtual_room(event):
    return RoomFactory(event=event, name="Zoom", kind=Room.Kind.VIRTUAL, capacity=None)


def create(event, by, room, start, end, **fields):
    """Add a session through the service, as the agenda builder does."""
    fields.setdefault("title", "New session")
    fields.setdefault("kind", Session.Kind.PANEL)
    return session_create(event=event, by=by, room=room, start=start, end=end, **fields)


def codes(conflicts):
    return sorted(c.code for c in conflicts)


def unsaved(event, title="Candidate"):
    return Session(event=event, title=title, kind=Session.Kind.PANEL)


def placement(room, start, end, attendance=AttendanceMode.HYBRID, **kwargs):
    return Placement(start=start, end=end, room=room, attendance=attendance, **kwargs)


def wall_overlap(a_start, a_end, b_start, b_end) -> bool:
    """Do the intervals overlap on the clock on the wall (naive local times)?"""
    naive = [d.replace(tzinfo=None, fold=0) for d in (a_start, a_end, b_start, b_end)]
    return naive[0] < naive[3] and naive[2] < naive[1]


def real_overlap(a_start, a_end, b_start, b_end) -> bool:
    """Do the intervals overlap in real time (compared as UTC instants)?"""
    utc = [d.astimezone(UTC) for d in (a_start, a_end, b_start, b_end)]
    return utc[0] < utc[3] and utc[2] < utc[1]


# --- rooms ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("start", "end"),
    [
        ("10:30", "11:30"),  # overlaps the end
        ("09:30", "10:30"),  # overlaps the start
        ("10:15", "10:45"),  # inside
        ("09:00", "12:00"),  # around
        ("10:00", "11:00"),  # identical
        ("10:59", "11:30"),  # by one minute
    ],
)
def test_room_overlap_is_a_conflict(event, room, start, end):
    taken = session_at(event, room, at(event, 0, "10:00"), at(event, 0, "11:00"), title="Opening")
    found = conflicts_for(
        unsaved(event), placement(room, at(event, 0, start), at(event, 0, end), status="scheduled")
    )
    assert codes(found) == [Code.ROOM_OVERLAP]
    assert found[0].other_session == taken
    assert not found[0].overridable
    assert "“Opening”" in found[0].message
    assert "Hall A" in found[0].message


@pytest.mark.parametrize(
    ("start", "end"),
    [("11:00", "12:00"), ("09:00", "10:00"), ("12:00", "13:00"), ("08:00", "09:59")],
)
def test_no_room_conflict_when_not_overlapping(event, room, start, end):
    session_at(event, room, at(event, 0, "10:00"), at(event, 0, "11:00"))
    found = conflicts_for(
        unsaved(event), placement(room, at(event, 0, start), at(event, 0, end), status="scheduled")
    )
    assert found == []


def test_same_time_in_another_room_is_fine(event, room, room2, organiser):
    session_at(event, room, at(event, 0, "10:00"), at(event, 0, "11:00"))
    created = create(event, organiser, room2, at(event, 0, "10:00"), at(event, 0, "11:00"))
    assert created.pk is not None
    assert event_conflicts(event) == []


def test_room_overlap_blocks_create(event, room, organiser):
    session_at(event, room, at(event, 0, "10:00"), at(event, 0, "11:00"), title="Keynote Talk")
    with pytest.raises(ScheduleConflictError) as caught:
        create(event, organiser, room, at(event, 0, "10:30"), at(event, 0, "11:30"), title="Late")
    error = caught.value
    assert error.status == 409
    assert error.code == "schedule_conflict"
    assert error.details["can_override"] is False
    assert [c["code"] for c in error.details["conflicts"]] == [Code.ROOM_OVERLAP]
    assert error.details["conflicts"][0]["other_session"]["title"] == "Keynote Talk"
    assert "“Keynote Talk”" in error.message
    assert not Session.objects.filter(title="Late").exists()


def test_room_overlap_cannot_be_overridden(event, room, organiser):
    session_at(event, room, at(event, 0, "10:00"), at(event, 0, "11:00"), title="Keynote Talk")
    with pytest.raises(ScheduleConflictError) as caught:
        create(
            event,
            organiser,
            room,
            at(event, 0, "10:30"),
            at(event, 0, "11:30"),
            title="Late",
            override=True,
        )
    assert caught.value.details["can_override"] is False
    assert not Session.objects.filter(title="Late").exists()
    assert not ConflictOverride.objects.exists()


def test_room_overlap_blocks_move_and_override_does_not_help(event, room, room2, organiser):
    session_at(event, room, at(event, 0, "10:00"), at(event, 0, "11:00"), title="Keynote Talk")
    mover = session_at(event, room2, at(event, 0, "10:30"), at(event, 0, "11:30"))
    for override in (False, True):
        with pytest.raises(ScheduleConflictError) as caught:
            session_move(session=mover, by=organiser, room=room, override=override)
        assert "“Keynote Talk”" in caught.value.message
    mover.refresh_from_db()
    assert mover.room == room2


def test_room_overlap_with_a_draft_counts(event, room, organiser):
    """Drafts hold their room too: the builder must not double-book while planning."""
    session_at(
        event,
        room,
        at(event, 0, "10:00"),
        at(event, 0, "11:00"),
        title="Draft panel",
        status=SessionStatus.DRAFT,
    )
    with pytest.raises(ScheduleConflictError) as caught:
        create(event, organiser, room, at(event, 0, "10:30"), at(event, 0, "11:30"))
    assert "“Draft panel”" in caught.value.message


# --- back to back ---------------------------------------------------------------------------


def test_back_to_back_in_the_same_room_is_not_a_conflict(event, room, organiser):
    session_at(event, room, at(event, 0, "10:00"), at(event, 0, "11:00"))
    after = create(event, organiser, room, at(event, 0, "11:00"), at(event, 0, "12:00"))
    before = create(
        event, organiser, room, at(event, 0, "09:00"), at(event, 0, "10:00"), title="Before"
    )
    assert after.pk and before.pk
    assert event_conflicts(event) == []


def test_back_to_back_for_the_same_person_is_not_a_conflict(event, room, room2, organiser):
    person = PersonFactory(event=event)
    first = session_at(event, room, at(event, 0, "10:00"), at(event, 0, "11:00"))
    SessionRoleFactory(session=first, person=person, role=RoleKind.CHAIR)
    second = create(
        event,
        organiser,
        room2,
        at(event, 0, "11:00"),
        at(event, 0, "12:00"),
        people=[(person, RoleKind.SPEAKER)],
    )
    assert second.roles.get().person == person
    third = session_at(event, room2, at(event, 0, "09:00"), at(event, 0, "10:00"))
    role_assign(session=third, by=organiser, person=person, role=RoleKind.RAPPORTEUR)
    assert event_conflicts(event) == []


# --- people ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("role_there", "role_here"),
    [
        (RoleKind.CHAIR, RoleKind.SPEAKER),
        (RoleKind.SPEAKER, RoleKind.SPEAKER),
        (RoleKind.RAPPORTEUR, RoleKind.MODERATOR),
        (RoleKind.HOST, RoleKind.PANELLIST),
        (RoleKind.FACILITATOR, RoleKind.RAPPORTEUR),
    ],
)
def test_person_in_two_overlapping_sessions_blocks_create(
    event, room, room2, organiser, role_there, role_here
):
    person = PersonFactory(event=event, name="Amina Diallo")
    there = session_at(
        event, room, at(event, 0, "10:00"), at(event, 0, "11:00"), title="Water Forum"
    )
    SessionRoleFactory(session=there, person=person, role=role_there)
    with pytest.raises(ScheduleConflictError) as caught:
        create(
            event,
            organiser,
            room2,
            at(event, 0, "10:30"),
            at(event, 0, "11:30"),
            title="Here",
            people=[(person, role_here)],
        )
    error = caught.value
    assert error.status == 409
    assert error.details["can_override"] is True
    [conflict] = error.conflicts
    assert conflict.code == Code.PERSON_OVERLAP
    assert conflict.person == person
    assert conflict.other_session == there
    assert conflict.overridable
    assert "Amina Diallo" in conflict.message
    assert "“Water Forum”" in conflict.message
    assert not Session.objects.filter(title="Here").exists()
    assert not ConflictOverride.objects.exists()


def test_person_overlap_blocks_role_assign(event, room, room2, organiser):
    person = PersonFactory(event=event)
    there = session_at(event, room, at(event, 0, "10:00"), at(event, 0, "11:00"), title="There")
    SessionRoleFactory(session=there, person=person, role=RoleKind.SPEAKER)
    here = session_at(event, room2, at(event, 0, "10:30"), at(event, 0, "11:30"))
    with pytest.raises(ScheduleConflictError) as caught:
        role_assign(session=here, by=organiser, person=person, role=RoleKind.CHAIR)
    assert "“There”" in caught.value.message
    assert not here.roles.exists()


def test_person_overlap_blocks_move(event, room, room2, organiser):
    person = PersonFactory(event=event)
    there = session_at(event, room, at(event, 0, "10:00"), at(event, 0, "11:00"), title="There")
    SessionRoleFactory(session=there, person=person, role=RoleKind.SPEAKER)
    here = session_at(event, room2, at(event, 0, "14:00"), at(event, 0, "15:00"))
    SessionRoleFactory(session=here, person=person, role=RoleKind.MODERATOR)
    with pytest.raises(ScheduleConflictError) as caught:
        session_move(session=here, by=organiser, start=at(event, 0, "10:45"))
    assert [c.code for c in caught.value.conflicts] == [Code.PERSON_OVERLAP]
    here.refresh_from_db()
    assert here.start == at(event, 0, "14:00")


def test_different_people_do_not_conflict(event, room, room2, organiser):
    there = session_at(event, room, at(event, 0, "10:00"), at(event, 0, "11:00"))
    SessionRoleFactory(session=there, role=RoleKind.SPEAKER)
    here = create(
        event,
        organiser,
        room2,
        at(event, 0, "10:00"),
        at(event, 0, "11:00"),
        people=[(PersonFactory(event=event), RoleKind.SPEAKER)],
    )
    assert here.pk
    assert event_conflicts(event) == []


def test_person_override_is_recorded_and_then_accepted(event, room, room2, organiser):
    programme_publish(event=event, by=organiser)
    person = PersonFactory(event=event, name="Li Wei")
    there = session_at(event, room, at(event, 0, "10:00"), at(event, 0, "11:00"), title="There")
    SessionRoleFactory(session=there, person=person, role=RoleKind.CHAIR)

    here = create(
        event,
        organiser,
        room2,
        at(event, 0, "10:30"),
        at(event, 0, "11:30"),
        title="Here",
        status=SessionStatus.SCHEDULED,
        people=[(person, RoleKind.SPEAKER)],
        override=True,
    )

    override = ConflictOverride.objects.get()
    assert override.session == here
    assert override.code == Code.PERSON_OVERLAP
    assert override.other_session == there
    assert override.person == person
    assert override.created_by == organiser

    update = SessionUpdate.objects.get(event=event, session=here)
    assert update.kind == UpdateKind.PUBLISHED
    assert len(update.overridden) == 1
    assert update.overridden[0]["code"] == Code.PERSON_OVERLAP
    assert update.overridden[0]["other_session"]["id"] == there.pk
    assert update.overridden[0]["person"]["id"] == person.pk

    [conflict] = event_conflicts(event)
    assert conflict.code == Code.PERSON_OVERLAP
    assert conflict.accepted is True
    assert conflict.as_dict()["accepted"] is True
    assert conflicts_by_session(event_conflicts(event)) == {}

    # An edit that leaves the time alone keeps the acceptance.
    session_update(session=here, by=organiser, title="Here, renamed")
    assert ConflictOverride.objects.count() == 1
    assert conflicts_for(there, Placement.of(there))[0].accepted is True


def test_an_acceptance_is_for_a_placement_and_a_move_asks_again(event, room, room2, organiser):
    person = PersonFactory(event=event, name="Li Wei")
    there = session_at(event, room, at(event, 0, "10:00"), at(event, 0, "11:00"), title="There")
    SessionRoleFactory(session=there, person=person, role=RoleKind.CHAIR)
    here = create(
        event,
        organiser,
        room2,
        at(event, 0, "10:30"),
        at(event, 0, "11:30"),
        people=[(person, RoleKind.SPEAKER)],
        override=True,
    )

    # Away and back again: the earlier acceptance does not carry over.
    session_move(session=here, by=organiser, start=at(event, 0, "12:00"))
    assert not ConflictOverride.objects.exists()
    with pytest.raises(ScheduleConflictError):
        session_move(session=here, by=organiser, start=at(event, 0, "10:15"))
    session_move(session=here, by=organiser, start=at(event, 0, "10:15"), override=True)
    assert ConflictOverride.objects.get().session == here


def test_moving_the_other_session_voids_the_acceptance_too(event, room, room2, organiser):
    person = PersonFactory(event=event)
    there = session_at(event, room, at(event, 0, "10:00"), at(event, 0, "11:00"))
    SessionRoleFactory(session=there, person=person, role=RoleKind.CHAIR)
    create(
        event,
        organiser,
        room2,
        at(event, 0, "10:30"),
        at(event, 0, "11:30"),
        people=[(person, RoleKind.SPEAKER)],
        override=True,
    )

    with pytest.raises(ScheduleConflictError):
        session_move(session=there, by=organiser, start=at(event, 0, "10:45"))
    assert ConflictOverride.objects.count() == 1  # the refused move changed nothing


def test_person_override_through_role_assign(event, room, room2, organiser):
    programme_publish(event=event, by=organiser)
    person = PersonFactory(event=event)
    there = session_at(event, room, at(event, 0, "10:00"), at(event, 0, "11:00"), title="There")
    SessionRoleFactory(session=there, person=person, role=RoleKind.SPEAKER)
    here = session_at(event, room2, at(event, 0, "10:30"), at(event, 0, "11:30"))

    role_assign(session=here, by=organiser, person=person, role=RoleKind.CHAIR, override=True)

    assert here.roles.get().person == person
    assert ConflictOverride.objects.filter(
        session=here, other_session=there, person=person, code=Code.PERSON_OVERLAP
    ).exists()
    update = SessionUpdate.objects.get(kind=UpdateKind.PEOPLE)
    assert [c["code"] for c in update.overridden] == [Code.PERSON_OVERLAP]
    assert [c.accepted for c in event_conflicts(event)] == [True]


def test_override_before_publication_is_recorded_without_a_log_entry(event, room, room2, organiser):
    person = PersonFactory(event=event)
    there = session_at(event, room, at(event, 0, "10:00"), at(event, 0, "11:00"))
    SessionRoleFactory(session=there, person=person)
    here = session_at(event, room2, at(event, 0, "10:30"), at(event, 0, "11:30"))
    role_assign(session=here, by=organiser, person=person, role=RoleKind.CHAIR, override=True)
    assert ConflictOverride.objects.count() == 1
    assert not SessionUpdate.objects.exists()
    assert [c.accepted for c in event_conflicts(event)] == [True]


def test_override_covers_only_the_person_it_was_given_for(event, room, room2, organiser):
    first, second = PersonFactory(event=event), PersonFactory(event=event)
    there = session_at(event, room, at(event, 0, "10:00"), at(event, 0, "11:00"))
    SessionRoleFactory(session=there, person=first)
    SessionRoleFactory(session=there, person=second)
    here = session_at(event, room2, at(event, 0, "10:30"), at(event, 0, "11:30"))
    role_assign(session=here, by=organiser, person=first, role=RoleKind.SPEAKER, override=True)
    with pytest.raises(ScheduleConflictError) as caught:
        role_assign(session=here, by=organiser, person=second, role=RoleKind.SPEAKER)
    assert [c.person for c in caught.value.conflicts] == [second]


def test_unresolved_person_and_room_conflicts_are_reported_once_per_pair(event, room, room2):
    person = PersonFactory(event=event, name="Zhang San")
    a = session_at(event, room, at(event, 0, "10:00"), at(event, 0, "11:00"), title="A")
    b = session_at(event, room, at(event, 0, "10:30"), at(event, 0, "11:30"), title="B")
    c = session_at(event, room2, at(event, 0, "10:45"), at(event, 0, "12:00"), title="C")
    SessionRoleFactory(session=a, person=person, role=RoleKind.CHAIR)
    SessionRoleFactory(session=c, person=person, role=RoleKind.SPEAKER)
    # Two roles in the same session are one person conflict, not two.
    SessionRoleFactory(session=c, person=person, role=RoleKind.RAPPORTEUR)

    found = event_conflicts(event)

    by_key = {(c.code, frozenset({c.session.pk, c.other_session.pk})): c for c in found}
    assert len(found) == 2
    room_conflict = by_key[(Code.ROOM_OVERLAP, frozenset({a.pk, b.pk}))]
    person_conflict = by_key[(Code.PERSON_OVERLAP, frozenset({a.pk, c.pk}))]
    assert not room_conflict.accepted and not person_conflict.accepted
    assert person_conflict.person == person
    assert "Zhang San" in person_conflict.message
    other = person_conflict.other_session.title
    assert f"“{other}”" in person_conflict.message
    marked = conflicts_by_session(found)
    assert set(marked) == {a.pk, b.pk, c.pk}
    assert len(marked[a.pk]) == 2


# --- event dates ----------------------------------------------------------------------------


def test_session_crossing_midnight_after_the_last_day_is_outside(event, room, organiser):
    last = (event.end_date - event.start_date).days
    with pytest.raises(ScheduleConflictError) as caught:
        create(
            event,
            organiser,
            room,
            at(event, last, "23:30"),
            at(event, last, "23:30") + dt.timedelta(hours=1),
            title="Night owls",
        )
    [conflict] = caught.value.conflicts
    assert conflict.code == Code.OUTSIDE_EVENT_DATES
    assert conflict.overridable
    assert "Night owls" in conflict.message
    assert event.end_date.isoformat() in conflict.message
    assert "Asia/Shanghai" in conflict.message


def test_session_ending_exactly_at_midnight_of_the_last_day_is_inside(event, room, organiser):
    last = (event.end_date - event.start_date).days
    created = create(event, organiser, room, at(event, last, "23:00"), at(event, last + 1, "00:00"))
    assert created.pk
    assert event_conflicts(event) == []


def test_dates_are_read_in_the_event_time_zone(event, room):
    """07:00 in Shanghai on the first day is still the previous day in UTC: inside. 07:00 the
    morning after the last day is still the last day in UTC: outside."""
    morning = at(event, 0, "07:00")
    assert morning.astimezone(UTC).date() < event.start_date
    assert conflicts_for(unsaved(event), placement(room, morning, at(event, 0, "08:00"))) == []
    last = (event.end_date - event.start_date).days
    morning_after = at(event, last + 1, "07:00")
    assert morning_after.astimezone(UTC).date() == event.end_date
    found = conflicts_for(
        unsaved(event), placement(room, morning_after, at(event, last + 1, "08:00"))
    )
    assert codes(found) == [Code.OUTSIDE_EVENT_DATES]


def test_dates_in_los_angeles():
    event = EventFactory(
        timezone="America/Los_Angeles",
        start_date=dt.date(2026, 6, 10),
        end_date=dt.date(2026, 6, 11),
    )
    room = RoomFactory(event=event)
    morning = at(event, 0, "07:00")
    assert morning.astimezone(UTC) == dt.datetime(2026, 6, 10, 14, tzinfo=UTC)
    assert conflicts_for(unsaved(event), placement(room, morning, at(event, 0, "08:00"))) == []

    # 17:00 on the last day is already the next day in UTC: still inside.
    late = at(event, 1, "17:00")
    assert late.astimezone(UTC).date() == dt.date(2026, 6, 12)
    assert conflicts_for(unsaved(event), placement(room, late, at(event, 1, "18:00"))) == []

    # 23:00 the evening before is the first day in UTC: outside.
    before = at(event, -1, "23:00")
    assert before.astimezone(UTC).date() == event.start_date
    found = conflicts_for(
        unsaved(event), placement(room, before, before + dt.timedelta(minutes=30))
    )
    assert codes(found) == [Code.OUTSIDE_EVENT_DATES]
    assert "America/Los_Angeles" in found[0].message

    # The morning after the last day.
    after = at(event, 2, "09:00")
    found = conflicts_for(unsaved(event), placement(room, after, at(event, 2, "10:00")))
    assert codes(found) == [Code.OUTSIDE_EVENT_DATES]


def test_outside_dates_can_be_overridden_and_is_then_accepted(event, room, organiser):
    before = at(event, -1, "15:00")
    session = create(event, organiser, room, before, before + dt.timedelta(hours=1), override=True)
    override = ConflictOverride.objects.get()
    assert (override.session, override.code, override.other_session, override.person) == (
        session,
        Code.OUTSIDE_EVENT_DATES,
        None,
        None,
    )
    [conflict] = event_conflicts(event)
    assert conflict.code == Code.OUTSIDE_EVENT_DATES
    assert conflict.accepted
    assert conflicts_by_session([conflict]) == {}


# --- room kinds -----------------------------------------------------------------------------


def test_in_person_session_in_a_virtual_room(event, virtual_room, organiser):
    with pytest.raises(ScheduleConflictError) as caught:
        create(
            event,
            organiser,
            virtual_room,
            at(event, 0, "10:00"),
            at(event, 0, "11:00"),
            title="Site visit",
            attendance=AttendanceMode.IN_PERSON,
        )
    [conflict] = caught.value.conflicts
    assert conflict.code == Code.IN_PERSON_IN_VIRTUAL_ROOM
    assert "Site visit" in conflict.message and "Zoom" in conflict.message
    assert caught.value.details["can_override"] is True


def test_online_session_in_a_physical_room(event, room, organiser):
    session = session_at(event, room, at(event, 0, "14:00"), at(event, 0, "15:00"))
    with pytest.raises(ScheduleConflictError) as caught:
        session_update(
            session=session, by=organiser, attendance=AttendanceMode.ONLINE, title="Webinar"
        )
    assert [c.code for c in caught.value.conflicts] == [Code.ONLINE_IN_PHYSICAL_ROOM]
    session.refresh_from_db()
    assert session.attendance == AttendanceMode.HYBRID


@pytest.mark.parametrize(
    ("kind", "attendance"),
    [
        (Room.Kind.VIRTUAL, AttendanceMode.ONLINE),
        (Room.Kind.VIRTUAL, AttendanceMode.HYBRID),
        (Room.Kind.PHYSICAL, AttendanceMode.IN_PERSON),
        (Room.Kind.PHYSICAL, AttendanceMode.HYBRID),
    ],
)
def test_fitting_room_kinds(event, kind, attendance):
    capacity = None if kind == Room.Kind.VIRTUAL else 40
    room = RoomFactory(event=event, kind=kind, capacity=capacity)
    found = conflicts_for(
        unsaved(event), placement(room, at(event, 0, "10:00"), at(event, 0, "11:00"), attendance)
    )
    assert found == []


def test_room_kind_conflicts_show_in_event_conflicts(event, room, virtual_room):
    online = session_at(
        event,
        room,
        at(event, 0, "10:00"),
        at(event, 0, "11:00"),
        attendance=AttendanceMode.ONLINE,
    )
    in_person = session_at(
        event,
        virtual_room,
        at(event, 0, "10:00"),
        at(event, 0, "11:00"),
        attendance=AttendanceMode.IN_PERSON,
    )
    found = {(c.code, c.session) for c in event_conflicts(event)}
    assert found == {
        (Code.ONLINE_IN_PHYSICAL_ROOM, online),
        (Code.IN_PERSON_IN_VIRTUAL_ROOM, in_person),
    }


# --- cancelled sessions ---------------------------------------------------------------------


def test_cancelled_session_frees_its_room_and_people(event, room, organiser):
    person = PersonFactory(event=event)
    cancelled = session_at(event, room, at(event, 0, "10:00"), at(event, 0, "11:00"))
    SessionRoleFactory(session=cancelled, person=person)
    session_cancel(session=cancelled, by=organiser)
    replacement = create(
        event,
        organiser,
        room,
        at(event, 0, "10:00"),
        at(event, 0, "11:00"),
        people=[(person, RoleKind.CHAIR)],
    )
    assert replacement.pk
    assert event_conflicts(event) == []


def test_cancelled_session_has_no_conflicts_of_its_own(event, room, virtual_room):
    start = at(event, 5, "10:00")  # outside the dates, too
    found = conflicts_for(
        unsaved(event),
        placement(
            virtual_room,
            start,
            start + dt.timedelta(hours=1),
            AttendanceMode.IN_PERSON,
            status=SessionStatus.CANCELLED,
        ),
    )
    assert found == []
    # A live session in the room, and a cancelled one at the same time that would not fit it.
    SessionFactory(event=event, room=virtual_room)
    session_at(
        event,
        virtual_room,
        at(event, 0, "10:00"),
        at(event, 0, "11:00"),
        attendance=AttendanceMode.IN_PERSON,
        status=SessionStatus.CANCELLED,
    )
    assert event_conflicts(event) == []


def test_reinstating_a_cancelled_session_whose_room_was_taken(event, room, organiser):
    cancelled = session_at(event, room, at(event, 0, "10:00"), at(event, 0, "11:00"))
    session_cancel(session=cancelled, by=organiser)
    create(event, organiser, room, at(event, 0, "10:30"), at(event, 0, "11:30"), title="Taker")
    with pytest.raises(ScheduleConflictError) as caught:
        session_set_status(session=cancelled, by=organiser, status=SessionStatus.SCHEDULED)
    assert "“Taker”" in caught.value.message
    cancelled.refresh_from_db()
    assert cancelled.status == SessionStatus.CANCELLED


# --- delays ---------------------------------------------------------------------------------


def test_delay_into_the_next_session_in_the_room_is_reported(event, room, organiser):
    first = session_at(event, room, at(event, 0, "10:00"), at(event, 0, "11:00"), title="First")
    second = session_at(event, room, at(event, 0, "11:00"), at(event, 0, "12:00"), title="Second")
    assert event_conflicts(event) == []

    session_delay(session=first, by=organiser, minutes=15)

    [conflict] = event_conflicts(event)
    assert conflict.code == Code.ROOM_OVERLAP
    assert {conflict.session, conflict.other_session} == {first, second}
    assert not conflict.accepted
    other = conflict.other_session
    assert f"“{other.title}”" in conflict.message
    assert set(conflicts_by_session([conflict])) == {first.pk, second.pk}


def test_delay_message_shows_the_actual_time_in_the_event_zone(event, room, organiser):
    late = session_at(event, room, at(event, 0, "10:00"), at(event, 0, "11:00"), title="Late")
    session_delay(session=late, by=organiser, minutes=15)
    with pytest.raises(ScheduleConflictError) as caught:
        create(event, organiser, room, at(event, 0, "11:00"), at(event, 0, "12:00"))
    message = caught.value.message
    assert "“Late”" in message
    assert "10:15–11:15" in message
    assert "(UTC+08:00)" in message


def test_delay_with_shift_following_leaves_no_conflict(event, room, organiser):
    first = session_at(event, room, at(event, 0, "10:00"), at(event, 0, "11:00"))
    session_at(event, room, at(event, 0, "11:00"), at(event, 0, "12:00"))
    session_delay(session=first, by=organiser, minutes=15, shift_following=True)
    assert event_conflicts(event) == []


def test_delay_into_a_session_in_another_room_is_not_a_conflict(event, room, room2, organiser):
    first = session_at(event, room, at(event, 0, "10:00"), at(event, 0, "11:00"))
    session_at(event, room2, at(event, 0, "11:00"), at(event, 0, "12:00"))
    session_delay(session=first, by=organiser, minutes=30)
    assert event_conflicts(event) == []


def test_delay_makes_a_person_overlap(event, room, room2, organiser):
    person = PersonFactory(event=event, name="Busy Person")
    first = session_at(event, room, at(event, 0, "10:00"), at(event, 0, "11:00"), title="First")
    second = session_at(event, room2, at(event, 0, "11:00"), at(event, 0, "12:00"), title="Second")
    SessionRoleFactory(session=first, person=person, role=RoleKind.SPEAKER)
    SessionRoleFactory(session=second, person=person, role=RoleKind.CHAIR)
    session_delay(session=first, by=organiser, minutes=10)
    [conflict] = event_conflicts(event)
    assert conflict.code == Code.PERSON_OVERLAP
    assert conflict.person == person


def test_delay_induced_room_overlap_does_not_block_adding_a_free_person(event, room, organiser):
    """Adding someone who is free to a session that runs late is not a room decision: only the
    new person's own conflicts should be checked."""
    first = session_at(event, room, at(event, 0, "10:00"), at(event, 0, "11:00"))
    session_at(event, room, at(event, 0, "11:00"), at(event, 0, "12:00"))
    session_delay(session=first, by=organiser, minutes=15)
    newcomer = PersonFactory(event=event)
    link = role_assign(session=first, by=organiser, person=newcomer, role=RoleKind.RAPPORTEUR)
    assert link.pk
    assert SessionRole.objects.filter(session=first, person=newcomer).exists()


# --- daylight saving time -------------------------------------------------------------------
#
# Each case is tried twice: with the times given as UTC instants, and as the local datetimes
# themselves (zoneinfo, with fold=1 for the second pass through the repeated hour). Both name the
# same instants, so both must give the same answer.

GIVEN = [pytest.param("utc", id="given-utc"), pytest.param("local", id="given-local")]


def given(moment, how):
    return moment.astimezone(UTC) if how == "utc" else moment


def add(event, title, room, start, end, how, **fields):
    return session_create(
        event=event,
        by=None,
        title=title,
        kind=Session.Kind.PANEL,
        room=room,
        start=given(start, how),
        end=given(end, how),
        **fields,
    )


@pytest.fixture
def paris_autumn(db):
    """Europe/Paris on the night DST ends: 2026-10-25 03:00 CEST becomes 02:00 CET."""
    return EventFactory(
        timezone="Europe/Paris",
        start_date=dt.date(2026, 10, 24),
        end_date=dt.date(2026, 10, 26),
    )


def paris(event, hh, mm, fold=0):
    return dt.datetime(2026, 10, 25, hh, mm, tzinfo=event.tzinfo, fold=fold)


def test_autumn_local_times_name_the_intended_instants(paris_autumn):
    """The premise of the autumn cases, checked with zoneinfo."""
    event = paris_autumn
    assert paris(event, 1, 30).astimezone(UTC) == dt.datetime(2026, 10, 24, 23, 30, tzinfo=UTC)
    assert paris(event, 2, 30).astimezone(UTC) == dt.datetime(2026, 10, 25, 0, 30, tzinfo=UTC)
    assert paris(event, 2, 15, 1).astimezone(UTC) == dt.datetime(2026, 10, 25, 1, 15, tzinfo=UTC)
    assert paris(event, 3, 0).astimezone(UTC) == dt.datetime(2026, 10, 25, 2, 0, tzinfo=UTC)


@pytest.mark.parametrize("how", GIVEN)
def test_autumn_wall_clock_overlap_that_is_not_a_real_overlap(paris_autumn, how):
    event = paris_autumn
    room = RoomFactory(event=event)
    a_start, a_end = paris(event, 1, 30), paris(event, 2, 30)  # CEST: 23:30Z-00:30Z
    b_start, b_end = paris(event, 2, 15, fold=1), paris(event, 3, 0)  # CET: 01:15Z-02:00Z
    assert wall_overlap(a_start, a_end, b_start, b_end)
    assert not real_overlap(a_start, a_end, b_start, b_end)

    person = PersonFactory(event=event)
    first = session_at(event, room, a_start, a_end)
    SessionRoleFactory(session=first, person=person)
    second = add(
        event, "After the change", room, b_start, b_end, how, people=[(person, RoleKind.CHAIR)]
    )
    second.refresh_from_db()
    assert second.start == b_start.astimezone(UTC)
    assert second.duration_minutes == 45
    assert event_conflicts(event) == []


@pytest.mark.parametrize("how", GIVEN)
def test_autumn_wall_clock_gap_that_is_a_real_overlap(paris_autumn, how):
    event = paris_autumn
    room = RoomFactory(event=event)
    # 02:40 CEST to 03:00 CET is 80 minutes: 00:40Z-02:00Z. 02:10-02:30 CET is 01:10Z-01:30Z.
    a_start, a_end = paris(event, 2, 40), paris(event, 3, 0)
    b_start, b_end = paris(event, 2, 10, fold=1), paris(event, 2, 30, fold=1)
    assert not wall_overlap(a_start, a_end, b_start, b_end)
    assert real_overlap(a_start, a_end, b_start, b_end)

    first = session_at(event, room, a_start, a_end, title="Long night")
    first.refresh_from_db()
    assert first.duration_minutes == 80
    with pytest.raises(ScheduleConflictError) as caught:
        add(event, "Second 02:10", room, b_start, b_end, how)
    [conflict] = caught.value.conflicts
    assert conflict.code == Code.ROOM_OVERLAP
    assert "“Long night”" in conflict.message
    assert "02:40–03:00 (UTC+02:00)" in conflict.message
    assert not Session.objects.filter(title="Second 02:10").exists()


def test_autumn_overlaps_in_event_conflicts(paris_autumn):
    event = paris_autumn
    room = RoomFactory(event=event)
    person = PersonFactory(event=event)
    # Apart on the wall clock, together in real time: a room and a person conflict.
    a = session_at(event, room, paris(event, 2, 40), paris(event, 3, 0), title="A")
    b = session_at(event, room, paris(event, 2, 10, 1), paris(event, 2, 30, 1), title="B")
    SessionRoleFactory(session=a, person=person)
    SessionRoleFactory(session=b, person=person)
    # Together on the wall clock, apart in real time: nothing.
    other_room = RoomFactory(event=event)
    c = session_at(event, other_room, paris(event, 1, 30), paris(event, 2, 30), title="C")
    d = session_at(event, other_room, paris(event, 2, 15, 1), paris(event, 3, 0), title="D")
    found = event_conflicts(event)
    assert codes(found) == [Code.PERSON_OVERLAP, Code.ROOM_OVERLAP]
    for conflict in found:
        assert {conflict.session, conflict.other_session} == {a, b}
    assert c.pk not in conflicts_by_session(found) and d.pk not in conflicts_by_session(found)


SPRING = [
    pytest.param("Europe/Paris", dt.date(2026, 3, 29), id="paris-2026-03-29"),
    pytest.param("America/New_York", dt.date(2026, 3, 8), id="new-york-2026-03-08"),
]


def spring_event(zone, day):
    return EventFactory(timezone=zone, start_date=day, end_date=day + dt.timedelta(days=1))


def wall(event, day, hh, mm, fold=0):
    return dt.datetime.combine(day, dt.time(hh, mm), tzinfo=event.tzinfo).replace(fold=fold)


@pytest.mark.parametrize(("zone", "day"), SPRING)
def test_spring_session_across_the_gap_is_shorter_and_back_to_back(db, zone, day):
    """01:00 to 03:00 on the night the clocks go forward is one real hour; a session at 03:00
    follows it without overlap, one a minute earlier overlaps it."""
    event = spring_event(zone, day)
    room = RoomFactory(event=event)
    first = session_at(event, room, wall(event, day, 1, 0), wall(event, day, 3, 0))
    first.refresh_from_db()
    assert first.duration_minutes == 60
    add(event, "At three", room, wall(event, day, 3, 0), wall(event, day, 4, 0), "local")
    assert event_conflicts(event) == []
    with pytest.raises(ScheduleConflictError):
        add(event, "At 01:59", room, wall(event, day, 1, 59), wall(event, day, 3, 30), "local")


@pytest.mark.parametrize("how", GIVEN)
@pytest.mark.parametrize(("zone", "day"), SPRING)
def test_spring_wall_clock_gap_that_is_a_real_overlap(db, zone, day, how):
    """A session entered as ending at 02:30, a time that does not exist that night, is read with
    the winter offset (fold=0), i.e. it ends at 03:30 summer time, after 03:15."""
    event = spring_event(zone, day)
    room = RoomFactory(event=event)
    a_start, a_end = wall(event, day, 1, 45), wall(event, day, 2, 30)
    b_start, b_end = wall(event, day, 3, 15), wall(event, day, 4, 0)
    assert not wall_overlap(a_start, a_end, b_start, b_end)
    assert real_overlap(a_start, a_end, b_start, b_end)
    session_at(event, room, a_start, a_end, title="Before the change")
    with pytest.raises(ScheduleConflictError) as caught:
        add(event, "After", room, b_start, b_end, how)
    assert "“Before the change”" in caught.value.message
    session_at(event, room, b_start, b_end)
    assert codes(event_conflicts(event)) == [Code.ROOM_OVERLAP]


@pytest.mark.parametrize("how", GIVEN)
@pytest.mark.parametrize(("zone", "day"), SPRING)
def test_spring_wall_clock_overlap_that_is_not_a_real_overlap(db, zone, day, how):
    """Ending at “02:30” with fold=1 (summer offset) is 01:30 winter time; starting at “02:15”
    with fold=0 (winter offset) is 03:15 summer time: no overlap in real time."""
    event = spring_event(zone, day)
    room = RoomFactory(event=event)
    a_start, a_end = wall(event, day, 1, 15), wall(event, day, 2, 30, fold=1)
    b_start, b_end = wall(event, day, 2, 15), wall(event, day, 4, 0)
    assert wall_overlap(a_start, a_end, b_start, b_end)
    assert not real_overlap(a_start, a_end, b_start, b_end)
    session_at(event, room, b_start, b_end)
    add(event, "Before", room, a_start, a_end, how)
    assert event_conflicts(event) == []
