"""The api_handler fast path: API requests run whole in one worker thread, everything else as
Django runs it, and both handlers answer the same."""

import json
import threading
import uuid

import pytest
from channels.db import database_sync_to_async
from channels.testing import HttpCommunicator
from django.core import signals
from django.core.handlers.asgi import ASGIHandler as DjangoASGIHandler
from django.http import StreamingHttpResponse

from confman.asgi import django_asgi_app
from confman.core.fastpaths.handler import ASGIHandler
from events.models import TeamMember
from events.services import api_token_create
from events.timezones import local_today
from registrations.models import CheckIn
from tests.factories import EventFactory, TeamMemberFactory, UserFactory
from tests.factories.registrations import BadgeRegistrationFactory, TicketTypeFactory

pytestmark = [
    pytest.mark.asyncio,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("close_worker_connections"),
]


async def call(app, method, path, body=b"", headers=(), timeout: float = 10) -> dict:
    communicator = HttpCommunicator(app, method, path, body, [(b"host", b"127.0.0.1"), *headers])
    answer = await communicator.get_response(timeout=timeout)
    await communicator.wait(timeout)  # until the request has ended (connections closed)
    answer["headers"] = {k.decode().lower(): v.decode() for k, v in answer["headers"]}
    return answer


@pytest.fixture
def threads():
    """The thread each request started and finished in."""
    seen = []

    def started(**kwargs):
        seen.append(("started", threading.current_thread().name))

    def finished(**kwargs):
        seen.append(("finished", threading.current_thread().name))

    signals.request_started.connect(started)
    signals.request_finished.connect(finished)
    yield seen
    signals.request_started.disconnect(started)
    signals.request_finished.disconnect(finished)


@database_sync_to_async
def desk():
    today = local_today("UTC")
    event = EventFactory(slug="seminar", timezone="UTC", start_date=today, end_date=today)
    badge = BadgeRegistrationFactory(ticket=TicketTypeFactory(event=event, name="Delegate"))
    user = UserFactory(username="desk")
    TeamMemberFactory(event=badge.event, user=user, role=TeamMember.Role.CHECKIN)
    return badge, api_token_create(user=user, name="desk")[1]


async def test_an_api_call_runs_start_to_finish_in_one_api_thread(threads):
    badge, token = await desk()
    scan = {"secret": badge.badge_secret, "device": "d1", "gate": "North", "nonce": "n1"}
    answer = await call(
        django_asgi_app,
        "POST",
        "/api/events/seminar/checkins",
        json.dumps(scan).encode(),
        [(b"content-type", b"application/json"), (b"authorization", f"Bearer {token}".encode())],
    )
    assert answer["status"] == 200, answer["body"]
    assert json.loads(answer["body"])["status"] == "ok"
    assert await CheckIn.objects.filter(registration=badge, result="ok").acount() == 1
    # The middleware ran (security headers), and the request began and ended in one API thread,
    # where its database connection was opened and closed.
    assert answer["headers"]["x-content-type-options"] == "nosniff"
    assert answer["headers"]["content-length"] == str(len(answer["body"]))
    (_, first), (_, last) = threads
    assert [kind for kind, _ in threads] == ["started", "finished"]
    assert first == last and first.startswith("confman-api")


async def test_api_errors_answer_as_before():
    badge, token = await desk()
    unknown = await call(django_asgi_app, "GET", "/api/events/nowhere/checkin-list")
    assert unknown["status"] == 401
    assert "token" in json.loads(unknown["body"])["detail"].lower()
    missing = await call(
        django_asgi_app,
        "GET",
        "/api/events/nowhere/checkin-list",
        headers=[(b"authorization", f"Bearer {token}".encode())],
    )
    assert missing["status"] == 404
    assert "nowhere" in json.loads(missing["body"])["detail"]
    bad = await call(
        django_asgi_app,
        "POST",
        "/api/events/seminar/checkins",
        b"{not json",
        [(b"content-type", b"application/json"), (b"authorization", f"Bearer {token}".encode())],
    )
    assert bad["status"] in (400, 422)


async def test_pages_and_async_views_still_go_through_djangos_handler(threads):
    await database_sync_to_async(EventFactory)(slug="seminar")
    health = await call(django_asgi_app, "GET", "/healthz")
    assert health["status"] == 200 and json.loads(health["body"])["status"] == "ok"
    page = await call(django_asgi_app, "GET", "/events/seminar/")
    assert page["status"] == 200 and b"<main" in page["body"]
    assert not any(name.startswith("confman-api") for _, name in threads)


async def test_a_streaming_api_answer_is_sent_whole_and_finishes_once(threads, monkeypatch):
    handler = ASGIHandler(threads=1)
    monkeypatch.setattr(
        handler._sync,
        "get_response",
        lambda request: StreamingHttpResponse(iter([b"part one, ", b"part two"]), status=207),
    )
    answer = await call(handler, "GET", "/api/anything")
    assert (answer["status"], answer["body"]) == (207, b"part one, part two")
    assert [kind for kind, _ in threads] == ["started", "finished"]

    async def pieces():
        yield b"never"

    monkeypatch.setattr(
        handler._sync, "get_response", lambda request: StreamingHttpResponse(pieces())
    )
    with pytest.raises(TypeError, match="asynchronous stream"):
        # The application's own error, raised when the wait for its answer ends.
        await call(handler, "GET", f"/api/{uuid.uuid4().hex}", timeout=1)
    assert [kind for kind, _ in threads][-1] == "finished"


async def test_the_api_answers_as_through_djangos_own_handler():
    badge, token = await desk()
    auth = (b"authorization", f"Bearer {token}".encode())
    json_body = (b"content-type", b"application/json")
    incomplete = json.dumps({"secret": badge.badge_secret}).encode()
    requests = [
        ("GET", "/api/events", b"", []),
        ("GET", "/api/events/seminar/checkin-list", b"", []),
        ("GET", "/api/events/nowhere/checkin-list", b"", [auth]),
        ("POST", "/api/events/seminar/checkins", b"{not json", [json_body, auth]),
        ("POST", "/api/events/seminar/checkins", incomplete, [json_body, auth]),
        ("GET", "/api/no-such-operation", b"", []),
    ]
    ours, djangos = ASGIHandler(threads=2), DjangoASGIHandler()
    for method, path, body, headers in requests:
        mine = await call(ours, method, path, body, headers)
        theirs = await call(djangos, method, path, body, headers)
        assert (mine["status"], mine["body"]) == (theirs["status"], theirs["body"]), path
        for header in ("content-type", "content-length", "x-content-type-options", "vary"):
            assert mine["headers"].get(header) == theirs["headers"].get(header), (path, header)
