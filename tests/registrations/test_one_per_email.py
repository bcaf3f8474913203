"""One registration that stands per email address and event: a second attempt makes nothing,
says so, and sends the first one's link to that address (never to the screen). Through the real
task queue, outside a wrapping transaction, as the mail's on-commit hooks need."""

import datetime as dt
from collections import Counter

import pytest
from django.core import mail
from django.core.cache import cache
from django.core.management import call_command
from django.utils import timezone

from registrations.models import Registration, State
from registrations.services.registrations import (
    AlreadyRegistered,
    registration_cancel,
    registration_create,
)
from tests.factories.registrations import person, ticket
from tests.helpers import registration_body, run_in_threads

pytestmark = pytest.mark.django_db(transaction=True)

REGISTER = "/events/seminar/register/"
API = "/api/events/seminar/registrations"


@pytest.fixture(autouse=True)
def _no_earlier_link_mails():
    cache.clear()
    yield
    cache.clear()


def run_worker() -> None:
    call_command("db_worker", "--batch", "--no-startup-delay", verbosity=0)


def form(ticket, **fields):
    return {
        "choice": f"{ticket.pk}:online",
        "name": "Amina Yusuf",
        "email": "amina@example.org",
        "organization_name": "",
        "country": "KE",
        "consent": "on",
        **fields,
    }


def test_a_second_registration_with_the_same_address_in_any_case_is_refused(online):
    first = registration_create(ticket=online, mode="online", **person(email="amina@example.org"))

    with pytest.raises(AlreadyRegistered) as refused:
        registration_create(ticket=online, mode="online", **person(email="Amina@Example.ORG"))

    assert refused.value.status == 409
    assert refused.value.code == "already_registered"
    assert refused.value.existing == first
    assert refused.value.details == {}  # nothing of it for whoever typed the address
    assert Registration.objects.count() == 1


def test_cancelled_and_lapsed_registrations_do_not_count(event, online):
    cancelled = registration_create(ticket=online, mode="online", **person(email="a@example.org"))
    registration_cancel(registration=cancelled, by=None)
    paid = ticket(event, name="Paid", price=50, modes="online")
    lapsed = registration_create(ticket=paid, mode="online", **person(email="b@example.org"))
    assert lapsed.state == State.PENDING_PAYMENT
    Registration.objects.filter(pk=lapsed.pk).update(
        hold_expires_at=timezone.now() - dt.timedelta(minutes=1)
    )

    again = registration_create(ticket=online, mode="online", **person(email="a@example.org"))
    other = registration_create(ticket=online, mode="online", **person(email="b@example.org"))

    assert again.state == other.state == State.CONFIRMED


@pytest.mark.parametrize("state", [State.WAITLISTED, State.AWAITING_APPROVAL])
def test_waiting_registrations_count(event, state):
    waiting = ticket(event, name="Delegation", quota=0, requires_approval=True)
    first = registration_create(ticket=waiting, mode="in_person", **person(email="a@example.org"))
    Registration.objects.filter(pk=first.pk).update(state=state)

    with pytest.raises(AlreadyRegistered):
        registration_create(ticket=waiting, mode="in_person", **person(email="a@example.org"))


def test_the_same_address_may_register_for_another_event(online, event):
    from tests.factories import EventFactory

    registration_create(ticket=online, mode="online", **person(email="amina@example.org"))
    elsewhere = ticket(EventFactory(slug="elsewhere"), name="Online", modes="online")

    other = registration_create(
        ticket=elsewhere, mode="online", **person(email="amina@example.org")
    )

    assert other.state == State.CONFIRMED


def test_the_form_says_so_and_mails_the_link_without_showing_it(client, online):
    client.post(REGISTER, form(online))
    run_worker()
    first = Registration.objects.get()
    mail.outbox.clear()

    response = client.post(REGISTER, form(online, email="AMINA@example.org", name="Someone"))
    run_worker()

    page = response.content.decode()
    assert response.status_code == 422
    assert "This email address already has a registration for this event" in page
    assert first.reference not in page
    assert Registration.objects.count() == 1
    [message] = mail.outbox
    assert message.to == ["amina@example.org"]
    assert message.subject == "Your registration for Asia-Pacific Regional Seminar"
    assert "tried to register for Asia-Pacific Regional Seminar again" in message.body
    assert first.reference in message.body
    link = next(line for line in message.body.splitlines() if "/registration/" in line)
    assert client.get(link.replace("http://127.0.0.1:8000", "")).status_code == 200
    assert not message.attachments  # the badge and calendar came with the first mail
    html = message.alternatives[0][0]
    assert "tried to register for" in html and link in html


def test_repeated_attempts_send_one_link_mail_per_pause(client, online):
    client.post(REGISTER, form(online))
    run_worker()
    mail.outbox.clear()

    for _ in range(3):
        assert client.post(REGISTER, form(online)).status_code == 422
    run_worker()

    assert len(mail.outbox) == 1


def test_the_signed_in_owner_goes_straight_to_their_registration(client, online, outsider):
    client.force_login(outsider)
    client.post(REGISTER, form(online, email=outsider.email))
    first = Registration.objects.get()

    response = client.post(REGISTER, form(online, email=outsider.email))

    assert response.status_code == 302
    assert client.get(response["Location"]).status_code == 200
    assert first.reference in client.get(response["Location"]).content.decode()
    assert Registration.objects.count() == 1


def test_the_api_answers_409_and_mails_the_link(client, online):
    assert (
        client.post(API, registration_body(online), content_type="application/json").status_code
        == 201
    )
    run_worker()
    mail.outbox.clear()

    response = client.post(
        API, registration_body(online, name="Someone"), content_type="application/json"
    )
    run_worker()

    assert response.status_code == 409
    answer = response.json()
    assert answer["code"] == "already_registered"
    assert "details" not in answer
    [message] = mail.outbox
    assert Registration.objects.get().reference in message.body


def test_an_organiser_is_told_which_registration_it_is(client, online, organiser, bearer):
    first = registration_create(ticket=online, mode="online", **person(email="amina@example.org"))

    response = client.post(
        API, registration_body(online), content_type="application/json", headers=bearer(organiser)
    )

    assert response.status_code == 409
    assert response.json()["details"] == {"reference": first.reference}


def test_a_retry_with_the_same_idempotency_key_gets_the_first_answer_not_a_409(client, online):
    headers = {"Idempotency-Key": "3f1c9a0e-retry"}
    first = client.post(
        API, registration_body(online), content_type="application/json", headers=headers
    )
    retry = client.post(
        API, registration_body(online), content_type="application/json", headers=headers
    )

    assert first.status_code == retry.status_code == 201
    assert retry.json() == first.json()


def test_a_burst_with_one_address_makes_one_registration(postgresql_only, online):
    ticket_pk = online.pk

    def work(index):
        from registrations.models import TicketType

        mine = TicketType.objects.select_related("event", "quota").get(pk=ticket_pk)
        try:
            return registration_create(
                ticket=mine, mode="online", **person(email=f"SAME{index % 2}@example.org")
            ).state
        except AlreadyRegistered as refused:
            return refused.code

    results = run_in_threads(work, 20)

    assert Counter(results) == {State.CONFIRMED: 2, "already_registered": 18}
    assert Registration.objects.count() == 2
