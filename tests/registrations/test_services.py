"""The registration services: tickets with their quotas, register() with its checks and layered
capacity, availability(), and the state transitions (approve, cancel) with their history."""

import datetime as dt
from decimal import Decimal

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from confman.core.exceptions import (
    Conflict,
    DomainError,
    InvalidInput,
    NotAuthenticated,
    NotFound,
    PermissionDenied,
)
from events.models import AttendanceMode, TeamMember
from registrations.models import (
    Question,
    Quota,
    Registration,
    State,
    TicketModes,
    TicketType,
    Transition,
    Visibility,
)
from registrations.selectors import ticket_availability
from registrations.services.lifecycle import registration_transition
from registrations.services.quotas import SoldOut, quota_for_mode
from registrations.services.registrations import (
    registration_approve,
    registration_cancel,
    registration_create,
    registration_reject,
)
from registrations.services.tickets import quota_set, ticket_create
from tests.factories import OrganizationFactory, TeamMemberFactory, UserFactory
from tests.factories.registrations import (
    RegistrationFactory,
    TicketTypeFactory,
    person,
    registered,
    ticket,
)
from tests.helpers import state_of

pytestmark = pytest.mark.django_db

IN_PERSON, ONLINE = AttendanceMode.IN_PERSON, AttendanceMode.ONLINE


def fields(exc: DomainError) -> set[str]:
    return {error["field"] for error in exc.errors}


def limit_mode(event, mode: str, size: int | None) -> Quota:
    return quota_set(quota=quota_for_mode(event, mode), by=None, size=size)


def history(registration) -> list[tuple[str, str, object, str]]:
    return [
        (t.from_state, t.to_state, t.actor, t.reason)
        for t in Transition.objects.filter(registration_id=registration.pk)
    ]


def remaining(event) -> dict[tuple[str, str], int | None]:
    return {(a.ticket.name, a.mode): a.remaining for a in ticket_availability(event)}


# --- tickets ------------------------------------------------------------------------------------


def test_ticket_create_makes_its_quota(event):
    limited = ticket(event, quota=5, name="Delegate")
    unlimited = ticket(event, name="Observer", modes=TicketModes.ONLINE)

    assert Quota.objects.get(ticket=limited).size == 5
    assert Quota.objects.get(ticket=limited).event == event
    assert Quota.objects.get(ticket=limited).mode == ""
    assert Quota.objects.get(ticket=unlimited).size is None
    made = TicketTypeFactory(event=event, quota=3)
    assert made.quota.size == 3


def test_ticket_create_needs_the_registrations_role(event, organiser, checkin_staff, outsider):
    for user in (checkin_staff, outsider):
        with pytest.raises(PermissionDenied) as refused:
            ticket_create(event=event, by=user, name="Delegate")
        assert refused.value.status == 403
    assert not TicketType.objects.exists()
    made = ticket_create(event=event, by=organiser, name="Delegate", quota=2)
    assert made.quota.size == 2


@pytest.mark.parametrize(
    ("bad", "field"),
    [
        ({"price": Decimal("-1")}, "price"),
        ({"currency": "eur"}, "currency"),
        ({"modes": "hologram"}, "modes"),
        ({"visibility": "secret"}, "visibility"),
        ({"hold_minutes": 1}, "hold_minutes"),
        ({"name": ""}, "name"),
        ({"description": "x" * 2001}, "description"),
        ({"visibility": Visibility.CODE}, "access_code"),  # a code ticket without its code
        ({"sales_start": "+2", "sales_end": "+1"}, "sales_end"),  # ends before it starts
    ],
)
def test_ticket_create_names_the_bad_field(event, bad, field):
    now = timezone.now()
    bad = {
        key: now + dt.timedelta(days=int(value)) if key.startswith("sales_") else value
        for key, value in bad.items()
    }
    bad.setdefault("name", "Delegate")
    with pytest.raises(InvalidInput) as refused:
        ticket_create(event=event, by=None, **bad)
    assert refused.value.status == 422
    assert fields(refused.value) == {field}
    assert not TicketType.objects.exists()
    assert not Quota.objects.exists()


def test_ticket_create_names_a_taken_name(event):
    ticket(event, name="Delegate")
    with pytest.raises(InvalidInput) as refused:
        ticket(event, name="Delegate")
    assert fields(refused.value) == {"name"}
    assert TicketType.objects.count() == 1


# --- register: the state it starts in ----------------------------------------------------------


def test_free_ticket_with_a_seat_confirms_at_once(event):
    free = ticket(event, quota=10)
    before = timezone.now()

    registration = registration_create(
        ticket=free, mode=IN_PERSON, **person(name="Amina Njoroge", email="amina@example.org")
    )

    saved = Registration.objects.get(pk=registration.pk)
    assert saved.state == State.CONFIRMED
    assert (saved.event, saved.ticket, saved.mode) == (event, free, IN_PERSON)
    assert (saved.name, saved.email, saved.country.code) == (
        "Amina Njoroge",
        "amina@example.org",
        "KE",
    )
    assert saved.hold_expires_at is None
    assert saved.user is None
    assert saved.consent_version == "privacy-v1"
    assert before <= saved.consent_at <= timezone.now()
    assert len(saved.reference) == 8
    assert history(saved) == [("", State.CONFIRMED, None, "registered")]


def test_a_signed_in_registrant_is_recorded_as_user_and_actor(event, outsider):
    registration = registration_create(
        ticket=ticket(event), mode=IN_PERSON, by=outsider, **person()
    )
    assert Registration.objects.get(pk=registration.pk).user == outsider
    assert history(registration) == [("", State.CONFIRMED, outsider, "registered")]


def test_anonymous_user_is_the_public(event):
    registration = registration_create(
        ticket=ticket(event), mode=IN_PERSON, by=AnonymousUser(), **person()
    )
    assert registration.user is None
    assert history(registration) == [("", State.CONFIRMED, None, "registered")]


def test_organisation_and_needs_are_kept(event):
    university = OrganizationFactory(name="University of Nairobi")
    workshop = Question.objects.create(event=event, label="Workshop?", kind=Question.Kind.YES_NO)
    registration = registration_create(
        ticket=ticket(event),
        mode=IN_PERSON,
        **person(
            organization=university,
            position="Lecturer",
            accessibility_needs="Step-free access",
            dietary_needs="Vegetarian",
            answers={str(workshop.pk): True},
        ),
    )
    saved = Registration.objects.get(pk=registration.pk)
    assert saved.organization == university
    assert (saved.position, saved.accessibility_needs, saved.dietary_needs) == (
        "Lecturer",
        "Step-free access",
        "Vegetarian",
    )
    assert saved.answers == {str(workshop.pk): True}


def test_paid_ticket_holds_the_seat_for_its_minutes(event):
    paid = ticket(event, quota=1, price=Decimal("120.00"), currency="USD", hold_minutes=45)
    before = timezone.now()

    registration = registration_create(ticket=paid, mode=IN_PERSON, **person())

    after = timezone.now()
    saved = Registration.objects.get(pk=registration.pk)
    assert saved.state == State.PENDING_PAYMENT
    held = dt.timedelta(minutes=45)
    assert before + held <= saved.hold_expires_at <= after + held
    assert history(saved) == [("", State.PENDING_PAYMENT, None, "registered")]
    # The hold is a seat: the next one waits.
    assert registered(paid).state == State.WAITLISTED


def test_approval_ticket_waits_for_an_organiser_and_takes_no_seat(event):
    delegation = ticket(event, quota=1, requires_approval=True)

    first = registered(delegation)
    second = registered(delegation)

    assert state_of(first) == state_of(second) == State.AWAITING_APPROVAL
    assert history(first) == [("", State.AWAITING_APPROVAL, None, "registered")]
    assert remaining(event) == {(delegation.name, IN_PERSON): 1}


def test_approval_ticket_waits_even_when_full_and_waitlist_is_off(event):
    delegation = ticket(event, quota=0, requires_approval=True)
    registration = registration_create(
        ticket=delegation, mode=IN_PERSON, waitlist=False, **person()
    )
    assert state_of(registration) == State.AWAITING_APPROVAL


# --- register: capacity ------------------------------------------------------------------------


def test_full_ticket_puts_people_on_the_waiting_list(event):
    free = ticket(event, quota=2)
    assert [registered(free).state for _ in range(2)] == [State.CONFIRMED] * 2

    late = registered(free)

    assert state_of(late) == State.WAITLISTED
    assert history(late) == [("", State.WAITLISTED, None, "no seat left")]
    assert Registration.objects.filter(state=State.CONFIRMED).count() == 2


def test_full_ticket_without_waiting_list_is_sold_out(event):
    free = ticket(event, quota=1, name="Delegate")
    registered(free)

    with pytest.raises(SoldOut) as sold_out:
        registration_create(ticket=free, mode=IN_PERSON, waitlist=False, **person())

    assert isinstance(sold_out.value, Conflict)
    assert (sold_out.value.status, sold_out.value.code) == (409, "sold_out")
    assert "Delegate" in sold_out.value.message
    assert Registration.objects.count() == 1
    assert Transition.objects.count() == 1


def test_zero_quota_is_full_from_the_start(event):
    closed = ticket(event, quota=0)
    assert registered(closed).state == State.WAITLISTED


def test_mode_quota_limits_across_tickets_while_online_stays_open(event):
    limit_mode(event, IN_PERSON, 2)
    delegate = ticket(event, name="Delegate")
    speaker = ticket(event, name="Speaker")
    online = ticket(event, name="Online", modes=TicketModes.ONLINE)

    assert registered(delegate).state == State.CONFIRMED
    assert registered(speaker).state == State.CONFIRMED
    assert registered(delegate).state == State.WAITLISTED
    with pytest.raises(SoldOut):
        registration_create(ticket=speaker, mode=IN_PERSON, waitlist=False, **person())
    assert [registered(online).state for _ in range(5)] == [State.CONFIRMED] * 5
    assert Registration.objects.filter(mode=IN_PERSON, state=State.CONFIRMED).count() == 2


def test_the_smaller_of_ticket_and_mode_quota_wins(event):
    limit_mode(event, IN_PERSON, 5)
    small = ticket(event, quota=1)
    assert registered(small).state == State.CONFIRMED
    assert registered(small).state == State.WAITLISTED


def test_online_mode_quota(event):
    limit_mode(event, ONLINE, 1)
    online = ticket(event, modes=TicketModes.ONLINE)
    hall = ticket(event)
    assert registered(online).state == State.CONFIRMED
    assert registered(online).state == State.WAITLISTED
    assert registered(hall).state == State.CONFIRMED


def test_either_ticket_counts_against_the_chosen_mode(event):
    limit_mode(event, IN_PERSON, 1)
    either = ticket(event, modes=TicketModes.EITHER)

    assert registered(either, IN_PERSON).state == State.CONFIRMED
    assert registered(either, IN_PERSON).state == State.WAITLISTED
    assert registered(either, ONLINE).state == State.CONFIRMED
    # The in-person hall is full for other tickets too.
    assert registered(ticket(event)).state == State.WAITLISTED


def test_either_ticket_quota_counts_both_modes(event):
    either = ticket(event, quota=2, modes=TicketModes.EITHER)
    assert registered(either, IN_PERSON).state == State.CONFIRMED
    assert registered(either, ONLINE).state == State.CONFIRMED
    assert registered(either, ONLINE).state == State.WAITLISTED
    assert registered(either, IN_PERSON).state == State.WAITLISTED


@pytest.mark.parametrize("limited", ["ticket", "mode"])
@pytest.mark.parametrize(
    ("state", "deadline", "minutes", "next_state"),
    [
        (State.PENDING_PAYMENT, "hold_expires_at", -1, State.CONFIRMED),
        (State.PENDING_PAYMENT, "hold_expires_at", +5, State.WAITLISTED),
        (State.OFFERED, "offer_expires_at", -1, State.CONFIRMED),
        (State.OFFERED, "offer_expires_at", +5, State.WAITLISTED),
    ],
)
def test_a_seat_is_held_only_until_its_deadline(
    event, limited, state, deadline, minutes, next_state
):
    if limited == "mode":
        limit_mode(event, IN_PERSON, 1)
    free = ticket(event, quota=1 if limited == "ticket" else None)
    RegistrationFactory(
        ticket=free, state=state, **{deadline: timezone.now() + dt.timedelta(minutes=minutes)}
    )

    assert registered(free).state == next_state


@pytest.mark.parametrize(
    "state", [State.WAITLISTED, State.AWAITING_APPROVAL, State.CANCELLED, State.REFUNDED]
)
def test_states_without_a_seat_take_none(event, state):
    free = ticket(event, quota=1)
    RegistrationFactory.create_batch(3, ticket=free, state=state)
    if state == State.WAITLISTED:
        # The free seat goes to the first in line, and the newcomer joins the line.
        assert registered(free).state == State.WAITLISTED
        assert Registration.objects.filter(ticket=free, state=State.OFFERED).count() == 1
    else:
        assert registered(free).state == State.CONFIRMED


def test_registrations_of_another_event_do_not_count(event):
    other = TicketTypeFactory(quota=1)
    limit_mode(other.event, IN_PERSON, 1)
    RegistrationFactory(ticket=other)
    limit_mode(event, IN_PERSON, 1)
    assert registered(ticket(event, quota=1)).state == State.CONFIRMED


# --- register: who may, and what is refused ----------------------------------------------------


def test_invitation_ticket_is_refused_to_the_public(event, outsider, checkin_staff):
    invited = ticket(event, visibility=Visibility.INVITATION)
    for by in (None, AnonymousUser(), outsider, checkin_staff):
        with pytest.raises(InvalidInput) as refused:
            registration_create(ticket=invited, mode=IN_PERSON, by=by, **person())
        assert fields(refused.value) == {"ticket"}
    assert not Registration.objects.exists()


def test_invitation_ticket_is_open_to_an_organiser(event, organiser, owner):
    invited = ticket(event, visibility=Visibility.INVITATION)
    for by in (organiser, owner):
        registration = registration_create(ticket=invited, mode=IN_PERSON, by=by, **person())
        assert state_of(registration) == State.CONFIRMED
        assert history(registration) == [("", State.CONFIRMED, by, "registered")]


@pytest.mark.parametrize("code", ["", "WRONG", "APAC 2026", "APAC-2026X"])
def test_code_ticket_needs_its_code(event, code):
    hidden = ticket(event, visibility=Visibility.CODE, access_code="APAC-2026")
    with pytest.raises(InvalidInput) as refused:
        registration_create(ticket=hidden, mode=IN_PERSON, access_code=code, **person())
    assert fields(refused.value) == {"access_code"}
    assert not Registration.objects.exists()


@pytest.mark.parametrize("code", ["APAC-2026", "apac-2026", " Apac-2026 "])
def test_code_ticket_with_its_code_in_any_case(event, organiser, code):
    hidden = ticket(event, visibility=Visibility.CODE, access_code="APAC-2026")
    registration = registration_create(ticket=hidden, mode=IN_PERSON, access_code=code, **person())
    assert state_of(registration) == State.CONFIRMED
    # An organiser registering someone needs no code.
    by_organiser = registration_create(ticket=hidden, mode=IN_PERSON, by=organiser, **person())
    assert state_of(by_organiser) == State.CONFIRMED


@pytest.mark.parametrize(
    ("window", "says"),
    [
        ({"sales_start": +1}, "not opened"),
        ({"sales_start": -3, "sales_end": -1}, "closed"),
        ({"sales_end": -1}, "closed"),
    ],
)
def test_outside_the_sales_window_is_refused_naming_the_ticket(event, organiser, window, says):
    now = timezone.now()
    timed = ticket(event, **{key: now + dt.timedelta(days=d) for key, d in window.items()})

    with pytest.raises(InvalidInput) as refused:
        registration_create(ticket=timed, mode=IN_PERSON, **person())

    assert fields(refused.value) == {"ticket"}
    assert says in refused.value.errors[0]["message"]
    assert not Registration.objects.exists()
    # Organisers may still register someone by hand.
    assert state_of(
        registration_create(ticket=timed, mode=IN_PERSON, by=organiser, **person())
    ) == (State.CONFIRMED)


def test_inside_the_sales_window(event):
    now = timezone.now()
    timed = ticket(
        event, sales_start=now - dt.timedelta(hours=1), sales_end=now + dt.timedelta(hours=1)
    )
    assert registered(timed).state == State.CONFIRMED


@pytest.mark.parametrize(
    ("modes", "mode"),
    [
        (TicketModes.IN_PERSON, ONLINE),
        (TicketModes.ONLINE, IN_PERSON),
        (TicketModes.EITHER, "hologram"),
        (TicketModes.IN_PERSON, ""),
    ],
)
def test_a_mode_the_ticket_does_not_allow_is_refused(event, organiser, modes, mode):
    wrong = ticket(event, modes=modes)
    for by in (None, organiser):
        with pytest.raises(InvalidInput) as refused:
            registration_create(ticket=wrong, mode=mode, by=by, **person())
        assert fields(refused.value) == {"mode"}
    assert not Registration.objects.exists()


def test_unknown_person_fields_are_refused(event):
    free = ticket(event)
    with pytest.raises(InvalidInput) as refused:
        registration_create(
            ticket=free,
            mode=IN_PERSON,
            state=State.CONFIRMED,
            hold_expires_at=None,
            shoe_size=42,
            **person(),
        )
    assert fields(refused.value) == {"state", "hold_expires_at", "shoe_size"}
    assert not Registration.objects.exists()


@pytest.mark.parametrize(
    ("bad", "field"),
    [
        ({"email": "not-an-email"}, "email"),
        ({"email": ""}, "email"),
        ({"country": "XX"}, "country"),
        ({"country": ""}, "country"),
        ({"name": ""}, "name"),
        ({"name": "x" * 201}, "name"),
        ({"position": "x" * 201}, "position"),
        ({"dietary_needs": "x" * 2001}, "dietary_needs"),
        ({"accessibility_needs": "x" * 2001}, "accessibility_needs"),
        ({"consent_version": ""}, "consent_version"),
    ],
)
def test_bad_person_fields_are_named(event, bad, field):
    with pytest.raises(InvalidInput) as refused:
        registration_create(ticket=ticket(event), mode=IN_PERSON, **person(**bad))
    assert refused.value.status == 422
    assert fields(refused.value) == {field}
    assert not Registration.objects.exists()
    assert not Transition.objects.exists()


def test_draft_event_is_not_found_for_the_public(draft_event, outsider):
    hidden = ticket(draft_event)
    for by in (None, AnonymousUser(), outsider):
        with pytest.raises(NotFound) as missing:
            registration_create(ticket=hidden, mode=IN_PERSON, by=by, **person())
        assert missing.value.status == 404
    assert not Registration.objects.exists()


def test_archived_event_takes_no_registrations(event, outsider):
    open_ticket = ticket(event)
    event.status = "archived"
    event.save(update_fields=["status"])
    for by in (None, outsider):
        with pytest.raises(InvalidInput) as refused:
            registration_create(ticket=open_ticket, mode=IN_PERSON, by=by, **person())
        assert refused.value.status == 422
        assert [problem["field"] for problem in refused.value.errors] == ["ticket"]
    assert not Registration.objects.exists()


def test_draft_event_team_may_register(draft_event):
    team = TeamMemberFactory(
        event=draft_event, role=TeamMember.Role.ORGANISER, user=UserFactory(username="drafter")
    ).user
    registration = registration_create(
        ticket=ticket(draft_event), mode=IN_PERSON, by=team, **person()
    )
    assert state_of(registration) == State.CONFIRMED


# --- availability ------------------------------------------------------------------------------


def test_availability_is_the_smallest_quota_per_ticket_and_mode(event):
    limit_mode(event, IN_PERSON, 5)
    hall = ticket(event, quota=3, name="Hall")
    either = ticket(event, quota=10, name="Either", modes=TicketModes.EITHER)
    stream = ticket(event, name="Stream", modes=TicketModes.ONLINE)
    open_hall = ticket(event, name="Open hall")
    registered(hall)
    registered(hall)
    registered(either, IN_PERSON)
    registered(either, ONLINE)
    registered(stream)

    assert remaining(event) == {
        ("Hall", IN_PERSON): 1,  # ticket 3 - 2; mode 5 - 3 = 2
        ("Either", IN_PERSON): 2,  # ticket 10 - 2; mode 5 - 3
        ("Either", ONLINE): 8,  # ticket 10 - 2; online unlimited
        ("Stream", ONLINE): None,
        ("Open hall", IN_PERSON): 2,  # mode only
    }
    by_key = {(a.ticket.pk, a.mode): a for a in ticket_availability(event)}
    assert by_key[(stream.pk, ONLINE)].available
    assert by_key[(open_hall.pk, IN_PERSON)].available

    quota_set(quota=hall.quota, by=None, size=1)  # now below what is taken
    by_key = {(a.ticket.pk, a.mode): a for a in ticket_availability(event)}
    assert by_key[(hall.pk, IN_PERSON)].remaining == 0
    assert not by_key[(hall.pk, IN_PERSON)].available


def test_availability_counts_only_seat_holding_states(event):
    limit_mode(event, IN_PERSON, 20)
    free = ticket(event, quota=10)
    past, future = timezone.now() - dt.timedelta(minutes=1), timezone.now() + dt.timedelta(hours=1)
    RegistrationFactory(ticket=free, state=State.CONFIRMED)
    RegistrationFactory(ticket=free, state=State.PENDING_PAYMENT, hold_expires_at=future)
    RegistrationFactory(ticket=free, state=State.OFFERED, offer_expires_at=future)
    RegistrationFactory(ticket=free, state=State.PENDING_PAYMENT, hold_expires_at=past)
    RegistrationFactory(ticket=free, state=State.OFFERED, offer_expires_at=past)
    for state in (State.WAITLISTED, State.AWAITING_APPROVAL, State.CANCELLED, State.REFUNDED):
        RegistrationFactory(ticket=free, state=state)

    [row] = ticket_availability(event)
    assert row.remaining == 7
    quota_set(quota=free.quota, by=None, size=None)
    [row] = ticket_availability(event)
    # The raised quota offered a seat to the one person on the waiting list.
    assert row.remaining == 16


def test_availability_of_an_event_without_tickets(event):
    assert ticket_availability(event) == []


@pytest.mark.parametrize("count", [1, 5])
def test_availability_takes_a_constant_number_of_queries(event, django_assert_num_queries, count):
    limit_mode(event, IN_PERSON, 100)
    limit_mode(event, ONLINE, 100)
    tickets = [
        ticket(event, quota=50, modes=TicketModes.EITHER if n % 2 else TicketModes.IN_PERSON)
        for n in range(count)
    ]
    for t in tickets:
        registered(t)

    # Tickets, mode quotas, seats by ticket, seats by mode.
    with django_assert_num_queries(4):
        rows = ticket_availability(event)
    assert len(rows) == sum(len(t.allowed_modes) for t in tickets)

    prefetched = list(event.ticket_types.select_related("quota"))
    with CaptureQueriesContext(connection) as queries:
        ticket_availability(event, prefetched)
    assert len(queries) == 3


# --- transitions -------------------------------------------------------------------------------


def test_approve_confirms_a_free_ticket(event, organiser):
    delegation = ticket(event, quota=5, requires_approval=True)
    registration = registered(delegation)

    approved = registration_approve(
        registration=registration, by=organiser, reason="Delegation of Kenya"
    )

    assert approved.state == state_of(registration) == State.CONFIRMED
    assert history(registration) == [
        ("", State.AWAITING_APPROVAL, None, "registered"),
        (State.AWAITING_APPROVAL, State.CONFIRMED, organiser, "Delegation of Kenya"),
    ]


def test_approve_without_reason_says_approved(event, owner):
    registration = registered(ticket(event, requires_approval=True))
    registration_approve(registration=registration, by=owner)
    assert history(registration)[-1] == (
        State.AWAITING_APPROVAL,
        State.CONFIRMED,
        owner,
        "approved",
    )


def test_approve_a_paid_ticket_holds_a_seat_for_payment(event, organiser):
    paid = ticket(event, requires_approval=True, price=Decimal("50"), hold_minutes=20)
    registration = registered(paid)
    before = timezone.now()

    registration_approve(registration=registration, by=organiser)

    saved = Registration.objects.get(pk=registration.pk)
    assert saved.state == State.PENDING_PAYMENT
    held = dt.timedelta(minutes=20)
    assert before + held <= saved.hold_expires_at <= timezone.now() + held
    assert history(saved)[-1][:3] == (State.AWAITING_APPROVAL, State.PENDING_PAYMENT, organiser)


@pytest.mark.parametrize("limited", ["ticket", "mode"])
def test_approve_when_full_puts_on_the_waiting_list(event, organiser, limited):
    if limited == "mode":
        limit_mode(event, IN_PERSON, 1)
    delegation = ticket(event, quota=1 if limited == "ticket" else None, requires_approval=True)
    first, second = registered(delegation), registered(delegation)

    registration_approve(registration=first, by=organiser)
    registration_approve(registration=second, by=organiser)

    assert state_of(first) == State.CONFIRMED
    assert state_of(second) == State.WAITLISTED
    assert history(second)[-1] == (
        State.AWAITING_APPROVAL,
        State.WAITLISTED,
        organiser,
        "approved; no seat left",
    )


@pytest.mark.parametrize(
    "state",
    [
        State.CONFIRMED,
        State.PENDING_PAYMENT,
        State.WAITLISTED,
        State.OFFERED,
        State.CANCELLED,
        State.REFUNDED,
    ],
)
def test_approve_refuses_anything_not_awaiting_approval(event, organiser, state):
    registration = RegistrationFactory(ticket=ticket(event, requires_approval=True), state=state)

    with pytest.raises(DomainError) as refused:
        registration_approve(registration=registration, by=organiser)

    assert (refused.value.code, refused.value.status) == ("illegal_transition", 409)
    assert state_of(registration) == state
    assert not Transition.objects.exists()
    # The message names the state the registration is really in.
    assert f"this one is {State(state).label.lower()}" in refused.value.message


def test_cancel_then_approve_is_refused(event, organiser):
    registration = registered(ticket(event, requires_approval=True))
    registration_cancel(registration=registration, by=organiser, reason="withdrawn")

    with pytest.raises(DomainError) as refused:
        registration_approve(registration=registration, by=organiser)

    assert refused.value.code == "illegal_transition"
    assert refused.value.status == 409
    assert state_of(registration) == State.CANCELLED
    assert len(history(registration)) == 2


@pytest.mark.parametrize(
    "state",
    [
        State.AWAITING_APPROVAL,
        State.PENDING_PAYMENT,
        State.CONFIRMED,
        State.WAITLISTED,
        State.OFFERED,
    ],
)
def test_cancel_from_any_live_state(event, organiser, state):
    registration = RegistrationFactory(ticket=ticket(event), state=state)

    cancelled = registration_cancel(
        registration=registration, by=organiser, reason="asked by phone"
    )

    assert cancelled.state == state_of(registration) == State.CANCELLED
    assert history(registration) == [(state, State.CANCELLED, organiser, "asked by phone")]


def test_cancel_by_the_attendee_has_no_actor(event):
    registration = registered(ticket(event))
    registration_cancel(registration=registration, by=None)
    assert history(registration)[-1] == (State.CONFIRMED, State.CANCELLED, None, "cancelled")


def test_cancel_is_idempotent(event, organiser):
    registration = registered(ticket(event))
    registration_cancel(registration=registration, by=organiser)
    again = registration_cancel(registration=registration, by=organiser, reason="twice")
    assert again.state == State.CANCELLED
    assert [t[1] for t in history(registration)] == [State.CONFIRMED, State.CANCELLED]


def test_a_refunded_registration_cannot_be_cancelled(event, organiser):
    registration = RegistrationFactory(ticket=ticket(event), state=State.REFUNDED)
    with pytest.raises(DomainError) as refused:
        registration_cancel(registration=registration, by=organiser)
    assert (refused.value.code, refused.value.status) == ("illegal_transition", 409)
    assert state_of(registration) == State.REFUNDED


def test_reject_turns_down_a_registration_awaiting_approval(event, organiser):
    registration = registered(ticket(event, requires_approval=True))

    rejected = registration_reject(registration=registration, by=organiser, reason="not invited")

    assert rejected.state == state_of(registration) == State.CANCELLED
    assert history(registration)[-1] == (
        State.AWAITING_APPROVAL,
        State.CANCELLED,
        organiser,
        "not invited",
    )
    again = registration_reject(registration=registration, by=organiser)
    assert again.state == State.CANCELLED and len(history(registration)) == 2


def test_only_a_registration_awaiting_approval_can_be_rejected(event, organiser):
    registration = registered(ticket(event))

    with pytest.raises(DomainError) as refused:
        registration_reject(registration=registration, by=organiser)

    assert (refused.value.code, refused.value.status) == ("not_awaiting_approval", 409)
    assert "cancel it instead" in refused.value.message
    assert state_of(registration) == State.CONFIRMED


def test_check_in_staff_may_not_reject(event, checkin_staff):
    registration = registered(ticket(event, requires_approval=True))

    with pytest.raises(PermissionDenied):
        registration_reject(registration=registration, by=checkin_staff)

    assert state_of(registration) == State.AWAITING_APPROVAL


@pytest.mark.parametrize("state", [State.CONFIRMED, State.PENDING_PAYMENT])
def test_cancel_frees_the_seat(event, organiser, state):
    paid = state == State.PENDING_PAYMENT
    sold = ticket(event, quota=1, price=Decimal("10") if paid else Decimal("0"))
    holder = registered(sold)
    assert holder.state == state
    with pytest.raises(SoldOut):
        registration_create(ticket=sold, mode=IN_PERSON, waitlist=False, **person())

    registration_cancel(registration=holder, by=organiser)

    assert registered(sold).state == state


def test_cancel_frees_a_mode_seat(event):
    limit_mode(event, IN_PERSON, 1)
    holder = registered(ticket(event))
    other = ticket(event)
    waiting = registered(other)
    assert waiting.state == State.WAITLISTED
    registration_cancel(registration=holder, by=None)
    # The freed seat goes to the waiting list first, not to a newcomer.
    assert state_of(waiting) == State.OFFERED
    assert registered(other).state == State.WAITLISTED


@pytest.mark.parametrize("role", ["checkin_staff", "outsider"])
def test_without_the_role_no_approve_or_cancel(event, request, role):
    user = request.getfixturevalue(role)
    waiting = registered(ticket(event, requires_approval=True))
    confirmed = registered(ticket(event))

    with pytest.raises(PermissionDenied) as refused:
        registration_approve(registration=waiting, by=user)
    assert refused.value.status == 403
    with pytest.raises(PermissionDenied) as refused:
        registration_cancel(registration=confirmed, by=user)
    assert refused.value.status == 403

    assert state_of(waiting) == State.AWAITING_APPROVAL
    assert state_of(confirmed) == State.CONFIRMED
    assert Transition.objects.count() == 2


def test_anonymous_user_cannot_approve_or_cancel(event):
    waiting = registered(ticket(event, requires_approval=True))
    confirmed = registered(ticket(event))
    with pytest.raises(NotAuthenticated):
        registration_approve(registration=waiting, by=AnonymousUser())
    # Only `by=None` (the attendee's verified link) cancels without a role; an anonymous
    # request user passed on by a view must not.
    with pytest.raises(NotAuthenticated):
        registration_cancel(registration=confirmed, by=AnonymousUser())
    assert state_of(confirmed) == State.CONFIRMED


def test_approve_on_a_draft_by_an_outsider_is_not_found(draft_event, outsider):
    registration = RegistrationFactory(
        ticket=ticket(draft_event, requires_approval=True), state=State.AWAITING_APPROVAL
    )
    with pytest.raises(NotFound):
        registration_approve(registration=registration, by=outsider)
    with pytest.raises(NotFound):
        registration_cancel(registration=registration, by=outsider)
    assert state_of(registration) == State.AWAITING_APPROVAL


# The whole table of state changes, written out from the issue: anything else is refused.
LEGAL = {
    "": {
        State.AWAITING_APPROVAL,
        State.PENDING_PAYMENT,
        State.CONFIRMED,
        State.WAITLISTED,
    },
    State.AWAITING_APPROVAL: {
        State.PENDING_PAYMENT,
        State.CONFIRMED,
        State.WAITLISTED,
        State.CANCELLED,
    },
    State.PENDING_PAYMENT: {State.CONFIRMED, State.CANCELLED, State.REFUNDED},
    State.CONFIRMED: {State.CANCELLED, State.REFUNDED},
    State.WAITLISTED: {State.OFFERED, State.CANCELLED},
    State.OFFERED: {State.CONFIRMED, State.PENDING_PAYMENT, State.CANCELLED},
    # A paid registration an organiser cancelled can still be refunded afterwards.
    State.CANCELLED: {State.REFUNDED},
    State.REFUNDED: set(),
}


@pytest.mark.parametrize("before", ["", *State.values])
def test_every_transition_legal_or_refused(event, organiser, before):
    free = ticket(event)
    later = timezone.now() + dt.timedelta(hours=1)
    for to in State.values:
        registration = RegistrationFactory.build(
            ticket=free, state=before, hold_expires_at=later, offer_expires_at=later
        )
        if before:
            registration.save()
        if to in LEGAL[before]:
            registration_transition(registration, to, by=organiser, reason="by hand")
            assert state_of(registration) == to
            assert history(registration) == [(before, to, organiser, "by hand")]
        else:
            with pytest.raises(DomainError) as refused:
                registration_transition(registration, to, by=organiser, reason="by hand")
            assert (refused.value.code, refused.value.status) == ("illegal_transition", 409)
            assert registration.pk is None or state_of(registration) == before
            assert not Transition.objects.filter(registration_id=registration.pk).exists()
