"""Personal data: an organiser hands one registrant everything kept about them, and removes
every registrant's personal data once the event is over, by hand or on its own after the
retention period; the counts and check-in figures stay."""

import datetime as dt
import json

import pytest
from django.core.management import call_command
from django.utils import timezone

from confman.core.exceptions import DomainError
from registrations.checkin.scan import checkin_scan
from registrations.models import CheckIn, Registration, RegistrationSettings, Transition
from registrations.selectors import registration_counts
from registrations.services.personal_data import (
    anonymise_when_due,
    event_registrations_anonymise,
    registrations_anonymise_due,
)
from registrations.services.registrations import registration_cancel
from tests.factories.registrations import registered, ticket

pytestmark = pytest.mark.django_db


@pytest.fixture
def delegates(today_event):
    hall = ticket(today_event, name="Delegate")
    amina = registered(hall, name="Amina Yusuf", email="amina@example.org", dietary_needs="Halal")
    li = registered(hall, name="Li Wei", email="li@example.org")
    checkin_scan(event=today_event, secret=amina.badge_secret, device="desk", by=None)
    registration_cancel(registration=li, by=None, reason="Li Wei wrote that he is ill")
    return amina, li


def _over(event):
    event.start_date = event.end_date = timezone.now().date() - dt.timedelta(days=3)
    event.save()


def test_an_organiser_downloads_everything_kept_about_one_registrant(
    client, today_event, delegates, organiser
):
    amina, _li = delegates
    client.force_login(organiser)

    response = client.get(f"/events/seminar/manage/registrations/{amina.pk}/personal-data.json")

    assert response.status_code == 200
    assert "attachment" in response["Content-Disposition"]
    data = json.loads(response.content)
    assert data["registration"]["name"] == "Amina Yusuf"
    assert data["registration"]["dietary_needs"] == "Halal"
    assert [c["answer"] for c in data["check_ins"]] == ["ok"]
    assert data["history"][0]["to"] == "confirmed"


def test_personal_data_is_removed_once_the_event_is_over_and_the_counts_stay(
    today_event, delegates, organiser
):
    amina, li = delegates
    with pytest.raises(DomainError) as early:
        event_registrations_anonymise(event=today_event, by=organiser)
    assert early.value.code == "event_not_over"
    _over(today_event)
    before = registration_counts(today_event, list(today_event.ticket_types.all()))

    count = event_registrations_anonymise(event=today_event, by=organiser)
    again = event_registrations_anonymise(event=today_event, by=organiser)

    assert (count, again) == (2, 0)
    amina.refresh_from_db()
    assert (amina.name, amina.email, amina.dietary_needs, amina.badge_secret) == (
        f"#{amina.reference}",
        "",
        "",
        None,
    )
    assert amina.anonymised_at is not None
    assert not Transition.objects.filter(registration=li).exclude(reason="").exists()
    assert CheckIn.objects.filter(registration=amina, result="ok").count() == 1
    after = registration_counts(today_event, list(today_event.ticket_types.all()))
    assert (after["participants"], after["countries"]) == (
        before["participants"],
        before["countries"],
    )


def test_the_organisers_page_offers_the_removal_after_the_event_and_asks_first(
    client, today_event, delegates, organiser
):
    client.force_login(organiser)
    assert (
        "Remove the personal data"
        not in client.get("/events/seminar/manage/registrations/").content.decode()
    )
    _over(today_event)
    page = client.get("/events/seminar/manage/registrations/").content.decode()
    assert "Remove the personal data" in page

    unconfirmed = client.post("/events/seminar/manage/registrations/anonymise/", follow=True)
    assert Registration.objects.filter(anonymised_at__isnull=True).count() == 2
    assert "cannot be undone" in unconfirmed.content.decode()

    done = client.post(
        "/events/seminar/manage/registrations/anonymise/", {"confirm": "yes"}, follow=True
    )
    assert "The personal data of 2 registrations was removed" in done.content.decode()
    assert not Registration.objects.filter(anonymised_at__isnull=True).exists()


def test_the_retention_period_removes_the_data_on_its_own(today_event, delegates):
    settings = RegistrationSettings.objects.create(event=today_event, retention_days=30)
    # Days are the event's own: near midnight UTC, Shanghai is already on the next one.
    local_today = timezone.localdate(timezone=today_event.tzinfo)
    today_event.start_date = today_event.end_date = local_today - dt.timedelta(days=30)
    today_event.save()

    assert anonymise_when_due.call(today_event.pk) == "not due"  # the 30th day is still kept
    today_event.start_date = today_event.end_date = local_today - dt.timedelta(days=31)
    today_event.save()
    settings.refresh_from_db()

    assert anonymise_when_due.call(today_event.pk) == "2 anonymised"
    assert registrations_anonymise_due() == 0
    call_command("anonymise_registrations")
    assert not Registration.objects.filter(anonymised_at__isnull=True).exists()
