import datetime as dt

import factory
from django.contrib.auth import get_user_model

from events.models import (
    AttendanceMode,
    Event,
    EventOrganization,
    Organization,
    Room,
    TeamMember,
    Track,
    Venue,
)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ["username"]

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda user: f"{user.username}@example.org")
    password = factory.django.Password("correct horse battery staple")


class OrganizationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organization

    name = factory.Sequence(lambda n: f"University {n}")
    country = "KE"
    kind = Organization.Kind.UNIVERSITY


class VenueFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Venue

    name = "Conference Centre"
    city = "Shenzhen"
    country = "CN"


class EventFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Event

    slug = factory.Sequence(lambda n: f"event-{n}")
    title = factory.Sequence(lambda n: f"Regional Seminar {n}")
    timezone = "Asia/Shanghai"
    start_date = factory.LazyFunction(lambda: dt.date.today() + dt.timedelta(days=30))
    end_date = factory.LazyAttribute(lambda event: event.start_date + dt.timedelta(days=1))
    format = AttendanceMode.HYBRID
    status = Event.Status.PUBLISHED
    venue = factory.SubFactory(VenueFactory)


class EventOrganizationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = EventOrganization

    event = factory.SubFactory(EventFactory)
    organization = factory.SubFactory(OrganizationFactory)
    role = EventOrganization.Role.PARTNER


class RoomFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Room

    event = factory.SubFactory(EventFactory)
    name = factory.Sequence(lambda n: f"Room {n}")
    capacity = 60


class TrackFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Track

    event = factory.SubFactory(EventFactory)
    name = factory.Sequence(lambda n: f"Track {n}")


class TeamMemberFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TeamMember

    event = factory.SubFactory(EventFactory)
    user = factory.SubFactory(UserFactory)
    role = TeamMember.Role.ORGANISER
