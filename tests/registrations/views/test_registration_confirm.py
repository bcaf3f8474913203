"""The list's steps that cannot be undone (reject, cancel, refund) ask first: the list links to a
page that says what will happen to this person, and only that page's button (a CSRF-protected
POST to the step) does it, then goes back to the list as it was. Without JavaScript."""

import re
from decimal import Decimal
from html import unescape

import pytest
from django.test import Client

from registrations.models import Payment, PaymentStatus, Registration, State, Transition
from registrations.services.registrations import registration_cancel
from tests.factories import EventFactory
from tests.factories.registrations import RegistrationFactory, registered, ticket
from tests.helpers import messages_left

pytestmark = pytest.mark.django_db

LIST = "/events/seminar/manage/registrations/"


def confirm_url(registration, step: str) -> str:
    return f"{LIST}{registration.pk}/{step}/confirm/"


def step_url(registration, step: str) -> str:
    return f"{LIST}{registration.pk}/{step}/"


def text_of(response) -> str:
    """The page's words, tags left out and spaces made single."""
    assert response.status_code == 200, response.content[:800]
    html = response.content.decode()
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", html)).split())


def paid(registration, amount="120.00", currency="EUR") -> Payment:
    return Payment.objects.create(
        registration=registration,
        checkout_session_id=f"cs_test_{registration.pk}",
        payment_intent_id=f"pi_test_{registration.pk}",
        amount=Decimal(amount),
        currency=currency,
        status=PaymentStatus.PAID,
    )


@pytest.fixture
def hall(event):
    """In-person seats, one left after the first registration."""
    return ticket(event, quota=1, name="Hall", modes="in_person")


@pytest.fixture
def stripe_set_up(settings):
    settings.STRIPE_SECRET_KEY = "sk_test_confirm"


# --- the list only links -----------------------------------------------------------------------


def test_the_list_links_to_the_question_and_posts_no_destructive_step(client, organiser, event):
    delegate = ticket(event, name="Delegate", modes="in_person", requires_approval=True)
    waiting = registered(delegate, name="Omar Haddad")
    confirmed = registered(ticket(event, name="General", modes="online"), name="Amina Yusuf")
    client.force_login(organiser)
    url = f"{LIST}?state=confirmed&q=amina"

    html = client.get(f"{LIST}?q=a").content.decode()
    filtered = client.get(url).content.decode()

    for registration, step in ((waiting, "reject"), (confirmed, "cancel")):
        assert f'href="{confirm_url(registration, step)}?next=' in html
        assert f'action="{step_url(registration, step)}"' not in html
    # Approving is undone by cancelling: it stays one click.
    assert f'action="{step_url(waiting, "approve")}"' in html
    # The link carries the list as it is, its search and filters.
    assert (
        f"{confirm_url(confirmed, 'cancel')}"
        '?next=/events/seminar/manage/registrations/%3Fstate%3Dconfirmed%26q%3Damina"'
    ) in filtered


# --- cancel -------------------------------------------------------------------------------------


def test_cancelling_asks_first_and_says_what_happens(client, organiser, hall):
    confirmed = registered(hall, name="Amina Yusuf", email="amina@example.org")
    client.force_login(organiser)
    back = f"{LIST}?state=confirmed&page=1"

    response = client.get(confirm_url(confirmed, "cancel"), {"next": back})

    page = text_of(response)
    assert "Cancel the registration of Amina Yusuf?" in page
    assert (
        "Amina Yusuf gets an email at amina@example.org saying that their registration is "
        "cancelled, with the reason you give below." in page
    )
    assert "Their badge stops working at check-in." in page
    assert (
        "Their seat is freed. Nobody is on the waiting list, so the next person to register can "
        "take it." in page
    )
    assert "This cannot be undone: to come back, they would have to register again." in page
    assert "refund" not in page.lower()  # a free ticket: no money to speak of
    html = response.content.decode()
    assert f'<form method="post" action="{step_url(confirmed, "cancel")}"' in html
    assert f'<input type="hidden" name="next" value="{back.replace("&", "&amp;")}">' in html
    assert (
        f'href="{back.replace("&", "&amp;")}#registration-{confirmed.pk}">No, keep it</a>' in html
    )
    assert "Without one, the email says “cancelled by the organisers”." in page
    # Asking changed nothing.
    confirmed.refresh_from_db()
    assert confirmed.state == State.CONFIRMED


def test_the_freed_seat_is_said_to_go_to_the_first_person_waiting(client, organiser, hall):
    confirmed = registered(hall, name="Amina Yusuf")
    first, _second = registered(hall), registered(hall)
    assert first.state == State.WAITLISTED
    client.force_login(organiser)

    page = text_of(client.get(confirm_url(confirmed, "cancel")))

    assert (
        "Their seat is freed. 2 people are waiting for “Hall” (in person): the first of them is "
        "offered it by email and has 48 hours to accept." in page
    )


def test_the_yes_button_cancels_and_goes_back_to_the_list_as_it_was(client, organiser, hall):
    confirmed = registered(hall, name="Amina Yusuf")
    waiting = registered(hall)
    client.force_login(organiser)
    back = f"{LIST}?state=confirmed"
    html = client.get(confirm_url(confirmed, "cancel"), {"next": back}).content.decode()
    action = re.search(r'<form method="post" action="([^"]+/cancel/)"', html).group(1)
    next_ = unescape(re.search(r'name="next" value="([^"]+)"', html).group(1))

    response = client.post(action, {"next": next_, "reason": "Asked by phone"}, follow=True)

    assert response.redirect_chain == [(back, 302)]
    assert f"Amina Yusuf ({confirmed.reference}) is cancelled." in response.content.decode()
    confirmed.refresh_from_db()
    assert confirmed.state == State.CANCELLED
    last = Transition.objects.filter(registration=confirmed).last()
    assert (last.reason, last.actor) == ("Asked by phone", organiser)
    waiting.refresh_from_db()
    assert waiting.state == State.OFFERED  # as the page said
    # Posting again (a double click, a reload) changes nothing and says so.
    again = client.post(action, {"next": next_})
    assert messages_left(again) == [
        f"Amina Yusuf ({confirmed.reference}) is already cancelled; nothing changed."
    ]


def test_a_paid_registration_is_told_that_cancelling_keeps_the_money(
    client, organiser, event, stripe_set_up
):
    paying = ticket(event, name="Delegate", price=Decimal("120.00"), currency="EUR")
    registration = RegistrationFactory(ticket=paying, state=State.CONFIRMED, name="Li Wei")
    paid(registration)
    client.force_login(organiser)

    page = text_of(client.get(confirm_url(registration, "cancel")))

    assert (
        "Their payment of 120.00 EUR is not refunded. To refund it, use Refund instead, now or "
        "later: the list keeps offering it." in page
    )


def test_a_cancelled_registration_has_nothing_to_cancel(client, organiser, online):
    registration = registered(online, name="Amina Yusuf")
    registration_cancel(registration=registration, by=None)
    client.force_login(organiser)

    response = client.get(confirm_url(registration, "cancel"))

    page = text_of(response)
    assert (
        f"Amina Yusuf ({registration.reference}) is already cancelled; there is nothing to do."
        in page
    )
    main = response.content.decode().split("<main", 1)[1].split("</main>", 1)[0]
    assert "<form" not in main


# --- reject -------------------------------------------------------------------------------------


def test_rejecting_asks_first(client, organiser, event):
    delegate = ticket(event, name="Delegate", modes="in_person", requires_approval=True)
    waiting = registered(delegate, name="Omar Haddad", email="omar@example.org")
    client.force_login(organiser)

    response = client.get(confirm_url(waiting, "reject"))

    page = text_of(response)
    assert "Reject the registration of Omar Haddad?" in page
    assert (
        "Omar Haddad gets an email at omar@example.org saying that their registration is "
        "cancelled, with the reason you give below." in page
    )
    assert "They hold no seat, so nobody else's place changes." in page
    assert "Without one, the email says “rejected”." in page
    assert "Yes, reject it" in page and "No, keep it waiting" in page
    assert f'action="{step_url(waiting, "reject")}"' in response.content.decode()


def test_a_confirmed_registration_cannot_be_rejected(client, organiser, online):
    confirmed = registered(online)
    client.force_login(organiser)

    response = client.get(confirm_url(confirmed, "reject"))

    assert "Only a registration awaiting approval can be rejected; cancel it instead." in text_of(
        response
    )
    assert "Yes, reject it" not in response.content.decode()


# --- refund -------------------------------------------------------------------------------------


def test_refunding_asks_first_and_says_how_much(client, organiser, event, stripe_set_up):
    paying = ticket(event, name="Delegate", price=Decimal("120.00"), currency="EUR", quota=5)
    registration = RegistrationFactory(
        ticket=paying,
        state=State.CONFIRMED,
        name="Li Wei",
        email="li@example.org",
        badge_secret="b" * 32,
    )
    paid(registration)
    client.force_login(organiser)

    page = text_of(client.get(confirm_url(registration, "refund")))

    assert "Refund Li Wei?" in page
    assert (
        "Their payment of 120.00 EUR is refunded in full through Stripe; it reaches their "
        "account within a few days, depending on their bank." in page
    )
    assert (
        "Li Wei gets an email at li@example.org saying that their payment is refunded, with the "
        "reason you give below." in page
    )
    assert "Their registration ends: it is marked refunded." in page
    assert "Their badge stops working at check-in." in page
    assert "Yes, refund 120.00 EUR" in page


def test_a_cancelled_paid_registration_can_still_be_refunded(
    client, organiser, event, stripe_set_up
):
    paying = ticket(event, name="Delegate", price=Decimal("50.00"), currency="USD")
    registration = RegistrationFactory(ticket=paying, state=State.CANCELLED)
    paid(registration, amount="50.00", currency="USD")
    client.force_login(organiser)

    list_html = client.get(LIST).content.decode()
    page = text_of(client.get(confirm_url(registration, "refund")))

    assert f'href="{confirm_url(registration, "refund")}?next=' in list_html
    assert "Their registration is cancelled already; it is marked refunded." in page
    assert "Their seat" not in page


@pytest.mark.parametrize(
    ("setup", "refusal"),
    [
        ("nothing paid", "This registration has no payment to refund; cancel it instead."),
        ("no stripe", "Card payments are not set up here, so nothing can be refunded from confman"),
        ("refunded", "is already refunded; there is nothing to do."),
    ],
)
def test_refunding_what_cannot_be_refunded_says_why(
    client, organiser, event, settings, setup, refusal
):
    settings.STRIPE_SECRET_KEY = "" if setup == "no stripe" else "sk_test_confirm"
    paying = ticket(event, name="Delegate", price=Decimal("50.00"), currency="USD")
    state = State.REFUNDED if setup == "refunded" else State.CONFIRMED
    registration = RegistrationFactory(ticket=paying, state=state)
    if setup != "nothing paid":
        paid(registration, amount="50.00", currency="USD")
    client.force_login(organiser)

    response = client.get(confirm_url(registration, "refund"))

    assert refusal in text_of(response)
    assert "Yes, refund" not in response.content.decode()


def test_the_list_offers_refund_only_where_money_was_paid(client, organiser, event):
    paying = ticket(event, name="Delegate", price=Decimal("50.00"), currency="USD")
    with_money = RegistrationFactory(ticket=paying, state=State.CONFIRMED)
    paid(with_money, amount="50.00", currency="USD")
    lapsed = RegistrationFactory(ticket=paying, state=State.CANCELLED)  # a hold never paid
    client.force_login(organiser)

    html = client.get(LIST).content.decode()

    assert confirm_url(with_money, "refund") in html
    assert confirm_url(lapsed, "refund") not in html


# --- who may ask, and where back leads -----------------------------------------------------------


@pytest.mark.parametrize("step", ["cancel", "reject", "refund"])
def test_only_organisers_are_asked(client, event, online, checkin_staff, outsider, step):
    registration = registered(online)
    url = confirm_url(registration, step)

    anonymous = client.get(url)
    client.force_login(checkin_staff)
    staff = client.get(url)
    client.force_login(outsider)
    stranger = client.get(url)

    assert anonymous.status_code == 302 and "/accounts/login/" in anonymous["Location"]
    assert staff.status_code == 403
    assert stranger.status_code == 403


def test_the_question_is_a_page_not_a_step(client, organiser, online):
    registration = registered(online)
    client.force_login(organiser)

    assert client.post(confirm_url(registration, "cancel")).status_code == 405
    registration.refresh_from_db()
    assert registration.state == State.CONFIRMED


def test_a_registration_of_another_event_is_not_found(client, organiser):
    theirs = registered(ticket(EventFactory(slug="other"), name="X", modes="online"))
    client.force_login(organiser)

    assert client.get(confirm_url(theirs, "cancel")).status_code == 404


@pytest.mark.parametrize(
    "target", ["https://evil.example/phish", "//evil.example/", "javascript:alert(1)"]
)
def test_back_stays_on_this_site(client, organiser, online, target):
    registration = registered(online)
    client.force_login(organiser)

    html = client.get(confirm_url(registration, "cancel"), {"next": target}).content.decode()
    main = html.split("<main", 1)[1].split("</main>", 1)[0]

    assert "evil.example" not in main and "javascript:" not in main
    assert f'<input type="hidden" name="next" value="{LIST}">' in html


def test_the_step_needs_the_csrf_token(organiser, online):
    registration = registered(online)
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(organiser)

    refused = browser.post(step_url(registration, "cancel"), {"next": LIST})
    page = browser.get(confirm_url(registration, "cancel")).content.decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    done = browser.post(
        step_url(registration, "cancel"), {"next": LIST, "csrfmiddlewaretoken": token}
    )

    assert refused.status_code == 403
    assert done.status_code == 302
    assert Registration.objects.get(pk=registration.pk).state == State.CANCELLED
