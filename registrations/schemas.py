"""The registrations API's shapes (check-in's are in registrations.checkin.schemas)."""

from datetime import datetime
from decimal import Decimal
from typing import Any, Literal

from django.utils.translation import gettext as _
from ninja import Field, Schema
from pydantic import field_validator

from confman.core.language import site_languages
from confman.core.schemas import InSchema, check_country, check_email
from events.schemas import PersonModeName

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
    name: str
    description: str
    mode: PersonModeName
    price: Decimal
    currency: str
    requires_approval: bool
    remaining: int | None = Field(description="Seats left; null when there is no limit")
    available: bool = Field(description="False when full: registering joins the waiting list")


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
    answers: dict[str, Any] = Field({}, description="Question id -> answer")
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
