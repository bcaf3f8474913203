"""Setting up registration in the back office, through the services."""

import pytest

from registrations.models import Question, Quota, TicketType
from tests.factories import EventFactory

pytestmark = pytest.mark.django_db


def test_adding_a_ticket_makes_its_quota(client, event, staff_organiser):
    client.force_login(staff_organiser)

    response = client.post(
        "/admin/registrations/tickettype/add/",
        {
            "event": event.pk,
            "name": "Delegate",
            "description": "",
            "modes": "in_person",
            "price": "0",
            "currency": "EUR",
            "visibility": "public",
            "access_code": "",
            "hold_minutes": "30",
            "order": "0",
            "seats": "120",
        },
    )

    assert response.status_code == 302, response.content.decode()[:3000]
    ticket = TicketType.objects.get(name="Delegate")
    assert ticket.quota.size == 120


def test_mode_quota_is_set_through_the_service(client, event, staff_organiser):
    client.force_login(staff_organiser)

    client.post(
        "/admin/registrations/quota/add/", {"event": event.pk, "mode": "in_person", "size": "300"}
    )

    assert Quota.objects.get(event=event, ticket=None, mode="in_person").size == 300


def test_other_events_tickets_are_not_listed(client, event, staff_organiser):
    other = EventFactory(slug="someone-else")
    TicketType.objects.create(event=other, name="Hidden ticket")
    client.force_login(staff_organiser)

    assert "Hidden ticket" not in client.get("/admin/registrations/tickettype/").content.decode()


def _question(client, event, choices: str):
    return client.post(
        "/admin/registrations/question/add/",
        {
            "event": event.pk,
            "label_0": "Diet",
            "help_text_0": "",
            "kind": "choice",
            "choices": choices,
            "order": "0",
        },
    )


def test_a_question_takes_choices_in_the_events_languages(client, event, staff_organiser):
    event.languages = ["en", "zh-hans"]
    event.save(update_fields=["languages"])
    client.force_login(staff_organiser)

    response = _question(client, event, '[{"en": "Vegetarian", "zh-hans": "素食"}, "Kosher"]')

    assert response.status_code == 302, response.content.decode()[:3000]
    question = Question.objects.get()
    assert question.choices == [{"en": "Vegetarian", "zh-hans": "素食"}, "Kosher"]


@pytest.mark.parametrize(
    ("choices", "message"),
    [
        ('["Vegetarian"]', "Give at least two choices"),
        ('[{"en": "Vegetarian", "fr": "Végétarien"}, "Kosher"]', "Choice 1 is given in fr"),
        ('["Vegetarian", {"en": ""}]', "Choice 2 is empty or not a text"),
        ('["Kosher", {"en": "Kosher", "zh-hans": "犹太洁食"}]', "repeated: “Kosher”"),
    ],
)
def test_choices_that_cannot_be_answered_are_refused_saying_why(
    client, event, staff_organiser, choices, message
):
    event.languages = ["en", "zh-hans"]
    event.save(update_fields=["languages"])
    client.force_login(staff_organiser)

    response = _question(client, event, choices)

    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Question.objects.exists()
