"""Work held until a request's answer is sent, and the background thread
(confman.core.after_response); what follows a chair's update runs there once the chair has the
answer: the live broadcast, the reminder, the notices' round."""

import asyncio
import datetime as dt
import json
import logging
import threading

import pytest
from asgiref.sync import sync_to_async
from channels.db import database_sync_to_async

from confman.asgi import application
from confman.core.after_response import (
    AfterResponse,
    _finish_at_exit,
    after_response,
    background_drained,
    in_background,
)
from confman.core.logs import current as request_id
from livestream import broadcast
from registrations.models import NoticeSettings, Reminder
from sessions.signals import update_logged
from tests.helpers import published_session_and_token


async def serve(app, path: str = "/", body: bytes = b"", headers=()) -> list:
    """One HTTP request through `app`; what it sent, in order."""
    sent = []
    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "POST" if body else "GET",
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "query_string": b"",
        "root_path": "",
        "headers": [(b"host", b"127.0.0.1"), *headers],
        "client": ("127.0.0.1", 40000),
        "server": ("127.0.0.1", 8000),
    }
    messages = [{"type": "http.request", "body": body, "more_body": False}]

    async def receive():
        if messages:
            return messages.pop(0)
        await asyncio.sleep(3600)  # a disconnect that never comes

    async def send(message):
        sent.append(message["type"])

    await app(scope, receive, send)
    return sent


def test_outside_a_request_the_work_runs_at_once():
    done = []
    after_response(lambda: done.append("now"))
    assert done == ["now"]


@pytest.mark.asyncio
async def test_work_held_in_a_request_runs_after_its_answer_in_order():
    async def app(scope, receive, send, record):
        # Handed over from a worker thread, as a view's on-commit hook does.
        await sync_to_async(after_response)(lambda: record.append("first"))
        after_response(lambda: record.append("second"))
        await send({"type": "http.response.start", "status": 200, "headers": []})
        record.append("answered")
        await send({"type": "http.response.body", "body": b"ok"})

    record = []
    sent = await serve(AfterResponse(lambda s, r, se: app(s, r, se, record)))
    assert sent == ["http.response.start", "http.response.body"]
    assert record == ["answered", "first", "second"]


@pytest.mark.asyncio
async def test_a_failing_request_still_runs_its_held_work_and_one_failure_stops_no_other(caplog):
    record = []

    def broken():
        raise RuntimeError("broken")

    async def app(scope, receive, send):
        after_response(broken)
        after_response(lambda: record.append("still run"))
        raise ValueError("the view failed")

    with caplog.at_level(logging.ERROR), pytest.raises(ValueError, match="the view failed"):
        await serve(AfterResponse(app))
    assert record == ["still run"]
    assert "held until a request's answer failed" in caplog.text


@pytest.mark.asyncio
async def test_work_handed_over_after_the_answer_runs_at_once():
    """A view still running in its thread after the request ended (the client went away) is
    not held back by a list nobody reads any more."""
    release, record = threading.Event(), []

    def late_view():
        release.wait(5)
        after_response(lambda: record.append(threading.current_thread().name))

    started: list[asyncio.Future] = []

    async def app(scope, receive, send):
        started.append(asyncio.ensure_future(sync_to_async(late_view, thread_sensitive=False)()))
        await send({"type": "http.response.start", "status": 204, "headers": []})
        await send({"type": "http.response.body", "body": b""})

    await serve(AfterResponse(app))
    assert record == []
    release.set()
    await started[0]
    assert len(record) == 1 and record[0] != threading.current_thread().name


@pytest.mark.asyncio
async def test_websockets_are_passed_through_untouched():
    seen = []

    async def app(scope, receive, send):
        seen.append(scope["type"])
        after_response(lambda: seen.append("at once"))

    await AfterResponse(app)({"type": "websocket"}, None, None)
    assert seen == ["websocket", "at once"]


def test_background_work_runs_in_order_in_its_own_thread_in_the_callers_context(caplog):
    request_id.set("req-1")
    seen = []

    def broken():
        raise RuntimeError("broken")

    in_background(lambda: seen.append(("first", request_id.get(), threading.current_thread())))
    in_background(broken)
    in_background(lambda: seen.append(("second", request_id.get(), threading.current_thread())))
    with caplog.at_level(logging.ERROR):
        assert background_drained()
    assert [(name, rid) for name, rid, _ in seen] == [("first", "req-1"), ("second", "req-1")]
    assert seen[0][2] is seen[1][2] is not threading.current_thread()
    assert "background thread failed" in caplog.text


def test_an_exiting_process_lets_the_background_thread_finish():
    release, seen = threading.Event(), []
    in_background(lambda: release.wait(5))
    in_background(lambda: seen.append("done"))
    threading.Timer(0.05, release.set).start()

    _finish_at_exit()

    assert seen == ["done"]


@pytest.mark.asyncio
async def test_background_work_of_a_request_waits_for_its_answer():
    record = []

    async def app(scope, receive, send):
        await sync_to_async(in_background)(lambda: record.append("background"))
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await asyncio.sleep(0.05)  # time enough for the background thread, were it not held
        record.append("answered")
        await send({"type": "http.response.body", "body": b"ok"})

    await serve(AfterResponse(app))
    assert await sync_to_async(background_drained)()
    assert record == ["answered", "background"]


class RecordingSender:
    """Stands for the broadcast's sender, whose next stop is Redis."""

    def __init__(self, record: list):
        self.record = record

    def send(self, group: str, message: dict) -> None:
        self.record.append(("broadcast", message["message"]["sequence"]))


@pytest.mark.asyncio
@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("close_worker_connections")
async def test_what_follows_a_chairs_update_runs_in_the_background_after_the_answer(
    settings, monkeypatch
):
    session, token = await database_sync_to_async(published_session_and_token)(
        dt.timedelta(hours=2)
    )
    settings.UPDATES_IN_BACKGROUND = True
    record: list = []
    monkeypatch.setattr(broadcast, "_sender", RecordingSender(record))
    threads = []

    def told(sender, **kwargs):
        threads.append(threading.current_thread().name)

    update_logged.connect(told, dispatch_uid="test-told")

    async def app(scope, receive, send):
        async def sending(message):
            record.append(message["type"])
            await send(message)

        await application(scope, receive, sending)

    try:
        sent = await serve(
            app,
            f"/api/events/seminar/sessions/{session.pk}/status",
            json.dumps({"action": "delay", "minutes": 10}).encode(),
            [
                (b"content-type", b"application/json"),
                (b"authorization", f"Bearer {token}".encode()),
            ],
        )
        assert sent == ["http.response.start", "http.response.body"]
        assert await sync_to_async(background_drained)()
    finally:
        update_logged.disconnect(dispatch_uid="test-told")
    update = await session.updates.alatest("sequence")
    assert record == ["http.response.start", "http.response.body", ("broadcast", update.sequence)]
    assert threads == ["after-response"]
    # The other receivers ran there too: the reminder of the new start, the notices' round.
    new_start = session.start + dt.timedelta(minutes=10)
    assert await Reminder.objects.filter(session=session, start=new_start).aexists()
    notices = await NoticeSettings.objects.aget(event_id=session.event_id)
    assert notices.due_at is not None
