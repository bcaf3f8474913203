"""A registration, the states it goes through, and the history of those states."""

import secrets

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from django_countries.fields import CountryField

from confman.core.text import without_marks
from events.models import PERSON_MODE_CHOICES, PERSON_MODES, AttendanceMode, Event, Organization
from events.timezones import validate_time_zone
from registrations.models.tickets import TicketType


class State(models.TextChoices):
    AWAITING_APPROVAL = "awaiting_approval", _("Awaiting approval")
    PENDING_PAYMENT = "pending_payment", _("Awaiting payment")
    CONFIRMED = "confirmed", pgettext_lazy("registration state", "Confirmed")
    WAITLISTED = "waitlisted", _("On the waiting list")
    OFFERED = "offered", _("Offered a seat")
    CANCELLED = "cancelled", pgettext_lazy("registration state", "Cancelled")
    REFUNDED = "refunded", pgettext_lazy("registration state", "Refunded")


class Gender(models.TextChoices):
    """The optional, self-described question (RegistrationSettings.asks_gender). Empty: not
    asked, or not answered."""

    WOMAN = "woman", _("Woman")
    MAN = "man", _("Man")
    DESCRIBED = "described", _("In another way")
    UNSAID = "unsaid", _("Prefer not to say")


def holding(now=None) -> Q:
    """Registrations that hold a seat now: confirmed ones, and payment holds and waiting-list
    offers until their deadline."""
    now = now or timezone.now()
    return (
        Q(state=State.CONFIRMED)
        | Q(state=State.PENDING_PAYMENT, hold_expires_at__gt=now)
        | Q(state=State.OFFERED, offer_expires_at__gt=now)
    )


def active(now=None) -> Q:
    """Registrations that still stand: a seat held (see `holding`), or waiting for one or for
    the organisers. A person has at most one of these per event (registration_create)."""
    return holding(now) | Q(state__in=[State.AWAITING_APPROVAL, State.WAITLISTED])


def with_address(queryset, email: str):
    """The rows of `queryset` (registrations, user accounts: an `email` field) with this
    address in any case, compared as lower(email): what the registrations' (event,
    lower(email)) index serves."""
    return queryset.alias(email_key=Lower("email")).filter(
        email_key=Lower(models.Value(email.strip()))
    )


# Letters that carry no separable accent, folded as people type them without it, and the two
# that casefold() would fold but lower() and JavaScript's toLowerCase() keep (ß, final ς). The
# desk's offline search (registrations/static/registrations/desk.js) gets this table from the
# page, so that both fold alike.
SEARCH_FOLDS = {
    "ß": "ss",
    "ø": "o",
    "ł": "l",
    "đ": "d",
    "ð": "d",
    "ħ": "h",
    "ı": "i",
    "ŧ": "t",
    "þ": "th",
    "æ": "ae",
    "œ": "oe",
    "ς": "σ",
}
_FOLDED = str.maketrans(SEARCH_FOLDS)


def search_fold(text: str) -> str:
    """Text as searches compare it: compatibility-decomposed (NFKD), without its marks
    (accents), lower case, with SEARCH_FOLDS applied. "Amélie" and "AMELIE" fold alike, as do
    "Jovanović" and "jovanovic". desk.js folds in the same steps, so a desk offline finds whom
    the server finds."""
    return without_marks(text).lower().translate(_FOLDED)


def search_words(query: str) -> list[str]:
    """The folded words of a search: each must be found (in any order)."""
    return search_fold(query).split()


# What a registration is found by, beside its organisation (matched when searching: its name
# can change, and merges move registrations between organisations without saving them).
SEARCHED_FIELDS = ("name", "email", "reference")


def new_reference() -> str:
    """A short reference people can read out on the phone: 8 characters, no 0/O or 1/I."""
    alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
    return "".join(secrets.choice(alphabet) for _ in range(8))


class Registration(models.Model):
    State = State

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
    mode = models.CharField(_("attendance mode"), max_length=20, choices=PERSON_MODE_CHOICES)
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
    gender = models.CharField(_("gender"), max_length=12, choices=Gender.choices, blank=True)
    gender_described = models.CharField(_("gender, in their words"), max_length=100, blank=True)
    language = models.CharField(
        _("language"),
        max_length=15,
        blank=True,
        help_text=_("The language the attendee registered in; their mail is written in it."),
    )
    # Where the participant follows from, when they said: their mail gives times in it too.
    time_zone = models.CharField(
        _("time zone"), max_length=60, blank=True, validators=[validate_time_zone]
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
    # Set when the person's data was removed after the event (services.personal_data): the row
    # stays, for the counts and check-in figures, without anything that names them.
    anonymised_at = models.DateTimeField(_("anonymised at"), null=True, blank=True)
    # SEARCHED_FIELDS folded (search_fold), kept by save(): searches compare this, so that they
    # ignore accents and case alike on PostgreSQL and SQLite (selectors.registrations_matching).
    search_text = models.TextField(editable=False, blank=True, default="")

    class Meta:
        verbose_name = _("registration")
        verbose_name_plural = _("registrations")
        ordering = ["created_at", "pk"]
        indexes = [
            models.Index(fields=["ticket", "state"], name="registration_ticket_state"),
            models.Index(fields=["event", "mode", "state"], name="registration_mode_state"),
            # One registration per address and event is looked up by this, in any case.
            models.Index("event", Lower("email"), name="registration_event_email_key"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(state__in=State.values), name="registration_state_valid"
            ),
            models.CheckConstraint(
                condition=Q(mode__in=[mode.value for mode in PERSON_MODES]),
                name="registration_mode_valid",
            ),
            models.CheckConstraint(
                condition=~Q(state=State.PENDING_PAYMENT) | Q(hold_expires_at__isnull=False),
                name="registration_hold_has_a_deadline",
            ),
            models.CheckConstraint(
                condition=~Q(state=State.OFFERED) | Q(offer_expires_at__isnull=False),
                name="registration_offer_has_a_deadline",
            ),
            models.CheckConstraint(
                condition=Q(gender="") | Q(gender__in=Gender.values),
                name="registration_gender_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.reference} {self.name}"

    def save(self, **kwargs) -> None:
        """Saved with its search text current, also when only some fields are saved."""
        update_fields = kwargs.get("update_fields")
        if not self.get_deferred_fields().intersection(SEARCHED_FIELDS) and (
            update_fields is None or set(update_fields).intersection(SEARCHED_FIELDS)
        ):
            self.search_text = search_text_of(self.name, self.email, self.reference)
            if update_fields is not None:
                kwargs["update_fields"] = {*update_fields, "search_text"}
        super().save(**kwargs)

    @property
    def checks_in_at_door(self) -> bool:
        """Whether a door lets this person in: confirmed, and attending in person."""
        return self.state == State.CONFIRMED and self.mode == AttendanceMode.IN_PERSON

    def clean(self) -> None:
        if self.ticket_id and self.event_id and self.ticket.event_id != self.event_id:
            raise ValidationError({"ticket": _("This ticket belongs to another event.")})
        if self.ticket_id and self.mode and self.mode not in self.ticket.allowed_modes:
            raise ValidationError(
                {
                    "mode": _("This ticket is not for attendance “%(mode)s”.")
                    % {"mode": AttendanceMode(self.mode).label}
                }
            )


def search_text_of(name: str, email: str, reference: str) -> str:
    """A registration's search text: its SEARCHED_FIELDS folded, one space between them (no
    searched word has a space, so none matches across two fields)."""
    return " ".join(search_fold(value) for value in (name, email, reference) if value)


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
