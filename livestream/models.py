"""Where to watch: a room's streams, or a session's own (which then replace the room's for that
session), one per language: the floor, and each interpretation channel."""

from django.conf.locale import LANG_INFO
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from events.models import Event, Room
from sessions.models import Session


class Provider(models.TextChoices):
    YOUTUBE = "youtube", _("YouTube")
    ZOOM = "zoom", _("Zoom")
    TEAMS = "teams", _("Microsoft Teams")
    BIGBLUEBUTTON = "bigbluebutton", _("BigBlueButton")
    HLS = "hls", _("HLS stream")
    OTHER = "other", _("Other link")


class Stream(models.Model):
    Provider = Provider

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="streams")
    room = models.ForeignKey(
        Room,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="streams",
        verbose_name=_("room"),
    )
    session = models.ForeignKey(
        Session,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="streams",
        verbose_name=_("session"),
        help_text=_("A session's own streams replace its room's while it runs."),
    )
    provider = models.CharField(_("provider"), max_length=20, choices=Provider.choices)
    url = models.URLField(
        _("watch or join link"), max_length=500, validators=[URLValidator(schemes=["https"])]
    )
    embed_url = models.URLField(
        _("embed link"),
        max_length=500,
        blank=True,
        validators=[URLValidator(schemes=["https"])],
        help_text=_("Optional: a player that can be shown on the live page."),
    )
    passcode = models.CharField(_("passcode"), max_length=100, blank=True)
    language = models.CharField(
        _("language"),
        max_length=15,
        blank=True,
        help_text=_("Empty for the floor (as spoken); a language code for interpretation."),
    )
    public = models.BooleanField(
        _("public"),
        default=False,
        help_text=_(
            "Anyone may watch. Otherwise only confirmed online participants, the event's team "
            "and the session's people see the link."
        ),
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("stream")
        verbose_name_plural = _("streams")
        ordering = ["order", "language", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(room__isnull=False, session__isnull=True)
                | Q(room__isnull=True, session__isnull=False),
                name="stream_for_room_or_session",
                violation_error_code="stream_scope",
                violation_error_message=_("A stream belongs to a room or to a session, not both."),
            ),
            models.CheckConstraint(
                condition=Q(provider__in=Provider.values), name="stream_provider_valid"
            ),
            models.UniqueConstraint(
                fields=["room", "language"],
                condition=Q(room__isnull=False),
                name="stream_one_per_room_language",
                violation_error_code="stream_language_taken",
                violation_error_message=_("This room already has a stream in this language."),
            ),
            models.UniqueConstraint(
                fields=["session", "language"],
                condition=Q(session__isnull=False),
                name="stream_one_per_session_language",
                violation_error_code="stream_language_taken",
                violation_error_message=_("This session already has a stream in this language."),
            ),
        ]

    def __str__(self) -> str:
        where = self.session or self.room
        return f"{where}: {self.get_provider_display()} {self.language or 'floor'}"

    def clean(self) -> None:
        errors = {}
        if self.room_id and self.event_id and self.room.event_id != self.event_id:
            errors["room"] = _("This room belongs to another event; choose one of this event's.")
        if self.session_id and self.event_id and self.session.event_id != self.event_id:
            errors["session"] = _("This session belongs to another event.")
        if self.language and self.language not in LANG_INFO:
            errors["language"] = _(
                "“%(code)s” is not a language code; use one such as en, zh-hans, ru, fr, es, ar."
            ) % {"code": self.language}
        if errors:
            raise ValidationError(errors)

    @property
    def language_name(self) -> str:
        if not self.language:
            return str(_("Floor (as spoken)"))
        info = LANG_INFO.get(self.language, {})
        return str(info.get("name_local") or info.get("name") or self.language)
