"""The form that adds a material to a session or to the event: a file or an https link, its title
in the event's languages, who may open it, its language and its place in the list."""

from django import forms
from django.conf import settings
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _

from confman.core.content import content_form_languages
from events.models import Event
from sessions.forms import language_choices
from sessions.materials import accepted_types
from sessions.models import Material, MaterialAudience, MaterialKind


class MaterialForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=MaterialKind.choices)
    title = Material._meta.get_field("title").formfield(label=_("Title"))
    file = forms.FileField(label=_("File"), required=False)
    url = forms.URLField(
        label=_("Or a link"),
        required=False,
        max_length=500,
        assume_scheme="https",
        help_text=_("For a recording, or anything kept elsewhere: its https:// address."),
    )
    audience = forms.ChoiceField(
        label=_("Who may open it"),
        choices=MaterialAudience.choices,
        initial=MaterialAudience.PUBLIC,
        widget=forms.RadioSelect,
    )
    language = forms.ChoiceField(label=_("Language"), required=False)
    order = forms.IntegerField(
        label=_("Order"),
        min_value=0,
        max_value=32767,
        initial=0,
        help_text=_("Lower numbers come first."),
    )

    def __init__(self, *args, event: Event, **kwargs):
        super().__init__(*args, **kwargs)
        content_form_languages(self, event.languages)
        choices = language_choices(event)
        choices[0] = ("", _("Not given"))
        self.fields["language"].choices = choices
        self.fields["file"].help_text = _("Accepted: %(types)s; at most %(size)s.") % {
            "types": accepted_types(),
            "size": filesizeformat(settings.MATERIAL_MAX_BYTES),
        }

    # Neither a file nor a link, both, a recording given as a file, a file's type and size:
    # checked once, by sessions.services.materials.material_add, whose errors the view puts
    # beside their fields.

    def clean_url(self):
        url = self.cleaned_data.get("url") or ""
        if url and not url.lower().startswith("https://"):
            raise forms.ValidationError(_("Give an address starting with https://."))
        return url

    def service_fields(self) -> dict:
        data = self.cleaned_data
        return {
            "kind": data["kind"],
            "title": data["title"],
            "file": data.get("file") or None,
            "url": data.get("url") or "",
            "audience": data["audience"],
            "language": data.get("language") or "",
            "order": data["order"],
        }
