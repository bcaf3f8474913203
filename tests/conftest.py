import icalendar
import pytest
import pytest_asyncio
import vobject
from channels.db import database_sync_to_async
from django.contrib.auth.models import Group
from django.core.cache import cache
from django.db import DEFAULT_DB_ALIAS, connection, connections
from django.db.utils import load_backend
from django.utils import translation

from events.models import TeamMember
from events.services import api_token_create
from tests.factories import EventFactory, TeamMemberFactory, UserFactory


@pytest.fixture(scope="session")
def django_db_modify_db_settings_xdist_suffix(request):
    """Under pytest-xdist, a test database per worker: PostgreSQL's named with the worker's
    suffix, as pytest-django does; SQLite's in memory, as always (pytest-django would name a file
    after it, not knowing confman's SQLite backend for Django's)."""
    from django.conf import settings  # not at the top: the fixtures below take `settings`

    worker = getattr(request.config, "workerinput", {}).get("workerid")
    if not worker:
        return
    for alias, database in settings.DATABASES.items():
        if connections[alias].vendor == "sqlite":
            continue
        test = database.setdefault("TEST", {})
        test["NAME"] = f"{test.get('NAME') or 'test_' + database['NAME']}_{worker}"


def _live_caches():
    """The live channel's shared state (livestream.hello, livestream.replay, livestream.hub)
    starts empty: each test's database numbers its events and updates from 1 again."""
    from livestream import hello, hub, replay

    hello.forget_all()
    hub.forget_all()
    replay.forget_all()


@pytest.fixture(autouse=True)
def _test_settings(settings, tmp_path):
    _live_caches()
    # Uploaded files (materials, signatures) land in the test's own folder.
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    # What follows an update runs in the thread that commits, as without Redis: a test's
    # database is gone before a background thread would read its last update. The background
    # thread runs in the real servers of tests/livestream/test_processes.py and in
    # tests/core/test_after_response.py.
    settings.UPDATES_IN_BACKGROUND = False
    # Production uses the hashed manifest, which exists only after collectstatic.
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    yield
    # A request in the test client leaves its language active in the thread, as a server's
    # next request would not see it (each one activates its own): each test starts in English.
    translation.deactivate()


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
def staff_organiser(event):
    """An organiser of the event who may use the back office (the Organisers group)."""
    user = UserFactory(username="staff-organiser", is_staff=True)
    user.groups.add(Group.objects.get(name="Organisers"))  # made by migrate
    TeamMember.objects.create(event=event, user=user, role=TeamMember.Role.ORGANISER)
    return user


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


# --- concurrency and async -----------------------------------------------------------------


@pytest.fixture
def postgresql_only():
    """Skips the test unless it runs on PostgreSQL: row locks across connections, which SQLite
    (one writer at a time) cannot show."""
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL (row locks across connections)")


@pytest_asyncio.fixture
async def close_worker_connections():
    """Requests of the async test client run their sync parts in asgiref's worker thread, whose
    database connection would outlive the test (and keep PostgreSQL from dropping the test
    database at the end)."""
    yield
    await database_sync_to_async(connections.close_all)()


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


@pytest.fixture
def unreachable_database():
    """Swap the default connection for one to a database that cannot be opened, then put the
    real one back (closing the real one would drop SQLite's in-memory test database)."""
    real = connections[DEFAULT_DB_ALIAS]
    broken = dict(real.settings_dict)
    if real.vendor == "sqlite":
        broken["NAME"] = "/nonexistent-directory/confman.sqlite3"
    else:
        broken.update(HOST="127.0.0.1", PORT="9")
    connections[DEFAULT_DB_ALIAS] = load_backend(broken["ENGINE"]).DatabaseWrapper(
        broken, DEFAULT_DB_ALIAS
    )
    yield
    connections[DEFAULT_DB_ALIAS].close()
    connections[DEFAULT_DB_ALIAS] = real
