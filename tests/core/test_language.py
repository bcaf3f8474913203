"""Which language a request is answered in (confman.core.language): the address's prefix, then
?lang=, the switcher's cookie, the browser's Accept-Language; pages met in English by a browser
that prefers another language are sent to that language's address."""

import pytest
from django.conf import settings
from django.urls import reverse, translate_url
from django.utils import timezone, translation

from sessions.models import Programme

pytestmark = pytest.mark.django_db


@pytest.fixture
def event(event):
    Programme.objects.create(event=event, published_at=timezone.now())
    return event


HTML = "text/html,application/xhtml+xml"


def test_english_pages_keep_their_addresses_without_a_prefix(client, event):
    response = client.get("/events/seminar/", HTTP_ACCEPT=HTML, HTTP_ACCEPT_LANGUAGE="en")

    assert response.status_code == 200
    assert response["Content-Language"] == "en"
    assert '<html lang="en" dir="ltr">' in response.content.decode()


def test_a_prefixed_address_is_answered_in_its_language_whatever_the_browser_asks(client, event):
    response = client.get("/ar/events/seminar/", HTTP_ACCEPT=HTML, HTTP_ACCEPT_LANGUAGE="ru")

    assert response.status_code == 200
    assert response["Content-Language"] == "ar"
    assert '<html lang="ar" dir="rtl">' in response.content.decode()


def test_a_first_visit_follows_accept_language_to_the_languages_address(client, event):
    response = client.get(
        "/events/seminar/agenda/?day=all",
        HTTP_ACCEPT=HTML,
        HTTP_ACCEPT_LANGUAGE="zh-CN,zh;q=0.9,en;q=0.5",
    )

    assert response.status_code == 302
    assert response["Location"] == "/zh-hans/events/seminar/agenda/?day=all"
    assert "Accept-Language" in response["Vary"] and "Cookie" in response["Vary"]


def test_the_switchers_choice_is_remembered_over_accept_language(client, event):
    switched = client.post(
        "/i18n/setlang/", {"language": "fr", "next": "/ru/events/seminar/agenda/"}
    )
    assert switched.status_code == 302
    assert switched["Location"] == "/fr/events/seminar/agenda/"

    later = client.get("/events/seminar/", HTTP_ACCEPT=HTML, HTTP_ACCEPT_LANGUAGE="ru")
    assert later["Location"] == "/fr/events/seminar/"

    client.post("/i18n/setlang/", {"language": "en", "next": "/fr/events/seminar/"})
    english = client.get("/events/seminar/", HTTP_ACCEPT=HTML, HTTP_ACCEPT_LANGUAGE="ru")
    assert english.status_code == 200
    assert english["Content-Language"] == "en"


def test_posts_files_and_scripts_are_never_redirected(client, event):
    calendar = client.get(
        "/events/seminar/calendar.ics", HTTP_ACCEPT="text/calendar", HTTP_ACCEPT_LANGUAGE="ru"
    )
    posted = client.post(
        "/events/seminar/register/", {}, HTTP_ACCEPT=HTML, HTTP_ACCEPT_LANGUAGE="ru"
    )

    assert calendar.status_code == 200
    assert calendar["Content-Language"] == "ru"
    assert not posted.get("Location", "").startswith("/ru/")


def test_lang_in_the_query_chooses_the_language_without_a_redirect(client, event):
    response = client.get(
        "/events/seminar/calendar.ics?lang=es", HTTP_ACCEPT=HTML, HTTP_ACCEPT_LANGUAGE="ru"
    )
    unknown = client.get("/events/seminar/calendar.ics?lang=tlh", HTTP_ACCEPT_LANGUAGE="fr")

    assert response.status_code == 200
    assert response["Content-Language"] == "es"
    assert unknown["Content-Language"] == "fr"


def test_the_api_answers_in_the_requests_language_and_is_never_redirected(client, event):
    response = client.get(
        "/api/events/seminar/sessions/999999", HTTP_ACCEPT=HTML, HTTP_ACCEPT_LANGUAGE="ar"
    )

    assert response.status_code == 404
    assert response["Content-Language"] == "ar"


def test_the_back_office_is_not_prefixed(client, event):
    response = client.get("/admin/login/", HTTP_ACCEPT=HTML, HTTP_ACCEPT_LANGUAGE="ru")

    assert response.status_code == 200
    assert response["Content-Language"] == "ru"


@pytest.mark.parametrize("code", [code for code, _name in settings.LANGUAGES])
def test_every_language_reverses_and_resolves_its_own_addresses(client, event, code):
    with translation.override(code):
        path = reverse("agenda:agenda", kwargs={"slug": "seminar"})

    expected = "/events/seminar/agenda/" if code == "en" else f"/{code}/events/seminar/agenda/"
    assert path == expected
    assert translate_url(path, "en") == "/events/seminar/agenda/"
    assert client.get(path).status_code == 200


def test_the_javascript_catalog_is_in_the_pages_language(client):
    russian = client.get("/ru/jsi18n/")
    english = client.get("/jsi18n/")

    assert russian.status_code == english.status_code == 200
    assert russian["Content-Type"].startswith("text/javascript")
    assert "ngettext" in russian.content.decode()
    # Russian's three plural forms, from locale/ru/LC_MESSAGES/djangojs.po
    assert "n%10==1" in russian.content.decode()
    assert "n%10==1" not in english.content.decode()
