"""What is a user's own: bookmarked sessions, and the secret address of their personal
calendar."""

import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from events.models import Event
from sessions.models.sessions import Session


class Bookmark(models.Model):
    """A session on someone's personal agenda."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="bookmarks"
    )
    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="bookmarks")
    created_at = models.DateTimeField(_("added at"), auto_now_add=True)

    class Meta:
        verbose_name = _("bookmark")
        verbose_name_plural = _("bookmarks")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "session"],
                name="bookmark_unique",
                violation_error_code="bookmark_taken",
                violation_error_message=_("This session is already on your agenda."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user}: {self.session}"


def new_feed_token() -> str:
    return secrets.token_urlsafe(24)


class CalendarFeedToken(models.Model):
    """The secret in the address of someone's personal calendar feed (their bookmarked sessions
    of one event). Whoever has the address can read the feed, so it can be revoked: a revoked
    token is kept, marked, and its address answers 404 for good."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="calendar_feed_tokens"
    )
    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="+")
    token = models.CharField(
        _("token"), max_length=64, unique=True, default=new_feed_token, editable=False
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)

    class Meta:
        verbose_name = _("calendar feed address")
        verbose_name_plural = _("calendar feed addresses")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "event"],
                condition=Q(revoked_at__isnull=True),
                name="calendar_feed_token_one_active",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user}: {self.event}"

    @property
    def is_revoked(self) -> bool:
        return self.revoked_at is not None
