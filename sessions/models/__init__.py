"""The agenda's models, one module per topic, all importable from here (migrations and the rest
of the code say `sessions.models.X`):

- sessions: the event's programme (published or not, its update counter) and its sessions;
- people: the programme's people and their roles in sessions;
- updates: the numbered log of every change a participant would care about (which calendars
  and the live page read), and the conflicts organisers accepted;
- personal: each user's bookmarks and personal calendar address;
- materials: slides, documents, recordings and photos of a session or of the event."""

from sessions.models.materials import Material, MaterialAudience, MaterialKind
from sessions.models.people import (
    CHAIRING_ROLES,
    Person,
    RoleKind,
    SessionRole,
)
from sessions.models.personal import (
    Bookmark,
    CalendarFeedToken,
    new_feed_token,
)
from sessions.models.sessions import (
    MAX_DELAY_MINUTES,
    Programme,
    Session,
    SessionKind,
    SessionQuerySet,
    SessionStatus,
    validate_language,
)
from sessions.models.updates import (
    ANNOUNCEMENT_MAX,
    ConflictOverride,
    SessionUpdate,
    UpdateKind,
)

# Where each constraint's error belongs in a form or an API answer.
CONSTRAINT_FIELDS = {
    "session_times_incomplete": "end",
    "session_end_before_start": "end",
    "session_unplaced": "start",
    "person_user_taken": "user",
    "role_taken": "role",
    "bookmark_taken": "session",
}

__all__ = [
    "ANNOUNCEMENT_MAX",
    "Bookmark",
    "CalendarFeedToken",
    "CHAIRING_ROLES",
    "ConflictOverride",
    "CONSTRAINT_FIELDS",
    "Material",
    "MaterialAudience",
    "MaterialKind",
    "MAX_DELAY_MINUTES",
    "new_feed_token",
    "Person",
    "Programme",
    "RoleKind",
    "Session",
    "SessionKind",
    "SessionQuerySet",
    "SessionRole",
    "SessionStatus",
    "SessionUpdate",
    "UpdateKind",
    "validate_language",
]
