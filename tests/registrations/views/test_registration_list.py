"""The organiser's registrations pages: who may see and act, the counts ("120 participants from
23 countries"), search and filters, pages, the CSV export, the actions (approve, reject,
cancel) and their illegal transitions, and a fixed number of SQL queries whatever the size."""

import csv
import datetime as dt
import io
import re

import pytest
from asgiref.sync import sync_to_async
from django.contrib.messages import get_messages
from django.db import close_old_connections, connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from registrations.models import Question, Registration, State, Transition
from registrations.services.quotas import quota_for_mode
from registrations.services.registrations import registration_cancel, registration_create
from registrations.services.tickets import quota_set, ticket_create
from registrations.views import registration_list as manage
from tests.factories import EventFactory, OrganizationFactory
from tests.helpers import messages_left

pytestmark = pytest.mark.django_db

LIST = "/events/seminar/manage/registrations/"
EXPORT = "/events/seminar/manage/registrations/export.csv"
BOM = "\ufeff"


def step_url(registration, step: str) -> str:
    """Where the list's `step` for this registration posts (approve, reject, cancel, ...)."""
    return f"/events/seminar/manage/registrations/{registration.pk}/{step}/"


@pytest.fixture
def delegate(event):
    """An in-person ticket for invited delegations: an organiser approves each one."""
    return ticket_create(
        event=event,
        by=None,
        name="Delegate",
        modes="in_person",
        quota=None,
        requires_approval=True,
    )


@pytest.fixture
def general(event):
    return ticket_create(event=event, by=None, name="General", modes="either", quota=None)


_count = iter(range(1, 1_000_000))


def reg(ticket, mode=None, **fields):
    n = next(_count)
    person = {
        "name": f"Participant {n}",
        "email": f"participant{n}@example.org",
        "country": "KE",
        "organization": None,
    } | fields
    return registration_create(
        ticket=ticket, mode=mode or ticket.allowed_modes[0], consent_version="v1", **person
    )


def html_of(response):
    assert response.status_code == 200, response.content[:800]
    return response.content.decode()


def rows(html):
    """The references of the list's rows, in order."""
    return re.findall(r'<span class="reference">([A-Z0-9]+)</span></th>', html)


def csv_of(response):
    assert response.status_code == 200
    assert response.streaming
    raw = b"".join(response.streaming_content).decode("utf-8")
    assert raw.startswith(BOM)
    return list(csv.reader(io.StringIO(raw[len(BOM) :])))


# --- who may see and act ----------------------------------------------------------------------


def test_anonymous_visitors_are_sent_to_sign_in(client, event):
    for url in (LIST, EXPORT):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith("/accounts/login/?next=")


def test_people_outside_the_team_are_refused(client, event, outsider):
    client.force_login(outsider)
    assert client.get(LIST).status_code == 403
    assert client.get(EXPORT).status_code == 403


def test_a_draft_event_is_not_found_by_outsiders(client, outsider):
    EventFactory(slug="secret", status="draft")
    client.force_login(outsider)
    assert client.get("/events/secret/manage/registrations/").status_code == 404


def test_check_in_staff_see_the_list_without_action_buttons(
    client, checkin_staff, delegate, online
):
    waiting = reg(delegate, name="Awaiting Person")
    reg(online, name="Online Person")
    client.force_login(checkin_staff)

    html = html_of(client.get(LIST))

    assert "Awaiting Person" in html and "Online Person" in html
    assert "/action/" not in html
    assert 'name="action"' not in html
    assert "/confirm/" not in html
    assert waiting.reference in html


def test_organisers_see_approve_for_awaiting_and_cancel_for_others(
    client, organiser, delegate, online
):
    waiting = reg(delegate)
    confirmed = reg(online)
    cancelled = reg(online)
    registration_cancel(registration=cancelled, by=None)
    client.force_login(organiser)

    html = html_of(client.get(LIST))

    forms = dict(re.findall(r'<tr id="registration-(\d+)" role="row">(.*?)</tr>', html, re.S))
    assert step_url(waiting, "approve") in forms[str(waiting.pk)]
    # Rejecting and cancelling ask first (test_registration_confirm): the row links there.
    assert f'href="{step_url(waiting, "reject")}confirm/?next=' in forms[str(waiting.pk)]
    assert step_url(confirmed, "approve") not in forms[str(confirmed.pk)]
    assert f'href="{step_url(confirmed, "cancel")}confirm/?next=' in forms[str(confirmed.pk)]
    assert "<form" not in forms[str(cancelled.pk)]
    assert "/cancel/" not in forms[str(cancelled.pk)]
    # Each button and link names its registration for screen readers.
    assert f"({confirmed.reference})</span></button>" in forms[str(confirmed.pk)]
    assert f"({confirmed.reference})</span></a>" in forms[str(confirmed.pk)]


def test_the_page_is_accessible_markup(client, owner, online):
    reg(online)
    client.force_login(owner)

    html = html_of(client.get(LIST))

    assert "<caption" in html
    assert '<th scope="col">' in html
    assert 'role="search"' in html
    assert '<label for="id_q">' in html
    assert 'aria-describedby="id_q_helptext"' in html
    assert '<main id="main"' in html


# --- counts -----------------------------------------------------------------------------------


def test_the_counts_say_how_many_participants_from_how_many_countries(
    client, organiser, delegate, online, general
):
    unam = OrganizationFactory(name="University of Nairobi", country="KE")
    tsinghua = OrganizationFactory(name="Tsinghua University", country="CN")
    reg(online, name="A", country="KE", organization=unam)
    reg(online, name="B", country="KE", organization=unam)
    reg(general, "in_person", name="C", country="CN", organization=tsinghua)
    reg(general, "online", name="D", country="FR")
    reg(delegate, name="E", country="BR")  # awaiting approval: not a participant yet
    gone = reg(online, name="F", country="JP")
    registration_cancel(registration=gone, by=None)
    client.force_login(organiser)

    html = html_of(client.get(LIST))

    assert "4 confirmed participants." in html
    assert "They come from 3 countries." in html
    assert "They represent 2 organisations." in html
    assert "6 registrations in all, whatever their state." in html
    counts = html_of(client.get(LIST)).split('id="list-heading"')[0]
    # Per state, ticket and mode.
    assert re.search(r"Confirmed</span></th><td class=\"num\">4<", counts)
    assert re.search(r"Awaiting approval</span></th><td class=\"num\">1<", counts)
    assert re.search(r"Cancelled</span></th><td class=\"num\">1<", counts)
    # A ticket's name is the organisers' words: isolated, in its own direction.
    ticket = '<th scope="row" dir="auto">'
    assert re.search(rf'{ticket}Online participant</th><td class="num">2<', counts)
    assert re.search(rf'{ticket}General</th><td class="num">2<', counts)
    assert re.search(r"<th scope=\"row\">In person</th><td class=\"num\">1<", counts)
    assert re.search(r"<th scope=\"row\">Online</th><td class=\"num\">3<", counts)
    # Top countries and organisations, largest first.
    assert re.search(r"<th scope=\"row\">Kenya</th><td class=\"num\">2<", counts)
    assert counts.index(">Kenya<") < counts.index(">China<")
    assert "Brazil" not in counts and "Japan" not in counts
    assert re.search(r"University of Nairobi</th><td class=\"num\">2<", counts)
    assert re.search(r"Tsinghua University</th><td class=\"num\">1<", counts)


def test_one_participant_is_singular(client, organiser, online):
    reg(online, organization=OrganizationFactory(name="Makerere University", country="UG"))
    client.force_login(organiser)

    html = html_of(client.get(LIST))

    assert "1 confirmed participant." in html
    assert "They come from 1 country." in html
    assert "They represent 1 organisation." in html
    assert "1 seat held (confirmed, awaiting payment or offered)." in html
    assert "1 registration in all, whatever its state." in html


def test_no_participants_yet(client, organiser, online):
    client.force_login(organiser)

    html = html_of(client.get(LIST))

    assert "No confirmed participants yet." in html
    assert "Nobody has registered yet." in html


def test_seats_held_and_quotas_appear_per_ticket_and_mode(client, organiser, event):
    small = ticket_create(event=event, by=None, name="Plenary", modes="in_person", quota=2)
    quota_set(quota=quota_for_mode(event, "in_person"), by=None, size=300)
    reg(small)
    reg(small)
    reg(small)  # no seat left: waiting list
    client.force_login(organiser)

    html = html_of(client.get(LIST))

    assert re.search(
        r'<th scope="row" dir="auto">Plenary</th><td class="num">2</td><td class="num">2</td>'
        r'<td class="num">2</td>',
        html,
    )
    assert re.search(
        r'<th scope="row">In person</th><td class="num">2</td><td class="num">2</td>'
        r'<td class="num">300</td>',
        html,
    )
    assert re.search(r"On the waiting list</span></th><td class=\"num\">1<", html)


# --- search, filters, pages -------------------------------------------------------------------


@pytest.fixture
def crowd(delegate, online, general):
    unam = OrganizationFactory(name="University of Nairobi", acronym="UoN", country="KE")
    tsinghua = OrganizationFactory(name="Tsinghua University", country="CN")
    return {
        "amina": reg(
            online, name="Amina Yusuf", email="amina@uonbi.ac.ke", country="KE", organization=unam
        ),
        "li": reg(
            general,
            "in_person",
            name="Li Wei",
            email="li.wei@tsinghua.edu.cn",
            country="CN",
            organization=tsinghua,
        ),
        "marie": reg(
            general, "online", name="Marie Dubois", email="marie@example.fr", country="FR"
        ),
        "omar": reg(delegate, name="Omar Haddad", email="omar@example.org", country="JO"),
    }


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("amina", {"amina"}),
        ("TSINGHUA.EDU", {"li"}),
        ("university", {"amina", "li"}),
        ("uon", {"amina"}),
        ("nobody-matches", set()),
    ],
)
def test_search_by_name_email_and_organisation(client, organiser, crowd, query, expected):
    client.force_login(organiser)

    html = html_of(client.get(LIST, {"q": query}))

    assert set(rows(html)) == {crowd[key].reference for key in expected}
    assert f'value="{query}"' in html  # the box keeps what was typed


def test_search_by_reference_in_any_case(client, organiser, crowd):
    client.force_login(organiser)
    reference = crowd["marie"].reference

    html = html_of(client.get(LIST, {"q": f" {reference.lower()} "}))

    assert rows(html) == [reference]


def test_filters(client, organiser, crowd, online, general):
    client.force_login(organiser)
    unam = crowd["amina"].organization

    def found(**params):
        return set(rows(html_of(client.get(LIST, params))))

    ref = {key: registration.reference for key, registration in crowd.items()}
    assert found(ticket=general.pk) == {ref["li"], ref["marie"]}
    assert found(mode="online") == {ref["amina"], ref["marie"]}
    assert found(state="awaiting_approval") == {ref["omar"]}
    assert found(country="CN") == {ref["li"]}
    assert found(organization=unam.pk) == {ref["amina"]}
    assert found(organization="none") == {ref["marie"], ref["omar"]}
    assert found(ticket=general.pk, mode="online") == {ref["marie"]}
    assert found(ticket=online.pk, q="li") == set()


def test_filter_choices_offer_what_occurs(client, organiser, crowd):
    client.force_login(organiser)

    html = html_of(client.get(LIST))

    countries = re.search(r'<select name="country".*?</select>', html, re.S).group(0)
    assert ">Kenya<" in countries and ">Jordan<" in countries and ">Brazil<" not in countries
    organisations = re.search(r'<select name="organization".*?</select>', html, re.S).group(0)
    assert ">Tsinghua University<" in organisations
    assert ">No organisation<" in organisations


def test_a_bad_filter_value_is_reported_and_the_others_still_apply(client, organiser, crowd):
    client.force_login(organiser)

    html = html_of(client.get(LIST, {"state": "bogus", "country": "KE", "ticket": "x"}))

    assert "Select a valid choice." in html
    assert 'aria-describedby="id_state_error"' in html and 'id="id_state_error"' in html
    assert rows(html) == [crowd["amina"].reference]


def test_the_list_is_paginated_100_per_page_keeping_the_filters(client, organiser, online):
    for _ in range(manage.PER_PAGE + 1):
        reg(online, country="KE")
    reg(online, country="CN")
    client.force_login(organiser)

    first = html_of(client.get(LIST, {"country": "KE"}))
    assert len(rows(first)) == 100
    assert "Page 1 of 2" in first
    assert 'href="?country=KE&amp;page=2"' in first

    second = html_of(client.get(LIST, {"country": "KE", "page": 2}))
    assert len(rows(second)) == 1
    assert 'href="?country=KE&amp;page=1"' in second
    assert "101 registrations match the search and filters." in second


def test_registered_at_is_shown_in_the_event_zone_with_its_offset(client, organiser, online):
    registration = reg(online)
    Registration.objects.filter(pk=registration.pk).update(
        created_at=dt.datetime(2026, 3, 1, 17, 30, tzinfo=dt.UTC)
    )
    client.force_login(organiser)

    html = html_of(client.get(LIST))

    # The seminar is in Asia/Shanghai: UTC+8.
    assert '<time datetime="2026-03-02T01:30:00+08:00">2026-03-02 01:30 UTC+08:00</time>' in html
    assert "Registered at (<bdi>Asia/Shanghai</bdi> time)" in html


def test_newest_first(client, organiser, online):
    older, newer = reg(online), reg(online)
    Registration.objects.filter(pk=older.pk).update(created_at=timezone.now() - dt.timedelta(1))
    client.force_login(organiser)

    assert rows(html_of(client.get(LIST))) == [newer.reference, older.reference]


def test_only_the_events_own_registrations_are_listed(client, organiser, online):
    mine = reg(online)
    other = EventFactory(slug="other")
    theirs = reg(ticket_create(event=other, by=None, name="X", modes="online"))
    client.force_login(organiser)

    html = html_of(client.get(LIST))
    assert mine.reference in html and theirs.reference not in html
    exported = csv_of(client.get(EXPORT))
    assert [row[0] for row in exported[1:]] == [mine.reference]


# --- a fixed number of queries ----------------------------------------------------------------


def _add(count, tickets, start):
    for index in range(start, start + count):
        ticket = tickets[index % len(tickets)]
        reg(
            ticket,
            ticket.allowed_modes[index % len(ticket.allowed_modes)],
            name=f"Person {index}",
            country=["KE", "CN", "FR", "BR", "JO"][index % 5],
            organization=OrganizationFactory(name=f"Institute {index}", country="KE"),
        )


def _queries(client, url, params=None):
    with CaptureQueriesContext(connection) as context:
        response = client.get(url, params or {})
        if response.streaming:
            b"".join(response.streaming_content)
        else:
            assert response.status_code == 200
    return len(context)


# The list: 15 with the payments that need the organisers' attention.
@pytest.mark.parametrize(("url", "queries"), [(LIST, 15), (EXPORT, 9)])
def test_the_list_and_export_cost_the_same_queries_for_5_or_60_registrations(
    client, organiser, delegate, online, general, django_assert_num_queries, url, queries
):
    """Session, user, event, team role, tickets, the filters' countries and organisations, then
    the page and its count and the counts (grouped, quotas, spread, top countries and top
    organisations); or the questions and the rows for the export."""
    Question.objects.create(event=online.event, label="Topics", kind="text")
    tickets = [delegate, online, general]
    client.force_login(organiser)
    _add(5, tickets, 0)
    with django_assert_num_queries(queries):
        b"".join(client.get(url))
    few = _queries(client, url)
    filtered_few = _queries(client, url, {"q": "person", "mode": "online"})

    _add(55, tickets, 5)
    assert Registration.objects.count() == 60
    with django_assert_num_queries(queries):
        b"".join(client.get(url))
    assert _queries(client, url) == few
    assert _queries(client, url, {"q": "person", "mode": "online"}) == filtered_few


# --- actions ----------------------------------------------------------------------------------


def test_approving_confirms_and_goes_back_to_the_list_as_it_was(client, organiser, delegate):
    waiting = reg(delegate, name="Omar Haddad")
    client.force_login(organiser)
    back = f"{LIST}?state=awaiting_approval&page=1"

    response = client.post(step_url(waiting, "approve"), {"next": back})

    assert response.status_code == 302
    assert response["Location"] == back
    waiting.refresh_from_db()
    assert waiting.state == State.CONFIRMED
    last = Transition.objects.filter(registration=waiting).last()
    assert (last.from_state, last.to_state, last.actor) == (
        "awaiting_approval",
        "confirmed",
        organiser,
    )
    assert messages_left(response) == [f"Omar Haddad ({waiting.reference}) is approved: confirmed."]
    assert "is approved: confirmed." in html_of(client.get(back))
    assert "is approved" not in html_of(client.get(back))  # shown once
    again = client.post(step_url(waiting, "approve"), {"next": back}, follow=True)
    # Approving twice: the service's refusal, said of whom it is about.
    assert f'message--error">Omar Haddad ({waiting.reference}): ' in again.content.decode()


def test_approving_a_confirmed_registration_is_an_error_and_changes_nothing(
    client, organiser, online
):
    confirmed = reg(online, name="Amina Yusuf")
    before = Transition.objects.count()
    client.force_login(organiser)

    response = client.post(step_url(confirmed, "approve"), {"next": LIST})

    assert response.status_code == 302
    confirmed.refresh_from_db()
    assert confirmed.state == State.CONFIRMED
    assert Transition.objects.count() == before
    (message,) = get_messages(response.wsgi_request)
    assert message.level_tag == "error"
    # The service's own explanation (its wording is the service's), said of whom it is about.
    assert str(message).startswith(f"Amina Yusuf ({confirmed.reference}): ")
    assert "confirmed" in str(message).split(": ", 1)[1]


def test_cancelling_records_the_reason(client, owner, online):
    confirmed = reg(online)
    client.force_login(owner)

    response = client.post(
        step_url(confirmed, "cancel"), {"reason": "  Asked by phone  ", "next": LIST}
    )

    confirmed.refresh_from_db()
    assert confirmed.state == State.CANCELLED
    last = Transition.objects.filter(registration=confirmed).last()
    assert (last.to_state, last.reason, last.actor) == ("cancelled", "Asked by phone", owner)
    assert messages_left(response) == [f"{confirmed.name} ({confirmed.reference}) is cancelled."]


def test_cancelling_without_a_reason_says_who(client, organiser, online):
    confirmed = reg(online)
    client.force_login(organiser)

    client.post(step_url(confirmed, "cancel"))

    last = Transition.objects.filter(registration=confirmed).last()
    assert last.reason == "cancelled by the organisers"


def test_rejecting_an_awaiting_registration_cancels_it_with_the_reason(client, organiser, delegate):
    waiting = reg(delegate)
    client.force_login(organiser)

    response = client.post(step_url(waiting, "reject"), {"reason": "Not on the delegation list"})

    waiting.refresh_from_db()
    assert waiting.state == State.CANCELLED
    assert Transition.objects.filter(registration=waiting).last().reason == (
        "Not on the delegation list"
    )
    assert messages_left(response) == [f"{waiting.name} ({waiting.reference}) is rejected."]
    assert response["Location"] == LIST


def test_rejecting_a_confirmed_registration_is_refused(client, organiser, online):
    confirmed = reg(online)
    client.force_login(organiser)

    response = client.post(step_url(confirmed, "reject"))

    confirmed.refresh_from_db()
    assert confirmed.state == State.CONFIRMED
    assert "Only a registration awaiting approval can be rejected" in messages_left(response)[0]


@pytest.mark.parametrize("final", [State.CANCELLED, State.REFUNDED])
def test_a_cancelled_or_refunded_registration_cannot_be_cancelled_or_approved(
    client, organiser, online, final
):
    registration = reg(online)
    Registration.objects.filter(pk=registration.pk).update(state=final)
    before = Transition.objects.count()
    client.force_login(organiser)

    cancelled = client.post(step_url(registration, "cancel"), follow=True)
    approved = client.post(step_url(registration, "approve"))

    registration.refresh_from_db()
    assert registration.state == final
    assert Transition.objects.count() == before
    assert f"is already {final.label.lower()}; nothing changed." in cancelled.content.decode()
    (message,) = get_messages(approved.wsgi_request)
    assert message.level_tag == "error"
    assert str(message).startswith(f"{registration.name} ({registration.reference}): ")


def test_an_unknown_step_is_not_found_and_changes_nothing(client, organiser, online):
    confirmed = reg(online)
    client.force_login(organiser)

    response = client.post(step_url(confirmed, "delete"))

    confirmed.refresh_from_db()
    assert confirmed.state == State.CONFIRMED
    assert response.status_code == 404


def test_check_in_staff_may_not_act(client, checkin_staff, delegate):
    waiting = reg(delegate)
    client.force_login(checkin_staff)

    response = client.post(step_url(waiting, "approve"))

    assert response.status_code == 403
    waiting.refresh_from_db()
    assert waiting.state == State.AWAITING_APPROVAL


def test_anonymous_and_outsiders_may_not_act(client, outsider, delegate):
    waiting = reg(delegate)

    anonymous = client.post(step_url(waiting, "approve"))
    client.force_login(outsider)
    stranger = client.post(step_url(waiting, "approve"))

    assert anonymous.status_code == 302 and "/accounts/login/" in anonymous["Location"]
    assert stranger.status_code == 403
    waiting.refresh_from_db()
    assert waiting.state == State.AWAITING_APPROVAL


def test_actions_need_post(client, organiser, delegate):
    waiting = reg(delegate)
    client.force_login(organiser)

    assert client.get(step_url(waiting, "approve")).status_code == 405
    waiting.refresh_from_db()
    assert waiting.state == State.AWAITING_APPROVAL


def test_a_registration_of_another_event_is_not_found(client, organiser):
    other = EventFactory(slug="other")
    theirs = reg(ticket_create(event=other, by=None, name="X", modes="online"))
    client.force_login(organiser)

    response = client.post(step_url(theirs, "cancel"))

    assert response.status_code == 404
    theirs.refresh_from_db()
    assert theirs.state == State.CONFIRMED


@pytest.mark.parametrize(
    "target", ["https://evil.example/phish", "//evil.example/", "javascript:alert(1)"]
)
def test_next_must_stay_on_this_site(client, organiser, online, target):
    confirmed = reg(online)
    client.force_login(organiser)

    response = client.post(step_url(confirmed, "cancel"), {"next": target})

    assert response["Location"] == LIST


def test_the_page_round_trip_without_javascript(client, organiser, delegate):
    """The list's own form posts to the action and comes back to the same filtered page."""
    waiting = reg(delegate, name="Omar Haddad")
    client.force_login(organiser)
    url = f"{LIST}?state=awaiting_approval"
    html = html_of(client.get(url))
    form = re.search(
        r'<form method="post" action="([^"]+/approve/)" class="row-actions__form">.*?'
        r'name="next" value="([^"]+)"',
        html,
        re.S,
    )
    action, back = form.group(1), form.group(2).replace("&amp;", "&")

    response = client.post(action, {"next": back}, follow=True)

    assert response.redirect_chain == [(url, 302)]
    page = response.content.decode()
    assert f"Omar Haddad ({waiting.reference}) is approved: confirmed." in page
    assert rows(page) == []  # no longer awaiting approval


# --- CSV export -------------------------------------------------------------------------------


def test_the_export_is_a_utf8_csv_with_a_bom_and_a_header(client, organiser, online):
    reg(online)
    client.force_login(organiser)

    response = client.get(EXPORT)

    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="seminar-registrations.csv"'
    table = csv_of(response)
    assert table[0] == [
        "reference",
        "name",
        "email",
        "organisation",
        "organisation country",
        "country",
        "position",
        "ticket",
        "mode",
        "state",
        "registered at (UTC)",
        "accessibility needs",
        "dietary needs",
    ]
    assert len(table) == 2


def test_the_export_has_every_field_and_one_column_per_question(client, organiser, event, online):
    topics = Question.objects.create(
        event=event, label="Topics", kind="multiple", choices=["Water", "Energy", "Health"]
    )
    visa = Question.objects.create(event=event, label="Need a visa letter?", kind="yes_no")
    remark = Question.objects.create(event=event, label="Remarks", kind="text")
    unam = OrganizationFactory(name="University of Nairobi", country="KE")
    registration = reg(
        online,
        name="Amina Yusuf",
        email="amina@uonbi.ac.ke",
        country="UG",
        organization=unam,
        position="Lecturer",
        accessibility_needs="Captions",
        dietary_needs="Vegetarian",
        answers={str(topics.pk): ["Water", "Health"], str(visa.pk): True},
    )
    Registration.objects.filter(pk=registration.pk).update(
        created_at=dt.datetime(2026, 3, 1, 17, 30, 5, 123456, tzinfo=dt.UTC)
    )
    client.force_login(organiser)

    header, row = csv_of(client.get(EXPORT))

    assert header[-3:] == ["Topics", "Need a visa letter?", "Remarks"]
    assert row == [
        registration.reference,
        "Amina Yusuf",
        "amina@uonbi.ac.ke",
        "University of Nairobi",
        "Kenya",
        "Uganda",
        "Lecturer",
        "Online participant",
        "Online",
        "Confirmed",
        "2026-03-01T17:30:05Z",
        "Captions",
        "Vegetarian",
        "Water; Health",
        "Yes",
        "",
    ]
    assert remark.pk  # asked, not answered: an empty cell


def test_the_export_gives_choices_in_the_organisers_language(client, organiser, event, online):
    event.languages = ["en", "zh-hans"]
    event.save(update_fields=["languages"])
    diet = Question.objects.create(
        event=event,
        label={"en": "Diet", "zh-hans": "饮食"},
        kind="choice",
        choices=[{"en": "Vegetarian", "zh-hans": "素食"}, "Kosher"],
    )
    topics = Question.objects.create(
        event=event,
        label="Topics",
        kind="multiple",
        choices=[{"en": "Water", "zh-hans": "水"}, {"en": "Energy", "zh-hans": "能源"}],
    )
    reg(online, answers={str(diet.pk): "素食", str(topics.pk): ["Water", "能源"]})
    client.force_login(organiser)

    english = csv_of(client.get(EXPORT))
    chinese = csv_of(client.get("/zh-hans" + EXPORT))

    assert english[0][-2:] == ["Diet", "Topics"]
    assert english[1][-2:] == ["Vegetarian", "Water; Energy"]
    assert chinese[0][-2:] == ["饮食", "Topics"]
    assert chinese[1][-2:] == ["素食", "水; 能源"]


def test_non_latin_names_round_trip(client, organiser, online):
    reg(online, name="李伟", country="CN")
    reg(online, name="عمر حداد", country="JO")
    client.force_login(organiser)

    table = csv_of(client.get(EXPORT))

    assert [row[1] for row in table[1:]] == ["李伟", "عمر حداد"]
    assert [row[5] for row in table[1:]] == ["China", "Jordan"]


def test_cells_that_look_like_formulas_are_neutralised(client, organiser, online):
    reg(
        online,
        name='=HYPERLINK("http://evil.example","click")',
        position="+254 700 000000",
        accessibility_needs="-1+1",
        dietary_needs="@SUM(A1:A2)",
    )
    reg(online, name="\tTabbed", position="\rReturn", dietary_needs="Halal")
    client.force_login(organiser)

    first, second = csv_of(client.get(EXPORT))[1:]

    assert first[1] == '\'=HYPERLINK("http://evil.example","click")'
    assert first[6] == "'+254 700 000000"
    assert first[11] == "'-1+1"
    assert first[12] == "'@SUM(A1:A2)"
    assert second[1].startswith("'\t")
    assert second[6].startswith("'\r")
    assert second[12] == "Halal"


def test_the_export_follows_the_search_and_filters(client, organiser, crowd):
    client.force_login(organiser)

    confirmed = csv_of(client.get(EXPORT, {"state": "confirmed"}))
    searched = csv_of(client.get(EXPORT, {"q": "tsinghua", "page": 3}))

    assert {row[0] for row in confirmed[1:]} == {
        crowd[key].reference for key in ("amina", "li", "marie")
    }
    assert [row[0] for row in searched[1:]] == [crowd["li"].reference]


def test_the_list_links_to_the_export_of_what_it_shows(client, organiser, crowd):
    client.force_login(organiser)

    html = html_of(client.get(LIST, {"country": "CN", "page": 1}))

    assert f'href="{EXPORT}?country=CN"' in html
    assert "Download these as a spreadsheet (CSV)" in html


def _bulk(ticket, count):
    Registration.objects.bulk_create(
        Registration(
            event=ticket.event,
            ticket=ticket,
            state=State.CONFIRMED,
            mode="online",
            name=f"Bulk {index}",
            email=f"bulk{index}@example.org",
            country="KE",
            consent_at=timezone.now(),
            consent_version="v1",
            reference=f"BULK{index:04d}",
        )
        for index in range(count)
    )


def test_the_export_of_many_rows_is_streamed_in_pieces(client, organiser, online):
    _bulk(online, manage.EXPORT_CHUNK + 20)
    client.force_login(organiser)

    response = client.get(EXPORT)

    assert response.streaming and not response.is_async
    pieces = [piece.decode() for piece in response.streaming_content]
    rows = manage.EXPORT_CHUNK + 20
    items = 1 + 1 + rows  # the byte order mark, the header, the rows
    assert len(pieces) == -(-items // manage.STREAM_LINES)
    assert all(piece.count("\r\n") <= manage.STREAM_LINES for piece in pieces)
    table = list(csv.reader(io.StringIO("".join(pieces)[len(BOM) :])))
    assert [row[0] for row in table[1:]] == [f"BULK{i:04d}" for i in range(rows)]


@pytest.mark.asyncio
@pytest.mark.django_db(transaction=True)
async def test_under_asgi_the_export_streams_asynchronously(async_client, organiser, online):
    """Django reads a synchronous iterator whole before sending it under ASGI; the export gives
    it an asynchronous one instead."""
    await sync_to_async(_bulk)(online, manage.STREAM_LINES * 2 + 5)
    await sync_to_async(reg)(online, name="李伟")
    await async_client.aforce_login(organiser)

    response = await async_client.get(EXPORT)

    assert response.status_code == 200
    assert response.is_async
    pieces = [piece async for piece in response.streaming_content]
    assert len(pieces) == 3
    text = b"".join(pieces).decode("utf-8")
    assert text.startswith(BOM)
    table = list(csv.reader(io.StringIO(text[len(BOM) :])))
    assert len(table) == manage.STREAM_LINES * 2 + 7
    assert table[-1][1] == "李伟"
    await sync_to_async(close_old_connections)()  # the worker thread's: the test database can go


def test_check_in_staff_see_the_list_but_cannot_export_it(client, checkin_staff, online):
    reg(online)
    client.force_login(checkin_staff)

    listing = client.get("/events/seminar/manage/registrations/").content.decode()

    assert "export.csv" not in listing
    assert client.get(EXPORT).status_code == 403
