import pytest

from tests.factories import RoomFactory


@pytest.fixture
def room(event):
    return RoomFactory(event=event, name="Hall A")


@pytest.fixture
def room2(event):
    return RoomFactory(event=event, name="Hall B")
