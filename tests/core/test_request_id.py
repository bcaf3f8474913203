"""The request id: the proxy's or a new one, returned in the answer, on every log record of the
request, and carried into the tasks it queued (the database backend and its worker)."""

import io
import json
import logging
import re

import pytest
from channels.db import database_sync_to_async
from channels.testing import HttpCommunicator
from django.core.management import call_command
from django.utils.module_loading import import_string
from django_tasks_db.models import DBTaskResult

from confman.asgi import django_asgi_app
from confman.core import logs
from registrations.mail import send_state_mail
from registrations.models import Registration
from registrations.services.tickets import ticket_create
from tests.factories import EventFactory
from tests.helpers import REFUSING_BACKEND, registration_body

NEW_ID = re.compile(r"[0-9a-f]{32}")


@pytest.fixture
def json_lines(settings):
    """What the console handler would print with LOG_FORMAT=json: the settings' formatter and
    the request id filter, on a handler of the root logger."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.addFilter(logs.RequestIdFilter())
    options = dict(settings.LOGGING["formatters"]["json"])
    handler.setFormatter(import_string(options.pop("()"))(**options))
    root = logging.getLogger()
    root.addHandler(handler)
    yield lambda: [json.loads(line) for line in stream.getvalue().splitlines()]
    root.removeHandler(handler)


@pytest.mark.django_db
def test_each_answer_has_a_new_request_id(client):
    first = client.get("/")
    second = client.get("/no-such-page/")

    assert NEW_ID.fullmatch(first["X-Request-ID"])
    assert NEW_ID.fullmatch(second["X-Request-ID"])
    assert first["X-Request-ID"] != second["X-Request-ID"]


@pytest.mark.parametrize(
    ("sent", "kept"),
    [
        ("5f0c9b7e2a4d4c1e8f3b6a9d0c7e1f24", True),  # nginx's $request_id
        ("0f8fad5b-d9cb-469f-a165-70867728950e", True),
        ("Root=1-67891233-abcdef012345678912345678", True),
        ("two words", False),
        ("x" * 101, False),
        ("<script>", False),
        ("id\r\nX-Injected: 1", False),
    ],
)
@pytest.mark.django_db
def test_the_proxys_request_id_is_kept_only_when_plausible(client, sent, kept):
    response = client.get("/", headers={"X-Request-ID": sent})

    assert (response["X-Request-ID"] == sent) is kept
    if not kept:
        assert NEW_ID.fullmatch(response["X-Request-ID"])


@pytest.mark.django_db
def test_log_lines_of_a_request_carry_its_id_and_later_lines_none(client, json_lines):
    client.get("/no-such-page/", headers={"X-Request-ID": "edge-42"})
    logging.getLogger("confman.tests").warning("after the request")

    lines = json_lines()
    [not_found] = [line for line in lines if line["message"] == "Not Found: /no-such-page/"]
    [after] = [line for line in lines if line["message"] == "after the request"]
    # Django writes its line about a 4xx once the middleware has answered: the id is still set.
    assert not_found["request_id"] == "edge-42"
    assert not_found["level"] == "WARNING"
    assert not_found["logger"] == "django.request"
    assert "time" in not_found
    assert after["request_id"] is None


@pytest.mark.django_db(transaction=True)
def test_a_task_queued_by_a_request_logs_with_its_id_in_the_worker(
    client, settings, event, json_lines
):
    settings.EMAIL_BACKEND = REFUSING_BACKEND
    online = ticket_create(event=event, by=None, name="Online", modes="online")
    response = client.post(
        "/api/events/seminar/registrations",
        registration_body(online),
        content_type="application/json",
        headers={"X-Request-ID": "reg-7"},
    )
    assert response.status_code == 201, response.content
    mail = DBTaskResult.objects.get(task_path=send_state_mail.module_path)

    call_command("db_worker", "--batch", "--no-startup-delay", verbosity=0)

    # The task's arguments are what they were; the id is kept beside them.
    registration_id = Registration.objects.get(reference=response.json()["reference"]).pk
    assert mail.args_kwargs == {
        "args": [registration_id, "confirmed"],
        "kwargs": {},
        "request_id": "reg-7",
    }
    refused = [line for line in json_lines() if line["logger"] == "registrations.mail"]
    assert [line["message"][:5] for line in refused] == ["Mail "]
    assert refused[0]["request_id"] == "reg-7"
    assert "exc_info" in refused[0]
    # Its retry, queued by the task in the worker, carries it on.
    retry = DBTaskResult.objects.get(status="READY")
    assert retry.args_kwargs["request_id"] == "reg-7"
    assert retry.args_kwargs["args"] == [registration_id, "confirmed", 2]
    assert logs.current.get() is None


@pytest.mark.django_db
def test_a_task_queued_outside_a_request_has_no_id():
    result = send_state_mail.enqueue(1, "confirmed")

    row = DBTaskResult.objects.get(pk=result.id)
    assert row.args_kwargs == {"args": [1, "confirmed"], "kwargs": {}}


def header(answer: dict, name: str) -> str | None:
    found = [v.decode() for k, v in answer["headers"] if k.decode().lower() == name]
    return found[0] if len(found) == 1 else None


@pytest.mark.asyncio
@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("close_worker_connections")
async def test_through_the_asgi_handlers_pages_and_api_answer_with_the_id_and_tasks_get_it():
    event = await database_sync_to_async(EventFactory)(slug="seminar")
    online = await database_sync_to_async(ticket_create)(
        event=event, by=None, name="Online", modes="online"
    )
    headers = [(b"host", b"127.0.0.1"), (b"x-request-id", b"asgi-1")]

    page = HttpCommunicator(django_asgi_app, "GET", "/events/seminar/", headers=headers)
    page_answer = await page.get_response(timeout=10)
    await page.wait(10)
    api = HttpCommunicator(
        django_asgi_app,
        "POST",
        "/api/events/seminar/registrations",
        json.dumps(registration_body(online)).encode(),
        [
            (b"host", b"127.0.0.1"),
            (b"content-type", b"application/json"),
            (b"x-request-id", b"api-2"),
        ],
    )
    api_answer = await api.get_response(timeout=10)
    await api.wait(10)

    assert page_answer["status"] == 200
    assert header(page_answer, "x-request-id") == "asgi-1"
    assert api_answer["status"] == 201, api_answer["body"]
    assert header(api_answer, "x-request-id") == "api-2"
    mail = await DBTaskResult.objects.aget(task_path=send_state_mail.module_path)
    assert mail.args_kwargs["request_id"] == "api-2"
