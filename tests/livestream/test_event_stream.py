"""The Server-Sent Events stream's two steps, on a real programme: what it opens with, and what
each message from the event's group becomes for one viewer."""

import asyncio
import datetime as dt

import pytest
from asgiref.sync import async_to_sync
from django.utils import timezone

from livestream.access import PUBLIC
from livestream.broadcast import update_payload
from livestream.views import INBOX, _Inbox, _opening, _relay
from sessions.models import SessionUpdate
from sessions.services.chair import session_delay
from sessions.services.programme import programme_publish
from tests.factories import EventFactory
from tests.factories.sessions import SessionFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def delayed():
    """A published programme (update 1) whose session on now ran late three times (2-4)."""
    now = timezone.now()
    event = EventFactory(slug="seminar", timezone="UTC", start_date=now.date())
    programme_publish(event=event, by=None)
    session = SessionFactory(
        event=event, start=now - dt.timedelta(minutes=5), end=now + dt.timedelta(minutes=55)
    )
    for minutes in (5, 10, 15):
        session_delay(session=session, by=None, minutes=minutes)
    return event


def message(event, sequence: int) -> dict:
    update = SessionUpdate.objects.get(event=event, sequence=sequence)
    return {"type": "live.update", "message": update_payload(update)}


def ids(frames: list[str]) -> list[str]:
    return [frame.split("\n")[0] for frame in frames]


def test_a_new_stream_opens_with_the_snapshot(delayed):
    frames, sent = async_to_sync(_opening)(delayed, PUBLIC, None)

    assert sent == 4
    assert ids(frames) == ["id: 4"] and "event: snapshot" in frames[0]


def test_a_resumed_stream_opens_with_what_it_missed(delayed):
    frames, sent = async_to_sync(_opening)(delayed, PUBLIC, 2)

    assert (ids(frames), sent) == (["id: 3", "id: 4"], 4)
    assert all("event: update" in frame for frame in frames)


def test_the_next_update_is_sent_and_an_old_one_is_not(delayed):
    frames, sent, done = async_to_sync(_relay)(message(delayed, 4), delayed, PUBLIC, 3)
    again, sent_again, _ = async_to_sync(_relay)(message(delayed, 4), delayed, PUBLIC, 4)

    assert (ids(frames), sent, done) == (["id: 4"], 4, False)
    assert (again, sent_again) == ([], 4)


def test_an_update_after_a_gap_brings_the_missed_ones_first(delayed):
    frames, sent, done = async_to_sync(_relay)(message(delayed, 4), delayed, PUBLIC, 1)

    assert (ids(frames), sent, done) == (["id: 2", "id: 3", "id: 4"], 4, False)


def test_an_event_no_longer_public_ends_the_stream(delayed):
    hidden = {"type": "event.changed", "event": {"status": "draft"}}
    still = {"type": "event.changed", "event": {"status": "published"}}

    frames, sent, done = async_to_sync(_relay)(hidden, delayed, PUBLIC, 4)
    nothing = async_to_sync(_relay)(still, delayed, PUBLIC, 4)

    assert done is True and sent == 4 and "event: gone" in frames[0]
    assert nothing == ([], 4, False)


def test_a_stream_that_falls_behind_loses_its_oldest_updates_but_no_change_of_the_event():
    """Updates come back by number; a change of the event itself does not."""
    inbox = _Inbox()
    changed = {"type": "event.changed", "event": {"status": "draft"}}
    inbox.take({"type": "live.update", "message": {"sequence": 1}})
    inbox.take(changed)
    for sequence in range(2, INBOX + 3):
        inbox.take({"type": "live.update", "message": {"sequence": sequence}})

    async def read_all():
        return [await inbox.get() for _ in range(INBOX)]

    kept = async_to_sync(read_all)()
    assert len(kept) == INBOX and not inbox.messages
    assert kept[0] == changed
    assert [m["message"]["sequence"] for m in kept[1:]] == list(range(4, INBOX + 3))


def test_a_stream_waits_for_its_next_message():
    inbox = _Inbox()

    async def later():
        waiting = asyncio.ensure_future(inbox.get())
        await asyncio.sleep(0.01)
        assert not waiting.done()
        inbox.take({"type": "live.update", "message": {"sequence": 7}})
        return await asyncio.wait_for(waiting, 1)

    assert async_to_sync(later)()["message"]["sequence"] == 7
