"""Downloading materials: public ones for anyone who may see the event; "participants only" ones
for a confirmed registration (the signed-in user's, or a private link's), the event's team and
the session's people; anonymous callers sent to sign in, others refused with a page that says how
to get it; the headers of a file; links redirected after the same checks."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from registrations.links import magic_token
from registrations.models import State
from sessions.models import RoleKind
from sessions.services.materials import material_add
from sessions.services.programme import programme_publish
from tests.factories import PersonFactory, SessionFactory, SessionRoleFactory, UserFactory
from tests.factories.registrations import RegistrationFactory, TicketTypeFactory

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.7\n" + b"0" * 100


@pytest.fixture
def session(event):
    session = SessionFactory(event=event, title="Opening panel")
    programme_publish(event=event, by=None)
    return session


def _add(session, audience="participants", **fields):
    fields = fields or {
        "kind": "slides",
        "file": SimpleUploadedFile("Déclaration finale.pdf", PDF, content_type="text/html"),
    }
    return material_add(
        event=session.event, session=session, by=None, title="Slides", audience=audience, **fields
    )


@pytest.fixture
def restricted(session):
    return _add(session)


@pytest.fixture
def ticket(event):
    return TicketTypeFactory(event=event, name="Delegate")


def url(material, token=""):
    return f"/events/seminar/materials/{material.pk}/" + (f"?r={token}" if token else "")


def body(response) -> bytes:
    return b"".join(response.streaming_content)


def test_participants_only_sends_anonymous_to_sign_in(client, restricted):
    response = client.get(url(restricted))

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/") or "login" in response["Location"]
    assert f"next=/events/seminar/materials/{restricted.pk}/" in response["Location"]


def test_participants_only_refuses_an_outsider_saying_how_to_get_it(client, restricted, outsider):
    client.force_login(outsider)

    response = client.get(url(restricted))

    assert response.status_code == 403
    page = response.content.decode()
    assert "confirmed participants" in page
    assert "/events/seminar/register/" in page
    assert "confirmation mail" in page


def test_an_unconfirmed_registration_is_not_enough(client, restricted, ticket):
    user = UserFactory(username="waiting")
    RegistrationFactory(ticket=ticket, user=user, state=State.AWAITING_APPROVAL)
    client.force_login(user)

    assert client.get(url(restricted)).status_code == 403


def test_a_confirmed_participant_downloads_with_the_headers(client, restricted, ticket):
    user = UserFactory(username="delegate")
    RegistrationFactory(ticket=ticket, user=user, state=State.CONFIRMED)
    client.force_login(user)

    response = client.get(url(restricted))

    assert response.status_code == 200
    assert body(response) == PDF
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == (
        "attachment; filename*=utf-8''D%C3%A9claration%20finale.pdf"
    )
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Security-Policy"] == "default-src 'none'; sandbox"
    assert response["Cache-Control"] == "private, no-store"


def test_a_private_link_opens_it_without_an_account(client, restricted, ticket):
    registration = RegistrationFactory(ticket=ticket, state=State.CONFIRMED)

    response = client.get(url(restricted, magic_token(registration)))

    assert response.status_code == 200
    assert body(response) == PDF


def test_a_private_link_of_another_event_or_a_bad_one_does_not(client, restricted):
    elsewhere = RegistrationFactory(state=State.CONFIRMED)

    assert client.get(url(restricted, magic_token(elsewhere))).status_code == 302
    assert client.get(url(restricted, "not-a-token")).status_code == 302


@pytest.mark.parametrize("who", ["organiser", "checkin_staff"])
def test_the_team_downloads_it(client, request, restricted, who):
    client.force_login(request.getfixturevalue(who))

    assert client.get(url(restricted)).status_code == 200


def test_the_sessions_people_download_it(client, session, restricted):
    user = UserFactory(username="rapporteur")
    SessionRoleFactory(
        session=session,
        role=RoleKind.RAPPORTEUR,
        person=PersonFactory(event=session.event, user=user),
    )
    client.force_login(user)

    assert client.get(url(restricted)).status_code == 200


def test_a_public_file_is_for_anyone_and_cached_publicly(client, session):
    material = _add(session, audience="public")

    response = client.get(url(material))

    assert response.status_code == 200
    assert body(response) == PDF
    assert response["Cache-Control"] == "public, max-age=3600"
    assert response["Content-Security-Policy"] == "default-src 'none'; sandbox"


def test_a_link_redirects_after_the_same_checks(client, session, outsider, organiser):
    link = _add(session, kind="recording", url="https://video.example.org/v/42")

    anonymous = client.get(url(link))
    client.force_login(outsider)
    refused = client.get(url(link))
    client.force_login(organiser)
    allowed = client.get(url(link))

    assert anonymous.status_code == 302 and "login" in anonymous["Location"]
    assert refused.status_code == 403
    assert (allowed.status_code, allowed["Location"]) == (302, "https://video.example.org/v/42")


def test_a_draft_sessions_material_is_not_found_for_the_public(client, event, organiser):
    draft = SessionFactory(event=event, title="Draft", status="draft")
    programme_publish(event=event, by=None)
    draft.status = "draft"
    draft.save(update_fields=["status"])
    material = _add(draft, audience="public")

    assert client.get(url(material)).status_code == 404
    client.force_login(organiser)
    assert client.get(url(material)).status_code == 200


def test_an_unknown_material_is_404(client, event):
    assert client.get("/events/seminar/materials/999/").status_code == 404
