"""The participant's own page says what fits how they attend: a badge to show at the entrance
in person; online, no badge and no door, but where they follow the event."""

import pytest

from registrations import links
from registrations.services.registrations import registration_cancel, registration_mode_change
from tests.factories.registrations import registered, ticket

pytestmark = pytest.mark.django_db


def page(client, registration) -> str:
    path = f"/events/{registration.event.slug}/registration/{links.magic_token(registration)}/"
    response = client.get(path)
    assert response.status_code == 200
    return response.content.decode()


def test_in_person_participants_get_their_badge_for_the_entrance(client, event):
    delegate = registered(ticket(event, name="Delegate"), name="Amina Yusuf")

    html = page(client, delegate)

    assert "Show this at the entrance" in html
    assert 'class="badge-qr"' in html and delegate.badge_secret in html
    assert "PDF (A6, for printing)" in html and "/badge.pdf" in html
    assert "/events/seminar/live/?r=" in html and "You attend online" not in html


def test_online_participants_are_told_where_to_follow_not_to_show_a_badge(client, event):
    online = registered(ticket(event, name="Online", modes="online"), name="Ouyang Na")

    html = page(client, online)

    assert "You attend online" in html and "data-attends-online" in html
    assert "/events/seminar/live/?r=" in html and "Open the live page" in html
    assert "entrance" not in html and "A6, for printing" not in html
    assert 'class="badge-qr"' not in html and online.badge_secret not in html
    assert "/badge.pdf" not in html and "/badge.png" not in html


def test_switching_to_in_person_brings_the_badge(client, event):
    either = ticket(event, name="Partner", modes="either")
    person = registered(either, mode="online", name="Milica Jovanović")
    assert "You attend online" in page(client, person)

    registration_mode_change(registration=person, mode="in_person")

    html = page(client, person)
    assert "Show this at the entrance" in html and "You attend online" not in html


def test_a_cancelled_registration_offers_neither_badge_nor_live_page(client, event):
    online = registered(ticket(event, name="Online", modes="online"))
    registration_cancel(registration=online, by=None)

    html = page(client, online)

    assert "You attend online" not in html and "entrance" not in html
    assert "/live/?r=" not in html
