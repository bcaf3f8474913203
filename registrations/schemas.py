"""The registrations API's shapes (check-in's are in registrations.checkin.schemas)."""

from datetime import datetime
from decimal import Decimal
from typing import Any, Literal

from django.utils.translation import gettext as _
from ninja import Field, Schema
from pydantic import field_validator

from confman.core.content import content_translations
from confman.core.language import site_languages
from confman.core.schemas import TRANSLATIONS, InSchema, check_country, check_email
from events.schemas import PersonModeName
from registrations.models import Question

StateName = Literal[
    "awaiting_approval",
    "pending_payment",
    "confirmed",
    "waitlisted",
    "offered",
    "cancelled",
    "refunded",
]


class TicketAvailabilityOut(Schema):
    ticket_id: int
    name: str = Field(description="In the request's language, else the event's first")
    name_translations: dict[str, str] = Field(description=TRANSLATIONS)
    description: str
    description_translations: dict[str, str]
    mode: PersonModeName
    price: Decimal
    currency: str
    requires_approval: bool
    remaining: int | None = Field(description="Seats left; null when there is no limit")
    available: bool = Field(description="False when full: registering joins the waiting list")


class QuestionOut(Schema):
    id: int
    label: str = Field(description="In the request's language, else the event's first")
    label_translations: dict[str, str] = Field(description=TRANSLATIONS)
    help_text: str
    help_text_translations: dict[str, str]
    kind: Literal["text", "choice", "multiple", "yes_no"]
    required: bool = Field(description="For the tickets it is asked of")
    choices: list[str] = Field(
        description="For choice and multiple: each choice in the request's language, else the "
        "event's first"
    )
    choices_translations: list[dict[str, str]] = Field(
        description="Each choice's texts by language, the event's first language first. Answer "
        "with a choice's text in any of its languages (a multiple question: a list of them); "
        "the answer is kept in the first language's text"
    )
    ticket_ids: list[int] = Field(description="Asked only of these tickets; empty: of every one")

    @staticmethod
    def resolve_label_translations(obj: Question) -> dict[str, str]:
        return content_translations(obj.label, obj.event.languages)

    @staticmethod
    def resolve_help_text_translations(obj: Question) -> dict[str, str]:
        return content_translations(obj.help_text, obj.event.languages)

    @staticmethod
    def resolve_choices(obj: Question) -> list[str]:
        return [text for _value, text in obj.choice_options]

    @staticmethod
    def resolve_choices_translations(obj: Question) -> list[dict[str, str]]:
        return obj.choice_translations

    @staticmethod
    def resolve_ticket_ids(obj: Question) -> list[int]:
        return [ticket.pk for ticket in obj.tickets.all()]


class RegistrationIn(InSchema):
    ticket_id: int
    mode: PersonModeName
    name: str = Field(min_length=1, max_length=200)
    email: str = Field(max_length=254)
    organization_id: int | None = Field(None, description="From GET /api/organizations")
    organization_name: str = Field(
        "", max_length=200, description="A new organisation (in `country`), if not in the registry"
    )
    country: str = Field(description="ISO 3166-1 alpha-2 code, e.g. KE")
    position: str = Field("", max_length=200)
    accessibility_needs: str = Field("", max_length=2000)
    dietary_needs: str = Field("", max_length=2000)
    answers: dict[str, Any] = Field(
        {},
        description="Question id -> answer (see GET /api/events/{slug}/questions): a text, "
        "true or false, a choice's text in any of its languages, or a list of them",
    )
    gender: Literal["", "woman", "man", "described", "unsaid"] = Field(
        "",
        description="Only where the event asks it (otherwise a 422 says so): woman, man, "
        "described (in gender_described's words) or unsaid (prefer not to say); empty if not "
        "answered",
    )
    gender_described: str = Field("", max_length=100)
    access_code: str = Field("", max_length=60)
    consent: bool = Field(description="The attendee accepts the event's privacy notice")
    waitlist: bool = Field(True, description="Join the waiting list when full (else 409)")
    language: str = Field(
        "",
        max_length=10,
        description=(
            "The attendee's language for their mail and pages (en, zh-hans, ru, fr, es, ar); "
            "by default the request's (Accept-Language)"
        ),
    )

    _country = field_validator("country")(check_country)
    _email = field_validator("email")(check_email)

    @field_validator("email")
    @classmethod
    def _email_required(cls, value: str) -> str:
        if not value:
            raise ValueError(_("give an email address"))
        return value

    @field_validator("consent")
    @classmethod
    def _consented(cls, value: bool) -> bool:
        if not value:
            raise ValueError(_("the attendee must accept the privacy notice (consent: true)"))
        return value

    @field_validator("language")
    @classmethod
    def _language_offered(cls, value: str) -> str:
        codes = site_languages()
        if value and value not in codes:
            raise ValueError(
                _("unknown language %(code)s; use one of %(codes)s")
                % {"code": value, "codes": ", ".join(codes)}
            )
        return value


class OrganizationRef(Schema):
    id: int
    name: str


class RegistrationOut(Schema):
    reference: str
    state: StateName
    ticket_id: int
    mode: PersonModeName
    name: str
    language: str = Field(description="The attendee's language for their mail and pages")
    hold_expires_at: datetime | None
    offer_expires_at: datetime | None
    created_at: datetime


class RegistrationAdminOut(RegistrationOut):
    id: int
    email: str
    organization: OrganizationRef | None
    country: str
    position: str
    accessibility_needs: str
    dietary_needs: str
    answers: dict[str, Any]
    consent_at: datetime
    consent_version: str

    @staticmethod
    def resolve_country(obj) -> str:
        return obj.country.code


class ReasonIn(InSchema):
    reason: str = Field("", max_length=500)


class StatsOut(Schema):
    participants: int = Field(description="Confirmed registrations")
    countries: int
    organizations: int
    by_state: dict[str, int]
    by_mode: dict[str, int]
    by_ticket: list[tuple[str, int]]
    by_country: list[tuple[str, int]] = Field(description="The ten most represented")
    by_organization: list[tuple[str, int]] = Field(description="The ten most represented")
