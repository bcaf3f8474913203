"""Content in several languages (confman.core.content): what a reader sees, what is stored."""

import json

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from confman.core.content import (
    ContentCharField,
    ContentText,
    content_data,
    content_html,
    content_localized,
    content_merge,
    resolve,
)

TITLE = {"zh-hans": "开幕全体会议", "en": "Opening plenary"}


def test_a_reader_sees_their_language_else_the_first_given():
    assert resolve(TITLE, "en") == ("Opening plenary", "en")
    assert resolve(TITLE, "zh-hans") == ("开幕全体会议", "zh-hans")
    assert resolve(TITLE, "ru") == ("开幕全体会议", "zh-hans")  # the event's first language
    assert resolve({"zh-hans": "", "en": "Opening"}, "fr") == ("Opening", "en")
    assert resolve({"zh": "开幕"}, "zh-hans") == ("开幕", "zh")
    assert resolve("Opening", "ar") == ("Opening", None)
    assert resolve(None, "en") == ("", None)


def test_a_content_text_is_the_text_in_the_language_active_when_read():
    with translation.override("ru"):
        text = ContentText(TITLE)

    assert text == "开幕全体会议" and isinstance(text, str)
    assert text.language == "zh-hans"
    assert text.translations == TITLE
    assert text.localize("en") == "Opening plenary"
    assert len(text) == 6 and text.upper() == "开幕全体会议"
    assert json.loads(json.dumps({"title": text})) == {"title": "开幕全体会议"}


def test_stored_as_plain_text_until_it_has_several_languages():
    field = ContentCharField(max_length=20)

    assert field.get_prep_value("Opening") == "Opening"
    assert json.loads(field.get_prep_value(TITLE)) == TITLE
    assert field.get_prep_value(ContentText("Opening")) == "Opening"
    assert field.get_prep_value({"en": "", "ru": ""}) == ""
    assert field.from_db_value("Opening", None, None) == "Opening"
    assert field.from_db_value(json.dumps(TITLE), None, None).translations == TITLE
    # A plain text that happens to look like JSON stays text.
    assert field.from_db_value("{not json", None, None) == "{not json"
    assert field.from_db_value("123", None, None) == "123"
    assert field.from_db_value(None, None, None) is None


def test_each_language_keeps_the_fields_limit_and_languages_are_the_sites():
    field = ContentCharField(max_length=10)

    field.validate(ContentText({"en": "Short", "ru": "Коротко"}), None)
    with pytest.raises(ValidationError, match="at most 10 characters"):
        field.validate(ContentText({"en": "Short", "ru": "Слишком длинно"}), None)
    with pytest.raises(ValidationError, match="Unknown language tlh"):
        field.validate(ContentText({"tlh": "Qapla'"}), None)


def test_an_api_string_sets_the_first_language_and_an_object_sets_them_all():
    current = ContentText(TITLE)

    assert content_merge(current, "新标题", ["zh-hans", "en"]) == {
        "zh-hans": "新标题",
        "en": "Opening plenary",
    }
    assert content_merge(current, {"en": "New", "zh-hans": "新"}, ["zh-hans", "en"]) == {
        "zh-hans": "新",
        "en": "New",
    }
    assert content_merge("Old", "New", ["en"]) == "New"
    assert content_data({"": "Plain"}) == "Plain"


def test_content_in_another_language_than_the_page_is_marked_and_isolated():
    with translation.override("ar"):
        english = ContentText({"en": "Opening <plenary>"})
        arabic = ContentText({"ar": "الجلسة العامة"})

        assert content_html(english) == '<bdi lang="en">Opening &lt;plenary&gt;</bdi>'
        assert content_html(arabic) == "<bdi>الجلسة العامة</bdi>"
        assert content_html("plain") == "<bdi>plain</bdi>"


@pytest.mark.django_db
def test_a_localized_copy_reads_in_another_language_and_leaves_the_original():
    from tests.factories import EventFactory

    event = EventFactory(languages=["zh-hans", "en"], title={"zh-hans": "研讨会", "en": "Seminar"})
    with translation.override("en"):
        event.refresh_from_db()

    chinese = content_localized(event, "zh-hans")

    assert (chinese.title, event.title) == ("研讨会", "Seminar")
    assert chinese.pk == event.pk


@pytest.mark.django_db
def test_several_languages_are_stored_in_the_events_order_and_one_as_plain_text():
    from tests.factories import EventFactory
    from tests.factories.events import RoomFactory

    event = EventFactory(languages=["zh-hans", "en"])
    room = RoomFactory(event=event, name={"en": "Hall", "zh-hans": "大厅"})
    alone = RoomFactory(event=event, name={"zh-hans": "会议室"})

    room.refresh_from_db()
    alone.refresh_from_db()

    assert list(room.name.translations) == ["zh-hans", "en"]  # the first language falls back
    assert alone.name.is_translated is False and alone.name == "会议室"
    assert type(room).objects.get(event=event, name="会议室") == alone  # lookups on plain text


def test_the_inputs_of_a_field_are_one_group_named_by_its_label():
    from django import forms

    from confman.core.content import ContentFormField, ContentTextInput, content_form_languages

    class Form(forms.Form):
        title = ContentFormField(label="Title", widget=ContentTextInput)

    form = Form()
    content_form_languages(form, ["en", "zh-hans"])
    html = str(form["title"])

    assert 'role="group" aria-label="Title"' in html
    assert html.count("<input") == 2
    assert '<label for="id_title_1" class="content-language__name" lang="zh-hans">' in html


@pytest.mark.django_db
def test_icontains_searches_the_texts_and_never_the_json_around_them():
    from sessions.models import Session
    from tests.factories import EventFactory, SessionFactory

    event = EventFactory(languages=["en", "zh-hans"])
    keynote = SessionFactory(event=event, title={"en": "Keynote", "zh-hans": "主旨演讲"})
    quoted = SessionFactory(event=event, title={"en": 'Say "yes" 100%', "zh-hans": "说“是”"})
    braces = SessionFactory(event=event, title="{Draft} budget en route")

    def found(term: str) -> set[int]:
        return set(
            Session.objects.filter(event=event, title__icontains=term).values_list("pk", flat=True)
        )

    assert found("zh") == set()
    assert found("hans") == set()
    assert found('":') == set()
    assert found("KEYNOTE") == {keynote.pk}
    assert found("主旨") == {keynote.pk}
    assert found('"yes"') == {quoted.pk}
    assert found("100%") == {quoted.pk}
    assert found("“是”") == {quoted.pk}
    assert found("{draft}") == {braces.pk}
    assert found("en") == {braces.pk}
    assert found("e") == {keynote.pk, quoted.pk, braces.pk}
