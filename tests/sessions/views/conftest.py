"""Fixtures of the programme page tests: the rooms and track, a signed-in reader, and a chair
with their session."""

import pytest

from sessions.models import RoleKind
from tests.factories import (
    PersonFactory,
    RoomFactory,
    SessionFactory,
    SessionRoleFactory,
    TrackFactory,
    UserFactory,
)


@pytest.fixture
def hall(event):
    return RoomFactory(event=event, name="Hall A", order=1)


@pytest.fixture
def annex(event):
    return RoomFactory(event=event, name="Annex B", order=2)


@pytest.fixture
def policy(event):
    return TrackFactory(event=event, name="Policy track")


@pytest.fixture
def reader(db):
    return UserFactory(username="reader")


@pytest.fixture
def chair_user(db):
    return UserFactory(username="chairwoman")


@pytest.fixture
def chair_person(event, chair_user):
    return PersonFactory(event=event, name="Amina Diallo", user=chair_user)


@pytest.fixture
def chaired(event, hall, chair_person):
    session = SessionFactory(event=event, room=hall, title="Opening plenary")
    SessionRoleFactory(session=session, person=chair_person, role=RoleKind.CHAIR)
    return session
