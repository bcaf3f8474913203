"""The session form's small words: no kind chosen in advance, and the languages listed the
event's first, then the others alphabetically, each named alike."""

import re
import unicodedata

import pytest
from django.conf.locale import LANG_INFO

from sessions.models import Session, SessionKind
from tests.factories import SessionFactory
from tests.helpers import page
from tests.sessions.views.helpers import NEW_SESSION, day_of, edit_url, form_data

pytestmark = pytest.mark.django_db


def select(html: str, name: str) -> str:
    found = re.search(rf'<select name="{name}"[^>]*>.*?</select>', html, re.S)
    assert found, f"no <select> {name}"
    return found.group(0)


def options(html: str) -> list[tuple[str, str]]:
    return re.findall(r'<option value="([^"]*)"[^>]*>([^<]*)</option>', html)


def group(html: str, label: str) -> list[tuple[str, str]]:
    found = re.search(rf'<optgroup label="{re.escape(label)}">(.*?)</optgroup>', html, re.S)
    assert found, f"no group {label}"
    return options(found.group(1))


def folded(text: str) -> str:
    text = unicodedata.normalize("NFKD", text.replace("&#x27;", "'"))
    return "".join(c for c in text if not unicodedata.combining(c)).casefold()


def test_new_session_chooses_no_kind_in_advance(client, event, organiser):
    client.force_login(organiser)

    kinds = select(page(client.get(NEW_SESSION)), "kind")

    assert options(kinds)[0] == ("", "Choose a kind")
    assert re.search(r'<option value=""[^>]*selected', kinds)
    assert not re.search(r'<option value="opening"[^>]*selected', kinds)
    assert {value for value, _label in options(kinds)[1:]} == set(SessionKind.values)


def test_new_session_without_a_kind_asks_for_one(client, event, organiser):
    client.force_login(organiser)

    response = client.post(NEW_SESSION, form_data(kind=""))

    assert response.status_code == 422
    assert "Choose the kind of session." in page(response)
    assert not Session.objects.exists()


def test_edit_page_keeps_the_sessions_kind(client, event, hall, organiser):
    session = SessionFactory(event=event, room=hall, kind=SessionKind.WORKSHOP)
    client.force_login(organiser)

    kinds = select(page(client.get(edit_url(session))), "kind")

    assert re.search(r'<option value="workshop"[^>]*selected', kinds)


def test_languages_list_the_events_own_first_then_the_others_alphabetically(
    client, event, organiser
):
    event.languages = ["en", "zh-hans", "fr"]
    event.save(update_fields=["languages"])
    client.force_login(organiser)

    languages = select(page(client.get(NEW_SESSION)), "language")

    assert options(languages)[0] == ("", "The event&#x27;s main language")
    assert group(languages, "The event&#x27;s languages") == [
        ("en", "English"),
        ("zh-hans", "简体中文 (Simplified Chinese)"),
        ("fr", "Français (French)"),
    ]
    others = group(languages, "Other languages")
    labels = [label for _code, label in others]
    assert {"en", "zh-hans", "fr"}.isdisjoint(code for code, _label in others)
    assert labels == sorted(labels, key=folded)  # "Česky" with the C's, not after the Z's
    assert labels.index("Català (Catalan)") < labels.index("Česky (Czech)")
    assert labels.index("Česky (Czech)") < labels.index("Cymraeg (Welsh)")
    assert labels.index("Íslenska (Icelandic)") < labels.index("Italiano (Italian)")
    # Each one capitalised, with its name in the reader's language when that differs.
    assert "Deutsch (German)" in labels
    assert "Русский (Russian)" in labels
    assert all(label[:1] == label[:1].title() for label in labels), labels
    assert len(others) == sum(1 for info in LANG_INFO.values() if "fallback" not in info) - 3


def test_languages_are_named_in_the_readers_language(client, event, organiser):
    event.languages = ["en", "fr"]
    event.save(update_fields=["languages"])
    client.force_login(organiser)

    languages = select(page(client.get("/fr" + NEW_SESSION)), "language")

    labels = dict(options(languages))
    assert labels["fr"] == "Français"  # no "(Français)" after it
    assert labels["de"] == "Deutsch (Allemand)"


def test_a_language_of_the_event_is_saved(client, event, hall, organiser):
    event.languages = ["en", "zh-hans"]
    event.save(update_fields=["languages"])
    session = SessionFactory(event=event, room=hall)
    client.force_login(organiser)
    data = {
        **form_data(language="zh-hans", day=day_of(event, 0), room=hall.pk),
        **{"start_time": "10:00", "end_time": "11:00", "title_0": "Opening", "title_1": "开幕式"},
    }
    del data["title"]

    response = client.post(edit_url(session), data)

    assert response.status_code == 302, re.findall(r"field-error[^>]*>([^<]*)", page(response))
    session.refresh_from_db()
    assert session.language == "zh-hans"
