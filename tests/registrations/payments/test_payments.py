"""Paying for a ticket: opening a Stripe Checkout Session, amounts in minor units, refunds,
the attendee's pay and return pages, and what happens with no Stripe keys. The real `stripe`
library runs; only its HTTP transport is a fake that answers like Stripe (stripe_fake.py)."""

import datetime as dt
import time
from decimal import Decimal

import pytest
from django.utils import timezone

from confman.core.exceptions import DomainError, PermissionDenied
from registrations.links import magic_token
from registrations.models import Payment, Registration, State, Transition
from registrations.payments.checkout import checkout_start
from registrations.payments.client import PaymentsUnavailable
from registrations.payments.refunds import refund_allowed, registration_refund
from registrations.payments.webhook import stripe_event_apply
from tests.factories.registrations import registered, ticket
from tests.helpers import state_of

pytestmark = pytest.mark.django_db

BACK = "https://confman.example.org/back"


def checkout(registration) -> str:
    return checkout_start(
        registration, success_url=BACK + "?session_id={CHECKOUT_SESSION_ID}", cancel_url=BACK
    )


def paid_and_confirmed(fake, registration) -> Payment:
    checkout(registration)
    payment = Payment.objects.get(registration=registration)
    session = fake.complete(payment.checkout_session_id)
    stripe_event_apply({"type": "checkout.session.completed", "data": {"object": session}})
    assert state_of(registration) == State.CONFIRMED
    return Payment.objects.get(pk=payment.pk)


# --- opening a Checkout Session -----------------------------------------------------------------


def test_checkout_session_asks_stripe_for_the_ticket_and_records_the_payment(fake, paid_ticket):
    registration = registered(paid_ticket, email="amina@example.org")

    url = checkout(registration)

    [call] = fake.calls_to("post", "/v1/checkout/sessions")
    sent = call.params
    assert sent["mode"] == "payment"
    assert sent["line_items[0][quantity]"] == "1"
    assert sent["line_items[0][price_data][currency]"] == "eur"
    assert sent["line_items[0][price_data][unit_amount]"] == "12000"
    assert "Delegate" in sent["line_items[0][price_data][product_data][name]"]
    assert sent["customer_email"] == "amina@example.org"
    assert sent["client_reference_id"] == registration.reference
    assert sent["metadata[registration]"] == registration.reference
    assert sent["metadata[event]"] == "seminar"
    assert sent["success_url"] == BACK + "?session_id={CHECKOUT_SESSION_ID}"
    hold = int(registration.hold_expires_at.timestamp())
    assert call.idempotency_key.startswith(f"checkout-{registration.pk}-{hold}-")
    # Stripe wants at least 30 minutes; the 30-minute hold has already begun.
    assert int(sent["expires_at"]) >= time.time() + 30 * 60
    payment = Payment.objects.get(registration=registration)
    assert url == f"https://checkout.stripe.com/c/pay/{payment.checkout_session_id}"
    assert (payment.status, payment.amount, payment.currency) == ("open", Decimal("120"), "EUR")


def test_a_long_hold_is_the_sessions_end(fake, event):
    long_hold = ticket(event, price=Decimal("50"), currency="USD", hold_minutes=120)
    registration = registered(long_hold)

    checkout(registration)

    expires_at = int(fake.calls_to("post", "/v1/checkout/sessions")[0].params["expires_at"])
    assert 0 <= expires_at - registration.hold_expires_at.timestamp() < 60


def test_coming_back_to_pay_continues_the_open_session(fake, paid_ticket):
    registration = registered(paid_ticket)

    first = checkout(registration)
    second = checkout(registration)

    assert first == second
    assert len(fake.calls_to("post", "/v1/checkout/sessions")) == 1
    assert Payment.objects.filter(registration=registration).count() == 1


def test_an_expired_session_is_replaced_by_a_new_one(fake, paid_ticket):
    registration = registered(paid_ticket)
    first = checkout(registration)
    fake.expire(Payment.objects.get().checkout_session_id)

    second = checkout(registration)

    assert second != first
    assert sorted(Payment.objects.values_list("status", flat=True)) == ["expired", "open"]


def test_the_same_request_twice_opens_one_session_through_the_idempotency_key(fake, paid_ticket):
    registration = registered(paid_ticket)
    checkout(registration)
    Payment.objects.all().delete()  # as if the first answer never reached the database

    checkout(registration)

    first, second = fake.calls_to("post", "/v1/checkout/sessions")
    assert first.idempotency_key == second.idempotency_key
    assert len(fake.sessions) == 1
    assert Payment.objects.count() == 1


@pytest.mark.parametrize(
    ("price", "currency", "sent"),
    [
        (Decimal("5000"), "JPY", "5000"),
        (Decimal("30000"), "KRW", "30000"),
        (Decimal("12.50"), "EUR", "1250"),
        (Decimal("1.25"), "KWD", "1250"),
        (Decimal("900"), "ISK", "90000"),
    ],
)
def test_amounts_go_in_the_currencys_smallest_unit(fake, event, price, currency, sent):
    registration = registered(ticket(event, price=price, currency=currency))

    checkout(registration)

    params = fake.calls_to("post", "/v1/checkout/sessions")[0].params
    assert params["line_items[0][price_data][unit_amount]"] == sent
    assert params["line_items[0][price_data][currency]"] == currency.lower()


def test_a_fraction_of_a_yen_is_refused_with_a_clear_message(fake, event):
    registration = registered(ticket(event, price=Decimal("5000.50"), currency="JPY"))

    with pytest.raises(DomainError) as caught:
        checkout(registration)

    assert caught.value.code == "price_not_payable"
    assert "JPY" in caught.value.message
    assert fake.calls == []


def test_without_stripe_keys_paid_tickets_say_payments_are_not_set_up(no_stripe, paid_ticket):
    registration = registered(paid_ticket)

    with pytest.raises(DomainError) as caught:
        checkout(registration)

    assert (caught.value.status, caught.value.code) == (409, "payments_not_set_up")
    assert "Payments are not set up for this installation" in caught.value.message
    assert "contact the organisers" in caught.value.message
    assert not Payment.objects.exists()


def test_without_stripe_keys_free_tickets_still_confirm(no_stripe, event):
    free = ticket(event, price=Decimal("0"))

    assert registered(free).state == State.CONFIRMED


def test_an_expired_hold_cannot_be_paid(fake, paid_ticket):
    registration = registered(paid_ticket)
    Registration.objects.filter(pk=registration.pk).update(
        hold_expires_at=timezone.now() - dt.timedelta(minutes=1)
    )

    with pytest.raises(DomainError) as caught:
        checkout(registration)

    assert caught.value.code == "hold_expired"
    assert "Register again" in caught.value.message
    assert fake.calls == []


def test_a_confirmed_registration_has_nothing_to_pay(fake, event):
    registration = registered(ticket(event, price=Decimal("0")))

    with pytest.raises(DomainError) as caught:
        checkout(registration)

    assert caught.value.code == "already_confirmed"


def test_stripe_unreachable_is_a_try_again(fake, paid_ticket):
    registration = registered(paid_ticket)
    fake.down = True

    with pytest.raises(PaymentsUnavailable) as caught:
        checkout(registration)

    assert caught.value.status == 503
    assert not Payment.objects.exists()


# --- refunds ------------------------------------------------------------------------------------


def test_an_organiser_refunds_through_stripe_with_an_idempotency_key(fake, paid_ticket, organiser):
    registration = registered(paid_ticket)
    payment = paid_and_confirmed(fake, registration)

    registration_refund(registration, by=organiser, reason="Visa refused")
    registration_refund(registration, by=organiser, reason="clicked twice")

    [call] = fake.calls_to("post", "/v1/refunds")
    assert call.idempotency_key == f"refund-{payment.pk}"
    assert call.params["payment_intent"] == payment.payment_intent_id
    payment.refresh_from_db()
    assert payment.status == "refunded"
    assert payment.refund_id.startswith("re_test_")
    assert state_of(registration) == State.REFUNDED
    last = Transition.objects.filter(registration=registration).last()
    assert (last.from_state, last.to_state, last.actor, last.reason) == (
        "confirmed",
        "refunded",
        organiser,
        "Visa refused",
    )


def test_a_refund_already_made_on_stripe_is_recorded_not_repeated(fake, paid_ticket, organiser):
    registration = registered(paid_ticket)
    payment = paid_and_confirmed(fake, registration)
    fake.charge_refunded(payment.checkout_session_id)  # refunded in the dashboard meanwhile

    registration_refund(registration, by=organiser)

    assert state_of(registration) == State.REFUNDED
    assert Payment.objects.get(pk=payment.pk).status == "refunded"


def test_only_organisers_refund(fake, paid_ticket, outsider):
    registration = registered(paid_ticket)
    paid_and_confirmed(fake, registration)

    with pytest.raises(PermissionDenied):
        registration_refund(registration, by=outsider)

    assert fake.calls_to("post", "/v1/refunds") == []


def test_a_free_registration_has_nothing_to_refund(fake, event, organiser):
    registration = registered(ticket(event, price=Decimal("0")))

    with pytest.raises(DomainError) as caught:
        registration_refund(registration, by=organiser)

    assert caught.value.code == "nothing_to_refund"


def test_attendees_refund_themselves_only_within_the_tickets_policy(fake, event):
    refundable = ticket(
        event,
        price=Decimal("80"),
        refundable_until=timezone.now() + dt.timedelta(days=7),
    )
    lapsed = ticket(
        event, price=Decimal("80"), refundable_until=timezone.now() - dt.timedelta(days=1)
    )
    never = ticket(event, price=Decimal("80"))
    early, late, strict = (registered(t) for t in (refundable, lapsed, never))
    for registration in (early, late, strict):
        paid_and_confirmed(fake, registration)
        registration.refresh_from_db()

    assert [refund_allowed(r) for r in (early, late, strict)] == [True, False, False]
    with pytest.raises(DomainError) as caught:
        registration_refund(late, by=None)
    assert caught.value.code == "refund_not_allowed"

    registration_refund(early, by=None, reason="cancelled by the attendee")

    assert state_of(early) == State.REFUNDED
    assert state_of(late) == State.CONFIRMED
    assert Transition.objects.filter(registration=early).last().actor is None


def test_refund_allowed_needs_a_payment(fake, event):
    free = ticket(event, price=Decimal("0"), refundable_until=timezone.now() + dt.timedelta(1))

    assert refund_allowed(registered(free)) is False


# --- async payments (bank debits) ---------------------------------------------------------------


def test_a_bank_debit_confirms_when_it_clears_and_keeps_the_hold_when_it_fails(fake, paid_ticket):
    registration = registered(paid_ticket)
    checkout(registration)
    payment = Payment.objects.get()
    session_id = payment.checkout_session_id

    started = fake.complete(session_id, paid=False)
    stripe_event_apply({"type": "checkout.session.completed", "data": {"object": started}})
    assert state_of(registration) == State.PENDING_PAYMENT
    assert Payment.objects.get().payment_intent_id == f"pi_for_{session_id}"

    failed = fake.settle(session_id, paid=False)
    stripe_event_apply(
        {"type": "checkout.session.async_payment_failed", "data": {"object": failed}}
    )
    assert Payment.objects.get().status == "failed"
    assert state_of(registration) == State.PENDING_PAYMENT


def test_a_cleared_bank_debit_confirms(fake, paid_ticket):
    registration = registered(paid_ticket)
    checkout(registration)
    session_id = Payment.objects.get().checkout_session_id
    fake.complete(session_id, paid=False)

    cleared = fake.settle(session_id, paid=True)
    stripe_event_apply(
        {"type": "checkout.session.async_payment_succeeded", "data": {"object": cleared}}
    )

    assert state_of(registration) == State.CONFIRMED
    assert Payment.objects.get().status == "paid"


# --- the attendee's pages -----------------------------------------------------------------------


def pages(registration) -> tuple[str, str]:
    token = magic_token(registration)
    base = f"/events/{registration.event.slug}/registration/{token}"
    return f"{base}/pay/", f"{base}/paid/"


def test_the_payment_page_offers_to_pay_and_pay_sends_to_stripe(client, fake, paid_ticket):
    registration = registered(paid_ticket)
    pay, paid = pages(registration)

    page = client.get(paid)
    html = page.content.decode()
    assert page.status_code == 200
    assert "Your seat is held until" in html
    assert "Pay 120 EUR with Stripe" in html
    assert f'action="{pay}"' in html

    response = client.post(pay)

    payment = Payment.objects.get()
    assert response.status_code == 303
    assert (
        response["Location"] == f"https://checkout.stripe.com/c/pay/{payment.checkout_session_id}"
    )
    sent = fake.calls_to("post", "/v1/checkout/sessions")[0].params
    assert sent["success_url"] == f"http://testserver{paid}?session_id={{CHECKOUT_SESSION_ID}}"
    assert sent["cancel_url"] == f"http://testserver{paid}?cancelled=1"


def test_coming_back_from_stripe_paid_shows_the_confirmation(client, fake, paid_ticket):
    registration = registered(paid_ticket)
    pay, paid = pages(registration)
    client.post(pay)
    session_id = Payment.objects.get().checkout_session_id
    fake.complete(session_id)  # paid on Stripe; the webhook has not arrived yet

    html = client.get(f"{paid}?session_id={session_id}").content.decode()

    assert "Payment received: your place is confirmed." in html
    assert state_of(registration) == State.CONFIRMED
    assert Transition.objects.filter(registration=registration, to_state="confirmed").count() == 1


def test_coming_back_before_stripe_can_say_shows_confirming(client, fake, paid_ticket):
    registration = registered(paid_ticket)
    pay, paid = pages(registration)
    client.post(pay)
    session_id = Payment.objects.get().checkout_session_id
    fake.complete(session_id)
    fake.down = True

    html = client.get(f"{paid}?session_id={session_id}").content.decode()

    assert "Payment received; we are confirming your place." in html
    assert '<meta http-equiv="refresh" content="5">' in html
    assert state_of(registration) == State.PENDING_PAYMENT


def test_a_bank_debit_in_progress_says_so(client, fake, paid_ticket):
    registration = registered(paid_ticket)
    pay, paid = pages(registration)
    client.post(pay)
    session_id = Payment.objects.get().checkout_session_id
    fake.complete(session_id, paid=False)

    html = client.get(f"{paid}?session_id={session_id}").content.decode()

    assert "Your bank is processing the payment." in html


def test_leaving_stripe_without_paying_offers_to_pay_again(client, fake, paid_ticket):
    registration = registered(paid_ticket)
    pay, paid = pages(registration)
    client.post(pay)

    html = client.get(f"{paid}?cancelled=1").content.decode()

    assert "You left the payment page without paying." in html
    assert "Pay 120 EUR with Stripe" in html


def test_the_payment_page_after_the_hold_expired(client, fake, paid_ticket):
    registration = registered(paid_ticket)
    Registration.objects.filter(pk=registration.pk).update(
        hold_expires_at=timezone.now() - dt.timedelta(minutes=5)
    )
    pay, paid = pages(registration)

    html = client.get(paid).content.decode()
    response = client.post(pay)

    assert "The seat hold expired at" in html
    assert "refund your payment automatically" in html
    assert "Pay 120 EUR" not in html
    assert response.status_code == 303
    assert response["Location"] == paid
    assert fake.calls == []


def test_the_payment_page_of_a_refunded_registration_says_why(client, fake, paid_ticket, organiser):
    registration = registered(paid_ticket)
    paid_and_confirmed(fake, registration)
    registration_refund(registration, by=organiser, reason="the workshop was cancelled")

    html = client.get(pages(registration)[1]).content.decode()

    assert "Your payment has been refunded." in html
    assert "Why: <bdi>the workshop was cancelled</bdi>." in html


def test_without_stripe_keys_the_pages_say_payments_are_not_set_up(client, no_stripe, paid_ticket):
    registration = registered(paid_ticket)
    pay, paid = pages(registration)

    html = client.get(paid).content.decode()
    response = client.post(pay)

    assert "Payments are not set up for this installation." in html
    assert "Pay 120 EUR" not in html
    assert response.status_code == 409
    assert "Payments are not set up for this installation" in response.content.decode()


def test_pay_needs_the_registrations_own_link(client, fake, paid_ticket):
    registration = registered(paid_ticket)
    pay, _paid = pages(registration)

    assert client.post(pay.replace("/seminar/", "/other-event/")).status_code == 404
    assert client.post(pay.replace("/registration/", "/registration/x")).status_code == 404
    assert fake.calls == []
