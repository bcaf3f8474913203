"""Finding someone without their badge: accents and case left aside, any part of the name,
email, organisation or reference, the words in any order; the same at the desk and in the
organisers' list (registrations.selectors.registrations_matching), on SQLite and PostgreSQL
alike (the folded search text is compared, not the database's collation)."""

import importlib
import re

import pytest
from django.apps import apps

from events.models import Organization
from registrations.models import CheckIn, Registration, search_fold, search_text_of
from registrations.selectors import registrations_for, registrations_matching
from registrations.services.personal_data import event_registrations_anonymise
from registrations.services.registrations import registration_cancel
from tests.factories.events import OrganizationFactory
from tests.factories.registrations import registered, ticket

pytestmark = pytest.mark.django_db

DESK = "/events/seminar/checkin/"

filled = importlib.import_module("registrations.migrations.0020_registration_search_text")


@pytest.fixture
def people(today_event):
    delegate = ticket(today_event, name="Delegate")
    online = ticket(today_event, name="Online participant", modes="online")
    geneva = OrganizationFactory(name="Université de Genève", acronym="UNIGE", country="CH")
    belgrade = OrganizationFactory(name="Univerzitet u Beogradu", acronym="UB", country="RS")
    return {
        "amelie": registered(
            delegate, name="Amélie Dupont", email="amelie.dupont@unige.ch", organization=geneva
        ),
        "milica": registered(
            delegate, name="Milica Jovanović", email="milica@bg.ac.rs", organization=belgrade
        ),
        "ouyang": registered(online, name="欧阳娜", email="ouyang@example.cn", country="CN"),
        "lukasz": registered(delegate, name="Łukasz Østergård-Strauß", email="l@example.pl"),
    }


@pytest.mark.parametrize(
    ("text", "folded"),
    [
        ("Amélie", "amelie"),
        ("AMÉLIE", "amelie"),
        ("Jovanović", "jovanovic"),
        ("Łukasz Østergård-Strauß", "lukasz ostergard-strauss"),
        ("ÆRØ Œuvre Þór Đorđe", "aero oeuvre thor dorde"),
        ("İstanbul ıspanak", "istanbul ispanak"),
        ("ΟΔΟΣ", "οδοσ"),  # final sigma as casefold() says it, so the device says it alike
        ("ﬁnance №５", "finance no5"),  # compatibility forms
        ("欧阳娜", "欧阳娜"),
    ],
)
def test_search_fold_leaves_accents_and_case_aside(text, folded):
    assert search_fold(text) == folded


def found(event, query) -> set[str]:
    return set(registrations_matching(event, query).values_list("name", flat=True))


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("amelie", {"Amélie Dupont"}),
        ("AMÉLIE", {"Amélie Dupont"}),
        ("amelie dupont", {"Amélie Dupont"}),
        ("Dupont   Amélie", {"Amélie Dupont"}),  # any order, any spacing
        ("Jovanovic", {"Milica Jovanović"}),
        ("jovanović milica", {"Milica Jovanović"}),
        ("ouyang", {"欧阳娜"}),  # by email
        ("OUYANG@EXAMPLE.CN", {"欧阳娜"}),
        ("欧阳", {"欧阳娜"}),
        ("example", {"欧阳娜", "Łukasz Østergård-Strauß"}),
        ("universite geneve", {"Amélie Dupont"}),  # by organisation, without its accents
        ("unige", {"Amélie Dupont"}),  # its acronym (and email)
        ("beograd", {"Milica Jovanović"}),
        ("lukasz ostergard strauss", {"Łukasz Østergård-Strauß"}),
        ("amelie jovanovic", set()),  # every word must be found
        ("nobody", set()),
        ("", {"Amélie Dupont", "Milica Jovanović", "欧阳娜", "Łukasz Østergård-Strauß"}),
    ],
)
def test_the_search_finds_by_any_part_accents_and_case_aside(today_event, people, query, expected):
    assert found(today_event, query) == expected


def test_a_partial_reference_in_any_case_finds_the_registration(today_event, people):
    reference = people["milica"].reference

    assert found(today_event, reference[1:6].lower()) == {"Milica Jovanović"}
    assert found(today_event, f" {reference} ") == {"Milica Jovanović"}


@pytest.mark.parametrize("query", ["amelie", "Jovanovic", "ouyang", "unige dupont", "example"])
def test_the_desk_and_the_organisers_list_find_the_same_people(today_event, people, query):
    at_desk = set(registrations_matching(today_event, query))
    in_list = set(registrations_for(today_event, {"q": query}))

    assert at_desk == in_list and at_desk


def test_the_search_reads_one_query_for_organisations_whatever_their_number(
    today_event, people, django_assert_num_queries
):
    with django_assert_num_queries(2):  # the event's organisations, then the registrations
        list(registrations_matching(today_event, "universite amelie"))


def test_an_organisation_is_found_by_its_name_of_now(today_event, people):
    geneva = people["amelie"].organization
    Organization.objects.filter(pk=geneva.pk).update(name="Universität Zürich", acronym="UZH")

    assert found(today_event, "zurich") == {"Amélie Dupont"}
    assert found(today_event, "geneve") == set()


def test_the_search_text_follows_the_registrations_own_fields(today_event, people):
    milica = Registration.objects.get(pk=people["milica"].pk)
    milica.name = "Milica Petrović"
    milica.save(update_fields=["name"])

    milica.refresh_from_db()
    assert milica.search_text == search_text_of(milica.name, milica.email, milica.reference)
    assert found(today_event, "petrovic") == {"Milica Petrović"}
    assert found(today_event, "jovanovic") == set()


def test_the_search_text_is_kept_when_only_other_fields_are_saved(today_event, people):
    registration_cancel(registration=people["amelie"], by=None, reason="ill")

    assert found(today_event, "amelie") == {"Amélie Dupont"}


def test_anonymised_registrants_are_no_longer_found_by_name_or_email(today_event, people):
    today_event.start_date = today_event.end_date = today_event.start_date.replace(year=2020)
    today_event.save()

    event_registrations_anonymise(event=today_event, by=None)

    assert found(today_event, "amelie") == set()
    assert found(today_event, "ouyang") == set()
    for registration in Registration.objects.filter(event=today_event):
        assert registration.search_text == search_text_of(
            registration.name, registration.email, registration.reference
        )
    reference = people["milica"].reference
    assert found(today_event, reference.lower()) == {f"#{reference}"}


def test_the_migration_fills_the_search_text_of_registrations_there_were(today_event, people):
    Registration.objects.update(search_text="")

    filled.fill(apps, None)

    for registration in Registration.objects.all():
        assert registration.search_text == search_text_of(
            registration.name, registration.email, registration.reference
        )
    assert found(today_event, "jovanovic") == {"Milica Jovanović"}


# --- the desk's page ----------------------------------------------------------------------------


def matches(html: str) -> dict[str, str]:
    """Each match on the desk page: its name, and the markup of its row."""
    rows = re.findall(r"<li>(.*?)</li>", html.split('class="desk-matches"', 1)[-1], re.S)
    return {re.search(r"<strong><bdi>(.*?)</bdi>", row).group(1): row for row in rows}


@pytest.mark.parametrize(
    ("query", "name"),
    [("amelie", "Amélie Dupont"), ("Jovanovic", "Milica Jovanović"), ("ouyang", "欧阳娜")],
)
def test_the_desk_finds_the_people_the_review_could_not(client, checkin_staff, people, query, name):
    client.force_login(checkin_staff)

    html = client.get(DESK, {"q": query}).content.decode()

    assert list(matches(html)) == [name]


def test_only_those_a_door_lets_in_are_offered_check_in(client, checkin_staff, today_event, people):
    registration_cancel(registration=people["milica"], by=None, reason="visa refused")
    client.force_login(checkin_staff)

    rows = matches(client.get(DESK, {"q": "a"}).content.decode())

    assert 'value="entry"' in rows["Amélie Dupont"] and "Check in" in rows["Amélie Dupont"]
    online, cancelled = rows["欧阳娜"], rows["Milica Jovanović"]
    assert "<button" not in online and "Attends online: no door check-in" in online
    assert "<button" not in cancelled and "Cancelled: no check-in" in cancelled


@pytest.mark.parametrize(
    ("who", "says"),
    [
        ("ouyang", "欧阳娜 is registered to attend online, not in person."),
        ("milica", "Milica Jovanović's registration is cancelled, not confirmed."),
    ],
)
def test_a_forged_check_in_of_someone_no_door_lets_in_is_refused(
    client, checkin_staff, people, who, says
):
    registration_cancel(registration=people["milica"], by=None, reason="visa refused")
    client.force_login(checkin_staff)

    response = client.post(DESK, {"registration": people[who].pk, "type": "entry"})

    assert response.status_code == 422
    html = response.content.decode()
    assert "NOT ADMITTED" in html and says.replace("'", "&#x27;") in html
    assert not CheckIn.objects.exists()


def test_checking_in_someone_found_by_name_still_admits_them(client, checkin_staff, people):
    client.force_login(checkin_staff)

    response = client.post(DESK, {"registration": people["amelie"].pk, "type": "entry"})

    assert response.status_code == 200 and "ADMITTED" in response.content.decode()
    assert CheckIn.objects.get().registration_id == people["amelie"].pk
