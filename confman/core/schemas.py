"""What every API input shares: the In schema's base, the checks of e-mail addresses and country
codes, a PATCH body's base and its changes, and content in several languages (ContentIn, given
in the languages the event works in)."""

from collections.abc import Iterable, Mapping
from datetime import UTC, datetime
from typing import Annotated, Any, ClassVar

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django_countries import countries
from ninja import Schema
from pydantic import AfterValidator, AwareDatetime, ConfigDict, StringConstraints

from confman.core.content import content_locales
from confman.core.exceptions import InvalidInput
from confman.core.language import site_languages


class InSchema(Schema):
    """Input: surrounding spaces are trimmed (so "   " is empty) and unknown fields refused."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


def in_utc(value: datetime | None) -> datetime | None:
    """An instant given with its offset, as UTC, before it goes anywhere: PostgreSQL refuses
    offsets beyond ±15:59 that ISO 8601 allows (+23:59), and an instant that leaves the years
    1 to 9999 in UTC is refused here rather than overflowing in the database. A naive value is
    left for the caller to refuse."""
    if value is None or value.tzinfo is None:
        return value
    try:
        return value.astimezone(UTC)
    except OverflowError:
        raise ValueError(_("the moment falls outside the years 1 to 9999 in UTC")) from None


# A moment in an API input: ISO 8601 with its offset, stored as UTC.
Moment = Annotated[AwareDatetime, AfterValidator(in_utc)]


def check_email(value: str | None) -> str | None:
    if value:
        try:
            validate_email(value)
        except ValidationError:
            raise ValueError(_("“%(value)s” is not an e-mail address") % {"value": value}) from None
    return value


def check_country(value: str | None) -> str | None:
    if value is None:
        return value
    if value.upper() not in dict(countries):
        raise ValueError(
            _("“%(value)s” is not an ISO 3166 country code; use e.g. CN, KE, RS") % {"value": value}
        )
    return value.upper()


def _null_only_where_taken(schema: dict[str, Any], model: type["PatchIn"]) -> None:
    """The OpenAPI schema of a PATCH body: null only for the fields in `model.nullable`."""
    for name, field in schema.get("properties", {}).items():
        if name in model.nullable or "anyOf" not in field:
            continue
        branches = [branch for branch in field["anyOf"] if branch != {"type": "null"}]
        if len(branches) == 1:
            del field["anyOf"]
            field.update(branches[0])
        else:
            field["anyOf"] = branches


class PatchIn(InSchema):
    """A PATCH body: a field left out keeps its value. Null empties the fields named in
    `nullable` and is refused for the others (patch_changes), and the schema says just that, so
    that clients and the API's fuzz test (tests/test_api_fuzz.py) send what is taken."""

    nullable: ClassVar[frozenset[str]] = frozenset()

    model_config = ConfigDict(json_schema_extra=_null_only_where_taken)


# A rule across fields, which a model validator checks, stated in the body's schema too
# (model_config's json_schema_extra), so that clients and the fuzz test know what is taken.
def given(*fields: str) -> dict[str, Any]:
    """JSON Schema: each of `fields` is sent, and not null."""
    return {
        "required": list(fields),
        "properties": {field: {"not": {"type": "null"}} for field in fields},
    }


def any_given(*fields: str) -> dict[str, Any]:
    """JSON Schema: at least one of `fields` is sent, and not null."""
    return {"anyOf": [given(field) for field in fields]}


def given_when(field: str, value: str, *needed: str) -> dict[str, Any]:
    """JSON Schema: when `field` is `value`, each of `needed` is sent, and not null."""
    return {
        "if": {"properties": {field: {"const": value}}, "required": [field]},
        "then": given(*needed),
    }


def patch_changes(payload: PatchIn) -> dict[str, Any]:
    """The fields a PATCH sends. An explicit null is refused for fields that cannot be empty;
    leaving a field out keeps its value."""
    data = payload.model_dump(exclude_unset=True)
    nullable = type(payload).nullable
    nulls = sorted(key for key, value in data.items() if value is None and key not in nullable)
    if nulls:
        message = _("cannot be null; leave the field out to keep its value")
        raise InvalidInput.from_errors(
            [{"field": key, "message": message, "type": "null_not_allowed"} for key in nulls]
        )
    return data


def _content_languages(value: str | dict[str, str]) -> str | dict[str, str]:
    if isinstance(value, dict):
        codes = site_languages()
        unknown = [code for code in value if code not in codes]
        if unknown:
            raise ValueError(
                _("unknown language %(codes)s; give the texts under codes such as %(example)s")
                % {"codes": ", ".join(unknown), "example": ", ".join(codes)}
            )
    return value


def _content_required(value: str | dict[str, str]) -> str | dict[str, str]:
    if isinstance(value, dict) and not any(text.strip() for text in value.values()):
        raise ValueError(_("give the text in at least one language"))
    return value


# The description of an Out schema's `<field>_translations`.
TRANSLATIONS = "Every language given, first first"


def ContentIn(max_length: int | None, *, required: bool = False) -> Any:  # noqa: N802 (a type)
    """A text of the event's content: one string (the event's first language, the others kept
    when changing it) or an object of texts per language, e.g. {"en": "…", "zh-hans": "…"}
    (every language at once). Which languages the event takes is checked once the event is
    known: check_content_languages()."""
    text = Annotated[str, StringConstraints(min_length=1 if required else 0, max_length=max_length)]
    each = Annotated[str, StringConstraints(max_length=max_length, strip_whitespace=True)]
    checks = [AfterValidator(_content_languages)]
    if required:
        checks.append(AfterValidator(_content_required))
    return Annotated[text | dict[str, each], *checks]


def check_content_languages(data: Mapping[str, Any], languages: Iterable[str] | None) -> None:
    """The texts given per language in `data` (ContentIn values) are in languages the event
    works in (any of the site's when it names none of them); else one 422 naming each field."""
    allowed = content_locales(languages)
    problems = {}
    for field, value in data.items():
        if not isinstance(value, Mapping):
            continue
        unknown = [code for code, text in value.items() if text and code not in allowed]
        if unknown:
            problems[field] = [
                ngettext(
                    "the event works in %(languages)s, not in %(codes)s; give the texts in its "
                    "languages, or add the language to the event first",
                    "the event works in %(languages)s, not in %(codes)s; give the texts in its "
                    "languages, or add the languages to the event first",
                    len(unknown),
                )
                % {"languages": ", ".join(allowed), "codes": ", ".join(unknown)}
            ]
    if problems:
        raise InvalidInput.for_fields(problems)
