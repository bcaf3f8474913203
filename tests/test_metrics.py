"""GET /metrics: who may read it, and each figure after the things it counts have happened."""

import datetime as dt

import pytest
from channels.db import database_sync_to_async
from channels.testing import HttpCommunicator, WebsocketCommunicator
from django.core.management import call_command
from django.test import Client
from django.utils import timezone
from django_tasks_db.models import DBTaskResult
from prometheus_client.parser import text_string_to_metric_families

from confman.asgi import application, django_asgi_app
from events.models import Event
from registrations.checkin.scan import checkin_scan
from registrations.mail import send_state_mail
from registrations.models import (
    Notice,
    NoticeStatus,
    ScanType,
    State,
    WebhookDelivery,
    WebhookEndpoint,
)
from registrations.webhooks.deliveries import webhook_deliver
from tests.factories import EventFactory
from tests.factories.registrations import (
    BadgeRegistrationFactory,
    RegistrationFactory,
    TicketTypeFactory,
)
from tests.helpers import REFUSING_BACKEND

TOKEN = "metrics-token-for-tests-0123456789abcdef"
OUTSIDE = "203.0.113.7"  # a documentation address, in no allow-list


def scrape(client, **extra) -> dict[tuple[str, frozenset], float]:
    response = client.get("/metrics", **extra)
    assert response.status_code == 200, response.content
    return {
        (sample.name, frozenset(sample.labels.items())): sample.value
        for family in text_string_to_metric_families(response.content.decode())
        for sample in family.samples
    }


def value(figures: dict, name: str, **labels) -> float:
    return figures[(name, frozenset(labels.items()))]


# --- who may read them ---------------------------------------------------------------------


@pytest.mark.django_db
def test_metrics_answer_the_loopback_without_a_token(client):
    response = client.get("/metrics")

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain")
    assert "no-cache" in response["Cache-Control"]
    assert b"# HELP confman_registrations " in response.content


@pytest.mark.django_db
def test_metrics_refuse_an_address_not_allowed_when_no_token_is_set(client):
    response = client.get("/metrics", REMOTE_ADDR=OUTSIDE)

    assert response.status_code == 403
    assert OUTSIDE in response.content.decode()
    assert "METRICS_ALLOW" in response.content.decode()
    assert b"confman_" not in response.content


@pytest.mark.django_db
def test_a_forged_forwarded_for_header_does_not_make_an_address_allowed(client):
    # Not behind the proxy (BEHIND_TLS_PROXY off): X-Forwarded-For is the client's own word.
    response = client.get("/metrics", REMOTE_ADDR=OUTSIDE, HTTP_X_FORWARDED_FOR="127.0.0.1")

    assert response.status_code == 403


@pytest.mark.django_db
def test_metrics_take_the_token_from_any_address_and_refuse_a_wrong_or_missing_one(
    client, settings
):
    settings.METRICS_TOKEN = TOKEN

    right = client.get("/metrics", REMOTE_ADDR=OUTSIDE, HTTP_AUTHORIZATION=f"Bearer {TOKEN}")
    wrong = client.get("/metrics", REMOTE_ADDR=OUTSIDE, HTTP_AUTHORIZATION=f"Bearer {TOKEN}x")
    wrong_from_loopback = client.get("/metrics", HTTP_AUTHORIZATION="Bearer guess")
    missing = client.get("/metrics", REMOTE_ADDR=OUTSIDE)
    loopback = client.get("/metrics")

    assert right.status_code == 200
    assert wrong.status_code == 401
    assert "token is wrong" in wrong.content.decode()
    assert wrong["WWW-Authenticate"] == 'Bearer realm="metrics"'
    assert wrong_from_loopback.status_code == 401
    assert missing.status_code == 401
    assert "METRICS_TOKEN" in missing.content.decode()
    assert loopback.status_code == 200


@pytest.mark.django_db
def test_the_allow_list_takes_networks_and_can_be_emptied(client, settings):
    settings.METRICS_ALLOW = ["10.0.0.0/8", "2001:db8::/32"]

    assert client.get("/metrics", REMOTE_ADDR="10.20.30.40").status_code == 200
    assert client.get("/metrics", REMOTE_ADDR="2001:db8::5").status_code == 200
    assert client.get("/metrics").status_code == 403  # the loopback is no longer listed

    settings.METRICS_ALLOW = []
    assert client.get("/metrics").status_code == 403


@pytest.mark.django_db
def test_metrics_answer_only_reads(client):
    assert client.post("/metrics").status_code == 405


# --- request latency -----------------------------------------------------------------------


@pytest.mark.django_db
def test_latency_is_labelled_by_url_pattern_not_address_nor_language(client):
    EventFactory(slug="seminar")
    EventFactory(slug="forum")
    route = {"route": "events/<slug:slug>/", "method": "GET"}
    before = scrape(client)

    client.get("/events/seminar/")
    client.get("/events/forum/")
    client.get("/ru/events/forum/")
    client.get("/events/no-such-event/")
    figures = scrape(client)

    def count(status):
        name = "confman_http_request_duration_seconds_count"
        labels = {**route, "status": status}
        return value(figures, name, **labels) - before.get((name, frozenset(labels.items())), 0)

    assert count("2xx") == 3
    assert count("4xx") == 1
    assert not any("seminar" in dict(labels).get("route", "") for _name, labels in figures)
    assert not any(dict(labels).get("route", "").startswith("ru/") for _name, labels in figures)


@pytest.mark.asyncio
@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("close_worker_connections")
async def test_api_requests_on_the_fast_path_are_timed_too():
    await database_sync_to_async(EventFactory)(slug="seminar")
    labels = {"route": "api/events/<slug>/tickets", "method": "GET", "status": "2xx"}
    before = await database_sync_to_async(scrape)(Client())

    communicator = HttpCommunicator(
        django_asgi_app, "GET", "/api/events/seminar/tickets", headers=[(b"host", b"127.0.0.1")]
    )
    answer = await communicator.get_response(timeout=10)
    await communicator.wait(10)
    after = await database_sync_to_async(scrape)(Client())

    assert answer["status"] == 200
    name = "confman_http_request_duration_seconds_count"
    key = (name, frozenset(labels.items()))
    assert after[key] - before.get(key, 0) == 1


# --- live sockets --------------------------------------------------------------------------


@pytest.mark.asyncio
@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("close_worker_connections")
async def test_live_watchers_count_the_sockets_open_in_this_process():
    await database_sync_to_async(EventFactory)(slug="seminar")
    sockets = []
    for _ in range(2):
        socket = _live_socket("seminar")
        assert (await socket.connect())[0]
        await socket.receive_json_from(timeout=5)  # the greeting: it watches from now on
        sockets.append(socket)

    open_two = await database_sync_to_async(scrape)(Client())
    await sockets[0].disconnect()
    open_one = await database_sync_to_async(scrape)(Client())
    await sockets[1].disconnect()

    assert value(open_two, "confman_live_watchers") == 2
    assert value(open_one, "confman_live_watchers") == 1


def _live_socket(slug: str) -> WebsocketCommunicator:
    return WebsocketCommunicator(
        application,
        f"/ws/events/{slug}/live/",
        headers=[(b"origin", b"http://127.0.0.1:8000")],
    )


# --- figures from the database -------------------------------------------------------------


@pytest.fixture
def today_event(db):
    """Happening now (two days, so that "today" holds in any zone): its desks are open."""
    today = timezone.now().date()
    return EventFactory(
        slug="seminar", timezone="UTC", start_date=today, end_date=today + dt.timedelta(days=1)
    )


@pytest.mark.django_db
def test_registrations_are_counted_by_state_over_events_not_archived(client, today_event):
    ticket = TicketTypeFactory(event=today_event, name="Delegate")
    RegistrationFactory.create_batch(2, ticket=ticket, state=State.CONFIRMED)
    RegistrationFactory(ticket=ticket, state=State.WAITLISTED)
    last_year = EventFactory(slug="last-year")
    RegistrationFactory.create_batch(3, ticket=TicketTypeFactory(event=last_year))
    Event.objects.filter(pk=last_year.pk).update(status=Event.Status.ARCHIVED)

    figures = scrape(client)

    assert value(figures, "confman_registrations", state="confirmed") == 2
    assert value(figures, "confman_registrations", state="waitlisted") == 1
    assert value(figures, "confman_registrations", state="refunded") == 0
    assert value(figures, "confman_metrics_database_up") == 1


@pytest.mark.django_db
def test_checkins_are_counted_by_type_and_answer(client, today_event):
    ticket = TicketTypeFactory(event=today_event, name="Delegate")
    badge = BadgeRegistrationFactory(ticket=ticket)
    checkin_scan(event=today_event, secret=badge.badge_secret, device="desk-1", by=None)
    checkin_scan(event=today_event, secret=badge.badge_secret, device="desk-2", by=None)
    checkin_scan(event=today_event, secret="not-a-badge", device="desk-1", by=None)
    checkin_scan(
        event=today_event,
        secret=badge.badge_secret,
        device="desk-1",
        by=None,
        type=ScanType.EXIT,
    )

    figures = scrape(client)

    assert value(figures, "confman_checkins", type="entry", result="ok") == 1
    assert value(figures, "confman_checkins", type="entry", result="already_checked_in") == 1
    assert value(figures, "confman_checkins", type="entry", result="unknown") == 1
    assert value(figures, "confman_checkins", type="exit", result="ok") == 1
    assert value(figures, "confman_checkins", type="exit", result="revoked") == 0


@pytest.mark.django_db
def test_task_queue_depth_and_the_age_of_the_oldest_waiting_task(client, today_event):
    registration = RegistrationFactory(ticket=TicketTypeFactory(event=today_event))
    first = send_state_mail.enqueue(registration.pk, "confirmed")
    send_state_mail.enqueue(registration.pk, "confirmed")
    later = timezone.now() + dt.timedelta(hours=1)
    send_state_mail.using(run_after=later).enqueue(registration.pk, "confirmed", 2)
    # The first has waited ten minutes; a retry that came due five minutes ago, since then.
    DBTaskResult.objects.filter(pk=first.id).update(
        enqueued_at=timezone.now() - dt.timedelta(minutes=10)
    )
    retry = send_state_mail.using(run_after=timezone.now() - dt.timedelta(minutes=5)).enqueue(
        registration.pk, "confirmed", 3
    )
    DBTaskResult.objects.filter(pk=retry.id).update(
        enqueued_at=timezone.now() - dt.timedelta(hours=2)
    )

    figures = scrape(client)

    assert value(figures, "confman_tasks", queue="default", state="waiting") == 3
    assert value(figures, "confman_tasks", queue="default", state="scheduled") == 1
    assert value(figures, "confman_tasks", queue="default", state="running") == 0
    age = value(figures, "confman_tasks_oldest_waiting_seconds", queue="default")
    assert 600 <= age < 660


@pytest.mark.django_db
def test_an_empty_queue_has_no_waiting_age(client):
    figures = scrape(client)

    assert value(figures, "confman_tasks", queue="default", state="waiting") == 0
    assert value(figures, "confman_tasks_oldest_waiting_seconds", queue="default") == 0


@pytest.mark.django_db(transaction=True)
def test_mail_failures_come_from_the_task_results_whichever_process_ran_them(
    client, settings, today_event
):
    settings.EMAIL_BACKEND = REFUSING_BACKEND
    registration = RegistrationFactory(ticket=TicketTypeFactory(event=today_event))
    send_state_mail.enqueue(registration.pk, "confirmed")  # refused: retried later
    send_state_mail.enqueue(registration.pk, "confirmed", 6)  # the last attempt: gives up
    Notice.objects.create(
        event=today_event,
        email="amina@example.org",
        first_sequence=1,
        last_sequence=1,
        status=NoticeStatus.FAILED,
        attempts=6,
    )

    call_command("db_worker", "--batch", "--no-startup-delay", verbosity=0)
    figures = scrape(client)

    assert value(figures, "confman_mail_failures", outcome="retried") == 1
    assert value(figures, "confman_mail_failures", outcome="gave_up") == 2  # the task, the notice
    assert value(figures, "confman_mail_failures", outcome="error") == 0


@pytest.mark.django_db(transaction=True)
def test_webhook_failures_count_deliveries_given_up_and_retrying(client, today_event):
    endpoint = WebhookEndpoint.objects.create(
        event=today_event,
        url="http://127.0.0.1:9/hooks",  # nothing listens: every attempt fails
        secret="whsec_" + "A" * 32,
        event_types=["registration.created"],
    )
    for n, until in enumerate((timezone.now() + dt.timedelta(days=3), timezone.now())):
        delivery = WebhookDelivery.objects.create(
            endpoint=endpoint,
            message_id=f"msg_metrics_{n}",
            event_type="registration.created",
            payload={},
            retry_until=until,
        )
        webhook_deliver.enqueue(delivery.pk)

    call_command("db_worker", "--batch", "--no-startup-delay", verbosity=0)
    figures = scrape(client)

    assert value(figures, "confman_webhook_failures", outcome="retrying") == 1
    assert value(figures, "confman_webhook_failures", outcome="gave_up") == 1


@pytest.mark.django_db
def test_without_the_database_the_process_figures_are_still_answered(client, unreachable_database):
    figures = scrape(client)

    assert value(figures, "confman_metrics_database_up") == 0
    assert ("confman_registrations", frozenset({("state", "confirmed")})) not in figures
    assert any(name == "confman_http_request_duration_seconds_count" for name, _ in figures)


def test_every_figure_says_what_it_counts(client, db):
    """The HELP text is what Prometheus and Grafana show beside a figure."""
    text = client.get("/metrics").content.decode()
    families = {family.name: family for family in text_string_to_metric_families(text)}

    for name in (
        "confman_http_request_duration_seconds",
        "confman_live_watchers",
        "confman_tasks",
        "confman_tasks_oldest_waiting_seconds",
        "confman_registrations",
        "confman_checkins",
        "confman_mail_failures",
        "confman_webhook_failures",
        "confman_metrics_database_up",
    ):
        assert len(families[name].documentation) > 30, name
    assert "per process" in families["confman_live_watchers"].documentation
    assert "per web process" in families["confman_http_request_duration_seconds"].documentation
