"""Pages, the API's JSON and static files travel gzipped to a client that takes it, and as they
are to one that does not; streams still stream (the live page's event stream is left as it
is, a CSV export is compressed piece by piece); the site's icon is there, and a missing
address costs little."""

import datetime as dt
import gzip
import zlib
from pathlib import Path

import pytest
from asgiref.sync import sync_to_async
from django.conf import settings
from django.db import close_old_connections
from django.test import AsyncClient, Client
from django.utils import timezone

from registrations.views import registration_list as manage
from sessions.services.programme import programme_publish
from tests.factories.registrations import registered, ticket
from tests.factories.sessions import SessionFactory

GZIP = {"HTTP_ACCEPT_ENCODING": "gzip, deflate, br"}
ASYNC_GZIP = {"headers": {"Accept-Encoding": "gzip, deflate, br"}}
SITE_CSS = Path(settings.BASE_DIR) / "confman" / "static" / "confman" / "site.css"


@pytest.fixture
def static_from_the_finders(settings):
    """Static files as `make run` serves them (DEBUG): from the apps' folders, not
    precompressed; whitenoise reads these settings when a client's handler starts."""
    settings.WHITENOISE_USE_FINDERS = True
    settings.WHITENOISE_AUTOREFRESH = True


def body(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


@pytest.mark.django_db
def test_a_page_is_gzipped_when_asked_and_not_otherwise(event):
    zipped = Client().get("/", **GZIP)
    plain = Client().get("/")

    assert zipped.status_code == plain.status_code == 200
    assert zipped["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in zipped["Vary"]
    assert gzip.decompress(zipped.content).decode().startswith("<!doctype html>")
    assert not plain.has_header("Content-Encoding")
    assert "Accept-Encoding" in plain["Vary"]
    assert len(zipped.content) < len(plain.content) / 2


@pytest.mark.django_db
def test_the_apis_json_is_gzipped_and_its_etag_still_answers_304(event):
    programme_publish(event=event, by=None)
    now = timezone.now()
    for hour in range(3):
        SessionFactory(
            event=event,
            start=now + dt.timedelta(hours=hour),
            end=now + dt.timedelta(hours=hour, minutes=50),
        )
    first = Client().get("/api/events/seminar/live", **GZIP)
    again = Client().get("/api/events/seminar/live", HTTP_IF_NONE_MATCH=first["ETag"], **GZIP)

    assert first["Content-Encoding"] == "gzip"
    assert first["ETag"].startswith('W/"')  # RFC 9110: another representation
    assert again.status_code == 304


@pytest.mark.usefixtures("static_from_the_finders")
def test_a_static_file_is_gzipped_when_asked_and_not_otherwise():
    zipped = Client().get("/static/confman/site.css", **GZIP)
    plain = Client().get("/static/confman/site.css")

    assert zipped.status_code == plain.status_code == 200
    assert zipped["Content-Encoding"] == "gzip"
    assert gzip.decompress(body(zipped)) == SITE_CSS.read_bytes()
    assert not plain.has_header("Content-Encoding")
    assert body(plain) == SITE_CSS.read_bytes()


@pytest.mark.usefixtures("static_from_the_finders")
def test_a_gzipped_static_file_is_confirmed_with_304_by_its_weak_etag():
    """Whitenoise compares If-None-Match as a plain string; the browser sends the weak tag it
    got with the compressed copy."""
    first = Client().get("/static/confman/site.css", **GZIP)
    again = Client().get("/static/confman/site.css", HTTP_IF_NONE_MATCH=first["ETag"], **GZIP)

    assert first["ETag"].startswith('W/"')
    assert again.status_code == 304
    assert again["ETag"] == first["ETag"]


@pytest.mark.usefixtures("static_from_the_finders")
def test_images_and_tiny_files_are_sent_as_they_are():
    icon = Client().get("/static/confman/favicon.svg", **GZIP)  # 223 bytes

    assert icon.status_code == 200
    assert not icon.has_header("Content-Encoding")
    assert body(icon).startswith(b"<svg")


@pytest.mark.usefixtures("static_from_the_finders")
def test_favicon_ico_leads_to_the_svg_icon_that_the_pages_link():
    old_name = Client().get("/favicon.ico")
    icon = Client().get(old_name["Location"])

    assert old_name.status_code == 302
    assert old_name["Location"] == "/static/confman/favicon.svg"
    assert "max-age=86400" in old_name["Cache-Control"]
    assert icon.status_code == 200
    assert icon["Content-Type"] == "image/svg+xml"
    assert len(body(icon)) < 1024


@pytest.mark.django_db
def test_every_page_links_the_icon(event):
    html = Client().get("/").content.decode()

    assert '<link rel="icon" href="/static/confman/favicon.svg" type="image/svg+xml">' in html


@pytest.mark.django_db
def test_the_not_found_page_is_light():
    plain = Client().get("/no/such/page/")
    zipped = Client().get("/no/such/page/", **GZIP)

    assert plain.status_code == zipped.status_code == 404
    assert "There is no page at this address" in plain.content.decode()
    assert len(plain.content) < 1500
    assert len(zipped.content) < 800
    assert not plain.cookies  # no sign-in form, no CSRF cookie: nothing per visitor


@pytest.mark.asyncio
@pytest.mark.django_db(transaction=True)
async def test_the_live_event_stream_is_never_gzipped_and_still_streams(event):
    """gzip would hold each small event back until it had a block's worth: the stream is sent
    as it is, a frame at a time, even to a client that takes gzip."""
    await sync_to_async(programme_publish)(event=event, by=None)

    response = await AsyncClient().get("/events/seminar/live/events", **ASYNC_GZIP)
    chunks = response.streaming_content
    retry = await anext(chunks)
    snapshot = await anext(chunks)
    await chunks.aclose()

    assert response["Content-Type"].startswith("text/event-stream")
    assert not response.has_header("Content-Encoding")
    assert retry.startswith(b"retry:")
    assert b"event: snapshot" in snapshot


@pytest.fixture
def export(event, organiser, monkeypatch):
    """Five registrations, exported two lines at a time: three pieces of CSV."""
    monkeypatch.setattr(manage, "STREAM_LINES", 2)
    online = ticket(event, name="Online participant", modes="online")
    for n in range(5):
        registered(online, name=f"Delegate {n}", email=f"delegate{n}@example.org")
    return organiser


def pieces_unzipped(pieces: list[bytes]) -> list[bytes]:
    """Each piece decompressed as it arrives: a piece that needs the next one to be read would
    come out empty."""
    reader = zlib.decompressobj(16 + zlib.MAX_WBITS)
    return [reader.decompress(piece) for piece in pieces]


@pytest.mark.django_db
def test_a_csv_export_is_gzipped_piece_by_piece_and_still_streams(export):
    client = Client()
    client.force_login(export)

    response = client.get("/events/seminar/manage/registrations/export.csv", **GZIP)
    pieces = list(response.streaming_content)

    assert response.streaming and response["Content-Encoding"] == "gzip"
    assert not response.has_header("Content-Length")
    text = [piece.decode("utf-8-sig") for piece in pieces_unzipped(pieces)]
    assert len([t for t in text if t]) >= 3  # each piece readable on arrival
    assert "delegate4@example.org" in "".join(text)
    assert gzip.decompress(b"".join(pieces)).decode("utf-8-sig") == "".join(text)


@pytest.mark.asyncio
@pytest.mark.django_db(transaction=True)
async def test_under_asgi_a_csv_export_is_gzipped_piece_by_piece(export):
    client = AsyncClient()
    await client.aforce_login(export)

    response = await client.get("/events/seminar/manage/registrations/export.csv", **ASYNC_GZIP)
    pieces = [piece async for piece in response.streaming_content]

    assert response.is_async and response["Content-Encoding"] == "gzip"
    text = [piece.decode("utf-8-sig") for piece in pieces_unzipped(pieces)]
    assert len([t for t in text if t]) >= 3
    assert "delegate4@example.org" in gzip.decompress(b"".join(pieces)).decode("utf-8-sig")
    await sync_to_async(close_old_connections)()


@pytest.mark.django_db
def test_a_client_that_does_not_take_gzip_gets_the_export_as_it_is(export):
    client = Client()
    client.force_login(export)

    response = client.get("/events/seminar/manage/registrations/export.csv")

    assert not response.has_header("Content-Encoding")
    assert "delegate4@example.org" in b"".join(response.streaming_content).decode("utf-8-sig")
