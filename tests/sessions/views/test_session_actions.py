"""What an organiser does to one session from its page: publish, cancel, reinstate, delete, and
give a person a role, take it away or add a new person."""

import pytest

from sessions.models import (
    ConflictOverride,
    Person,
    RoleKind,
    Session,
    SessionRole,
    SessionStatus,
    UpdateKind,
)
from tests.factories import EventFactory, PersonFactory, SessionFactory, SessionRoleFactory
from tests.helpers import page, publish
from tests.sessions.views.helpers import BUILDER, edit_url, step_url, updates

pytestmark = pytest.mark.django_db

Status = SessionStatus


def test_action_publish_puts_a_draft_on_the_programme(client, event, hall, organiser):
    publish(event)
    draft = SessionFactory(event=event, room=hall, title="Late addition", status=Status.DRAFT)
    client.force_login(organiser)

    response = client.post(step_url(draft, "publish"), follow=True)

    draft.refresh_from_db()
    assert draft.status == Status.SCHEDULED
    assert "“Late addition” is on the programme." in page(response)
    assert len(updates(draft, UpdateKind.PUBLISHED)) == 1


def test_action_publish_of_an_unplaced_draft_is_an_error(client, event, organiser):
    draft = SessionFactory(event=event, room=None, start=None, end=None, status=Status.DRAFT)
    client.force_login(organiser)

    response = client.post(step_url(draft, "publish"), follow=True)

    draft.refresh_from_db()
    assert draft.status == Status.DRAFT
    assert "message--error" in page(response)


def test_action_cancel_with_reason_then_reinstate(client, event, hall, organiser):
    session = SessionFactory(event=event, room=hall, title="Outdoor visit")
    publish(event)
    client.force_login(organiser)

    cancelled = client.post(step_url(session, "cancel"), {"reason": "Typhoon warning"}, follow=True)

    session.refresh_from_db()
    assert session.status == Status.CANCELLED
    assert "“Outdoor visit” is cancelled; it stays on the programme, marked." in page(cancelled)
    logged = updates(session, UpdateKind.CANCELLED)
    assert [u.message for u in logged] == ["Typhoon warning"]
    assert "Reinstate" in page(cancelled)

    reinstated = client.post(step_url(session, "reinstate"), follow=True)

    session.refresh_from_db()
    assert session.status == Status.SCHEDULED
    assert "“Outdoor visit” is back on the programme." in page(reinstated)
    assert updates(session, UpdateKind.STATUS)[-1].changes["status"] == {
        "before": "cancelled",
        "after": "scheduled",
    }


def test_action_reinstate_into_a_taken_room_is_refused(client, event, hall, organiser):
    session = SessionFactory(event=event, room=hall, status=Status.CANCELLED)
    SessionFactory(event=event, room=hall, title="Took the room")
    client.force_login(organiser)

    response = client.post(step_url(session, "reinstate"), follow=True)

    session.refresh_from_db()
    assert session.status == Status.CANCELLED
    assert "“Hall A” is taken by “Took the room”" in page(response)


def test_action_delete_removes_a_draft(client, event, hall, organiser):
    draft = SessionFactory(event=event, room=hall, title="Bad idea", status=Status.DRAFT)
    client.force_login(organiser)

    response = client.post(step_url(draft, "delete"), follow=True)

    assert not Session.objects.filter(pk=draft.pk).exists()
    assert response.redirect_chain == [(BUILDER, 302)]
    assert "“Bad idea” is deleted." in page(response)


def test_action_delete_of_a_public_session_is_refused(client, event, hall, organiser):
    session = SessionFactory(event=event, room=hall, title="Announced")
    publish(event)
    client.force_login(organiser)

    response = client.post(step_url(session, "delete"), follow=True)

    assert Session.objects.filter(pk=session.pk).exists()
    assert "cancel it instead" in page(response)


def test_action_assign_and_unassign_a_person(client, event, hall, organiser):
    session = SessionFactory(event=event, room=hall, title="Panel on access")
    person = PersonFactory(event=event, name="Ngozi Okafor")
    client.force_login(organiser)

    assigned = client.post(
        step_url(session, "people"), {"person": person.pk, "role": "moderator"}, follow=True
    )

    link = SessionRole.objects.get(session=session)
    assert (link.person, link.role) == (person, RoleKind.MODERATOR)
    assert "Ngozi Okafor is added to “Panel on access”." in page(assigned)
    assert "<strong><bdi>Ngozi Okafor</bdi></strong>, moderator" in page(assigned)

    removed = client.post(step_url(session, f"people/{link.pk}/remove"), follow=True)

    assert not SessionRole.objects.filter(session=session).exists()
    assert "Ngozi Okafor is removed from “Panel on access”." in page(removed)
    assert Person.objects.filter(pk=person.pk).exists()


def test_action_assign_a_busy_person_needs_the_override(client, event, hall, annex, organiser):
    person = PersonFactory(event=event, name="Dr Busy")
    SessionRoleFactory(session=SessionFactory(event=event, room=hall), person=person)
    session = SessionFactory(event=event, room=annex, title="Same time")
    client.force_login(organiser)
    data = {"person": person.pk, "role": "speaker"}

    refused = client.post(step_url(session, "people"), data, follow=True)

    assert not SessionRole.objects.filter(session=session).exists()
    assert "Dr Busy is also in" in page(refused)

    client.post(step_url(session, "people"), {**data, "override": "on"})

    assert SessionRole.objects.filter(session=session, person=person).exists()
    assert ConflictOverride.objects.filter(session=session, person=person).exists()


def test_action_assign_a_person_of_another_event_is_refused(client, event, hall, organiser):
    session = SessionFactory(event=event, room=hall)
    foreign = PersonFactory(event=EventFactory(), name="Foreigner")
    client.force_login(organiser)

    response = client.post(
        step_url(session, "people"), {"person": foreign.pk, "role": "speaker"}, follow=True
    )

    assert not SessionRole.objects.exists()
    assert "That person is not on this event" in page(response)


def test_action_new_person_creates_the_person_and_the_role(client, event, hall, organiser):
    session = SessionFactory(event=event, room=hall, title="Panel on access")
    client.force_login(organiser)

    response = client.post(
        step_url(session, "people/new"),
        {
            "honorific": "Prof.",
            "name": "Kwame Mensah",
            "position": "Vice-Chancellor",
            "organization": "",
            "country": "GH",
            "email": "kwame@example.org",
            "bio": "",
            "role": "panellist",
        },
        follow=True,
    )

    person = Person.objects.get(name="Kwame Mensah")
    assert (person.event, person.honorific, person.country.code) == (event, "Prof.", "GH")
    assert person.email == "kwame@example.org"
    link = SessionRole.objects.get(session=session)
    assert (link.person, link.role) == (person, RoleKind.PANELLIST)
    assert "Prof. Kwame Mensah is added to the event and to “Panel on access”." in page(response)


def test_action_new_person_without_a_name_is_refused(client, event, hall, organiser):
    session = SessionFactory(event=event, room=hall)
    client.force_login(organiser)

    response = client.post(
        step_url(session, "people/new"), {"name": "", "role": "speaker"}, follow=True
    )

    assert not Person.objects.exists()
    assert "The person was not added" in page(response)


def test_session_pages_for_organisers_only(client, event, hall, checkin_staff):
    session = SessionFactory(event=event, room=hall, status=Status.DRAFT)
    client.force_login(checkin_staff)

    assert client.get(edit_url(session)).status_code == 403
    assert client.post(step_url(session, "delete")).status_code == 403
    assert Session.objects.filter(pk=session.pk).exists()
