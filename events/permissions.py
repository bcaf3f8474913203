"""May this user do X on this event? Every view, API operation and admin page asks here.

Roles are per event (TeamMember). Superusers may do everything; anyone may view a published or
archived event; the team sees its drafts."""

from enum import StrEnum

from django.contrib.auth.models import AnonymousUser, User
from django.db.models import Q
from django.utils.translation import gettext as _

from confman.core.exceptions import NotAuthenticated, NotFound, PermissionDenied
from confman.core.fastpaths.prepared import PreparedQuery
from events.models import Event, TeamMember


class Action(StrEnum):
    VIEW = "event.view"
    VIEW_DRAFT = "event.view_draft"
    CHANGE = "event.change"
    DELETE = "event.delete"
    MANAGE_TEAM = "event.manage_team"
    MANAGE_AGENDA = "agenda.manage"
    MANAGE_REGISTRATIONS = "registrations.manage"
    VIEW_REGISTRATIONS = "registrations.view"
    CHECK_IN = "checkin.perform"


Role = TeamMember.Role

_ORGANISER = {
    Action.VIEW,
    Action.VIEW_DRAFT,
    Action.CHANGE,
    Action.MANAGE_AGENDA,
    Action.MANAGE_REGISTRATIONS,
    Action.VIEW_REGISTRATIONS,
    Action.CHECK_IN,
}
ROLE_ACTIONS: dict[str, frozenset[Action]] = {
    Role.OWNER: frozenset(_ORGANISER | {Action.DELETE, Action.MANAGE_TEAM}),
    Role.ORGANISER: frozenset(_ORGANISER),
    Role.CHECKIN: frozenset(
        {Action.VIEW, Action.VIEW_DRAFT, Action.VIEW_REGISTRATIONS, Action.CHECK_IN}
    ),
}


# Asked on every request of a signed-in user (see confman.core.fastpaths.prepared).
_ROLES = PreparedQuery(
    lambda p: TeamMember.objects.filter(user_id=p.int("user")).values_list("event_id", "role")
)


def _roles(user: User | AnonymousUser) -> dict[int, str]:
    """The user's role per event id, read once per user object (i.e. once per request)."""
    cached = getattr(user, "_confman_event_roles", None)
    if cached is None:
        cached = dict(_ROLES.all(user=user.pk))
        # A cache on the request's user, as Django's ModelBackend keeps _perm_cache there.
        user._confman_event_roles = cached  # noqa: SLF001
    return cached


def event_role(user: User | AnonymousUser | None, event: Event) -> str | None:
    if user is None or not user.is_authenticated or not user.is_active:
        return None
    return _roles(user).get(event.pk)


def has_event_permission(user: User | AnonymousUser | None, event: Event, action: Action) -> bool:
    if action == Action.VIEW and event.is_public:
        return True
    if user is None or not user.is_authenticated or not user.is_active:
        return False
    if user.is_superuser:
        return True
    role = event_role(user, event)
    return role is not None and action in ROLE_ACTIONS[role]


def require_event_permission(
    user: User | AnonymousUser | None, event: Event, action: Action
) -> None:
    """Raise a 401 for anonymous users and a 403 naming the missing role otherwise. An event the
    user may not even see is reported as not found, so drafts do not leak their existence."""
    if has_event_permission(user, event, action):
        return
    if not has_event_permission(user, event, Action.VIEW):
        if user is None or not user.is_authenticated:
            raise NotFound(_("There is no event “%(slug)s”.") % {"slug": event.slug})
        raise NotFound(_("There is no event “%(slug)s” that you can see.") % {"slug": event.slug})
    if user is None or not user.is_authenticated:
        raise NotAuthenticated(
            _("Sign in, or send an organiser API token as “Authorization: Bearer <token>”.")
        )
    needed = sorted(
        str(Role(role).label) for role, actions in ROLE_ACTIONS.items() if action in actions
    )
    raise PermissionDenied(
        _(
            "You may not do this on “%(slug)s”: it needs one of these roles on the event's "
            "team: %(roles)s. Ask the event's owner to add you."
        )
        % {"slug": event.slug, "roles": ", ".join(needed)},
        details={"action": str(action), "your_role": event_role(user, event)},
    )


def can_create_events(user: User | AnonymousUser | None) -> bool:
    return bool(
        user is not None
        and user.is_authenticated
        and user.is_active
        and (user.is_superuser or user.has_perm("events.add_event"))
    )


def events_for(user: User | AnonymousUser | None, action: Action):
    """The events on which the user may do `action`, as a queryset (for lists and the admin)."""
    if action == Action.VIEW:
        if user is None or not user.is_authenticated or not user.is_active:
            return Event.objects.public()
        if user.is_superuser:
            return Event.objects.all()
        return Event.objects.filter(
            Q(status__in=Event.PUBLIC_STATUSES)
            | Q(pk__in=TeamMember.objects.filter(user=user).values("event_id"))
        )
    if user is None or not user.is_authenticated or not user.is_active:
        return Event.objects.none()
    if user.is_superuser:
        return Event.objects.all()
    roles = [role for role, actions in ROLE_ACTIONS.items() if action in actions]
    return Event.objects.filter(
        pk__in=TeamMember.objects.filter(user=user, role__in=roles).values("event_id")
    )
