"""The programme's lists cost a fixed number of SQL queries, however many sessions there are."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from sessions.models import Bookmark, Session, SessionRole
from sessions.services.programme import programme_publish
from tests.factories import (
    OrganizationFactory,
    PersonFactory,
    RoomFactory,
    SessionFactory,
    SessionRoleFactory,
    TrackFactory,
    at,
)

pytestmark = pytest.mark.django_db

MAX_QUERIES = 15


def _add_sessions(event, tracks, count, first_index):
    """`count` sessions on the first day, each in its own room with a track and 2-3 people of
    their own organisations."""
    for index in range(first_index, first_index + count):
        start = at(event, 0, "08:00") + dt.timedelta(minutes=5 * (index % 120))
        session = SessionFactory(
            event=event,
            title=f"Workshop {index:03d}",
            room=RoomFactory(event=event, name=f"Room {index:03d}", order=index),
            track=tracks[index % len(tracks)],
            start=start,
            end=start + dt.timedelta(minutes=45),
        )
        for order in range(2 + index % 2):
            SessionRoleFactory(
                session=session,
                person=PersonFactory(
                    event=event,
                    name=f"Speaker {index:03d}-{order}",
                    organization=OrganizationFactory(name=f"University {index:03d}-{order}"),
                ),
                role=SessionRole.Kind.CHAIR if order == 0 else SessionRole.Kind.SPEAKER,
                order=order,
            )


@pytest.fixture
def tracks(event):
    return [TrackFactory(event=event, name=name) for name in ("Policy", "Practice", "Research")]


def _count(client, url, **kwargs):
    with CaptureQueriesContext(connection) as context:
        response = client.get(url, **kwargs)
    assert response.status_code == 200, response.content[:500]
    return len(context.captured_queries), response


def test_public_session_list_queries_do_not_grow_with_sessions(client, event, tracks):
    _add_sessions(event, tracks, 10, 0)
    programme_publish(event=event, by=None)
    url = "/api/events/seminar/sessions?limit=200"

    few, response = _count(client, url)
    assert response.json()["count"] == 10
    assert len(response.json()["items"]) == 10

    _add_sessions(event, tracks, 190, 10)
    many, response = _count(client, url)

    body = response.json()
    assert body["count"] == 200
    assert len(body["items"]) == 200
    last = next(item for item in body["items"] if item["title"] == "Workshop 199")
    assert [role["person"]["name"] for role in last["people"]] == [
        "Speaker 199-0",
        "Speaker 199-1",
        "Speaker 199-2",
    ]
    assert last["people"][0]["person"]["organization"]["name"] == "University 199-0"
    assert last["track"]["name"] == "Practice"  # tracks cycle by index: 199 % 3 == 1
    assert many == few, f"{few} queries for 10 sessions, {many} for 200"
    assert many < MAX_QUERIES


def test_team_session_list_queries_do_not_grow_with_sessions(
    client, event, tracks, organiser, bearer
):
    headers = bearer(organiser)
    _add_sessions(event, tracks, 10, 0)
    url = "/api/events/seminar/sessions?limit=200"
    # The token's first use writes its last_used_at; measure the calls after it.
    assert client.get(url, headers=headers).status_code == 200

    few, response = _count(client, url, headers=headers)
    assert response.json()["count"] == 10

    _add_sessions(event, tracks, 190, 10)
    many, response = _count(client, url, headers=headers)

    assert response.json()["count"] == 200
    assert many == few, f"{few} queries for 10 sessions, {many} for 200"
    assert many < MAX_QUERIES


def test_agenda_page_queries_do_not_grow_with_sessions(client, event, tracks):
    _add_sessions(event, tracks, 10, 0)
    programme_publish(event=event, by=None)
    url = f"/events/seminar/agenda/?day={event.start_date.isoformat()}"

    few, response = _count(client, url)
    assert "Workshop 009" in response.content.decode()

    _add_sessions(event, tracks, 190, 10)
    many, response = _count(client, url)

    page = response.content.decode()
    assert "Workshop 199" in page
    assert "Speaker 199-2" in page
    assert many == few, f"{few} queries for 10 sessions, {many} for 200"
    assert many < MAX_QUERIES


def test_agenda_page_for_a_signed_in_organiser_does_not_grow(client, event, tracks, organiser):
    _add_sessions(event, tracks, 10, 0)
    programme_publish(event=event, by=None)
    first = Session.objects.order_by("pk").first()
    Bookmark.objects.create(user=organiser, session=first)
    client.force_login(organiser)
    url = f"/events/seminar/agenda/?day={event.start_date.isoformat()}"

    few, _response = _count(client, url)
    _add_sessions(event, tracks, 190, 10)
    many, response = _count(client, url)

    assert "Workshop 199" in response.content.decode()
    assert many == few, f"{few} queries for 10 sessions, {many} for 200"
    assert many < MAX_QUERIES


def test_agenda_page_lists_only_the_chosen_day(client, event, tracks):
    _add_sessions(event, tracks, 3, 0)
    SessionFactory(
        event=event,
        title="Second-day closing",
        start=at(event, 1, "16:00"),
        end=at(event, 1, "17:00"),
    )
    programme_publish(event=event, by=None)

    first = client.get(f"/events/seminar/agenda/?day={event.start_date.isoformat()}")
    second = client.get(f"/events/seminar/agenda/?day={event.end_date.isoformat()}")

    assert first.status_code == second.status_code == 200
    assert "Workshop 002" in first.content.decode()
    assert "Second-day closing" not in first.content.decode()
    assert "Second-day closing" in second.content.decode()
    assert "Workshop 002" not in second.content.decode()


@pytest.mark.parametrize(
    "url",
    [
        "/events/seminar/agenda/?day={day}",
        "/zh-hans/events/seminar/agenda/?day={day}",
        "/api/events/seminar/sessions?limit=200",
        "/events/seminar/schedule.xml",
        "/events/seminar/calendar.ics?lang=fr",
    ],
)
def test_content_in_two_languages_costs_the_same_queries_as_in_one(client, event, tracks, url):
    """Translated titles, rooms and tracks live in their rows: no query per language or row."""
    event.languages = ["en", "zh-hans"]
    event.save(update_fields=["languages"])
    _add_sessions(event, tracks, 10, 0)
    programme_publish(event=event, by=None)
    url = url.format(day=event.start_date.isoformat())
    plain, _ = _count(client, url)

    for session in Session.objects.select_related("room"):
        session.title = {"en": session.title, "zh-hans": f"研讨会 {session.pk}"}
        session.save(update_fields=["title"])
        session.room.name = {"en": session.room.name, "zh-hans": f"会议室 {session.pk}"}
        session.room.save(update_fields=["name"])
    _add_sessions(event, tracks, 40, 10)
    translated, response = _count(client, url)

    assert translated == plain, f"{plain} queries in one language, {translated} in two"
    if url.startswith("/zh-hans/"):
        assert "研讨会" in response.content.decode()
