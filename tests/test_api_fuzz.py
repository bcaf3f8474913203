"""The API fuzzed from its own OpenAPI schema (schemathesis), through the ASGI application the
server runs. Each operation gets a few generated requests, valid and invalid, each sent by an
anonymous caller (with the generated path parameters, then with those of a seeded event: its
slug, a session, a room...) and by the event's organiser (in the seeded event, with generated
ids, then with its objects), so that the requests get past the 404s. No answer may be a 5xx or
outside the schema (a status it does not list, another content type, a body that does not
match), and input the schema allows may not be refused for a null or a field left out."""

import datetime as dt

import pytest
import schemathesis
from django.contrib.auth.models import Group
from django.utils import timezone
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from confman.asgi import application
from events.models import Event, TeamMember
from events.services import api_token_create
from registrations.models import State
from sessions.models import RoleKind
from sessions.services.programme import programme_publish
from tests.factories import (
    EventFactory,
    EventOrganizationFactory,
    PersonFactory,
    RoomFactory,
    SessionFactory,
    SessionRoleFactory,
    TeamMemberFactory,
    TrackFactory,
    UserFactory,
)
from tests.factories.registrations import BadgeRegistrationFactory, TicketTypeFactory

# Bounded and reproducible: 10 examples an operation, valid and invalid, the same ones every run
# (no example database), no shrinking. Hypothesis's health checks would call the requests slow.
CONFIG = schemathesis.Config.from_dict(
    {
        "generation": {
            "max-examples": 10,
            "deterministic": True,
            "no-shrink": True,
            "database": "none",
        },
        "phases": {"coverage": {"enabled": False}, "stateful": {"enabled": False}},
        "suppress-health-check": ["all"],
    }
)


def without_tuples(node):
    """schemathesis 4.32 turns a response's `prefixItems` (a tuple, e.g. [ticket, count]) into
    Draft 4's `items: [...]`, then checks the response with a Draft 2020-12 validator, which
    refuses that schema: each item of a tuple is checked against any of its positions instead."""
    if isinstance(node, list):
        return [without_tuples(item) for item in node]
    if not isinstance(node, dict):
        return node
    node = {key: without_tuples(value) for key, value in node.items()}
    if "prefixItems" in node:
        node["items"] = {"anyOf": node.pop("prefixItems")}
    return node


def load_schema():
    """The schema the ASGI application serves (asked for under the server's own host name:
    Django's "testserver" is admitted only once the tests start), its tuples loosened."""
    served = schemathesis.openapi.from_asgi(
        "/api/openapi.json", application, config=CONFIG, headers={"Host": "127.0.0.1"}
    )
    loaded = schemathesis.openapi.from_dict(without_tuples(served.raw_schema), config=CONFIG)
    loaded.app, loaded.location = served.app, served.location
    return loaded


schema = load_schema()

pytestmark = pytest.mark.django_db(transaction=True)


# The error type of the rules the event's state sets (services' InvalidInput.for_fields), such
# as a scheduled session keeping its time: the schema cannot know them.
STATE_RULE = "invalid"


def null_or_missing_refused(ctx, response, case) -> None:
    """A request the schema allows is not refused (422) for a field it sends as null or leaves
    out: the nullable and optional fields of the schema are what the operation takes."""
    meta = case.meta
    if response.status_code != 422 or meta is None or not meta.generation.mode.is_positive:
        return
    body = case.body if isinstance(case.body, dict) else {}
    sent = {**(case.path_parameters or {}), **(case.query or {}), **body}
    for error in response.json().get("errors", []):
        field, kind = error["field"].split(".")[0], error.get("type", "")
        if kind == "missing" or (kind != STATE_RULE and sent.get(field) is None):
            raise AssertionError(
                f"The schema lets {field} be null or left out, the operation refused it: {error}"
            )


CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
    null_or_missing_refused,
]


@pytest.fixture
def world():
    """A published event with a programme, registrations and its organiser's API token."""
    today = timezone.localdate()
    event = EventFactory(
        slug="seminar", timezone="UTC", start_date=today, end_date=today + dt.timedelta(days=1)
    )
    organiser = UserFactory(username="organiser")
    TeamMemberFactory(event=event, user=organiser, role=TeamMember.Role.ORGANISER)
    organiser.groups.add(Group.objects.get(name="Organisers"))  # made after migrate and flush
    room = RoomFactory(event=event)
    session = SessionFactory(event=event, room=room, track=TrackFactory(event=event))
    SessionRoleFactory(session=session, role=RoleKind.CHAIR, person=PersonFactory(event=event))
    speaker = SessionRoleFactory(session=session, role=RoleKind.SPEAKER)
    programme_publish(event=event, by=None)
    ticket = TicketTypeFactory(event=event, name="Delegate", modes="either")
    registration = BadgeRegistrationFactory(ticket=ticket, state=State.CONFIRMED)
    link = EventOrganizationFactory(event=event)
    return {
        "event": event.pk,
        "token": api_token_create(user=organiser, name="fuzz")[1],
        "params": {
            "link_id": link.pk,
            "session_id": session.pk,
            "person_id": speaker.person_id,
            "role": RoleKind.SPEAKER,
            "reference": registration.reference,
            "room": room.pk,
            "track": session.track_id,
        },
    }


def seeded(case, world) -> tuple[dict, dict]:
    """The case's path parameters with the seeded event's slug, then with each naming the
    seeded event's object where there is one (the slug is read again: a PATCH may change it)."""
    generated = dict(case.path_parameters or {})
    known = {
        **world["params"],
        "slug": Event.objects.values_list("slug", flat=True).get(pk=world["event"]),
        "part_id": world["params"]["room" if "/rooms/" in case.path else "track"],
    }
    event = {name: known[name] if name == "slug" else value for name, value in generated.items()}
    return event, {name: known.get(name, value) for name, value in generated.items()}


@schema.parametrize()
def test_api_answers_within_its_schema(case, world):
    generated = dict(case.path_parameters or {})
    event, objects = seeded(case, world)
    anonymous, organiser = {}, {"Authorization": f"Bearer {world['token']}"}
    calls = []
    for call in [
        (anonymous, generated),
        (anonymous, objects),
        (organiser, event),  # unknown ids in a known event
        (organiser, objects),
    ]:
        if call not in calls:
            calls.append(call)
    for headers, path_parameters in calls:
        case.path_parameters = path_parameters
        response = case.call(headers=headers)
        case.validate_response(response, checks=CHECKS, headers=headers)
