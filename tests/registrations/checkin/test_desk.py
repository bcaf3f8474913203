"""The check-in desk page without JavaScript: typed codes and search."""

import pytest

pytestmark = pytest.mark.django_db

DESK = "/events/seminar/checkin/"


def test_typing_a_code_admits_then_says_already_checked_in(client, checkin_staff, guest):
    client.force_login(checkin_staff)

    first = client.post(DESK, {"secret": guest.badge_secret, "gate": "North"}).content.decode()
    second = client.post(DESK, {"secret": guest.badge_secret}).content.decode()

    assert "ADMITTED" in first and "Amina Yusuf" in first
    assert "ALREADY CHECKED IN" in second and "North" in second


def test_finding_someone_without_their_badge_and_checking_them_in(client, checkin_staff, guest):
    client.force_login(checkin_staff)

    found = client.get(DESK, {"q": "amina"}).content.decode()
    admitted = client.post(DESK, {"registration": guest.pk}).content.decode()

    assert "Amina Yusuf" in found and f'value="{guest.pk}"' in found
    assert "ADMITTED" in admitted


def test_an_unknown_code_is_not_admitted(client, checkin_staff, guest):
    client.force_login(checkin_staff)

    html = client.post(DESK, {"secret": "nonsense"}).content.decode()

    assert "NOT ADMITTED" in html and "not a badge of this event" in html


def test_digits_of_other_scripts_are_a_clear_refusal_not_a_500(client, checkin_staff, guest):
    client.force_login(checkin_staff)

    # str.isdigit() takes "²" and "٣", which int() refuses.
    person = client.post(DESK, {"registration": "²"})
    door = client.post(f"{DESK}?door=٣", {"secret": guest.badge_secret})

    assert person.status_code == 422
    assert "Scan or type a badge code" in person.content.decode()
    assert door.status_code == 200 and "ADMITTED" in door.content.decode()


def test_the_desk_is_for_check_in_staff_and_organisers(client, outsider, guest):
    assert client.get(DESK).status_code == 302  # to the sign-in page
    client.force_login(outsider)
    assert client.get(DESK).status_code == 403
