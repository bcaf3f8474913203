"""The programme of an event: sessions, the people in them and their roles, and the log of every
change a participant would care about (which calendar exports and live push read)."""

import secrets
from datetime import timedelta

from django.conf import settings
from django.conf.locale import LANG_INFO
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField

from events.models import Event, Organization, Room, Track

MAX_DELAY_MINUTES = 12 * 60
ANNOUNCEMENT_MAX = 500


class SessionKind(models.TextChoices):
    OPENING = "opening", _("Opening ceremony")
    KEYNOTE = "keynote", _("Keynote")
    PLENARY = "plenary", _("Plenary")
    PANEL = "panel", _("Panel")
    ROUNDTABLE = "roundtable", _("Roundtable")
    WORKSHOP = "workshop", _("Workshop")
    LAUNCH = "launch", _("Launch")
    CLOSING = "closing", _("Closing ceremony")
    BREAK = "break", _("Break")
    NETWORKING = "networking", _("Networking")


class Attendance(models.TextChoices):
    IN_PERSON = "in_person", _("In person")
    ONLINE = "online", _("Online")
    HYBRID = "hybrid", _("Hybrid")


class SessionStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SCHEDULED = "scheduled", _("Scheduled")
    LIVE = "live", _("Live now")
    ENDED = "ended", _("Ended")
    CANCELLED = "cancelled", _("Cancelled")


class RoleKind(models.TextChoices):
    CHAIR = "chair", _("Chair")
    MODERATOR = "moderator", _("Moderator")
    FACILITATOR = "facilitator", _("Facilitator")
    HOST = "host", _("Host")
    SPEAKER = "speaker", _("Speaker")
    PANELLIST = "panellist", _("Panellist")
    RAPPORTEUR = "rapporteur", _("Rapporteur")


# The roles that run a session: they may use the chair console for it.
CHAIRING_ROLES = frozenset(
    {RoleKind.CHAIR, RoleKind.MODERATOR, RoleKind.FACILITATOR, RoleKind.HOST}
)


def validate_language(value: str) -> None:
    if value and (value not in LANG_INFO or "fallback" in LANG_INFO[value]):
        raise ValidationError(
            _("Unknown language code “%(code)s”. Use an ISO 639-1 code such as en, zh-hans, ru."),
            params={"code": value},
            code="invalid_language",
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


class Programme(models.Model):
    """One per event: whether its programme is public, and the counter that numbers its updates.
    Every agenda write locks this row, which serialises writes per event and keeps the sequence
    gap-free."""

    event = models.OneToOneField(
        Event, on_delete=models.CASCADE, primary_key=True, related_name="programme"
    )
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    last_sequence = models.PositiveBigIntegerField(_("last update number"), default=0)

    class Meta:
        verbose_name = _("programme")
        verbose_name_plural = _("programmes")

    def __str__(self) -> str:
        return str(self.event)

    @property
    def is_published(self) -> bool:
        return self.published_at is not None


class Person(models.Model):
    """Someone on the programme of one event: a chair, a speaker, a rapporteur."""

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="people")
    honorific = models.CharField(
        _("honorific or title"), max_length=40, blank=True, help_text=_("e.g. Prof., Dr, H.E.")
    )
    name = models.CharField(_("name"), max_length=200)
    position = models.CharField(_("position"), max_length=200, blank=True)
    organization = models.ForeignKey(
        Organization,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="people",
        verbose_name=_("organisation"),
    )
    country = CountryField(_("country"), blank=True)
    bio = models.TextField(_("short biography"), max_length=3000, blank=True)
    email = models.EmailField(
        _("email"), blank=True, help_text=_("Private: seen only by the event's team.")
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="agenda_people",
        verbose_name=_("user account"),
        help_text=_("Links the person to a login, so that they can chair their sessions."),
    )

    class Meta:
        verbose_name = _("person")
        verbose_name_plural = _("people")
        ordering = ["name", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["event", "user"],
                condition=Q(user__isnull=False),
                name="person_unique_user_per_event",
                violation_error_code="person_user_taken",
                violation_error_message=_(
                    "This user account is already linked to another person of this event."
                ),
            ),
        ]

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        return f"{self.honorific} {self.name}" if self.honorific else self.name

    @property
    def country_name(self) -> str:
        return str(self.country.name) if self.country else ""


class SessionQuerySet(models.QuerySet):
    def public(self):
        """Sessions anyone may see: on a published programme, and not drafts."""
        return self.filter(event__programme__published_at__isnull=False).exclude(
            status=SessionStatus.DRAFT
        )

    def placed(self):
        return self.filter(start__isnull=False, end__isnull=False)


class Session(models.Model):
    Kind = SessionKind
    Attendance = Attendance
    Status = SessionStatus

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="sessions")
    title = models.CharField(_("title"), max_length=300)
    kind = models.CharField(_("kind"), max_length=20, choices=SessionKind.choices)
    abstract = models.TextField(_("abstract"), max_length=5000, blank=True)
    track = models.ForeignKey(
        Track,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="sessions",
        verbose_name=_("track"),
    )
    room = models.ForeignKey(
        Room,
        # A room with sessions cannot be deleted on its own (move or cancel them first); it
        # goes when its whole event is deleted.
        on_delete=models.RESTRICT,
        null=True,
        blank=True,
        related_name="sessions",
        verbose_name=_("room"),
    )
    start = models.DateTimeField(_("start"), null=True, blank=True)
    end = models.DateTimeField(_("end"), null=True, blank=True)
    language = models.CharField(
        _("language"),
        max_length=15,
        blank=True,
        validators=[validate_language],
        help_text=_("The language spoken; leave empty for the event's main language."),
    )
    attendance = models.CharField(
        _("attendance"), max_length=20, choices=Attendance.choices, default=Attendance.HYBRID
    )
    status = models.CharField(
        _("status"), max_length=20, choices=SessionStatus.choices, default=SessionStatus.DRAFT
    )
    delay_minutes = models.PositiveSmallIntegerField(
        _("current delay in minutes"),
        default=0,
        validators=[MaxValueValidator(MAX_DELAY_MINUTES)],
    )
    next_speaker = models.ForeignKey(
        Person,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("next speaker"),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = SessionQuerySet.as_manager()

    class Meta:
        verbose_name = _("session")
        verbose_name_plural = _("sessions")
        ordering = ["start", "room__order", "pk"]
        indexes = [
            models.Index(fields=["event", "start"], name="session_event_start"),
            models.Index(fields=["room", "start"], name="session_room_start"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(start__isnull=True, end__isnull=True)
                | Q(start__isnull=False, end__isnull=False),
                name="session_times_complete",
                violation_error_code="session_times_incomplete",
                violation_error_message=_("Give both a start and an end, or neither."),
            ),
            models.CheckConstraint(
                condition=Q(start__isnull=True) | Q(end__gt=F("start")),
                name="session_end_after_start",
                violation_error_code="session_end_before_start",
                violation_error_message=_("The session must end after it starts."),
            ),
            models.CheckConstraint(
                condition=Q(status=SessionStatus.DRAFT) | Q(start__isnull=False),
                name="session_placed_unless_draft",
                violation_error_code="session_unplaced",
                violation_error_message=_(
                    "Only a draft session can be without a time; give it a start and an end."
                ),
            ),
            models.CheckConstraint(
                condition=Q(kind__in=SessionKind.values), name="session_kind_valid"
            ),
            models.CheckConstraint(
                condition=Q(attendance__in=Attendance.values), name="session_attendance_valid"
            ),
            models.CheckConstraint(
                condition=Q(status__in=SessionStatus.values), name="session_status_valid"
            ),
            models.CheckConstraint(
                condition=Q(delay_minutes__lte=MAX_DELAY_MINUTES), name="session_delay_bounded"
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("agenda:session", kwargs={"slug": self.event.slug, "pk": self.pk})

    @property
    def public_url(self) -> str:
        return settings.SITE_URL + self.get_absolute_url()

    def clean(self) -> None:
        errors = {}
        if self.room_id and self.event_id and self.room.event_id != self.event_id:
            errors["room"] = _("This room belongs to another event; choose one of this event's.")
        if self.track_id and self.event_id and self.track.event_id != self.event_id:
            errors["track"] = _("This track belongs to another event; choose one of this event's.")
        if self.next_speaker_id and self.event_id and self.next_speaker.event_id != self.event_id:
            errors["next_speaker"] = _("The next speaker must be a person of this event.")
        if errors:
            raise ValidationError(errors)

    @property
    def is_placed(self) -> bool:
        return self.start is not None and self.end is not None

    @property
    def delay(self) -> timedelta:
        return timedelta(minutes=self.delay_minutes)

    @property
    def actual_start(self):
        """When it starts, counting the delay a chair reported."""
        return None if self.start is None else self.start + self.delay

    @property
    def actual_end(self):
        return None if self.end is None else self.end + self.delay

    @property
    def duration_minutes(self) -> int | None:
        if not self.is_placed:
            return None
        return int((self.end - self.start).total_seconds() // 60)

    @property
    def is_cancelled(self) -> bool:
        return self.status == SessionStatus.CANCELLED

    @cached_property
    def ordered_roles(self) -> list["SessionRole"]:
        """Roles in display order, from a prefetch when there is one."""
        return sorted(self.roles.all(), key=lambda r: (r.order, r.pk))

    def people_in(self, *roles: str) -> list["SessionRole"]:
        return [r for r in self.ordered_roles if r.role in roles]

    @property
    def chairs(self) -> list["SessionRole"]:
        return self.people_in(*CHAIRING_ROLES)

    @property
    def speakers(self) -> list["SessionRole"]:
        return self.people_in(RoleKind.SPEAKER, RoleKind.PANELLIST)

    @property
    def rapporteurs(self) -> list["SessionRole"]:
        return self.people_in(RoleKind.RAPPORTEUR)


class SessionRole(models.Model):
    Kind = RoleKind

    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="roles")
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="roles")
    role = models.CharField(_("role"), max_length=20, choices=RoleKind.choices)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("session role")
        verbose_name_plural = _("session roles")
        ordering = ["order", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["session", "person", "role"],
                name="session_role_unique",
                violation_error_code="role_taken",
                violation_error_message=_("This person already has this role in this session."),
            ),
            models.CheckConstraint(
                condition=Q(role__in=RoleKind.values), name="session_role_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person} ({self.get_role_display()}): {self.session}"

    def clean(self) -> None:
        if self.session_id and self.person_id and self.person.event_id != self.session.event_id:
            raise ValidationError({"person": _("This person belongs to another event.")})

    @property
    def is_chairing(self) -> bool:
        return self.role in CHAIRING_ROLES


class UpdateKind(models.TextChoices):
    PUBLISHED = "published", _("Added to the programme")
    CHANGED = "changed", _("Details changed")
    MOVED = "moved", _("Moved")
    STATUS = "status", _("Status changed")
    DELAYED = "delayed", _("Delay reported")
    CANCELLED = "cancelled", _("Cancelled")
    PEOPLE = "people", _("People changed")
    ANNOUNCEMENT = "announcement", _("Announcement")
    NEXT_SPEAKER = "next_speaker", _("Next speaker")
    PROGRAMME_PUBLISHED = "programme_published", _("Programme published")
    STREAM = "stream", _("Stream changed")


class SessionUpdate(models.Model):
    """One change to the public programme, numbered per event without gaps. `changes` maps each
    changed field to {"before": ..., "after": ...} in JSON form (datetimes in ISO 8601 UTC)."""

    Kind = UpdateKind

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="session_updates")
    sequence = models.PositiveBigIntegerField(_("number"))
    session = models.ForeignKey(
        Session, on_delete=models.RESTRICT, null=True, blank=True, related_name="updates"
    )
    kind = models.CharField(_("kind"), max_length=30, choices=UpdateKind.choices)
    changes = models.JSONField(_("changes"), default=dict, blank=True)
    message = models.TextField(_("message"), max_length=1000, blank=True)
    overridden = models.JSONField(
        _("conflicts overridden"),
        default=list,
        blank=True,
        help_text=_("Conflicts the organiser chose to accept with this change."),
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("when"))

    class Meta:
        verbose_name = _("programme update")
        verbose_name_plural = _("programme updates")
        ordering = ["event", "sequence"]
        constraints = [
            models.UniqueConstraint(
                fields=["event", "sequence"], name="session_update_unique_sequence"
            ),
            models.CheckConstraint(
                condition=Q(kind__in=UpdateKind.values), name="session_update_kind_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.event.slug} #{self.sequence}: {self.get_kind_display()}"


class ConflictOverride(models.Model):
    """An organiser's explicit decision to accept a conflict (a person in two overlapping
    sessions, a session outside the event's dates, a mode that does not fit the room). It stays
    recorded, and the conflict list shows it as accepted rather than unresolved."""

    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="overrides")
    code = models.CharField(_("conflict"), max_length=40)
    other_session = models.ForeignKey(
        Session, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    person = models.ForeignKey(
        Person, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("when"), auto_now_add=True)

    class Meta:
        verbose_name = _("accepted conflict")
        verbose_name_plural = _("accepted conflicts")

    def __str__(self) -> str:
        return f"{self.code}: {self.session}"


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
