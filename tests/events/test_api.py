import datetime as dt

import pytest
from django.utils import timezone

from events.models import ApiToken, Event, Room, TeamMember
from events.services import api_token_revoke
from tests.factories import EventFactory, EventOrganizationFactory, RoomFactory, UserFactory

pytestmark = pytest.mark.django_db

NEW_EVENT = {
    "slug": "iioe-2027",
    "title": "Annual Partnership and IIOE Meeting",
    "timezone": "Asia/Shanghai",
    "start_date": "2027-01-12",
    "end_date": "2027-01-12",
    "format": "hybrid",
    "languages": ["en", "zh-hans"],
}


def test_list_events_shows_published_with_time_zone_and_hides_drafts(client, event, draft_event):
    response = client.get("/api/events")

    assert response.status_code == 200
    body = response.json()
    assert [item["slug"] for item in body["items"]] == ["seminar"]
    assert body["items"][0]["timezone"] == "Asia/Shanghai"
    assert body["items"][0]["utc_offset"] == "UTC+08:00"


def test_list_events_shows_own_drafts_with_token(client, draft_event, bearer):
    member = TeamMember.objects.create(
        event=draft_event, user=UserFactory(), role=TeamMember.Role.ORGANISER
    )

    response = client.get("/api/events", headers=bearer(member.user))

    assert [item["slug"] for item in response.json()["items"]] == ["draft-meeting"]


def test_list_events_orders_upcoming_before_past(client):
    today = dt.date.today()
    EventFactory(
        slug="old",
        start_date=today - dt.timedelta(days=400),
        end_date=today - dt.timedelta(days=399),
    )
    EventFactory(
        slug="later",
        start_date=today + dt.timedelta(days=60),
        end_date=today + dt.timedelta(days=61),
    )
    EventFactory(
        slug="sooner",
        start_date=today + dt.timedelta(days=5),
        end_date=today + dt.timedelta(days=6),
    )
    EventFactory(
        slug="recent",
        start_date=today - dt.timedelta(days=30),
        end_date=today - dt.timedelta(days=29),
    )

    all_events = client.get("/api/events").json()["items"]
    past = client.get("/api/events?when=past").json()["items"]

    assert [item["slug"] for item in all_events] == ["sooner", "later", "recent", "old"]
    assert [item["slug"] for item in past] == ["recent", "old"]


@pytest.mark.parametrize("size", [1, 4])
def test_list_events_query_count_does_not_grow(client, django_assert_num_queries, size):
    EventFactory.create_batch(size)

    with django_assert_num_queries(1):  # one query, whatever the number of events
        response = client.get("/api/events")

    assert response.json()["count"] == size


@pytest.mark.parametrize("organisations", [1, 5])
def test_get_event_query_count_does_not_grow(
    client, event, django_assert_num_queries, organisations
):
    EventOrganizationFactory.create_batch(organisations, event=event, role="organiser")
    EventOrganizationFactory.create_batch(organisations, event=event, role="partner")

    with django_assert_num_queries(2):  # event with venue and count, then its hosts
        response = client.get("/api/events/seminar")

    assert len(response.json()["hosts"]) == organisations
    assert response.json()["organization_count"] == 2 * organisations


def test_get_event_returns_details(client, event):
    EventOrganizationFactory(
        event=event,
        organization__name="Makerere University",
        organization__country="UG",
        role="co_host",
    )
    EventOrganizationFactory(event=event, role="partner")

    body = client.get("/api/events/seminar").json()

    assert body["title"] == "Asia-Pacific Regional Seminar"
    assert body["venue"]["city"] == "Shenzhen"
    assert [host["organization"]["country"] for host in body["hosts"]] == ["UG"]
    assert body["hosts"][0]["organization"]["country_name"] == "Uganda"
    assert body["organization_count"] == 2
    assert body["url"].endswith("/events/seminar/")


def test_get_unknown_event_is_404_with_message(client):
    response = client.get("/api/events/nope")

    assert response.status_code == 404
    assert response.json()["code"] == "not_found"
    assert "nope" in response.json()["detail"]


def test_get_draft_event_is_404_for_anonymous(client, draft_event):
    assert client.get("/api/events/draft-meeting").status_code == 404


# --- authentication and permissions --------------------------------------------------------


def test_organiser_operation_without_token_is_401(client, event):
    response = client.patch(
        "/api/events/seminar", {"title": "New title"}, content_type="application/json"
    )

    assert response.status_code == 401
    assert response.json()["code"] == "not_authenticated"
    assert "Bearer" in response.json()["detail"]


def test_create_event_without_token_is_401(client):
    response = client.post("/api/events", NEW_EVENT, content_type="application/json")

    assert response.status_code == 401


def test_bad_token_is_401_even_on_public_reads(client, event):
    response = client.get("/api/events", headers={"Authorization": "Bearer cm_wrong"})

    assert response.status_code == 401
    assert "not valid" in response.json()["detail"]


def test_revoked_token_is_401(client, event, organiser, token_for):
    plaintext = token_for(organiser)
    api_token_revoke(token=ApiToken.objects.get(user=organiser))

    response = client.patch(
        "/api/events/seminar",
        {"title": "New title"},
        content_type="application/json",
        headers={"Authorization": f"Bearer {plaintext}"},
    )

    assert response.status_code == 401


def test_expired_token_is_401(client, event, organiser, token_for):
    plaintext = token_for(organiser)
    ApiToken.objects.filter(user=organiser).update(
        expires_at=timezone.now() - dt.timedelta(minutes=1)
    )

    response = client.get("/api/me", headers={"Authorization": f"Bearer {plaintext}"})

    assert response.status_code == 401
    assert "expired" in response.json()["detail"]


def test_token_is_stored_hashed(organiser, token_for):
    plaintext = token_for(organiser)

    stored = ApiToken.objects.get(user=organiser)
    assert plaintext not in (stored.token_hash, stored.prefix)
    assert len(stored.token_hash) == 64


def test_good_token_can_change_own_event(client, event, organiser, bearer):
    response = client.patch(
        "/api/events/seminar",
        {"title": "Regional Consultation"},
        content_type="application/json",
        headers=bearer(organiser),
    )

    assert response.status_code == 200
    assert response.json()["title"] == "Regional Consultation"
    event.refresh_from_db()
    assert event.title == "Regional Consultation"


def test_other_events_organiser_token_is_403(client, event, bearer):
    other = EventFactory(slug="other")
    stranger = TeamMember.objects.create(
        event=other, user=UserFactory(username="stranger"), role=TeamMember.Role.OWNER
    ).user

    response = client.patch(
        "/api/events/seminar",
        {"title": "Hijacked"},
        content_type="application/json",
        headers=bearer(stranger),
    )

    assert response.status_code == 403
    assert response.json()["code"] == "permission_denied"
    assert "Organiser" in response.json()["detail"]
    event.refresh_from_db()
    assert event.title == "Asia-Pacific Regional Seminar"


def test_checkin_staff_cannot_change_event(client, event, checkin_staff, bearer):
    response = client.patch(
        "/api/events/seminar",
        {"title": "x" * 10},
        content_type="application/json",
        headers=bearer(checkin_staff),
    )

    assert response.status_code == 403


def test_session_auth_needs_csrf_for_writes(event, organiser):
    from django.test import Client

    browser = Client(enforce_csrf_checks=True)
    browser.force_login(organiser)

    response = browser.patch(
        "/api/events/seminar", {"title": "Changed"}, content_type="application/json"
    )

    assert response.status_code == 403
    assert response.json()["code"] == "csrf_failed"


def test_session_auth_works_for_writes(client, event, organiser):
    client.force_login(organiser)

    response = client.patch(
        "/api/events/seminar", {"acronym": "APRS"}, content_type="application/json"
    )

    assert response.status_code == 200
    assert response.json()["acronym"] == "APRS"


# --- validation ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"timezone": "Mars/Olympus"}, "timezone"),
        ({"slug": "9lives"}, "slug"),
        ({"start_date": "2026-13-01"}, "start_date"),
        ({"languages": ["klingon"]}, "languages"),
        ({"format": "telepathy"}, "format"),
        ({"contact_email": "not-an-address"}, "contact_email"),
        ({"title": ""}, "title"),
    ],
)
def test_malformed_input_is_422_naming_the_field(client, event, organiser, bearer, changes, field):
    response = client.patch(
        "/api/events/seminar",
        changes,
        content_type="application/json",
        headers=bearer(organiser),
    )

    assert response.status_code == 422
    body = response.json()
    assert body["code"] == "validation_error"
    assert [error["field"] for error in body["errors"]] == [field]
    assert field in body["detail"]


@pytest.mark.parametrize("field", ["title", "timezone", "start_date", "status"])
def test_null_for_a_required_field_is_422_naming_it(client, event, organiser, bearer, field):
    response = client.patch(
        "/api/events/seminar",
        {field: None},
        content_type="application/json",
        headers=bearer(organiser),
    )

    assert response.status_code == 422
    assert [error["field"] for error in response.json()["errors"]] == [field]


def test_end_before_start_is_422_naming_end_date(client, bearer):
    creator = UserFactory(is_superuser=True)

    response = client.post(
        "/api/events",
        {**NEW_EVENT, "end_date": "2027-01-01"},
        content_type="application/json",
        headers=bearer(creator),
    )

    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "end_date"


@pytest.mark.parametrize(("last_day", "status"), [("2027-03-11", 201), ("2027-03-12", 422)])
def test_an_event_lasts_at_most_60_days(client, bearer, last_day, status):
    creator = UserFactory(is_superuser=True)

    response = client.post(
        "/api/events",
        {**NEW_EVENT, "start_date": "2027-01-11", "end_date": last_day},
        content_type="application/json",
        headers=bearer(creator),
    )

    assert response.status_code == status, response.content
    if status == 422:
        assert response.json()["errors"][0]["field"] == "end_date"
        assert "at most 60 days" in response.json()["errors"][0]["message"]


def test_a_year_long_event_cannot_be_made_by_a_patch_and_an_old_one_shows_60_days(
    client, event, organiser, bearer
):
    response = client.patch(
        "/api/events/seminar",
        {"start_date": "0001-01-01", "end_date": "9999-12-31"},
        content_type="application/json",
        headers=bearer(organiser),
    )
    assert response.status_code == 422
    type(event).objects.filter(pk=event.pk).update(
        start_date=dt.date(1, 1, 1), end_date=dt.date(9999, 12, 31)
    )  # saved before the bound
    event.refresh_from_db()

    from sessions.services.programme import programme_publish

    programme_publish(event=event, by=None)
    client.force_login(organiser)

    assert len(event.days) == 60
    assert client.get("/events/seminar/agenda/?day=all").status_code == 200
    assert client.get("/events/seminar/manage/agenda/").status_code == 200


def test_patch_moving_start_after_stored_end_is_422(client, event, organiser, bearer):
    response = client.patch(
        "/api/events/seminar",
        {"start_date": str(event.end_date + dt.timedelta(days=3))},
        content_type="application/json",
        headers=bearer(organiser),
    )

    assert response.status_code == 422
    assert "last day" in response.json()["detail"]


def test_malformed_json_is_a_4xx(client, event, organiser, bearer):
    response = client.patch(
        "/api/events/seminar",
        "{not json",
        content_type="application/json",
        headers=bearer(organiser),
    )

    assert response.status_code == 400
    assert response.json()["code"] == "invalid_json"


def test_unknown_venue_is_422(client, event, organiser, bearer):
    response = client.patch(
        "/api/events/seminar",
        {"venue_id": 999999},
        content_type="application/json",
        headers=bearer(organiser),
    )

    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "venue_id"


# --- creating events ----------------------------------------------------------------------


def test_create_event_needs_the_add_permission(client, bearer):
    response = client.post(
        "/api/events", NEW_EVENT, content_type="application/json", headers=bearer(UserFactory())
    )

    assert response.status_code == 403
    assert not Event.objects.exists()


def test_create_event_makes_creator_owner(client, bearer):
    from django.contrib.auth.models import Permission

    creator = UserFactory()
    creator.user_permissions.add(Permission.objects.get(codename="add_event"))

    response = client.post(
        "/api/events", NEW_EVENT, content_type="application/json", headers=bearer(creator)
    )

    assert response.status_code == 201
    assert response.json()["status"] == "draft"
    event = Event.objects.get(slug="iioe-2027")
    assert event.team.get().user == creator
    assert event.team.get().role == TeamMember.Role.OWNER


def test_create_event_with_taken_slug_is_4xx_naming_slug(client, event, bearer):
    response = client.post(
        "/api/events",
        {**NEW_EVENT, "slug": "seminar"},
        content_type="application/json",
        headers=bearer(UserFactory(is_superuser=True)),
    )

    assert response.status_code == 422
    assert [error["field"] for error in response.json()["errors"]] == ["slug"]


# --- rooms, tracks, organisations -----------------------------------------------------------


def test_renaming_a_room_by_the_api_keeps_its_other_languages(client, event, organiser, bearer):
    event.languages = ["en", "zh-hans"]
    event.save(update_fields=["languages"])
    room = RoomFactory(event=event, name={"en": "Plenary Hall", "zh-hans": "全体会议厅"})

    changed = client.patch(
        f"/api/events/seminar/rooms/{room.pk}",
        {"name": "Main Hall"},
        content_type="application/json",
        headers=bearer(organiser),
    )

    assert changed.status_code == 200, changed.content
    room.refresh_from_db()
    assert room.name.translations == {"en": "Main Hall", "zh-hans": "全体会议厅"}


def test_room_lifecycle(client, event, organiser, bearer):
    headers = bearer(organiser)

    created = client.post(
        "/api/events/seminar/rooms",
        {"name": "Plenary Hall", "capacity": 300, "floor": "1"},
        content_type="application/json",
        headers=headers,
    )
    room_id = created.json()["id"]
    changed = client.patch(
        f"/api/events/seminar/rooms/{room_id}",
        {"capacity": 280},
        content_type="application/json",
        headers=headers,
    )
    listed = client.get("/api/events/seminar/rooms")
    deleted = client.delete(f"/api/events/seminar/rooms/{room_id}", headers=headers)

    assert created.status_code == 201
    assert changed.json()["capacity"] == 280
    assert [room["name"] for room in listed.json()] == ["Plenary Hall"]
    assert deleted.status_code == 204
    assert not Room.objects.exists()


def test_virtual_room_with_seats_is_422(client, event, organiser, bearer):
    response = client.post(
        "/api/events/seminar/rooms",
        {"name": "Online", "kind": "virtual", "capacity": 10},
        content_type="application/json",
        headers=bearer(organiser),
    )

    assert response.status_code == 422
    assert "virtual room" in response.json()["detail"]


def test_duplicate_room_name_is_422(client, event, organiser, bearer):
    RoomFactory(event=event, name="Room A")

    response = client.post(
        "/api/events/seminar/rooms",
        {"name": "Room A"},
        content_type="application/json",
        headers=bearer(organiser),
    )

    assert response.status_code == 422


def test_room_of_another_event_is_404(client, event, organiser, bearer):
    foreign = RoomFactory(event=EventFactory(slug="elsewhere"))

    response = client.patch(
        f"/api/events/seminar/rooms/{foreign.pk}",
        {"capacity": 1},
        content_type="application/json",
        headers=bearer(organiser),
    )

    assert response.status_code == 404
    foreign.refresh_from_db()
    assert foreign.capacity == 60


def test_track_colour_must_be_hex(client, event, organiser, bearer):
    response = client.post(
        "/api/events/seminar/tracks",
        {"name": "Policy", "colour": "blue"},
        content_type="application/json",
        headers=bearer(organiser),
    )

    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "colour"


def test_add_organisation_to_event_is_idempotent(client, event, organiser, bearer):
    from django.contrib.auth.models import Permission

    organiser.user_permissions.add(Permission.objects.get(codename="add_organization"))
    headers = bearer(organiser)
    created = client.post(
        "/api/organizations",
        {"name": "University of Nairobi", "country": "ke", "kind": "university"},
        content_type="application/json",
        headers=headers,
    )
    organisation_id = created.json()["id"]

    first = client.post(
        "/api/events/seminar/organizations",
        {"organization_id": organisation_id, "role": "partner"},
        content_type="application/json",
        headers=headers,
    )
    second = client.post(
        "/api/events/seminar/organizations",
        {"organization_id": organisation_id, "role": "partner"},
        content_type="application/json",
        headers=headers,
    )

    assert created.json()["country"] == "KE"
    assert first.json()["id"] == second.json()["id"]
    assert event.event_organizations.count() == 1


def test_create_organisation_needs_permission(client, organiser, bearer):
    response = client.post(
        "/api/organizations",
        {"name": "Somewhere University", "country": "KE"},
        content_type="application/json",
        headers=bearer(organiser),
    )

    assert response.status_code == 403
    assert "Organisers group" in response.json()["detail"]


def test_event_organisations_are_paginated_and_filtered_by_role(client, event):
    EventOrganizationFactory.create_batch(5, event=event, role="partner")
    EventOrganizationFactory(event=event, role="sponsor")

    page = client.get("/api/events/seminar/organizations?limit=2").json()
    sponsors = client.get("/api/events/seminar/organizations?role=sponsor").json()
    bad = client.get("/api/events/seminar/organizations?role=friend")

    assert page["count"] == 6
    assert len(page["items"]) == 2
    assert [item["role"] for item in sponsors["items"]] == ["sponsor"]
    assert bad.status_code == 422
    assert bad.json()["errors"][0]["field"] == "role"


def test_organisation_country_must_be_iso(client, organiser, bearer):
    response = client.post(
        "/api/organizations",
        {"name": "Somewhere University", "country": "XX"},
        content_type="application/json",
        headers=bearer(organiser),
    )

    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "country"


def test_me_lists_roles(client, event, organiser, bearer):
    body = client.get("/api/me", headers=bearer(organiser)).json()

    assert body["username"] == "organiser"
    assert body["events"] == [{"event": "seminar", "role": "organiser"}]


@pytest.mark.parametrize(
    ("path", "body", "field"),
    [
        ("/api/events/seminar/rooms", {"name": "Room A"}, "name"),
        ("/api/events/seminar/rooms", {"name": "Online", "kind": "virtual", "floor": "2"}, "kind"),
        ("/api/events/seminar/tracks", {"name": "Policy"}, "name"),
    ],
)
def test_broken_constraints_name_their_field(client, event, organiser, bearer, path, body, field):
    RoomFactory(event=event, name="Room A")
    client.post(
        "/api/events/seminar/tracks",
        {"name": "Policy"},
        content_type="application/json",
        headers=bearer(organiser),
    )

    response = client.post(path, body, content_type="application/json", headers=bearer(organiser))

    assert response.status_code == 422
    assert [error["field"] for error in response.json()["errors"]] == [field]


def test_patch_start_after_end_names_end_date(client, event, organiser, bearer):
    response = client.patch(
        "/api/events/seminar",
        {"start_date": "2099-01-01"},
        content_type="application/json",
        headers=bearer(organiser),
    )

    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "end_date"


@pytest.mark.parametrize("body", [{"floor": None}, {"description": None}, {"name": None}])
def test_room_patch_null_is_422_not_a_database_error(client, event, organiser, bearer, body):
    room = RoomFactory(event=event)

    response = client.patch(
        f"/api/events/seminar/rooms/{room.pk}",
        body,
        content_type="application/json",
        headers=bearer(organiser),
    )

    assert response.status_code == 422
    assert [error["field"] for error in response.json()["errors"]] == list(body)
    assert "constraint" not in response.content.decode().lower()


def test_room_capacity_can_be_cleared_with_null(client, event, organiser, bearer):
    room = RoomFactory(event=event, capacity=40)

    response = client.patch(
        f"/api/events/seminar/rooms/{room.pk}",
        {"capacity": None},
        content_type="application/json",
        headers=bearer(organiser),
    )

    assert response.json()["capacity"] is None


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"title": "   "}, "title"),
        ({"titel": "typo"}, "titel"),
        ({"website": "javascript:alert(1)"}, "website"),
    ],
)
def test_blank_unknown_and_unsafe_values_are_422(client, event, organiser, bearer, body, field):
    response = client.patch(
        "/api/events/seminar", body, content_type="application/json", headers=bearer(organiser)
    )

    assert response.status_code == 422
    assert [error["field"] for error in response.json()["errors"]] == [field]


def test_whitespace_is_trimmed(client, event, organiser, bearer):
    response = client.patch(
        "/api/events/seminar",
        {"acronym": "  APRS  "},
        content_type="application/json",
        headers=bearer(organiser),
    )

    assert response.json()["acronym"] == "APRS"


def test_nul_character_in_body_is_422(client, event, organiser, bearer):
    response = client.patch(
        "/api/events/seminar",
        '{"acronym": "a\\u0000b"}',
        content_type="application/json",
        headers=bearer(organiser),
    )

    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "acronym"


def test_nul_character_in_query_is_400(client, event):
    response = client.get("/api/organizations?q=%00")

    assert response.status_code == 400
    assert response.json()["code"] == "nul_character"


def test_not_json_is_400_with_code(client, event, organiser, bearer):
    response = client.patch(
        "/api/events/seminar", "{oops", content_type="application/json", headers=bearer(organiser)
    )

    assert response.status_code == 400
    assert response.json()["code"] == "invalid_json"


def test_non_object_body_is_4xx(client, event, organiser, bearer):
    response = client.patch(
        "/api/events/seminar", "[1, 2]", content_type="application/json", headers=bearer(organiser)
    )

    assert response.status_code == 422
    assert response.json()["code"] == "validation_error"
    event.refresh_from_db()
    assert event.title == "Asia-Pacific Regional Seminar"


def test_too_large_body_is_413(client, event, organiser, bearer, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1024

    response = client.patch(
        "/api/events/seminar",
        {"description": "x" * 5000},
        content_type="application/json",
        headers=bearer(organiser),
    )

    assert response.status_code == 413
    assert response.json()["code"] == "too_large"


@pytest.mark.parametrize(
    "query",
    [
        "limit=100000000000000000000000",
        "offset=99999999999999999",
        "limit=201",
        "limit=0",
        "offset=-1",
    ],
)
def test_pagination_bounds_are_422(client, db, query):
    response = client.get(f"/api/organizations?{query}")

    assert response.status_code == 422


def test_unknown_api_path_is_json_404(client, db):
    response = client.get("/api/nothing/here")

    assert response.status_code == 404
    assert response.json()["code"] == "not_found"


def test_anonymous_write_through_real_csrf_checks_is_401(event):
    from django.test import Client

    browser = Client(enforce_csrf_checks=True)

    response = browser.patch(
        "/api/events/seminar", {"title": "x" * 5}, content_type="application/json"
    )

    assert response.status_code == 401
    assert response.json()["code"] == "not_authenticated"


def test_api_answers_utf8_without_escapes(client, db):
    EventFactory(slug="shenzhen", title="深圳高等教育数字化转型研讨会")

    response = client.get("/api/events/shenzhen")

    assert response["Content-Type"] == "application/json; charset=utf-8"
    assert "深圳高等教育".encode() in response.content


def test_a_room_in_two_languages_reads_in_the_requests_with_every_language_beside(
    client, event, organiser, bearer
):
    event.languages = ["zh-hans", "en"]
    event.save(update_fields=["languages"])

    created = client.post(
        "/api/events/seminar/rooms",
        {"name": {"en": "Plenary Hall", "zh-hans": "全体会议厅"}, "capacity": 300},
        content_type="application/json",
        headers=bearer(organiser),
    )
    listed = client.get("/api/events/seminar/rooms", HTTP_ACCEPT_LANGUAGE="en").json()
    french = client.get("/api/events/seminar/rooms", HTTP_ACCEPT_LANGUAGE="fr").json()

    assert created.status_code == 201, created.content
    assert listed[0]["name"] == "Plenary Hall"
    assert french[0]["name"] == "全体会议厅"  # the event's first language
    assert listed[0]["name_translations"] == {"zh-hans": "全体会议厅", "en": "Plenary Hall"}


# --- the event's content in several languages ------------------------------------------------


def test_an_event_in_two_languages_round_trips_and_reads_in_the_requests(client, bearer):
    creator = UserFactory(is_superuser=True)
    title = {"en": "Annual Partnership Meeting", "zh-hans": "年度伙伴会议"}
    description = {"en": "Two days of talks.", "zh-hans": "为期两天的会谈。"}

    created = client.post(
        "/api/events",
        {**NEW_EVENT, "title": title, "description": description, "status": "published"},
        content_type="application/json",
        headers=bearer(creator),
    )
    chinese = client.get("/api/events/iioe-2027", HTTP_ACCEPT_LANGUAGE="zh-hans").json()
    listed = client.get("/api/events", HTTP_ACCEPT_LANGUAGE="zh-hans").json()["items"]

    assert created.status_code == 201, created.content
    assert created.json()["title_translations"] == title
    assert created.json()["description_translations"] == description
    assert (chinese["title"], chinese["description"]) == ("年度伙伴会议", "为期两天的会谈。")
    assert chinese["title_translations"] == title
    assert (listed[0]["title"], listed[0]["title_translations"]) == ("年度伙伴会议", title)


def test_a_plain_title_changes_the_events_first_language_and_keeps_the_others(
    client, event, organiser, bearer
):
    event.languages = ["en", "zh-hans"]
    event.title = {"en": "Regional Seminar", "zh-hans": "区域研讨会"}
    event.save()

    changed = client.patch(
        "/api/events/seminar",
        {"title": "Asia-Pacific Regional Seminar"},
        content_type="application/json",
        headers=bearer(organiser),
    )

    assert changed.status_code == 200, changed.content
    assert changed.json()["title_translations"] == {
        "en": "Asia-Pacific Regional Seminar",
        "zh-hans": "区域研讨会",
    }
    event.refresh_from_db()
    assert event.title.translations["zh-hans"] == "区域研讨会"


def test_a_plain_text_is_listed_under_the_events_first_language(client, event):
    event.languages = ["zh-hans", "en"]
    event.save(update_fields=["languages"])

    body = client.get("/api/events/seminar").json()

    assert body["title_translations"] == {"zh-hans": "Asia-Pacific Regional Seminar"}
    assert body["description_translations"] == {}


def test_the_venue_reads_in_the_requests_language_with_every_language_beside(client, event):
    event.venue.name = {"en": "Convention Centre", "zh-hans": "会展中心"}
    event.venue.address = "Fuhua 3rd Road"
    event.venue.save()

    venue = client.get("/api/events/seminar", HTTP_ACCEPT_LANGUAGE="zh-hans").json()["venue"]

    assert venue["name"] == "会展中心"
    assert venue["name_translations"] == {"en": "Convention Centre", "zh-hans": "会展中心"}
    assert venue["address_translations"] == {"en": "Fuhua 3rd Road"}  # a shared row: the site's


@pytest.mark.parametrize(
    ("method", "path", "body", "field"),
    [
        ("patch", "", {"title": {"en": "Seminar", "fr": "Séminaire"}}, "title"),
        ("patch", "", {"description": {"fr": "Deux jours"}}, "description"),
        ("post", "/rooms", {"name": {"en": "Hall", "fr": "Salle"}}, "name"),
        ("post", "/tracks", {"name": {"en": "Policy", "ru": "Политика"}}, "name"),
    ],
)
def test_a_text_in_a_language_the_event_does_not_work_in_is_422_naming_its_languages(
    client, event, organiser, bearer, method, path, body, field
):
    event.languages = ["en", "zh-hans"]
    event.save(update_fields=["languages"])

    response = getattr(client, method)(
        f"/api/events/seminar{path}",
        body,
        content_type="application/json",
        headers=bearer(organiser),
    )

    assert response.status_code == 422
    [error] = response.json()["errors"]
    assert error["field"] == field
    assert "the event works in en, zh-hans" in error["message"]
    event.refresh_from_db()
    assert event.title == "Asia-Pacific Regional Seminar"
    assert not event.rooms.exists() and not event.tracks.exists()


def test_renaming_a_room_in_a_language_the_event_does_not_work_in_is_422(
    client, event, organiser, bearer
):
    room = RoomFactory(event=event, name="Hall")
    event.languages = ["en", "zh-hans"]
    event.save(update_fields=["languages"])

    response = client.patch(
        f"/api/events/seminar/rooms/{room.pk}",
        {"name": {"en": "Hall", "ar": "القاعة"}},
        content_type="application/json",
        headers=bearer(organiser),
    )

    assert response.status_code == 422
    assert "not in ar" in response.json()["errors"][0]["message"]
    room.refresh_from_db()
    assert room.name.translations == {"": "Hall"}


def test_an_event_taking_up_a_language_takes_texts_in_it_in_the_same_request(
    client, event, organiser, bearer
):
    event.languages = ["en"]
    event.save(update_fields=["languages"])

    response = client.patch(
        "/api/events/seminar",
        {"languages": ["en", "fr"], "title": {"en": "Seminar", "fr": "Séminaire"}},
        content_type="application/json",
        headers=bearer(organiser),
    )

    assert response.status_code == 200, response.content
    assert response.json()["title_translations"] == {"en": "Seminar", "fr": "Séminaire"}
