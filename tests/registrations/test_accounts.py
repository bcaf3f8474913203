"""A participant's own place without a password: their private link signs the browser in to an
account made for the registration (so bookmarks, "my agenda" and the calendar work), and a link
mailed to their address (single use, short-lived) signs them in to the address's account,
joining every registration made with it. Through the real task queue, outside a wrapping
transaction, as the mail's on-commit hooks need."""

import re
import time
from unittest import mock

import pytest
from django.contrib.auth.models import User
from django.core import mail
from django.core.cache import cache
from django.core.management import call_command

from registrations import links
from registrations.models import Registration
from registrations.services.registrations import registration_create
from registrations.services.tickets import ticket_create
from sessions.models import Bookmark
from sessions.services.programme import programme_publish
from tests.factories import EventFactory, UserFactory
from tests.factories.registrations import person
from tests.factories.sessions import SessionFactory

pytestmark = pytest.mark.django_db(transaction=True)

EMAIL_LINK = "/accounts/email-link/"


@pytest.fixture(autouse=True)
def _fresh_limits():
    cache.clear()
    yield
    cache.clear()


def run_worker() -> None:
    call_command("db_worker", "--batch", "--no-startup-delay", verbosity=0)


def online_ticket(event):
    return ticket_create(event=event, by=None, name="Online", modes="online", quota=None)


def register(event, email="amina@example.org", **fields):
    """A registration, its confirmation mail sent and out of the way."""
    registration = registration_create(
        ticket=event.ticket_types.get(name="Online"),
        mode="online",
        **person(email=email, name="Amina Yusuf", **fields),
    )
    run_worker()
    mail.outbox.clear()
    return registration


def private_page(registration) -> str:
    return f"/events/{registration.event.slug}/registration/{links.magic_token(registration)}/"


@pytest.fixture
def seminar(event):
    online_ticket(event)
    session = SessionFactory(event=event, title="Opening panel")
    programme_publish(event=event, by=None)
    return session


def test_the_private_link_signs_in_to_the_registrations_own_account(client, event, seminar):
    registration = register(event)

    page = client.get(private_page(registration)).content.decode()

    registration.refresh_from_db()
    account = registration.user
    assert account is not None and not account.has_usable_password()
    assert client.session["_auth_user_id"] == str(account.pk)
    assert "Your agenda is empty" in page
    assert "Sign out (<bdi>amina@example.org</bdi>)" in page
    assert "Subscribe in your calendar app" in page


def test_a_registrant_bookmarks_without_a_password(client, event, seminar):
    registration = register(event)
    client.get(private_page(registration))

    client.post(f"/events/seminar/sessions/{seminar.pk}/bookmark/")

    registration.refresh_from_db()
    assert Bookmark.objects.get().user == registration.user
    assert "1 session is on your agenda." in client.get(private_page(registration)).content.decode()
    assert "Opening panel" in client.get("/events/seminar/my-agenda/").content.decode()


def test_the_link_never_signs_in_to_an_account_with_a_password(client, event, seminar):
    owner = UserFactory(username="amina", email="amina@example.org")
    registration = registration_create(
        ticket=event.ticket_types.get(name="Online"), mode="online", by=owner, **person()
    )

    client.get(private_page(registration))

    assert "_auth_user_id" not in client.session


def test_the_link_does_not_replace_an_account_the_browser_is_signed_in_to(
    client, event, seminar, organiser
):
    registration = register(event)
    client.force_login(organiser)

    page = client.get(private_page(registration)).content.decode()

    assert client.session["_auth_user_id"] == str(organiser.pk)
    assert "signed in to another account" in page


def ask_for_link(client, email) -> str:
    response = client.post(EMAIL_LINK, {"email": email})
    assert response.status_code == 200
    return response.content.decode()


def mailed_link(message) -> str:
    return re.search(r"https?://[^/\s]+(/\S*accounts/email-link/\S+)", message.body).group(1)


def test_the_answer_is_the_same_for_known_and_unknown_addresses(client, event, seminar):
    register(event)

    known = ask_for_link(client, "Amina@example.org")
    unknown = ask_for_link(client, "nobody@example.org")
    run_worker()

    def same(page, email):
        return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", page).replace(email, "X")

    assert same(known, "Amina@example.org") == same(unknown, "nobody@example.org")
    [message] = mail.outbox
    assert message.to == ["amina@example.org"]
    assert message.subject == "Your sign-in link"


def test_the_mailed_link_signs_in_once_and_joins_every_registration(client, event, seminar):
    elsewhere = EventFactory(slug="elsewhere")
    online_ticket(elsewhere)
    here = register(event)
    there = register(elsewhere, email="AMINA@example.org")
    # On her phone she opened her first link and bookmarked a session; on her laptop, the
    # second link: two accounts without a password, one for each registration.
    phone, laptop = client.__class__(), client.__class__()
    phone.get(private_page(here))
    phone.post(f"/events/seminar/sessions/{seminar.pk}/bookmark/")
    laptop.get(private_page(there))
    assert User.objects.filter(username__startswith="participant-").count() == 2
    ask_for_link(client, "amina@example.org")
    run_worker()
    path = mailed_link(mail.outbox[-1])

    shown = client.get(path)
    assert "_auth_user_id" not in client.session  # a GET (a mail scanner) signs nobody in
    assert "Sign in as" in shown.content.decode()
    signed_in = client.post(path, follow=True)
    again = client.post(path)

    page = signed_in.content.decode()
    account = User.objects.get(pk=client.session["_auth_user_id"])
    assert "1 registration made with your address is now with your account." in page
    assert "Asia-Pacific Regional Seminar" in page and here.reference in page
    assert set(Registration.objects.values_list("user", flat=True)) == {account.pk}
    assert Bookmark.objects.get().user == account  # the phone's account was folded into it
    assert User.objects.filter(username__startswith="participant-").count() == 1
    assert again.status_code == 410
    assert there.reference in client.get("/accounts/registrations/").content.decode()


def test_an_account_with_a_password_takes_in_its_addresss_registrations(client, event, seminar):
    owner = UserFactory(username="amina", email="amina@example.org")
    registration = register(event)
    client.get(private_page(registration))  # a participant account, for now
    client.logout()
    ask_for_link(client, "amina@example.org")
    run_worker()

    client.post(mailed_link(mail.outbox[-1]))

    registration.refresh_from_db()
    assert registration.user == owner
    assert client.session["_auth_user_id"] == str(owner.pk)
    assert not User.objects.filter(username__startswith="participant-").exists()


def test_an_old_link_is_refused(client, event, seminar):
    register(event)
    ask_for_link(client, "amina@example.org")
    user = User.objects.get(email="amina@example.org")
    an_hour_ago = time.time() - 3600
    with mock.patch("django.core.signing.time.time", return_value=an_hour_ago):
        token = links.sign_in_token(user)

    response = client.get(f"/accounts/email-link/{token}/")

    assert response.status_code == 410
    assert "A sign-in link works once, for 30 minutes" in response.content.decode()


def test_one_mail_a_minute_per_address(client, event, seminar):
    register(event)

    ask_for_link(client, "amina@example.org")
    ask_for_link(client, "amina@example.org")
    run_worker()

    assert len(mail.outbox) == 1


def test_the_mail_and_pages_speak_the_registrants_language(client, event, seminar):
    register(event)

    page = client.post("/ru/accounts/email-link/", {"email": "amina@example.org"})
    run_worker()

    assert "<h1>Проверьте почту</h1>" in page.content.decode()
    [message] = mail.outbox
    assert "/ru/accounts/email-link/" in message.body
