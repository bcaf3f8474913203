"""Online attendance where a network blocks sockets: the live page follows the programme
through its event stream, else by polling, and a registered participant's viewing is recorded
all the same (registrations.services.attendance.viewing_continue)."""

import datetime as dt

import pytest
from channels.db import database_sync_to_async
from django.test import AsyncClient, Client
from django.utils import timezone

from livestream import views
from registrations.links import magic_token
from registrations.models import Viewing
from registrations.services.attendance import viewing_continue
from tests.factories.registrations import registered, ticket
from tests.factories.sessions import published_around_today


def event_with_participant():
    event = published_around_today(slug="forum", timezone="UTC")
    person = registered(ticket(event, name="Online", modes="online"), mode="online")
    return event, person, magic_token(person)


@pytest.mark.asyncio
@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("close_worker_connections")
async def test_a_participants_event_stream_records_their_viewing_until_it_ends(monkeypatch):
    event, person, token = await database_sync_to_async(event_with_participant)()
    monkeypatch.setattr(views, "STREAM_FOR", 0.3)
    monkeypatch.setattr(views, "HEARTBEAT", 0.05)
    monkeypatch.setattr(views, "MARK_EVERY", 0.0)  # every keep-alive moves the end

    response = await AsyncClient().get(f"/events/forum/live/events?r={token}")
    chunks = [chunk async for chunk in response.streaming_content]

    assert chunks[0].startswith(b"retry:") and b"event: snapshot" in chunks[1]
    assert b": keep-alive" in b"".join(chunks)
    (viewing,) = await database_sync_to_async(list)(Viewing.objects.filter(registration=person))
    assert viewing.event_id == event.pk and viewing.room_id is None
    assert viewing.ended_at - viewing.started_at >= dt.timedelta(seconds=0.2)

    # The browser opens the stream again a moment later: the same stretch goes on.
    again = await AsyncClient().get(f"/events/forum/live/events?r={token}")
    [chunk async for chunk in again.streaming_content]
    (continued,) = await database_sync_to_async(list)(Viewing.objects.filter(registration=person))
    assert continued.pk == viewing.pk and continued.ended_at > viewing.ended_at


@pytest.mark.asyncio
@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("close_worker_connections")
async def test_an_anonymous_event_stream_records_nothing(monkeypatch):
    await database_sync_to_async(event_with_participant)()
    monkeypatch.setattr(views, "STREAM_FOR", 0.1)
    monkeypatch.setattr(views, "HEARTBEAT", 0.05)

    response = await AsyncClient().get("/events/forum/live/events")
    [chunk async for chunk in response.streaming_content]

    assert not await Viewing.objects.aexists()


@pytest.mark.django_db
def test_polling_participants_viewing_goes_on_from_poll_to_poll(client: Client):
    event, person, token = event_with_participant()

    first = client.get(f"/api/events/forum/live?r={token}")
    second = client.get(
        f"/api/events/forum/live?r={token}", headers={"If-None-Match": first["ETag"]}
    )
    client.get("/api/events/forum/live")  # anonymous: counted nowhere

    assert first.status_code == 200 and second.status_code == 304
    (viewing,) = Viewing.objects.filter(registration=person)
    assert viewing.room_id is None and viewing.ended_at > viewing.started_at
    assert Viewing.objects.count() == 1


@pytest.mark.django_db
def test_a_viewing_goes_on_after_a_short_gap_and_starts_anew_after_a_long_one():
    event, person, _token = event_with_participant()
    start = timezone.now()
    minute = dt.timedelta(minutes=1)

    first = viewing_continue(event_id=event.pk, registration_id=person.pk, at=start, within=minute)
    same = viewing_continue(
        event_id=event.pk, registration_id=person.pk, at=start + 0.5 * minute, within=minute
    )
    later = viewing_continue(
        event_id=event.pk, registration_id=person.pk, at=start + 3 * minute, within=minute
    )

    assert first == same != later
    rows = {v.pk: v for v in Viewing.objects.filter(registration=person)}
    assert rows[first].ended_at == start + 0.5 * minute
    assert rows[later].started_at == rows[later].ended_at == start + 3 * minute
