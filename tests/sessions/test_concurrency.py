"""Concurrent agenda writes on PostgreSQL: the update log stays numbered 1..N without gaps or
duplicates, and two moves into the same free slot cannot both win.

Only PostgreSQL runs these (SQLite serialises every writer anyway); the CI runs the suite a
second time with DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres."""

from collections import Counter

import pytest
from django.contrib.auth import get_user_model

from events.models import Event, Room
from sessions.models import Programme, Session, SessionUpdate, UpdateKind
from sessions.services.chair import announcement_create, session_delay
from sessions.services.programme import ScheduleConflictError, programme_publish
from sessions.services.sessions import session_move, session_update
from tests.factories import EventFactory, RoomFactory, SessionFactory, TeamMemberFactory, at
from tests.helpers import run_in_threads

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("postgresql_only")]

THREADS = 8
ROUNDS = 6


@pytest.fixture
def setup():
    event = EventFactory(slug="busy")
    organiser = TeamMemberFactory(event=event, role="organiser").user
    rooms = [RoomFactory(event=event, name=f"Room {n}") for n in range(4)]
    sessions = [
        SessionFactory(
            event=event,
            room=rooms[n % 4],
            start=at(event, 0, f"{9 + n // 4:02d}:00"),
            end=at(event, 0, f"{10 + n // 4:02d}:00"),
            title=f"Session {n}",
        )
        for n in range(20)
    ]
    programme_publish(event=event, by=organiser)
    return event, organiser, rooms, sessions


def test_update_log_is_gap_free_under_concurrent_edits(setup):
    event, organiser, _rooms, sessions = setup
    event_pk, user_pk = event.pk, organiser.pk
    ids = [s.pk for s in sessions]

    def work(index):
        # Fresh objects per thread: nothing is shared between connections.
        by = get_user_model().objects.get(pk=user_pk)
        my_event = Event.objects.get(pk=event_pk)
        changes = Counter()
        for step in range(ROUNDS):
            session = Session.objects.get(pk=ids[(index * 3 + step) % len(ids)])
            if step % 3 == 0:
                session_update(session=session, by=by, title=f"Renamed {index}-{step}")
                changes["changed"] += 1
            elif step % 3 == 1:
                moved = session_delay(
                    session=session,
                    by=by,
                    minutes=5 + index + step,
                    shift_following=index % 2 == 0,
                )
                changes["delayed"] += len(moved)
            else:
                announcement_create(event=my_event, by=by, message=f"Note {index}-{step}")
                changes["announcement"] += 1
        return changes

    results = run_in_threads(work, THREADS)

    errors = [r for r in results if isinstance(r, BaseException)]
    assert errors == []
    total = sum(results, Counter())
    assert total["changed"] == THREADS * 2
    assert total["announcement"] == THREADS * 2
    expected = sum(total.values()) + 1  # and the programme's publication

    numbers = list(
        SessionUpdate.objects.filter(event=event)
        .order_by("sequence")
        .values_list("sequence", flat=True)
    )
    assert len(numbers) == len(set(numbers))
    assert numbers == list(range(1, expected + 1))
    assert Programme.objects.get(event=event).last_sequence == expected
    logged = Counter(SessionUpdate.objects.filter(event=event).values_list("kind", flat=True))
    assert logged == {
        UpdateKind.PROGRAMME_PUBLISHED: 1,
        UpdateKind.CHANGED: total["changed"],
        UpdateKind.DELAYED: total["delayed"],
        UpdateKind.ANNOUNCEMENT: total["announcement"],
    }


@pytest.mark.parametrize("attempt", range(3))
def test_two_moves_into_the_same_free_slot(setup, attempt):
    event, organiser, rooms, sessions = setup
    target_room = rooms[attempt % 4]
    # Two sessions from other rooms, both to be moved to 16:00 (nothing is there yet).
    movers = [s for s in sessions if s.room != target_room][:2]
    start = at(event, 0, "16:00")
    before = Programme.objects.get(event=event).last_sequence

    def work(index):
        session = Session.objects.get(pk=movers[index].pk)
        room = Room.objects.get(pk=target_room.pk)
        by = get_user_model().objects.get(pk=organiser.pk)
        return session_move(session=session, by=by, start=start, room=room)

    results = run_in_threads(work, 2)

    won = [r for r in results if isinstance(r, Session)]
    lost = [r for r in results if isinstance(r, ScheduleConflictError)]
    assert (len(won), len(lost)) == (1, 1), results
    assert f"“{won[0].title}”" in lost[0].message
    in_slot = Session.objects.filter(room=target_room, start=start)
    assert list(in_slot.values_list("pk", flat=True)) == [won[0].pk]
    loser = next(s for s in movers if s.pk != won[0].pk)
    loser_now = Session.objects.get(pk=loser.pk)
    assert (loser_now.room_id, loser_now.start) == (loser.room_id, loser.start)
    numbers = list(
        SessionUpdate.objects.filter(event=event)
        .order_by("sequence")
        .values_list("sequence", flat=True)
    )
    assert numbers == list(range(1, before + 2))
    assert SessionUpdate.objects.get(sequence=before + 1, event=event).session_id == won[0].pk
