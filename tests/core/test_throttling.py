"""The API's repeatable writes are rate-limited: 429 with Retry-After and a message that says how
long to wait, per client address (or per signed-in user), on the rates in settings."""

import pytest

from registrations.services.tickets import ticket_create

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fresh_cache")]

API = "/api/events/seminar"


@pytest.fixture
def online(event):
    return ticket_create(event=event, by=None, name="Online", modes="online")


def _register(client, ticket, n: int, **headers):
    return client.post(
        f"{API}/registrations",
        {
            "ticket_id": ticket.pk,
            "mode": "online",
            "name": f"Person {n}",
            "email": f"p{n}@example.org",
            "country": "KE",
            "organization_name": "University of Nairobi",
            "consent": True,
        },
        content_type="application/json",
        headers=headers,
    )


def test_registering_is_limited_per_address_with_retry_after(client, settings, online):
    settings.API_RATE_LIMITS = {**settings.API_RATE_LIMITS, "registrations": "3/min"}

    answers = [_register(client, online, n) for n in range(4)]
    elsewhere = _register(client, online, 5, **{"X-Forwarded-For": "203.0.113.9"})

    assert [a.status_code for a in answers] == [201, 201, 201, 429]
    limited = answers[-1]
    assert limited.json()["code"] == "rate_limited"
    assert 1 <= int(limited["Retry-After"]) <= 60
    assert f"wait {limited['Retry-After']} seconds" in limited.json()["detail"]
    # X-Forwarded-For is the client's to write: without a proxy in front, it changes nothing.
    assert elsewhere.status_code == 429


def test_the_limit_speaks_the_callers_language(client, settings, online):
    settings.API_RATE_LIMITS = {**settings.API_RATE_LIMITS, "registrations": "1/min"}
    _register(client, online, 0)

    limited = _register(client, online, 1, **{"Accept-Language": "fr"})

    assert limited.status_code == 429
    assert limited.json()["detail"].startswith("Trop de requêtes")


def test_scans_are_limited_per_desk_account(client, settings, event, checkin_staff, bearer):
    settings.API_RATE_LIMITS = {**settings.API_RATE_LIMITS, "checkins": "2/min"}
    scan = {"secret": "not-a-badge", "device": "desk-1"}

    answers = [
        client.post(
            f"{API}/checkins", scan, content_type="application/json", headers=bearer(checkin_staff)
        )
        for _ in range(3)
    ]

    assert [a.status_code for a in answers] == [200, 200, 429]


def test_the_registration_form_shares_the_apis_limit(client, settings, event, online):
    settings.API_RATE_LIMITS = {**settings.API_RATE_LIMITS, "registrations": "2/min"}
    _register(client, online, 0)
    _register(client, online, 1)

    page = client.post("/events/seminar/register/", {"ticket": online.pk, "mode": "online"})
    looked = client.get("/events/seminar/register/")

    assert page.status_code == 429
    assert int(page["Retry-After"]) >= 1
    assert "Too many requests from you in a short time" in page.content.decode()
    assert looked.status_code == 200  # reading the form is not limited


def test_guessing_private_links_is_limited(client, settings, event):
    settings.API_RATE_LIMITS = {**settings.API_RATE_LIMITS, "private_links": "5/min"}

    answers = [client.get(f"/events/seminar/registration/guess-{n}/") for n in range(6)]

    assert [a.status_code for a in answers] == [404] * 5 + [429]
