"""POST /stripe/webhook/ as Stripe calls it: events signed for real with a test secret
(stripe.WebhookSignature), checked by stripe.Webhook.construct_event, recorded once by id, and
applied in any order and any number of times. Refunds and look-ups reach the real `stripe`
library, whose HTTP transport is a fake that answers like Stripe (stripe_fake.py).

Acceptance: a forged webhook changes nothing; a genuine one replayed five times confirms once."""

import datetime as dt
import json
import threading
import time
from decimal import Decimal

import pytest
from django.db import OperationalError, connection, transaction
from django.utils import timezone

from registrations.models import Payment, Registration, State, StripeEvent, Transition
from registrations.payments import webhook
from registrations.payments.checkout import checkout_start
from registrations.payments.refunds import registration_refund
from registrations.services.waitlist import CHECKOUT_GRACE, registration_expire
from tests.factories.registrations import registered, ticket
from tests.registrations.payments.stripe_fake import (
    signature,
    stripe_event,
)

pytestmark = pytest.mark.django_db

URL = "/stripe/webhook/"


@pytest.fixture
def seats(event):
    """A paid ticket with one seat."""
    return ticket(event, quota=1, name="Delegate", price=Decimal("120"), currency="EUR")


def post(client, payload: dict | str, header: str | None = "sign"):
    body = payload if isinstance(payload, str) else json.dumps(payload)
    headers = {}
    if header == "sign":
        headers["HTTP_STRIPE_SIGNATURE"] = signature(body)
    elif header is not None:
        headers["HTTP_STRIPE_SIGNATURE"] = header
    return client.post(URL, data=body, content_type="application/json", **headers)


def paying(seats) -> tuple[Registration, Payment]:
    """Someone registered and on Stripe's payment page."""
    registration = registered(seats)
    checkout_start(registration, success_url="https://x.test/ok", cancel_url="https://x")
    return registration, Payment.objects.get(registration=registration)


def expire_hold(registration) -> None:
    Registration.objects.filter(pk=registration.pk).update(
        hold_expires_at=timezone.now() - dt.timedelta(minutes=1)
    )


def reload(obj):
    return type(obj).objects.get(pk=obj.pk)


def history(registration) -> list[tuple[str, str]]:
    return [
        (t.from_state, t.to_state) for t in Transition.objects.filter(registration=registration)
    ]


def snapshot(registration) -> tuple:
    return (
        reload(registration).state,
        list(Payment.objects.values_list("status", "payment_intent_id")),
        StripeEvent.objects.count(),
        Transition.objects.count(),
    )


# --- signatures ---------------------------------------------------------------------------------


def test_a_forged_webhook_changes_nothing(client, fake, seats):
    registration, payment = paying(seats)
    body = json.dumps(
        stripe_event("checkout.session.completed", fake.complete(payment.checkout_session_id))
    )
    before = snapshot(registration)

    forged = post(client, body, signature(body, secret="whsec_someone_else"))
    unsigned = post(client, body, header=None)
    garbled = post(client, body, "t=abc,v1=def")
    tampered = post(
        client,
        body.replace(registration.reference, "SOMEONE2"),
        signature(body),  # signed for the other body
    )

    assert [r.status_code for r in (forged, unsigned, garbled, tampered)] == [400] * 4
    assert forged.json()["code"] == "bad_signature"
    assert snapshot(registration) == before
    assert reload(registration).state == State.PENDING_PAYMENT


def test_a_stale_signature_is_refused_within_the_300_second_tolerance(client, fake, seats):
    registration, payment = paying(seats)
    body = json.dumps(
        stripe_event("checkout.session.completed", fake.complete(payment.checkout_session_id))
    )

    stale = post(client, body, signature(body, timestamp=int(time.time()) - 301))
    assert stale.status_code == 400
    assert reload(registration).state == State.PENDING_PAYMENT

    recent = post(client, body, signature(body, timestamp=int(time.time()) - 200))
    assert recent.status_code == 200
    assert reload(registration).state == State.CONFIRMED


def test_a_signature_from_the_future_is_refused_beyond_the_tolerance(client, fake, seats):
    """stripe checks only that a signature is not too old: one dated an hour ahead would stay
    replayable for an hour and five minutes."""
    registration, payment = paying(seats)
    body = json.dumps(
        stripe_event("checkout.session.completed", fake.complete(payment.checkout_session_id))
    )
    before = snapshot(registration)

    ahead = post(client, body, signature(body, timestamp=int(time.time()) + 3600))
    assert (ahead.status_code, ahead.json()["code"]) == (400, "bad_signature")
    assert "future" in ahead.json()["detail"]
    assert snapshot(registration) == before

    skewed = post(client, body, signature(body, timestamp=int(time.time()) + 120))
    assert skewed.status_code == 200
    assert reload(registration).state == State.CONFIRMED


# --- what was paid ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("amount_total", "currency", "received"),
    [(1, "eur", ("0.01", "EUR")), (120, "jpy", ("120", "JPY")), (12000, "usd", ("120", "USD"))],
)
def test_a_session_paid_with_another_amount_or_currency_confirms_nothing_and_is_flagged(
    client, fake, seats, amount_total, currency, received
):
    registration, payment = paying(seats)
    session = {
        **fake.complete(payment.checkout_session_id),
        "amount_total": amount_total,
        "currency": currency,
    }

    first = post(client, stripe_event("checkout.session.completed", session))
    again = post(client, stripe_event("checkout.session.completed", session))

    assert (first.status_code, again.status_code) == (200, 200)
    assert reload(registration).state == State.PENDING_PAYMENT
    flagged = reload(payment)
    assert flagged.status == "mismatch"
    assert (flagged.received_amount, flagged.received_currency) == (
        Decimal(received[0]),
        received[1],
    )
    assert (flagged.amount, flagged.currency) == (Decimal("120"), "EUR")


def test_a_session_without_an_amount_confirms_nothing(client, fake, seats):
    registration, payment = paying(seats)
    session = fake.complete(payment.checkout_session_id)
    del session["amount_total"]

    assert post(client, stripe_event("checkout.session.completed", session)).status_code == 200

    assert reload(registration).state == State.PENDING_PAYMENT
    assert reload(payment).status == "mismatch"


def test_a_lost_payment_row_is_rebuilt_with_what_was_owed_not_what_was_paid(client, fake, seats):
    registration, payment = paying(seats)
    session = {**fake.complete(payment.checkout_session_id), "amount_total": 1}
    Payment.objects.all().delete()

    assert post(client, stripe_event("checkout.session.completed", session)).status_code == 200

    recovered = Payment.objects.get()
    assert (recovered.status, recovered.amount, recovered.received_amount) == (
        "mismatch",
        Decimal("120"),
        Decimal("0.01"),
    )
    assert reload(registration).state == State.PENDING_PAYMENT


def test_the_organisers_see_the_payments_that_need_their_attention(client, fake, seats, event):
    from events.models import TeamMember
    from tests.factories import TeamMemberFactory

    registration, payment = paying(seats)
    session = {**fake.complete(payment.checkout_session_id), "amount_total": 1}
    post(client, stripe_event("checkout.session.completed", session))
    organiser = TeamMemberFactory(event=event, role=TeamMember.Role.ORGANISER).user
    client.force_login(organiser)

    html = client.get(f"/events/{event.slug}/manage/registrations/").content.decode()

    assert "1 payment needs your attention" in html
    assert registration.reference in html
    assert "120 EUR asked, 0.01 EUR paid" in html


def test_without_a_webhook_secret_the_endpoint_says_it_is_not_set_up(client, settings):
    settings.STRIPE_WEBHOOK_SECRET = ""

    response = post(client, stripe_event("checkout.session.completed", {"id": "cs_x"}))

    assert response.status_code == 503
    assert "STRIPE_WEBHOOK_SECRET" in response.json()["detail"]
    assert not StripeEvent.objects.exists()


def test_only_post(client, fake):
    assert client.get(URL).status_code == 405


def test_a_signed_body_that_is_not_an_event_is_refused(client, fake):
    assert post(client, "[1, 2]").status_code == 400
    assert post(client, "not json").status_code == 400
    assert not StripeEvent.objects.exists()


# --- replays and duplicates ---------------------------------------------------------------------


def test_a_genuine_webhook_replayed_five_times_confirms_once(client, fake, seats):
    registration, payment = paying(seats)
    completed = stripe_event(
        "checkout.session.completed", fake.complete(payment.checkout_session_id)
    )

    answers = [post(client, completed) for _ in range(5)]

    assert [a.status_code for a in answers] == [200] * 5
    assert [a.json()["duplicate"] for a in answers] == [False, True, True, True, True]
    assert StripeEvent.objects.get().event_id == completed["id"]
    assert reload(registration).state == State.CONFIRMED
    assert history(registration) == [("", "pending_payment"), ("pending_payment", "confirmed")]
    payment = reload(payment)
    assert (payment.status, payment.payment_intent_id) == (
        "paid",
        "pi_for_" + payment.checkout_session_id,
    )
    assert payment.paid_at is not None


def test_the_same_news_under_new_event_ids_changes_nothing_more(client, fake, seats):
    registration, payment = paying(seats)
    session = fake.complete(payment.checkout_session_id)

    for _ in range(3):
        assert post(client, stripe_event("checkout.session.completed", session)).status_code == 200
    again = stripe_event("checkout.session.async_payment_succeeded", session)
    assert post(client, again).status_code == 200

    assert StripeEvent.objects.count() == 4
    assert history(registration)[-1] == ("pending_payment", "confirmed")
    assert len(history(registration)) == 2


def test_unknown_event_types_are_recorded_and_answered(client, fake):
    response = post(client, stripe_event("customer.created", {"id": "cus_1", "object": "customer"}))

    assert response.status_code == 200
    assert StripeEvent.objects.get().type == "customer.created"


def test_a_session_that_is_not_ours_is_answered_and_left_alone(client, fake, seats):
    registration, _payment = paying(seats)
    foreign = {
        "id": "cs_live_elsewhere",
        "object": "checkout.session",
        "status": "complete",
        "payment_status": "paid",
        "payment_intent": "pi_elsewhere",
        "client_reference_id": "NOTOURS1",
        "metadata": {},
    }

    response = post(client, stripe_event("checkout.session.completed", foreign))

    assert response.status_code == 200
    assert reload(registration).state == State.PENDING_PAYMENT
    assert Payment.objects.count() == 1


def test_a_session_whose_payment_row_was_never_written_is_still_honoured(client, fake, seats):
    registration, payment = paying(seats)
    session = fake.complete(payment.checkout_session_id)
    Payment.objects.all().delete()  # the request that opened it died after Stripe answered

    assert post(client, stripe_event("checkout.session.completed", session)).status_code == 200

    assert reload(registration).state == State.CONFIRMED
    recovered = Payment.objects.get()
    assert (recovered.checkout_session_id, recovered.amount, recovered.currency) == (
        session["id"],
        Decimal("120"),
        "EUR",
    )


# --- out of order -------------------------------------------------------------------------------


def test_a_refund_before_the_completion_ends_refunded_not_confirmed(client, fake, seats):
    registration, payment = paying(seats)
    session = fake.complete(payment.checkout_session_id)
    refunded = fake.charge_refunded(payment.checkout_session_id)

    first = post(client, stripe_event("charge.refunded", refunded))
    then = post(client, stripe_event("checkout.session.completed", session))

    assert (first.status_code, then.status_code) == (200, 200)
    # The refund named only its PaymentIntent; Stripe said which session that was.
    lookup = fake.calls_to("get", "/v1/checkout/sessions")
    assert lookup[0].params["payment_intent"] == session["payment_intent"]
    assert reload(registration).state == State.REFUNDED
    assert history(registration) == [("", "pending_payment"), ("pending_payment", "refunded")]
    payment = reload(payment)
    assert (payment.status, payment.payment_intent_id) == ("refunded", session["payment_intent"])
    assert fake.calls_to("post", "/v1/refunds") == []  # Stripe refunded it already


def test_a_refund_on_stripe_after_confirmation_refunds_the_registration(client, fake, seats):
    registration, payment = paying(seats)
    post(
        client,
        stripe_event("checkout.session.completed", fake.complete(payment.checkout_session_id)),
    )

    partial = post(
        client,
        stripe_event(
            "charge.refunded", fake.charge_refunded(payment.checkout_session_id, full=False)
        ),
    )
    assert partial.status_code == 200
    assert reload(registration).state == State.CONFIRMED

    full = stripe_event("charge.refunded", fake.charge_refunded(payment.checkout_session_id))
    assert post(client, full).status_code == 200
    assert post(client, stripe_event("charge.refunded", full["data"]["object"])).status_code == 200

    assert reload(registration).state == State.REFUNDED
    assert history(registration)[-1] == ("confirmed", "refunded")
    assert Transition.objects.filter(registration=registration, to_state="refunded").count() == 1
    assert Transition.objects.get(to_state="refunded").reason == "refunded on Stripe"
    assert reload(payment).status == "refunded"


def test_an_organisers_refund_and_stripes_echo_of_it_refund_once(client, fake, seats, organiser):
    registration, payment = paying(seats)
    post(
        client,
        stripe_event("checkout.session.completed", fake.complete(payment.checkout_session_id)),
    )

    registration_refund(registration, by=organiser, reason="delegation withdrawn")
    echo = {
        "id": "ch_1",
        "object": "charge",
        "payment_intent": reload(payment).payment_intent_id,
        "refunded": True,
    }
    assert post(client, stripe_event("charge.refunded", echo)).status_code == 200

    assert len(fake.calls_to("post", "/v1/refunds")) == 1
    assert Transition.objects.filter(registration=registration, to_state="refunded").count() == 1


def test_a_second_payment_for_a_confirmed_registration_is_refunded(client, fake, seats):
    registration, first = paying(seats)
    fake.expire(first.checkout_session_id)
    checkout_start(registration, success_url="https://x.test/ok", cancel_url="https://x")
    second = Payment.objects.exclude(pk=first.pk).get()
    # Paid in two browser tabs: the first session's payment reached Stripe just before it ended.
    fake.sessions[first.checkout_session_id]["status"] = "open"
    post(
        client, stripe_event("checkout.session.completed", fake.complete(first.checkout_session_id))
    )

    post(
        client,
        stripe_event("checkout.session.completed", fake.complete(second.checkout_session_id)),
    )

    [refund] = fake.calls_to("post", "/v1/refunds")
    assert refund.idempotency_key == f"refund-{second.pk}"
    assert reload(registration).state == State.CONFIRMED
    assert [reload(first).status, reload(second).status] == ["paid", "refunded"]


# --- payments after the hold ran out ------------------------------------------------------------


def test_a_late_payment_takes_a_seat_that_is_still_free(client, fake, seats):
    roomy = ticket(seats.event, quota=5, price=Decimal("120"))
    registration, payment = paying(roomy)
    expire_hold(registration)

    post(
        client,
        stripe_event("checkout.session.completed", fake.complete(payment.checkout_session_id)),
    )

    assert reload(registration).state == State.CONFIRMED
    assert (
        "seat was still free" in Transition.objects.filter(registration=registration).last().reason
    )
    assert fake.calls_to("post", "/v1/refunds") == []


def test_a_late_payment_with_no_seat_left_is_refunded_through_stripe(client, fake, seats):
    registration, payment = paying(seats)
    expire_hold(registration)
    newcomer = registered(seats)  # took the seat the lapsed hold freed
    assert newcomer.state == State.PENDING_PAYMENT
    completed = stripe_event(
        "checkout.session.completed", fake.complete(payment.checkout_session_id)
    )

    for _ in range(3):
        assert post(client, completed).status_code == 200

    [refund] = fake.calls_to("post", "/v1/refunds")
    assert refund.idempotency_key == f"refund-{payment.pk}"
    assert refund.params["payment_intent"] == f"pi_for_{payment.checkout_session_id}"
    assert refund.params["metadata[registration]"] == registration.reference
    payment = reload(payment)
    assert payment.status == "refunded"
    assert payment.refund_id.startswith("re_test_")
    assert reload(registration).state == State.REFUNDED
    last = Transition.objects.filter(registration=registration).last()
    assert (last.from_state, last.to_state) == ("pending_payment", "refunded")
    assert "no seat was left" in last.reason
    assert reload(newcomer).state == State.PENDING_PAYMENT


def test_stripe_down_during_an_automatic_refund_is_a_503_and_nothing_is_lost(client, fake, seats):
    registration, payment = paying(seats)
    expire_hold(registration)
    registered(seats)
    completed = stripe_event(
        "checkout.session.completed", fake.complete(payment.checkout_session_id)
    )
    before = snapshot(registration)

    fake.down = True
    response = post(client, completed)

    assert response.status_code == 503
    assert snapshot(registration) == before  # not even the event id: Stripe sends it again

    fake.down = False
    assert post(client, completed).status_code == 200
    assert reload(registration).state == State.REFUNDED
    refunds = fake.calls_to("post", "/v1/refunds")
    assert {c.idempotency_key for c in refunds} == {f"refund-{payment.pk}"}
    assert len(fake.refunds) == 1


# --- expired and failed checkouts ---------------------------------------------------------------


def test_an_expired_checkout_cancels_the_registration_once_its_hold_is_over(client, fake, seats):
    registration, payment = paying(seats)
    expire_hold(registration)

    response = post(
        client, stripe_event("checkout.session.expired", fake.expire(payment.checkout_session_id))
    )

    assert response.status_code == 200
    assert reload(payment).status == "expired"
    assert reload(registration).state == State.CANCELLED
    assert Transition.objects.filter(registration=registration).last().reason == "checkout expired"


def test_an_expired_checkout_leaves_a_running_hold_alone(client, fake, seats):
    registration, payment = paying(seats)

    post(client, stripe_event("checkout.session.expired", fake.expire(payment.checkout_session_id)))

    assert reload(payment).status == "expired"
    assert reload(registration).state == State.PENDING_PAYMENT


def test_an_expiry_after_the_payment_changes_nothing(client, fake, seats):
    registration, payment = paying(seats)
    session = fake.complete(payment.checkout_session_id)
    post(client, stripe_event("checkout.session.completed", session))
    expire_hold(registration)

    post(client, stripe_event("checkout.session.expired", session))

    assert reload(registration).state == State.CONFIRMED
    assert reload(payment).status == "paid"


def test_a_failed_bank_debit_keeps_the_hold_and_a_later_success_confirms(client, fake, seats):
    registration, payment = paying(seats)
    session_id = payment.checkout_session_id
    post(client, stripe_event("checkout.session.completed", fake.complete(session_id, paid=False)))
    assert reload(registration).state == State.PENDING_PAYMENT

    post(
        client,
        stripe_event("checkout.session.async_payment_failed", fake.settle(session_id, paid=False)),
    )
    assert reload(payment).status == "failed"
    assert reload(registration).state == State.PENDING_PAYMENT

    # Out of order: a success reported for the same session confirms all the same.
    post(
        client,
        stripe_event(
            "checkout.session.async_payment_succeeded", fake.settle(session_id, paid=True)
        ),
    )
    assert reload(registration).state == State.CONFIRMED
    assert reload(payment).status == "paid"


# --- the database locked or down ----------------------------------------------------------------


def test_a_database_error_is_a_503_and_the_retry_succeeds(client, fake, seats):
    registration, payment = paying(seats)
    completed = stripe_event(
        "checkout.session.completed", fake.complete(payment.checkout_session_id)
    )
    before = snapshot(registration)

    def locked(execute, sql, params, many, context):
        if "registrations_stripeevent" in sql and sql.lstrip().upper().startswith("INSERT"):
            raise OperationalError("database is locked")
        return execute(sql, params, many, context)

    with connection.execute_wrapper(locked):
        response = post(client, completed)

    assert response.status_code == 503
    assert snapshot(registration) == before
    assert post(client, completed).status_code == 200
    assert reload(registration).state == State.CONFIRMED


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("postgresql_only")
def test_a_registration_locked_too_long_is_a_503_on_postgresql(client, fake, seats, monkeypatch):
    monkeypatch.setattr(webhook, "LOCK_TIMEOUT", "300ms")
    registration, payment = paying(seats)
    completed = stripe_event(
        "checkout.session.completed", fake.complete(payment.checkout_session_id)
    )
    locked, release = threading.Event(), threading.Event()

    def hold_the_row():
        try:
            with transaction.atomic():
                Registration.objects.select_for_update().get(pk=registration.pk)
                locked.set()
                release.wait(10)
        finally:
            connection.close()

    holder = threading.Thread(target=hold_the_row)
    holder.start()
    try:
        assert locked.wait(10)
        response = post(client, completed)
    finally:
        release.set()
        holder.join(10)

    assert response.status_code == 503
    assert not StripeEvent.objects.exists()
    assert reload(registration).state == State.PENDING_PAYMENT
    assert post(client, completed).status_code == 200
    assert reload(registration).state == State.CONFIRMED


# --- with the rest of the registration life ------------------------------------------------------


def test_a_refund_on_stripe_offers_the_seat_to_the_waiting_list(client, fake, seats):
    registration, payment = paying(seats)
    post(
        client,
        stripe_event("checkout.session.completed", fake.complete(payment.checkout_session_id)),
    )
    waiting = registered(seats)
    assert waiting.state == State.WAITLISTED

    refunded = fake.charge_refunded(payment.checkout_session_id)
    assert post(client, stripe_event("charge.refunded", refunded)).status_code == 200

    assert reload(registration).state == State.REFUNDED
    assert reload(waiting).state == State.OFFERED


def test_a_hold_with_an_open_checkout_waits_for_stripe_and_the_late_payment_confirms(
    client, fake, seats
):
    registration, payment = paying(seats)
    expire_hold(registration)
    # The attendee is still on Stripe's page: the deadline task leaves the seat alone.
    assert registration_expire(registration.pk, State.PENDING_PAYMENT) == "checkout open"

    completed = fake.complete(payment.checkout_session_id)
    assert post(client, stripe_event("checkout.session.completed", completed)).status_code == 200

    assert reload(registration).state == State.CONFIRMED
    assert not fake.calls_to("post", "/v1/refunds")


def test_a_payment_after_the_hold_deadline_cancelled_the_registration_is_refunded(
    client, fake, seats
):
    registration, payment = paying(seats)
    expire_hold(registration)
    # A day later Stripe has still said nothing: the seat goes back.
    Registration.objects.filter(pk=registration.pk).update(
        hold_expires_at=timezone.now() - CHECKOUT_GRACE - dt.timedelta(minutes=1)
    )
    assert registration_expire(registration.pk, State.PENDING_PAYMENT) == "expired"

    completed = fake.complete(payment.checkout_session_id)
    assert post(client, stripe_event("checkout.session.completed", completed)).status_code == 200

    assert reload(registration).state == State.REFUNDED
    assert [c.idempotency_key for c in fake.calls_to("post", "/v1/refunds")] == [
        f"refund-{payment.pk}"
    ]
    last = Transition.objects.filter(registration=registration).last()
    assert (last.from_state, last.to_state) == ("cancelled", "refunded")
    assert "after the registration was cancelled" in last.reason
