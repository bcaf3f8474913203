"""The demo conference's registrations: someone to list, count and check in on make run."""

import pytest

from events.demo import seed_demo_event
from registrations.models import Registration
from sessions.demo_programme import PEOPLE

pytestmark = pytest.mark.django_db


def test_demo_has_confirmed_delegates_with_badges_and_online_participants():
    event, _ = seed_demo_event()

    registrations = Registration.objects.filter(event=event)
    in_person = registrations.filter(mode="in_person")
    assert registrations.count() == len(PEOPLE)
    assert set(registrations.values_list("state", flat=True)) == {"confirmed"}
    assert in_person.count() > 0 and registrations.filter(mode="online").count() > 0
    assert not in_person.filter(badge_secret=None).exists()
