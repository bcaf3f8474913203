"""Input that used to reach a 500, each answered with a 4xx that says what was wrong (or simply
handled), on SQLite and on PostgreSQL: the NUL character in a submitted form, a moment whose
offset or year the database cannot hold, a line break in a one-line title, JSON nested too
deeply."""

import json

import pytest
from django.test import Client

from registrations.models import CheckIn, Registration
from sessions.models import Session
from sessions.services.programme import programme_publish
from tests.factories import RoomFactory, SessionFactory, at
from tests.registrations.payments.stripe_fake import signature

pytestmark = pytest.mark.django_db

DEEP = "[" * 100_000 + "]" * 100_000


@pytest.fixture
def desk(organiser):
    browser = Client(raise_request_exception=False)
    browser.force_login(organiser)
    return browser


@pytest.mark.parametrize(
    ("path", "form"),
    [
        ("/events/seminar/checkin/", {"secret": "ab\x00c", "gate": "Main"}),
        ("/events/seminar/checkin/", {"secret": "GUEST", "gate": "Ma\x00in"}),
        ("/events/seminar/manage/registrations/GUEST_PK/cancel/", {"reason": "no\x00pe"}),
    ],
)
def test_a_nul_character_in_a_form_is_a_400_that_says_so(desk, guest, path, form):
    path = path.replace("GUEST_PK", str(guest.pk))
    form = {key: value.replace("GUEST", guest.badge_secret) for key, value in form.items()}

    response = desk.post(path, form)

    assert response.status_code == 400
    assert "NUL character" in response.content.decode()
    assert not CheckIn.objects.exists()
    assert Registration.objects.get(pk=guest.pk).state == "confirmed"


@pytest.mark.parametrize(
    ("moment", "status"),
    [
        ("0001-01-01T00:00:00+23:59", 422),  # before year 1 in UTC
        ("0001-01-01T00:00:00-23:59", 200),  # an offset PostgreSQL cannot store, as UTC it can
        ("9999-12-31T23:00:00-02:00", 422),  # after year 9999 in UTC
    ],
)
def test_a_moment_is_taken_as_utc_or_refused_when_it_leaves_the_years_1_to_9999(
    client, event, moment, status
):
    programme_publish(event=event, by=None)

    response = client.get("/api/events/seminar/sessions", {"updated_since": moment})

    assert response.status_code == status, response.content
    if status == 422:
        assert response.json()["errors"][0]["field"] == "updated_since"


def test_a_line_break_in_a_title_is_a_space_and_every_calendar_still_builds(
    client, event, organiser, bearer
):
    room = RoomFactory(event=event)
    session = SessionFactory(event=event, room=room, start=at(event, 0, "10:00"))
    programme_publish(event=event, by=None)

    changed = client.patch(
        f"/api/events/seminar/sessions/{session.pk}",
        {"title": {"en": "Line one\nline two\r\n"}},
        content_type="application/json",
        headers=bearer(organiser),
    )
    one = client.get(f"/events/seminar/sessions/{session.pk}/calendar.ics")
    every = client.get("/events/seminar/calendar.ics")

    assert changed.status_code == 200, changed.content
    assert str(Session.objects.get(pk=session.pk).title) == "Line one line two"
    assert (one.status_code, every.status_code) == (200, 200)
    assert b"NAME:Line one line two\r\n" in one.content


def test_json_nested_too_deeply_is_a_4xx_for_the_api_and_the_webhook(
    client, event, organiser, bearer, settings
):
    settings.STRIPE_WEBHOOK_SECRET = "whsec_test"
    body = '{"id": "evt_1", "type": "checkout.session.completed", "data": ' + DEEP + "}"

    api = client.post(
        "/api/events/seminar/rooms",
        DEEP,
        content_type="application/json",
        headers=bearer(organiser),
    )
    webhook = client.post(
        "/stripe/webhook/",
        data=body,
        content_type="application/json",
        HTTP_STRIPE_SIGNATURE=signature(body, secret="whsec_test"),
    )

    assert api.status_code == 422 and "nested too deeply" in json.dumps(api.json())
    assert (webhook.status_code, webhook.json()["code"]) == (400, "bad_payload")
