"""The demo conference's registrations: someone to list, count and check in on make run."""

import pytest

from confman.demo.events import seed_demo_event
from confman.demo.programme_data import PEOPLE
from registrations.checkin.scan import checkin_scan
from registrations.models import Registration

pytestmark = pytest.mark.django_db


def test_demo_has_confirmed_delegates_with_badges_and_online_participants():
    event, _ = seed_demo_event()

    registrations = Registration.objects.filter(event=event)
    in_person = registrations.filter(mode="in_person")
    assert registrations.count() == len(PEOPLE)
    assert set(registrations.values_list("state", flat=True)) == {"confirmed"}
    assert in_person.count() > 0 and registrations.filter(mode="online").count() > 0
    assert not in_person.filter(badge_secret=None).exists()


def test_demo_has_morning_check_ins_and_a_badge_still_to_admit():
    from confman.demo.registrations import demo_badge_to_scan
    from registrations.models import CheckIn

    event, _ = seed_demo_event()

    admitted = CheckIn.objects.filter(event=event, result="ok", type="entry")
    delegates = Registration.objects.filter(event=event, mode="in_person")
    assert 0 < admitted.count() < delegates.count()
    assert set(admitted.values_list("gate", flat=True)) == {"Main entrance", "North entrance"}
    badge = demo_badge_to_scan(event)
    first = checkin_scan(event=event, secret=badge.badge_secret, device="newcomer", by=None)
    again = checkin_scan(event=event, secret=badge.badge_secret, device="newcomer", by=None)
    assert first.ok and again.result == "already_checked_in"


def test_demo_tickets_speak_english_and_chinese():
    event, _ = seed_demo_event()

    tickets = list(event.ticket_types.order_by("order"))

    assert [t.name.translations for t in tickets] == [
        {"en": "Online participant", "zh-hans": "线上参会者"},
        {"en": "Delegate", "zh-hans": "代表"},
        {"en": "IIOE partner", "zh-hans": "IIOE合作伙伴"},
    ]
    assert all(set(t.description.translations) == {"en", "zh-hans"} for t in tickets)
    assert {r.ticket.name.translations["en"] for r in Registration.objects.filter(event=event)} == {
        "Online participant",
        "Delegate",
    }
