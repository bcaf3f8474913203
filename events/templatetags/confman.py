from datetime import date

from django import template
from django.utils.formats import date_format
from django.utils.translation import gettext as _

register = template.Library()


@register.simple_tag
def date_range(start: date, end: date) -> str:
    """ "24 September 2026" or "24 September 2026 – 25 September 2026", in the active
    language's date format."""
    if start == end:
        return date_format(start, "DATE_FORMAT")
    return _("%(start)s – %(end)s") % {
        "start": date_format(start, "DATE_FORMAT"),
        "end": date_format(end, "DATE_FORMAT"),
    }


@register.filter
def zone_city(zone: str) -> str:
    """ "Asia/Shanghai" -> "Shanghai": how people name a zone in speech."""
    return zone.rsplit("/", 1)[-1].replace("_", " ")
