"""Tickets, layered capacity (Quota rows), registrations and their state history.

Capacity is counted, never stored as a running total: a Quota's seats in use are the
registrations that hold a seat against it (confirmed, a payment hold or a waiting-list offer that
has not run out). Taking a seat locks the quota rows involved (see services.take_seat)."""

import hashlib
import secrets
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField

from events.models import Event, Organization

currency_validator = RegexValidator(
    r"^[A-Z]{3}$", _("Give the currency as an ISO 4217 code, e.g. EUR, USD, CNY."), "currency"
)


class Mode(models.TextChoices):
    IN_PERSON = "in_person", _("In person")
    ONLINE = "online", _("Online")


class TicketModes(models.TextChoices):
    IN_PERSON = "in_person", _("In person")
    ONLINE = "online", _("Online")
    EITHER = "either", _("In person or online (the attendee chooses)")


class Visibility(models.TextChoices):
    PUBLIC = "public", _("Public")
    CODE = "code", _("Hidden behind an access code")
    INVITATION = "invitation", _("Invitation only")


class State(models.TextChoices):
    AWAITING_APPROVAL = "awaiting_approval", _("Awaiting approval")
    PENDING_PAYMENT = "pending_payment", _("Awaiting payment")
    CONFIRMED = "confirmed", _("Confirmed")
    WAITLISTED = "waitlisted", _("On the waiting list")
    OFFERED = "offered", _("Offered a seat")
    CANCELLED = "cancelled", _("Cancelled")
    REFUNDED = "refunded", _("Refunded")


def holding(now=None) -> Q:
    """Registrations that hold a seat now: confirmed ones, and payment holds and waiting-list
    offers until their deadline."""
    now = now or timezone.now()
    return (
        Q(state=State.CONFIRMED)
        | Q(state=State.PENDING_PAYMENT, hold_expires_at__gt=now)
        | Q(state=State.OFFERED, offer_expires_at__gt=now)
    )


class BadgeRole(models.TextChoices):
    """What a ticket may print as the role on its badges; empty derives it (see
    registrations.badges.badge_roles)."""

    ATTENDEE = "attendee", _("Attendee")
    PRESS = "press", _("Press")
    STAFF = "staff", _("Staff")


class TicketType(models.Model):
    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="ticket_types")
    name = models.CharField(_("name"), max_length=120)
    description = models.TextField(
        _("description"), max_length=2000, blank=True, validators=[MaxLengthValidator(2000)]
    )
    modes = models.CharField(
        _("attendance"), max_length=20, choices=TicketModes.choices, default=TicketModes.IN_PERSON
    )
    price = models.DecimalField(
        _("price"),
        max_digits=10,
        decimal_places=2,
        default=Decimal("0"),
        validators=[MinValueValidator(Decimal("0"))],
        help_text=_("0 for a free ticket."),
    )
    currency = models.CharField(
        _("currency"), max_length=3, default="EUR", validators=[currency_validator]
    )
    sales_start = models.DateTimeField(_("sales start"), null=True, blank=True)
    sales_end = models.DateTimeField(_("sales end"), null=True, blank=True)
    visibility = models.CharField(
        _("visibility"), max_length=20, choices=Visibility.choices, default=Visibility.PUBLIC
    )
    access_code = models.CharField(
        _("access code"),
        max_length=60,
        blank=True,
        help_text=_("Needed to see and buy a ticket hidden behind a code."),
    )
    requires_approval = models.BooleanField(
        _("requires approval"),
        default=False,
        help_text=_("An organiser approves each registration (e.g. invited delegations)."),
    )
    hold_minutes = models.PositiveSmallIntegerField(
        _("minutes to pay"),
        default=30,
        validators=[MinValueValidator(5)],
        help_text=_("How long a seat is held while the attendee pays."),
    )
    refundable_until = models.DateTimeField(
        _("attendees may cancel with a refund until"), null=True, blank=True
    )
    badge_role = models.CharField(
        _("role on the badge"),
        max_length=20,
        choices=BadgeRole.choices,
        blank=True,
        help_text=_(
            "Leave empty to derive it: organiser or staff for the event's team, chair or "
            "speaker from the agenda, attendee otherwise."
        ),
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("ticket type")
        verbose_name_plural = _("ticket types")
        ordering = ["order", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["event", "name"],
                name="ticket_name_unique_per_event",
                violation_error_code="ticket_name_taken",
                violation_error_message=_("The event already has a ticket with this name."),
            ),
            models.CheckConstraint(
                condition=Q(price__gte=0),
                name="ticket_price_not_negative",
                violation_error_code="negative_price",
                violation_error_message=_("The price cannot be negative."),
            ),
            models.CheckConstraint(
                condition=Q(sales_start__isnull=True)
                | Q(sales_end__isnull=True)
                | Q(sales_end__gt=models.F("sales_start")),
                name="ticket_sales_window_in_order",
                violation_error_code="sales_window",
                violation_error_message=_("Sales must end after they start."),
            ),
            models.CheckConstraint(
                condition=~Q(visibility=Visibility.CODE) | ~Q(access_code=""),
                name="ticket_code_needs_a_code",
                violation_error_code="access_code_missing",
                violation_error_message=_("A ticket hidden behind a code needs the code."),
            ),
            models.CheckConstraint(
                condition=Q(modes__in=TicketModes.values), name="ticket_modes_valid"
            ),
            models.CheckConstraint(
                condition=Q(visibility__in=Visibility.values), name="ticket_visibility_valid"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_free(self) -> bool:
        return self.price == 0

    @property
    def allowed_modes(self) -> list[str]:
        return [Mode.IN_PERSON, Mode.ONLINE] if self.modes == TicketModes.EITHER else [self.modes]

    def on_sale(self, now=None) -> bool:
        now = now or timezone.now()
        return (self.sales_start is None or self.sales_start <= now) and (
            self.sales_end is None or now < self.sales_end
        )


class Quota(models.Model):
    """A number of seats: one per ticket type, one per attendance mode of the event. A seat is
    taken only when every quota it counts against has room. `size` empty means no limit."""

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="quotas")
    ticket = models.OneToOneField(
        TicketType, on_delete=models.CASCADE, null=True, blank=True, related_name="quota"
    )
    mode = models.CharField(_("attendance mode"), max_length=20, choices=Mode.choices, blank=True)
    size = models.PositiveIntegerField(
        _("seats"), null=True, blank=True, help_text=_("Leave empty for no limit.")
    )

    class Meta:
        verbose_name = _("quota")
        verbose_name_plural = _("quotas")
        constraints = [
            models.CheckConstraint(
                condition=(Q(ticket__isnull=False) & Q(mode=""))
                | (Q(ticket__isnull=True) & ~Q(mode="")),
                name="quota_for_a_ticket_or_a_mode",
            ),
            models.UniqueConstraint(
                fields=["event", "mode"],
                condition=Q(ticket__isnull=True),
                name="quota_one_per_mode",
            ),
        ]

    def __str__(self) -> str:
        return str(self.ticket) if self.ticket_id else self.get_mode_display()


def new_reference() -> str:
    """A short reference people can read out on the phone: 8 characters, no 0/O or 1/I."""
    alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
    return "".join(secrets.choice(alphabet) for _ in range(8))


class Registration(models.Model):
    State = State
    Mode = Mode

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="registrations")
    ticket = models.ForeignKey(TicketType, on_delete=models.PROTECT, related_name="registrations")
    reference = models.CharField(_("reference"), max_length=12, unique=True, default=new_reference)
    badge_secret = models.CharField(
        _("badge code"),
        max_length=64,
        unique=True,
        null=True,
        blank=True,
        help_text=_("The secret in the badge's QR code; set when confirmed, cleared when revoked."),
    )
    state = models.CharField(_("state"), max_length=30, choices=State.choices)
    mode = models.CharField(_("attendance mode"), max_length=20, choices=Mode.choices)
    name = models.CharField(_("name"), max_length=200)
    email = models.EmailField(_("email"))
    organization = models.ForeignKey(
        Organization,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="registrations",
        verbose_name=_("organisation"),
    )
    country = CountryField(_("country"))
    position = models.CharField(_("position"), max_length=200, blank=True)
    accessibility_needs = models.TextField(
        _("accessibility needs"), max_length=2000, blank=True, validators=[MaxLengthValidator(2000)]
    )
    dietary_needs = models.TextField(
        _("dietary needs"), max_length=2000, blank=True, validators=[MaxLengthValidator(2000)]
    )
    answers = models.JSONField(_("answers"), default=dict, blank=True)
    language = models.CharField(
        _("language"),
        max_length=15,
        blank=True,
        help_text=_("The language the attendee registered in; their mail is written in it."),
    )
    consent_at = models.DateTimeField(_("consented at"))
    consent_version = models.CharField(_("privacy notice version"), max_length=64)
    hold_expires_at = models.DateTimeField(_("seat held until"), null=True, blank=True)
    offer_expires_at = models.DateTimeField(_("offer valid until"), null=True, blank=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="registrations",
    )
    created_at = models.DateTimeField(_("registered at"), default=timezone.now, db_index=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("registration")
        verbose_name_plural = _("registrations")
        ordering = ["created_at", "pk"]
        indexes = [
            models.Index(fields=["ticket", "state"], name="registration_ticket_state"),
            models.Index(fields=["event", "mode", "state"], name="registration_mode_state"),
            models.Index(fields=["event", "email"], name="registration_event_email"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(state__in=State.values), name="registration_state_valid"
            ),
            models.CheckConstraint(
                condition=Q(mode__in=Mode.values), name="registration_mode_valid"
            ),
            models.CheckConstraint(
                condition=~Q(state=State.PENDING_PAYMENT) | Q(hold_expires_at__isnull=False),
                name="registration_hold_has_a_deadline",
            ),
            models.CheckConstraint(
                condition=~Q(state=State.OFFERED) | Q(offer_expires_at__isnull=False),
                name="registration_offer_has_a_deadline",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.reference} {self.name}"

    def clean(self) -> None:
        if self.ticket_id and self.event_id and self.ticket.event_id != self.event_id:
            raise ValidationError({"ticket": _("This ticket belongs to another event.")})
        if self.ticket_id and self.mode and self.mode not in self.ticket.allowed_modes:
            raise ValidationError(
                {"mode": _("This ticket is not for %(mode)s attendance.") % {"mode": self.mode}}
            )


class Transition(models.Model):
    """Every change of a registration's state: from what, to what, who, when and why."""

    registration = models.ForeignKey(
        Registration, on_delete=models.CASCADE, related_name="transitions"
    )
    from_state = models.CharField(_("from"), max_length=30, blank=True)
    to_state = models.CharField(_("to"), max_length=30)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    reason = models.CharField(_("why"), max_length=500, blank=True)
    at = models.DateTimeField(_("when"), default=timezone.now)

    class Meta:
        verbose_name = _("state change")
        verbose_name_plural = _("state changes")
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.registration}: {self.from_state or '∅'} → {self.to_state}"


class QuestionKind(models.TextChoices):
    TEXT = "text", _("Text")
    CHOICE = "choice", _("One choice")
    MULTIPLE = "multiple", _("Several choices")
    YES_NO = "yes_no", _("Yes or no")


class Question(models.Model):
    """A question of the event's registration form, for every ticket or only some."""

    Kind = QuestionKind

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="questions")
    label = models.CharField(_("question"), max_length=300)
    help_text = models.CharField(_("help text"), max_length=300, blank=True)
    kind = models.CharField(_("kind"), max_length=20, choices=QuestionKind.choices)
    choices = models.JSONField(
        _("choices"), default=list, blank=True, help_text=_('For choice questions: ["A", "B"].')
    )
    required = models.BooleanField(_("required"), default=False)
    tickets = models.ManyToManyField(
        TicketType,
        blank=True,
        related_name="questions",
        verbose_name=_("only for these tickets"),
        help_text=_("Leave empty to ask everyone."),
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("question")
        verbose_name_plural = _("questions")
        ordering = ["order", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=QuestionKind.values), name="question_kind_valid"
            ),
        ]

    def __str__(self) -> str:
        return self.label

    def clean(self) -> None:
        needs_choices = self.kind in (QuestionKind.CHOICE, QuestionKind.MULTIPLE)
        valid = isinstance(self.choices, list) and all(
            isinstance(c, str) and c.strip() for c in self.choices
        )
        if needs_choices and (not valid or len(self.choices) < 2):
            raise ValidationError({"choices": _("Give at least two choices, as a list of text.")})


class RegistrationSettings(models.Model):
    """How an event registers people: whether it is open, and the privacy notice they accept.
    The notice's version is a digest of its text, so a changed notice is a new version."""

    event = models.OneToOneField(
        Event, on_delete=models.CASCADE, primary_key=True, related_name="registration_settings"
    )
    is_open = models.BooleanField(_("registration is open"), default=True)
    privacy_notice = models.TextField(_("privacy notice"), max_length=20000, blank=True)
    offer_hours = models.PositiveSmallIntegerField(
        _("hours to accept a waiting-list offer"),
        default=48,
        validators=[MinValueValidator(1)],
        help_text=_("After this the seat is offered to the next person on the list."),
    )

    class Meta:
        verbose_name = _("registration settings")
        verbose_name_plural = _("registration settings")

    def __str__(self) -> str:
        return str(self.event)

    @property
    def notice_version(self) -> str:
        return hashlib.sha256(self.privacy_notice.encode()).hexdigest()[:16]


class PaymentStatus(models.TextChoices):
    OPEN = "open", _("Checkout open")
    PAID = "paid", _("Paid")
    FAILED = "failed", _("Failed")
    EXPIRED = "expired", _("Expired")
    REFUNDED = "refunded", _("Refunded")


class Payment(models.Model):
    """One Stripe Checkout Session for a registration, and what became of it."""

    Status = PaymentStatus

    registration = models.ForeignKey(
        Registration, on_delete=models.PROTECT, related_name="payments"
    )
    checkout_session_id = models.CharField(
        _("Stripe Checkout Session"), max_length=255, unique=True
    )
    payment_intent_id = models.CharField(_("Stripe PaymentIntent"), max_length=255, blank=True)
    amount = models.DecimalField(_("amount"), max_digits=10, decimal_places=2)
    currency = models.CharField(_("currency"), max_length=3, validators=[currency_validator])
    status = models.CharField(
        _("status"), max_length=20, choices=PaymentStatus.choices, default=PaymentStatus.OPEN
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    paid_at = models.DateTimeField(_("paid at"), null=True, blank=True)
    refunded_at = models.DateTimeField(_("refunded at"), null=True, blank=True)
    refund_id = models.CharField(_("Stripe refund"), max_length=255, blank=True)

    class Meta:
        verbose_name = _("payment")
        verbose_name_plural = _("payments")
        ordering = ["created_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=PaymentStatus.values), name="payment_status_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.registration.reference} {self.amount} {self.currency} {self.status}"


class StripeEvent(models.Model):
    """Every Stripe webhook event, recorded once by its id: a replay is answered and ignored."""

    event_id = models.CharField(_("Stripe event"), max_length=255, unique=True)
    type = models.CharField(_("type"), max_length=100)
    received_at = models.DateTimeField(_("received at"), default=timezone.now)

    class Meta:
        verbose_name = _("Stripe event")
        verbose_name_plural = _("Stripe events")

    def __str__(self) -> str:
        return f"{self.event_id} {self.type}"


def new_badge_secret() -> str:
    """192 random bits, URL-safe: unguessable, not derived from anything, short enough for a
    small QR code that scans fast from a phone screen."""
    return secrets.token_urlsafe(24)


class RevokedBadge(models.Model):
    """A badge secret that no longer admits anyone (cancelled, refunded or reissued), kept so
    that the desk can say "revoked" rather than "unknown"."""

    secret = models.CharField(_("badge code"), max_length=64, unique=True)
    registration = models.ForeignKey(
        Registration, on_delete=models.CASCADE, related_name="revoked_badges"
    )
    revoked_at = models.DateTimeField(_("revoked at"), default=timezone.now)
    reason = models.CharField(_("why"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("revoked badge")
        verbose_name_plural = _("revoked badges")

    def __str__(self) -> str:
        return f"{self.registration.reference} (revoked)"


class PrintRunStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Being prepared")
    DONE = "done", _("Ready")
    FAILED = "failed", _("Failed")


class PrintLayout(models.TextChoices):
    A6 = "a6", _("A6, one badge per page")
    A4 = "a4_4up", _("A4, four badges per sheet with cut marks")


class BadgePrintRun(models.Model):
    """One PDF of in-person badges an organiser asked for, rendered by a background task
    (registrations.badge_runs). `filters` holds what was chosen: {"tickets": [ids],
    "country": "KE", "only_new": true}."""

    Status = PrintRunStatus
    Layout = PrintLayout

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="badge_print_runs")
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    filters = models.JSONField(_("filters"), default=dict, blank=True)
    layout = models.CharField(_("layout"), max_length=10, choices=PrintLayout.choices)
    status = models.CharField(
        _("status"), max_length=10, choices=PrintRunStatus.choices, default=PrintRunStatus.QUEUED
    )
    done = models.PositiveIntegerField(_("badges rendered"), default=0)
    total = models.PositiveIntegerField(_("badges in the run"), null=True, blank=True)
    file = models.CharField(_("file"), max_length=300, blank=True)
    error = models.TextField(_("error"), blank=True)
    created_at = models.DateTimeField(_("requested at"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    class Meta:
        verbose_name = _("badge print run")
        verbose_name_plural = _("badge print runs")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=PrintRunStatus.values), name="print_run_status_valid"
            ),
            models.CheckConstraint(
                condition=Q(layout__in=PrintLayout.values), name="print_run_layout_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.event} badges #{self.pk} ({self.status})"


class BadgePrint(models.Model):
    """A badge code that went into a finished print run: "only new since the last run" leaves
    out the registrations whose current code has one (a reissued code has not)."""

    run = models.ForeignKey(BadgePrintRun, on_delete=models.CASCADE, related_name="prints")
    registration = models.ForeignKey(
        Registration, on_delete=models.CASCADE, related_name="badge_prints"
    )
    secret = models.CharField(_("badge code"), max_length=64)

    class Meta:
        verbose_name = _("printed badge")
        verbose_name_plural = _("printed badges")
        indexes = [models.Index(fields=["registration", "secret"], name="badge_print_reg_secret")]

    def __str__(self) -> str:
        return f"{self.registration.reference} in run {self.run_id}"


class ScanType(models.TextChoices):
    ENTRY = "entry", _("Entry")
    EXIT = "exit", _("Exit")


class ScanResult(models.TextChoices):
    OK = "ok", _("Admitted")
    ALREADY_CHECKED_IN = "already_checked_in", _("Already checked in")
    NOT_CHECKED_IN = "not_checked_in", _("Not checked in, so cannot leave")
    UNKNOWN = "unknown", _("Unknown code")
    REVOKED = "revoked", _("Revoked badge")
    NOT_CONFIRMED = "not_confirmed", _("Registration not confirmed")
    WRONG_EVENT = "wrong_event", _("Badge of another event")
    NOT_OPEN = "not_open", _("Check-in not open yet")
    NOT_IN_PERSON = "not_in_person", _("Registered to attend online")
    ROOM_FULL = "room_full", _("Room full")


class CheckIn(models.Model):
    """One scan at a desk and its answer. A scan's (device, nonce) is unique per event, so a
    device that sends the same scan twice (a retry on a poor network) gets the first answer."""

    Type = ScanType
    Result = ScanResult

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="checkins")
    registration = models.ForeignKey(
        Registration, on_delete=models.CASCADE, null=True, blank=True, related_name="checkins"
    )
    type = models.CharField(_("type"), max_length=10, choices=ScanType.choices)
    result = models.CharField(_("answer"), max_length=30, choices=ScanResult.choices)
    device = models.CharField(_("device"), max_length=100)
    gate = models.CharField(_("entrance"), max_length=100, blank=True)
    nonce = models.CharField(_("nonce"), max_length=100, blank=True)
    scanned_at = models.DateTimeField(_("scanned at"))
    received_at = models.DateTimeField(_("received at"), default=timezone.now)
    # The order in which scans count: the server's clock for a scan answered live, the device's
    # own (never later than its arrival) for one uploaded from an offline queue. First wins.
    effective_at = models.DateTimeField(_("counts from"), default=timezone.now)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # A scan at a session room's door counts attendance for that session; none = the event's
    # own entrance.
    session = models.ForeignKey(
        "agenda.Session",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="checkins",
        verbose_name=_("session"),
    )
    offline = models.BooleanField(_("scanned offline"), default=False)
    list_version = models.CharField(_("check-in list version"), max_length=32, blank=True)
    # What the person was told at the door: the server's answer live, the device's own offline.
    answered = models.CharField(
        _("answered at the door"), max_length=30, choices=ScanResult.choices, blank=True
    )
    # A device let someone in who, by the merged order of every scan, was already inside.
    flagged = models.BooleanField(_("flagged duplicate"), default=False)
    duplicate_of = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="duplicates",
        verbose_name=_("duplicate of"),
    )

    class Meta:
        verbose_name = _("check-in")
        verbose_name_plural = _("check-ins")
        ordering = ["scanned_at", "pk"]
        indexes = [
            models.Index(
                fields=["registration", "result", "scanned_at"], name="checkin_reg_result"
            ),
            models.Index(fields=["event", "flagged"], name="checkin_event_flagged"),
            models.Index(fields=["session", "result"], name="checkin_session_result"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["event", "device", "nonce"],
                condition=~Q(nonce=""),
                name="checkin_nonce_once_per_device",
            ),
            models.CheckConstraint(
                condition=Q(type__in=ScanType.values), name="checkin_type_valid"
            ),
            models.CheckConstraint(
                condition=Q(result__in=ScanResult.values), name="checkin_result_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.device} {self.type} {self.result}"
