"""The programme's API shapes. Exports and the live channel send these same Out schemas."""

from datetime import datetime
from typing import Annotated, Any, Literal

from django.utils.translation import gettext as _
from ninja import Field, Schema
from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    field_validator,
    model_validator,
)

from confman.core.content import content_translations
from confman.core.schemas import (
    TRANSLATIONS,
    ContentIn,
    InSchema,
    Moment,
    PatchIn,
    any_given,
    check_country,
    check_email,
    given_when,
)
from events.schemas import AttendanceModeName
from sessions.models import ANNOUNCEMENT_MAX, MAX_DELAY_MINUTES, validate_language

SessionKindName = Literal[
    "opening",
    "keynote",
    "plenary",
    "panel",
    "roundtable",
    "workshop",
    "launch",
    "closing",
    "break",
    "networking",
]
StatusName = Literal["draft", "scheduled", "live", "ended", "cancelled"]
RoleName = Literal[
    "chair", "moderator", "facilitator", "host", "speaker", "panellist", "rapporteur"
]


def _check_language(value: str | None) -> str | None:
    if value:
        from django.core.exceptions import ValidationError

        try:
            validate_language(value)
        except ValidationError as exc:
            raise ValueError(exc.messages[0]) from None
    return value


class Out(BaseModel):
    """Output read straight from model attributes by pydantic-core. Plain pydantic rather than
    ninja's Schema, whose per-field getter costs more than the database on long lists."""

    model_config = ConfigDict(from_attributes=True)


def _country_code(value: Any) -> str:
    return getattr(value, "code", value) or ""


CountryCode = Annotated[str, BeforeValidator(_country_code)]


class OrganizationRef(Out):
    id: int
    name: str
    acronym: str
    country: CountryCode


class PersonOut(Out):
    id: int
    honorific: str
    name: str
    display_name: str
    position: str
    organization: OrganizationRef | None
    country: CountryCode
    country_name: str
    bio: str


class PersonDetailOut(PersonOut):
    """A person on their own (a session's people leave out the translations)."""

    position_translations: dict[str, str] = Field(description=TRANSLATIONS)


class PersonPrivateOut(PersonDetailOut):
    """What the event's team sees of a person."""

    email: str
    user_id: int | None


class PersonIn(InSchema):
    honorific: str = Field("", max_length=40)
    name: str = Field(min_length=1, max_length=200)
    position: ContentIn(200) = ""
    organization_id: int | None = None
    country: str = Field("", description="ISO 3166-1 alpha-2 code, e.g. KE, or empty")
    bio: str = Field("", max_length=3000)
    email: str = Field("", max_length=254)

    @field_validator("country")
    @classmethod
    def _country(cls, value: str) -> str:
        return check_country(value) if value else value

    _email = field_validator("email")(check_email)


class PersonPatch(PatchIn):
    nullable = frozenset({"organization_id"})  # no organisation

    honorific: str | None = Field(None, max_length=40)
    name: str | None = Field(None, min_length=1, max_length=200)
    position: ContentIn(200) | None = None
    organization_id: int | None = None
    country: str | None = None
    bio: str | None = Field(None, max_length=3000)
    email: str | None = Field(None, max_length=254)

    @field_validator("country")
    @classmethod
    def _country(cls, value: str | None) -> str | None:
        return check_country(value) if value else value

    _email = field_validator("email")(check_email)


class SessionPersonOut(Out):
    role: RoleName
    order: int
    person: PersonOut


class RoomRef(Out):
    id: int
    name: str
    kind: Literal["physical", "virtual"]


class TrackRef(Out):
    id: int
    name: str
    colour: str


class SessionOut(Out):
    id: int
    title: str = Field(description="In the request's language, else the event's first")
    title_translations: dict[str, str] = Field(description="Every language given, first first")
    kind: SessionKindName
    abstract: str
    abstract_translations: dict[str, str]
    status: StatusName
    track: TrackRef | None
    room: RoomRef | None
    start: datetime | None = Field(description="Planned start, UTC")
    end: datetime | None = Field(description="Planned end, UTC")
    delay_minutes: int = Field(description="How late it runs, as its chair reported")
    actual_start: datetime | None = Field(description="Start counting the delay, UTC")
    actual_end: datetime | None
    language: str
    attendance: AttendanceModeName
    people: list[SessionPersonOut] = Field(validation_alias="ordered_roles")
    next_speaker_id: int | None
    updated_at: datetime
    url: str = Field(validation_alias="public_url")


class RoleIn(InSchema):
    person_id: int
    role: RoleName


class SessionIn(InSchema):
    title: ContentIn(300, required=True)
    kind: SessionKindName
    abstract: ContentIn(5000) = ""
    track_id: int | None = None
    room_id: int | None = None
    start: Moment | None = Field(None, description="ISO 8601 with its UTC offset")
    end: Moment | None = None
    language: str = Field("", max_length=15)
    attendance: AttendanceModeName = "hybrid"
    status: Literal["draft", "scheduled"] = "draft"
    people: list[RoleIn] = Field([], max_length=100)
    override: bool = Field(
        False, description="Accept overridable conflicts (people, dates, room kind); recorded"
    )

    _language = field_validator("language")(_check_language)


class SessionPatch(PatchIn):
    nullable = frozenset({"track_id", "room_id", "start", "end"})  # no track, room or time

    title: ContentIn(300, required=True) | None = None
    kind: SessionKindName | None = None
    abstract: ContentIn(5000) | None = None
    track_id: int | None = None
    room_id: int | None = None
    start: Moment | None = None
    end: Moment | None = None
    language: str | None = Field(None, max_length=15)
    attendance: AttendanceModeName | None = None
    override: bool = False

    _language = field_validator("language")(_check_language)


class MoveIn(InSchema):
    model_config = ConfigDict(json_schema_extra=any_given("start", "end", "room_id"))

    start: Moment | None = Field(None, description="New start; the length is kept")
    end: Moment | None = Field(None, description="New end, to change the length too")
    room_id: int | None = None
    override: bool = False
    dry_run: bool = Field(False, description="Only report the conflicts; save nothing")

    @model_validator(mode="after")
    def _something(self):
        if self.start is None and self.end is None and self.room_id is None:
            raise ValueError(_("give a new start, end or room_id"))
        return self


class ConflictSessionRef(Schema):
    id: int
    title: str
    start: datetime | None
    end: datetime | None
    room: str | None


class ConflictOut(Schema):
    code: Literal[
        "room_overlap",
        "person_overlap",
        "outside_event_dates",
        "in_person_in_virtual_room",
        "online_in_physical_room",
    ]
    message: str
    overridable: bool
    accepted: bool
    session: ConflictSessionRef
    other_session: ConflictSessionRef | None
    person: dict[str, Any] | None


class MoveOut(Schema):
    saved: bool
    conflicts: list[ConflictOut]
    session: SessionOut
    told: int = Field(
        0,
        description="With dry_run: how many people the move is mailed to (those who keep the "
        "session on their agenda, its speakers and chairs), before unsubscribes",
    )


class CancelIn(InSchema):
    reason: str = Field("", max_length=1000)


class AssignIn(RoleIn):
    override: bool = False


def _given(text: str | dict[str, str] | None) -> bool:
    if isinstance(text, dict):
        return any(value.strip() for value in text.values())
    return bool(text and text.strip())


class StatusIn(InSchema):
    model_config = ConfigDict(
        json_schema_extra={
            "allOf": [
                given_when("action", "delay", "minutes"),
                given_when("action", "announcement", "message"),
            ]
        }
    )

    action: Literal["live", "ended", "scheduled", "delay", "announcement", "next_speaker"]
    minutes: int | None = Field(
        None,
        ge=0,
        le=MAX_DELAY_MINUTES,
        description="For delay: the session's total delay (0 = back on time)",
    )
    shift_following: bool = Field(
        False, description="For delay: push later sessions in the room that day as needed"
    )
    message: ContentIn(ANNOUNCEMENT_MAX) | None = Field(
        None,
        description="For announcement: one text, or one per language of the event "
        '({"en": "…", "zh-hans": "…"}); each viewer reads theirs',
    )
    person_id: int | None = Field(None, description="For next_speaker; null clears it")
    notify: bool = Field(
        False,
        description="For announcement: also mail it to the people following the session, "
        "with the next change notices",
    )

    @model_validator(mode="after")
    def _needs(self):
        if self.action == "delay" and self.minutes is None:
            raise ValueError(_("minutes: give the total delay in minutes for action “delay”"))
        if self.action == "announcement" and not _given(self.message):
            raise ValueError(_("message: write the announcement for action “announcement”"))
        return self


class ShiftOut(Schema):
    session_id: int
    title: str
    delay_before: int
    delay_after: int
    new_start: datetime
    new_end: datetime

    @staticmethod
    def resolve_session_id(obj) -> int:
        return obj.session.pk

    @staticmethod
    def resolve_title(obj) -> str:
        return obj.session.title


class StatusOut(Schema):
    session: SessionOut
    shifted: list[ShiftOut] = []
    update_sequence: int = Field(description="The event's last update number after this")


class UpdateOut(Schema):
    sequence: int
    kind: str
    session_id: int | None
    changes: dict[str, Any]
    message: str = Field(description="In the request's language, else the event's first")
    message_translations: dict[str, str] = Field(description="Every language given, first first")
    notify: bool = Field(description="An announcement also mailed, with the next change notices")
    created_at: datetime

    @staticmethod
    def resolve_message_translations(obj) -> dict[str, str]:
        return content_translations(obj.message, obj.event.languages)


class UpdatesOut(Schema):
    last_sequence: int
    updates: list[UpdateOut]
    more: bool = Field(description="True when more updates follow; ask again with since=")


class ProgrammeOut(Schema):
    published: bool
    published_at: datetime | None
    last_sequence: int
    session_count: int
    public_session_count: int


class MaterialOut(Schema):
    """A session's or the event's material. `url` is the download address for a file (which
    checks who may have it), the link itself for a recording or a link."""

    id: int
    kind: Literal["slides", "document", "recording", "photos", "link"]
    title: str
    url: str
    filename: str = Field(description="For a file: its name as downloaded; empty for a link")
    content_type: str
    size: int = Field(description="For a file: its size in bytes; 0 for a link")
    audience: Literal["public", "participants"]
    language: str
    session_id: int | None = Field(description="Empty for a material of the whole event")
