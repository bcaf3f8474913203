"""An event's programme (whether it is public, and the counter that numbers its updates) and
its sessions."""

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
from django.utils.translation import pgettext_lazy

from confman.core.choices import label_of
from confman.core.content import ContentCharField, ContentTextField, content_translations
from events.models import AttendanceMode, Event, Room, Track
from sessions.models.people import CHAIRING_ROLES, Person, RoleKind, SessionRole

MAX_DELAY_MINUTES = 12 * 60


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


class SessionStatus(models.TextChoices):
    DRAFT = "draft", pgettext_lazy("session status", "Draft")
    SCHEDULED = "scheduled", _("Scheduled")
    LIVE = "live", _("Live now")
    ENDED = "ended", _("Ended")
    CANCELLED = "cancelled", pgettext_lazy("session status", "Cancelled")


def validate_language(value: str) -> None:
    if value and (value not in LANG_INFO or "fallback" in LANG_INFO[value]):
        raise ValidationError(
            _("Unknown language code “%(code)s”. Use an ISO 639-1 code such as en, zh-hans, ru."),
            params={"code": value},
            code="invalid_language",
        )


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
    Status = SessionStatus

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="sessions")
    title = ContentCharField(_("title"), max_length=300)
    kind = models.CharField(_("kind"), max_length=20, choices=SessionKind.choices)
    abstract = ContentTextField(_("abstract"), max_length=5000, blank=True)
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
        _("attendance"),
        max_length=20,
        choices=AttendanceMode.choices,
        default=AttendanceMode.HYBRID,
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
                condition=Q(attendance__in=AttendanceMode.values), name="session_attendance_valid"
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
    def title_translations(self) -> dict[str, str]:
        return content_translations(self.title, self.event.languages)

    @property
    def abstract_translations(self) -> dict[str, str]:
        return content_translations(self.abstract, self.event.languages)

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
    def kind_label(self) -> str:
        return label_of(SessionKind, self.kind)

    @property
    def attendance_label(self) -> str:
        return label_of(AttendanceMode, self.attendance)

    @property
    def status_label(self) -> str:
        return label_of(SessionStatus, self.status)

    @property
    def chairs(self) -> list["SessionRole"]:
        return self.people_in(*CHAIRING_ROLES)

    @property
    def speakers(self) -> list["SessionRole"]:
        return self.people_in(RoleKind.SPEAKER, RoleKind.PANELLIST)

    @property
    def rapporteurs(self) -> list["SessionRole"]:
        return self.people_in(RoleKind.RAPPORTEUR)
