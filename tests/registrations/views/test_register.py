"""The registration form and the self-service page, as an attendee uses them."""

import pytest

from events.models import Organization
from registrations.models import Question, Registration, Transition
from registrations.selectors import registration_settings_get
from registrations.services.tickets import ticket_create
from tests.factories import EventFactory

pytestmark = pytest.mark.django_db

REGISTER = "/events/seminar/register/"


def form(ticket, mode="online", **fields):
    return {
        "choice": f"{ticket.pk}:{mode}",
        "name": "Amina Yusuf",
        "email": "amina@example.org",
        "organization_name": "University of Nairobi",
        "country": "KE",
        "position": "Lecturer",
        "accessibility_needs": "",
        "dietary_needs": "Vegetarian",
        "consent": "on",
        **fields,
    }


def test_free_online_ticket_confirms_at_once_and_links_to_the_registration(client, online):
    response = client.post(REGISTER, form(online))

    registration = Registration.objects.get()
    assert registration.state == Registration.State.CONFIRMED
    assert registration.organization.name == "University of Nairobi"
    assert registration.organization.country.code == "KE"
    assert registration.consent_version == registration_settings_get(online.event).notice_version
    assert Transition.objects.get(registration=registration).to_state == "confirmed"
    assert response.status_code == 302
    page = client.get(response["Location"]).content.decode()
    assert "Your place is confirmed, <bdi>Amina Yusuf</bdi>." in page
    assert registration.reference in page


def test_the_form_keeps_what_was_typed_and_names_each_problem(client, online):
    response = client.post(REGISTER, form(online, email="not-an-email", consent=""))

    html = response.content.decode()
    assert response.status_code == 422
    assert 'value="Amina Yusuf"' in html
    assert "Enter a valid email address." in html
    assert "Tick the box to accept the privacy notice." in html
    assert not Registration.objects.exists()


def test_an_existing_organisation_is_reused_in_any_case(client, online):
    existing = Organization.objects.create(name="University of Nairobi", country="KE")

    client.post(REGISTER, form(online, organization_name="university of  nairobi"))

    assert Registration.objects.get().organization == existing


def test_required_questions_apply_only_to_their_tickets(client, event, online):
    delegate = ticket_create(event=event, by=None, name="Delegate", modes="in_person", quota=None)
    question = Question.objects.create(
        event=event, label="Passport number", kind="text", required=True
    )
    question.tickets.add(delegate)

    online_answer = client.post(REGISTER, form(online))
    delegate_answer = client.post(REGISTER, form(delegate, mode="in_person", email="b@example.org"))

    assert online_answer.status_code == 302
    assert delegate_answer.status_code == 422
    assert "This question is required for your ticket." in delegate_answer.content.decode()


def test_choices_show_in_the_pages_language_and_are_kept_in_the_events_first(client, event, online):
    event.languages = ["en", "zh-hans"]
    event.save(update_fields=["languages"])
    diet = Question.objects.create(
        event=event,
        label={"en": "Diet", "zh-hans": "饮食"},
        kind="choice",
        choices=[
            {"en": "Vegetarian", "zh-hans": "素食"},
            {"en": "Halal", "zh-hans": "清真"},
            "Kosher",
        ],
    )
    topics = Question.objects.create(
        event=event,
        label="Topics",
        kind="multiple",
        choices=[{"en": "Water", "zh-hans": "水"}, {"en": "Energy", "zh-hans": "能源"}],
    )

    page = client.get("/zh-hans" + REGISTER).content.decode()
    response = client.post(
        "/zh-hans" + REGISTER,
        form(online, **{f"q_{diet.pk}": "Vegetarian", f"q_{topics.pk}": ["Energy"]}),
    )

    assert "饮食" in page
    assert '<option value="Vegetarian">素食</option>' in page
    assert '<option value="Kosher">Kosher</option>' in page
    assert 'value="Energy"' in page and "能源" in page
    assert response.status_code == 302, response.content.decode()[:2000]
    answers = Registration.objects.get().answers
    assert answers == {str(diet.pk): "Vegetarian", str(topics.pk): ["Energy"]}


def test_a_full_ticket_puts_people_on_the_waiting_list(client, event):
    ticket = ticket_create(event=event, by=None, name="Hall", modes="in_person", quota=1)
    client.post(REGISTER, form(ticket, mode="in_person"))

    response = client.post(REGISTER, form(ticket, mode="in_person", email="late@example.org"))

    late = Registration.objects.get(email="late@example.org")
    assert late.state == Registration.State.WAITLISTED
    assert "you are on the waiting list" in client.get(response["Location"]).content.decode()


def test_code_tickets_show_only_with_their_code(client, event, online):
    ticket_create(
        event=event,
        by=None,
        name="Partner",
        modes="in_person",
        visibility="code",
        access_code="IIOE2026",
    )

    without = client.get(REGISTER).content.decode()
    with_code = client.get(REGISTER + "?code=IIOE2026").content.decode()

    assert "Partner, in person" not in without
    assert "Partner, in person" in with_code


def test_registration_is_closed_without_tickets(client, event):
    response = client.get(REGISTER)

    assert "Registration is not open" in response.content.decode()


def test_a_draft_event_has_no_registration_page(client):
    EventFactory(slug="hidden", status="draft")

    assert client.get("/events/hidden/register/").status_code == 404


def test_a_tampered_link_is_refused(client, online):
    response = client.post(REGISTER, form(online))
    location = response["Location"]

    tampered = location[:-3] + "xyz/"

    assert client.get(tampered).status_code == 404


def test_a_new_organisation_can_be_in_another_country(client, online):
    client.post(
        REGISTER,
        form(online, organization_name="UNESCO Bangkok", organization_country="TH", country="KE"),
    )

    registration = Registration.objects.get()
    assert registration.country.code == "KE"
    assert registration.organization.country.code == "TH"


def test_field_errors_are_tied_to_their_inputs_for_screen_readers(client, online):
    html = client.post(REGISTER, form(online, email="not-an-email")).content.decode()

    assert 'aria-describedby="id_email_helptext id_email_error"' in html
    assert 'id="id_email_helptext"' in html
    assert 'id="id_email_error"' in html
