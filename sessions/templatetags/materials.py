"""Materials on pages of the apps below the agenda (the event's page) and beside it: the
event's materials as a list, and a file's type in a word ("PDF", "PowerPoint")."""

from django import template

from sessions.materials import TYPE_LABELS, event_materials
from sessions.models import Material

register = template.Library()


@register.simple_tag
def materials_of_event(event) -> list[Material]:
    """The materials of the whole event, in their order (one query)."""
    return list(event_materials(event))


@register.filter
def material_type(material: Material) -> str:
    return str(TYPE_LABELS.get(material.content_type, material.content_type))
