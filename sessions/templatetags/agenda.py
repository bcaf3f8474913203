"""Times on programme pages: shown in the event's zone, marked up so that the browser can offer
the viewer's own zone (sessions/static/sessions/agenda.js rewrites the text of every
<time data-moment>); and what of the programme a page's user may reach, for pages of the apps
below (the event's)."""

from datetime import datetime

from django import template
from django.utils import dateformat
from django.utils.html import format_html

from events.timezones import offset_label
from sessions.permissions import may_use_console
from sessions.selectors import programme_visible

register = template.Library()

FORMATS = {"time": "H:i", "date": "l j E", "datetime": "D j M, H:i"}


@register.simple_tag
def moment(value: datetime | None, event, style: str = "time") -> str:
    """<time datetime="2026-11-22T01:00:00Z" data-moment="time">09:00</time>, the text in the
    event's zone."""
    if value is None:
        return ""
    local = value.astimezone(event.tzinfo)
    return format_html(
        '<time datetime="{}" data-moment="{}">{}</time>',
        value.astimezone(event.tzinfo).isoformat(),
        style,
        dateformat.format(local, FORMATS[style]),
    )


@register.filter
def in_zone(value: datetime | None, event):
    return None if value is None else value.astimezone(event.tzinfo)


@register.filter
def utc_offset(value: datetime | None, event) -> str:
    """ "UTC+08:00" at that moment in the event's zone; "" for anything else (an empty list's
    first item is "" in a template)."""
    if not isinstance(value, datetime):
        return ""
    return offset_label(value.astimezone(event.tzinfo))


@register.simple_tag(takes_context=True)
def programme_access(context, event) -> dict[str, bool]:
    """{"visible": may see the agenda and live page, "chair": may use the chair console (chairs
    a session of it, or is an organiser, who may stand in for any chair)}."""
    user = context["request"].user
    return {
        "visible": programme_visible(user, event),
        "chair": may_use_console(user, event),
    }
