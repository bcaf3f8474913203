"""The check-in API's shapes: a scan and its answer, the desk's offline list and upload, and
the check-in statistics."""

from datetime import date, datetime
from typing import Any, Literal

from django.utils.translation import gettext as _
from ninja import Field, Schema
from pydantic import model_validator

from confman.core.schemas import InSchema, Moment
from events.schemas import PersonModeName
from registrations.schemas import StateName


class CheckInIn(InSchema):
    secret: str = Field(min_length=1, max_length=64, description="The badge's QR code content")
    device: str = Field(min_length=1, max_length=100, description="Which scanner sent this")
    gate: str = Field("", max_length=100, description="The entrance, e.g. Main hall")
    type: Literal["entry", "exit"] = "entry"
    scanned_at: Moment | None = Field(
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
    scanned_at: Moment = Field(description="The device's time of the scan")
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
    mode: PersonModeName
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
    email: str = Field(description="For finding the person by it, as the server's search does")
    organization: str
    organization_acronym: str
    ticket: str
    mode: PersonModeName
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


class TicketFiguresOut(Schema):
    ticket_id: int
    name: str
    expected: int = Field(description="Confirmed registrations in person")
    checked_in: int = Field(description="People admitted at the event's entrance at least once")
    inside: int


class ModeFiguresOut(Schema):
    mode: str = Field(description="in_person or online")
    label: str
    expected: int = Field(description="Confirmed registrations in this mode")
    checked_in: int | None = Field(description="null for online: no door check-in")
    door_check_in: bool


class EntranceFiguresOut(Schema):
    gate: str = Field(description='The entrance as the desks name it; "" when none was named')
    label: str
    people: int = Field(description="People whose first admitted entry was here")


class HourFiguresOut(Schema):
    start: datetime = Field(description="The hour's start, in UTC")
    day: date = Field(description="The day in the event's time zone")
    day_label: str
    label: str = Field(description='The hour on the event\'s clock, e.g. "09:00"')
    utc_offset: str = Field(description="The event's offset then, e.g. UTC+08:00")
    entries: int = Field(description="Admitted entries at the event's entrance")


class DuplicateOut(Schema):
    checkin_id: int
    name: str
    reference: str
    device: str
    gate: str
    at: datetime
    at_label: str = Field(description="In the event's time zone, with the offset")
    first_device: str = Field(description="The device of the admitted scan that got in first")
    first_gate: str
    first_at: datetime | None
    first_at_label: str


class RefusalOut(Schema):
    reason: str = Field(description="What the person was told, e.g. already_checked_in")
    label: str
    scans: int


class SessionDoorOut(Schema):
    session_id: int
    title: str
    room: str
    start: datetime | None
    start_label: str
    capacity: int | None = Field(description="The room's seats; null: no limit")
    attended: int = Field(description="People admitted at the room's door")
    inside: int
    full: bool
    turned_away: int = Field(description="Scans answered room_full")


class CheckInStatisticsOut(Schema):
    time_zone: str
    utc_offset: str = Field(description="The event's offset from UTC now")
    expected: int = Field(description="Confirmed registrations in person")
    checked_in: int = Field(description="People admitted at the event's entrance at least once")
    inside: int = Field(description="People inside now: admitted entries minus exits")
    online: int = Field(description="Confirmed registrations online (no door check-in)")
    flagged: int = Field(description="Flagged duplicates: admitted offline while already inside")
    by_ticket: list[TicketFiguresOut]
    by_mode: list[ModeFiguresOut]
    by_entrance: list[EntranceFiguresOut]
    by_hour: list[HourFiguresOut]
    duplicates: list[DuplicateOut] = Field(description="The latest 20 flagged duplicates")
    refusals: list[RefusalOut]
    sessions: list[SessionDoorOut] = Field(description="Session rooms with door scans")
