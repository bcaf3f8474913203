"""The waiting list: freed seats are offered in order, offers run out and move on, attendees
accept, cancel and switch mode through their link."""

from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from registrations import links
from registrations.models import Registration
from registrations.services.quotas import SoldOut, quota_for_mode
from registrations.services.registrations import (
    registration_cancel,
    registration_create,
    registration_mode_change,
)
from registrations.services.tickets import quota_set, ticket_create
from registrations.services.waitlist import (
    registration_expire,
    registration_offer,
    registration_offer_accept,
)
from tests.helpers import state_of

pytestmark = pytest.mark.django_db

State = Registration.State


def person(ticket, name, mode="in_person"):
    return registration_create(
        ticket=ticket,
        mode=mode,
        consent_version="v1",
        name=name,
        email=f"{name.lower()}@example.org",
        country="KE",
    )


@pytest.fixture
def hall(event):
    return ticket_create(event=event, by=None, name="Hall", modes="in_person", quota=1)


def test_a_freed_seat_is_offered_to_the_first_in_line_only(hall):
    first = person(hall, "Ana")
    second, third = person(hall, "Ben"), person(hall, "Chen")
    assert (second.state, third.state) == (State.WAITLISTED, State.WAITLISTED)

    registration_cancel(registration=first, by=None)

    offered = Registration.objects.get(pk=second.pk)
    assert offered.state == State.OFFERED
    assert offered.offer_expires_at > timezone.now() + timedelta(hours=47)
    assert state_of(third) == State.WAITLISTED
    # The offer holds the seat: a newcomer joins the list.
    assert person(hall, "Dev").state == State.WAITLISTED


def test_an_offer_that_runs_out_moves_on_to_the_next(hall):
    first, second, third = person(hall, "Ana"), person(hall, "Ben"), person(hall, "Chen")
    registration_cancel(registration=first, by=None)
    Registration.objects.filter(pk=second.pk).update(
        offer_expires_at=timezone.now() - timedelta(seconds=1)
    )

    assert registration_expire(second.pk, State.OFFERED) == "expired"

    assert state_of(second) == State.CANCELLED
    assert state_of(third) == State.OFFERED
    assert registration_expire(second.pk, State.OFFERED) == "moved on"  # a second run does nothing


def test_an_offer_is_expired_only_after_its_deadline(hall):
    first, second = person(hall, "Ana"), person(hall, "Ben")
    registration_cancel(registration=first, by=None)

    assert registration_expire(second.pk, State.OFFERED) == "not yet"
    assert state_of(second) == State.OFFERED


def test_each_offer_schedules_its_own_deadline(hall, django_capture_on_commit_callbacks):
    first, second = person(hall, "Ana"), person(hall, "Ben")
    with django_capture_on_commit_callbacks(execute=True):
        registration_cancel(registration=first, by=None)

    deadline = Registration.objects.get(pk=second.pk).offer_expires_at
    task = DBTaskResult.objects.get(task_path="registrations.services.waitlist.expire_when_due")
    assert task.args_kwargs["args"] == [second.pk, State.OFFERED]
    assert task.run_after == deadline


def test_accepting_an_offer_confirms_a_free_ticket(hall):
    first, second = person(hall, "Ana"), person(hall, "Ben")
    registration_cancel(registration=first, by=None)

    registration_offer_accept(registration=second)

    assert state_of(second) == State.CONFIRMED


def test_accepting_an_offer_of_a_paid_ticket_holds_the_seat_for_payment(event):
    paid = ticket_create(
        event=event, by=None, name="Paid", modes="in_person", quota=1, price="50.00"
    )
    first, second = person(paid, "Ana"), person(paid, "Ben")
    registration_cancel(registration=first, by=None)

    registration_offer_accept(registration=second)

    accepted = Registration.objects.get(pk=second.pk)
    assert accepted.state == State.PENDING_PAYMENT
    assert accepted.hold_expires_at > timezone.now()


def test_raising_a_quota_offers_the_new_seats_in_order(hall):
    person(hall, "Ana")
    second, third, fourth = person(hall, "Ben"), person(hall, "Chen"), person(hall, "Dev")

    quota_set(quota=hall.quota, by=None, size=3)

    assert [state_of(r) for r in (second, third, fourth)] == [
        State.OFFERED,
        State.OFFERED,
        State.WAITLISTED,
    ]


def test_an_organiser_can_offer_by_hand_only_when_a_seat_is_free(hall, organiser):
    first, second = person(hall, "Ana"), person(hall, "Ben")
    with pytest.raises(SoldOut):
        registration_offer(registration=second, by=organiser)

    quota_set(quota=hall.quota, by=None, size=1)  # unchanged: still full
    registration_cancel(registration=first, by=organiser)
    assert state_of(second) == State.OFFERED  # the freed seat went to the list at once


def test_expire_registrations_command_catches_up_on_missed_deadlines(event):
    paid = ticket_create(
        event=event, by=None, name="Paid", modes="in_person", quota=1, price="50.00"
    )
    holder, waiting = person(paid, "Ana"), person(paid, "Ben")
    Registration.objects.filter(pk=holder.pk).update(
        hold_expires_at=timezone.now() - timedelta(minutes=1)
    )
    out = StringIO()

    call_command("expire_registrations", stdout=out)

    assert "1 hold(s) and offer(s) expired." in out.getvalue()
    assert state_of(holder) == State.CANCELLED
    assert state_of(waiting) == State.OFFERED


# --- the attendee's page ----------------------------------------------------------------------


def mine(registration) -> str:
    return f"/events/seminar/registration/{links.magic_token(registration)}/"


def test_attendee_cancels_through_their_link_and_the_list_moves(client, hall):
    first, second = person(hall, "Ana"), person(hall, "Ben")

    response = client.post(mine(first) + "cancel/", follow=True)

    assert "Your registration is cancelled." in response.content.decode()
    assert state_of(first) == State.CANCELLED
    assert state_of(second) == State.OFFERED


def test_attendee_accepts_the_offer_through_their_link(client, hall):
    first, second = person(hall, "Ana"), person(hall, "Ben")
    registration_cancel(registration=first, by=None)

    page = client.get(mine(second)).content.decode()
    response = client.post(mine(second) + "accept/", follow=True)

    assert "Accept the seat" in page
    assert "your place is confirmed" in response.content.decode()
    assert state_of(second) == State.CONFIRMED


def test_attendee_switches_mode_only_when_the_other_mode_has_a_seat(client, event):
    either = ticket_create(event=event, by=None, name="Partner", modes="either")
    quota_set(quota=quota_for_mode(event, "online"), by=None, size=1)
    person(either, "Ana", mode="online")
    ben = person(either, "Ben", mode="in_person")

    refused = client.post(mine(ben) + "attendance/", {"mode": "online"}, follow=True)

    assert "There is no free seat for online attendance." in refused.content.decode()
    assert Registration.objects.get(pk=ben.pk).mode == "in_person"
    quota_set(quota=quota_for_mode(event, "online"), by=None, size=2)
    client.post(mine(ben) + "attendance/", {"mode": "online"})
    assert Registration.objects.get(pk=ben.pk).mode == "online"


def test_attendee_gets_the_mail_again(client, hall, django_capture_on_commit_callbacks):
    ana = person(hall, "Ana")

    with django_capture_on_commit_callbacks(execute=True):
        client.post(mine(ana) + "resend/")

    assert DBTaskResult.objects.filter(task_path="registrations.mail.send_state_mail").exists()


def test_organiser_offers_a_seat_from_the_list_page(client, hall, organiser):
    person(hall, "Ana")
    ben = person(hall, "Ben")
    quota_set(quota=hall.quota, by=None, size=1)
    Registration.objects.filter(pk=ben.pk).update(state=State.WAITLISTED)  # still waiting
    hall.quota.size = 2
    hall.quota.save(update_fields=["size"])  # a seat, not yet offered
    client.force_login(organiser)

    listing = client.get("/events/seminar/manage/registrations/").content.decode()
    response = client.post(f"/events/seminar/manage/registrations/{ben.pk}/offer/", follow=True)

    assert "Offer a seat" in listing
    assert "is offered a seat until" in response.content.decode()
    assert state_of(ben) == State.OFFERED


def test_a_newcomer_does_not_take_a_lapsed_offer_from_those_waiting(hall):
    first, second, third = person(hall, "Ana"), person(hall, "Ben"), person(hall, "Chen")
    registration_cancel(registration=first, by=None)  # Ben is offered the seat
    Registration.objects.filter(pk=second.pk).update(
        offer_expires_at=timezone.now() - timedelta(seconds=1)
    )  # ...and lets it lapse; the worker has not run yet

    newcomer = person(hall, "Dev")

    assert newcomer.state == State.WAITLISTED
    assert state_of(second) == State.CANCELLED
    assert state_of(third) == State.OFFERED


def test_switching_mode_does_not_count_the_registration_against_itself(client, event):
    either = ticket_create(event=event, by=None, name="Partner", modes="either", quota=1)
    ana = person(either, "Ana", mode="in_person")

    registration_mode_change(registration=ana, mode="online")

    assert Registration.objects.get(pk=ana.pk).mode == "online"
