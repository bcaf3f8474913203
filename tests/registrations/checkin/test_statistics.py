"""Live check-in statistics: what they count, what they cost, who may see them, and the page."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from events.models import AttendanceMode
from registrations.checkin.statistics import checkin_statistics
from registrations.models import CheckIn, ScanResult, State
from tests.factories import EventFactory, RoomFactory, SessionFactory, at
from tests.factories.registrations import RegistrationFactory, ticket

pytestmark = pytest.mark.django_db

API = "/api/events/seminar/checkins/stats"
PAGE = "/events/seminar/manage/checkin/"
FIGURE_QUERIES = 7


def door(
    registration,
    when,
    *,
    type="entry",
    result=ScanResult.OK,
    gate="",
    device="desk-1",
    session=None,
    **fields,
):
    """One scan row, as registrations.checkin would have recorded it."""
    event = fields.pop("event", None) or registration.event
    return CheckIn.objects.create(
        event=event,
        registration=registration,
        type=type,
        result=result,
        answered=fields.pop("answered", result),
        device=device,
        gate=gate,
        scanned_at=when,
        received_at=when,
        effective_at=when,
        session=session,
        **fields,
    )


@pytest.fixture
def scenario(event):
    """Four expected in person (two delegates, two partners), one online, one cancelled.

    Amina: in at North 09:10, out 10:30, back in at South 11:05 (inside), then a refused
    rescan. Boris: in at South 09:40 (inside); an offline device let him in again at 09:50
    (the flagged duplicate). Chen: in at no named entrance 10:15, out 12:00. Dana never came.
    An unknown code at 09:20. At the workshop's door (2 seats): Amina in, Boris in and out."""
    delegate = ticket(event, name="Delegate", modes="in_person")
    partner = ticket(event, name="Partner", modes="either")
    online = ticket(event, name="Online", modes="online")
    amina = RegistrationFactory(ticket=delegate, name="Amina Yusuf")
    boris = RegistrationFactory(ticket=delegate, name="Boris Petrov")
    RegistrationFactory(ticket=delegate, name="Farah Khan", state=State.CANCELLED)
    chen = RegistrationFactory(ticket=partner, mode=AttendanceMode.IN_PERSON, name="Chen Wei")
    RegistrationFactory(ticket=partner, mode=AttendanceMode.IN_PERSON, name="Dana Ivanova")
    RegistrationFactory(ticket=online, name="Emeka Obi")

    def t(hh_mm):
        return at(event, 0, hh_mm)

    door(amina, t("09:10"), gate="North")
    door(amina, t("10:30"), type="exit", gate="North")
    door(amina, t("11:05"), gate="South")
    door(amina, t("11:30"), result=ScanResult.ALREADY_CHECKED_IN, device="desk-2")
    first = door(boris, t("09:40"), gate="South", device="desk-2")
    door(
        boris,
        t("09:50"),
        result=ScanResult.ALREADY_CHECKED_IN,
        answered=ScanResult.OK,
        gate="East",
        device="phone-3",
        offline=True,
        flagged=True,
        duplicate_of=first,
    )
    door(chen, t("10:15"))
    door(chen, t("12:00"), type="exit")
    door(None, t("09:20"), result=ScanResult.UNKNOWN, event=event)
    workshop = SessionFactory(
        event=event, title="Open universities workshop", room=RoomFactory(event=event, capacity=2)
    )
    door(amina, t("14:00"), session=workshop)
    door(boris, t("14:02"), session=workshop)
    door(boris, t("14:30"), type="exit", session=workshop)
    return {"amina": amina, "boris": boris, "chen": chen, "workshop": workshop}


def test_statistics_count_expected_checked_in_and_inside(event, scenario):
    statistics = checkin_statistics(event)

    assert (statistics.expected, statistics.checked_in, statistics.inside) == (4, 3, 2)
    assert statistics.online == 1
    assert statistics.flagged == 1


def test_statistics_by_ticket_and_mode(event, scenario):
    statistics = checkin_statistics(event)

    assert [(t.name, t.expected, t.checked_in, t.inside) for t in statistics.by_ticket] == [
        ("Delegate", 2, 2, 2),
        ("Partner", 2, 1, 0),
        ("Online", 0, 0, 0),
    ]
    in_person, online = statistics.by_mode
    assert (in_person.mode, in_person.expected, in_person.checked_in) == ("in_person", 4, 3)
    assert (online.mode, online.expected, online.checked_in) == ("online", 1, None)
    assert not online.door_check_in


def test_statistics_by_entrance_count_each_persons_first_entry(event, scenario):
    statistics = checkin_statistics(event)

    # Amina came back in at South, and Boris's duplicate was at East: neither counts.
    assert [(e.gate, e.label, e.people) for e in statistics.by_entrance] == [
        ("", "No entrance named", 1),
        ("North", "North", 1),
        ("South", "South", 1),
    ]


def test_statistics_by_hour_on_the_events_clock_with_its_offset(event, scenario):
    statistics = checkin_statistics(event)

    assert [(h.label, h.utc_offset, h.entries) for h in statistics.by_hour] == [
        ("09:00", "UTC+08:00", 2),
        ("10:00", "UTC+08:00", 1),
        ("11:00", "UTC+08:00", 1),
    ]
    assert statistics.by_hour[0].start == dt.datetime(
        event.start_date.year, event.start_date.month, event.start_date.day, 1, tzinfo=dt.UTC
    )
    assert {h.day for h in statistics.by_hour} == {event.start_date}


def test_statistics_by_hour_fill_quiet_hours_and_cover_each_day_with_entries(event):
    guest = RegistrationFactory(ticket=ticket(event, name="Delegate"))
    door(guest, at(event, 0, "08:05"))
    door(guest, at(event, 0, "08:30"), type="exit")
    door(guest, at(event, 0, "11:59"))
    door(guest, at(event, 1, "09:00"), type="exit")
    door(guest, at(event, 1, "09:15"))

    hours = checkin_statistics(event).by_hour

    assert [(h.day.isoformat(), h.label, h.entries) for h in hours] == [
        (event.start_date.isoformat(), "08:00", 1),
        (event.start_date.isoformat(), "09:00", 0),
        (event.start_date.isoformat(), "10:00", 0),
        (event.start_date.isoformat(), "11:00", 1),
        (event.end_date.isoformat(), "09:00", 1),
    ]


def test_statistics_by_hour_follow_a_change_of_offset(db):
    # Europe/Paris leaves summer time on 25 October 2026 at 03:00 (back to 02:00).
    paris = EventFactory(
        timezone="Europe/Paris", start_date=dt.date(2026, 10, 25), end_date=dt.date(2026, 10, 25)
    )
    guest = RegistrationFactory(ticket=ticket(paris, name="Delegate"))
    door(guest, dt.datetime(2026, 10, 24, 23, 30, tzinfo=dt.UTC))  # 01:30 summer time
    door(guest, dt.datetime(2026, 10, 25, 1, 10, tzinfo=dt.UTC), type="exit")
    door(guest, dt.datetime(2026, 10, 25, 1, 30, tzinfo=dt.UTC))  # 02:30 winter time

    hours = checkin_statistics(paris).by_hour

    assert [(h.label, h.utc_offset, h.entries) for h in hours] == [
        ("01:00", "UTC+02:00", 1),
        ("02:00", "UTC+02:00", 0),
        ("02:00", "UTC+01:00", 1),
    ]


def test_statistics_by_hour_in_a_zone_half_an_hour_off_utc(db):
    delhi = EventFactory(timezone="Asia/Kolkata")
    guest = RegistrationFactory(ticket=ticket(delhi, name="Delegate"))
    door(guest, at(delhi, 0, "10:40"))
    door(guest, at(delhi, 0, "10:45"), type="exit")
    door(guest, at(delhi, 0, "10:50"))
    door(guest, at(delhi, 0, "11:00"), type="exit")
    door(guest, at(delhi, 0, "11:10"))

    hours = checkin_statistics(delhi).by_hour

    assert [(h.label, h.utc_offset, h.entries) for h in hours] == [
        ("10:00", "UTC+05:30", 2),
        ("11:00", "UTC+05:30", 1),
    ]


def test_statistics_list_the_flagged_duplicate_with_the_scan_that_got_in_first(event, scenario):
    (duplicate,) = checkin_statistics(event).duplicates

    assert (duplicate.name, duplicate.device, duplicate.gate) == ("Boris Petrov", "phone-3", "East")
    assert (duplicate.first_device, duplicate.first_gate) == ("desk-2", "South")
    assert duplicate.at_label.endswith("09:50:00 (UTC+08:00)")
    assert duplicate.first_at_label.endswith("09:40:00 (UTC+08:00)")


def test_statistics_count_refusals_by_what_the_person_was_told(event, scenario):
    refusals = checkin_statistics(event).refusals

    # The flagged duplicate was let in at the door: it is no refusal.
    assert [(r.reason, r.scans) for r in refusals] == [
        ("already_checked_in", 1),
        ("unknown", 1),
    ]
    assert refusals[1].label == "Unknown code"


def test_statistics_count_session_doors_apart_from_the_entrance(event, scenario):
    (workshop,) = checkin_statistics(event).sessions

    assert workshop.title == "Open universities workshop"
    assert (workshop.attended, workshop.inside, workshop.capacity) == (2, 1, 2)
    assert not workshop.full


def test_statistics_of_an_event_without_scans_are_zero(event):
    ticket(event, name="Delegate")

    now = checkin_statistics(event)

    assert (now.expected, now.checked_in, now.inside, now.flagged) == (0, 0, 0, 0)
    assert now.by_entrance == now.by_hour == now.sessions == now.refusals == []


def _people(event, tickets, count, start):
    """`count` more people, each in and at a session door, half of them out again, one in
    five let in twice offline, with a refusal each."""
    session = SessionFactory(event=event, room=RoomFactory(event=event, capacity=None))
    for n in range(start, start + count):
        person = RegistrationFactory(ticket=tickets[n % len(tickets)], name=f"Person {n}")
        first = door(person, at(event, 0, "08:00") + dt.timedelta(minutes=7 * n), gate=f"G{n % 3}")
        if n % 2:
            door(person, at(event, 0, "13:00"), type="exit")
        if n % 5 == 0:
            door(
                person,
                first.effective_at + dt.timedelta(minutes=1),
                result=ScanResult.ALREADY_CHECKED_IN,
                answered=ScanResult.OK,
                flagged=True,
                duplicate_of=first,
                device="phone",
            )
        door(person, at(event, 0, "15:00"), session=session)
        door(person, at(event, 0, "16:00"), result=ScanResult.REVOKED)


def test_statistics_cost_the_same_queries_for_few_and_many_people(event, django_assert_num_queries):
    tickets = [ticket(event, name=name) for name in ("Delegate", "Speaker", "Press")]
    _people(event, tickets, 2, 0)
    with django_assert_num_queries(FIGURE_QUERIES):
        few = checkin_statistics(event)

    _people(event, tickets, 30, 2)
    with django_assert_num_queries(FIGURE_QUERIES):
        many = checkin_statistics(event)

    assert (few.checked_in, many.checked_in) == (2, 32)
    assert len(many.sessions) == 2


# --- the API ----------------------------------------------------------------------------------


def test_stats_need_a_caller_and_a_team_role(client, event, outsider, bearer):
    assert client.get(API).status_code == 401
    refused = client.get(API, headers=bearer(outsider))
    assert refused.status_code == 403
    assert refused.json()["code"] == "permission_denied"


def test_stats_of_a_draft_are_not_found_for_outsiders(client, draft_event, outsider, bearer):
    response = client.get(
        f"/api/events/{draft_event.slug}/checkins/stats", headers=bearer(outsider)
    )

    assert response.status_code == 404


@pytest.mark.parametrize("role", ["checkin_staff", "organiser", "owner"])
def test_stats_are_shown_to_the_whole_team(client, event, scenario, bearer, role, request):
    user = request.getfixturevalue(role)

    response = client.get(API, headers=bearer(user))

    assert response.status_code == 200
    body = response.json()
    assert (body["expected"], body["checked_in"], body["inside"], body["flagged"]) == (4, 3, 2, 1)
    assert body["by_entrance"][0] == {"gate": "", "label": "No entrance named", "people": 1}
    assert body["by_hour"][0]["start"].endswith("01:00:00Z")
    assert body["by_hour"][0]["utc_offset"] == "UTC+08:00"
    assert body["sessions"][0]["inside"] == 1
    assert body["duplicates"][0]["first_device"] == "desk-2"


def test_stats_from_the_signed_in_browser(client, event, checkin_staff):
    client.force_login(checkin_staff)

    assert client.get(API).status_code == 200


def test_stats_answer_304_while_nothing_changes(client, event, scenario, organiser, bearer):
    headers = bearer(organiser)
    first = client.get(API, headers=headers)
    etag = first.headers["ETag"]

    same = client.get(API, headers={**headers, "If-None-Match": etag})
    weak = client.get(API, headers={**headers, "If-None-Match": f'"other", W/{etag}'})
    door(scenario["chen"], at(event, 0, "12:30"), gate="North")
    changed = client.get(API, headers={**headers, "If-None-Match": etag})

    assert first.status_code == 200 and etag.startswith('"')
    assert "no-cache" in first.headers["Cache-Control"]
    assert same.status_code == 304 and same.content == b"" and same.headers["ETag"] == etag
    assert weak.status_code == 304
    assert changed.status_code == 200
    assert changed.headers["ETag"] != etag
    assert changed.json()["inside"] == 3


def test_stats_cost_the_same_queries_for_few_and_many_people(client, event, organiser):
    client.force_login(organiser)
    tickets = [ticket(event, name="Delegate")]
    _people(event, tickets, 2, 0)
    with CaptureQueriesContext(connection) as few:
        assert client.get(API).status_code == 200
    _people(event, tickets, 25, 2)
    with CaptureQueriesContext(connection) as many:
        assert client.get(API).status_code == 200

    assert len(few.captured_queries) == len(many.captured_queries)


# --- the page ---------------------------------------------------------------------------------


def test_page_shows_the_numbers_to_check_in_staff(client, event, scenario, checkin_staff):
    client.force_login(checkin_staff)

    response = client.get(PAGE)

    assert response.status_code == 200
    html = response.content.decode()
    assert '<span class="cf-total__number" data-cf-total="checked_in">3</span>' in html
    assert '<span data-cf-total="of_expected">of 4 expected</span>' in html
    assert '<span class="cf-total__number" data-cf-total="inside">2</span>' in html
    assert '<span class="cf-total__number" data-cf-total="flagged">1</span>' in html
    assert 'data-cf-field="percent">50%</span>' in html  # Partner: 1 of 2
    assert "Boris Petrov" in html and "phone-3" in html
    assert "(UTC+08:00)" in html
    assert 'style="width: 100%"' in html  # Delegate: 2 of 2
    assert '<noscript><meta http-equiv="refresh" content="30"></noscript>' in html
    assert reverse("api:checkin_stats", kwargs={"slug": "seminar"}) in html


def test_page_needs_a_team_role(client, event, outsider):
    anonymous = client.get(PAGE)
    client.force_login(outsider)
    refused = client.get(PAGE)

    assert anonymous.status_code == 302 and "/accounts/login/" in anonymous["Location"]
    assert refused.status_code == 403


def test_registrations_page_links_to_the_statistics(client, event, organiser):
    client.force_login(organiser)

    html = client.get(reverse("registrations:manage", kwargs={"slug": "seminar"})).content.decode()

    assert f'href="{PAGE}"' in html
