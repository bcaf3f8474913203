import pytest

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
