"""The programme's write services: what they change, what they refuse, who may call them, and
the public update log they keep (numbered per event without gaps, one entry per public change,
nothing for drafts or before the programme is published)."""

import datetime as dt
from types import SimpleNamespace

import pytest
from django.contrib.auth.models import AnonymousUser

from confman.core.exceptions import (
    Conflict,
    DomainError,
    InvalidInput,
    NotAuthenticated,
    NotFound,
    PermissionDenied,
)
from events.models import Room
from events.services import event_part_delete
from sessions.models import (
    CHAIRING_ROLES,
    Bookmark,
    Person,
    Programme,
    RoleKind,
    Session,
    SessionRole,
    SessionStatus,
    SessionUpdate,
    UpdateKind,
)
from sessions.selectors import delay_preview, move_preview
from sessions.services.bookmarks import bookmark_add, bookmark_remove
from sessions.services.chair import announcement_create, session_delay, session_set_next_speaker
from sessions.services.people import (
    person_add_to_session,
    person_create,
    person_delete,
    person_update,
    role_assign,
    role_remove,
)
from sessions.services.programme import ScheduleConflictError, programme_publish
from sessions.services.sessions import (
    session_cancel,
    session_create,
    session_delete,
    session_move,
    session_publish,
    session_set_status,
    session_update,
)
from tests.factories import (
    EventFactory,
    PersonFactory,
    RoomFactory,
    SessionFactory,
    SessionRoleFactory,
    TrackFactory,
    UserFactory,
    at,
)
from tests.factories.sessions import session_at
from tests.helpers import iso_utc

pytestmark = pytest.mark.django_db

UTC = dt.UTC
Status = SessionStatus


def fields_of(error: InvalidInput) -> set[str]:
    return {problem["field"] for problem in error.errors}


def updates(event) -> list[SessionUpdate]:
    return list(SessionUpdate.objects.filter(event=event).order_by("sequence"))


def kinds(event) -> list[str]:
    return [u.kind for u in updates(event)]


def sequences(event) -> list[int]:
    return [u.sequence for u in updates(event)]


def last_update(event) -> SessionUpdate:
    return SessionUpdate.objects.filter(event=event).latest("sequence")


@pytest.fixture
def session(event, room):
    return session_at(
        event, room, at(event, 0, "10:00"), at(event, 0, "11:30"), title="Opening Panel"
    )


@pytest.fixture
def published(event):
    """The event with its programme public (the publication is update #1)."""
    programme_publish(event=event, by=None)
    return event


# --- create ---------------------------------------------------------------------------------


def test_create_makes_a_draft_by_default_and_logs_nothing(event, room, organiser):
    created = session_create(
        event=event,
        by=organiser,
        title="Launch",
        kind=Session.Kind.LAUNCH,
        room=room,
        start=at(event, 0, "09:00"),
        end=at(event, 0, "09:30"),
    )
    created.refresh_from_db()
    assert created.status == Status.DRAFT
    assert created.room == room
    assert created.duration_minutes == 30
    assert Programme.objects.get(event=event).last_sequence == 0
    assert not SessionUpdate.objects.exists()


def test_create_an_unplaced_draft(event, organiser):
    created = session_create(event=event, by=organiser, title="Idea", kind=Session.Kind.PANEL)
    assert created.start is None and created.end is None and created.room is None
    assert created.status == Status.DRAFT


def test_create_with_people_keeps_their_order(event, room, organiser):
    chair, speaker = PersonFactory(event=event), PersonFactory(event=event)
    created = session_create(
        event=event,
        by=organiser,
        title="Panel",
        kind=Session.Kind.PANEL,
        room=room,
        start=at(event, 0, "09:00"),
        end=at(event, 0, "10:00"),
        people=[(chair, RoleKind.CHAIR), (speaker, RoleKind.SPEAKER)],
    )
    roles = list(created.roles.order_by("order"))
    assert [(r.person, r.role, r.order) for r in roles] == [
        (chair, RoleKind.CHAIR, 0),
        (speaker, RoleKind.SPEAKER, 1),
    ]


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"colour": "red"}, "colour"),
        ({"delay": 5}, "delay"),
        ({"status": Status.SCHEDULED}, "start"),  # only a draft may be unplaced
        ({"start": "END<START"}, "end"),
        ({"start": "ONLY"}, "end"),
        ({"language": "xx-nope"}, "language"),
        ({"kind": "lecture"}, "kind"),
    ],
)
def test_create_refuses_invalid_input(event, room, organiser, fields, field):
    if fields.get("start") == "END<START":
        fields = {"start": at(event, 0, "10:00"), "end": at(event, 0, "09:00"), "room": room}
    elif fields.get("start") == "ONLY":
        fields = {"start": at(event, 0, "10:00")}
    fields = {"title": "Bad", "kind": Session.Kind.PANEL, **fields}
    with pytest.raises(InvalidInput) as caught:
        session_create(event=event, by=organiser, **fields)
    assert caught.value.status == 422
    assert field in fields_of(caught.value)
    assert not Session.objects.exists()


def test_create_refuses_a_room_of_another_event(event, organiser):
    foreign = RoomFactory(event=EventFactory())
    with pytest.raises(InvalidInput) as caught:
        session_create(
            event=event,
            by=organiser,
            title="Elsewhere",
            kind=Session.Kind.PANEL,
            room=foreign,
            start=at(event, 0, "10:00"),
            end=at(event, 0, "11:00"),
        )
    assert "room" in fields_of(caught.value)


def test_create_scheduled_on_a_published_programme_is_announced(published, room, organiser):
    event = published
    chair = PersonFactory(event=event, name="Ana Silva")
    created = session_create(
        event=event,
        by=organiser,
        title="Late addition",
        kind=Session.Kind.WORKSHOP,
        room=room,
        start=at(event, 1, "14:00"),
        end=at(event, 1, "15:00"),
        status=Status.SCHEDULED,
        people=[(chair, RoleKind.CHAIR)],
    )
    assert sequences(event) == [1, 2]
    update = last_update(event)
    assert update.kind == UpdateKind.PUBLISHED
    assert update.session == created
    assert update.actor == organiser
    assert update.changes["title"]["after"] == "Late addition"
    assert update.changes["start"]["after"] == iso_utc(at(event, 1, "14:00"))
    assert update.changes["room"]["after"] == {"id": room.pk, "name": "Hall A"}
    assert update.changes["people"]["after"] == [
        {"person": chair.pk, "name": "Ana Silva", "role": RoleKind.CHAIR}
    ]


def test_create_draft_on_a_published_programme_logs_nothing(published, room, organiser):
    session_create(
        event=published,
        by=organiser,
        title="Maybe",
        kind=Session.Kind.PANEL,
        room=room,
        start=at(published, 0, "16:00"),
        end=at(published, 0, "17:00"),
    )
    assert kinds(published) == [UpdateKind.PROGRAMME_PUBLISHED]


# --- update ---------------------------------------------------------------------------------


def test_update_details_logs_one_changed_entry(published, session, organiser):
    session_update(session=session, by=organiser, title="Opening Plenary", abstract="About it")
    update = last_update(published)
    assert (update.sequence, update.kind, update.session, update.actor) == (
        2,
        UpdateKind.CHANGED,
        session,
        organiser,
    )
    assert update.changes == {
        "title": {"before": "Opening Panel", "after": "Opening Plenary"},
        "abstract": {"before": "", "after": "About it"},
    }
    session.refresh_from_db()
    assert session.title == "Opening Plenary"


def test_update_track_is_written_by_id_and_name(published, session, organiser):
    track = TrackFactory(event=published, name="Water")
    session_update(session=session, by=organiser, track=track)
    assert last_update(published).changes == {
        "track": {"before": None, "after": {"id": track.pk, "name": "Water"}}
    }


def test_update_with_nothing_changed_writes_nothing(published, session, organiser):
    before = Session.objects.get(pk=session.pk).updated_at
    result = session_update(
        session=session, by=organiser, title="Opening Panel", start=at(published, 0, "10:00")
    )
    assert result.title == "Opening Panel"
    assert kinds(published) == [UpdateKind.PROGRAMME_PUBLISHED]
    assert Session.objects.get(pk=session.pk).updated_at == before


def test_update_of_the_place_is_a_move(published, session, room2, organiser):
    session_update(session=session, by=organiser, room=room2)
    update = last_update(published)
    assert update.kind == UpdateKind.MOVED
    assert update.changes == {
        "room": {
            "before": {"id": session.room.pk, "name": "Hall A"},
            "after": {"id": room2.pk, "name": "Hall B"},
        }
    }


def test_update_refuses_unknown_fields_and_invalid_values(published, session, organiser):
    with pytest.raises(InvalidInput) as caught:
        session_update(session=session, by=organiser, status=Status.LIVE)
    assert fields_of(caught.value) == {"status"}
    with pytest.raises(InvalidInput) as caught:
        session_update(session=session, by=organiser, end=at(published, 0, "09:00"))
    assert "end" in fields_of(caught.value)
    session.refresh_from_db()
    assert session.end == at(published, 0, "11:30")
    assert kinds(published) == [UpdateKind.PROGRAMME_PUBLISHED]


def test_update_of_a_draft_after_publication_logs_nothing(published, room, organiser):
    draft = session_at(
        published, room, at(published, 0, "15:00"), at(published, 0, "16:00"), status=Status.DRAFT
    )
    session_update(session=draft, by=organiser, title="Still a draft")
    session_move(session=draft, by=organiser, start=at(published, 0, "16:00"))
    role_assign(session=draft, by=organiser, person=PersonFactory(event=published), role="chair")
    assert kinds(published) == [UpdateKind.PROGRAMME_PUBLISHED]
    draft.refresh_from_db()
    assert draft.title == "Still a draft" and draft.roles.count() == 1


# --- move -----------------------------------------------------------------------------------


def test_move_keeps_the_duration_and_clears_the_delay(published, session, organiser):
    session_delay(session=session, by=organiser, minutes=20)
    assert last_update(published).kind == UpdateKind.DELAYED

    moved = session_move(session=session, by=organiser, start=at(published, 1, "14:00"))

    moved.refresh_from_db()
    assert moved.start == at(published, 1, "14:00")
    assert moved.end == at(published, 1, "15:30")
    assert moved.delay_minutes == 0
    update = last_update(published)
    assert update.kind == UpdateKind.MOVED
    assert update.changes == {
        "start": {
            "before": iso_utc(at(published, 0, "10:00")),
            "after": iso_utc(at(published, 1, "14:00")),
        },
        "end": {
            "before": iso_utc(at(published, 0, "11:30")),
            "after": iso_utc(at(published, 1, "15:30")),
        },
        # The delay of the old slot goes, and the log says so.
        "delay_minutes": {"before": 20, "after": 0},
    }
    assert sequences(published) == [1, 2, 3]


def test_move_to_another_room_keeps_the_time(published, session, room2, organiser):
    moved = session_move(session=session, by=organiser, room=room2)
    assert (moved.room, moved.start, moved.end) == (
        room2,
        at(published, 0, "10:00"),
        at(published, 0, "11:30"),
    )


def test_move_with_an_explicit_end(published, session, organiser):
    moved = session_move(
        session=session,
        by=organiser,
        start=at(published, 0, "13:00"),
        end=at(published, 0, "13:45"),
    )
    moved.refresh_from_db()
    assert moved.duration_minutes == 45


def test_move_needs_a_start_or_a_room(session, organiser):
    with pytest.raises(InvalidInput):
        session_move(session=session, by=organiser)


def test_failed_move_saves_nothing_and_logs_nothing(published, session, room2, organiser):
    session_at(
        published, room2, at(published, 0, "14:00"), at(published, 0, "15:00"), title="Blocker"
    )
    session_delay(session=session, by=organiser, minutes=10)
    before = (Programme.objects.get(event=published).last_sequence, kinds(published))

    with pytest.raises(ScheduleConflictError) as caught:
        session_move(
            session=session,
            by=organiser,
            start=at(published, 0, "14:30"),
            room=room2,
            override=True,
        )

    assert caught.value.status == 409
    assert "“Blocker”" in caught.value.message
    session.refresh_from_db()
    assert (session.start, session.room.name, session.delay_minutes) == (
        at(published, 0, "10:00"),
        "Hall A",
        10,
    )
    assert (Programme.objects.get(event=published).last_sequence, kinds(published)) == before


def test_move_preview_reports_conflicts_and_saves_nothing(published, session, room2, organiser):
    blocker = session_at(published, room2, at(published, 0, "14:00"), at(published, 0, "15:00"))
    found = move_preview(session=session, by=organiser, start=at(published, 0, "14:30"), room=room2)
    assert [c.other_session for c in found] == [blocker]
    assert (
        move_preview(session=session, by=organiser, start=at(published, 0, "15:00"), room=room2)
        == []
    )
    session.refresh_from_db()
    assert session.room.name == "Hall A"
    assert kinds(published) == [UpdateKind.PROGRAMME_PUBLISHED]


def test_move_across_the_autumn_dst_change_keeps_the_real_duration(db):
    """A one-hour session moved to 02:30 CEST on the night the clocks go back ends one real
    hour later, at 02:30 CET, not at 03:30 on the wall clock (two hours)."""
    event = EventFactory(
        timezone="Europe/Paris", start_date=dt.date(2026, 10, 24), end_date=dt.date(2026, 10, 26)
    )
    room = RoomFactory(event=event)
    one_hour = session_at(event, room, at(event, 1, "00:00"), at(event, 1, "01:00"))
    one_hour.refresh_from_db()
    new_start = dt.datetime(2026, 10, 25, 2, 30, tzinfo=event.tzinfo)  # fold=0: CEST
    session_move(session=one_hour, by=None, start=new_start)
    one_hour.refresh_from_db()
    assert one_hour.start == dt.datetime(2026, 10, 25, 0, 30, tzinfo=UTC)
    assert one_hour.duration_minutes == 60


# --- publish --------------------------------------------------------------------------------


def test_programme_publish(event, room, room2, organiser):
    placed = session_at(
        event, room, at(event, 0, "09:00"), at(event, 0, "10:00"), status=Status.DRAFT
    )
    unplaced = SessionFactory(event=event, room=room, start=None, end=None, status=Status.DRAFT)
    roomless = session_at(
        event, None, at(event, 0, "11:00"), at(event, 0, "12:00"), status=Status.DRAFT
    )
    scheduled = session_at(event, room2, at(event, 0, "09:00"), at(event, 0, "10:00"))

    assert programme_publish(event=event, by=organiser) == 2

    statuses = {
        s.pk: s.status for s in Session.objects.filter(pk__in=[placed.pk, unplaced.pk, roomless.pk])
    }
    # A time is needed; a room is not (the programme says "room to be announced").
    assert statuses == {
        placed.pk: Status.SCHEDULED,
        unplaced.pk: Status.DRAFT,
        roomless.pk: Status.SCHEDULED,
    }
    scheduled.refresh_from_db()
    assert scheduled.status == Status.SCHEDULED
    programme = Programme.objects.get(event=event)
    assert programme.is_published and programme.published_by == organiser
    [update] = updates(event)
    assert (update.sequence, update.kind, update.session, update.actor) == (
        1,
        UpdateKind.PROGRAMME_PUBLISHED,
        None,
        organiser,
    )
    assert update.changes == {"sessions": {"before": 0, "after": 3}}


def test_programme_publish_again_announces_each_new_session(published, room, organiser):
    event = published
    later = session_at(
        event, room, at(event, 1, "09:00"), at(event, 1, "10:00"), status=Status.DRAFT
    )
    assert programme_publish(event=event, by=organiser) == 1
    assert kinds(event) == [UpdateKind.PROGRAMME_PUBLISHED, UpdateKind.PUBLISHED]
    update = last_update(event)
    assert (update.session, update.actor) == (later, organiser)
    assert update.changes["title"]["after"] == later.title
    later.refresh_from_db()
    assert later.status == Status.SCHEDULED
    # Nothing left to publish: nothing logged.
    assert programme_publish(event=event, by=organiser) == 0
    assert sequences(event) == [1, 2]


def test_session_publish_before_the_programme_logs_nothing(event, room, organiser):
    draft = session_at(event, room, at(event, 0, "09:00"), at(event, 0, "10:00"), status="draft")
    assert session_publish(session=draft, by=organiser).status == Status.SCHEDULED
    assert not SessionUpdate.objects.exists()


def test_session_publish_on_a_published_programme(published, room, organiser):
    person = PersonFactory(event=published)
    draft = session_at(
        published, room, at(published, 0, "09:00"), at(published, 0, "10:00"), status="draft"
    )
    SessionRoleFactory(session=draft, person=person, role=RoleKind.SPEAKER)
    session_publish(session=draft, by=organiser)
    update = last_update(published)
    assert (update.sequence, update.kind, update.session) == (2, UpdateKind.PUBLISHED, draft)
    assert update.changes["start"]["after"] == iso_utc(at(published, 0, "09:00"))
    assert update.changes["people"]["after"][0]["person"] == person.pk
    # Publishing it again changes nothing.
    session_publish(session=draft, by=organiser)
    assert sequences(published) == [1, 2]


def test_session_publish_needs_a_time(event, room, organiser):
    draft = SessionFactory(event=event, room=room, start=None, end=None, status="draft")
    with pytest.raises(InvalidInput):
        session_publish(session=draft, by=organiser)
    draft.refresh_from_db()
    assert draft.status == Status.DRAFT


def test_session_publish_without_a_room_is_room_to_be_announced(event, organiser):
    draft = session_at(event, None, at(event, 0, "09:00"), at(event, 0, "10:00"), status="draft")
    assert session_publish(session=draft, by=organiser).status == Status.SCHEDULED


# --- cancel and delete ----------------------------------------------------------------------


def test_cancel_a_public_session(published, session, organiser):
    session_cancel(session=session, by=organiser, reason="  The speaker is ill.  ")
    session.refresh_from_db()
    assert session.status == Status.CANCELLED
    update = last_update(published)
    assert (update.kind, update.session, update.actor, update.message) == (
        UpdateKind.CANCELLED,
        session,
        organiser,
        "The speaker is ill.",
    )
    assert update.changes == {"status": {"before": "scheduled", "after": "cancelled"}}
    # Cancelling again changes nothing.
    session_cancel(session=session, by=organiser)
    assert sequences(published) == [1, 2]


def test_delete_a_session_that_was_never_public(event, room, organiser):
    draft = session_at(event, room, at(event, 0, "09:00"), at(event, 0, "10:00"), status="draft")
    session_delete(session=draft, by=organiser)
    assert not Session.objects.filter(pk=draft.pk).exists()


def test_delete_a_session_with_public_updates_is_refused(published, session, organiser):
    session_update(session=session, by=organiser, title="Renamed")
    with pytest.raises(Conflict) as caught:
        session_delete(session=session, by=organiser)
    assert (caught.value.status, caught.value.code) == (409, "session_was_public")
    assert Session.objects.filter(pk=session.pk).exists()
    session_cancel(session=session, by=organiser)
    session.refresh_from_db()
    assert session.status == Status.CANCELLED


def test_delete_a_session_public_since_the_programme_was_published_is_refused(
    event, session, organiser
):
    """The sessions published with the programme have no entry of their own in the log, but
    attendees and calendars have seen them: they can only be cancelled."""
    programme_publish(event=event, by=organiser)
    with pytest.raises(Conflict) as caught:
        session_delete(session=session, by=organiser)
    assert caught.value.code == "session_was_public"
    assert Session.objects.filter(pk=session.pk).exists()


def test_delete_a_room_with_sessions_is_a_conflict(event, room, session, owner):
    with pytest.raises(Conflict) as caught:
        event_part_delete(part=room, by=owner)
    assert (caught.value.status, caught.value.code) == (409, "room_in_use")
    assert "Hall A" in caught.value.message
    assert Room.objects.filter(pk=room.pk).exists()
    empty = RoomFactory(event=event, name="Empty")
    event_part_delete(part=empty, by=owner)
    assert not Room.objects.filter(pk=empty.pk).exists()


def test_delete_a_room_with_only_cancelled_sessions_is_still_a_conflict(
    event, room, session, organiser
):
    session_cancel(session=session, by=organiser)
    with pytest.raises(Conflict) as caught:
        event_part_delete(part=room, by=organiser)
    assert caught.value.code == "room_in_use"


# --- roles and people -----------------------------------------------------------------------


def test_role_assign_and_remove_are_logged_with_before_and_after(published, session, organiser):
    chair = PersonFactory(event=published, name="Chen Jie")
    speaker = PersonFactory(event=published, name="Kofi Mensah", honorific="Dr")
    role_assign(session=session, by=organiser, person=chair, role=RoleKind.CHAIR)
    link = role_assign(session=session, by=organiser, person=speaker, role=RoleKind.SPEAKER)
    assert link.order == 1

    update = last_update(published)
    assert (update.kind, update.session, update.actor) == (UpdateKind.PEOPLE, session, organiser)
    chair_ref = {"person": chair.pk, "name": "Chen Jie", "role": "chair"}
    speaker_ref = {"person": speaker.pk, "name": "Dr Kofi Mensah", "role": "speaker"}
    assert update.changes == {"people": {"before": [chair_ref], "after": [chair_ref, speaker_ref]}}

    role_remove(link=link, by=organiser)
    update = last_update(published)
    assert update.kind == UpdateKind.PEOPLE
    assert update.changes == {"people": {"before": [chair_ref, speaker_ref], "after": [chair_ref]}}
    assert sequences(published) == [1, 2, 3, 4]


def test_role_assign_is_idempotent(published, session, organiser):
    person = PersonFactory(event=published)
    first = role_assign(session=session, by=organiser, person=person, role=RoleKind.SPEAKER)
    again = role_assign(session=session, by=organiser, person=person, role=RoleKind.SPEAKER)
    assert first.pk == again.pk
    assert sequences(published) == [1, 2]


def test_a_second_role_for_the_same_person_is_no_conflict_with_itself(session, organiser):
    person = PersonFactory(event=session.event)
    role_assign(session=session, by=organiser, person=person, role=RoleKind.CHAIR)
    role_assign(session=session, by=organiser, person=person, role=RoleKind.SPEAKER)
    assert session.roles.filter(person=person).count() == 2


def test_role_assign_refuses_a_person_of_another_event(session, organiser):
    stranger = PersonFactory(event=EventFactory())
    with pytest.raises(InvalidInput) as caught:
        role_assign(session=session, by=organiser, person=stranger, role=RoleKind.SPEAKER)
    assert "person" in fields_of(caught.value)
    assert not session.roles.exists()


def test_role_remove_clears_the_next_speaker(published, session, organiser):
    person = PersonFactory(event=published)
    role_assign(session=session, by=organiser, person=person, role=RoleKind.SPEAKER)
    session_set_next_speaker(session=session, by=organiser, person=person)
    link = SessionRole.objects.get(session=session, person=person)
    role_remove(link=link, by=organiser)
    session.refresh_from_db()
    assert session.next_speaker is None
    assert kinds(published)[-1] == UpdateKind.PEOPLE


def test_role_remove_reads_the_session_as_it_is_now(published, room, organiser):
    """The link handed in may carry an old copy of its session (here: from when it was a draft).
    The removal must go by the session as stored, like every other write: it is public now, so
    the change is logged, and its next speaker is cleared."""
    draft = session_at(published, room, at(published, 0, "09:00"), at(published, 0, "10:00"))
    Session.objects.filter(pk=draft.pk).update(status=Status.DRAFT)
    person = PersonFactory(event=published)
    link = role_assign(session=draft, by=organiser, person=person, role=RoleKind.SPEAKER)
    assert link.session.status == Status.DRAFT
    Session.objects.filter(pk=draft.pk).update(status=Status.SCHEDULED, next_speaker=person)

    role_remove(link=link, by=organiser)

    draft.refresh_from_db()
    assert draft.next_speaker is None
    assert kinds(published) == [UpdateKind.PROGRAMME_PUBLISHED, UpdateKind.PEOPLE]


def test_person_create_update_delete(event, organiser):
    person = person_create(event=event, by=organiser, name="Maria Lopez", position="Dean")
    assert person.event == event
    person_update(person=person, by=organiser, position="Rector", honorific="Prof.")
    person.refresh_from_db()
    assert (person.position, person.display_name) == ("Rector", "Prof. Maria Lopez")
    person_delete(person=person, by=organiser)
    assert not Person.objects.filter(pk=person.pk).exists()
    assert not SessionUpdate.objects.exists()


def test_a_new_person_joins_the_session_with_their_role(session, organiser):
    person, link = person_add_to_session(
        session=session, by=organiser, role="moderator", name="Aigerim Bekova"
    )

    assert (link.session, link.person, link.role) == (session, person, "moderator")
    assert person.event == session.event


def test_a_new_person_is_not_kept_when_their_role_is_refused(session, organiser):
    with pytest.raises(InvalidInput):
        person_add_to_session(session=session, by=organiser, role="juggler", name="Half Done")

    assert not Person.objects.filter(name="Half Done").exists()


def test_person_services_refuse_invalid_input(event, organiser):
    with pytest.raises(InvalidInput) as caught:
        person_create(event=event, by=organiser, name="X", shoe_size=42)
    assert fields_of(caught.value) == {"shoe_size"}
    with pytest.raises(InvalidInput) as caught:
        person_create(event=event, by=organiser, name="")
    assert "name" in fields_of(caught.value)
    person = PersonFactory(event=event)
    with pytest.raises(InvalidInput):
        person_update(person=person, by=organiser, event=EventFactory())


def test_a_user_account_links_to_one_person_per_event(event, organiser):
    user = UserFactory()
    person_create(event=event, by=organiser, name="First", user=user)
    with pytest.raises(InvalidInput) as caught:
        person_create(event=event, by=organiser, name="Second", user=user)
    assert "user" in fields_of(caught.value)
    other = EventFactory()
    assert person_create(event=other, by=None, name="Elsewhere", user=user).user == user


def test_person_with_roles_cannot_be_deleted(session, organiser):
    link = SessionRoleFactory(session=session)
    with pytest.raises(Conflict) as caught:
        person_delete(person=link.person, by=organiser)
    assert (caught.value.status, caught.value.code) == (409, "person_has_roles")
    assert Person.objects.filter(pk=link.person.pk).exists()


def test_person_update_is_logged_for_each_public_session(published, session, room2, organiser):
    link = SessionRoleFactory(session=session)
    later = session_at(published, room2, at(published, 1, "09:00"), at(published, 1, "10:00"))
    SessionRoleFactory(session=later, person=link.person)
    draft = session_at(
        published, room2, at(published, 1, "11:00"), at(published, 1, "12:00"), status="draft"
    )
    SessionRoleFactory(session=draft, person=link.person)
    before = Session.objects.get(pk=session.pk).updated_at

    person_update(person=link.person, by=organiser, name="New Name")

    logged = updates(published)[1:]
    assert [(u.kind, u.session) for u in logged] == [
        (UpdateKind.PEOPLE, session),
        (UpdateKind.PEOPLE, later),
    ]
    assert logged[0].changes["person"]["after"]["name"] == "New Name"
    assert Session.objects.get(pk=session.pk).updated_at > before


def test_private_person_changes_are_not_programme_changes(published, session, organiser):
    link = SessionRoleFactory(session=session)
    person_update(person=link.person, by=organiser, email="private@example.org")
    assert kinds(published) == [UpdateKind.PROGRAMME_PUBLISHED]


# --- status ---------------------------------------------------------------------------------


def test_set_status_live_then_ended(published, session, organiser):
    session_set_status(session=session, by=organiser, status=Status.LIVE)
    session_set_status(session=session, by=organiser, status=Status.LIVE)  # no change
    session_set_status(session=session, by=organiser, status=Status.ENDED)
    assert kinds(published)[1:] == [UpdateKind.STATUS, UpdateKind.STATUS]
    assert [u.changes for u in updates(published)[1:]] == [
        {"status": {"before": "scheduled", "after": "live"}},
        {"status": {"before": "live", "after": "ended"}},
    ]
    session.refresh_from_db()
    assert session.status == Status.ENDED


@pytest.mark.parametrize("status", [Status.DRAFT, "postponed", ""])
def test_set_status_refuses_other_statuses(session, organiser, status):
    with pytest.raises(InvalidInput) as caught:
        session_set_status(session=session, by=organiser, status=status)
    assert "status" in fields_of(caught.value)


def test_set_status_on_a_draft_is_refused(published, room, organiser):
    draft = session_at(published, room, at(published, 0, "09:00"), at(published, 0, "10:00"))
    Session.objects.filter(pk=draft.pk).update(status=Status.DRAFT)
    with pytest.raises(DomainError) as caught:
        session_set_status(session=draft, by=organiser, status=Status.LIVE)
    assert (caught.value.status, caught.value.code) == (409, "session_is_draft")


def test_cancel_through_set_status_and_reinstate(published, session, organiser):
    session_set_status(session=session, by=organiser, status=Status.CANCELLED)
    with pytest.raises(DomainError) as caught:
        session_set_status(session=session, by=organiser, status=Status.LIVE)
    assert (caught.value.status, caught.value.code) == (409, "session_cancelled")
    session_set_status(session=session, by=organiser, status=Status.SCHEDULED)
    session.refresh_from_db()
    assert session.status == Status.SCHEDULED
    assert kinds(published)[1:] == [UpdateKind.CANCELLED, UpdateKind.STATUS]
    assert last_update(published).changes == {
        "status": {"before": "cancelled", "after": "scheduled"}
    }


# --- delays ---------------------------------------------------------------------------------


@pytest.fixture
def morning(event, room, room2):
    """Hall A: A 10-11, B 11-12, a gap, C 12:30-13:30, a gap, D 14:00-15:00. Hall B: E 11-12."""
    times = {"A": ("10:00", "11:00"), "B": ("11:00", "12:00"), "C": ("12:30", "13:30")}
    times["D"] = ("14:00", "15:00")
    sessions = {
        name: session_at(event, room, at(event, 0, start), at(event, 0, end), title=name)
        for name, (start, end) in times.items()
    }
    sessions["E"] = session_at(event, room2, at(event, 0, "11:00"), at(event, 0, "12:00"))
    return SimpleNamespace(**sessions)


def delays(morning) -> dict[str, int]:
    return {name: Session.objects.get(pk=s.pk).delay_minutes for name, s in vars(morning).items()}


def test_delay_is_logged_with_the_actual_times(published, session, organiser):
    shifts = session_delay(session=session, by=organiser, minutes=15)
    assert [(s.session.pk, s.delay_before, s.delay_after) for s in shifts] == [(session.pk, 0, 15)]
    session.refresh_from_db()
    assert session.delay_minutes == 15
    assert session.actual_start == at(published, 0, "10:15")
    update = last_update(published)
    assert (update.kind, update.session, update.actor, update.message) == (
        UpdateKind.DELAYED,
        session,
        organiser,
        "",
    )
    assert update.changes == {
        "delay_minutes": {"before": 0, "after": 15},
        "actual_start": {
            "before": iso_utc(at(published, 0, "10:00")),
            "after": iso_utc(at(published, 0, "10:15")),
        },
        "actual_end": {
            "before": iso_utc(at(published, 0, "11:30")),
            "after": iso_utc(at(published, 0, "11:45")),
        },
    }
    # The same delay again changes nothing; back on time is a change.
    assert session_delay(session=session, by=organiser, minutes=15) == []
    session_delay(session=session, by=organiser, minutes=0)
    assert last_update(published).changes["delay_minutes"] == {"before": 15, "after": 0}
    assert sequences(published) == [1, 2, 3]


@pytest.mark.parametrize("minutes", [-1, 721, True, 1.5, "10", None])
def test_delay_must_be_whole_minutes_within_bounds(session, organiser, minutes):
    with pytest.raises(InvalidInput) as caught:
        session_delay(session=session, by=organiser, minutes=minutes)
    assert fields_of(caught.value) == {"minutes"}
    session.refresh_from_db()
    assert session.delay_minutes == 0


def test_delay_of_twelve_hours_is_the_maximum(session, organiser):
    session_delay(session=session, by=organiser, minutes=720)
    session.refresh_from_db()
    assert session.delay_minutes == 720


@pytest.mark.parametrize("status", [Status.DRAFT, Status.CANCELLED, Status.ENDED])
def test_delay_only_for_running_sessions(session, organiser, status):
    Session.objects.filter(pk=session.pk).update(status=status)
    with pytest.raises(DomainError) as caught:
        session_delay(session=session, by=organiser, minutes=10)
    assert (caught.value.status, caught.value.code) == (409, "session_not_running")


def test_delay_of_a_live_session(session, organiser):
    session_set_status(session=session, by=organiser, status=Status.LIVE)
    session_delay(session=session, by=organiser, minutes=5)
    session.refresh_from_db()
    assert session.delay_minutes == 5


def test_delay_without_shifting_moves_only_the_session(published, morning, organiser):
    session_delay(session=morning.A, by=organiser, minutes=45)
    assert delays(morning) == {"A": 45, "B": 0, "C": 0, "D": 0, "E": 0}


def test_delay_shift_following_stops_at_a_gap(published, morning, organiser):
    moved = session_delay(session=morning.A, by=organiser, minutes=45, shift_following=True)
    assert [(s.session.title, s.delay_after) for s in moved] == [("A", 45), ("B", 45), ("C", 15)]
    assert delays(morning) == {"A": 45, "B": 45, "C": 15, "D": 0, "E": 0}
    logged = updates(published)[1:]
    assert [(u.kind, u.session.title) for u in logged] == [
        (UpdateKind.DELAYED, "A"),
        (UpdateKind.DELAYED, "B"),
        (UpdateKind.DELAYED, "C"),
    ]
    assert logged[0].message == ""
    assert "“A”" in logged[1].message and "“A”" in logged[2].message
    assert logged[2].changes["actual_start"] == {
        "before": iso_utc(at(published, 0, "12:30")),
        "after": iso_utc(at(published, 0, "12:45")),
    }


def test_delay_absorbed_by_the_first_gap(published, morning, organiser):
    moved = session_delay(session=morning.A, by=organiser, minutes=20, shift_following=True)
    assert [s.session.title for s in moved] == ["A", "B"]
    assert delays(morning) == {"A": 20, "B": 20, "C": 0, "D": 0, "E": 0}


def test_delay_preview_writes_nothing(published, morning):
    shifts = delay_preview(session=morning.A, minutes=45)
    assert [(s.session.title, s.delay_before, s.delay_after) for s in shifts] == [
        ("A", 0, 45),
        ("B", 0, 45),
        ("C", 0, 15),
    ]
    assert shifts[2].new_start == at(published, 0, "12:45")
    assert delays(morning) == {"A": 0, "B": 0, "C": 0, "D": 0, "E": 0}
    assert kinds(published) == [UpdateKind.PROGRAMME_PUBLISHED]


def test_delay_preview_adds_to_an_existing_delay(published, morning, organiser):
    session_delay(session=morning.B, by=organiser, minutes=10)
    shifts = delay_preview(session=morning.A, minutes=30)
    # B already starts at 11:10: it needs 20 more minutes, to 30 in total.
    assert [(s.session.title, s.delay_before, s.delay_after) for s in shifts] == [
        ("A", 0, 30),
        ("B", 10, 30),
    ]


def test_delay_skips_cancelled_sessions(published, morning, organiser):
    session_cancel(session=morning.B, by=organiser)
    moved = session_delay(session=morning.A, by=organiser, minutes=45, shift_following=True)
    assert "B" not in [s.session.title for s in moved]
    assert delays(morning)["B"] == 0


def test_delay_shifts_only_the_same_local_day(event, room, organiser):
    """In Shanghai, 23:00 and 00:00 the next day are the same UTC date, but not the same day of
    the event: the delay does not spill over midnight."""
    late = session_at(event, room, at(event, 0, "23:00"), at(event, 0, "23:50"), title="Late")
    after_midnight = session_at(event, room, at(event, 1, "00:00"), at(event, 1, "01:00"))
    assert late.start.astimezone(UTC).date() == after_midnight.start.astimezone(UTC).date()
    moved = session_delay(session=late, by=organiser, minutes=30, shift_following=True)
    assert [s.session.pk for s in moved] == [late.pk]
    after_midnight.refresh_from_db()
    assert after_midnight.delay_minutes == 0


def test_delay_shifts_the_same_local_day_across_a_utc_date_change(event, room, organiser):
    """07:00 and 08:00 in Shanghai are different UTC dates but the same day of the event."""
    early = session_at(event, room, at(event, 0, "07:00"), at(event, 0, "07:50"), title="Early")
    next_one = session_at(event, room, at(event, 0, "08:00"), at(event, 0, "09:00"))
    assert early.start.astimezone(UTC).date() != next_one.start.astimezone(UTC).date()
    moved = session_delay(session=early, by=organiser, minutes=30, shift_following=True)
    assert [(s.session.pk, s.delay_after) for s in moved] == [(early.pk, 30), (next_one.pk, 20)]


# --- announcements and the next speaker -----------------------------------------------------


def test_announce_to_the_whole_event(published, organiser):
    update = announcement_create(
        event=published, by=organiser, message="  Lunch is served in Hall C.  "
    )
    assert (update.sequence, update.kind, update.session, update.actor, update.message) == (
        2,
        UpdateKind.ANNOUNCEMENT,
        None,
        organiser,
        "Lunch is served in Hall C.",
    )


def test_announce_about_a_session(published, session, organiser):
    update = announcement_create(
        event=published, by=organiser, message="Starting soon", session=session
    )
    assert update.session == session


@pytest.mark.parametrize("message", ["", "   ", "x" * 501, None])
def test_announce_needs_a_short_message(published, organiser, message):
    with pytest.raises(InvalidInput) as caught:
        announcement_create(event=published, by=organiser, message=message)
    assert fields_of(caught.value) == {"message"}
    assert sequences(published) == [1]


def test_announce_of_500_characters(published, organiser):
    assert len(announcement_create(event=published, by=organiser, message="x" * 500).message) == 500


def test_announce_before_publication_or_about_a_draft_is_refused(event, room, organiser):
    with pytest.raises(DomainError) as caught:
        announcement_create(event=event, by=organiser, message="Hello")
    assert (caught.value.status, caught.value.code) == (409, "programme_not_published")
    programme_publish(event=event, by=organiser)
    draft = session_at(event, room, at(event, 0, "09:00"), at(event, 0, "10:00"), status="draft")
    with pytest.raises(DomainError) as caught:
        announcement_create(event=event, by=organiser, message="Hello", session=draft)
    assert caught.value.code == "programme_not_published"
    assert sequences(event) == [1]


def test_announce_about_a_session_of_another_event_is_refused(published, organiser):
    """An announcement goes into the log of `event`; a session of another event must not be
    attached to it (its chairs would otherwise post into an event they do not run)."""
    other = EventFactory()
    programme_publish(event=other, by=None)
    foreign = SessionFactory(event=other)
    with pytest.raises(DomainError):
        announcement_create(event=published, by=None, message="Hello", session=foreign)
    assert sequences(published) == [1]


def test_next_speaker(published, session, organiser):
    person = PersonFactory(event=published, name="Next Up")
    SessionRoleFactory(session=session, person=person, role=RoleKind.SPEAKER)
    session_set_next_speaker(session=session, by=organiser, person=person)
    session_set_next_speaker(session=session, by=organiser, person=person)  # no change
    session.refresh_from_db()
    assert session.next_speaker == person
    update = last_update(published)
    assert (update.kind, update.session, update.actor) == (
        UpdateKind.NEXT_SPEAKER,
        session,
        organiser,
    )
    ref = {"id": person.pk, "name": "Next Up"}
    assert update.changes == {"next_speaker": {"before": None, "after": ref}}
    session_set_next_speaker(session=session, by=organiser, person=None)
    assert last_update(published).changes == {"next_speaker": {"before": ref, "after": None}}
    assert sequences(published) == [1, 2, 3]


def test_next_speaker_must_have_a_role_in_the_session(published, session, organiser):
    outsider_person = PersonFactory(event=published)
    with pytest.raises(InvalidInput) as caught:
        session_set_next_speaker(session=session, by=organiser, person=outsider_person)
    assert fields_of(caught.value) == {"person_id"}
    assert sequences(published) == [1]


# --- the update log -------------------------------------------------------------------------


def test_nothing_is_logged_before_the_programme_is_published(event, room, room2, organiser):
    person = PersonFactory(event=event)
    created = session_create(
        event=event,
        by=organiser,
        title="T",
        kind=Session.Kind.PANEL,
        room=room,
        start=at(event, 0, "09:00"),
        end=at(event, 0, "10:00"),
        status=Status.SCHEDULED,
    )
    session_update(session=created, by=organiser, title="T2")
    session_move(session=created, by=organiser, start=at(event, 0, "14:00"), room=room2)
    link = role_assign(session=created, by=organiser, person=person, role=RoleKind.CHAIR)
    session_set_next_speaker(session=created, by=organiser, person=person)
    session_set_status(session=created, by=organiser, status=Status.LIVE)
    session_delay(session=created, by=organiser, minutes=5)
    role_remove(link=link, by=organiser)
    session_cancel(session=created, by=organiser)

    created.refresh_from_db()
    assert (created.title, created.start, created.room, created.status) == (
        "T2",
        at(event, 0, "14:00"),
        room2,
        Status.CANCELLED,
    )
    assert not SessionUpdate.objects.exists()
    assert Programme.objects.get(event=event).last_sequence == 0


def test_each_public_change_writes_one_numbered_entry(event, room, room2, organiser, owner):
    person = PersonFactory(event=event)
    first = session_at(event, room, at(event, 0, "09:00"), at(event, 0, "10:00"), title="First")
    blocker = session_at(event, room2, at(event, 0, "15:00"), at(event, 0, "16:00"))
    programme_publish(event=event, by=owner)
    session_update(session=first, by=organiser, title="First, renamed")
    session_update(session=first, by=organiser, title="First, renamed")  # nothing changed
    with pytest.raises(ScheduleConflictError):
        session_move(session=first, by=organiser, start=at(event, 0, "15:00"), room=room2)
    session_move(session=first, by=organiser, start=at(event, 0, "11:00"))
    link = role_assign(session=first, by=organiser, person=person, role=RoleKind.SPEAKER)
    session_set_next_speaker(session=first, by=organiser, person=person)
    session_set_status(session=first, by=organiser, status=Status.LIVE)
    session_delay(session=first, by=organiser, minutes=10)
    announcement_create(event=event, by=organiser, message="Coffee")
    role_remove(link=link, by=organiser)
    session_cancel(session=blocker, by=organiser)

    assert kinds(event) == [
        UpdateKind.PROGRAMME_PUBLISHED,
        UpdateKind.CHANGED,
        UpdateKind.MOVED,
        UpdateKind.PEOPLE,
        UpdateKind.NEXT_SPEAKER,
        UpdateKind.STATUS,
        UpdateKind.DELAYED,
        UpdateKind.ANNOUNCEMENT,
        UpdateKind.PEOPLE,
        UpdateKind.CANCELLED,
    ]
    assert sequences(event) == list(range(1, 11))
    assert Programme.objects.get(event=event).last_sequence == 10
    assert [u.actor for u in updates(event)] == [owner] + [organiser] * 9


def test_sequences_are_per_event(event, room, organiser):
    other = EventFactory()
    other_session = SessionFactory(event=other)
    mine = session_at(event, room, at(event, 0, "09:00"), at(event, 0, "10:00"))
    programme_publish(event=event, by=organiser)
    programme_publish(event=other, by=None)
    session_update(session=mine, by=organiser, title="A")
    session_update(session=other_session, by=None, title="B")
    announcement_create(event=other, by=None, message="Hi")
    announcement_create(event=event, by=organiser, message="Hi")
    session_delay(session=mine, by=organiser, minutes=5)
    assert sequences(event) == [1, 2, 3, 4]
    assert sequences(other) == [1, 2, 3]
    assert [u.actor for u in updates(other)] == [None, None, None]


# --- permissions ----------------------------------------------------------------------------


def _ctx(event):
    room = RoomFactory(event=event, name="Perm Room")
    session = session_at(event, room, at(event, 0, "10:00"), at(event, 0, "11:00"), title="S")
    person = PersonFactory(event=event)
    return SimpleNamespace(
        event=event,
        room=room,
        session=session,
        person=person,
        free_person=PersonFactory(event=event),
        link=SessionRoleFactory(session=session, person=person),
        draft=session_at(
            event, room, at(event, 0, "12:00"), at(event, 0, "13:00"), status=Status.DRAFT
        ),
        cancelled=session_at(
            event, room, at(event, 0, "14:00"), at(event, 0, "15:00"), status=Status.CANCELLED
        ),
    )


MANAGE = {
    "session_create": lambda by, c: session_create(
        event=c.event, by=by, title="New", kind=Session.Kind.PANEL
    ),
    "session_update": lambda by, c: session_update(session=c.session, by=by, title="Changed"),
    "session_move": lambda by, c: session_move(
        session=c.session, by=by, start=at(c.event, 0, "15:00")
    ),
    "move_preview": lambda by, c: move_preview(
        session=c.session, by=by, start=at(c.event, 0, "15:00")
    ),
    "session_publish": lambda by, c: session_publish(session=c.draft, by=by),
    "session_cancel": lambda by, c: session_cancel(session=c.session, by=by),
    "session_delete": lambda by, c: session_delete(session=c.draft, by=by),
    "reinstate": lambda by, c: session_set_status(
        session=c.cancelled, by=by, status=Status.SCHEDULED
    ),
    "programme_publish": lambda by, c: programme_publish(event=c.event, by=by),
    "role_assign": lambda by, c: role_assign(
        session=c.session, by=by, person=c.free_person, role=RoleKind.SPEAKER
    ),
    "role_remove": lambda by, c: role_remove(link=c.link, by=by),
    "person_create": lambda by, c: person_create(event=c.event, by=by, name="New"),
    "person_update": lambda by, c: person_update(person=c.person, by=by, name="Renamed"),
    "person_delete": lambda by, c: person_delete(person=c.free_person, by=by),
    "announce_event": lambda by, c: announcement_create(event=c.event, by=by, message="Hi"),
}


def _reread(obj):
    return type(obj).objects.filter(pk=obj.pk).first()


# What each of MANAGE leaves behind when it is allowed: (what to look at, what it must be).
MANAGED = {
    "session_create": (
        lambda c, made: Session.objects.filter(pk=made.pk).values_list("event", "title").get(),
        lambda c: (c.event.pk, "New"),
    ),
    "session_update": (lambda c, _: _reread(c.session).title, lambda c: "Changed"),
    "session_move": (lambda c, _: _reread(c.session).start, lambda c: at(c.event, 0, "15:00")),
    # A preview: the conflicts of the move (none), and nothing saved.
    "move_preview": (
        lambda c, conflicts: (conflicts, _reread(c.session).start),
        lambda c: ([], at(c.event, 0, "10:00")),
    ),
    "session_publish": (lambda c, _: _reread(c.draft).status, lambda c: Status.SCHEDULED),
    "session_cancel": (lambda c, _: _reread(c.session).status, lambda c: Status.CANCELLED),
    "session_delete": (lambda c, _: _reread(c.draft), lambda c: None),
    "reinstate": (lambda c, _: _reread(c.cancelled).status, lambda c: Status.SCHEDULED),
    "programme_publish": (
        lambda c, _: Programme.objects.get(event=c.event).is_published,
        lambda c: True,
    ),
    "role_assign": (
        lambda c, _: list(
            SessionRole.objects.filter(session=c.session, person=c.free_person).values_list(
                "role", flat=True
            )
        ),
        lambda c: [RoleKind.SPEAKER],
    ),
    "role_remove": (lambda c, _: _reread(c.link), lambda c: None),
    "person_create": (
        lambda c, made: Person.objects.filter(pk=made.pk).values_list("event", "name").get(),
        lambda c: (c.event.pk, "New"),
    ),
    "person_update": (lambda c, _: _reread(c.person).name, lambda c: "Renamed"),
    "person_delete": (lambda c, _: _reread(c.free_person), lambda c: None),
}
RUN = {
    "live": lambda by, c, s: session_set_status(session=s, by=by, status=Status.LIVE),
    "delay": lambda by, c, s: session_delay(session=s, by=by, minutes=5),
    "announce": lambda by, c, s: announcement_create(event=c.event, by=by, message="Hi", session=s),
    "next_speaker": lambda by, c, s: session_set_next_speaker(
        session=s, by=by, person=s.roles.first().person
    ),
}


def _state():
    return (
        Session.objects.count(),
        SessionRole.objects.count(),
        Person.objects.count(),
        SessionUpdate.objects.count(),
        sorted(Session.objects.values_list("title", "status", "start", "delay_minutes")),
        sorted(Person.objects.values_list("name", flat=True)),
    )


@pytest.mark.parametrize("op", MANAGE)
@pytest.mark.parametrize("who", ["checkin_staff", "outsider"])
def test_managing_needs_an_organiser(request, event, op, who):
    user = request.getfixturevalue(who)
    ctx = _ctx(event)
    programme_publish(event=event, by=None)
    before = _state()
    with pytest.raises(PermissionDenied) as caught:
        MANAGE[op](user, ctx)
    assert (caught.value.status, caught.value.code) == (403, "permission_denied")
    assert _state() == before


@pytest.mark.parametrize("op", MANAGE)
def test_managing_anonymously_asks_to_sign_in(event, op):
    ctx = _ctx(event)
    before = _state()
    with pytest.raises(NotAuthenticated) as caught:
        MANAGE[op](AnonymousUser(), ctx)
    assert caught.value.status == 401
    assert _state() == before


@pytest.mark.parametrize("op", MANAGE)
@pytest.mark.parametrize("who", ["anonymous", "outsider"])
def test_a_draft_event_is_not_found(request, draft_event, op, who):
    user = AnonymousUser() if who == "anonymous" else request.getfixturevalue(who)
    ctx = _ctx(draft_event)
    before = _state()
    with pytest.raises(NotFound) as caught:
        MANAGE[op](user, ctx)
    assert caught.value.status == 404
    assert _state() == before


@pytest.mark.parametrize("op", sorted(set(MANAGE) - {"announce_event"}))
@pytest.mark.parametrize("who", ["organiser", "owner"])
def test_organisers_may_manage(request, event, op, who):
    user = request.getfixturevalue(who)
    ctx = _ctx(event)
    observe, expected = MANAGED[op]

    result = MANAGE[op](user, ctx)

    assert observe(ctx, result) == expected(ctx)


@pytest.fixture
def chair_user(db):
    return UserFactory(username="chair")


@pytest.fixture
def chair_setup(event, chair_user):
    """A (the user chairs it) and B (the user has no role in it), on a published programme."""
    programme_publish(event=event, by=None)
    ctx = _ctx(event)
    me = PersonFactory(event=event, name="Chair Person", user=chair_user)
    a = session_at(event, ctx.room, at(event, 1, "10:00"), at(event, 1, "11:00"), title="A")
    b = session_at(event, ctx.room, at(event, 1, "11:00"), at(event, 1, "12:00"), title="B")
    SessionRoleFactory(session=a, person=me, role=RoleKind.CHAIR)
    SessionRoleFactory(session=b, role=RoleKind.CHAIR)
    ctx.a, ctx.b, ctx.me = a, b, me
    return ctx


@pytest.mark.parametrize("op", RUN)
@pytest.mark.parametrize("role", sorted(CHAIRING_ROLES))
def test_a_chair_may_run_their_session(event, chair_user, op, role):
    programme_publish(event=event, by=None)
    me = PersonFactory(event=event, user=chair_user)
    mine = session_at(event, RoomFactory(event=event), at(event, 0, "10:00"), at(event, 0, "11:00"))
    SessionRoleFactory(session=mine, person=me, role=role)
    RUN[op](chair_user, SimpleNamespace(event=event), mine)
    update = last_update(event)
    assert (update.session, update.actor) == (mine, chair_user)


@pytest.mark.parametrize("op", RUN)
def test_a_chair_may_not_run_another_session(chair_setup, chair_user, op):
    before = _state()
    with pytest.raises(PermissionDenied) as caught:
        RUN[op](chair_user, chair_setup, chair_setup.b)
    assert (caught.value.status, caught.value.code) == (403, "not_session_chair")
    assert "“B”" in caught.value.message
    assert _state() == before


def test_a_chair_may_end_their_session(chair_setup, chair_user):
    session_set_status(session=chair_setup.a, by=chair_user, status=Status.LIVE)
    session_set_status(session=chair_setup.a, by=chair_user, status=Status.ENDED)
    chair_setup.a.refresh_from_db()
    assert chair_setup.a.status == Status.ENDED


# What a chair might try on their own session that only organisers may do.
CHAIR_MAY_NOT = {
    **MANAGE,
    "session_update": lambda by, c: session_update(session=c.a, by=by, title="Mine"),
    "session_move": lambda by, c: session_move(session=c.a, by=by, start=at(c.event, 1, "15:00")),
    "session_cancel": lambda by, c: session_cancel(session=c.a, by=by),
    "reinstate": lambda by, c: session_set_status(session=c.a, by=by, status=Status.SCHEDULED),
    "role_assign": lambda by, c: role_assign(
        session=c.a, by=by, person=c.free_person, role=RoleKind.SPEAKER
    ),
}


@pytest.mark.parametrize("op", sorted(CHAIR_MAY_NOT))
def test_a_chair_may_not_manage(chair_setup, chair_user, op):
    if op == "reinstate":
        session_cancel(session=chair_setup.a, by=None)
    before = _state()
    with pytest.raises(PermissionDenied):
        CHAIR_MAY_NOT[op](chair_user, chair_setup)
    assert _state() == before


@pytest.mark.parametrize("op", RUN)
@pytest.mark.parametrize("role", [RoleKind.SPEAKER, RoleKind.PANELLIST, RoleKind.RAPPORTEUR])
def test_a_speaker_may_not_run_the_session(event, op, role):
    programme_publish(event=event, by=None)
    user = UserFactory()
    mine = session_at(event, RoomFactory(event=event), at(event, 0, "10:00"), at(event, 0, "11:00"))
    SessionRoleFactory(session=mine, person=PersonFactory(event=event, user=user), role=role)
    before = _state()
    with pytest.raises(PermissionDenied) as caught:
        RUN[op](user, SimpleNamespace(event=event), mine)
    assert caught.value.code == "not_session_chair"
    assert _state() == before


@pytest.mark.parametrize("op", RUN)
@pytest.mark.parametrize("who", ["checkin_staff", "outsider"])
def test_non_chairs_may_not_run_a_session(request, chair_setup, op, who):
    with pytest.raises(PermissionDenied):
        RUN[op](request.getfixturevalue(who), chair_setup, chair_setup.a)


@pytest.mark.parametrize("op", RUN)
def test_running_a_session_anonymously_asks_to_sign_in(chair_setup, op):
    before = _state()
    with pytest.raises(NotAuthenticated) as caught:
        RUN[op](AnonymousUser(), chair_setup, chair_setup.a)
    assert caught.value.status == 401
    assert _state() == before


@pytest.mark.parametrize("op", RUN)
def test_running_a_session_of_a_draft_event_anonymously_is_not_found(draft_event, op):
    ctx = _ctx(draft_event)
    with pytest.raises(NotFound):
        RUN[op](AnonymousUser(), ctx, ctx.session)


def test_a_chair_whose_account_is_inactive_may_not_run_the_session(chair_setup, chair_user):
    chair_user.is_active = False
    chair_user.save()
    with pytest.raises(PermissionDenied):
        session_delay(session=chair_setup.a, by=chair_user, minutes=5)


# --- bookmarks ------------------------------------------------------------------------------


def test_bookmarks_are_idempotent(published, session, outsider):
    first = bookmark_add(user=outsider, session=session)
    assert bookmark_add(user=outsider, session=session).pk == first.pk
    assert Bookmark.objects.filter(user=outsider).count() == 1
    bookmark_remove(user=outsider, session=session)
    bookmark_remove(user=outsider, session=session)
    assert not Bookmark.objects.exists()


def test_bookmarks_are_personal(published, session, outsider, organiser):
    bookmark_add(user=outsider, session=session)
    bookmark_add(user=organiser, session=session)
    bookmark_remove(user=organiser, session=session)
    assert list(Bookmark.objects.values_list("user__username", flat=True)) == ["outsider"]


def test_bookmarks_need_an_account(published, session):
    with pytest.raises(NotAuthenticated) as caught:
        bookmark_add(user=AnonymousUser(), session=session)
    assert caught.value.status == 401
    bookmark_remove(user=AnonymousUser(), session=session)  # nothing to do, no error
    assert not Bookmark.objects.exists()


def test_a_session_the_public_cannot_see_cannot_be_bookmarked(event, room, outsider):
    """Not published yet: the session must not be confirmed to exist."""
    hidden = session_at(event, room, at(event, 0, "09:00"), at(event, 0, "10:00"))
    with pytest.raises(NotFound):
        bookmark_add(user=outsider, session=hidden)
    assert not Bookmark.objects.exists()
