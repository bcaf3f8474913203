"""The registrations API's shapes."""

from datetime import datetime
from decimal import Decimal
from typing import Any, Literal

from django.utils.translation import gettext as _
from ninja import Field, Schema
from pydantic import AwareDatetime, field_validator, model_validator

from events.schemas import InSchema, _check_country, _check_email

ModeName = Literal["in_person", "online"]
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
    mode: ModeName
    price: Decimal
    currency: str
    requires_approval: bool
    remaining: int | None = Field(description="Seats left; null when there is no limit")
    available: bool = Field(description="False when full: registering joins the waiting list")


class RegistrationIn(InSchema):
    ticket_id: int
    mode: ModeName
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

    _country = field_validator("country")(_check_country)
    _email = field_validator("email")(_check_email)

    @field_validator("email")
    @classmethod
    def _email_required(cls, value: str) -> str:
        if not value:
            raise ValueError("give an email address")
        return value

    @field_validator("consent")
    @classmethod
    def _consented(cls, value: bool) -> bool:
        if not value:
            raise ValueError("the attendee must accept the privacy notice (consent: true)")
        return value


class OrganizationRef(Schema):
    id: int
    name: str


class RegistrationOut(Schema):
    reference: str
    state: StateName
    ticket_id: int
    mode: ModeName
    name: str
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


class CheckInIn(InSchema):
    secret: str = Field(min_length=1, max_length=64, description="The badge's QR code content")
    device: str = Field(min_length=1, max_length=100, description="Which scanner sent this")
    gate: str = Field("", max_length=100, description="The entrance, e.g. Main hall")
    type: Literal["entry", "exit"] = "entry"
    scanned_at: AwareDatetime | None = Field(
        None, description="When it was scanned (offline devices send their own time)"
    )
    nonce: str = Field(
        "", max_length=100, description="Unique per scan and device: a retry is answered again"
    )
    session: int | None = Field(
        None, description="A session's id when scanning at its room's door; none for the entrance"
    )


DeviceAnswer = Literal[
    "ok",
    "already_checked_in",
    "not_checked_in",
    "unknown",
    "revoked",
    "not_confirmed",
    "wrong_event",
    "not_open",
    "not_in_person",
]


class OfflineScanIn(InSchema):
    secret: str = Field("", max_length=64, description="The badge's QR code content")
    reference: str = Field(
        "",
        max_length=20,
        description="Instead of `secret`, for a person found by name on the desk's list "
        "(no badge at hand): the registration's reference from that list",
    )
    type: Literal["entry", "exit"] = "entry"
    gate: str = Field("", max_length=100)
    scanned_at: AwareDatetime = Field(description="The device's time of the scan")
    nonce: str = Field(min_length=1, max_length=100, description="Unique per scan and device")
    session: int | None = None
    answered: DeviceAnswer = Field(description="What the device told the person, on its own")

    @model_validator(mode="after")
    def _one_way_to_name_the_person(self):
        if bool(self.secret) == bool(self.reference):
            raise ValueError(
                _(
                    "Send the badge code as `secret` or, for a person found by name on the "
                    "list, their registration's `reference`: one of the two, not both."
                )
            )
        return self


class CheckInSyncIn(InSchema):
    device: str = Field(min_length=1, max_length=100)
    list_version: str = Field("", max_length=32, description="The check-in list the device used")
    list_signature: str = Field("", max_length=100, description="That list's signature")
    scans: list[OfflineScanIn] = Field(max_length=500, description="At most 500 per upload")


class CheckInPersonOut(Schema):
    reference: str
    name: str
    organization: str
    country: str
    ticket: str
    mode: ModeName
    accessibility_needs: str
    dietary_needs: str


class CheckInOut(Schema):
    status: Literal["ok", "error"]
    reason: str | None = Field(
        description="already_checked_in, not_checked_in, unknown, revoked, not_confirmed, "
        "wrong_event, not_open or not_in_person; null when ok"
    )
    message: str
    scanned_at: datetime
    previous_checkin_at: datetime | None = Field(description="For already_checked_in: when")
    previous_gate: str | None
    person: CheckInPersonOut | None


class SyncedScanOut(Schema):
    nonce: str
    status: Literal["ok", "error"]
    reason: str | None = Field(
        description="As for a live scan, or validation_error or not_found (not recorded: see "
        "message); null when ok"
    )
    message: str
    flagged: bool = Field(description="The device let the person through, but should not have")
    previous_checkin_at: datetime | None
    person: CheckInPersonOut | None


class CheckInSyncOut(Schema):
    list_version_recorded: bool = Field(description="False when the list's signature is wrong")
    results: list[SyncedScanOut]


class CheckInListEntryOut(Schema):
    hash: str = Field(description="SHA-256 of the badge code, hex, first 32 characters")
    reference: str
    name: str
    organization: str
    ticket: str
    mode: ModeName
    state: StateName
    accessibility_needs: str
    inside: bool
    inside_since: datetime | None = Field(description="When the entry that counts was scanned")


class CheckInListOut(Schema):
    event: str
    version: str = Field(description="Changes whenever anything in the list does")
    signature: str
    generated_at: datetime
    opens_at: datetime
    entries: list[CheckInListEntryOut]
    revoked: list[dict[str, str]]
    sessions: list[dict[str, Any]]
