"""A user's personal agenda: the sessions they bookmarked."""

from django.contrib.auth.models import User
from django.utils.translation import gettext as _

from confman.core.exceptions import NotAuthenticated, NotFound
from sessions.models import (
    Bookmark,
    Session,
)
from sessions.selectors import visible_sessions


def bookmark_add(*, user: User, session: Session) -> Bookmark:
    """Put a session on the user's agenda (idempotent)."""
    if not user.is_authenticated:
        raise NotAuthenticated(_("Sign in to keep a personal agenda."))
    if not visible_sessions(user, session.event).filter(pk=session.pk).exists():
        raise NotFound(_("There is no such session on the programme."))
    bookmark, _created = Bookmark.objects.get_or_create(user=user, session=session)
    return bookmark


def bookmark_remove(*, user: User, session: Session) -> None:
    """Take a session off the user's agenda (idempotent)."""
    if user.is_authenticated:
        Bookmark.objects.filter(user=user, session=session).delete()
