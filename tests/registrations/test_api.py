"""The registrations API: tickets with seats left, registering, the organiser's reads."""

import json

import pytest

from registrations.models import Question, Registration, RegistrationSettings
from registrations.services.registrations import registration_create
from registrations.services.tickets import ticket_create
from tests.factories import TeamMemberFactory

pytestmark = pytest.mark.django_db

API = "/api/events/seminar"


@pytest.fixture
def tickets(event):
    online = ticket_create(event=event, by=None, name="Online", modes="online")
    hall = ticket_create(event=event, by=None, name="Hall", modes="in_person", quota=2)
    ticket_create(event=event, by=None, name="Secret", modes="in_person", visibility="invitation")
    return online, hall


def body(ticket, mode, **fields):
    return {
        "ticket_id": ticket.pk,
        "mode": mode,
        "name": "Ivan Petrov",
        "email": "ivan@example.org",
        "country": "RU",
        "organization_name": "Moscow State University",
        "consent": True,
        **fields,
    }


def test_tickets_list_shows_seats_left_and_hides_invitation_tickets(client, tickets):
    online, hall = tickets
    registration_create(
        ticket=hall,
        mode="in_person",
        consent_version="v",
        name="A",
        email="a@example.org",
        country="KE",
    )

    rows = client.get(f"{API}/tickets").json()

    assert [(r["name"], r["remaining"], r["available"]) for r in rows] == [
        ("Online", None, True),
        ("Hall", 1, True),
    ]


def test_register_confirms_a_free_ticket(client, tickets):
    online, _ = tickets

    response = client.post(
        f"{API}/registrations", body(online, "online"), content_type="application/json"
    )

    assert response.status_code == 201, response.content
    assert response.json()["state"] == "confirmed"
    registration = Registration.objects.get(reference=response.json()["reference"])
    assert registration.organization.name == "Moscow State University"
    assert "email" not in response.json()  # what the public answer shows is the attendee's own


def test_register_without_consent_or_with_a_bad_email_names_the_field(client, tickets):
    online, _ = tickets

    response = client.post(
        f"{API}/registrations",
        body(online, "online", consent=False, email="nope"),
        content_type="application/json",
    )

    fields = {e["field"] for e in response.json()["errors"]}
    assert response.status_code == 422
    assert fields == {"consent", "email"}


def test_sold_out_without_waitlist_is_409(client, tickets):
    _, hall = tickets
    for n in range(2):
        client.post(
            f"{API}/registrations",
            body(hall, "in_person", email=f"p{n}@example.org"),
            content_type="application/json",
        )

    response = client.post(
        f"{API}/registrations",
        body(hall, "in_person", email="late@example.org", waitlist=False),
        content_type="application/json",
    )
    waitlisted = client.post(
        f"{API}/registrations",
        body(hall, "in_person", email="later@example.org"),
        content_type="application/json",
    )

    assert response.status_code == 409 and response.json()["code"] == "sold_out"
    assert waitlisted.json()["state"] == "waitlisted"


def test_organiser_lists_gets_approves_and_counts(client, event, organiser, bearer, tickets):
    online, hall = tickets
    approval = ticket_create(
        event=event, by=None, name="Delegate", modes="in_person", requires_approval=True
    )
    pending = registration_create(
        ticket=approval,
        mode="in_person",
        consent_version="v",
        name="Chen Wei",
        email="chen@example.org",
        country="CN",
    )
    registration_create(
        ticket=online,
        mode="online",
        consent_version="v",
        name="Ana",
        email="ana@example.org",
        country="RS",
    )
    headers = bearer(organiser)

    listed = client.get(f"{API}/registrations?state=awaiting_approval", headers=headers).json()
    one = client.get(f"{API}/registrations/{pending.reference.lower()}", headers=headers).json()
    approved = client.post(
        f"{API}/registrations/{pending.reference}/approve",
        {"reason": "delegation list"},
        content_type="application/json",
        headers=headers,
    ).json()
    stats = client.get(f"{API}/registrations/stats", headers=headers).json()

    assert [r["reference"] for r in listed["items"]] == [pending.reference]
    assert one["email"] == "chen@example.org"
    assert approved["state"] == "confirmed"
    assert (stats["participants"], stats["countries"]) == (2, 2)
    assert stats["by_mode"] == {"in_person": 1, "online": 1}


def test_registrations_are_the_teams_business(client, event, checkin_staff, outsider, bearer):
    assert client.get(f"{API}/registrations").status_code == 401
    assert client.get(f"{API}/registrations", headers=bearer(outsider)).status_code == 403
    assert client.get(f"{API}/registrations", headers=bearer(checkin_staff)).status_code == 200
    refused = client.post(
        f"{API}/registrations/ABCDEFGH/cancel",
        {},
        content_type="application/json",
        headers=bearer(checkin_staff),
    )
    assert refused.status_code == 403


def test_register_checks_answers_like_the_form(client, event, tickets):
    online, _ = tickets
    question = Question.objects.create(
        event=event, label="Session", kind="choice", choices=["A", "B"], required=True
    )

    missing = client.post(
        f"{API}/registrations", body(online, "online"), content_type="application/json"
    )
    invalid = client.post(
        f"{API}/registrations",
        body(online, "online", answers={str(question.pk): "C", "999": "x"}),
        content_type="application/json",
    )
    fine = client.post(
        f"{API}/registrations",
        body(online, "online", answers={str(question.pk): "B"}),
        content_type="application/json",
    )

    assert missing.status_code == 422
    assert {e["field"] for e in invalid.json()["errors"]} == {f"answers.{question.pk}", "answers"}
    assert fine.status_code == 201


@pytest.fixture
def diet(event):
    """A question in English and Chinese, its choices too (one a plain text, as before)."""
    event.languages = ["en", "zh-hans"]
    event.save(update_fields=["languages"])
    return Question.objects.create(
        event=event,
        label={"en": "Diet", "zh-hans": "饮食"},
        help_text={"en": "For the dinner", "zh-hans": "用于晚宴"},
        kind="choice",
        choices=[
            {"en": "Vegetarian", "zh-hans": "素食"},
            {"en": "Halal", "zh-hans": "清真"},
            "Kosher",
        ],
        required=True,
    )


def test_tickets_read_in_the_requests_language_with_every_language_beside(client, event):
    event.languages = ["en", "zh-hans"]
    event.save(update_fields=["languages"])
    ticket_create(
        event=event,
        by=None,
        name={"en": "Delegate", "zh-hans": "代表"},
        description={"en": "Every session", "zh-hans": "所有会议"},
        modes="in_person",
    )

    [row] = client.get(f"{API}/tickets", HTTP_ACCEPT_LANGUAGE="zh-hans").json()

    assert (row["name"], row["description"]) == ("代表", "所有会议")
    assert row["name_translations"] == {"en": "Delegate", "zh-hans": "代表"}
    assert row["description_translations"] == {"en": "Every session", "zh-hans": "所有会议"}


def test_questions_read_in_the_requests_language_with_every_choice_in_every_language(
    client, event, diet, tickets
):
    _online, hall = tickets
    diet.tickets.add(hall)

    [english] = client.get(f"{API}/questions").json()
    [chinese] = client.get(f"{API}/questions", HTTP_ACCEPT_LANGUAGE="zh-hans").json()

    assert (english["label"], english["help_text"]) == ("Diet", "For the dinner")
    assert english["choices"] == ["Vegetarian", "Halal", "Kosher"]
    assert (chinese["label"], chinese["help_text"]) == ("饮食", "用于晚宴")
    assert chinese["choices"] == ["素食", "清真", "Kosher"]
    assert chinese["label_translations"] == {"en": "Diet", "zh-hans": "饮食"}
    assert chinese["help_text_translations"] == {"en": "For the dinner", "zh-hans": "用于晚宴"}
    assert chinese["choices_translations"] == [
        {"en": "Vegetarian", "zh-hans": "素食"},
        {"en": "Halal", "zh-hans": "清真"},
        {"en": "Kosher"},
    ]
    assert (chinese["kind"], chinese["required"], chinese["ticket_ids"]) == (
        "choice",
        True,
        [hall.pk],
    )


def test_a_choice_answered_in_another_language_is_kept_in_the_first(client, event, diet, tickets):
    online, _ = tickets
    several = Question.objects.create(
        event=event,
        label="Topics",
        kind="multiple",
        choices=[{"en": "Water", "zh-hans": "水"}, {"en": "Energy", "zh-hans": "能源"}],
    )

    response = client.post(
        f"{API}/registrations",
        body(online, "online", answers={str(diet.pk): "素食", str(several.pk): ["能源", "Water"]}),
        content_type="application/json",
        HTTP_ACCEPT_LANGUAGE="zh-hans",
    )

    assert response.status_code == 201, response.content
    registration = Registration.objects.get(reference=response.json()["reference"])
    assert registration.answers == {
        str(diet.pk): "Vegetarian",
        str(several.pk): ["Energy", "Water"],
    }


def test_an_answer_naming_no_choice_lists_the_choices_in_the_requests_language(
    client, diet, tickets
):
    online, _ = tickets

    response = client.post(
        f"{API}/registrations",
        body(online, "online", answers={str(diet.pk): "Vegan"}),
        content_type="application/json",
        HTTP_ACCEPT_LANGUAGE="zh-hans",
    )

    assert response.status_code == 422
    [error] = response.json()["errors"]
    assert error["field"] == f"answers.{diet.pk}"
    assert "“素食”, “清真”, “Kosher”" in error["message"]
    assert not Registration.objects.exists()


def test_register_is_refused_when_registration_is_closed(client, event, tickets):
    online, _ = tickets
    RegistrationSettings.objects.create(event=event, is_open=False)

    response = client.post(
        f"{API}/registrations", body(online, "online"), content_type="application/json"
    )

    assert response.status_code == 422
    assert "closed" in response.json()["detail"]


def test_errors_follow_accept_language_in_detail_and_per_field(client, tickets):
    online, _ = tickets
    payload = body(online, "online", email="", consent=False)
    del payload["name"]

    response = client.post(
        f"{API}/registrations", payload, content_type="application/json", HTTP_ACCEPT_LANGUAGE="fr"
    )

    assert response.status_code == 422
    assert response["Content-Language"] == "fr"
    errors = {e["field"]: e["message"] for e in response.json()["errors"]}
    assert errors["name"] == "ce champ est obligatoire"
    assert errors["email"] == "indiquez une adresse e-mail"
    assert (
        errors["consent"]
        == "le participant doit accepter l'avis de confidentialité (consent: true)"
    )
    assert response.json()["detail"] != "Check the highlighted fields."


def test_the_registrants_language_is_the_requests_unless_given(client, tickets):
    online, _ = tickets

    by_header = client.post(
        f"{API}/registrations",
        body(online, "online"),
        content_type="application/json",
        HTTP_ACCEPT_LANGUAGE="ar,en;q=0.5",
    )
    given = client.post(
        f"{API}/registrations",
        body(online, "online", email="li@example.cn", language="zh-hans"),
        content_type="application/json",
        HTTP_ACCEPT_LANGUAGE="ar",
    )
    unknown = client.post(
        f"{API}/registrations",
        body(online, "online", email="x@example.org", language="tlh"),
        content_type="application/json",
    )

    assert by_header.status_code == given.status_code == 201
    assert by_header.json()["language"] == "ar"
    assert Registration.objects.get(email="li@example.cn").language == "zh-hans"
    assert unknown.status_code == 422
    assert unknown.json()["errors"][0]["field"] == "language"


def test_the_questions_of_a_draft_event_are_for_its_team_only(
    client, draft_event, bearer, outsider
):
    Question.objects.create(event=draft_event, label="Diet", kind="text")
    organiser = TeamMemberFactory(event=draft_event, role="organiser").user
    url = f"/api/events/{draft_event.slug}/questions"

    assert client.get(url).status_code == 404
    assert client.get(url, headers=bearer(outsider)).status_code == 404
    assert [q["label"] for q in client.get(url, headers=bearer(organiser)).json()] == ["Diet"]


# --- CSRF: a write as the browser's signed-in user carries the token -----------------------


def test_registering_with_a_signed_in_session_needs_the_csrf_token(event, tickets, organiser):
    """Another site can post text/plain with the organiser's cookie (a "simple" request, no
    preflight), not read the token: without it the call is refused, with it it registers."""
    from django.test import Client

    online, _hall = tickets
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(organiser)
    browser.get("/events/seminar/")  # the page that sets the csrftoken cookie
    token = browser.cookies["csrftoken"].value
    forged = browser.post(
        f"{API}/registrations",
        json.dumps(body(online, "online")),
        content_type="text/plain",
        headers={"Origin": "https://attacker.example"},
    )
    sent = browser.post(
        f"{API}/registrations",
        body(online, "online", email="own@example.org"),
        content_type="application/json",
        headers={"X-CSRFToken": token},
    )

    assert (forged.status_code, forged.json()["code"]) == (403, "csrf_failed")
    assert sent.status_code == 201, sent.content
    assert list(Registration.objects.values_list("email", flat=True)) == ["own@example.org"]


def test_registering_anonymously_or_with_a_token_needs_no_csrf_token(
    event, tickets, organiser, bearer
):
    from django.test import Client

    online, _hall = tickets
    anonymous = Client(enforce_csrf_checks=True).post(
        f"{API}/registrations", body(online, "online"), content_type="application/json"
    )
    with_token = Client(enforce_csrf_checks=True).post(
        f"{API}/registrations",
        body(online, "online", email="token@example.org"),
        content_type="application/json",
        headers=bearer(organiser),
    )

    assert (anonymous.status_code, with_token.status_code) == (201, 201)


# --- Idempotency-Key: a retry gets the first answer -----------------------------------------


def test_a_retry_with_the_same_idempotency_key_gets_the_first_answer(client, tickets, mailoutbox):
    online, _hall = tickets
    key = {"Idempotency-Key": "2f1c7a52-6d1e-4f0e-9d7b-3c1f0a9e8b11"}

    first = client.post(
        f"{API}/registrations", body(online, "online"), content_type="application/json", headers=key
    )
    again = client.post(
        f"{API}/registrations", body(online, "online"), content_type="application/json", headers=key
    )

    assert (first.status_code, again.status_code) == (201, 201)
    assert again.json() == first.json()
    assert Registration.objects.count() == 1


def test_the_same_idempotency_key_with_another_request_is_refused(client, tickets):
    online, _hall = tickets
    key = {"Idempotency-Key": "k-1"}
    client.post(
        f"{API}/registrations", body(online, "online"), content_type="application/json", headers=key
    )

    other = client.post(
        f"{API}/registrations",
        body(online, "online", email="someone.else@example.org"),
        content_type="application/json",
        headers=key,
    )

    assert (other.status_code, other.json()["code"]) == (422, "idempotency_key_reused")
    assert Registration.objects.count() == 1


def test_an_idempotency_key_is_printable_and_at_most_255_characters(client, tickets):
    online, _hall = tickets

    answers = [
        client.post(
            f"{API}/registrations",
            body(online, "online"),
            content_type="application/json",
            headers={"Idempotency-Key": key},
        )
        for key in ("x" * 256, "with space")
    ]

    assert [a.status_code for a in answers] == [422, 422]
    assert not Registration.objects.exists()


def test_a_refused_registration_leaves_its_key_free_for_the_corrected_retry(client, tickets):
    online, _hall = tickets
    key = {"Idempotency-Key": "k-2"}

    refused = client.post(
        f"{API}/registrations",
        body(online, "online", consent=False),
        content_type="application/json",
        headers=key,
    )
    corrected = client.post(
        f"{API}/registrations", body(online, "online"), content_type="application/json", headers=key
    )

    # An error keeps nothing: the key was never taken, so the corrected request goes through.
    assert refused.status_code == 422
    assert corrected.status_code == 201
    assert Registration.objects.count() == 1
