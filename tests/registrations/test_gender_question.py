"""The optional, self-described gender question: asked only where the event says so, never
required, "prefer not to say" offered, words typed mean "in another way"."""

import pytest

from registrations.models import Gender, Registration, RegistrationSettings
from registrations.services.tickets import ticket_create

pytestmark = pytest.mark.django_db

REGISTER = "/events/seminar/register/"
API = "/api/events/seminar/registrations"


@pytest.fixture
def online(event):
    return ticket_create(event=event, by=None, name="Online participant", modes="online")


def asks_gender(event):
    RegistrationSettings.objects.update_or_create(event=event, defaults={"asks_gender": True})


def form(ticket, **fields):
    return {
        "choice": f"{ticket.pk}:online",
        "name": "Amina Yusuf",
        "email": "amina@example.org",
        "country": "KE",
        "consent": "on",
        **fields,
    }


def test_the_question_is_off_by_default(client, online):
    page = client.get(REGISTER).content.decode()
    assert 'name="gender"' not in page

    client.post(REGISTER, form(online, gender="woman"))  # a forged answer is not taken

    assert Registration.objects.get().gender == ""


def test_asked_it_offers_prefer_not_to_say_and_may_be_left_out(client, event, online):
    asks_gender(event)

    page = client.get(REGISTER).content.decode()
    client.post(REGISTER, form(online))

    assert 'name="gender"' in page and 'value="unsaid"' in page
    assert "Gender (optional)" in page
    assert Registration.objects.get().gender == ""


@pytest.mark.parametrize(
    ("gender", "words", "kept"),
    [
        ("woman", "", ("woman", "")),
        ("", "non-binary", ("described", "non-binary")),
        ("described", "  two-spirit ", ("described", "two-spirit")),
        ("man", "ignored beside another choice", ("man", "")),
        ("unsaid", "", ("unsaid", "")),
    ],
)
def test_an_answer_is_kept_as_chosen_or_described(client, event, online, gender, words, kept):
    asks_gender(event)

    client.post(REGISTER, form(online, gender=gender, gender_described=words))

    registration = Registration.objects.get()
    assert (registration.gender, registration.gender_described) == kept


def test_the_api_takes_it_where_asked_and_says_why_not_elsewhere(client, event, online):
    body = {
        "ticket_id": online.pk,
        "mode": "online",
        "name": "Ivan Petrov",
        "email": "ivan@example.org",
        "country": "RU",
        "consent": True,
        "gender": "man",
    }

    refused = client.post(API, body, content_type="application/json")
    asks_gender(event)
    taken = client.post(API, body, content_type="application/json")

    assert refused.status_code == 422
    assert "does not ask for gender" in refused.content.decode()
    assert taken.status_code == 201, taken.content
    assert Registration.objects.get().gender == Gender.MAN


def test_anonymising_keeps_the_count_and_drops_the_words(event, online):
    from registrations.services.personal_data import event_registrations_anonymise
    from registrations.services.registrations import registration_create

    asks_gender(event)
    registration_create(
        ticket=online,
        mode="online",
        consent_version="v",
        name="A",
        email="a@example.org",
        country="KE",
        gender="",
        gender_described="genderqueer",
    )
    event.end_date = event.start_date
    event.save()

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(type(event), "is_over", property(lambda self: True))
        event_registrations_anonymise(event=event, by=None)

    registration = Registration.objects.get()
    assert (registration.gender, registration.gender_described) == ("described", "")
