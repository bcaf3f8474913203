"""The programme's REST API: public reads, organiser writes, the chair's status call, the log."""

import datetime as dt

import pytest

from sessions.models import ConflictOverride, Person, Session, SessionRole, SessionUpdate
from sessions.services.chair import announcement_create
from sessions.services.sessions import session_publish
from tests.factories import (
    OrganizationFactory,
    PersonFactory,
    RoomFactory,
    SessionFactory,
    SessionRoleFactory,
    TrackFactory,
    UserFactory,
    at,
)
from tests.helpers import iso_utc, publish

pytestmark = pytest.mark.django_db

URL = "/api/events/seminar"


def _post(client, path, body=None, headers=None):
    return client.post(
        URL + path, body or {}, content_type="application/json", headers=headers or {}
    )


def _patch(client, path, body, headers=None):
    return client.patch(URL + path, body, content_type="application/json", headers=headers or {})


def _when(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text)


def _titles(response) -> list[str]:
    assert response.status_code == 200, response.content
    return [item["title"] for item in response.json()["items"]]


def _updates(event) -> list[tuple[int, str, int | None]]:
    return list(
        SessionUpdate.objects.filter(event=event)
        .order_by("sequence")
        .values_list("sequence", "kind", "session_id")
    )


def _fields(response) -> list[str]:
    return [error["field"] for error in response.json()["errors"]]


@pytest.fixture
def hall(event):
    return RoomFactory(event=event, name="Hall", order=1)


@pytest.fixture
def annex(event):
    return RoomFactory(event=event, name="Annex", order=2)


@pytest.fixture
def studio(event):
    return RoomFactory(event=event, name="Studio", order=3)


@pytest.fixture
def policy(event):
    return TrackFactory(event=event, name="Policy", colour="#336699")


@pytest.fixture
def chair():
    return UserFactory(username="chair")


@pytest.fixture
def chaired(event, hall, chair):
    """A public session in the Hall, 10:00-11:00, chaired by the person linked to `chair`."""
    session = SessionFactory(event=event, title="Opening plenary", room=hall)
    person = PersonFactory(event=event, name="Amina Diallo", user=chair)
    SessionRoleFactory(session=session, person=person, role=SessionRole.Kind.CHAIR)
    publish(event)
    return session


# --- public reads ---------------------------------------------------------------------------


def test_sessions_before_publication_are_404_for_the_public(client, event, outsider, bearer):
    SessionFactory(event=event, title="Draft panel", status="draft")

    anonymous = client.get(URL + "/sessions")
    stranger = client.get(URL + "/sessions", headers=bearer(outsider))

    assert anonymous.status_code == 404
    assert anonymous.json()["code"] == "programme_not_published"
    assert stranger.status_code == 404
    assert stranger.json()["code"] == "programme_not_published"


def test_team_sees_drafts_before_publication(client, event, organiser, checkin_staff, bearer):
    SessionFactory(event=event, title="Draft panel", status="draft")

    for user in (organiser, checkin_staff):
        response = client.get(URL + "/sessions", headers=bearer(user))

        assert _titles(response) == ["Draft panel"]
        assert response.json()["items"][0]["status"] == "draft"


def test_public_list_is_paginated_in_time_order(client, event):
    SessionFactory(event=event, title="Closing", start=at(event, 1, "16:00"))
    SessionFactory(event=event, title="Opening", start=at(event, 0, "09:00"))
    SessionFactory(event=event, title="Panel", start=at(event, 0, "14:00"))
    SessionFactory(event=event, title="Idea", status="draft", start=None, end=None, room=None)
    publish(event)

    first = client.get(URL + "/sessions?limit=2")
    second = client.get(URL + "/sessions?limit=2&offset=2")

    assert set(first.json()) == {"items", "count"}
    assert first.json()["count"] == 3
    assert _titles(first) == ["Opening", "Panel"]
    assert _titles(second) == ["Closing"]
    assert second.json()["count"] == 3


def test_public_list_hides_drafts_the_team_sees(client, event, organiser, bearer):
    SessionFactory(event=event, title="Opening")
    publish(event)
    SessionFactory(event=event, title="Later idea", status="draft", start=at(event, 0, "15:00"))

    assert _titles(client.get(URL + "/sessions")) == ["Opening"]
    assert _titles(client.get(URL + "/sessions", headers=bearer(organiser))) == [
        "Opening",
        "Later idea",
    ]


def test_day_filter_uses_the_events_own_midnight(client, event):
    # Asia/Shanghai is UTC+8: 07:00 on day 0 is still the previous day in UTC, and 00:30 and
    # 07:30 on day 1 are on day 0 in UTC.
    SessionFactory(event=event, title="Sunrise", start=at(event, 0, "07:00"))
    SessionFactory(event=event, title="Late night", start=at(event, 0, "23:00"))
    SessionFactory(event=event, title="Early bird", start=at(event, 1, "00:30"))
    SessionFactory(event=event, title="Breakfast", start=at(event, 1, "07:30"))
    publish(event)
    first, second = event.days

    day0 = client.get(URL + "/sessions", {"day": first.isoformat()})
    day1 = client.get(URL + "/sessions", {"day": second.isoformat()})
    after = client.get(URL + "/sessions", {"day": (second + dt.timedelta(days=1)).isoformat()})

    assert _titles(day0) == ["Sunrise", "Late night"]
    assert _titles(day1) == ["Early bird", "Breakfast"]
    assert _titles(after) == []


def test_filters_by_room_track_kind_and_person(client, event, hall, annex, policy):
    SessionFactory(
        event=event,
        title="Keynote",
        kind="keynote",
        room=hall,
        track=policy,
        start=at(event, 0, "09:00"),
    )
    panel = SessionFactory(event=event, title="Panel", kind="panel", room=annex)
    SessionFactory(
        event=event,
        title="Workshop",
        kind="workshop",
        room=hall,
        start=at(event, 0, "11:00"),
    )
    person = PersonFactory(event=event, name="Li Wei")
    SessionRoleFactory(session=panel, person=person)
    publish(event)

    assert _titles(client.get(URL + "/sessions", {"room": hall.pk})) == ["Keynote", "Workshop"]
    assert _titles(client.get(URL + "/sessions", {"track": policy.pk})) == ["Keynote"]
    assert _titles(client.get(URL + "/sessions", {"kind": "workshop"})) == ["Workshop"]
    assert _titles(client.get(URL + "/sessions", {"person": person.pk})) == ["Panel"]
    combined = client.get(URL + "/sessions", {"room": hall.pk, "kind": "keynote"})
    assert _titles(combined) == ["Keynote"]


def test_unknown_kind_filter_is_422_naming_it(client, event):
    publish(event)

    response = client.get(URL + "/sessions", {"kind": "party"})

    assert response.status_code == 422
    assert _fields(response) == ["kind"]


def test_search_matches_titles_people_and_organisations(client, event):
    SessionFactory(
        event=event, title="Digital Transformation of Universities", start=at(event, 0, "09:00")
    )
    panel = SessionFactory(event=event, title="Panel")
    SessionFactory(event=event, title="Closing", start=at(event, 0, "16:00"))
    SessionRoleFactory(
        session=panel,
        person=PersonFactory(
            event=event,
            name="María Fernández",
            organization=OrganizationFactory(name="Universidad de Chile", acronym="UCH"),
        ),
    )
    publish(event)

    def search(words):
        return _titles(client.get(URL + "/sessions", {"q": words}))

    assert search("digital") == ["Digital Transformation of Universities"]
    assert search("fernández") == ["Panel"]
    assert search("universidad") == ["Panel"]
    assert search("uch") == ["Panel"]
    assert search("  closing ") == ["Closing"]
    assert search("nobody") == []


def test_updated_since_filters_and_needs_an_offset(client, event):
    old = SessionFactory(event=event, title="Old", start=at(event, 0, "09:00"))
    new = SessionFactory(event=event, title="New")
    publish(event)
    Session.objects.filter(pk=old.pk).update(updated_at=dt.datetime(2026, 1, 1, tzinfo=dt.UTC))
    Session.objects.filter(pk=new.pk).update(updated_at=dt.datetime(2026, 3, 1, tzinfo=dt.UTC))

    since_feb = client.get(URL + "/sessions", {"updated_since": "2026-02-01T00:00:00Z"})
    same_instant = client.get(URL + "/sessions", {"updated_since": "2026-03-01T08:00:00+08:00"})
    since_2025 = client.get(URL + "/sessions", {"updated_since": "2025-12-31T00:00:00Z"})
    naive = client.get(URL + "/sessions", {"updated_since": "2026-02-01T00:00:00"})

    assert _titles(since_feb) == ["New"]
    assert _titles(same_instant) == ["New"]
    assert _titles(since_2025) == ["Old", "New"]
    assert naive.status_code == 422
    assert naive.json()["code"] == "validation_error"
    assert _fields(naive) == ["updated_since"]


def test_get_one_session_with_its_details(client, event, hall, policy):
    session = SessionFactory(
        event=event,
        title="Opening plenary",
        kind="opening",
        abstract="Welcome to Shenzhen.",
        room=hall,
        track=policy,
        delay_minutes=15,
        language="zh-hans",
    )
    speaker = PersonFactory(event=event, name="Zhang San", email="zhang@example.org")
    chair = PersonFactory(
        event=event,
        name="Amina Diallo",
        honorific="Prof.",
        organization=OrganizationFactory(name="University of Nairobi", acronym="UoN"),
    )
    SessionRoleFactory(session=session, person=speaker, role="speaker", order=1)
    SessionRoleFactory(session=session, person=chair, role="chair", order=0)
    publish(event)

    response = client.get(f"{URL}/sessions/{session.pk}")

    assert response.status_code == 200
    body = response.json()
    assert body["title"] == "Opening plenary"
    assert body["kind"] == "opening"
    assert body["status"] == "scheduled"
    assert body["language"] == "zh-hans"
    assert body["room"] == {"id": hall.pk, "name": "Hall", "kind": "physical"}
    assert body["track"] == {"id": policy.pk, "name": "Policy", "colour": "#336699"}
    assert _when(body["start"]) == at(event, 0, "10:00")
    assert _when(body["end"]) == at(event, 0, "11:00")
    assert body["delay_minutes"] == 15
    assert _when(body["actual_start"]) == at(event, 0, "10:15")
    assert _when(body["actual_end"]) == at(event, 0, "11:15")
    assert [(p["role"], p["person"]["display_name"]) for p in body["people"]] == [
        ("chair", "Prof. Amina Diallo"),
        ("speaker", "Zhang San"),
    ]
    assert body["people"][0]["person"]["organization"]["acronym"] == "UoN"
    assert "email" not in body["people"][1]["person"]
    assert body["url"].endswith(f"/events/seminar/sessions/{session.pk}/")


def test_draft_session_is_404_to_the_public_but_the_team_sees_it(client, event, organiser, bearer):
    publish(event)
    draft = SessionFactory(event=event, title="Secret draft", status="draft")

    anonymous = client.get(f"{URL}/sessions/{draft.pk}")
    team = client.get(f"{URL}/sessions/{draft.pk}", headers=bearer(organiser))

    assert anonymous.status_code == 404
    assert anonymous.json()["code"] == "not_found"
    assert team.status_code == 200
    assert team.json()["status"] == "draft"


def test_session_of_another_event_is_404(client, event, organiser, bearer):
    publish(event)
    elsewhere = SessionFactory(title="Elsewhere")

    response = client.get(f"{URL}/sessions/{elsewhere.pk}", headers=bearer(organiser))

    assert response.status_code == 404


def test_public_people_are_those_in_public_sessions_without_email(client, event, organiser, bearer):
    public = SessionFactory(event=event, title="Panel")
    ana = PersonFactory(
        event=event,
        name="Ana",
        email="ana@example.org",
        organization=OrganizationFactory(name="Universidad de Chile"),
    )
    SessionRoleFactory(session=public, person=ana)
    PersonFactory(event=event, name="Cy", email="cy@example.org")  # in no session
    publish(event)
    draft = SessionFactory(event=event, title="Draft", status="draft", start=at(event, 0, "14:00"))
    SessionRoleFactory(session=draft, person=PersonFactory(event=event, name="Bo"))

    anonymous = client.get(URL + "/people")
    team = client.get(URL + "/people", headers=bearer(organiser))
    search = client.get(URL + "/people", {"q": "chile"})

    assert anonymous.status_code == 200
    assert anonymous.json()["count"] == 1
    item = anonymous.json()["items"][0]
    assert item["name"] == "Ana"
    assert item["organization"]["name"] == "Universidad de Chile"
    assert item["country"] == "KE"
    assert item["country_name"] == "Kenya"
    assert "email" not in item
    assert "user_id" not in item
    assert "ana@example.org" not in anonymous.content.decode()
    assert [p["name"] for p in team.json()["items"]] == ["Ana", "Bo", "Cy"]
    assert [p["name"] for p in search.json()["items"]] == ["Ana"]


def test_people_before_publication_are_404_for_the_public(client, event):
    SessionRoleFactory(session=SessionFactory(event=event))

    response = client.get(URL + "/people")

    assert response.status_code == 404
    assert response.json()["code"] == "programme_not_published"


def test_updates_are_in_order_after_since(client, event):
    publish(event)
    for message in ("Lunch is served", "Buses leave at 18:00", "Wi-Fi: seminar2026"):
        announcement_create(event=event, by=None, message=message)

    everything = client.get(URL + "/updates?since=0")
    later = client.get(URL + "/updates?since=2")
    nothing_new = client.get(URL + "/updates?since=4")

    assert everything.status_code == 200
    body = everything.json()
    assert body["last_sequence"] == 4
    assert body["more"] is False
    assert [(u["sequence"], u["kind"]) for u in body["updates"]] == [
        (1, "programme_published"),
        (2, "announcement"),
        (3, "announcement"),
        (4, "announcement"),
    ]
    assert body["updates"][1]["message"] == "Lunch is served"
    assert body["updates"][1]["session_id"] is None
    assert [u["sequence"] for u in later.json()["updates"]] == [3, 4]
    assert later.json()["last_sequence"] == 4
    assert nothing_new.json() == {"last_sequence": 4, "updates": [], "more": False}


def test_updates_limit_says_when_more_follow(client, event):
    publish(event)
    for n in range(4):
        announcement_create(event=event, by=None, message=f"Notice {n}")

    first = client.get(URL + "/updates?since=0&limit=2").json()
    second = client.get(URL + "/updates?since=2&limit=2").json()
    third = client.get(URL + "/updates?since=4&limit=2").json()

    assert [u["sequence"] for u in first["updates"]] == [1, 2]
    assert first["more"] is True
    assert first["last_sequence"] == 5
    assert [u["sequence"] for u in second["updates"]] == [3, 4]
    assert second["more"] is True
    assert [u["sequence"] for u in third["updates"]] == [5]
    assert third["more"] is False


@pytest.mark.parametrize("query", ["since=-1", "limit=0", "limit=501", "since=x"])
def test_updates_bounds_are_422(client, event, query):
    publish(event)

    response = client.get(f"{URL}/updates?{query}")

    assert response.status_code == 422


def test_updates_before_publication_are_404_for_the_public(client, event, organiser, bearer):
    anonymous = client.get(URL + "/updates?since=0")
    team = client.get(URL + "/updates?since=0", headers=bearer(organiser))

    assert anonymous.status_code == 404
    assert anonymous.json()["code"] == "programme_not_published"
    assert team.status_code == 200
    assert team.json() == {"last_sequence": 0, "updates": [], "more": False}


def test_programme_state_before_and_after_publication(client, event, organiser, bearer):
    SessionFactory(event=event, title="Placed draft", status="draft")
    SessionFactory(event=event, title="Idea", status="draft", start=None, end=None, room=None)
    headers = bearer(organiser)

    before_public = client.get(URL + "/programme")
    before_team = client.get(URL + "/programme", headers=headers)
    published = _post(client, "/programme/publish", headers=headers)
    after_public = client.get(URL + "/programme")

    assert before_public.status_code == 404
    assert before_public.json()["code"] == "programme_not_published"
    assert before_team.json() == {
        "published": False,
        "published_at": None,
        "last_sequence": 0,
        "session_count": 2,
        "public_session_count": 0,
    }
    assert published.status_code == 200
    assert published.json()["published"] is True
    assert published.json()["last_sequence"] == 1
    assert published.json()["session_count"] == 2
    assert published.json()["public_session_count"] == 1
    assert after_public.json()["session_count"] == 1
    assert after_public.json()["published_at"] is not None
    assert Session.objects.get(title="Placed draft").status == "scheduled"
    assert Session.objects.get(title="Idea").status == "draft"
    log = client.get(URL + "/updates").json()["updates"]
    assert [(u["kind"], u["changes"]) for u in log] == [
        ("programme_published", {"sessions": {"before": 0, "after": 1}})
    ]


def test_publishing_the_programme_needs_an_organiser(client, event, checkin_staff, bearer):
    anonymous = _post(client, "/programme/publish")
    staff = _post(client, "/programme/publish", headers=bearer(checkin_staff))

    assert anonymous.status_code == 401
    assert staff.status_code == 403
    assert not SessionUpdate.objects.exists()


# --- creating and changing sessions ---------------------------------------------------------


def _new_session(event, room, **extra):
    return {
        "title": "Opening plenary",
        "kind": "opening",
        "room_id": room.pk,
        "start": at(event, 0, "09:00").isoformat(),
        "end": at(event, 0, "10:00").isoformat(),
        **extra,
    }


def test_organiser_creates_a_session(client, event, organiser, bearer, hall, policy):
    ana = PersonFactory(event=event, name="Ana")
    bo = PersonFactory(event=event, name="Bo")
    publish(event)
    body = _new_session(
        event,
        hall,
        track_id=policy.pk,
        status="scheduled",
        language="en",
        people=[{"person_id": ana.pk, "role": "chair"}, {"person_id": bo.pk, "role": "speaker"}],
    )

    response = _post(client, "/sessions", body, bearer(organiser))

    assert response.status_code == 201
    created = response.json()
    assert created["title"] == "Opening plenary"
    assert created["status"] == "scheduled"
    assert created["room"]["name"] == "Hall"
    assert created["track"]["name"] == "Policy"
    assert _when(created["start"]) == at(event, 0, "09:00")
    assert [(p["role"], p["person"]["name"], p["order"]) for p in created["people"]] == [
        ("chair", "Ana", 0),
        ("speaker", "Bo", 1),
    ]
    session = Session.objects.get(pk=created["id"])
    assert session.event == event
    assert _updates(event)[-1] == (2, "published", session.pk)


def test_created_session_is_a_draft_by_default_and_not_logged(
    client, event, organiser, bearer, hall
):
    publish(event)

    response = _post(client, "/sessions", _new_session(event, hall), bearer(organiser))

    assert response.status_code == 201
    assert response.json()["status"] == "draft"
    assert [kind for _seq, kind, _id in _updates(event)] == ["programme_published"]
    assert client.get(URL + "/sessions").json()["count"] == 0


def test_naive_datetime_is_refused_with_a_field_error(client, event, organiser, bearer, hall):
    body = _new_session(event, hall, start="2026-12-22T09:00:00")

    response = _post(client, "/sessions", body, bearer(organiser))

    assert response.status_code == 422
    assert response.json()["code"] == "validation_error"
    assert _fields(response) == ["start"]
    assert response.json()["errors"][0]["type"] == "timezone_aware"
    assert not Session.objects.exists()


def test_end_before_start_is_422_naming_end(client, event, organiser, bearer, hall):
    body = _new_session(event, hall, end=at(event, 0, "08:00").isoformat())

    response = _post(client, "/sessions", body, bearer(organiser))

    assert response.status_code == 422
    assert _fields(response) == ["end"]
    assert not Session.objects.exists()


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"status": "scheduled", "start": None, "end": None}, "start"),
        ({"status": "live"}, "status"),
        ({"kind": "party"}, "kind"),
        ({"language": "xx-nope"}, "language"),
        ({"title": ""}, "title"),
    ],
)
def test_invalid_new_session_is_422_naming_the_field(
    client, event, organiser, bearer, hall, changes, field
):
    response = _post(client, "/sessions", _new_session(event, hall, **changes), bearer(organiser))

    assert response.status_code == 422
    assert _fields(response) == [field]
    assert not Session.objects.exists()


def test_the_same_role_twice_is_422_and_saves_nothing(client, event, organiser, bearer, hall):
    ana = PersonFactory(event=event, name="Ana")
    twice = [{"person_id": ana.pk, "role": "speaker"}] * 2

    response = _post(
        client, "/sessions", _new_session(event, hall, people=twice), bearer(organiser)
    )

    assert response.status_code == 422
    assert _fields(response) == ["role"]
    assert not Session.objects.exists()
    assert not SessionRole.objects.exists()


@pytest.mark.parametrize("field", ["room_id", "track_id"])
def test_room_or_track_of_another_event_is_422(client, event, organiser, bearer, hall, field):
    elsewhere = (RoomFactory if field == "room_id" else TrackFactory)()
    body = _new_session(event, hall, **{field: elsewhere.pk})

    response = _post(client, "/sessions", body, bearer(organiser))

    assert response.status_code == 422
    assert _fields(response) == [field]
    assert f"id {elsewhere.pk}" in response.json()["errors"][0]["message"]
    assert not Session.objects.exists()


def test_person_of_another_event_is_422(client, event, organiser, bearer, hall):
    stranger = PersonFactory(name="Stranger")
    body = _new_session(event, hall, people=[{"person_id": stranger.pk, "role": "speaker"}])

    response = _post(client, "/sessions", body, bearer(organiser))

    assert response.status_code == 422
    assert _fields(response) == ["person_id"]
    assert not Session.objects.exists()


def test_person_in_an_overlapping_session_is_409_and_can_be_overridden(
    client, event, organiser, bearer, hall, annex
):
    busy = SessionFactory(event=event, title="Morning panel", room=hall)
    ana = PersonFactory(event=event, name="Ana")
    SessionRoleFactory(session=busy, person=ana)
    body = {
        "title": "Parallel workshop",
        "kind": "workshop",
        "room_id": annex.pk,
        "start": at(event, 0, "10:30").isoformat(),
        "end": at(event, 0, "11:30").isoformat(),
        "people": [{"person_id": ana.pk, "role": "speaker"}],
    }

    refused = _post(client, "/sessions", body, bearer(organiser))

    assert refused.status_code == 409
    assert refused.json()["code"] == "schedule_conflict"
    details = refused.json()["details"]
    assert details["can_override"] is True
    assert len(details["conflicts"]) == 1
    conflict = details["conflicts"][0]
    assert conflict["code"] == "person_overlap"
    assert conflict["overridable"] is True
    assert conflict["other_session"]["title"] == "Morning panel"
    assert conflict["person"] == {"id": ana.pk, "name": "Ana"}
    assert not Session.objects.filter(title="Parallel workshop").exists()

    accepted = _post(client, "/sessions", {**body, "override": True}, bearer(organiser))

    assert accepted.status_code == 201
    assert [p["person"]["name"] for p in accepted.json()["people"]] == ["Ana"]
    override = ConflictOverride.objects.get()
    assert override.session_id == accepted.json()["id"]
    assert (override.code, override.other_session, override.person) == (
        "person_overlap",
        busy,
        ana,
    )
    assert override.created_by == organiser


def test_room_overlap_cannot_be_overridden(client, event, organiser, bearer, hall):
    SessionFactory(event=event, title="Morning panel", room=hall)
    body = _new_session(
        event,
        hall,
        start=at(event, 0, "10:30").isoformat(),
        end=at(event, 0, "11:30").isoformat(),
        override=True,
    )

    response = _post(client, "/sessions", body, bearer(organiser))

    assert response.status_code == 409
    details = response.json()["details"]
    assert details["can_override"] is False
    assert [c["code"] for c in details["conflicts"]] == ["room_overlap"]
    assert details["conflicts"][0]["other_session"]["title"] == "Morning panel"
    assert Session.objects.count() == 1


def test_patch_refuses_explicit_null_for_title(client, event, organiser, bearer):
    session = SessionFactory(event=event, title="Opening")

    response = _patch(client, f"/sessions/{session.pk}", {"title": None}, bearer(organiser))

    assert response.status_code == 422
    assert _fields(response) == ["title"]
    session.refresh_from_db()
    assert session.title == "Opening"


def test_patch_details_is_logged_as_changed(client, event, organiser, bearer):
    session = SessionFactory(event=event, title="Opening")
    publish(event)

    response = _patch(
        client, f"/sessions/{session.pk}", {"title": "Grand opening"}, bearer(organiser)
    )

    assert response.status_code == 200
    assert response.json()["title"] == "Grand opening"
    update = SessionUpdate.objects.get(sequence=2)
    assert (update.kind, update.session_id) == ("changed", session.pk)
    assert update.changes == {"title": {"before": "Opening", "after": "Grand opening"}}


def test_patch_without_a_change_writes_nothing(client, event, organiser, bearer):
    session = SessionFactory(event=event, title="Opening")
    publish(event)

    response = _patch(client, f"/sessions/{session.pk}", {"title": "Opening"}, bearer(organiser))

    assert response.status_code == 200
    assert [kind for _seq, kind, _id in _updates(event)] == ["programme_published"]


def test_patch_time_is_logged_as_moved(client, event, organiser, bearer):
    session = SessionFactory(event=event, title="Opening")
    publish(event)
    start, end = at(event, 0, "14:00"), at(event, 0, "15:30")

    response = _patch(
        client,
        f"/sessions/{session.pk}",
        {"start": start.isoformat(), "end": end.isoformat()},
        bearer(organiser),
    )

    assert response.status_code == 200
    assert _when(response.json()["start"]) == start
    assert _when(response.json()["end"]) == end
    update = SessionUpdate.objects.get(sequence=2)
    assert (update.kind, update.session_id) == ("moved", session.pk)
    assert update.changes == {
        "start": {"before": iso_utc(at(event, 0, "10:00")), "after": iso_utc(start)},
        "end": {"before": iso_utc(at(event, 0, "11:00")), "after": iso_utc(end)},
    }


def test_patch_start_after_the_end_is_422_and_nothing_is_logged(client, event, organiser, bearer):
    session = SessionFactory(event=event)
    publish(event)

    response = _patch(
        client,
        f"/sessions/{session.pk}",
        {"start": at(event, 0, "12:00").isoformat()},
        bearer(organiser),
    )

    assert response.status_code == 422
    assert _fields(response) == ["end"]
    session.refresh_from_db()
    assert session.start == at(event, 0, "10:00")
    assert len(_updates(event)) == 1


# --- moving ---------------------------------------------------------------------------------


@pytest.fixture
def two_sessions(event, hall, annex):
    """“Keynote” in the Hall and “Panel” in the Annex, both 10:00-11:00, public."""
    keynote = SessionFactory(event=event, title="Keynote", room=hall)
    panel = SessionFactory(event=event, title="Panel", room=annex)
    publish(event)
    return keynote, panel


def test_move_dry_run_reports_conflicts_and_saves_nothing(
    client, event, organiser, bearer, hall, two_sessions
):
    _keynote, panel = two_sessions

    response = _post(
        client,
        f"/sessions/{panel.pk}/move",
        {"room_id": hall.pk, "dry_run": True},
        bearer(organiser),
    )

    assert response.status_code == 200
    body = response.json()
    assert body["saved"] is False
    assert [c["code"] for c in body["conflicts"]] == ["room_overlap"]
    assert body["conflicts"][0]["other_session"]["title"] == "Keynote"
    assert body["session"]["room"]["name"] == "Annex"
    panel.refresh_from_db()
    assert panel.room.name == "Annex"
    assert len(_updates(event)) == 1


def test_move_dry_run_to_a_free_slot_has_no_conflicts(
    client, event, organiser, bearer, two_sessions
):
    _keynote, panel = two_sessions

    response = _post(
        client,
        f"/sessions/{panel.pk}/move",
        {"start": at(event, 0, "15:00").isoformat(), "dry_run": True},
        bearer(organiser),
    )

    assert response.status_code == 200
    assert response.json()["saved"] is False
    assert response.json()["conflicts"] == []
    panel.refresh_from_db()
    assert panel.start == at(event, 0, "10:00")


def test_move_into_an_occupied_room_is_409_and_saves_nothing(
    client, event, organiser, bearer, hall, two_sessions
):
    _keynote, panel = two_sessions

    for override in (False, True):
        response = _post(
            client,
            f"/sessions/{panel.pk}/move",
            {"room_id": hall.pk, "override": override},
            bearer(organiser),
        )

        assert response.status_code == 409
        assert response.json()["code"] == "schedule_conflict"
        conflicts = response.json()["details"]["conflicts"]
        assert conflicts[0]["code"] == "room_overlap"
        assert conflicts[0]["other_session"]["title"] == "Keynote"
        assert conflicts[0]["session"]["title"] == "Panel"
        assert response.json()["details"]["can_override"] is False
        assert "Hall" in response.json()["detail"]
    panel.refresh_from_db()
    assert panel.room.name == "Annex"
    assert len(_updates(event)) == 1
    assert not ConflictOverride.objects.exists()


def test_move_to_a_free_room_saves_and_logs_the_rooms(
    client, event, organiser, bearer, annex, studio, two_sessions
):
    _keynote, panel = two_sessions

    response = _post(
        client, f"/sessions/{panel.pk}/move", {"room_id": studio.pk}, bearer(organiser)
    )

    assert response.status_code == 200
    assert response.json()["saved"] is True
    assert response.json()["conflicts"] == []
    assert response.json()["session"]["room"]["name"] == "Studio"
    panel.refresh_from_db()
    assert panel.room == studio
    update = SessionUpdate.objects.get(sequence=2)
    assert (update.kind, update.session_id) == ("moved", panel.pk)
    assert update.changes == {
        "room": {
            "before": {"id": annex.pk, "name": "Annex"},
            "after": {"id": studio.pk, "name": "Studio"},
        }
    }
    assert update.actor == organiser


def test_move_to_a_new_start_keeps_the_length(client, event, organiser, bearer, two_sessions):
    _keynote, panel = two_sessions

    response = _post(
        client,
        f"/sessions/{panel.pk}/move",
        {"start": at(event, 1, "14:30").isoformat()},
        bearer(organiser),
    )

    assert response.status_code == 200
    assert _when(response.json()["session"]["start"]) == at(event, 1, "14:30")
    assert _when(response.json()["session"]["end"]) == at(event, 1, "15:30")


@pytest.mark.parametrize(
    ("body", "field"),
    [({}, "request"), ({"dry_run": True}, "request"), ({"room_id": 0}, "room_id")],
)
def test_move_without_a_valid_target_is_422(
    client, event, organiser, bearer, two_sessions, body, field
):
    _keynote, panel = two_sessions

    response = _post(client, f"/sessions/{panel.pk}/move", body, bearer(organiser))

    assert response.status_code == 422
    assert _fields(response) == [field]


def test_move_of_unknown_session_is_404(client, event, organiser, bearer, hall):
    publish(event)

    response = _post(client, "/sessions/999999/move", {"room_id": hall.pk}, bearer(organiser))

    assert response.status_code == 404


# --- cancel and delete ----------------------------------------------------------------------


def test_cancelled_session_stays_listed_publicly(client, event, organiser, bearer, two_sessions):
    keynote, _panel = two_sessions

    response = _post(
        client, f"/sessions/{keynote.pk}/cancel", {"reason": "Speaker ill"}, bearer(organiser)
    )

    assert response.status_code == 200
    assert response.json()["status"] == "cancelled"
    listed = {s["title"]: s["status"] for s in client.get(URL + "/sessions").json()["items"]}
    assert listed == {"Keynote": "cancelled", "Panel": "scheduled"}
    assert client.get(f"{URL}/sessions/{keynote.pk}").json()["status"] == "cancelled"
    update = SessionUpdate.objects.get(sequence=2)
    assert (update.kind, update.session_id, update.message) == (
        "cancelled",
        keynote.pk,
        "Speaker ill",
    )
    assert update.changes == {"status": {"before": "scheduled", "after": "cancelled"}}


def test_cancelling_a_draft_keeps_it_off_the_public_programme(client, event, organiser, bearer):
    SessionFactory(event=event, title="Keynote", start=at(event, 0, "09:00"))
    publish(event)
    draft = SessionFactory(event=event, title="Never announced", status="draft")

    response = _post(client, f"/sessions/{draft.pk}/cancel", {}, bearer(organiser))

    assert response.status_code == 200
    assert response.json()["status"] == "draft"  # "a draft goes back to draft"
    assert _titles(client.get(URL + "/sessions")) == ["Keynote"]
    assert client.get(f"{URL}/sessions/{draft.pk}").status_code == 404
    assert [kind for _seq, kind, _id in _updates(event)] == ["programme_published"]


def test_conflict_list_for_organisers(client, event, organiser, bearer, hall):
    SessionFactory(event=event, title="Keynote", room=hall)
    SessionFactory(event=event, title="Clash", room=hall, start=at(event, 0, "10:30"))

    response = client.get(URL + "/conflicts", headers=bearer(organiser))
    anonymous = client.get(URL + "/conflicts")

    assert response.status_code == 200
    assert [(c["code"], c["accepted"]) for c in response.json()] == [("room_overlap", False)]
    titles = {response.json()[0]["session"]["title"], response.json()[0]["other_session"]["title"]}
    assert titles == {"Keynote", "Clash"}
    assert anonymous.status_code == 401


def test_deleting_a_draft_is_204(client, event, organiser, bearer):
    publish(event)
    draft = SessionFactory(event=event, status="draft")

    response = client.delete(f"{URL}/sessions/{draft.pk}", headers=bearer(organiser))

    assert response.status_code == 204
    assert not Session.objects.filter(pk=draft.pk).exists()


def test_deleting_a_session_added_after_publication_is_409(client, event, organiser, bearer):
    publish(event)
    session = SessionFactory(event=event, status="draft", title="Late addition")
    session_publish(session=session, by=None)

    response = client.delete(f"{URL}/sessions/{session.pk}", headers=bearer(organiser))

    assert response.status_code == 409
    assert response.json()["code"] == "session_was_public"
    assert Session.objects.filter(pk=session.pk).exists()


def test_deleting_a_session_published_with_the_programme_is_409(client, event, organiser, bearer):
    # Published by the programme's first publication: the log has one "programme_published"
    # entry and none for the session itself, yet it has been public.
    session = SessionFactory(event=event, title="Keynote")
    publish(event)

    response = client.delete(f"{URL}/sessions/{session.pk}", headers=bearer(organiser))

    assert response.status_code == 409
    assert response.json()["code"] == "session_was_public"
    assert Session.objects.filter(pk=session.pk).exists()


# --- people in sessions ---------------------------------------------------------------------


def test_assign_and_remove_a_person(client, event, organiser, bearer, two_sessions):
    keynote, _panel = two_sessions
    ana = PersonFactory(event=event, name="Ana")
    headers = bearer(organiser)

    assigned = _post(
        client, f"/sessions/{keynote.pk}/people", {"person_id": ana.pk, "role": "speaker"}, headers
    )
    again = _post(
        client, f"/sessions/{keynote.pk}/people", {"person_id": ana.pk, "role": "speaker"}, headers
    )

    assert assigned.status_code == 201
    assert [(p["role"], p["person"]["name"]) for p in assigned.json()["people"]] == [
        ("speaker", "Ana")
    ]
    assert again.status_code == 201
    assert SessionRole.objects.filter(session=keynote).count() == 1
    update = SessionUpdate.objects.get(sequence=2)
    assert update.kind == "people"
    assert update.changes == {
        "people": {"before": [], "after": [{"person": ana.pk, "name": "Ana", "role": "speaker"}]}
    }

    removed = client.delete(f"{URL}/sessions/{keynote.pk}/people/{ana.pk}/speaker", headers=headers)
    missing = client.delete(f"{URL}/sessions/{keynote.pk}/people/{ana.pk}/speaker", headers=headers)

    assert removed.status_code == 200
    assert removed.json()["people"] == []
    assert missing.status_code == 404
    assert [kind for _seq, kind, _id in _updates(event)] == [
        "programme_published",
        "people",
        "people",
    ]


def test_assigning_a_busy_person_is_409_unless_overridden(
    client, event, organiser, bearer, two_sessions
):
    keynote, panel = two_sessions
    ana = PersonFactory(event=event, name="Ana")
    SessionRoleFactory(session=keynote, person=ana)
    body = {"person_id": ana.pk, "role": "panellist"}

    refused = _post(client, f"/sessions/{panel.pk}/people", body, bearer(organiser))
    accepted = _post(
        client, f"/sessions/{panel.pk}/people", {**body, "override": True}, bearer(organiser)
    )

    assert refused.status_code == 409
    conflict = refused.json()["details"]["conflicts"][0]
    assert conflict["code"] == "person_overlap"
    assert conflict["other_session"]["title"] == "Keynote"
    assert refused.json()["details"]["can_override"] is True
    assert accepted.status_code == 201
    assert [p["person"]["name"] for p in accepted.json()["people"]] == ["Ana"]


def test_assigning_an_unknown_person_is_422(client, event, organiser, bearer, two_sessions):
    keynote, _panel = two_sessions
    stranger = PersonFactory(name="Stranger")  # another event's

    response = _post(
        client,
        f"/sessions/{keynote.pk}/people",
        {"person_id": stranger.pk, "role": "speaker"},
        bearer(organiser),
    )

    assert response.status_code == 422
    assert _fields(response) == ["person_id"]
    assert not SessionRole.objects.exists()


# --- people ---------------------------------------------------------------------------------


def test_people_lifecycle_keeps_email_private(client, event, organiser, bearer, two_sessions):
    keynote, _panel = two_sessions
    headers = bearer(organiser)
    university = OrganizationFactory(name="University of Nairobi")

    created = _post(
        client,
        "/people",
        {
            "honorific": "Dr",
            "name": "Ana Souza",
            "email": "ana@example.org",
            "organization_id": university.pk,
            "country": "BR",
        },
        headers,
    )

    assert created.status_code == 201
    person_id = created.json()["id"]
    assert created.json()["email"] == "ana@example.org"
    assert created.json()["display_name"] == "Dr Ana Souza"
    assert created.json()["organization"]["name"] == "University of Nairobi"

    changed = _patch(
        client,
        f"/people/{person_id}",
        {"email": "souza@example.org", "organization_id": None},
        headers,
    )
    assert changed.status_code == 200
    assert changed.json()["email"] == "souza@example.org"
    assert changed.json()["organization"] is None
    assert client.get(f"{URL}/people/{person_id}", headers=headers).json()["email"] == (
        "souza@example.org"
    )

    SessionRoleFactory(session=keynote, person=Person.objects.get(pk=person_id))
    public = client.get(URL + "/people")
    detail = client.get(f"{URL}/sessions/{keynote.pk}")
    assert [p["name"] for p in public.json()["items"]] == ["Ana Souza"]
    assert "email" not in public.json()["items"][0]
    assert "souza@example.org" not in public.content.decode()
    assert "souza@example.org" not in detail.content.decode()
    assert client.get(f"{URL}/people/{person_id}").status_code == 401

    in_use = client.delete(f"{URL}/people/{person_id}", headers=headers)
    assert in_use.status_code == 409
    assert in_use.json()["code"] == "person_has_roles"

    SessionRole.objects.filter(person_id=person_id).delete()
    deleted = client.delete(f"{URL}/people/{person_id}", headers=headers)
    assert deleted.status_code == 204
    assert not Person.objects.filter(pk=person_id).exists()


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"name": ""}, "name"),
        ({"name": "Ana", "email": "not-an-email"}, "email"),
        ({"name": "Ana", "country": "XX"}, "country"),
        ({"name": "Ana", "organization_id": 999999}, "organization_id"),
    ],
)
def test_invalid_person_is_422_naming_the_field(client, event, organiser, bearer, body, field):
    response = _post(client, "/people", body, bearer(organiser))

    assert response.status_code == 422
    assert _fields(response) == [field]
    assert not Person.objects.exists()


def test_patch_person_refuses_null_name(client, event, organiser, bearer):
    person = PersonFactory(event=event, name="Ana")

    response = _patch(client, f"/people/{person.pk}", {"name": None}, bearer(organiser))

    assert response.status_code == 422
    assert _fields(response) == ["name"]
    person.refresh_from_db()
    assert person.name == "Ana"


def test_people_of_another_event_are_404(client, event, organiser, bearer):
    stranger = PersonFactory(name="Stranger")

    response = client.get(f"{URL}/people/{stranger.pk}", headers=bearer(organiser))

    assert response.status_code == 404


def test_a_persons_position_in_two_languages_round_trips(client, event, organiser, bearer):
    event.languages = ["en", "zh-hans"]
    event.save(update_fields=["languages"])
    headers = bearer(organiser)
    position = {"en": "Vice-President", "zh-hans": "副校长"}

    created = _post(client, "/people", {"name": "Li Wei", "position": position}, headers)
    person_id = created.json()["id"]
    renamed = _patch(client, f"/people/{person_id}", {"position": "President"}, headers)
    chinese = client.get(
        f"{URL}/people/{person_id}", headers=headers, HTTP_ACCEPT_LANGUAGE="zh-hans"
    )
    listed = client.get(URL + "/people", headers=headers, HTTP_ACCEPT_LANGUAGE="zh-hans")

    assert created.status_code == 201, created.content
    assert created.json()["position_translations"] == position
    assert renamed.json()["position_translations"] == {"en": "President", "zh-hans": "副校长"}
    assert chinese.json()["position"] == "副校长"
    assert listed.json()["items"][0]["position"] == "副校长"
    assert listed.json()["items"][0]["position_translations"] == {
        "en": "President",
        "zh-hans": "副校长",
    }


def test_a_position_in_a_language_the_event_does_not_work_in_is_422(
    client, event, organiser, bearer
):
    event.languages = ["en", "zh-hans"]
    event.save(update_fields=["languages"])

    response = _post(
        client, "/people", {"name": "Li Wei", "position": {"fr": "Recteur"}}, bearer(organiser)
    )

    assert response.status_code == 422
    assert _fields(response) == ["position"]
    assert "the event works in en, zh-hans" in response.json()["errors"][0]["message"]
    assert not Person.objects.exists()


def test_a_session_title_in_a_language_the_event_does_not_work_in_is_422(
    client, event, organiser, bearer, hall
):
    event.languages = ["en", "zh-hans"]
    event.save(update_fields=["languages"])
    headers = bearer(organiser)
    session = SessionFactory(event=event, title="Opening", room=hall)

    created = _post(
        client, "/sessions", {"title": {"en": "Panel", "ru": "Панель"}, "kind": "panel"}, headers
    )
    changed = _patch(client, f"/sessions/{session.pk}", {"abstract": {"ar": "ملخص"}}, headers)

    assert (created.status_code, _fields(created)) == (422, ["title"])
    assert (changed.status_code, _fields(changed)) == (422, ["abstract"])
    assert "the event works in en, zh-hans, not in ru" in created.json()["errors"][0]["message"]
    assert list(Session.objects.values_list("title", flat=True)) == ["Opening"]


# --- announcements --------------------------------------------------------------------------


def test_organiser_announces_to_the_event(client, event, organiser, bearer):
    publish(event)

    response = _post(client, "/announcements", {"message": "Lunch is served"}, bearer(organiser))

    assert response.status_code == 201
    body = response.json()
    assert (body["sequence"], body["kind"], body["message"]) == (
        2,
        "announcement",
        "Lunch is served",
    )
    assert body["session_id"] is None
    log = client.get(URL + "/updates?since=1").json()
    assert [u["message"] for u in log["updates"]] == ["Lunch is served"]


def test_announcement_before_publication_is_409(client, event, organiser, bearer):
    response = _post(client, "/announcements", {"message": "Hello"}, bearer(organiser))

    assert response.status_code == 409
    assert response.json()["code"] == "programme_not_published"
    assert not SessionUpdate.objects.exists()


def test_announcement_needs_an_organiser_and_a_message(
    client, event, organiser, checkin_staff, bearer
):
    publish(event)

    anonymous = _post(client, "/announcements", {"message": "Hello"})
    staff = _post(client, "/announcements", {"message": "Hello"}, bearer(checkin_staff))
    empty = _post(client, "/announcements", {"message": ""}, bearer(organiser))
    too_long = _post(client, "/announcements", {"message": "x" * 501}, bearer(organiser))

    assert anonymous.status_code == 401
    assert staff.status_code == 403
    assert empty.status_code == 422
    assert _fields(empty) == ["message"]
    assert too_long.status_code == 422
    assert len(_updates(event)) == 1


# --- the chair ------------------------------------------------------------------------------


def _status(client, session, body, headers=None):
    return _post(client, f"/sessions/{session.pk}/status", body, headers)


def test_chair_marks_the_session_live_then_ended(client, event, chair, chaired, bearer):
    live = _status(client, chaired, {"action": "live"}, bearer(chair))
    ended = _status(client, chaired, {"action": "ended"}, bearer(chair))

    assert live.status_code == 200
    assert live.json()["session"]["status"] == "live"
    assert live.json()["update_sequence"] == 2
    assert live.json()["shifted"] == []
    assert ended.status_code == 200
    assert ended.json()["session"]["status"] == "ended"
    assert ended.json()["update_sequence"] == 3
    chaired.refresh_from_db()
    assert chaired.status == "ended"
    statuses = SessionUpdate.objects.filter(kind="status").order_by("sequence")
    assert [u.changes["status"] for u in statuses] == [
        {"before": "scheduled", "after": "live"},
        {"before": "live", "after": "ended"},
    ]
    assert statuses[0].actor == chair


def test_chair_reports_a_delay_and_pushes_the_following_session(
    client, event, hall, chair, chaired, bearer
):
    following = SessionFactory(event=event, title="Next in the hall", room=hall)
    following.start, following.end = at(event, 0, "11:00"), at(event, 0, "12:00")
    following.save()

    response = _status(
        client,
        chaired,
        {"action": "delay", "minutes": 10, "shift_following": True},
        bearer(chair),
    )

    assert response.status_code == 200
    body = response.json()
    assert body["session"]["delay_minutes"] == 10
    assert _when(body["session"]["actual_start"]) == at(event, 0, "10:10")
    assert [(s["title"], s["delay_before"], s["delay_after"]) for s in body["shifted"]] == [
        ("Opening plenary", 0, 10),
        ("Next in the hall", 0, 10),
    ]
    assert _when(body["shifted"][1]["new_start"]) == at(event, 0, "11:10")
    following.refresh_from_db()
    assert following.delay_minutes == 10
    delayed = SessionUpdate.objects.filter(kind="delayed").order_by("sequence")
    assert [u.session_id for u in delayed] == [chaired.pk, following.pk]
    assert delayed[0].changes["delay_minutes"] == {"before": 0, "after": 10}
    assert delayed[0].changes["actual_start"] == {
        "before": iso_utc(at(event, 0, "10:00")),
        "after": iso_utc(at(event, 0, "10:10")),
    }


def test_delay_without_shift_leaves_the_following_session(
    client, event, hall, chair, chaired, bearer
):
    following = SessionFactory(event=event, title="Next", room=hall, start=at(event, 0, "11:00"))

    response = _status(client, chaired, {"action": "delay", "minutes": 10}, bearer(chair))

    assert response.status_code == 200
    assert [s["session_id"] for s in response.json()["shifted"]] == [chaired.pk]
    following.refresh_from_db()
    assert following.delay_minutes == 0


def test_chair_announces_and_names_the_next_speaker(client, event, chair, chaired, bearer):
    speaker = PersonFactory(event=event, name="Zhang San")
    SessionRoleFactory(session=chaired, person=speaker, role="speaker", order=1)
    headers = bearer(chair)

    announced = _status(
        client, chaired, {"action": "announcement", "message": "Questions at the end"}, headers
    )
    named = _status(client, chaired, {"action": "next_speaker", "person_id": speaker.pk}, headers)
    cleared = _status(client, chaired, {"action": "next_speaker", "person_id": None}, headers)

    assert announced.status_code == 200
    assert named.status_code == 200
    assert named.json()["session"]["next_speaker_id"] == speaker.pk
    assert cleared.json()["session"]["next_speaker_id"] is None
    log = client.get(URL + "/updates?since=1").json()["updates"]
    assert [(u["kind"], u["session_id"]) for u in log] == [
        ("announcement", chaired.pk),
        ("next_speaker", chaired.pk),
        ("next_speaker", chaired.pk),
    ]
    assert log[0]["message"] == "Questions at the end"
    assert log[1]["changes"] == {
        "next_speaker": {"before": None, "after": {"id": speaker.pk, "name": "Zhang San"}}
    }


def test_next_speaker_must_be_in_the_session(client, event, chair, chaired, bearer):
    outsider_person = PersonFactory(event=event, name="Not in it")

    response = _status(
        client, chaired, {"action": "next_speaker", "person_id": outsider_person.pk}, bearer(chair)
    )

    assert response.status_code == 422
    assert _fields(response) == ["person_id"]  # the field the request sent
    chaired.refresh_from_db()
    assert chaired.next_speaker is None


@pytest.mark.parametrize(
    ("body", "field"),
    [
        # The schema's own messages name the field ("minutes: give the total delay …").
        ({"action": "delay"}, "minutes"),
        ({"action": "delay", "minutes": -5}, "minutes"),
        ({"action": "delay", "minutes": 721}, "minutes"),
        ({"action": "announcement"}, "message"),
        ({"action": "dance"}, "action"),
    ],
)
def test_invalid_status_call_is_422(client, event, chair, chaired, bearer, body, field):
    response = _status(client, chaired, body, bearer(chair))

    assert response.status_code == 422
    assert _fields(response) == [field]
    assert len(_updates(event)) == 1


def test_chair_of_one_session_cannot_run_another(client, event, chair, chaired, bearer, annex):
    other = SessionFactory(event=event, title="Someone else's panel", room=annex)
    session_publish(session=other, by=None)

    response = _status(client, other, {"action": "live"}, bearer(chair))
    preview = client.get(
        f"{URL}/sessions/{other.pk}/delay-preview?minutes=5", headers=bearer(chair)
    )

    assert response.status_code == 403
    assert response.json()["code"] == "not_session_chair"
    assert preview.status_code == 403
    other.refresh_from_db()
    assert other.status == "scheduled"


def test_chair_cannot_reschedule_only_organisers_can(client, event, chair, chaired, bearer):
    _status(client, chaired, {"action": "live"}, bearer(chair))

    response = _status(client, chaired, {"action": "scheduled"}, bearer(chair))

    assert response.status_code == 403
    chaired.refresh_from_db()
    assert chaired.status == "live"


def test_others_cannot_run_a_session(client, event, chaired, checkin_staff, outsider, bearer):
    anonymous = _status(client, chaired, {"action": "live"})
    staff = _status(client, chaired, {"action": "live"}, bearer(checkin_staff))
    stranger = _status(client, chaired, {"action": "live"}, bearer(outsider))

    assert anonymous.status_code == 401
    assert anonymous.json()["code"] == "not_authenticated"
    assert staff.status_code == 403
    assert stranger.status_code == 403
    chaired.refresh_from_db()
    assert chaired.status == "scheduled"
    assert len(_updates(event)) == 1


def test_organiser_may_run_any_session(client, event, organiser, chaired, bearer):
    live = _status(client, chaired, {"action": "live"}, bearer(organiser))
    back = _status(client, chaired, {"action": "scheduled"}, bearer(organiser))

    assert live.status_code == 200
    assert back.status_code == 200
    assert back.json()["session"]["status"] == "scheduled"


def test_delay_preview_shows_what_moves_and_saves_nothing(
    client, event, hall, chair, chaired, bearer
):
    following = SessionFactory(event=event, title="Next", room=hall, start=at(event, 0, "11:00"))
    SessionFactory(event=event, title="After a gap", room=hall, start=at(event, 0, "13:00"))

    response = client.get(
        f"{URL}/sessions/{chaired.pk}/delay-preview?minutes=20", headers=bearer(chair)
    )

    assert response.status_code == 200
    assert [(s["session_id"], s["delay_before"], s["delay_after"]) for s in response.json()] == [
        (chaired.pk, 0, 20),
        (following.pk, 0, 20),
    ]
    assert _when(response.json()[1]["new_end"]) == at(event, 0, "12:20")
    chaired.refresh_from_db()
    assert chaired.delay_minutes == 0
    assert len(_updates(event)) == 1


def test_delay_preview_needs_the_chair_and_minutes(
    client, event, chaired, chair, checkin_staff, bearer
):
    path = f"{URL}/sessions/{chaired.pk}/delay-preview"

    assert client.get(path + "?minutes=5").status_code == 401
    assert client.get(path + "?minutes=5", headers=bearer(checkin_staff)).status_code == 403
    assert client.get(path, headers=bearer(chair)).status_code == 422
    assert client.get(path + "?minutes=721", headers=bearer(chair)).status_code == 422


# --- permissions ----------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["checkin_staff", "outsider"])
def test_non_organisers_cannot_create_or_move(
    client, event, request, bearer, hall, annex, two_sessions, who
):
    headers = bearer(request.getfixturevalue(who))
    _keynote, panel = two_sessions

    created = _post(client, "/sessions", _new_session(event, hall), headers)
    moved = _post(client, f"/sessions/{panel.pk}/move", {"room_id": hall.pk}, headers)
    patched = _patch(client, f"/sessions/{panel.pk}", {"title": "Mine"}, headers)

    assert created.status_code == 403
    assert created.json()["code"] == "permission_denied"
    assert moved.status_code == 403
    assert patched.status_code == 403
    assert Session.objects.count() == 2
    panel.refresh_from_db()
    assert (panel.title, panel.room) == ("Panel", annex)


def test_anonymous_writes_are_401(client, event, hall, two_sessions):
    keynote, _panel = two_sessions

    responses = [
        _post(client, "/sessions", _new_session(event, hall)),
        _post(client, f"/sessions/{keynote.pk}/move", {"room_id": hall.pk}),
        _patch(client, f"/sessions/{keynote.pk}", {"title": "Mine"}),
        _post(client, f"/sessions/{keynote.pk}/cancel"),
        client.delete(f"{URL}/sessions/{keynote.pk}"),
        _post(client, "/people", {"name": "Ana"}),
    ]

    assert [r.status_code for r in responses] == [401] * 6
    assert {r.json()["code"] for r in responses} == {"not_authenticated"}


# --- the whole story ------------------------------------------------------------------------


def test_chair_delay_and_organiser_move_show_up_in_the_update_log(
    client, event, hall, annex, studio, chair, organiser, bearer
):
    # The Hall: a plenary 10:00-11:00 chaired by `chair`; the Annex: a workshop 11:00-12:00.
    chaired = SessionFactory(event=event, title="Opening plenary", room=hall, status="draft")
    person = PersonFactory(event=event, name="Amina Diallo", user=chair)
    SessionRoleFactory(session=chaired, person=person, role=SessionRole.Kind.CHAIR)
    workshop = SessionFactory(
        event=event, title="Workshop", room=annex, start=at(event, 0, "11:00"), status="draft"
    )
    assert _post(client, "/programme/publish", headers=bearer(organiser)).status_code == 200

    live = _status(client, chaired, {"action": "live"}, bearer(chair))
    late = _status(client, chaired, {"action": "delay", "minutes": 10}, bearer(chair))
    assert (live.status_code, late.status_code) == (200, 200)

    # The Hall now runs until 11:10, so the workshop cannot take it at 11:00.
    occupied = _post(
        client, f"/sessions/{workshop.pk}/move", {"room_id": hall.pk}, bearer(organiser)
    )
    assert occupied.status_code == 409
    assert occupied.json()["details"]["conflicts"][0]["code"] == "room_overlap"
    assert occupied.json()["details"]["conflicts"][0]["other_session"]["title"] == (
        "Opening plenary"
    )
    workshop.refresh_from_db()
    assert workshop.room == annex
    assert SessionUpdate.objects.count() == 3

    free = _post(client, f"/sessions/{workshop.pk}/move", {"room_id": studio.pk}, bearer(organiser))
    assert free.status_code == 200
    assert free.json()["session"]["room"]["name"] == "Studio"

    log = client.get(URL + "/updates?since=0").json()
    assert [(u["sequence"], u["kind"], u["session_id"]) for u in log["updates"]] == [
        (1, "programme_published", None),
        (2, "status", chaired.pk),
        (3, "delayed", chaired.pk),
        (4, "moved", workshop.pk),
    ]
    assert log["last_sequence"] == 4
    assert log["more"] is False
    assert log["updates"][1]["changes"]["status"] == {"before": "scheduled", "after": "live"}
    assert log["updates"][2]["changes"]["delay_minutes"] == {"before": 0, "after": 10}
    assert log["updates"][3]["changes"]["room"]["after"] == {"id": studio.pk, "name": "Studio"}
    public = client.get(f"{URL}/sessions/{chaired.pk}").json()
    assert (public["status"], public["delay_minutes"]) == ("live", 10)


def test_a_session_in_two_languages_reads_in_the_requests_and_the_first_as_fallback(
    client, event, organiser, bearer
):
    event.languages = ["en", "zh-hans"]
    event.save(update_fields=["languages"])
    created = client.post(
        "/api/events/seminar/sessions",
        {"title": {"zh-hans": "开幕式", "en": "Opening ceremony"}, "kind": "opening"},
        content_type="application/json",
        headers=bearer(organiser),
    )
    assert created.status_code == 201, created.content
    session_id = created.json()["id"]
    url = f"/api/events/seminar/sessions/{session_id}"

    chinese = client.get(url, HTTP_ACCEPT_LANGUAGE="zh-hans", headers=bearer(organiser)).json()
    russian = client.get(url, HTTP_ACCEPT_LANGUAGE="ru", headers=bearer(organiser)).json()

    assert chinese["title"] == "开幕式"
    assert russian["title"] == "Opening ceremony"  # the event's first language
    assert chinese["title_translations"] == {"en": "Opening ceremony", "zh-hans": "开幕式"}


def test_patching_one_string_changes_the_first_language_and_keeps_the_others(
    client, event, organiser, bearer
):
    event.languages = ["en", "zh-hans"]
    event.save(update_fields=["languages"])
    session = SessionFactory(event=event, title={"en": "Opening", "zh-hans": "开幕式"})

    changed = client.patch(
        f"/api/events/seminar/sessions/{session.pk}",
        {"title": "Opening ceremony"},
        content_type="application/json",
        headers=bearer(organiser),
    )
    refused = client.patch(
        f"/api/events/seminar/sessions/{session.pk}",
        {"title": {"tlh": "Qapla'"}},
        content_type="application/json",
        headers=bearer(organiser),
    )

    assert changed.status_code == 200
    assert changed.json()["title_translations"] == {"en": "Opening ceremony", "zh-hans": "开幕式"}
    assert refused.status_code == 422
    assert refused.json()["errors"][0]["field"] == "title"
