"""The programme in the back office: scoped to the organiser's events, writes through the
services (so the update log and the checks apply), sessions edited in the builder."""

import pytest
from django.contrib.auth.models import Group

from events.models import TeamMember
from sessions.models import Person, Session, SessionUpdate
from sessions.services.programme import programme_publish
from tests.factories import EventFactory, PersonFactory, SessionFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_people_and_sessions_of_other_events_are_not_listed(client, event, staff_organiser):
    other = EventFactory(slug="someone-else")
    PersonFactory(event=event, name="Amina Yusuf")
    PersonFactory(event=other, name="Hidden Person")
    SessionFactory(event=event, title="Opening ceremony")
    SessionFactory(event=other, title="Hidden Session")
    client.force_login(staff_organiser)

    people = client.get("/admin/agenda/person/").content.decode()
    sessions = client.get("/admin/agenda/session/").content.decode()

    assert "Amina Yusuf" in people and "Hidden Person" not in people
    assert "Opening ceremony" in sessions and "Hidden Session" not in sessions
    assert "UTC+08:00" in sessions  # times in the event's zone, offset stated


def test_adding_a_person_goes_through_the_service(client, event, staff_organiser):
    client.force_login(staff_organiser)

    response = client.post(
        "/admin/agenda/person/add/",
        {"event": event.pk, "honorific": "Prof.", "name": "Chen Wei", "country": "CN"},
    )

    assert response.status_code == 302
    person = Person.objects.get(name="Chen Wei")
    assert person.event == event and person.display_name == "Prof. Chen Wei"


def test_deleting_a_person_with_roles_is_refused_with_the_reason(client, event, staff_organiser):
    session = SessionFactory(event=event)
    person = PersonFactory(event=event, name="Busy Speaker")
    session.roles.create(person=person, role="speaker")
    client.force_login(staff_organiser)

    response = client.post(f"/admin/agenda/person/{person.pk}/delete/", {"post": "yes"})

    assert response.status_code == 409
    assert "has 1 role in a session; remove it from that session first" in response.content.decode()
    assert Person.objects.filter(pk=person.pk).exists()


def test_publish_action_publishes_drafts_and_logs_them(client, event, staff_organiser):
    programme_publish(event=event, by=None)
    draft = SessionFactory(event=event, status="draft", title="Late addition")
    client.force_login(staff_organiser)

    client.post(
        "/admin/agenda/session/",
        {"action": "publish_selected", "_selected_action": [draft.pk]},
    )

    draft.refresh_from_db()
    assert draft.status == Session.Status.SCHEDULED
    logged = SessionUpdate.objects.get(event=event, session=draft)
    assert logged.kind == "published" and logged.actor == staff_organiser


def test_sessions_cannot_be_added_or_deleted_in_the_back_office(client, event, staff_organiser):
    session = SessionFactory(event=event)
    client.force_login(staff_organiser)

    assert client.get("/admin/agenda/session/add/").status_code == 403
    assert client.get(f"/admin/agenda/session/{session.pk}/delete/").status_code == 403
    change = client.get(f"/admin/agenda/session/{session.pk}/change/").content.decode()
    assert f"/events/seminar/manage/sessions/{session.pk}/" in change


def test_check_in_staff_cannot_change_people(client, event):
    user = UserFactory(username="desk", is_staff=True)
    user.groups.add(Group.objects.get(name="Organisers"))
    TeamMember.objects.create(event=event, user=user, role=TeamMember.Role.CHECKIN)
    person = PersonFactory(event=event)
    client.force_login(user)

    response = client.post(
        f"/admin/agenda/person/{person.pk}/change/", {"name": "Renamed", "country": "KE"}
    )

    assert response.status_code == 403
    person.refresh_from_db()
    assert person.name != "Renamed"
