from datetime import date

from django import template
from django.utils import translation
from django.utils.formats import date_format
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from confman.core.content import content_html

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


@register.filter
def bdi(value) -> SafeString | str:
    """The event's own words (a title, a name, a room) isolated from the sentence around them:
    "<bdi>Opening plenary</bdi>", escaped. An English title in an Arabic sentence, or an Arabic
    name in an English one, keeps its own direction without reordering the words and
    punctuation beside it (`{% blocktranslate with title=session.title|bdi %}`). Nothing for
    an empty value."""
    if value is None or value == "":
        return ""
    return content_html(value)


@register.filter
def lang_attr(value) -> SafeString | str:
    """` lang="en"` for content shown in another language than the page's (the event's first
    language standing in for a missing translation), so fonts and screen readers switch:
    `<h1 dir="auto"{{ session.title|lang_attr }}>`."""
    language = getattr(value, "language", None)
    if language and language != translation.get_language():
        return format_html(' lang="{}"', language)
    return ""


@register.filter(is_safe=True)
def isolate(value) -> str:
    """The same isolation where markup cannot go (an <option>'s text, an attribute): the value
    between Unicode's FIRST STRONG ISOLATE and POP DIRECTIONAL ISOLATE, which do in plain text
    what <bdi> does in HTML. Escaped as usual (safe if the value was); nothing for an empty
    value."""
    if value is None or value == "":
        return ""
    return f"\u2068{value}\u2069"
