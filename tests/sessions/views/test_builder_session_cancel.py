"""Cancelling a session asks first: a page that says what will happen (how many followers are
mailed, calendars, the live page) with the one button that cancels. The cancel itself is a
CSRF-protected POST that is harmless when repeated. Deleting a draft asks inside a disclosure."""

import re

import pytest
from django.test import Client

from sessions.models import Bookmark, RoleKind, SessionStatus, UpdateKind
from tests.factories import PersonFactory, SessionFactory, SessionRoleFactory, UserFactory
from tests.helpers import messages_of, page, publish
from tests.sessions.views.helpers import edit_url, step_url, updates

pytestmark = pytest.mark.django_db

Status = SessionStatus


def confirm_url(session) -> str:
    return step_url(session, "cancel") + "confirm/"


@pytest.fixture
def followed(event, hall):
    """A public session on two people's agendas, with a speaker who has an address: three
    people are told of a change to it."""
    session = SessionFactory(event=event, room=hall, title="Outdoor visit")
    for name in ("ana", "li"):
        Bookmark.objects.create(user=UserFactory(username=name), session=session)
    SessionRoleFactory(
        session=session,
        role=RoleKind.SPEAKER,
        person=PersonFactory(event=event, email="speaker@example.org"),
    )
    publish(event)
    return session


def test_edit_page_asks_before_cancelling_instead_of_cancelling(client, organiser, followed):
    client.force_login(organiser)

    html = page(client.get(edit_url(followed)))

    assert f'href="{confirm_url(followed)}"' in html
    assert "Cancel this session…" in html
    # No form on the page cancels at once.
    assert f'action="{step_url(followed, "cancel")}"' not in html


def test_confirmation_page_says_what_cancelling_does(client, organiser, followed):
    client.force_login(organiser)

    response = client.get(confirm_url(followed))

    assert response.status_code == 200
    html = page(response)
    assert "Cancel “<bdi>Outdoor visit</bdi>”?" in html
    assert "<strong>3 people</strong> follow this session" in html
    assert "tell them by mail that it is cancelled" in html
    assert "Calendars subscribed to the programme" in html
    assert "leaves the live page's “now” and “next”" in html
    cancel = re.escape(step_url(followed, "cancel"))
    form = re.search(rf'<form method="post" action="{cancel}"[^>]*>.*?</form>', html, re.S)
    assert form, "no form that cancels"
    assert 'name="csrfmiddlewaretoken"' in form.group(0)
    assert 'name="reason"' in form.group(0)
    assert "Keep it" in html
    # Looking is not cancelling.
    followed.refresh_from_db()
    assert followed.status == Status.SCHEDULED


def test_confirmation_page_counts_one_follower_in_the_singular(client, event, hall, organiser):
    session = SessionFactory(event=event, room=hall)
    Bookmark.objects.create(user=UserFactory(username="solo"), session=session)
    publish(event)
    client.force_login(organiser)

    html = page(client.get(confirm_url(session)))

    assert "<strong>1 person</strong> follows this session" in html


def test_confirmation_page_without_followers_says_no_mail_is_sent(client, event, hall, organiser):
    session = SessionFactory(event=event, room=hall)
    publish(event)
    client.force_login(organiser)

    html = page(client.get(confirm_url(session)))

    assert "Nobody follows this session yet" in html
    assert "no mail is sent" in html


def test_confirmation_page_before_the_programme_is_public(client, event, hall, organiser):
    session = SessionFactory(event=event, room=hall)  # scheduled, on an unpublished programme
    Bookmark.objects.create(user=UserFactory(username="early"), session=session)
    client.force_login(organiser)

    html = page(client.get(confirm_url(session)))

    assert "The programme is not public yet: nobody is told" in html
    assert "follow this session" not in html and "follows this session" not in html


def test_cancelling_from_the_confirmation_cancels_once(client, organiser, followed):
    client.force_login(organiser)

    first = client.post(step_url(followed, "cancel"), {"reason": "Typhoon warning"}, follow=True)
    again = client.post(step_url(followed, "cancel"), {"reason": "Typhoon warning"}, follow=True)

    followed.refresh_from_db()
    assert followed.status == Status.CANCELLED
    assert [u.message for u in updates(followed, UpdateKind.CANCELLED)] == ["Typhoon warning"]
    assert "is cancelled" in messages_of(page(first))
    assert again.status_code == 200  # the second press changes nothing and breaks nothing
    assert "Reinstate" in page(again)


def test_cancelling_needs_the_csrf_token(organiser, followed):
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(organiser)

    response = browser.post(step_url(followed, "cancel"), {"reason": "Forged"})

    assert response.status_code == 403
    followed.refresh_from_db()
    assert followed.status == Status.SCHEDULED


def test_cancel_is_post_only(client, organiser, followed):
    client.force_login(organiser)

    assert client.get(step_url(followed, "cancel")).status_code == 405
    followed.refresh_from_db()
    assert followed.status == Status.SCHEDULED


def test_confirmation_of_a_cancelled_session_offers_nothing_more(client, organiser, followed):
    client.force_login(organiser)
    client.post(step_url(followed, "cancel"))

    html = page(client.get(confirm_url(followed)))

    assert "already cancelled" in html
    assert f'action="{step_url(followed, "cancel")}"' not in html


def test_confirmation_of_a_draft_sends_back_to_delete_it(client, event, hall, organiser):
    draft = SessionFactory(event=event, room=hall, status=Status.DRAFT, title="Idea")
    client.force_login(organiser)

    response = client.get(confirm_url(draft), follow=True)

    assert response.redirect_chain == [(edit_url(draft), 302)]
    assert "delete it instead" in messages_of(page(response))


@pytest.mark.parametrize("who", ["checkin_staff", "chair_user"])
def test_confirmation_page_is_for_organisers_only(client, request, followed, who):
    client.force_login(request.getfixturevalue(who))

    assert client.get(confirm_url(followed)).status_code == 403


def test_deleting_a_draft_asks_inside_a_disclosure(client, event, hall, organiser):
    draft = SessionFactory(event=event, room=hall, status=Status.DRAFT)
    client.force_login(organiser)

    html = page(client.get(edit_url(draft)))

    fold = re.search(r'<details class="confirm-fold">.*?</details>', html, re.S)
    assert fold, "the delete button is not behind a disclosure"
    assert f'action="{step_url(draft, "delete")}"' in fold.group(0)
    assert "removed for good" in fold.group(0)
    assert html.count(f'action="{step_url(draft, "delete")}"') == 1
