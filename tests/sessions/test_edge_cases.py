"""Odd input and side effects found in review: out-of-range numbers and dates, names with a %,
a half-done new person, the next speaker, sessions outside the event's days."""

import pytest
from django.db import connection

from sessions.models import Person, Session, SessionUpdate
from sessions.services.chair import session_set_next_speaker
from sessions.services.people import role_remove
from sessions.services.programme import programme_publish
from tests.factories import (
    PersonFactory,
    RoomFactory,
    SessionFactory,
    SessionRoleFactory,
    UserFactory,
    at,
)

pytestmark = pytest.mark.django_db

API = "/api/events/seminar"
HUGE = "9223372036854775808"
# SQLite cannot take a number past 2**63 (nor these dates once a zone is applied), which the API
# answers with a 422; PostgreSQL runs the query and finds nothing.
FOUND_NOTHING_ON_POSTGRESQL = {
    f"room={HUGE}",
    f"track={HUGE}",
    f"person={HUGE}",
    "day=0001-01-01",
}


@pytest.fixture
def session(event):
    return SessionFactory(event=event, title="Opening panel")


@pytest.mark.parametrize(
    "query",
    [
        f"room={HUGE}",
        f"track={HUGE}",
        f"person={HUGE}",
        "day=9999-12-31",
        "day=0001-01-01",
    ],
)
def test_out_of_range_filters_are_refused_or_match_nothing(client, event, session, query):
    programme_publish(event=event, by=None)

    response = client.get(f"{API}/sessions?{query}")

    if connection.vendor == "postgresql" and query in FOUND_NOTHING_ON_POSTGRESQL:
        assert response.status_code == 200, response.content
        assert response.json() == {"items": [], "count": 0}
    else:
        assert response.status_code == 422, response.content
        assert response.json()["code"] == "out_of_range"


def test_a_moment_past_year_9999_in_utc_is_refused_the_same_on_every_database(
    client, event, session
):
    programme_publish(event=event, by=None)

    response = client.get(f"{API}/sessions?updated_since=9999-12-31T23:59:59-12:00")

    assert response.status_code == 422, response.content
    assert response.json()["errors"][0]["field"] == "updated_since"


@pytest.mark.parametrize("start", ["9999-12-31T23:30:00Z", "0001-01-01T00:30:00Z"])
@pytest.mark.parametrize("dry_run", [True, False])
def test_moves_to_the_ends_of_the_calendar_are_refused(
    client, event, session, organiser, bearer, start, dry_run
):
    response = client.post(
        f"{API}/sessions/{session.pk}/move",
        {"start": start, "dry_run": dry_run},
        content_type="application/json",
        headers=bearer(organiser),
    )

    assert response.status_code == 422, response.content
    assert response.json()["code"] == "out_of_range"
    session.refresh_from_db()
    assert session.start == at(event, 0, "10:00")


def test_huge_path_ids_are_a_clear_4xx(client, event, session, organiser, bearer):
    response = client.delete(
        f"{API}/sessions/{session.pk}/people/{HUGE}/chair", headers=bearer(organiser)
    )

    if connection.vendor == "postgresql":
        assert response.status_code == 404
    else:
        assert response.status_code == 422
        assert response.json()["code"] == "out_of_range"


def test_agenda_page_with_a_huge_room_is_not_a_500(client, event, session):
    programme_publish(event=event, by=None)

    response = client.get(f"/events/seminar/agenda/?room={HUGE}&day=9999-12-31")

    # Like any filter it cannot use, the page drops it and shows the agenda.
    assert response.status_code == 200
    assert "Opening panel" in response.content.decode()


def test_a_percent_sign_in_a_name_is_just_a_character(client, event, session, organiser):
    client.force_login(organiser)

    response = client.post(
        f"/events/seminar/manage/sessions/{session.pk}/people/new/",
        {"name": "50% Club", "role": "speaker"},
        follow=True,
    )

    assert response.status_code == 200
    assert "50% Club is added to the event and to “Opening panel”." in response.content.decode()


def test_a_new_person_is_not_left_behind_when_the_role_is_refused(client, event, organiser):
    session = SessionFactory(event=event)
    client.force_login(organiser)

    client.post(
        f"/events/seminar/manage/sessions/{session.pk}/people/new/",
        {"name": "Half Done", "role": "juggler"},
    )

    assert not Person.objects.filter(name="Half Done").exists()


def test_an_unknown_next_speaker_is_refused_not_cleared(client, event):
    user = UserFactory(username="chairing")
    session = SessionFactory(event=event)
    chair = SessionRoleFactory(
        session=session, role="chair", person=PersonFactory(event=event, user=user)
    )
    programme_publish(event=event, by=None)
    session_set_next_speaker(session=session, by=None, person=chair.person)
    client.force_login(user)

    response = client.post(
        f"/events/seminar/chair/sessions/{session.pk}/next-speaker/",
        {"person": "99999"},
        follow=True,
    )

    session.refresh_from_db()
    assert session.next_speaker == chair.person
    assert "not on this event" in response.content.decode()


def test_removing_the_next_speaker_logs_that_too(event):
    session = SessionFactory(event=event)
    link = SessionRoleFactory(session=session, role="speaker")
    programme_publish(event=event, by=None)
    session_set_next_speaker(session=session, by=None, person=link.person)

    role_remove(link=link, by=None)

    last = SessionUpdate.objects.filter(event=event).order_by("-sequence").first()
    assert last.kind == "people"
    assert last.changes["next_speaker"]["after"] is None
    assert last.changes["people"]["after"] == []


def test_assigning_a_person_marks_the_session_changed(client, event, organiser, bearer):
    session = SessionFactory(event=event)
    person = PersonFactory(event=event)
    programme_publish(event=event, by=None)
    before = Session.objects.get(pk=session.pk).updated_at

    client.post(
        f"{API}/sessions/{session.pk}/people",
        {"person_id": person.pk, "role": "chair"},
        content_type="application/json",
        headers=bearer(organiser),
    )

    assert Session.objects.get(pk=session.pk).updated_at > before


def test_a_session_outside_the_events_days_can_still_be_edited(client, event, organiser):
    room = RoomFactory(event=event)
    outside = SessionFactory(
        event=event, room=room, start=at(event, 5, "10:00"), end=at(event, 5, "11:00")
    )
    client.force_login(organiser)
    day = at(event, 5, "10:00").date().isoformat()

    response = client.post(
        f"/events/seminar/manage/sessions/{outside.pk}/",
        {
            "title": "Side event",
            "kind": "workshop",
            "day": day,
            "start_time": "10:00",
            "end_time": "11:00",
            "room": room.pk,
            "attendance": "hybrid",
            "override": "on",
        },
    )

    assert response.status_code == 302, response.content.decode()[:2000]
    outside.refresh_from_db()
    assert outside.title == "Side event"
