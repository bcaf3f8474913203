"""The event's own content in several languages: a title, an abstract, a room's name, given by
the organisers in each language the event works in.

A content field holds every language in one column (django-i18nfield, as pretix does): reading
it costs no query or join, and a language needs no migration. A value is read as a
`ContentText`: a `str` holding the text in the reader's language (the language active when the
row was loaded), else in the event's first language, else any; it carries every language in
`.translations` and says which one it shows in `.language`.

Stored as the plain text while the field has one text for every language (what every field held
before translations, so the upgrade moves no data), and as a JSON object `{"en": …, "zh-hans":
…}` in the event's language order once it has several, so the first language given is the
fallback. Exact lookups keep working on a plain text (`Ticket.objects.get(name="Delegate")`);
`icontains` searches the text of every language, never the JSON around it (ContentIContains).
"""

import functools
import json
import re
from collections.abc import Iterable, Mapping
from copy import copy as shallow_copy
from typing import Any

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models.lookups import IContains, Lookup
from django.db.models.query_utils import DeferredAttribute
from django.utils import translation
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from i18nfield.fields import I18nFieldMixin
from i18nfield.forms import I18nFormField, I18nTextarea, I18nTextInput
from i18nfield.strings import LazyI18nString

from confman.core.language import site_languages


def _base(code: str) -> str:
    return code.split("-")[0]


def resolve(data: Mapping[str, str] | str | None, language: str | None) -> tuple[str, str | None]:
    """The text for `language` and the language it is in: that language, else one of its
    variants (zh for zh-hans), else the first given (the event's first language). A plain text
    is the same in every language (its language: None, unknown)."""
    if data is None:
        return "", None
    if not isinstance(data, Mapping):
        return str(data), None
    if language:
        if data.get(language):
            return data[language], language
        for code, text in data.items():
            if text and _base(code) == _base(language):
                return text, code
    for code, text in data.items():
        if text:
            return text, code
    return "", None


class ContentText(str):
    """The text of a content field in the reader's language (see the module's docstring)."""

    data: Mapping[str, str] | str
    language: str | None

    def __new__(cls, data: Mapping[str, str] | str | None, language: str | None = None):
        if isinstance(data, Mapping):
            text, shown = resolve(data, language or translation.get_language())
        else:  # one text for every language: no need to ask which is active
            text, shown = ("" if data is None else str(data)), None
        value = super().__new__(cls, text)
        value.data = dict(data) if isinstance(data, Mapping) else (data or "")
        value.language = shown
        return value

    @classmethod
    def load(cls, stored: str | None) -> "ContentText | None":
        if stored is None:
            return None
        if stored.startswith("{"):
            # A room's or a track's name comes with each of a programme's hundreds of rows:
            # parsed once per language. A ContentText is immutable, so one can be shared.
            return _load_translated(stored, translation.get_language())
        return cls(stored)

    @property
    def translations(self) -> dict[str, str]:
        """Every language given, the first one first; a plain text under the key ""."""
        if isinstance(self.data, Mapping):
            return {code: text for code, text in self.data.items() if text}
        return {"": self.data} if self.data else {}

    @property
    def is_translated(self) -> bool:
        return isinstance(self.data, Mapping)

    def localize(self, language: str | None) -> "ContentText":
        """The same content read in another language (a badge, a mail, a live message)."""
        return ContentText(self.data, language or settings.LANGUAGE_CODE)

    def __reduce__(self):
        return (ContentText, (self.data, self.language))

    def __deepcopy__(self, memo):
        return self

    def __copy__(self):
        return self


@functools.lru_cache(maxsize=4096)
def _load_translated(stored: str, language: str | None) -> ContentText:
    try:
        data = json.loads(stored)
    except ValueError:
        data = None
    if isinstance(data, dict):
        return ContentText(data, language)
    return ContentText(stored, language)


def content_data(value: Any) -> Mapping[str, str] | str:
    """What to store for a value given by code, a form or the API: a ContentText keeps its
    languages, a form's LazyI18nString and a dict give theirs (empty ones dropped), anything
    else is one plain text."""
    if isinstance(value, ContentText):
        return dict(value.data) if isinstance(value.data, Mapping) else value.data
    if isinstance(value, LazyI18nString):
        value = value.data
    if isinstance(value, Mapping):
        given = {str(code): str(text) for code, text in value.items() if text}
        if len(given) == 1 and "" in given:
            return given[""]
        return given
    return "" if value is None else str(value)


def content_ordered(
    data: Mapping[str, str] | str, languages: Iterable[str]
) -> Mapping[str, str] | str:
    """The languages of `data` in the event's order (its first language, the fallback, first)."""
    if not isinstance(data, Mapping):
        return data
    order = {code: i for i, code in enumerate(languages)}
    return dict(sorted(data.items(), key=lambda item: order.get(item[0], len(order))))


def content_translations(value: Any, languages: list[str] | None = None) -> dict[str, str]:
    """Every language of a content value, for the API: a plain text is given under the
    event's first language."""
    data = content_data(value)
    if isinstance(data, Mapping):
        return dict(data)
    if not data:
        return {}
    return {(languages or [settings.LANGUAGE_CODE])[0]: data}


def content_merge(current: Any, given: Any, languages: list[str]) -> Mapping[str, str] | str:
    """An API write: a JSON object sets every language at once (those left out are removed); a
    plain string sets the event's first language and keeps the others."""
    if isinstance(given, Mapping):
        return content_ordered(content_data(given), languages)
    old = content_data(current)
    if not isinstance(old, Mapping) or not languages:
        return "" if given is None else str(given)
    return content_ordered({**old, languages[0]: str(given or "")}, languages)


def content_changes(
    instance: models.Model, changes: dict[str, Any], languages: list[str]
) -> dict[str, Any]:
    """An API PATCH's changes with each plain string given for a content field that has several
    languages merged into them (the first language changes, the others stay)."""
    content_fields = {f.name for f in instance._meta.concrete_fields if isinstance(f, ContentField)}
    return {
        name: content_merge(getattr(instance, name), value, languages)
        if name in content_fields and value is not None
        else value
        for name, value in changes.items()
    }


def content_languages_check(data: Mapping[str, str] | str, max_length: int | None = None) -> None:
    """A JSON object's keys are the site's languages; each text keeps the field's limit."""
    if not isinstance(data, Mapping):
        texts = [data]
    else:
        unknown = [code for code in data if code not in site_languages()]
        if unknown:
            raise ValidationError(
                ngettext(
                    "Unknown language %(codes)s; give the texts under codes such as %(example)s.",
                    "Unknown languages %(codes)s; give the texts under codes such as %(example)s.",
                    len(unknown),
                )
                % {"codes": ", ".join(unknown), "example": ", ".join(site_languages())},
                code="invalid_language",
            )
        texts = list(data.values())
    if max_length is not None and any(len(text) > max_length for text in texts):
        raise ValidationError(
            ngettext(
                "Each language's text may have at most %(max)s character.",
                "Each language's text may have at most %(max)s characters.",
                max_length,
            )
            % {"max": max_length},
            code="max_length",
        )


class ContentWidgetMixin:
    """django-i18nfield's inputs, one per language of the event, each with its own label."""

    def render(self, name, value, attrs=None, renderer=None):
        if isinstance(value, ContentText):
            if value.is_translated:
                value = LazyI18nString(dict(value.data))
            else:  # one text for every language: shown under the event's first language
                first = self.enabled_locales[0] if self.enabled_locales else self.locales[0]
                value = LazyI18nString({first: str(value)} if value else {})
        return super().render(name, value, attrs, renderer)

    def value_from_datadict(self, data, files, name):
        """Also one plain value under the field's own name (a script, a test, an older form):
        the text of the event's first language."""
        split = any(f"{name}_{i}" in data for i in range(len(self.widgets)))
        if name in data and not split:
            values: list[str | None] = [None] * len(self.widgets)
            first = self.enabled_locales[0] if self.enabled_locales else self.locales[0]
            values[self.locales.index(first)] = data.get(name)
            return values
        return super().value_from_datadict(data, files, name)

    def value_omitted_from_data(self, data, files, name) -> bool:
        return name not in data and super().value_omitted_from_data(data, files, name)

    def format_output(self, rendered_widgets, id_) -> str:
        shown = [code for code in self.locales if code in self.enabled_locales]
        names = dict(settings.LANGUAGES)
        rows = format_html_join(
            "",
            '<span class="content-language"><label for="{}_{}" class="content-language__name" '
            'lang="{}">{}</label>{}</span>',
            (
                (id_, self.locales.index(code), code, names.get(code, code), widget)
                for code, widget in zip(shown, rendered_widgets, strict=False)
            ),
        )
        # One group per field, named by the field's label, so that a screen reader says
        # "Title, group" before "English", "Simplified Chinese"…
        label = getattr(getattr(self, "field", None), "label", None)
        if label:
            return format_html(
                '<span class="content-languages" id="{}" role="group" aria-label="{}">{}</span>',
                id_,
                label,
                rows,
            )
        return format_html('<span class="content-languages" id="{}">{}</span>', id_, rows)


class ContentTextInput(ContentWidgetMixin, I18nTextInput):
    pass


class ContentTextarea(ContentWidgetMixin, I18nTextarea):
    pass


class ContentFormField(I18nFormField):
    """One input per language; required means at least one language, the first one shown."""

    def __init__(self, *args, **kwargs):
        self.init_kwargs = dict(kwargs)
        super().__init__(*args, **kwargs)

    def clean(self, value):
        return content_data(super().clean(value))

    def for_languages(self, languages: list[str]) -> "ContentFormField":
        """The same field with an input for each of `languages`, in that order."""
        return type(self)(**{**self.init_kwargs, "locales": content_locales(languages)})


def content_locales(languages: Iterable[str] | None) -> list[str]:
    """The event's languages that the site speaks, first one first; else every site language."""
    spoken = site_languages()
    chosen = [code for code in (languages or []) if code in spoken]
    return chosen or spoken


def content_form_languages(form: forms.BaseForm, languages: Iterable[str] | None) -> None:
    """Give every content field of `form` an input per language of the event."""
    for name, field in list(form.fields.items()):
        if isinstance(field, ContentFormField):
            form.fields[name] = field.for_languages(list(languages or []))


class ContentAttribute(DeferredAttribute):
    """What is assigned to a content field reads as content at once (a ContentText), so code
    that compares or logs it sees every language, as after a save and a read."""

    def __set__(self, instance, value):
        if value is not None and not isinstance(value, ContentText):
            value = ContentText(content_data(value))
        instance.__dict__[self.field.attname] = value


def content_languages_of(instance: models.Model) -> list[str]:
    """The languages of the event that `instance` belongs to (or is), first one first."""
    if hasattr(instance, "languages") and not hasattr(instance, "event_id"):
        return list(instance.languages or [])
    event_field = type(instance).__dict__.get("event")
    if event_field is not None and event_field.is_cached(instance):
        return list(instance.event.languages or [])
    event_id = getattr(instance, "event_id", None)
    if event_id is None:
        return []
    event_model = instance._meta.get_field("event").related_model
    return list(event_model.objects.filter(pk=event_id).values_list("languages", flat=True)[0])


_LINE_BREAKS = re.compile(r"[\r\n\u2028\u2029]")


def _texts(data: Mapping[str, str] | str) -> list[str]:
    return list(data.values()) if isinstance(data, Mapping) else [data]


def _on_one_line(data: Mapping[str, str] | str) -> Mapping[str, str] | str:
    def line(text: str) -> str:
        return " ".join(part.strip() for part in _LINE_BREAKS.split(text) if part.strip())

    if isinstance(data, Mapping):
        return {code: line(text) for code, text in data.items()}
    return line(data)


class ContentField(I18nFieldMixin, models.TextField):
    form_class = ContentFormField
    descriptor_class = ContentAttribute

    def from_db_value(self, value, expression, connection):
        return ContentText.load(value)

    def to_python(self, value):
        if value is None or isinstance(value, ContentText):
            return value
        if isinstance(value, str):
            return ContentText.load(value)
        return ContentText(content_data(value))

    def get_prep_value(self, value):
        if value is None:
            return None
        data = content_data(value)
        if isinstance(data, Mapping):
            return json.dumps(data, ensure_ascii=False) if data else ""
        return data

    one_line = False  # a title or a name: a line break in it becomes a space

    def pre_save(self, model_instance, add):
        """Several languages are kept in the event's order (its first language is the
        fallback); the event's first language alone is kept as plain text. A line's line
        breaks (an API client's "\n" in a title) are spaces: a calendar's or a badge's line
        cannot hold them."""
        value = super().pre_save(model_instance, add)
        data = content_data(value)
        if self.one_line and any(_LINE_BREAKS.search(text) for text in _texts(data)):
            data = _on_one_line(data)
            value = ContentText(data)
            setattr(model_instance, self.attname, value)
        if isinstance(data, Mapping) and data:
            languages = content_languages_of(model_instance)
            data = content_ordered(data, languages)
            if len(data) == 1 and (not languages or next(iter(data)) == languages[0]):
                data = next(iter(data.values()))
            value = ContentText(data)
            setattr(model_instance, self.attname, value)
        return value

    def validate(self, value, model_instance):
        super().validate(value, model_instance)
        if value is not None:
            content_languages_check(content_data(value), self.max_length)

    def value_to_string(self, obj):
        return self.get_prep_value(self.value_from_object(obj))

    def formfield(self, **kwargs):
        return super().formfield(**{"form_class": ContentFormField, **kwargs})


# PostgreSQL: the texts of a stored value, for ContentIContains (created by the migration
# events 0004; SQLite has json_each and json_valid built in). A text that only looks like JSON
# is one text.
POSTGRESQL_CONTENT_TEXTS = """
CREATE OR REPLACE FUNCTION confman_content_texts(stored text) RETURNS SETOF text
LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE AS $$
BEGIN
    IF left(stored, 1) = '{' THEN
        BEGIN
            RETURN QUERY SELECT t.value FROM jsonb_each_text(stored::jsonb) AS t;
            RETURN;
        EXCEPTION WHEN others THEN
            NULL;
        END;
    END IF;
    RETURN NEXT stored;
END
$$;
"""


class ContentIContains(IContains):
    """`title__icontains="en"` finds "Opening" in any language, and not every title given in
    several languages for the "en" of its JSON key."""

    def as_sql(self, compiler, connection):
        column, column_params = Lookup.process_lhs(self, compiler, connection)
        rhs, rhs_params = self.process_rhs(compiler, connection)
        matches = self.get_rhs_op(connection, rhs)  # "LIKE %s ESCAPE …", "LIKE UPPER(%s)"
        text = connection.ops.lookup_cast(self.lookup_name, "TextField")  # "UPPER(%s::text)"
        # Only the ORM's own column and operators are written into the SQL; the searched text
        # is a parameter.
        if connection.vendor == "postgresql":
            sql = (
                f"EXISTS (SELECT 1 FROM confman_content_texts({column}) AS content(text) "  # noqa: S608
                f"WHERE {text % 'content.text'} {matches})"
            )
            return sql, [*column_params, *rhs_params]
        if connection.vendor == "sqlite":
            sql = (
                f"(CASE WHEN substr({column}, 1, 1) = '{{' AND json_valid({column}) "  # noqa: S608
                f"THEN EXISTS (SELECT 1 FROM json_each({column}) AS content "
                f"WHERE {text % 'content.value'} {matches}) "
                f"ELSE {text % column} {matches} END)"
            )
            params = [*column_params, *column_params, *column_params, *rhs_params]
            return sql, [*params, *column_params, *rhs_params]
        return super().as_sql(compiler, connection)


ContentField.register_lookup(ContentIContains)


class ContentCharField(ContentField):
    """A line of content (a title, a name) in several languages."""

    one_line = True

    description = _("Text in several languages")
    widget = ContentTextInput


class ContentTextField(ContentField):
    """Paragraphs of content (an abstract, a description) in several languages."""

    description = _("Paragraphs in several languages")
    widget = ContentTextarea


def content_localized(instance: models.Model, language: str) -> models.Model:
    """A copy of `instance` whose content fields read in `language` (else the first given),
    for what is written in one language whoever asks: the Frab schedule, a badge."""
    copy = shallow_copy(instance)  # Django's pickling state: related rows already read come too
    for field in instance._meta.concrete_fields:
        value = getattr(instance, field.attname)
        if isinstance(value, ContentText):
            copy.__dict__[field.attname] = value.localize(language)
    return copy


def content_html(value: Any, tag: str = "bdi") -> str:
    """`value` isolated for right-to-left pages (`<bdi>`), marked with its language when it is
    not the page's, so fonts and screen readers switch."""
    language = getattr(value, "language", None)
    if language and language != translation.get_language():
        return format_html('<{} lang="{}">{}</{}>', tag, language, value, tag)
    return format_html("<{}>{}</{}>", tag, value, tag)
