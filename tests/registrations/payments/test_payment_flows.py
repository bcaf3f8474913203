"""Payments seen from the pages and the API: the form sends a paid registration to payment,
organisers refund from the list and the API, attendees cancel with a refund in time."""

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from registrations import links
from registrations.mail import build_message
from registrations.models import Payment, Registration, State
from registrations.payments.checkout import checkout_start
from registrations.payments.refunds import registration_refund
from registrations.payments.webhook import stripe_event_apply
from tests.factories.registrations import registered, ticket

pytestmark = pytest.mark.django_db


def confirmed_by_payment(fake, registration) -> Registration:
    checkout_start(registration, success_url="https://x/ok", cancel_url="https://x/no")
    payment = Payment.objects.get(registration=registration)
    session = fake.complete(payment.checkout_session_id)
    stripe_event_apply({"type": "checkout.session.completed", "data": {"object": session}})
    return Registration.objects.get(pk=registration.pk)


def test_the_form_sends_a_paid_registration_to_its_payment_page(client, fake, paid_ticket):
    response = client.post(
        "/events/seminar/register/",
        {
            "choice": f"{paid_ticket.pk}:in_person",
            "name": "Amina Yusuf",
            "email": "amina@example.org",
            "country": "KE",
            "consent": "on",
        },
    )

    registration = Registration.objects.get()
    assert registration.state == State.PENDING_PAYMENT
    # The token is signed with a timestamp: read it back rather than sign again a second later.
    assert response["Location"].startswith("/events/seminar/registration/")
    assert response["Location"].endswith("/paid/")
    token = response["Location"].removeprefix("/events/seminar/registration/").split("/")[0]
    assert links.registration_for_token(token) == registration


def test_the_attendee_page_offers_to_pay_while_the_seat_is_held(client, fake, paid_ticket):
    registration = registered(paid_ticket)

    page = client.get(f"/events/seminar/registration/{links.magic_token(registration)}/")

    assert "Pay 120.00 EUR" in page.content.decode()


def test_organiser_refunds_from_the_list(client, fake, paid_ticket, organiser):
    registration = confirmed_by_payment(fake, registered(paid_ticket))
    client.force_login(organiser)

    response = client.post(
        f"/events/seminar/manage/registrations/{registration.pk}/refund/",
        {"reason": "visa refused"},
        follow=True,
    )

    assert "is refunded" in response.content.decode()
    assert Registration.objects.get(pk=registration.pk).state == State.REFUNDED
    assert len(fake.calls_to("post", "/v1/refunds")) == 1


def test_organiser_refunds_through_the_api(client, fake, paid_ticket, organiser, bearer):
    registration = confirmed_by_payment(fake, registered(paid_ticket))

    response = client.post(
        f"/api/events/seminar/registrations/{registration.reference}/refund",
        {"reason": "duplicate"},
        content_type="application/json",
        headers=bearer(organiser),
    )

    assert response.status_code == 200, response.content
    assert response.json()["state"] == "refunded"


def test_refunding_a_free_registration_is_a_clear_409(client, event, organiser, bearer, fake):
    free = registered(ticket(event, name="Free"))

    response = client.post(
        f"/api/events/seminar/registrations/{free.reference}/refund",
        {},
        content_type="application/json",
        headers=bearer(organiser),
    )

    assert response.status_code == 409
    assert response.json()["detail"]


def test_attendee_cancels_with_a_refund_before_the_deadline(client, fake, event):
    refundable = ticket(
        event,
        name="Flexible",
        price=Decimal("80.00"),
        refundable_until=timezone.now() + dt.timedelta(days=7),
    )
    registration = confirmed_by_payment(fake, registered(refundable))
    mine = f"/events/seminar/registration/{links.magic_token(registration)}/"

    assert "Yes, cancel my registration and refund me" in client.get(mine).content.decode()
    response = client.post(mine + "cancel/", follow=True)

    assert "your payment refunded" in response.content.decode()
    assert Registration.objects.get(pk=registration.pk).state == State.REFUNDED


def test_the_refund_mail_says_why(fake, paid_ticket, organiser):
    registration = confirmed_by_payment(fake, registered(paid_ticket))
    registration_refund(registration, by=organiser, reason="the event moved online")

    message = build_message(Registration.objects.get(pk=registration.pk))

    assert "Why: the event moved online" in message.body


def test_without_stripe_paid_tickets_say_so_and_free_ones_work(client, no_stripe, paid_ticket):
    free = ticket(paid_ticket.event, name="Online", modes="online")

    page = client.get("/events/seminar/register/").content.decode()
    refused = client.post(
        "/events/seminar/register/",
        {
            "choice": f"{paid_ticket.pk}:in_person",
            "name": "Amina Yusuf",
            "email": "amina@example.org",
            "country": "KE",
            "consent": "on",
        },
    )
    accepted = client.post(
        "/events/seminar/register/",
        {
            "choice": f"{free.pk}:online",
            "name": "Amina Yusuf",
            "email": "amina@example.org",
            "country": "KE",
            "consent": "on",
        },
    )

    assert "not on sale here: payments are not set up" in page
    assert refused.status_code == 422
    assert "Card payments are not set up" in refused.content.decode()
    assert accepted.status_code == 302
    assert Registration.objects.get().ticket == free


def test_without_stripe_the_api_refuses_paid_tickets_clearly(client, no_stripe, paid_ticket):
    response = client.post(
        "/api/events/seminar/registrations",
        {
            "ticket_id": paid_ticket.pk,
            "mode": "in_person",
            "name": "Ivan",
            "email": "ivan@example.org",
            "country": "RU",
            "consent": True,
        },
        content_type="application/json",
    )

    assert response.status_code == 409
    assert response.json()["code"] == "payments_not_set_up"
