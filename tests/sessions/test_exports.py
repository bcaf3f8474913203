"""The exports over HTTP: validators and 304s, caching that any change invalidates, gzip, the
personal feed behind its revocable address, the buttons on the programme pages, and a fixed
number of queries however large the programme."""

import datetime as dt
import gzip
import re

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils.http import http_date

from events.models import Track, Venue
from events.services import event_part_update, event_update
from sessions.models import CalendarFeedToken, RoleKind
from sessions.services.bookmarks import bookmark_add, bookmark_remove
from sessions.services.chair import session_delay
from sessions.services.sessions import session_move
from tests.factories import (
    EventFactory,
    OrganizationFactory,
    PersonFactory,
    RoomFactory,
    SessionFactory,
    SessionRoleFactory,
    TrackFactory,
    UserFactory,
    at,
)
from tests.helpers import publish

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fresh_cache")]

CALENDAR = "/events/seminar/calendar.ics"
XML = "/events/seminar/schedule.xml"
JSON = "/events/seminar/schedule.json"
MY_AGENDA = "/events/seminar/my-agenda/"
RENEW = "/events/seminar/my-agenda/calendar/renew/"


@pytest.fixture
def panel(event):
    session = SessionFactory(
        event=event,
        title="Digital universities",
        track=TrackFactory(event=event, name="Policy"),
        room=RoomFactory(event=event, name="Hall A"),
    )
    publish(event)
    return session


@pytest.fixture
def exports(panel):
    return [
        CALENDAR,
        f"/events/seminar/sessions/{panel.pk}/calendar.ics",
        XML,
        JSON,
    ]


@pytest.fixture
def delegate(db):
    return UserFactory(username="delegate")


def feed_url(client, user) -> str:
    """The personal feed's address, as the my-agenda page shows it."""
    client.force_login(user)
    page = client.get(MY_AGENDA).content.decode()
    client.logout()
    (path,) = set(
        re.findall(r'value="https?://[^/"]+(/events/seminar/my-agenda/calendar/[^"]+\.ics)"', page)
    )
    return path


# --- validators and 304 ---------------------------------------------------------------------


def test_every_export_has_validators_and_cache_headers(client, exports):
    for url in exports:
        response = client.get(url)

        assert response.status_code == 200, url
        assert re.fullmatch(r'"[0-9a-f]{32}"', response["ETag"]), url
        assert response["Last-Modified"].endswith(" GMT")
        assert response["Cache-Control"] == "public, max-age=60"
        assert response["Access-Control-Allow-Origin"] == "*"
        assert "Accept-Encoding" in response["Vary"]
        assert "filename=" in response["Content-Disposition"]


def test_repeat_with_the_etag_is_304(client, exports):
    for url in exports:
        first = client.get(url)

        for tag in (first["ETag"], f"W/{first['ETag']}", f'"other", {first["ETag"]}', "*"):
            again = client.get(url, HTTP_IF_NONE_MATCH=tag)
            assert again.status_code == 304, (url, tag)
            assert again.content == b""
            assert again["ETag"] == first["ETag"]
            assert again["Cache-Control"] == "public, max-age=60"
        assert client.get(url, HTTP_IF_NONE_MATCH='"other"').status_code == 200


def test_repeat_with_if_modified_since_is_304(client, exports):
    for url in exports:
        first = client.get(url)

        assert client.get(url, HTTP_IF_MODIFIED_SINCE=first["Last-Modified"]).status_code == 304
        earlier = http_date(dt.datetime(2020, 1, 1, tzinfo=dt.UTC).timestamp())
        assert client.get(url, HTTP_IF_MODIFIED_SINCE=earlier).status_code == 200


def test_head_is_answered_and_post_is_not(client, exports):
    assert client.head(CALENDAR).status_code == 200
    assert client.post(CALENDAR).status_code == 405


# --- caching never stale --------------------------------------------------------------------


def _rename_room(event, session):
    event_part_update(part=session.room, by=event.team.get().user, name="Hall Z")
    return "LOCATION:Hall Z"


def _rename_track(event, session):
    event_part_update(part=session.track, by=event.team.get().user, name="Track Z")
    return "CATEGORIES:Track Z"


def _retitle_event(event, session):
    event_update(event=event, by=event.team.get().user, title="Seminar Z")
    return "X-WR-CALNAME:Seminar Z"


def _rename_venue(event, session):
    # Venues are shared and saved on their own; the event's row does not change.
    Venue.objects.filter(pk=event.venue_id).update(name="Venue Z")
    return "Venue Z"


def _move(event, session):
    session_move(session=session, by=None, start=at(event, 1, "14:00"))
    return f"DTSTART;TZID=Asia/Shanghai:{event.days[1]:%Y%m%d}T140000"


def _delay(event, session):
    session_delay(session=session, by=None, minutes=10)
    return f"DTSTART;TZID=Asia/Shanghai:{event.start_date:%Y%m%d}T101000"


@pytest.mark.parametrize(
    "change", [_move, _delay, _rename_room, _rename_track, _retitle_event, _rename_venue]
)
def test_a_change_is_served_at_once(client, event, owner, panel, exports, change):
    before = {url: client.get(url) for url in exports}

    shown = change(event, panel)

    for url in exports:
        after = client.get(url, HTTP_IF_NONE_MATCH=before[url]["ETag"])
        assert after.status_code == 200, (url, change.__name__)
        assert after["ETag"] != before[url]["ETag"]
    assert shown in client.get(CALENDAR).content.decode()


def test_cached_answer_reads_no_sessions(client, panel):
    # Read each capture at once: the next request empties the connection's query log.
    with CaptureQueriesContext(connection) as queries:
        client.get(CALENDAR)
    cold = [query["sql"] for query in queries.captured_queries]
    with CaptureQueriesContext(connection) as queries:
        response = client.get(CALENDAR)
    warm = [query["sql"] for query in queries.captured_queries]

    assert response.status_code == 200
    assert (len(cold), len(warm)) == (7, 4)
    assert any('FROM "agenda_session"' in sql for sql in cold)
    assert not any('FROM "agenda_session"' in sql for sql in warm)


def test_gzip_for_clients_that_accept_it(client, panel):
    plain = client.get(CALENDAR)

    packed = client.get(CALENDAR, HTTP_ACCEPT_ENCODING="gzip, deflate")

    assert packed["Content-Encoding"] == "gzip"
    assert gzip.decompress(packed.content) == plain.content
    assert packed["ETag"] == plain["ETag"][:-1] + '-gz"'
    for tag in (plain["ETag"], packed["ETag"]):
        again = client.get(CALENDAR, HTTP_ACCEPT_ENCODING="gzip", HTTP_IF_NONE_MATCH=tag)
        assert again.status_code == 304
    refused = client.get(CALENDAR, HTTP_ACCEPT_ENCODING="gzip;q=0, identity")
    assert "Content-Encoding" not in refused


def test_each_language_has_its_own_entry(client, event, panel):
    session_delay(session=panel, by=None, minutes=10)
    english = client.get(CALENDAR)

    french = client.get(CALENDAR, HTTP_ACCEPT_LANGUAGE="fr")

    assert french["Content-Language"] == "fr"
    assert french["ETag"] != english["ETag"]


# --- the personal feed ----------------------------------------------------------------------


def test_personal_feed_follows_the_bookmarks(client, read_ics, event, panel, delegate):
    other = SessionFactory(
        event=event, title="Closing", start=at(event, 1, "16:00"), end=at(event, 1, "17:00")
    )
    publish(event)
    bookmark_add(user=delegate, session=panel)
    url = feed_url(client, delegate)

    first = read_ics(client.get(url))
    bookmark_add(user=delegate, session=other)
    second = read_ics(client.get(url))
    bookmark_remove(user=delegate, session=panel)
    third = read_ics(client.get(url))

    assert [str(e["SUMMARY"]) for e in first.events.values()] == ["Digital universities"]
    assert sorted(str(e["SUMMARY"]) for e in second.events.values()) == [
        "Closing",
        "Digital universities",
    ]
    assert [str(e["SUMMARY"]) for e in third.events.values()] == ["Closing"]
    assert third.calendar["X-WR-CALNAME"] == "My agenda: Asia-Pacific Regional Seminar"
    assert [e.summary.value for e in third.other_events.values()] == ["Closing"]


def test_personal_feed_is_private_and_answers_304(client, panel, delegate):
    bookmark_add(user=delegate, session=panel)
    url = feed_url(client, delegate)

    response = client.get(url)

    assert response["Cache-Control"] == "private, max-age=60"
    assert "Access-Control-Allow-Origin" not in response
    assert response["X-Robots-Tag"] == "noindex"
    assert client.get(url, HTTP_IF_NONE_MATCH=response["ETag"]).status_code == 304


def test_personal_feed_shows_no_draft_even_to_an_organiser(
    client, read_ics, event, organiser, panel
):
    draft = SessionFactory(event=event, title="Secret draft", status="draft")
    bookmark_add(user=organiser, session=draft)
    bookmark_add(user=organiser, session=panel)

    parsed = read_ics(client.get(feed_url(client, organiser)))

    assert [str(e["SUMMARY"]) for e in parsed.events.values()] == ["Digital universities"]


def test_revoked_address_is_404_and_the_new_one_works(client, panel, delegate):
    bookmark_add(user=delegate, session=panel)
    old = feed_url(client, delegate)
    assert client.get(old).status_code == 200

    client.force_login(delegate)
    response = client.post(RENEW)
    client.logout()

    assert response.status_code == 302
    assert response["Location"] == MY_AGENDA + "#calendar"
    new = feed_url(client, delegate)
    assert new != old
    assert client.get(old).status_code == 404
    assert client.get(new).status_code == 200
    assert CalendarFeedToken.objects.filter(user=delegate, revoked_at__isnull=True).count() == 1


def test_feed_address_is_404_elsewhere_or_when_unknown_or_the_account_is_closed(
    client, panel, delegate
):
    other = EventFactory(slug="other-event")
    SessionFactory(event=other)
    publish(other)
    url = feed_url(client, delegate)

    assert client.get(url.replace("/seminar/", "/other-event/")).status_code == 404
    assert client.get("/events/seminar/my-agenda/calendar/not-a-token.ics").status_code == 404
    delegate.is_active = False
    delegate.save()
    assert client.get(url).status_code == 404


def test_renew_needs_a_signed_in_post(client, panel):
    assert client.get(RENEW).status_code == 405
    response = client.post(RENEW)
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


# --- the buttons on the pages ---------------------------------------------------------------


def test_agenda_page_offers_subscribe_download_and_schedule_files(client, panel):
    page = client.get("/events/seminar/agenda/").content.decode()

    assert 'href="webcal://' in page and "/events/seminar/calendar.ics" in page
    assert "https://calendar.google.com/calendar/r?cid=webcal%3A%2F%2F" in page
    assert "https://outlook.live.com/calendar/0/addfromweb?url=http" in page
    assert "a download is a copy of the programme as it is now and does not update" in page
    assert "/events/seminar/schedule.xml" in page and "/events/seminar/schedule.json" in page


def test_filtered_agenda_offers_the_filtered_feed(client, panel):
    page = client.get(f"/events/seminar/agenda/?track={panel.track_id}&q=x").content.decode()

    assert f"/events/seminar/calendar.ics?track={panel.track_id}" in page
    assert "This selection in your calendar" in page


def test_session_page_offers_its_own_download(client, panel):
    page = client.get(f"/events/seminar/sessions/{panel.pk}/").content.decode()

    assert f"/events/seminar/sessions/{panel.pk}/calendar.ics" in page
    assert "A download adds this session once, as it is now." in page


def test_my_agenda_page_offers_a_personal_feed_and_keeps_its_address(client, panel, delegate):
    client.force_login(delegate)

    page = client.get(MY_AGENDA).content.decode()
    again = client.get(MY_AGENDA).content.decode()

    token = CalendarFeedToken.objects.get(user=delegate)
    assert (
        f"webcal://testserver/events/seminar/my-agenda/calendar/{token.token}.ics"
        in page.replace("127.0.0.1:8000", "testserver")
    )
    assert "calendar.google.com" in page and "outlook.live.com" in page
    assert 'action="/events/seminar/my-agenda/calendar/renew/"' in page
    assert "This address is yours alone." in page
    assert token.token in again


def test_unpublished_programme_offers_no_exports(client, event, organiser):
    SessionFactory(event=event)
    client.force_login(organiser)

    agenda = client.get("/events/seminar/agenda/").content.decode()
    mine = client.get(MY_AGENDA).content.decode()

    assert "calendar.ics" not in agenda and "calendar.ics" not in mine
    assert not CalendarFeedToken.objects.exists()


# --- queries --------------------------------------------------------------------------------


def _programme(event, count: int, first: int = 0) -> None:
    tracks = [TrackFactory(event=event, name=f"Track {i}") for i in range(first, first + 2)]
    for index in range(first, first + count):
        start = at(event, index % 2, "08:00") + dt.timedelta(minutes=30 * index)
        session = SessionFactory(
            event=event,
            room=RoomFactory(event=event, name=f"Room {index}", order=index),
            track=tracks[index % 2],
            start=start,
            end=start + dt.timedelta(minutes=25),
        )
        for order in range(2):
            SessionRoleFactory(
                session=session,
                person=PersonFactory(
                    event=event,
                    organization=OrganizationFactory(name=f"University {index}-{order}"),
                ),
                role=RoleKind.CHAIR if order == 0 else RoleKind.SPEAKER,
                order=order,
            )


@pytest.mark.parametrize(
    ("url", "queries"),
    [
        (CALENDAR, 7),
        # The Frab schedule reads the sessions' public materials too.
        (XML, 9),
        (JSON, 9),
        (f"{CALENDAR}?track=TRACK", 7),
        (f"{CALENDAR}?person=PERSON", 8),
    ],
)
def test_exports_cost_the_same_queries_at_any_size(
    client, event, django_assert_num_queries, url, queries
):
    _programme(event, 2)
    publish(event)
    track, person = Track.objects.first(), event.people.first()
    url = url.replace("TRACK", str(track.pk)).replace("PERSON", str(person.pk))
    for size in (2, 8):
        if size == 8:
            _programme(event, 6, first=2)
        cache.clear()
        with django_assert_num_queries(queries):
            assert client.get(url).status_code == 200
    with django_assert_num_queries(4 if "person" not in url else 5):
        assert client.get(url).status_code == 200


def test_personal_feed_costs_the_same_queries_at_any_size(
    client, event, delegate, django_assert_num_queries
):
    _programme(event, 2)
    publish(event)
    url = feed_url(client, delegate)
    for size in (2, 8):
        if size == 8:
            _programme(event, 6, first=2)
            publish(event)
        for session in event.sessions.all():
            bookmark_add(user=delegate, session=session)
        cache.clear()
        # 7, and one for the event's streams (none here), whose links a feed would carry.
        with django_assert_num_queries(8):
            assert client.get(url).status_code == 200
