"""Who may call each API operation: the API's permission matrix, every operation by every kind of
caller (anonymous, a stranger with an account, the event's check-in staff, a session's chair,
the event's organiser, another event's organiser). Built from the API's own list of operations,
so an operation added without a row here fails test_every_operation_has_a_row. The pages'
matrix is tests/test_routes.py.

A caller is let through when the answer is neither 401 (sign in) nor 403/404 (refused; a 404
where the event or item must not be seen to exist): a 422 for the empty body sent to a write
means the caller passed and only the input was wrong."""

import datetime as dt
import json

import pytest
from django.contrib.auth.models import Group
from django.utils import timezone

from confman.api import _routers, api
from events.models import Event, TeamMember
from registrations.models import State
from sessions.models import RoleKind
from sessions.services.programme import programme_publish
from tests.factories import (
    EventFactory,
    EventOrganizationFactory,
    OrganizationFactory,
    PersonFactory,
    RoomFactory,
    SessionFactory,
    SessionRoleFactory,
    TeamMemberFactory,
    TrackFactory,
    UserFactory,
)
from tests.factories.registrations import RegistrationFactory, TicketTypeFactory

pytestmark = pytest.mark.django_db

ACTORS = ("anonymous", "outsider", "checkin", "chair", "other_organiser", "organiser")
OK, LOGIN, REFUSED = "ok", "login", "refused"


def _access(**allowed: str) -> dict[str, str]:
    """Signed-in callers refused and anonymous ones asked to sign in, but for `allowed`."""
    return {"anonymous": LOGIN, **dict.fromkeys(ACTORS[1:], REFUSED), **allowed}


ACCESS = {
    "public": dict.fromkeys(ACTORS, OK),
    "signed_in": {**dict.fromkeys(ACTORS, OK), "anonymous": LOGIN},
    # The Organisers group: may create events and add organisations to the shared registry.
    "organisers_group": _access(other_organiser=OK, organiser=OK),
    "team": _access(checkin=OK, organiser=OK),
    # Running a session: its chairs, and the organisers, who stand in for an absent chair.
    "chair": _access(chair=OK, organiser=OK),
    "organiser": _access(organiser=OK),
}

# (method, path): access. Paths as the API lists them, under /api.
OPERATIONS = {
    ("GET", "/me"): "signed_in",
    ("GET", "/events"): "public",
    ("POST", "/events"): "organisers_group",
    ("GET", "/events/{slug}"): "public",
    ("PATCH", "/events/{slug}"): "organiser",
    ("GET", "/organizations"): "public",
    ("POST", "/organizations"): "organisers_group",
    ("GET", "/events/{slug}/organizations"): "public",
    ("POST", "/events/{slug}/organizations"): "organiser",
    ("DELETE", "/events/{slug}/organizations/{link_id}"): "organiser",
    ("GET", "/events/{slug}/rooms"): "public",
    ("POST", "/events/{slug}/rooms"): "organiser",
    ("PATCH", "/events/{slug}/rooms/{part_id}"): "organiser",
    ("DELETE", "/events/{slug}/rooms/{part_id}"): "organiser",
    ("GET", "/events/{slug}/tracks"): "public",
    ("POST", "/events/{slug}/tracks"): "organiser",
    ("PATCH", "/events/{slug}/tracks/{part_id}"): "organiser",
    ("DELETE", "/events/{slug}/tracks/{part_id}"): "organiser",
    ("GET", "/events/{slug}/sessions"): "public",
    ("POST", "/events/{slug}/sessions"): "organiser",
    ("GET", "/events/{slug}/sessions/{session_id}"): "public",
    ("PATCH", "/events/{slug}/sessions/{session_id}"): "organiser",
    ("DELETE", "/events/{slug}/sessions/{session_id}"): "organiser",
    ("POST", "/events/{slug}/sessions/{session_id}/move"): "organiser",
    ("POST", "/events/{slug}/sessions/{session_id}/publish"): "organiser",
    ("POST", "/events/{slug}/sessions/{session_id}/cancel"): "organiser",
    ("POST", "/events/{slug}/sessions/{session_id}/status"): "chair",
    ("GET", "/events/{slug}/sessions/{session_id}/delay-preview"): "chair",
    ("POST", "/events/{slug}/sessions/{session_id}/people"): "organiser",
    ("DELETE", "/events/{slug}/sessions/{session_id}/people/{person_id}/{role}"): "organiser",
    ("GET", "/events/{slug}/sessions/{session_id}/materials"): "public",
    ("GET", "/events/{slug}/materials"): "public",
    ("GET", "/events/{slug}/people"): "public",
    ("POST", "/events/{slug}/people"): "organiser",
    ("GET", "/events/{slug}/people/{person_id}"): "organiser",
    ("PATCH", "/events/{slug}/people/{person_id}"): "organiser",
    ("DELETE", "/events/{slug}/people/{person_id}"): "organiser",
    ("GET", "/events/{slug}/updates"): "public",
    ("GET", "/events/{slug}/programme"): "public",
    ("POST", "/events/{slug}/programme/publish"): "organiser",
    ("GET", "/events/{slug}/conflicts"): "organiser",
    ("POST", "/events/{slug}/announcements"): "organiser",
    ("GET", "/events/{slug}/tickets"): "public",
    ("GET", "/events/{slug}/questions"): "public",
    ("POST", "/events/{slug}/registrations"): "public",
    ("GET", "/events/{slug}/registrations"): "team",
    ("GET", "/events/{slug}/registrations/stats"): "team",
    ("GET", "/events/{slug}/registrations/{reference}"): "team",
    ("POST", "/events/{slug}/registrations/{reference}/approve"): "organiser",
    ("POST", "/events/{slug}/registrations/{reference}/cancel"): "organiser",
    ("POST", "/events/{slug}/registrations/{reference}/refund"): "organiser",
    ("GET", "/events/{slug}/checkin-list"): "team",
    ("POST", "/events/{slug}/checkins"): "team",
    ("POST", "/events/{slug}/checkins/sync"): "team",
    ("GET", "/events/{slug}/checkins/stats"): "team",
    ("GET", "/events/{slug}/live"): "public",
    ("GET", "/events/{slug}/live/viewers"): "team",
}


# A valid body (or query) for each write, so that what is judged is who may call, not the input:
# the input is read before the caller's rights, so an empty body would be a 422 for everyone.
BODIES = {
    ("POST", "/events"): {
        "slug": "new-forum",
        "title": "New Forum",
        "timezone": "UTC",
        "start_date": "2027-03-01",
        "end_date": "2027-03-02",
        "format": "in_person",
    },
    ("POST", "/organizations"): {"name": "Open University", "country": "KE"},
    ("POST", "/events/{slug}/organizations"): {"organization_id": "ORG", "role": "partner"},
    ("POST", "/events/{slug}/rooms"): {"name": "Room B"},
    ("POST", "/events/{slug}/tracks"): {"name": "Track B"},
    ("POST", "/events/{slug}/sessions"): {"title": "New panel", "kind": "panel"},
    ("POST", "/events/{slug}/sessions/{session_id}/move"): {"dry_run": True, "room_id": "ROOM"},
    ("POST", "/events/{slug}/sessions/{session_id}/people"): {
        "person_id": "PERSON",
        "role": "rapporteur",
    },
    ("POST", "/events/{slug}/sessions/{session_id}/status"): {"action": "live"},
    ("POST", "/events/{slug}/people"): {"name": "New Person"},
    ("POST", "/events/{slug}/announcements"): {"message": "Lunch is served"},
    ("POST", "/events/{slug}/checkins"): {"secret": "not-a-badge", "device": "desk-9"},
    ("POST", "/events/{slug}/checkins/sync"): {"device": "desk-9", "scans": []},
}
QUERIES = {("GET", "/events/{slug}/sessions/{session_id}/delay-preview"): "?minutes=5"}


def api_operations() -> set[tuple[str, str]]:
    return {
        (method, path)
        for router in _routers(router for _prefix, router in api._routers)  # noqa: SLF001
        for path, path_view in router.path_operations.items()
        for operation in path_view.operations
        for method in operation.methods
    }


def test_every_operation_has_a_row():
    assert api_operations() == set(OPERATIONS)


@pytest.fixture
def world(db):
    today = timezone.localdate()
    event = EventFactory(
        slug="seminar", timezone="UTC", start_date=today, end_date=today + dt.timedelta(days=1)
    )
    other = EventFactory(slug="other-forum")
    organisers = Group.objects.get(name="Organisers")  # made by migrate
    users = {
        "outsider": UserFactory(username="outsider"),
        "checkin": TeamMemberFactory(
            event=event, role=TeamMember.Role.CHECKIN, user=UserFactory(username="desk")
        ).user,
        "chair": UserFactory(username="chair"),
        "other_organiser": TeamMemberFactory(
            event=other, role=TeamMember.Role.ORGANISER, user=UserFactory(username="elsewhere")
        ).user,
        "organiser": TeamMemberFactory(
            event=event, role=TeamMember.Role.ORGANISER, user=UserFactory(username="org")
        ).user,
    }
    for name in ("other_organiser", "organiser"):
        users[name].groups.add(organisers)
    session = SessionFactory(event=event, title="Opening panel", room=RoomFactory(event=event))
    chair = PersonFactory(event=event, user=users["chair"])
    SessionRoleFactory(session=session, role=RoleKind.CHAIR, person=chair)
    speaker = SessionRoleFactory(session=session, role=RoleKind.SPEAKER)
    programme_publish(event=event, by=None)
    ticket = TicketTypeFactory(event=event, name="Delegate", modes="either")
    confirmed = RegistrationFactory(ticket=ticket, state=State.CONFIRMED, badge_secret="b" * 32)
    link = EventOrganizationFactory(event=event, organization=OrganizationFactory())
    return {
        "users": users,
        "params": {
            "slug": event.slug,
            "link_id": link.pk,
            "session_id": session.pk,
            "person_id": speaker.person_id,
            "role": RoleKind.SPEAKER,
            "reference": confirmed.reference,
            "rooms": event.rooms.first().pk,
            "tracks": TrackFactory(event=event).pk,
        },
        "ids": {
            "ORG": OrganizationFactory().pk,
            "ROOM": event.rooms.first().pk,
            "PERSON": speaker.person_id,
        },
    }


def address(path: str, params: dict) -> str:
    part = params["rooms"] if "/rooms/" in path else params["tracks"]
    return "/api" + path.format(**{**params, "part_id": part})


def body_for(method: str, path: str, world) -> str:
    body = {
        key: world["ids"].get(value, value) if isinstance(value, str) else value
        for key, value in BODIES.get((method, path), {}).items()
    }
    return json.dumps(body)


def outcome(response) -> str:
    if response.status_code == 401:
        return LOGIN
    if response.status_code in (403, 404):
        return REFUSED
    assert response.status_code < 500, (response.status_code, response.content[:300])
    return OK


@pytest.mark.parametrize(("method", "path"), sorted(OPERATIONS))
def test_who_may_call_each_operation(client, world, token_for, method, path):
    url = address(path, world["params"]) + QUERIES.get((method, path), "")
    seen = {}
    for actor in ACTORS:  # the organiser last: their writes change things
        headers = {}
        if actor != "anonymous":
            headers["Authorization"] = f"Bearer {token_for(world['users'][actor])}"
        data = body_for(method, path, world) if method != "GET" else ""
        response = client.generic(method, url, data, "application/json", headers=headers)
        seen[actor] = outcome(response)
    assert seen == ACCESS[OPERATIONS[(method, path)]]


# The organisers who stand in for a chair are every role with the agenda in hand: the owner and
# superusers as well as the organiser of the matrix above; check-in staff are not among them.
@pytest.mark.parametrize(
    ("method", "path"), sorted(op for op, access in OPERATIONS.items() if access == "chair")
)
@pytest.mark.parametrize(("who", "expected"), [("owner", OK), ("superuser", OK), ("desk", REFUSED)])
def test_owners_and_superusers_run_any_session_and_checkin_staff_do_not(
    client, world, token_for, method, path, who, expected
):
    event = Event.objects.get(slug=world["params"]["slug"])
    if who == "superuser":
        user = UserFactory(username="root", is_superuser=True)
    elif who == "owner":
        user = TeamMemberFactory(event=event, role=TeamMember.Role.OWNER).user
    else:
        user = world["users"]["checkin"]
    url = address(path, world["params"]) + QUERIES.get((method, path), "")
    data = body_for(method, path, world) if method != "GET" else ""

    headers = {"Authorization": f"Bearer {token_for(user)}"}

    response = client.generic(method, url, data, "application/json", headers=headers)

    assert outcome(response) == expected
