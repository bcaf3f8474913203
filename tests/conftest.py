import icalendar
import pytest
import vobject
from django.core.cache import cache

from events.models import TeamMember
from events.services import api_token_create
from tests.factories import EventFactory, TeamMemberFactory, UserFactory


@pytest.fixture(autouse=True)
def _test_settings(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    # Production uses the hashed manifest, which exists only after collectstatic.
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


@pytest.fixture
def event(db):
    return EventFactory(slug="seminar", title="Asia-Pacific Regional Seminar")


@pytest.fixture
def draft_event(db):
    return EventFactory(slug="draft-meeting", title="Partnership Meeting", status="draft")


def _member(event, role, username):
    return TeamMemberFactory(event=event, role=role, user=UserFactory(username=username)).user


@pytest.fixture
def owner(event):
    return _member(event, TeamMember.Role.OWNER, "owner")


@pytest.fixture
def organiser(event):
    return _member(event, TeamMember.Role.ORGANISER, "organiser")


@pytest.fixture
def checkin_staff(event):
    return _member(event, TeamMember.Role.CHECKIN, "checkin")


@pytest.fixture
def outsider(db):
    return UserFactory(username="outsider")


@pytest.fixture
def token_for():
    def make(user):
        return api_token_create(user=user, name="tests")[1]

    return make


@pytest.fixture
def bearer(token_for):
    def headers(user):
        return {"Authorization": f"Bearer {token_for(user)}"}

    return headers


# --- exports: a clean cache, and a calendar read by two independent parsers ----------------


@pytest.fixture
def fresh_cache():
    cache.clear()
    yield
    cache.clear()


class Parsed:
    """One .ics read twice: by icalendar (the library that wrote it) and by vobject."""

    def __init__(self, content: bytes):
        self.raw = content.decode()
        self.calendar = icalendar.Calendar.from_ical(content)
        self.other = vobject.readOne(self.raw)

    @property
    def events(self) -> dict[str, icalendar.Event]:
        return {str(event["UID"]): event for event in self.calendar.walk("VEVENT")}

    @property
    def other_events(self) -> dict:
        return {event.uid.value: event for event in getattr(self.other, "vevent_list", [])}


@pytest.fixture
def read_ics():
    def read(response) -> Parsed:
        assert response.status_code == 200, response.content[:500]
        assert response["Content-Type"] == "text/calendar; charset=utf-8"
        return Parsed(response.content)

    return read
