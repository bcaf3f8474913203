"""Capacity under concurrent registrations on PostgreSQL: never one seat too many, every loser
gets a clean "sold out" or a waiting-list place, and a quota lock held too long turns into a
"try again" (503) instead of a hanging request.

Only PostgreSQL runs these (SQLite serialises every writer anyway); the CI runs the suite a
second time with DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres."""

import threading
import time
from collections import Counter
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.db import connection, transaction

from events.models import AttendanceMode
from registrations.models import Quota, Registration, State, TicketType, Transition
from registrations.services import quotas
from registrations.services.quotas import SoldOut, TryAgain, quota_for_mode
from registrations.services.registrations import registration_approve, registration_create
from registrations.services.tickets import quota_set
from tests.factories import EventFactory, TeamMemberFactory
from tests.factories.registrations import person, ticket
from tests.helpers import run_in_threads

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("postgresql_only")]

IN_PERSON = AttendanceMode.IN_PERSON


@pytest.fixture
def busy_event():
    return EventFactory(slug="busy")


def outcome(result) -> str:
    if isinstance(result, Registration):
        return result.state
    if isinstance(result, SoldOut):
        return "sold_out"
    return repr(result)  # anything else fails the comparison and shows what it was


def registering(ticket_pks: list[int], *, waitlist: bool):
    """work(index): register person `index` for ticket_pks[index % len], from fresh objects."""

    def work(index):
        mine = TicketType.objects.select_related("event", "quota").get(
            pk=ticket_pks[index % len(ticket_pks)]
        )
        return registration_create(
            ticket=mine,
            mode=IN_PERSON,
            waitlist=waitlist,
            **person(name=f"Racer {index}", email=f"racer{index}@example.org"),
        )

    return work


@pytest.mark.parametrize(
    ("price", "seat_state"),
    [(Decimal("0"), State.CONFIRMED), (Decimal("25"), State.PENDING_PAYMENT)],
)
def test_fifty_for_ten_seats_without_waiting_list(busy_event, price, seat_state):
    sold = ticket(busy_event, quota=10, price=price)

    results = run_in_threads(registering([sold.pk], waitlist=False), 50)

    assert Counter(map(outcome, results)) == {seat_state: 10, "sold_out": 40}
    assert all(r.status == 409 and r.code == "sold_out" for r in results if isinstance(r, SoldOut))
    assert Registration.objects.count() == 10
    assert Registration.objects.filter(state=seat_state).count() == 10
    assert Transition.objects.count() == 10
    # The in-person mode quota was created by the first of them, once.
    assert Quota.objects.filter(event=busy_event, ticket=None).count() == 1


def test_fifty_for_ten_seats_with_waiting_list(busy_event):
    sold = ticket(busy_event, quota=10)

    results = run_in_threads(registering([sold.pk], waitlist=True), 50)

    assert Counter(map(outcome, results)) == {State.CONFIRMED: 10, State.WAITLISTED: 40}
    states = Counter(Registration.objects.values_list("state", flat=True))
    assert states == {State.CONFIRMED: 10, State.WAITLISTED: 40}
    assert Transition.objects.count() == 50


@pytest.mark.parametrize("waitlist", [False, True])
def test_two_tickets_sharing_a_mode_quota_of_ten(busy_event, waitlist):
    quota_set(quota=quota_for_mode(busy_event, IN_PERSON), by=None, size=10)
    delegate = ticket(busy_event, name="Delegate")
    speaker = ticket(busy_event, name="Speaker", quota=100)

    results = run_in_threads(registering([delegate.pk, speaker.pk], waitlist=waitlist), 50)

    lost = State.WAITLISTED if waitlist else "sold_out"
    assert Counter(map(outcome, results)) == {State.CONFIRMED: 10, lost: 40}
    assert Registration.objects.filter(state=State.CONFIRMED).count() == 10
    assert Registration.objects.filter(mode=IN_PERSON, state=State.CONFIRMED).count() == 10


def test_concurrent_approvals_take_only_the_free_seats(busy_event):
    organiser_pk = TeamMemberFactory(event=busy_event, role="organiser").user.pk
    delegation = ticket(busy_event, quota=5, requires_approval=True)
    waiting = [
        registration_create(ticket=delegation, mode=IN_PERSON, **person()).pk for _ in range(20)
    ]

    def work(index):
        by = get_user_model().objects.get(pk=organiser_pk)
        return registration_approve(registration=Registration.objects.get(pk=waiting[index]), by=by)

    results = run_in_threads(work, 20)

    assert Counter(map(outcome, results)) == {State.CONFIRMED: 5, State.WAITLISTED: 15}
    assert Registration.objects.filter(state=State.CONFIRMED).count() == 5


@pytest.mark.parametrize("held", ["ticket", "mode"])
def test_a_quota_locked_too_long_answers_try_again(busy_event, monkeypatch, held):
    sold = ticket(busy_event, quota=10)
    locked = (sold.quota if held == "ticket" else quota_for_mode(busy_event, IN_PERSON)).pk
    monkeypatch.setattr(quotas, "LOCK_TIMEOUT", "200ms")
    holding, release = threading.Event(), threading.Event()
    errors = []

    def hold():
        try:
            with transaction.atomic():
                list(Quota.objects.select_for_update().filter(pk=locked))
                holding.set()
                release.wait(timeout=10)
        except Exception as exc:
            errors.append(exc)
        finally:
            connection.close()

    holder = threading.Thread(target=hold)
    holder.start()
    try:
        assert holding.wait(timeout=10)
        started = time.monotonic()
        with pytest.raises(TryAgain) as busy:
            registration_create(ticket=sold, mode=IN_PERSON, **person())
        waited = time.monotonic() - started
    finally:
        release.set()
        holder.join(timeout=30)

    assert errors == []
    assert (busy.value.status, busy.value.code) == (503, "busy_try_again")
    assert waited < 2
    assert not Registration.objects.exists()
    # Once the lock is gone, the same registration goes through...
    assert registration_create(ticket=sold, mode=IN_PERSON, **person()).state == State.CONFIRMED
    # ...and the timeout was for its transaction only, not for the connection.
    with connection.cursor() as cursor:
        cursor.execute("SHOW lock_timeout")
        assert cursor.fetchone()[0] == "0"


def test_a_burst_on_a_full_ticket_with_seats_freed_meanwhile_ends_without_an_error(busy_event):
    """Joining the waiting list offers free seats to it; cancelling frees a seat and offers it
    too. Both lock waiting registrations and quotas: taken in different orders they deadlocked
    (4 of 200 joins answered 503). Every such write now takes the event's seat lock first."""
    from registrations.services.registrations import registration_cancel

    sold = ticket(busy_event, quota=10)
    confirmed = [
        registration_create(ticket=sold, mode=IN_PERSON, **person(email=f"in{i}@example.org")).pk
        for i in range(10)
    ]
    for i in range(5):
        registration_create(ticket=sold, mode=IN_PERSON, **person(email=f"early{i}@example.org"))
    joins = registering([sold.pk], waitlist=True)

    def work(index):
        if index % 6 == 0:  # 10 of the 60 give their seat back while 50 join
            registration = Registration.objects.get(pk=confirmed[index // 6])
            return registration_cancel(registration=registration, by=None, reason="cannot come")
        return joins(index)

    results = run_in_threads(work, 60)

    assert [r for r in results if not isinstance(r, Registration)] == []
    states = Counter(Registration.objects.values_list("state", flat=True))
    # Ten seats, each held once: offered to someone waiting, or taken by someone who found
    # nobody waiting at that instant.
    assert states[State.CANCELLED] == 10 and states[State.WAITLISTED] == 45
    assert states[State.OFFERED] + states[State.CONFIRMED] == 10
    # Those who waited first were offered the first seats freed.
    offered = Registration.objects.filter(state=State.OFFERED)
    assert {r.email for r in offered} >= {f"early{i}@example.org" for i in range(5)}


def test_retries_sent_at_once_with_one_idempotency_key_register_once(busy_event):
    """A client that timed out and retried, several times, before the first answer came: one
    registration, and every answer is the first one."""
    import json

    from django.test import Client

    seats = ticket(busy_event, quota=10)
    payload = json.dumps(
        {
            "ticket_id": seats.pk,
            "mode": "in_person",
            "name": "Ivan Petrov",
            "email": "ivan@example.org",
            "country": "RU",
            "organization_name": "Moscow State University",
            "consent": True,
        }
    )

    def work(index):
        response = Client().post(
            "/api/events/busy/registrations",
            payload,
            content_type="application/json",
            headers={"Idempotency-Key": "retry-storm-1"},
        )
        return response.status_code, response.json()

    results = run_in_threads(work, 10)

    assert {status for status, _ in results} == {201}
    assert len({body["reference"] for _, body in results}) == 1
    assert Registration.objects.count() == 1
