"""Who may change the agenda and run a session: the organisers of its event (who manage its
agenda), and the people who chair it (chair, moderator, facilitator, host) through the user
account linked to their Person."""

from django.contrib.auth.models import AnonymousUser, User
from django.utils.translation import gettext as _

from confman.core.exceptions import NotAuthenticated, PermissionDenied
from events.models import Event
from events.permissions import Action, has_event_permission, require_event_permission
from sessions.models import (
    CHAIRING_ROLES,
    Session,
    SessionRole,
)


def require_organiser(by: User | None, event: Event) -> None:
    """Raise unless the user manages the event's agenda; `by=None` is the system itself (demo
    data, commands)."""
    if by is not None:
        require_event_permission(by, event, Action.MANAGE_AGENDA)


def chairs_session(user: User | AnonymousUser | None, session: Session) -> bool:
    """Is the user linked to a person who chairs, moderates, facilitates or hosts it?"""
    if user is None or not user.is_authenticated or not user.is_active:
        return False
    return SessionRole.objects.filter(
        session=session, role__in=CHAIRING_ROLES, person__user=user
    ).exists()


def can_run_session(user: User | AnonymousUser | None, session: Session) -> bool:
    return runs_every_session(user, session.event) or chairs_session(user, session)


def require_chair(user: User | AnonymousUser | None, session: Session) -> None:
    """Raise unless the user may run this session; `None` is the system itself."""
    if user is None:
        return
    require_event_permission(user, session.event, Action.VIEW)
    if can_run_session(user, session):
        return
    if not user.is_authenticated:
        raise NotAuthenticated(_("Sign in as the session's chair or as an organiser."))
    raise PermissionDenied(
        _(
            "You do not chair “%(title)s”: only its chair, moderator, facilitator or host, and "
            "the event's organisers, may run it."
        )
        % {"title": session.title},
        code="not_session_chair",
    )


def runs_every_session(user: User | AnonymousUser | None, event: Event) -> bool:
    """Organisers (the event's owner, its organisers, superusers) may stand in for any chair;
    check-in staff may not."""
    return has_event_permission(user, event, Action.MANAGE_AGENDA)


def may_use_console(user: User | AnonymousUser | None, event: Event) -> bool:
    """Whether the chair console is for this user: an organiser, or a chair of a session."""
    return runs_every_session(user, event) or chaired_sessions(user, event).exists()


def console_sessions(user: User | AnonymousUser | None, event: Event):
    """The sessions the chair console offers the user, in time order: every session of the event
    to an organiser, the ones they chair to anyone else."""
    if runs_every_session(user, event):
        return event.sessions.order_by("start", "pk")
    return chaired_sessions(user, event)


def chaired_sessions(user: User | AnonymousUser | None, event: Event):
    """The sessions of `event` the user runs as a linked person, in time order."""
    if user is None or not user.is_authenticated or not user.is_active:
        return Session.objects.none()
    return (
        event.sessions.filter(roles__role__in=CHAIRING_ROLES, roles__person__user=user)
        .distinct()
        .order_by("start", "pk")
    )
