"""The API's shapes. The live channel sends these same Out schemas."""

from datetime import date
from decimal import Decimal
from typing import Literal

from django.conf import settings
from django.conf.locale import LANG_INFO
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from ninja import Field, Schema
from pydantic import field_validator, model_validator

from confman.core.content import content_translations
from confman.core.schemas import (
    TRANSLATIONS,
    ContentIn,
    InSchema,
    PatchIn,
    check_country,
    check_email,
)
from events.models import Event, Organization, TeamMember
from events.timezones import TIME_ZONES

# models.AttendanceMode, as the API names it (tests/events/test_schemas.py keeps them equal).
AttendanceModeName = Literal["in_person", "online", "hybrid"]
PersonModeName = Literal["in_person", "online"]
EventStatus = Literal["draft", "published", "archived"]
OrganizationKind = Literal["university", "government", "un_agency", "ngo", "enterprise", "other"]
OrganizationRole = Literal["organiser", "co_host", "partner", "sponsor"]
RoomKind = Literal["physical", "virtual"]

SLUG_PATTERN = r"^[a-z][a-z0-9-]*[a-z0-9]$"
COLOUR_PATTERN = r"^#[0-9a-fA-F]{6}$"


def _check_time_zone(value: str | None) -> str | None:
    if value is not None and value not in TIME_ZONES:
        raise ValueError(
            _(
                "“%(value)s” is not an IANA time zone; use a name such as Asia/Shanghai, "
                "Europe/Paris or America/New_York"
            )
            % {"value": value}
        )
    return value


def _check_languages(value: list[str] | None) -> list[str] | None:
    if value is None:
        return value
    if len(set(value)) != len(value):
        raise ValueError(_("each language can be listed once"))
    unknown = [code for code in value if code not in LANG_INFO or "fallback" in LANG_INFO[code]]
    if unknown:
        raise ValueError(
            ngettext(
                "unknown language code %(codes)s; use codes such as en, zh-hans, ru",
                "unknown language codes %(codes)s; use codes such as en, zh-hans, ru",
                len(unknown),
            )
            % {"codes": ", ".join(unknown)}
        )
    return value


def _check_website(value: str | None) -> str | None:
    if value:
        try:
            URLValidator(schemes=["http", "https"])(value)
        except ValidationError:
            raise ValueError(
                _(
                    "“%(value)s” is not a web address; give a full address such as "
                    "https://example.org, or an empty string"
                )
                % {"value": value}
            ) from None
    return value


class OrganizationOut(Schema):
    id: int
    name: str
    acronym: str
    country: str
    country_name: str
    kind: OrganizationKind
    website: str

    @staticmethod
    def resolve_country(obj: Organization) -> str:
        return obj.country.code

    @staticmethod
    def resolve_country_name(obj: Organization) -> str:
        return str(obj.country.name)


class OrganizationIn(InSchema):
    name: str = Field(min_length=2, max_length=200)
    acronym: str = Field("", max_length=40)
    country: str = Field(description="ISO 3166-1 alpha-2 code, e.g. CN")
    kind: OrganizationKind = "other"
    website: str = Field("", max_length=200)

    _country = field_validator("country")(check_country)
    _website = field_validator("website")(_check_website)


class EventOrganizationOut(Schema):
    id: int
    role: OrganizationRole
    order: int
    organization: OrganizationOut


class EventOrganizationIn(InSchema):
    organization_id: int
    role: OrganizationRole
    order: int = Field(0, ge=0)


class VenueOut(Schema):
    """A venue serves several events: a text given once for every language is listed under the
    site's first language, as the back office shows it."""

    name: str
    name_translations: dict[str, str] = Field(description=TRANSLATIONS)
    address: str
    address_translations: dict[str, str]
    city: str
    country: str
    country_name: str
    latitude: Decimal | None
    longitude: Decimal | None

    @staticmethod
    def resolve_name_translations(obj) -> dict[str, str]:
        return content_translations(obj.name)

    @staticmethod
    def resolve_address_translations(obj) -> dict[str, str]:
        return content_translations(obj.address)

    @staticmethod
    def resolve_country(obj) -> str:
        return obj.country.code

    @staticmethod
    def resolve_country_name(obj) -> str:
        return str(obj.country.name)


class NamedPartOut(Schema):
    """A room's or a track's name and description, in the request's language (else the
    event's first) with every language given beside them."""

    id: int
    name: str
    name_translations: dict[str, str] = Field(description=TRANSLATIONS)
    description: str
    description_translations: dict[str, str]
    order: int

    @staticmethod
    def resolve_name_translations(obj) -> dict[str, str]:
        return content_translations(obj.name, obj.event.languages)

    @staticmethod
    def resolve_description_translations(obj) -> dict[str, str]:
        return content_translations(obj.description, obj.event.languages)


class RoomOut(NamedPartOut):
    kind: RoomKind
    capacity: int | None
    floor: str


class RoomIn(InSchema):
    name: ContentIn(120, required=True)
    kind: RoomKind = "physical"
    capacity: int | None = Field(None, ge=1)
    floor: str = Field("", max_length=40)
    description: ContentIn(300) = ""
    order: int = Field(0, ge=0)


class RoomPatch(PatchIn):
    nullable = frozenset({"capacity"})  # no limit

    name: ContentIn(120, required=True) | None = None
    kind: RoomKind | None = None
    capacity: int | None = Field(None, ge=1)
    floor: str | None = Field(None, max_length=40)
    description: ContentIn(300) | None = None
    order: int | None = Field(None, ge=0)


class TrackOut(NamedPartOut):
    colour: str


class TrackIn(InSchema):
    name: ContentIn(120, required=True)
    colour: str = Field("#1f6feb", pattern=COLOUR_PATTERN)
    description: ContentIn(5000) = ""
    order: int = Field(0, ge=0)


class TrackPatch(PatchIn):
    name: ContentIn(120, required=True) | None = None
    colour: str | None = Field(None, pattern=COLOUR_PATTERN)
    description: ContentIn(5000) | None = None
    order: int | None = Field(None, ge=0)


class EventSummaryOut(Schema):
    """An event in short, as the live channel sends it on every change."""

    slug: str
    title: str
    acronym: str
    timezone: str
    utc_offset: str = Field(description="The zone's offset on the first day, e.g. UTC+08:00")
    start_date: date
    end_date: date
    format: AttendanceModeName
    status: EventStatus
    city: str | None
    country: str | None
    url: str

    @staticmethod
    def resolve_city(obj: Event) -> str | None:
        return obj.venue.city if obj.venue else None

    @staticmethod
    def resolve_country(obj: Event) -> str | None:
        return obj.venue.country.code if obj.venue else None

    @staticmethod
    def resolve_url(obj: Event) -> str:
        return settings.SITE_URL + obj.get_absolute_url()


class EventListOut(EventSummaryOut):
    """An event as the API lists it: the summary the live channel sends, with the title in
    every language."""

    title_translations: dict[str, str] = Field(description=TRANSLATIONS)

    @staticmethod
    def resolve_title_translations(obj: Event) -> dict[str, str]:
        return content_translations(obj.title, obj.languages)


class EventOut(EventListOut):
    description: str
    description_translations: dict[str, str]
    languages: list[str]
    website: str
    contact_email: str
    venue: VenueOut | None
    hosts: list[EventOrganizationOut] = Field(
        description="Organisers and co-hosts. Partners and sponsors, who can number thousands, "
        "are listed page by page at /api/events/{slug}/organizations."
    )
    organization_count: int = Field(description="Organisations taking part, in every role")

    @staticmethod
    def resolve_description_translations(obj: Event) -> dict[str, str]:
        return content_translations(obj.description, obj.languages)


class EventIn(InSchema):
    slug: str = Field(min_length=2, max_length=60, pattern=SLUG_PATTERN)
    title: ContentIn(300, required=True)
    acronym: str = Field("", max_length=40)
    description: ContentIn(None) = ""
    timezone: str = Field(description="IANA time zone, e.g. Asia/Shanghai")
    start_date: date
    end_date: date
    format: AttendanceModeName = "hybrid"
    status: EventStatus = "draft"
    venue_id: int | None = None
    languages: list[str] = []
    website: str = Field("", max_length=200)
    contact_email: str = Field("", max_length=254)

    _timezone = field_validator("timezone")(_check_time_zone)
    _languages = field_validator("languages")(_check_languages)
    _contact_email = field_validator("contact_email")(check_email)
    _website = field_validator("website")(_check_website)

    @field_validator("end_date")
    @classmethod
    def _end_not_before_start(cls, value: date, info) -> date:
        start = info.data.get("start_date")
        if start is not None and value < start:
            raise ValueError(
                _("the last day (%(end)s) is before the first day (%(start)s)")
                % {"end": value, "start": start}
            )
        return value


class EventPatch(PatchIn):
    nullable = frozenset({"venue_id"})  # no venue (online)

    slug: str | None = Field(None, min_length=2, max_length=60, pattern=SLUG_PATTERN)
    title: ContentIn(300, required=True) | None = None
    acronym: str | None = Field(None, max_length=40)
    description: ContentIn(None) | None = None
    timezone: str | None = None
    start_date: date | None = None
    end_date: date | None = None
    format: AttendanceModeName | None = None
    status: EventStatus | None = None
    venue_id: int | None = None
    languages: list[str] | None = None
    website: str | None = Field(None, max_length=200)
    contact_email: str | None = Field(None, max_length=254)

    _timezone = field_validator("timezone")(_check_time_zone)
    _languages = field_validator("languages")(_check_languages)
    _contact_email = field_validator("contact_email")(check_email)
    _website = field_validator("website")(_check_website)

    @model_validator(mode="after")
    def _dates_in_order(self):
        if self.start_date and self.end_date and self.end_date < self.start_date:
            raise ValueError(_("end_date: the last day is before the first day"))
        return self


class TeamRoleOut(Schema):
    event: str
    role: Literal["owner", "organiser", "checkin"]

    @staticmethod
    def resolve_event(obj: TeamMember) -> str:
        return obj.event.slug


class MeOut(Schema):
    username: str
    name: str
    is_superuser: bool
    can_create_events: bool
    events: list[TeamRoleOut]
