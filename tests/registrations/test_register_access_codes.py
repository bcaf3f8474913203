"""Access codes as people type them from an invitation: the right code in any case (spaces around
it left out) opens its hidden ticket on the form, in the API and when registering; a wrong one is
said to be wrong, next to the box that keeps what was typed, and in the API with a 422; a right
code whose ticket is not on sale says so. Nothing tells of hidden tickets the code does not open.
And registering twice with one address, in another case, says what to do."""

import datetime as dt
import re
from html import unescape

import pytest
from django.core.cache import cache
from django.utils import timezone

from registrations.models import Registration, State
from registrations.services.registrations import registration_create
from registrations.services.tickets import ticket_create
from tests.factories.registrations import person

pytestmark = pytest.mark.django_db

REGISTER = "/events/seminar/register/"
TICKETS = "/api/events/seminar/tickets"
API = "/api/events/seminar/registrations"
WRONG = "No ticket uses this access code. Check it against your invitation"


@pytest.fixture(autouse=True)
def _no_earlier_link_mails():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def partner(event):
    return ticket_create(
        event=event,
        by=None,
        name="Partner delegation",
        modes="in_person",
        visibility="code",
        access_code="IIOE-2026",
    )


def text_of(response) -> str:
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", response.content.decode())).split())


def form(ticket, mode="in_person", **fields):
    return {
        "choice": f"{ticket.pk}:{mode}",
        "name": "Amina Yusuf",
        "email": "amina@example.org",
        "organization_name": "",
        "country": "KE",
        "consent": "on",
        **fields,
    }


# --- the form -----------------------------------------------------------------------------------


@pytest.mark.parametrize("typed", ["IIOE-2026", "iioe-2026", "  Iioe-2026 "])
def test_the_right_code_in_any_case_shows_its_ticket(client, online, partner, typed):
    response = client.get(REGISTER, {"code": typed})

    page = text_of(response)
    assert response.status_code == 200
    assert "Partner delegation, in person: free" in page
    assert "Code accepted: the tickets it opens are in the list below." in page
    assert WRONG not in page


def test_registering_with_the_code_in_another_case(client, online, partner):
    response = client.post(REGISTER, form(partner, access_code="iioe-2026"))

    assert response.status_code == 302, text_of(response)[:2000]
    registration = Registration.objects.get()
    assert (registration.ticket, registration.state) == (partner, State.CONFIRMED)


def test_a_wrong_code_is_said_next_to_its_box_which_keeps_it(client, online, partner):
    response = client.get(REGISTER, {"code": "IIOE-2025"})

    html = response.content.decode()
    page = text_of(response)
    assert response.status_code == 200
    assert (
        "No ticket uses this access code. Check it against your invitation (capital or small "
        "letters do not matter)." in page
    )
    assert 'value="IIOE-2025"' in html
    assert 'aria-invalid="true" aria-describedby="code_error"' in html
    assert '<span class="field-error" id="code_error">' in html
    # Said at the top too, with a link to the box; the public tickets are still there.
    summary = html.split('id="form-errors"', 1)[1].split("</div>", 1)[0]
    assert '<a href="#code">Access code from your invitation: No ticket uses' in summary
    assert "Online participant, online: free" in page
    # Nothing of the hidden ticket.
    assert "Partner" not in page


def test_the_contact_address_is_given_with_a_wrong_code(client, event, online, partner):
    event.contact_email = "secretariat@example.org"
    event.save()

    page = text_of(client.get(REGISTER, {"code": "nope"}))

    assert "or write to the organisers at secretariat@example.org." in page


def test_a_wrong_code_sent_with_the_form_is_said_and_nothing_is_made(client, online, partner):
    response = client.post(REGISTER, form(partner, access_code="IIOE-2025"))

    assert response.status_code == 422
    assert WRONG in text_of(response)
    assert not Registration.objects.exists()


def test_an_event_with_only_hidden_tickets_asks_for_the_code(client, partner):
    without = client.get(REGISTER)
    wrong = client.get(REGISTER, {"code": "guess"})
    right = client.get(REGISTER, {"code": "iioe-2026"})

    assert without.status_code == 200
    assert 'id="code"' in without.content.decode()
    assert "type it above to see yours" in text_of(without)
    assert 'name="choice"' not in without.content.decode()
    assert WRONG in text_of(wrong) and 'name="choice"' not in wrong.content.decode()
    assert "Partner delegation, in person: free" in text_of(right)


def test_an_event_without_any_ticket_is_still_closed(client, event):
    assert "Registration is not open" in text_of(client.get(REGISTER, {"code": "x"}))


@pytest.mark.parametrize(
    ("window", "said"),
    [
        ({"sales_end": dt.timedelta(days=-1)}, "is no longer on sale: sales closed on"),
        ({"sales_start": dt.timedelta(days=2)}, "is not on sale yet: sales open on"),
    ],
)
def test_a_right_code_for_a_ticket_not_on_sale_says_so(client, online, partner, window, said):
    for name, shift in window.items():
        setattr(partner, name, timezone.now() + shift)
    partner.save()

    page = text_of(client.get(REGISTER, {"code": "iioe-2026"}))

    assert f"This access code is right, but its ticket “Partner delegation” {said}" in page
    assert "Partner delegation, in person" not in page  # not on the list
    assert WRONG not in page


# --- the API and the service --------------------------------------------------------------------


def test_the_api_lists_the_hidden_ticket_for_its_code_in_any_case(client, online, partner):
    names = [t["name"] for t in client.get(TICKETS, {"code": "iioe-2026"}).json()]

    assert names.count("Partner delegation") == 1


def test_the_api_refuses_a_wrong_code_with_a_422_on_the_code(client, online, partner):
    response = client.get(TICKETS, {"code": "IIOE-2025"})

    assert response.status_code == 422
    [error] = response.json()["errors"]
    assert error["field"] == "code"
    assert error["message"].startswith(WRONG)
    assert "Partner" not in response.content.decode()


def test_the_api_without_a_code_lists_the_public_tickets(client, online, partner):
    response = client.get(TICKETS)

    assert response.status_code == 200
    assert [t["name"] for t in response.json()] == ["Online participant"]


def test_the_api_registers_with_the_code_in_another_case_and_refuses_a_wrong_one(client, partner):
    body = {
        "ticket_id": partner.pk,
        "mode": "in_person",
        "name": "Amina Yusuf",
        "country": "KE",
        "consent": True,
    }

    right = client.post(
        API,
        {**body, "email": "a@example.org", "access_code": " iioe-2026"},
        content_type="application/json",
    )
    wrong = client.post(
        API,
        {**body, "email": "b@example.org", "access_code": "IIOE-2025"},
        content_type="application/json",
    )

    assert right.status_code == 201, right.content
    assert wrong.status_code == 422
    assert wrong.json()["errors"][0]["field"] == "access_code"


def test_the_service_compares_codes_in_any_case(partner):
    registration = registration_create(
        ticket=partner, mode="in_person", access_code="Iioe-2026 ", **person()
    )

    assert registration.state == State.CONFIRMED


# --- registering twice --------------------------------------------------------------------------


def test_registering_twice_in_another_case_says_what_to_do(client, online):
    first = client.post(REGISTER, form(online, mode="online"))
    assert first.status_code == 302

    again = client.post(
        REGISTER, form(online, mode="online", email="AMINA@Example.org", name="Amina Y.")
    )

    html = again.content.decode()
    page = text_of(again)
    assert again.status_code == 422
    assert Registration.objects.count() == 1
    email_field = html.split('id="id_email"', 1)[1].split("</p>", 1)[0]
    assert "This email address already has a registration for this event" in email_field
    assert "We have sent its link to that address" in email_field
    assert 'href="/accounts/email-link/">get a sign-in link</a>' in email_field
    # What was typed stays, so that another person's address can be put in.
    assert 'value="Amina Y."' in html
    assert "<bdi>Email</bdi>: This email address already has a registration" in html  # summary
    assert "Please check the form" in page
