from datetime import timedelta
from io import StringIO

import pytest
from django.apps import apps
from django.core.management import CommandError, call_command

from confman.demo.events import seed_demo_event, seed_scale_event
from events.models import AttendanceMode, Event, EventOrganization, Organization, Room
from events.timezones import local_today

ROLE_RANK = {role: rank for rank, role in enumerate(EventOrganization.Role.values)}


def row_counts() -> dict[str, int]:
    return {
        model.__name__: model.objects.count()
        for model in apps.get_app_config("events").get_models()
    }


@pytest.mark.django_db
def test_demo_event_is_a_live_hybrid_conference_in_shenzhen():
    event, created = seed_demo_event()

    assert created is True
    assert event.slug == "ict-he-asia-pacific"
    assert event.status == Event.Status.PUBLISHED
    assert event.format == AttendanceMode.HYBRID
    assert event.timezone == "Asia/Shanghai"
    assert event.start_date == local_today("Asia/Shanghai")
    assert event.end_date == event.start_date + timedelta(days=1)
    assert event.is_ongoing
    assert event.languages == ["en", "zh-hans", "ru"]
    assert event.venue.city == "Shenzhen"
    assert event.venue.country.code == "CN"


@pytest.mark.django_db
def test_demo_event_has_plenary_breakout_and_one_virtual_room():
    event, _ = seed_demo_event()

    rooms = list(event.rooms.all())
    plenary = next(room for room in rooms if room.name == "Plenary Hall")
    breakouts = [room for room in rooms if room.name.startswith("Breakout")]
    virtual = [room for room in rooms if room.is_virtual]

    assert plenary.kind == Room.Kind.PHYSICAL
    assert plenary.capacity >= 200
    assert len(breakouts) >= 3
    assert all(40 <= room.capacity <= 80 and room.floor for room in breakouts)
    assert len(virtual) == 1
    assert virtual[0].capacity is None
    assert virtual[0].floor == ""


@pytest.mark.django_db
def test_demo_event_organisations_come_from_many_countries_organisers_first():
    event, _ = seed_demo_event()

    links = list(event.event_organizations.select_related("organization"))
    countries = {link.organization.country.code for link in links}
    ranks = [ROLE_RANK[link.role] for link in links]
    organisers = {link.organization.acronym for link in links if link.role == "organiser"}

    assert len(links) >= 32
    assert len({link.organization_id for link in links}) == len(links)
    assert len(countries) >= 15
    assert ranks == sorted(ranks)
    assert {"UNESCO Bangkok", "UNESCO-ICHEI", "SUSTech"} <= organisers
    assert event.tracks.count() >= 4
    assert len({track.colour.lower() for track in event.tracks.all()}) == event.tracks.count()


@pytest.mark.django_db
def test_demo_event_passes_model_validation():
    event, _ = seed_demo_event()

    for obj in [
        event,
        event.venue,
        *event.rooms.all(),
        *event.tracks.all(),
        *event.organizations.all(),
        *event.event_organizations.all(),
    ]:
        obj.full_clean()


@pytest.mark.django_db
def test_demo_event_reuses_registered_organisation_whatever_its_case():
    registered = Organization.objects.create(
        name="UNIVERSITI PUTRA MALAYSIA", country="MY", kind=Organization.Kind.UNIVERSITY
    )

    event, _ = seed_demo_event()

    assert Organization.objects.filter(name__iexact="Universiti Putra Malaysia").count() == 1
    assert event.organizations.filter(pk=registered.pk).exists()


@pytest.mark.django_db
def test_seed_demo_event_twice_changes_nothing():
    first, _ = seed_demo_event()
    counts = row_counts()

    second, created = seed_demo_event()

    assert created is False
    assert second.pk == first.pk
    assert row_counts() == counts


@pytest.mark.django_db
def test_seed_demo_command_twice_says_the_event_already_exists():
    first, second = StringIO(), StringIO()

    call_command("seed_demo", stdout=first)
    counts = row_counts()
    call_command("seed_demo", stdout=second)

    assert "Created the demo event" in first.getvalue()
    assert "/events/ict-he-asia-pacific/" in first.getvalue()
    assert "already exists" in second.getvalue()
    assert "nothing changed" in second.getvalue()
    assert row_counts() == counts


@pytest.mark.django_db
def test_seed_scale_event_creates_2000_organisations_and_20_rooms():
    event, created, seconds = seed_scale_event(1)

    assert created is True
    assert seconds > 0
    assert event.slug == "scale-1"
    assert event.status == Event.Status.PUBLISHED
    assert event.format == AttendanceMode.HYBRID
    assert (event.end_date - event.start_date).days + 1 == 3
    assert event.start_date == local_today(event.timezone)
    assert event.organizations.count() == 2000
    assert event.event_organizations.filter(role="partner").count() > 1900
    assert event.rooms.count() == 20
    assert event.rooms.filter(kind=Room.Kind.VIRTUAL).count() in (1, 2)
    assert event.tracks.count() == 8
    assert event.organizations.values("country").distinct().count() >= 100


@pytest.mark.django_db
def test_seed_scale_event_twice_changes_nothing():
    first, _, _ = seed_scale_event(1)
    counts = row_counts()

    second, created, _ = seed_scale_event(1)

    assert created is False
    assert second.pk == first.pk
    assert row_counts() == counts


@pytest.mark.django_db
def test_seed_scale_event_reuses_organisations_of_a_deleted_run():
    seed_scale_event(1)[0].delete()

    event, created, _ = seed_scale_event(1)

    assert created is True
    assert Organization.objects.count() == 2000
    assert event.organizations.count() == 2000


@pytest.mark.django_db
def test_seed_demo_command_with_scale_reports_counts():
    out = StringIO()

    call_command("seed_demo", "--scale", "1", stdout=out)

    assert "Created scale-1: 2000 organisations, 20 rooms, 8 tracks in " in out.getvalue()


@pytest.mark.django_db
@pytest.mark.parametrize("scale", ["0", "-2"])
def test_seed_demo_command_rejects_scale_below_one(scale):
    with pytest.raises(CommandError, match="at least 1"):
        call_command("seed_demo", "--scale", scale)

    assert not Event.objects.exists()


@pytest.mark.django_db
def test_the_demo_event_speaks_english_and_chinese(client):
    event, _ = seed_demo_event()

    english = client.get(f"/events/{event.slug}/agenda/?day=all").content.decode()
    chinese = client.get(f"/zh-hans/events/{event.slug}/agenda/?day=all").content.decode()
    russian = client.get(f"/ru/events/{event.slug}/agenda/?day=all").content.decode()

    assert "Opening ceremony" in english and "开幕式" not in english
    assert "开幕式" in chinese and "Opening ceremony" not in chinese
    assert "全体会议厅" in chinese or "全体会议" in chinese  # rooms too
    # Russian is one of the event's languages, without Russian content: the first language.
    assert 'dir="auto" lang="en"><a href' in russian  # marked as English for screen readers
    assert "Opening ceremony" in russian
