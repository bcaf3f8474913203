"""Who may see which stream links. Public streams are for everyone; the others only for
confirmed online participants (an online registration, or a ticket that admits both modes),
the event's team, and the people of the session (for that session's streams and its room's).
Decided once per viewer (page load, socket connect), then applied to every message."""

from dataclasses import dataclass, field

from django.contrib.auth.models import AnonymousUser, User
from django.db.models import Q

from confman.core.exceptions import DomainError
from events.models import AttendanceMode, Event
from events.permissions import Action, has_event_permission
from registrations.models import Registration, State, TicketModes
from sessions.models import SessionRole


@dataclass(frozen=True)
class Access:
    all_streams: bool = False
    # The session's people see their own sessions' restricted streams (and their rooms').
    sessions: frozenset[int] = field(default_factory=frozenset)
    rooms: frozenset[int] = field(default_factory=frozenset)
    registration_id: int | None = None

    def sees(self, stream: dict) -> bool:
        """`stream` is a StreamOut-shaped dict with its scope (`room_id`, `session_id`)."""
        if stream["public"] or self.all_streams:
            return True
        return stream.get("session_id") in self.sessions or stream.get("room_id") in self.rooms

    @property
    def key(self) -> str:
        """The same access gives the same stream lists: a key for caching them."""
        if self.all_streams:
            return "all"
        if not self.sessions:
            return "public"
        return "people:" + ",".join(map(str, sorted(self.sessions)))


PUBLIC = Access()


def registration_for_link(token: str) -> Registration | None:
    """The registration a private link token names, or None for no token or a bad one (the
    viewer then simply sees what the public sees)."""
    if not token:
        return None
    from registrations.links import registration_for_token

    try:
        return registration_for_token(token)
    except DomainError:
        return None


def _entitled(registration: Registration | None, event: Event) -> bool:
    return (
        registration is not None
        and registration.event_id == event.pk
        and registration.state == State.CONFIRMED
        and (
            registration.mode == AttendanceMode.ONLINE
            or registration.ticket.modes == TicketModes.EITHER
        )
    )


def viewer_access(
    event: Event,
    user: User | AnonymousUser | None,
    registration: Registration | None = None,
) -> Access:
    """What this viewer may watch. `registration` is the one their private link names, for
    participants without an account."""
    if has_event_permission(user, event, Action.VIEW_DRAFT):
        return Access(all_streams=True)
    if _entitled(registration, event):
        return Access(all_streams=True, registration_id=registration.pk)
    if user is None or not user.is_authenticated:
        return PUBLIC
    own = (
        Registration.objects.select_related("ticket")
        .filter(event=event, user=user, state=State.CONFIRMED)
        .filter(Q(mode=AttendanceMode.ONLINE) | Q(ticket__modes=TicketModes.EITHER))
        .first()
    )
    if own is not None:
        return Access(all_streams=True, registration_id=own.pk)
    roles = list(
        SessionRole.objects.filter(session__event=event, person__user=user).values_list(
            "session_id", "session__room_id"
        )
    )
    if not roles:
        return PUBLIC
    return Access(
        sessions=frozenset(s for s, _ in roles),
        rooms=frozenset(r for _, r in roles if r is not None),
    )
