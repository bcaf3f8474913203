"""The events' models, one module per topic, all importable from here (migrations and the rest
of the code say `events.models.X`):

- events: an event, its status, format, dates, zone and languages;
- organisations: the shared registry of organisations, and their roles at events;
- places: venues, and an event's rooms and tracks;
- team: who runs an event (its team roles), and the API tokens of organisers."""

from events.models.events import (
    PERSON_MODE_CHOICES,
    PERSON_MODES,
    AttendanceMode,
    Event,
    EventQuerySet,
    EventStatus,
    colour_validator,
    slug_validator,
    validate_language_codes,
)
from events.models.organisations import (
    EventOrganization,
    Organization,
    OrganizationKind,
    OrganizationRole,
)
from events.models.places import (
    Room,
    RoomKind,
    Track,
    Venue,
)
from events.models.team import (
    ApiToken,
    TeamMember,
    TeamRole,
    hash_token,
)

# Where each constraint's error belongs in a form or an API answer ("request" when nowhere).
CONSTRAINT_FIELDS = {
    "organization_taken": "name",
    "coordinates_invalid": "latitude",
    "end_before_start": "end_date",
    "invalid_time_zone": "timezone",
    "role_taken": "role",
    "room_name_taken": "name",
    "virtual_room_layout": "kind",
    "capacity_invalid": "capacity",
    "track_name_taken": "name",
    "already_on_team": "user",
}

__all__ = [
    "ApiToken",
    "colour_validator",
    "CONSTRAINT_FIELDS",
    "Event",
    "AttendanceMode",
    "PERSON_MODE_CHOICES",
    "PERSON_MODES",
    "EventOrganization",
    "EventQuerySet",
    "EventStatus",
    "hash_token",
    "Organization",
    "OrganizationKind",
    "OrganizationRole",
    "Room",
    "RoomKind",
    "slug_validator",
    "TeamMember",
    "TeamRole",
    "Track",
    "validate_language_codes",
    "Venue",
]
