"""Change notices: the mail that tells people when a session they follow moves, runs late, is
cancelled or changes its stream, grouped over a short window. Each event's settings (and where
its notices have got to in the update log), who asked for none, and the log of what was sent."""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from events.models import Event


class NoticeKind(models.TextChoices):
    MOVED = "moved", _("Sessions moved to another time or room")
    DELAYED = "delayed", _("Sessions running late")
    CANCELLED = "cancelled", _("Sessions cancelled")
    STREAM = "stream", _("Stream links changed")
    ANNOUNCEMENT = "announcement", _("Announcements by the chairs and organisers")
    REMINDER = "reminder", _("Reminders shortly before the sessions on my agenda")


class NoticeSettings(models.Model):
    """How an event's notices go out, and how far through its update log they have gone."""

    event = models.OneToOneField(Event, on_delete=models.CASCADE, related_name="notice_settings")
    paused = models.BooleanField(
        _("pause notices"),
        default=False,
        help_text=_(
            "While the programme is being rebuilt: changes are kept and told, in their final "
            "state, when notices resume."
        ),
    )
    delay_threshold = models.PositiveSmallIntegerField(
        _("tell delays from (minutes)"),
        default=15,
        help_text=_("A delay shorter than this is shown on the live page but not mailed."),
    )
    window = models.PositiveSmallIntegerField(
        _("grouping window (minutes)"),
        default=10,
        help_text=_(
            "Changes made within this time become one mail per person, each in its final state."
        ),
    )
    reminder_minutes = models.PositiveSmallIntegerField(
        _("remind before a session (minutes)"),
        default=15,
        help_text=_(
            "People who keep a session on their agenda are reminded this long before it "
            "starts; 0 sends no reminders."
        ),
    )
    # Updates up to this sequence number have been told (or had nothing to tell).
    told_sequence = models.PositiveBigIntegerField(default=0, editable=False)
    # When the next round of notices is due (None: none is waiting).
    due_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("notice settings")
        verbose_name_plural = _("notice settings")
        constraints = [
            models.CheckConstraint(
                condition=Q(window__gte=1, window__lte=120), name="notice_window_range"
            ),
            models.CheckConstraint(
                condition=Q(delay_threshold__lte=240), name="notice_delay_threshold_range"
            ),
            models.CheckConstraint(
                condition=Q(reminder_minutes__lte=240), name="notice_reminder_minutes_range"
            ),
        ]

    def __str__(self) -> str:
        return str(self.event)


class NoticeOptOut(models.Model):
    """An address that asked for no notices of one kind (or of any kind: kind "") for one
    event."""

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="+")
    email = models.EmailField(_("email"))  # lower case
    kind = models.CharField(_("kind"), max_length=20, blank=True, choices=NoticeKind.choices)
    created_at = models.DateTimeField(_("since"), auto_now_add=True)

    class Meta:
        verbose_name = _("unsubscribed address")
        verbose_name_plural = _("unsubscribed addresses")
        constraints = [
            models.UniqueConstraint(
                fields=["event", "email", "kind"], name="notice_opt_out_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.email}: {self.kind or '*'}"


class NoticeStatus(models.TextChoices):
    QUEUED = "queued", _("Waiting to be sent")
    SENT = "sent", pgettext_lazy("mail", "Sent")
    FAILED = "failed", _("Failed")


class Notice(models.Model):
    """One mail to one person: the sessions it told them about, and how its sending went."""

    Status = NoticeStatus

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="notices")
    email = models.EmailField(_("email"))
    name = models.CharField(_("name"), max_length=200, blank=True)
    language = models.CharField(_("language"), max_length=10, blank=True)
    time_zone = models.CharField(_("time zone"), max_length=60, blank=True)
    # What to tell, as the round worked it out: [{"session": id, "kinds": [...], ...}, ...]
    items = models.JSONField(_("changes"), default=list)
    kinds = models.JSONField(_("kinds"), default=list)
    first_sequence = models.PositiveBigIntegerField(_("from update"))
    last_sequence = models.PositiveBigIntegerField(_("to update"))
    status = models.CharField(
        _("status"), max_length=10, choices=NoticeStatus.choices, default=NoticeStatus.QUEUED
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    error = models.CharField(_("error"), max_length=300, blank=True)
    # After a failed attempt: not before this time.
    retry_at = models.DateTimeField(_("next attempt"), null=True, blank=True)
    created_at = models.DateTimeField(_("made at"), auto_now_add=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)

    class Meta:
        verbose_name = _("notice")
        verbose_name_plural = _("notices")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["event", "status"], name="notice_event_status")]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=NoticeStatus.values), name="notice_status_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.email} #{self.first_sequence}-{self.last_sequence}"


class Reminder(models.Model):
    """The "starting soon" mail of one session at one start time: made when the session is
    placed, moved or delayed (or first kept on someone's agenda), sent once, shortly before
    `start`; one whose session moved on since is skipped."""

    session = models.ForeignKey(
        "agenda.Session", on_delete=models.CASCADE, related_name="+", verbose_name=_("session")
    )
    start = models.DateTimeField(_("start"))
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    sent = models.PositiveIntegerField(_("mails"), default=0)
    skipped = models.CharField(_("skipped because"), max_length=40, blank=True)

    class Meta:
        verbose_name = _("reminder")
        verbose_name_plural = _("reminders")
        constraints = [
            models.UniqueConstraint(fields=["session", "start"], name="reminder_once_per_start"),
        ]

    def __str__(self) -> str:
        return f"{self.session_id} @ {self.start:%Y-%m-%d %H:%M}"
