"""The form that adds a material to a session or to the event: a file or an https link, its title
in the event's languages, who may open it, its language and its place in the list."""

from django import forms
from django.conf import settings
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _

from confman.core.content import content_form_languages
from confman.core.exceptions import InvalidInput
from events.models import Event
from sessions.forms import language_choices
from sessions.materials import accepted_types, check_upload
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
        self.file_type = None

    def clean_file(self):
        upload = self.cleaned_data.get("file")
        if upload:
            try:
                self.file_type, _name = check_upload(upload)
            except InvalidInput as exc:
                raise forms.ValidationError([e["message"] for e in exc.errors]) from None
        return upload

    def clean_url(self):
        url = self.cleaned_data.get("url") or ""
        if url and not url.lower().startswith("https://"):
            raise forms.ValidationError(_("Give an address starting with https://."))
        return url

    def clean(self):
        data = super().clean()
        upload, url = data.get("file"), data.get("url")
        if "file" in self.errors or "url" in self.errors:
            return data
        if upload and url:
            self.add_error("url", _("Give a file or a link, not both."))
        elif not upload and not url:
            self.add_error("file", _("Choose a file to upload, or give a link below."))
        elif upload and data.get("kind") in (MaterialKind.RECORDING, MaterialKind.LINK):
            self.add_error(
                "url", _("A recording or a link is given by its https:// address, not a file.")
            )
        return data

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
