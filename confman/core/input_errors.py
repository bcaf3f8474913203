"""pydantic's messages about input ("Field required", "Input should be a valid integer") in the
request's language: one message per pydantic error type that our schemas can raise, with the
limits pydantic reports (`ctx`). Our own validators already raise translated text (type
`value_error`); a type not listed here keeps pydantic's English message."""

import re
from collections.abc import Callable
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

DATETIME_EXAMPLE = "2026-05-14T09:30:00+08:00"


def _missing(ctx: dict) -> str:
    return _("this field is required")


def _text(ctx: dict) -> str:
    return _("give a text (a JSON string)")


def _text_too_short(ctx: dict) -> str:
    n = int(ctx.get("min_length", 1))
    return ngettext(
        "give at least %(count)s character", "give at least %(count)s characters", n
    ) % {"count": n}


def _text_too_long(ctx: dict) -> str:
    n = int(ctx.get("max_length", 0))
    return ngettext("give at most %(count)s character", "give at most %(count)s characters", n) % {
        "count": n
    }


def _whole_number(ctx: dict) -> str:
    return _("give a whole number, e.g. 42")


def _number(ctx: dict) -> str:
    return _("give a number, e.g. 42 or 42.5")


def _boolean(ctx: dict) -> str:
    return _("give true or false")


def _greater_than(ctx: dict) -> str:
    return _("give a number greater than %(limit)s") % {"limit": ctx.get("gt")}


def _at_least(ctx: dict) -> str:
    return _("give a number of at least %(limit)s") % {"limit": ctx.get("ge")}


def _less_than(ctx: dict) -> str:
    return _("give a number less than %(limit)s") % {"limit": ctx.get("lt")}


def _at_most(ctx: dict) -> str:
    return _("give a number of at most %(limit)s") % {"limit": ctx.get("le")}


def _one_of(ctx: dict) -> str:
    # pydantic words the choices in English ("'a', 'b' or 'c'"): keep the values, drop the words.
    expected = str(ctx.get("expected", ""))
    choices = re.findall(r"'([^']*)'", expected) or [expected]
    return _("give one of %(choices)s") % {"choices": ", ".join(choices)}


def _datetime(ctx: dict) -> str:
    return _("give a date and time in ISO 8601 with its offset, e.g. %(example)s") % {
        "example": DATETIME_EXAMPLE
    }


def _date(ctx: dict) -> str:
    return _("give a date in ISO 8601, e.g. %(example)s") % {"example": "2026-05-14"}


def _time(ctx: dict) -> str:
    return _("give a time, e.g. %(example)s") % {"example": "09:30"}


def _list(ctx: dict) -> str:
    return _("give a list (a JSON array)")


def _list_too_short(ctx: dict) -> str:
    n = int(ctx.get("min_length", 1))
    return ngettext("give at least %(count)s item", "give at least %(count)s items", n) % {
        "count": n
    }


def _list_too_long(ctx: dict) -> str:
    n = int(ctx.get("max_length", 0))
    return ngettext("give at most %(count)s item", "give at most %(count)s items", n) % {"count": n}


def _object(ctx: dict) -> str:
    return _("give an object (a JSON object with named fields)")


def _unknown_field(ctx: dict) -> str:
    return _("this field is not known here; remove it (the API documentation lists the fields)")


def _web_address(ctx: dict) -> str:
    return _("give a web address starting with https:// or http://")


def _pattern(ctx: dict) -> str:
    return _("the text does not have the expected form (%(pattern)s)") % {
        "pattern": ctx.get("pattern", "")
    }


MESSAGES: dict[str, Callable[[dict], str]] = {
    "missing": _missing,
    "string_type": _text,
    "string_too_short": _text_too_short,
    "string_too_long": _text_too_long,
    "int_type": _whole_number,
    "int_parsing": _whole_number,
    "int_from_float": _whole_number,
    "float_type": _number,
    "float_parsing": _number,
    "decimal_type": _number,
    "decimal_parsing": _number,
    "finite_number": _number,
    "bool_type": _boolean,
    "bool_parsing": _boolean,
    "greater_than": _greater_than,
    "greater_than_equal": _at_least,
    "less_than": _less_than,
    "less_than_equal": _at_most,
    "literal_error": _one_of,
    "enum": _one_of,
    "datetime_type": _datetime,
    "datetime_parsing": _datetime,
    "datetime_from_date_parsing": _datetime,
    "timezone_aware": _datetime,
    "date_type": _date,
    "date_parsing": _date,
    "date_from_datetime_parsing": _date,
    "time_type": _time,
    "time_parsing": _time,
    "list_type": _list,
    "too_short": _list_too_short,
    "too_long": _list_too_long,
    "dict_type": _object,
    "model_type": _object,
    "model_attributes_type": _object,
    "extra_forbidden": _unknown_field,
    "url_type": _web_address,
    "url_parsing": _web_address,
    "url_scheme": _web_address,
    "string_pattern_mismatch": _pattern,
}


def input_error_message(error: dict[str, Any]) -> str:
    """The message of one pydantic error, in the active language."""
    kind = error.get("type", "")
    if kind in MESSAGES:
        return MESSAGES[kind](error.get("ctx") or {})
    return str(error.get("msg", "")).removeprefix("Value error, ")
