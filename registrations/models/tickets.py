"""What an event offers: ticket types, the quotas that bound their seats (one per ticket, one
per attendance mode), the registration form's questions, and the event's registration
settings."""

import hashlib
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator, RegexValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from confman.core.content import (
    ContentCharField,
    ContentText,
    ContentTextField,
    content_data,
    content_languages_of,
    content_locales,
    content_ordered,
    content_translations,
)
from events.models import PERSON_MODE_CHOICES, PERSON_MODES, AttendanceMode, Event

currency_validator = RegexValidator(
    r"^[A-Z]{3}$", _("Give the currency as an ISO 4217 code, e.g. EUR, USD, CNY."), "currency"
)


class TicketModes(models.TextChoices):
    """Which attendance a ticket allows: one mode, or either (the attendee chooses)."""

    IN_PERSON = AttendanceMode.IN_PERSON.value, AttendanceMode.IN_PERSON.label
    ONLINE = AttendanceMode.ONLINE.value, AttendanceMode.ONLINE.label
    EITHER = "either", _("In person or online (the attendee chooses)")


class Visibility(models.TextChoices):
    PUBLIC = "public", _("Public")
    CODE = "code", _("Hidden behind an access code")
    INVITATION = "invitation", _("Invitation only")


class BadgeRole(models.TextChoices):
    """What a ticket may print as the role on its badges; empty derives it (see
    registrations.badges.badge_roles)."""

    ATTENDEE = "attendee", _("Attendee")
    PRESS = "press", _("Press")
    STAFF = "staff", _("Staff")


class TicketType(models.Model):
    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="ticket_types")
    name = ContentCharField(_("name"), max_length=120)
    description = ContentTextField(_("description"), max_length=2000, blank=True)
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
        return list(PERSON_MODES) if self.modes == TicketModes.EITHER else [self.modes]

    def on_sale(self, now=None) -> bool:
        now = now or timezone.now()
        return (self.sales_start is None or self.sales_start <= now) and (
            self.sales_end is None or now < self.sales_end
        )

    def opened_by(self, code: str) -> bool:
        """Whether `code` is this hidden ticket's access code, as people type one from an
        invitation: in any case, spaces around it left out ("apac-2026 " opens APAC-2026)."""
        typed = code.strip().casefold()
        return (
            self.visibility == Visibility.CODE
            and bool(typed)
            and typed == self.access_code.strip().casefold()
        )


class Quota(models.Model):
    """A number of seats: one per ticket type, one per attendance mode of the event. A seat is
    taken only when every quota it counts against has room. `size` empty means no limit."""

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="quotas")
    ticket = models.OneToOneField(
        TicketType, on_delete=models.CASCADE, null=True, blank=True, related_name="quota"
    )
    mode = models.CharField(
        _("attendance mode"), max_length=20, choices=PERSON_MODE_CHOICES, blank=True
    )
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


class QuestionKind(models.TextChoices):
    TEXT = "text", _("Text")
    CHOICE = "choice", _("One choice")
    MULTIPLE = "multiple", _("Several choices")
    YES_NO = "yes_no", _("Yes or no")


class Question(models.Model):
    """A question of the event's registration form, for every ticket or only some."""

    Kind = QuestionKind

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="questions")
    label = ContentCharField(_("question"), max_length=300)
    help_text = ContentCharField(_("help text"), max_length=300, blank=True)
    kind = models.CharField(_("kind"), max_length=20, choices=QuestionKind.choices)
    choices = models.JSONField(
        _("choices"),
        default=list,
        blank=True,
        help_text=_(
            "For choice questions, a list of the choices: each a text, or its texts by language, "
            'e.g. ["Yes", {"en": "Vegetarian", "zh-hans": "素食"}]. An answer is kept in the '
            "event's first language, whatever the language of the person answering."
        ),
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

    @property
    def has_choices(self) -> bool:
        return self.kind in (QuestionKind.CHOICE, QuestionKind.MULTIPLE)

    def clean(self) -> None:
        if self.has_choices:
            problem = self._choices_problem()
            if problem is not None:
                raise ValidationError({"choices": problem})

    def _choices_problem(self) -> ValidationError | None:
        if not isinstance(self.choices, list) or len(self.choices) < 2:
            return ValidationError(
                _('Give at least two choices, as a list such as ["Yes", "No"].'), code="choices"
            )
        languages = content_locales(self.event.languages if self.event_id else None)
        for number, choice in enumerate(self.choices, start=1):
            if isinstance(choice, Mapping):
                unknown = [code for code, text in choice.items() if text and code not in languages]
                if unknown:
                    return ValidationError(
                        _(
                            "Choice %(number)s is given in %(codes)s, which the event does not "
                            "work in; give its texts in %(languages)s."
                        ),
                        code="choice_language",
                        params={
                            "number": number,
                            "codes": ", ".join(unknown),
                            "languages": ", ".join(languages),
                        },
                    )
                texts = list(choice.values())
                if all(isinstance(text, str) for text in texts) and any(t.strip() for t in texts):
                    continue
            elif isinstance(choice, str) and choice.strip():
                continue
            return ValidationError(
                _(
                    "Choice %(number)s is empty or not a text: give a text, or its texts by "
                    'language such as {"en": "Vegetarian", "zh-hans": "素食"}.'
                ),
                code="choice_invalid",
                params={"number": number},
            )
        values = [value for value, _data in self._choices()]
        repeated = sorted({value for value in values if values.count(value) > 1})
        if repeated:
            return ValidationError(
                _("Each choice can be given once; repeated: %(choices)s."),
                code="choice_repeated",
                params={"choices": ", ".join(f"“{value}”" for value in repeated)},
            )
        return None

    def _choices(self) -> list[tuple[str, Mapping[str, str] | str]]:
        """Each choice as its value and its texts: the value is its text in the event's first
        language (else the first given), what an answer stores whoever answers, so that the
        answers of people reading in different languages stay one and the same."""
        languages = content_languages_of(self)
        choices = []
        for choice in self.choices or []:
            data = content_ordered(content_data(choice), languages)
            value = data if isinstance(data, str) else next(iter(data.values()), "")
            choices.append((value, data))
        return choices

    @property
    def choice_options(self) -> list[tuple[str, ContentText]]:
        """Each choice as its value and its text in the active language (else the first)."""
        return [(value, ContentText(data)) for value, data in self._choices()]

    @property
    def choice_translations(self) -> list[dict[str, str]]:
        """Each choice's texts by language, the event's first language (its value) first."""
        languages = content_languages_of(self)
        return [content_translations(data, languages) for _value, data in self._choices()]

    def choice_value(self, answer: Any) -> str | None:
        """The value of the choice that `answer` names by its value or by its text in any
        language; None when it names none."""
        choices = self._choices()
        if any(answer == value for value, _data in choices):
            return answer
        for value, data in choices:
            if isinstance(data, Mapping) and answer in data.values():
                return value
        return None


class RegistrationSettings(models.Model):
    """How an event registers people: whether it is open, and the privacy notice they accept.
    The notice's version is a digest of its text, so a changed notice is a new version."""

    event = models.OneToOneField(
        Event, on_delete=models.CASCADE, primary_key=True, related_name="registration_settings"
    )
    is_open = models.BooleanField(_("registration is open"), default=True)
    privacy_notice = ContentTextField(_("privacy notice"), max_length=20000, blank=True)
    offer_hours = models.PositiveSmallIntegerField(
        _("hours to accept a waiting-list offer"),
        default=48,
        validators=[MinValueValidator(1)],
        help_text=_("After this the seat is offered to the next person on the list."),
    )
    asks_gender = models.BooleanField(
        _("ask registrants their gender"),
        default=False,
        help_text=_(
            "An optional question: woman, man, in another way (described in their words) or "
            "prefer not to say. Only shown to organisers as totals, small numbers hidden."
        ),
    )
    retention_days = models.PositiveSmallIntegerField(
        _("keep personal data for (days after the event)"),
        null=True,
        blank=True,
        help_text=_(
            "After this many days past the event's last day, registrants' names, emails, "
            "needs and answers are removed on their own; the counts and check-in figures "
            "stay. Empty: kept until an organiser removes them."
        ),
    )

    class Meta:
        verbose_name = _("registration settings")
        verbose_name_plural = _("registration settings")

    def __str__(self) -> str:
        return str(self.event)

    @property
    def notice_version(self) -> str:
        return hashlib.sha256(self.privacy_notice.encode()).hexdigest()[:16]
