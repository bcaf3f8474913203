"""The participation report: its figures against counts made independently over the rows, its
cost, the suppression of small gender cells, the sessions, the exports and who may see it."""

import csv
import datetime as dt
import io
import itertools

import openpyxl
import pypdfium2
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from events.models import Organization
from events.regions import region_of
from registrations.models import (
    CertificateSettings,
    CheckIn,
    RegistrationSettings,
    ScanResult,
    State,
    Viewing,
)
from registrations.report.selectors import participation, suppressed
from tests.factories import RoomFactory, SessionFactory, at
from tests.factories.events import OrganizationFactory
from tests.factories.registrations import RegistrationFactory, ticket

pytestmark = pytest.mark.django_db

PAGE = "/events/seminar/manage/report/"
COUNTRIES = ("CN", "KE", "DE", "BR", "AU", "EG", "JP", "FR", "AQ")
STATES = (
    State.CONFIRMED,
    State.CONFIRMED,
    State.CONFIRMED,
    State.CANCELLED,
    State.WAITLISTED,
    State.REFUNDED,
)
KINDS = (Organization.Kind.UNIVERSITY, Organization.Kind.GOVERNMENT, Organization.Kind.NGO)


def scan(registration, *, result=ScanResult.OK, type="entry", session=None, nonce=""):
    when = at(registration.event, 0, "09:30")
    return CheckIn.objects.create(
        event=registration.event,
        registration=registration,
        type=type,
        result=result,
        device="desk-1",
        scanned_at=when,
        effective_at=when,
        session=session,
        nonce=nonce,
    )


def view(registration, start, end, room=None):
    return Viewing.objects.create(
        event=registration.event,
        registration=registration,
        room=room,
        started_at=start,
        ended_at=end,
    )


def seed(event, size: int, offset: int = 0) -> None:
    """`size` registrations spread over countries, organisations, tickets, modes and states;
    some admitted (some twice, some refused), some with one or two viewings."""
    delegate = event.ticket_types.filter(name__contains="Delegate").first() or ticket(
        event, name="Delegate", modes="in_person"
    )
    hybrid = event.ticket_types.filter(name__contains="Hybrid").first() or ticket(
        event, name="Hybrid", modes="either"
    )
    organisations = [
        OrganizationFactory(kind=KINDS[n % len(KINDS)]) for n in range(offset, offset + size // 3)
    ]
    for n in range(offset, offset + size):
        online = n % 4 == 0
        registration = RegistrationFactory(
            ticket=hybrid if n % 2 else delegate,
            mode="online" if online and n % 2 else "in_person",
            state=STATES[n % len(STATES)],
            country=COUNTRIES[n % len(COUNTRIES)],
            organization=organisations[n % len(organisations)] if n % 5 else None,
            name=f"Person {n}",
        )
        if n % 3 == 0:
            scan(registration)
            if n % 9 == 0:
                scan(registration, nonce=f"again-{n}")
        if n % 7 == 0:
            scan(registration, result=ScanResult.NOT_CONFIRMED, nonce=f"refused-{n}")
        if online or n % 5 == 1:
            # 30 minutes: short of the 60 that count as attending online, unless...
            start = at(event, 0, "10:00")
            view(registration, start, start + dt.timedelta(minutes=30))
            if n % 8 == 0:  # ...an hour more later on
                view(registration, start + dt.timedelta(hours=2), start + dt.timedelta(hours=3))
            if n % 12 == 4:  # a second tab open at the same time counts once
                view(registration, start, start + dt.timedelta(minutes=30))
            if n % 10 == 1:  # two hours the day before the event do not count
                view(registration, start - dt.timedelta(days=1), start - dt.timedelta(hours=22))


def expected(event):
    """The figures counted over the rows in plain Python."""
    people = list(event.registrations.select_related("organization"))
    admitted = set(
        CheckIn.objects.filter(result=ScanResult.OK, type="entry").values_list(
            "registration", flat=True
        )
    )
    # Attended online: at least 60 minutes within the event's days, each minute counted once.
    first = at(event, 0, "00:00")
    last = first + dt.timedelta(days=(event.end_date - event.start_date).days + 1)
    minutes = {}
    for viewing in Viewing.objects.all():
        moment = max(viewing.started_at, first)
        while moment < min(viewing.ended_at, last):
            minutes.setdefault(viewing.registration_id, set()).add(moment)
            moment += dt.timedelta(minutes=1)
    viewers = {pk for pk, seen in minutes.items() if len(seen) >= 60}
    registered = [r for r in people if r.state not in (State.CANCELLED, State.REFUNDED)]
    confirmed = [r for r in people if r.state == State.CONFIRMED]
    checked_in = [r for r in confirmed if r.pk in admitted]
    online = [r for r in registered if r.pk in viewers]
    took_part = {r.pk: r for r in [*checked_in, *online]}.values()
    countries = {r.country.code for r in took_part}
    return {
        "registered": len(registered),
        "confirmed": len(confirmed),
        "checked_in": len(checked_in),
        "online": len(online),
        "took_part": len(took_part),
        "organisations": len({r.organization_id for r in took_part if r.organization_id}),
        "countries": len(countries),
        "regions": len({region_of(c)[0] for c in countries if region_of(c)}),
        "by_country": {
            c: (
                sum(r.country.code == c for r in registered),
                sum(r.country.code == c for r in checked_in),
                sum(r.country.code == c for r in online),
            )
            for c in {r.country.code for r in people}
        },
        "by_kind": {
            kind: sum(
                (r.organization.kind if r.organization else "none") == kind for r in registered
            )
            for kind in [*Organization.Kind.values, "none"]
        },
        "by_region": {
            region: sum((region_of(r.country.code) or ("",))[0] == region for r in registered)
            for region in {(region_of(r.country.code) or ("",))[0] for r in people}
        },
        "by_mode": {
            mode: sum(r.mode == mode for r in confirmed) for mode in ("in_person", "online")
        },
    }


def assert_matches(report, want):
    totals = report.totals
    for name in (
        "registered",
        "confirmed",
        "checked_in",
        "online",
        "took_part",
        "organisations",
        "countries",
        "regions",
    ):
        assert getattr(totals, name) == want[name], name
    assert {
        row.key: (row.registered, row.checked_in, row.online) for row in report.by_country
    } == want["by_country"]
    assert {row.key: row.registered for row in report.by_kind} == {
        kind: n
        for kind, n in want["by_kind"].items()
        if n or kind in {r.key for r in report.by_kind}
    }
    assert {row.key: row.registered for row in report.by_region} == want["by_region"]
    assert {row.key: row.confirmed for row in report.by_mode} == {
        mode: n for mode, n in want["by_mode"].items() if mode in {r.key for r in report.by_mode}
    }


def test_figures_equal_independent_counts_at_two_sizes_in_the_same_queries(event):
    SessionFactory(event=event)
    seed(event, 12)
    with CaptureQueriesContext(connection) as few:
        small = participation(event)
    assert_matches(small, expected(event))

    seed(event, 90, offset=12)
    with CaptureQueriesContext(connection) as many:
        large = participation(event)
    assert_matches(large, expected(event))

    assert large.totals.registered > small.totals.registered > 0
    assert large.totals.checked_in > small.totals.checked_in > 0
    assert len(few.captured_queries) == len(many.captured_queries) == 6


def test_sentence_counts_participants_countries_regions_and_kinds(event):
    delegate = ticket(event, name="Delegate")
    universities = [OrganizationFactory(kind=Organization.Kind.UNIVERSITY) for _ in range(2)]
    ministry = OrganizationFactory(kind=Organization.Kind.GOVERNMENT)
    for organisation, country in itertools.product([*universities, ministry], ["CN", "DE"]):
        scan(RegistrationFactory(ticket=delegate, organization=organisation, country=country))
    RegistrationFactory(ticket=delegate, country="BR")  # registered, never came: not counted

    report = participation(event)

    assert report.sentence == (
        "6 participants from 2 countries and 2 world regions, representing 3 organisations: "
        "2 universities, 1 government body."
    )


def test_regions_and_subregions_come_from_the_countries(event):
    delegate = ticket(event, name="Delegate")
    for country in ("CN", "JP", "KE", "NG", "EG", "AQ"):
        RegistrationFactory(ticket=delegate, country=country)

    report = participation(event)

    assert {row.label: row.registered for row in report.by_region} == {
        "Asia": 2,
        "Africa": 3,
        "No world region": 1,
    }
    assert {row.label: row.registered for row in report.by_subregion} == {
        "Eastern Asia": 2,
        "Sub-Saharan Africa": 2,
        "Northern Africa": 1,
        "No world region": 1,
    }
    assert report.totals.regions == 2


# --- gender -------------------------------------------------------------------------------------


def test_suppression_hides_small_cells_and_the_next_smallest_when_alone():
    cells = suppressed([10, 12, 3, 7, 9])

    assert [cell.value for cell in cells] == [10, 12, None, None, 9]
    assert str(cells[2]) == "fewer than 5"


def test_suppression_leaves_a_column_alone_without_small_cells():
    assert [cell.value for cell in suppressed([5, 6, 7, 8, 9])] == [5, 6, 7, 8, 9]
    assert [cell.value for cell in suppressed([1, 2, 30, 40, 50])] == [None, None, 30, 40, 50]


def test_gender_shown_only_when_asked_with_a_cell_of_three_and_its_complement_hidden(event):
    delegate = ticket(event, name="Delegate")
    for gender, n in (("woman", 10), ("man", 12), ("described", 6), ("unsaid", 3), ("", 8)):
        for _ in range(n):
            RegistrationFactory(ticket=delegate, gender=gender)
    assert participation(event).gender is None

    RegistrationSettings.objects.update_or_create(event=event, defaults={"asks_gender": True})
    rows = {row.key: row for row in participation(event).gender}

    assert rows["unsaid"].registered.hidden
    assert rows["described"].registered.hidden  # the next smallest: 3 cannot be worked out
    assert [rows[key].registered.value for key in ("woman", "man", "unanswered")] == [10, 12, 8]
    assert str(rows["unsaid"].registered) == "fewer than 5"


# --- sessions -----------------------------------------------------------------------------------


def test_sessions_count_people_at_the_door_and_online_in_the_delayed_window(event):
    CertificateSettings.objects.create(event=event, online_minutes=10)
    delegate = ticket(event, name="Delegate")
    hall, annex = RoomFactory(event=event, name="Hall"), RoomFactory(event=event, name="Annex")
    # 10:00-11:00 in the Hall, running 30 minutes late: 10:30-11:30.
    late = SessionFactory(event=event, room=hall, title="Late panel", delay_minutes=30)
    other = SessionFactory(event=event, room=annex, title="Other room")
    people = [RegistrationFactory(ticket=delegate, name=f"P{n}") for n in range(6)]
    scan(people[0], session=late)
    scan(people[0], session=late, nonce="twice")  # counted once
    scan(people[1], session=late, result=ScanResult.ROOM_FULL, nonce="full")  # not admitted
    scan(people[2], session=other)
    ten = at(event, 0, "10:00")
    # Online, 10 minutes count: 10 + 3 in the Hall's delayed window; 15 with no room named.
    view(people[3], ten + dt.timedelta(minutes=40), ten + dt.timedelta(minutes=50), room=hall)
    view(people[3], ten + dt.timedelta(minutes=55), ten + dt.timedelta(minutes=58), room=hall)
    view(people[4], ten + dt.timedelta(minutes=70), ten + dt.timedelta(minutes=85))  # no room
    view(people[5], ten, ten + dt.timedelta(minutes=20), room=hall)  # before the delayed start
    view(people[1], ten + dt.timedelta(minutes=10), ten + dt.timedelta(minutes=25))  # Annex's
    view(people[0], ten + dt.timedelta(minutes=40), ten + dt.timedelta(minutes=45))  # 5: short

    rows = {row.title: row for row in participation(event).sessions}

    assert (rows["Late panel"].at_door, rows["Late panel"].online) == (1, 2)
    assert (rows["Other room"].at_door, rows["Other room"].online) == (1, 1)
    assert "10:30" in rows["Late panel"].start_label


# --- exports ------------------------------------------------------------------------------------


@pytest.fixture
def seeded(event):
    RegistrationSettings.objects.update_or_create(event=event, defaults={"asks_gender": True})
    delegate = ticket(event, name="Delegate")
    for n in range(8):
        registration = RegistrationFactory(
            ticket=delegate, country="CN" if n < 5 else "SA", gender="woman" if n < 3 else "man"
        )
        scan(registration)
    RegistrationFactory(ticket=delegate, name="李华", country="CN", gender="man")
    SessionFactory(event=event, title="Opening plenary")
    return event


def test_csv_has_a_bom_sections_apart_and_hidden_gender_cells(client, seeded, organiser):
    client.force_login(organiser)

    response = client.get(PAGE + "participation.csv")

    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="seminar-participation.csv"'
    assert response.content.startswith("\ufeff".encode())
    lines = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert lines[0][0] == "Asia-Pacific Regional Seminar"
    country = lines.index(["By country"])
    assert lines[country - 1] == []
    assert ["China", "6", "6", "5", "0"] in lines
    assert ["Woman", "fewer than 5", "fewer than 5", "fewer than 5", "fewer than 5"] in lines
    assert ["Registered", "9"] in lines


def test_xlsx_reads_back_with_numbers_as_numbers(client, seeded, organiser):
    client.force_login(organiser)

    response = client.get(PAGE + "participation.xlsx")

    assert response.status_code == 200
    assert response["Content-Disposition"].endswith('seminar-participation.xlsx"')
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    assert "By country" in book.sheetnames and "Gender" in book.sheetnames
    countries = list(book["By country"].values)
    assert countries[0] == ("Country", "Registered", "Confirmed", "Checked in", "Followed online")
    assert ("China", 6, 6, 5, 0) in countries
    assert book["By country"]["A1"].font.bold
    gender = {row[0]: row[1] for row in book["Gender"].values}
    assert gender["Woman"] == "fewer than 5" and gender["Man"] == 6


def test_pdf_reads_back_with_the_event_and_its_figures(client, seeded, organiser):
    client.force_login(organiser)

    response = client.get(PAGE + "participation.pdf")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    document = pypdfium2.PdfDocument(response.content)
    text = "".join(page.get_textpage().get_text_range() for page in document)
    assert "Asia-Pacific Regional Seminar" in text
    assert "8 participants from 2 countries" in text
    assert "Opening plenary" in text
    assert "fewer than 5" in text


def test_the_arabic_pdf_sets_latin_words_after_an_arabic_line_in_their_own_font(
    client, seeded, organiser
):
    """The line of dates, after the Arabic title line, names the zone in Latin letters; these
    came out as another font's glyphs (registrations.badges.pdf.ShapedPDF)."""
    seeded.timezone = "Asia/Shanghai"
    seeded.save()
    client.force_login(organiser)

    response = client.get("/ar" + PAGE + "participation.pdf", HTTP_ACCEPT_LANGUAGE="ar")

    assert response.status_code == 200
    document = pypdfium2.PdfDocument(response.content)
    text = "".join(page.get_textpage().get_text_range() for page in document)
    assert "تقرير المشاركة" in text
    assert "Asia/Shanghai" in text


# --- the page and who may see it ----------------------------------------------------------------


@pytest.mark.parametrize("role", ["organiser", "checkin_staff", "owner"])
def test_page_is_shown_to_the_team(client, seeded, role, request):
    client.force_login(request.getfixturevalue(role))

    response = client.get(PAGE)

    assert response.status_code == 200
    html = response.content.decode()
    assert "8 participants from 2 countries and 1 world region." in html
    assert 'role="img"' in html and '<title id="chart-countries-title">' in html
    assert '<th scope="row" dir="auto">China</th>' in html
    assert "style=" not in html.split("<main", 1)[-1]


def test_page_in_arabic_draws_the_charts_right_to_left(client, seeded, organiser):
    client.force_login(organiser)

    html = client.get(PAGE, headers={"accept-language": "ar"}).content.decode()

    assert 'direction="rtl"' in html


@pytest.mark.parametrize(
    "suffix", ["", "participation.csv", "participation.xlsx", "participation.pdf"]
)
def test_report_refused_to_outsiders_and_chairs_and_anonymous_sent_to_sign_in(
    client, event, outsider, suffix
):
    from sessions.models import SessionRole
    from tests.factories.sessions import PersonFactory, SessionRoleFactory

    chair = PersonFactory(event=event, user=outsider.__class__.objects.create(username="chair"))
    SessionRoleFactory(
        session=SessionFactory(event=event), person=chair, role=SessionRole.Kind.CHAIR
    )

    anonymous = client.get(PAGE + suffix)
    client.force_login(outsider)
    refused = client.get(PAGE + suffix)
    client.force_login(chair.user)
    chair_refused = client.get(PAGE + suffix)

    assert anonymous.status_code == 302 and "/accounts/login/" in anonymous["Location"]
    assert refused.status_code == 403
    assert chair_refused.status_code == 403
