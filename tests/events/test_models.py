import datetime as dt
import zoneinfo
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from events.models import (
    Event,
    EventOrganization,
    Organization,
    Room,
    TeamMember,
    Track,
    Venue,
)
from events.timezones import TIME_ZONES, local_today, utc_offset_label
from tests.factories import (
    EventFactory,
    OrganizationFactory,
    TrackFactory,
    UserFactory,
)


def event_fields(**overrides):
    fields = {
        "slug": "apec-2026",
        "title": "APEC Seminar",
        "timezone": "Asia/Shanghai",
        "start_date": dt.date(2026, 5, 10),
        "end_date": dt.date(2026, 5, 12),
    }
    return {**fields, **overrides}


def messages_for(error: ValidationError, field: str) -> list[str]:
    return [message for e in error.error_dict.get(field, []) for message in e.messages]


def all_messages(error: ValidationError) -> list[str]:
    return [
        message for errors in error.error_dict.values() for e in errors for message in e.messages
    ]


# --- Event ----------------------------------------------------------------------------------


@pytest.mark.django_db
def test_event_end_before_start_rejected_by_database():
    with pytest.raises(IntegrityError), transaction.atomic():
        Event.objects.create(**event_fields(end_date=dt.date(2026, 5, 9)))


@pytest.mark.django_db
def test_event_end_before_start_rejected_by_full_clean_with_message():
    event = Event(**event_fields(end_date=dt.date(2026, 5, 9)))

    with pytest.raises(ValidationError) as excinfo:
        event.full_clean()

    assert "The last day cannot be before the first day." in all_messages(excinfo.value)


@pytest.mark.django_db
def test_event_one_day_long_accepted():
    event = Event.objects.create(**event_fields(end_date=dt.date(2026, 5, 10)))

    event.refresh_from_db()
    assert event.start_date == event.end_date == dt.date(2026, 5, 10)


@pytest.mark.django_db
@pytest.mark.parametrize("zone", ["Mars/Olympus", ""])
def test_event_timezone_not_in_list_rejected_by_database(zone):
    with pytest.raises(IntegrityError), transaction.atomic():
        Event.objects.create(**event_fields(timezone=zone))


@pytest.mark.django_db
def test_event_timezone_unknown_rejected_by_full_clean_with_message():
    event = Event(**event_fields(timezone="Mars/Olympus"))

    with pytest.raises(ValidationError) as excinfo:
        event.full_clean()

    assert messages_for(excinfo.value, "timezone") == [
        "“Mars/Olympus” is not an IANA time zone. Use a name such as Asia/Shanghai, "
        "Europe/Paris or America/New_York."
    ]


@pytest.mark.django_db
def test_event_timezone_empty_rejected_by_full_clean():
    event = Event(**event_fields(timezone=""))

    with pytest.raises(ValidationError) as excinfo:
        event.full_clean()

    assert messages_for(excinfo.value, "timezone") == ["This field cannot be blank."]


@pytest.mark.django_db
def test_event_duplicate_slug_rejected_by_database():
    Event.objects.create(**event_fields())

    with pytest.raises(IntegrityError), transaction.atomic():
        Event.objects.create(**event_fields(title="Another"))


@pytest.mark.django_db
def test_event_duplicate_slug_rejected_by_full_clean_with_message():
    Event.objects.create(**event_fields())
    event = Event(**event_fields(title="Another"))

    with pytest.raises(ValidationError) as excinfo:
        event.full_clean()

    assert messages_for(excinfo.value, "slug") == [
        "Event with this Short name in addresses already exists."
    ]


@pytest.mark.django_db
@pytest.mark.parametrize("slug", ["1abc", "Has Caps", "trailing-"])
def test_event_bad_slug_rejected_by_full_clean_with_message(slug):
    event = Event(**event_fields(slug=slug))

    with pytest.raises(ValidationError) as excinfo:
        event.full_clean()

    assert (
        "Use lower-case letters, digits and hyphens, starting with a letter, e.g. “apec-2026”."
        in messages_for(excinfo.value, "slug")
    )


@pytest.mark.django_db
@pytest.mark.parametrize("slug", ["a1", "apec-2026", "ict-he-asia-pacific"])
def test_event_good_slug_passes_full_clean(slug):
    event = Event(**event_fields(slug=slug))

    event.full_clean()

    assert event.slug == slug


@pytest.mark.django_db
def test_event_empty_slug_rejected_by_database():
    with pytest.raises(IntegrityError), transaction.atomic():
        Event.objects.create(**event_fields(slug=""))


@pytest.mark.django_db
@pytest.mark.parametrize("languages", [["en", "xx", "klingon"], ["xx", "ru", "klingon"]])
def test_event_unknown_language_rejected_by_full_clean_with_message(languages):
    event = Event(**event_fields(languages=languages))

    with pytest.raises(ValidationError) as excinfo:
        event.full_clean()

    assert messages_for(excinfo.value, "languages") == [
        "Unknown language codes: xx, klingon. Use ISO 639-1 codes such as en, zh-hans, "
        "ru, fr, es, ar."
    ]


@pytest.mark.django_db
def test_event_one_unknown_language_named_in_the_singular():
    event = Event(**event_fields(languages=["en", "xx"]))

    with pytest.raises(ValidationError) as excinfo:
        event.full_clean()

    assert messages_for(excinfo.value, "languages") == [
        "Unknown language code: xx. Use ISO 639-1 codes such as en, zh-hans, ru, fr, es, ar."
    ]


@pytest.mark.django_db
def test_event_known_languages_pass_full_clean():
    event = Event(**event_fields(languages=["en", "zh-hans", "ru", "fr", "es", "ar"]))

    event.full_clean()

    assert event.language_names[0] == "English"


# --- Time zones -----------------------------------------------------------------------------


def test_time_zones_all_load_with_zoneinfo():
    unloadable = []
    for name in TIME_ZONES:
        try:
            zoneinfo.ZoneInfo(name)
        except (zoneinfo.ZoneInfoNotFoundError, ValueError):
            unloadable.append(name)

    assert unloadable == []
    assert len(TIME_ZONES) > 300


def test_time_zones_include_utc_and_shanghai_without_duplicates():
    assert "UTC" in TIME_ZONES
    assert "Asia/Shanghai" in TIME_ZONES
    assert len(set(TIME_ZONES)) == len(TIME_ZONES)


@pytest.mark.parametrize(
    ("zone", "day", "label"),
    [
        ("Asia/Shanghai", dt.date(2026, 5, 10), "UTC+08:00"),
        ("Asia/Kolkata", dt.date(2026, 5, 10), "UTC+05:30"),
        ("America/St_Johns", dt.date(2026, 1, 15), "UTC\u221203:30"),
        ("Europe/Paris", dt.date(2026, 1, 15), "UTC+01:00"),
        ("Europe/Paris", dt.date(2026, 7, 15), "UTC+02:00"),
        ("UTC", dt.date(2026, 7, 15), "UTC+00:00"),
    ],
)
def test_utc_offset_label_for_zone_and_date(zone, day, label):
    assert utc_offset_label(zone, day) == label


def test_event_utc_offset_at_end_differs_when_spanning_dst_end():
    # The last Sunday of October 2026 is the 25th: Paris goes from +02:00 to +01:00.
    event = Event(
        timezone="Europe/Paris", start_date=dt.date(2026, 10, 23), end_date=dt.date(2026, 10, 27)
    )

    assert event.utc_offset == "UTC+02:00"
    assert event.utc_offset_at_end == "UTC+01:00"


def test_event_utc_offset_at_end_same_without_dst_change():
    event = Event(
        timezone="Asia/Shanghai", start_date=dt.date(2026, 10, 23), end_date=dt.date(2026, 10, 27)
    )

    assert event.utc_offset == event.utc_offset_at_end == "UTC+08:00"


def test_event_ending_today_in_its_zone_is_ongoing_not_over():
    today = local_today("Pacific/Kiritimati")
    event = Event(timezone="Pacific/Kiritimati", start_date=today, end_date=today)

    assert event.is_ongoing is True
    assert event.is_over is False


def test_event_ending_yesterday_in_its_zone_is_over():
    yesterday = local_today("Pacific/Kiritimati") - dt.timedelta(days=1)
    event = Event(timezone="Pacific/Kiritimati", start_date=yesterday, end_date=yesterday)

    assert event.is_over is True
    assert event.is_ongoing is False


def test_event_same_dates_in_a_zone_25_hours_behind_is_not_over():
    # Pago Pago (UTC−11) is 25 hours behind Kiritimati (UTC+14): its today is always
    # Kiritimati's yesterday or the day before, so the event has not ended there.
    yesterday_in_kiritimati = local_today("Pacific/Kiritimati") - dt.timedelta(days=1)
    event = Event(
        timezone="Pacific/Pago_Pago",
        start_date=yesterday_in_kiritimati,
        end_date=yesterday_in_kiritimati,
    )

    assert event.is_over is False


def test_event_starting_tomorrow_in_its_zone_is_neither_ongoing_nor_over():
    tomorrow = local_today("Asia/Shanghai") + dt.timedelta(days=1)
    event = Event(timezone="Asia/Shanghai", start_date=tomorrow, end_date=tomorrow)

    assert event.is_ongoing is False
    assert event.is_over is False


# --- Rooms ----------------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("fields", [{"capacity": 50}, {"floor": "2"}])
def test_room_virtual_with_capacity_or_floor_rejected_by_database(fields):
    event = EventFactory()

    with pytest.raises(IntegrityError), transaction.atomic():
        Room.objects.create(event=event, name="Zoom", kind=Room.Kind.VIRTUAL, **fields)


@pytest.mark.django_db
@pytest.mark.parametrize("fields", [{"capacity": 50}, {"floor": "2"}])
def test_room_virtual_with_capacity_or_floor_rejected_by_full_clean_with_message(fields):
    room = Room(event=EventFactory(), name="Zoom", kind=Room.Kind.VIRTUAL, **fields)

    with pytest.raises(ValidationError) as excinfo:
        room.full_clean()

    assert all_messages(excinfo.value) == [
        "A virtual room has no seats and no floor; make it a physical room or clear both."
    ]


@pytest.mark.django_db
def test_room_virtual_without_capacity_or_floor_accepted():
    room = Room.objects.create(event=EventFactory(), name="Zoom", kind=Room.Kind.VIRTUAL)

    assert room.is_virtual is True


@pytest.mark.django_db
def test_room_capacity_zero_rejected_by_database():
    event = EventFactory()

    with pytest.raises(IntegrityError), transaction.atomic():
        Room.objects.create(event=event, name="Cupboard", capacity=0)


@pytest.mark.django_db
def test_room_capacity_zero_rejected_by_full_clean_with_message():
    room = Room(event=EventFactory(), name="Cupboard", capacity=0)

    with pytest.raises(ValidationError) as excinfo:
        room.full_clean()

    assert all_messages(excinfo.value) == ["Seats must be at least 1, or left empty."]


@pytest.mark.django_db
def test_room_same_name_twice_in_one_event_rejected_by_database():
    event = EventFactory()
    Room.objects.create(event=event, name="Plenary Hall")

    with pytest.raises(IntegrityError), transaction.atomic():
        Room.objects.create(event=event, name="Plenary Hall")


# --- Venues ---------------------------------------------------------------------------------


BAD_COORDINATES = pytest.mark.parametrize(
    ("latitude", "longitude"),
    [
        (Decimal("-1.28"), None),
        (None, Decimal("36.8")),
        (Decimal("91"), None),
        (Decimal("91"), Decimal("36.8")),
        (Decimal("-90.5"), Decimal("36.8")),
        (Decimal("-1.28"), Decimal("180.5")),
    ],
    ids=[
        "only-latitude",
        "only-longitude",
        "latitude-91-alone",
        "latitude-91",
        "latitude-minus-90.5",
        "longitude-180.5",
    ],
)


@pytest.mark.django_db
@BAD_COORDINATES
def test_venue_bad_coordinates_rejected_by_database(latitude, longitude):
    # A lone coordinate matters: comparing NULL gives NULL, which a CHECK constraint passes.
    with pytest.raises(IntegrityError), transaction.atomic():
        Venue.objects.create(
            name="Hall", city="Nairobi", country="KE", latitude=latitude, longitude=longitude
        )


@pytest.mark.django_db
@BAD_COORDINATES
def test_venue_bad_coordinates_rejected_by_full_clean_with_message(latitude, longitude):
    venue = Venue(name="Hall", city="Nairobi", country="KE", latitude=latitude, longitude=longitude)

    with pytest.raises(ValidationError) as excinfo:
        venue.full_clean()

    assert all_messages(excinfo.value) == [
        "Give both latitude (−90 to 90) and longitude (−180 to 180), or neither."
    ]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("latitude", "longitude"),
    [(None, None), (Decimal("-1.286389"), Decimal("36.817223")), (Decimal("90"), Decimal("-180"))],
)
def test_venue_with_both_or_no_coordinates_accepted(latitude, longitude):
    venue = Venue(name="Hall", city="Nairobi", country="KE", latitude=latitude, longitude=longitude)

    venue.full_clean()
    venue.save()

    assert Venue.objects.filter(pk=venue.pk).exists()


# --- Organisations --------------------------------------------------------------------------


@pytest.mark.django_db
def test_organization_same_name_other_case_same_country_rejected_by_database():
    Organization.objects.create(name="University of Nairobi", country="KE")

    with pytest.raises(IntegrityError), transaction.atomic():
        Organization.objects.create(name="UNIVERSITY OF NAIROBI", country="KE")


@pytest.mark.django_db
def test_organization_same_name_other_case_same_country_rejected_by_full_clean_with_message():
    Organization.objects.create(name="University of Nairobi", country="KE")
    organization = Organization(name="university of nairobi", country="KE")

    with pytest.raises(ValidationError) as excinfo:
        organization.full_clean()

    assert all_messages(excinfo.value) == [
        "An organisation with this name already exists in this country."
    ]


@pytest.mark.django_db
def test_organization_same_name_other_country_accepted():
    Organization.objects.create(name="National University", country="KE")
    organization = Organization(name="national university", country="SG")

    organization.full_clean()
    organization.save()

    assert Organization.objects.filter(name__iexact="National University").count() == 2


@pytest.mark.django_db
def test_organization_unknown_kind_rejected_by_database():
    with pytest.raises(IntegrityError), transaction.atomic():
        Organization.objects.create(name="Acme", country="KE", kind="cartel")


# --- Participating organisations ------------------------------------------------------------


@pytest.mark.django_db
def test_event_organization_same_org_and_role_twice_rejected_by_database():
    event, organization = EventFactory(), OrganizationFactory()
    EventOrganization.objects.create(event=event, organization=organization, role="partner")

    with pytest.raises(IntegrityError), transaction.atomic():
        EventOrganization.objects.create(event=event, organization=organization, role="partner")


@pytest.mark.django_db
def test_event_organization_same_org_and_role_twice_rejected_by_full_clean_with_message():
    event, organization = EventFactory(), OrganizationFactory()
    EventOrganization.objects.create(event=event, organization=organization, role="partner")
    link = EventOrganization(event=event, organization=organization, role="partner")

    with pytest.raises(ValidationError) as excinfo:
        link.full_clean()

    assert all_messages(excinfo.value) == ["This organisation already has this role."]


@pytest.mark.django_db
def test_event_organization_same_org_other_role_accepted():
    event, organization = EventFactory(), OrganizationFactory()
    EventOrganization.objects.create(event=event, organization=organization, role="partner")

    EventOrganization.objects.create(event=event, organization=organization, role="sponsor")

    assert event.event_organizations.count() == 2


# --- Team -----------------------------------------------------------------------------------


@pytest.mark.django_db
def test_team_member_twice_on_one_event_rejected_by_database():
    event, user = EventFactory(), UserFactory()
    TeamMember.objects.create(event=event, user=user, role="organiser")

    with pytest.raises(IntegrityError), transaction.atomic():
        TeamMember.objects.create(event=event, user=user, role="checkin")


@pytest.mark.django_db
def test_team_member_twice_on_one_event_rejected_by_full_clean_with_message():
    event, user = EventFactory(), UserFactory()
    TeamMember.objects.create(event=event, user=user, role="organiser")
    member = TeamMember(event=event, user=user, role="checkin")

    with pytest.raises(ValidationError) as excinfo:
        member.full_clean()

    assert all_messages(excinfo.value) == ["This person is already on the event's team."]


@pytest.mark.django_db
def test_team_member_unknown_role_rejected_by_database():
    event, user = EventFactory(), UserFactory()

    with pytest.raises(IntegrityError), transaction.atomic():
        TeamMember.objects.create(event=event, user=user, role="king")


# --- Tracks ---------------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("colour", ["blue", "#12345", "#gggggg", "1f6feb0"])
def test_track_bad_colour_rejected_by_full_clean_with_message(colour):
    track = Track(event=EventFactory(), name="Policy", colour=colour)

    with pytest.raises(ValidationError) as excinfo:
        track.full_clean()

    assert messages_for(excinfo.value, "colour") == ["Give the colour as #RRGGBB, e.g. #1f6feb."]


@pytest.mark.django_db
def test_track_good_colour_passes_full_clean():
    track = Track(event=EventFactory(), name="Policy", colour="#1F6feb")

    track.full_clean()

    assert track.colour == "#1F6feb"


@pytest.mark.parametrize(
    ("colour", "text"),
    [
        ("#ffd33d", "#000000"),
        ("#ffffff", "#000000"),
        ("#0b57d0", "#ffffff"),
        ("#000000", "#ffffff"),
    ],
)
def test_track_text_colour_contrasts_with_background(colour, text):
    assert Track(colour=colour).text_colour == text


@pytest.mark.django_db
def test_track_same_name_twice_in_one_event_rejected_by_database():
    track = TrackFactory()

    with pytest.raises(IntegrityError), transaction.atomic():
        Track.objects.create(event=track.event, name=track.name)
