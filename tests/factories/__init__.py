from tests.factories.events import (
    EventFactory,
    EventOrganizationFactory,
    OrganizationFactory,
    RoomFactory,
    TeamMemberFactory,
    TrackFactory,
    UserFactory,
    VenueFactory,
)
from tests.factories.sessions import PersonFactory, SessionFactory, SessionRoleFactory, at

__all__ = [
    "EventFactory",
    "EventOrganizationFactory",
    "OrganizationFactory",
    "PersonFactory",
    "RoomFactory",
    "SessionFactory",
    "SessionRoleFactory",
    "TeamMemberFactory",
    "TrackFactory",
    "UserFactory",
    "VenueFactory",
    "at",
]
