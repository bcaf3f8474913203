"""Organisations typed by registrants stay with the event they were typed for, out of the shared
registry, until an organiser of that event accepts them (or merges them with the registry's)."""

import pytest
from django.contrib.auth.models import Group

from events.models import EventOrganization, Organization, TeamMember
from registrations.models import Registration
from registrations.services.tickets import ticket_create
from tests.factories import EventFactory, UserFactory

pytestmark = pytest.mark.django_db


def form(ticket, **fields):
    return {
        "choice": f"{ticket.pk}:online",
        "name": "Amina Yusuf",
        "email": "amina@example.org",
        "organization_name": "Nairobi Policy Lab",
        "country": "KE",
        "consent": "on",
        **fields,
    }


@pytest.fixture
def elsewhere():
    other = EventFactory(slug="elsewhere")
    ticket_create(event=other, by=None, name="Online", modes="online", quota=None)
    return other


@pytest.fixture
def other_organiser(elsewhere):
    user = UserFactory(username="other-organiser", is_staff=True)
    user.groups.add(Group.objects.get(name="Organisers"))
    TeamMember.objects.create(event=elsewhere, user=user, role=TeamMember.Role.ORGANISER)
    return user


def register(client, event, **fields):
    ticket = event.ticket_types.get(name__in=["Online participant", "Online"])
    response = client.post(f"/events/{event.slug}/register/", form(ticket, **fields))
    assert response.status_code == 302, response.content.decode()[:2000]
    return Registration.objects.filter(event=event).latest("pk")


@pytest.fixture
def online(event):
    return ticket_create(
        event=event, by=None, name="Online participant", modes="online", quota=None
    )


def test_a_typed_organisation_stays_with_its_event(client, event, online, elsewhere):
    mine = register(client, event).organization

    assert (mine.listed, mine.proposed_at) == (False, event)
    assert client.get("/api/organizations?q=Policy").json()["items"] == []
    # Typed again for the same event: the same one; for another event: that event's own.
    again = register(client, event, email="b@example.org", organization_name="nairobi policy LAB")
    theirs = register(client, elsewhere, email="c@example.org").organization
    assert again.organization == mine
    assert theirs != mine and theirs.proposed_at == elsewhere


def test_the_registry_is_preferred_to_a_new_typed_one(client, event, online):
    listed = Organization.objects.create(name="Nairobi Policy Lab", country="KE")

    assert register(client, event).organization == listed


def test_the_api_names_only_the_registry_and_the_events_own(
    client, event, online, elsewhere, organiser, bearer
):
    theirs = register(client, elsewhere).organization
    mine = register(client, event, email="b@example.org").organization
    body = {
        "ticket_id": online.pk,
        "mode": "online",
        "name": "Chen Wei",
        "email": "chen@example.org",
        "country": "CN",
        "consent": True,
    }

    refused = client.post(
        "/api/events/seminar/registrations",
        body | {"organization_id": theirs.pk},
        content_type="application/json",
    )
    taken = client.post(
        "/api/events/seminar/registrations",
        body | {"organization_id": mine.pk},
        content_type="application/json",
    )
    role = client.post(
        "/api/events/seminar/organizations",
        {"organization_id": theirs.pk, "role": "partner"},
        content_type="application/json",
        headers=bearer(organiser),
    )

    assert refused.status_code == 422
    assert "there is no organisation with id" in refused.json()["errors"][0]["message"]
    assert taken.status_code == 201
    assert role.status_code == 422


def test_the_back_office_shows_each_organiser_their_events_typed_ones(
    client, event, online, elsewhere, staff_organiser, other_organiser
):
    register(client, event, organization_name="Mine Typed Institute")
    register(client, elsewhere, organization_name="Their Typed Institute")
    Organization.objects.create(name="Listed University", country="KE")

    client.force_login(staff_organiser)
    page = client.get("/admin/events/organization/").content.decode()
    found = client.get(
        "/admin/autocomplete/",
        {
            "term": "Institute",
            "app_label": "events",
            "model_name": "eventorganization",
            "field_name": "organization",
        },
    ).json()

    assert "Mine Typed Institute" in page and "Listed University" in page
    assert "Their Typed Institute" not in page
    assert [item["text"] for item in found["results"]] == ["Mine Typed Institute (KE)"]


def test_an_organiser_accepts_a_typed_organisation(client, event, online, staff_organiser):
    typed = register(client, event).organization
    client.force_login(staff_organiser)

    response = client.post(
        "/admin/events/organization/",
        {"action": "accept", "_selected_action": [typed.pk]},
        follow=True,
    )

    typed.refresh_from_db()
    assert typed.listed
    assert "1 organisation accepted into the shared registry." in response.content.decode()
    assert [o["name"] for o in client.get("/api/organizations?q=Policy").json()["items"]] == [
        "Nairobi Policy Lab"
    ]


def test_accepting_one_the_registry_has_merges_them(client, event, online, staff_organiser):
    typed = register(client, event).organization
    EventOrganization.objects.create(event=event, organization=typed, role="partner")
    listed = Organization.objects.create(name="NAIROBI POLICY LAB", country="KE")
    EventOrganization.objects.create(event=event, organization=listed, role="partner")
    registration = Registration.objects.get()
    client.force_login(staff_organiser)

    client.post("/admin/events/organization/", {"action": "accept", "_selected_action": [typed.pk]})

    registration.refresh_from_db()
    assert registration.organization == listed
    assert not Organization.objects.filter(pk=typed.pk).exists()
    assert (
        EventOrganization.objects.filter(event=event, role="partner").get().organization == listed
    )


def test_an_organiser_of_another_event_cannot_accept_it(
    client, event, online, other_organiser, staff_organiser
):
    typed = register(client, event).organization
    client.force_login(other_organiser)

    response = client.post(
        "/admin/events/organization/",
        {"action": "accept", "_selected_action": [typed.pk]},
        follow=True,
    )

    typed.refresh_from_db()
    assert not typed.listed
    assert "1 organisation accepted" not in response.content.decode()
