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

__all__ = [
    "EventFactory",
    "EventOrganizationFactory",
    "OrganizationFactory",
    "RoomFactory",
    "TeamMemberFactory",
    "TrackFactory",
    "UserFactory",
    "VenueFactory",
]
