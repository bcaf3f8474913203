"""The browser scripts' words: Django's JavaScript catalog (djangojs.po) in the page's language,
loaded before the scripts by the pages that use it, holding every string the scripts translate,
with real plural forms."""

import ast
import re
from pathlib import Path

import pytest
from django.conf import settings

ROOT = Path(settings.BASE_DIR)
LANGUAGES = ["zh_Hans", "ru", "fr", "es", "ar"]
SCRIPTS = [
    "livestream/static/livestream/live.js",
    "registrations/static/registrations/desk.js",
    "registrations/static/registrations/checkin_statistics.js",
    "sessions/static/sessions/builder.js",
]
# Each page, and the script of its own that needs the catalog.
PAGES = {
    "templates/livestream/live.html": "livestream/live.js",
    "templates/registrations/desk.html": "registrations/desk.js",
    "templates/registrations/checkin_statistics.html": "registrations/checkin_statistics.js",
    "templates/sessions/builder.html": "sessions/builder.js",
}

_LITERAL = r'"((?:[^"\\\n]|\\.)*)"'
_CALL = re.compile(
    r"\b(gettext|ngettext|pgettext|npgettext)\(\s*"
    + _LITERAL
    + r"(?:\s*,\s*"
    + _LITERAL
    + r")?(?:\s*,\s*"
    + _LITERAL
    + r")?"
)


def _js(text: str) -> str:
    return ast.literal_eval(f'"{text}"')


def script_messages(path: str) -> set[tuple[str | None, str, str | None]]:
    """(context, msgid, msgid_plural) of every translated literal in a script."""
    found = set()
    for call in _CALL.finditer((ROOT / path).read_text()):
        name, first, second, third = call.groups()
        if name == "gettext":
            found.add((None, _js(first), None))
        elif name == "ngettext":
            assert second is not None, call.group(0)
            found.add((None, _js(first), _js(second)))
        elif name == "pgettext":
            assert second is not None, call.group(0)
            found.add((_js(first), _js(second), None))
        else:
            assert third is not None, call.group(0)
            found.add((_js(first), _js(second), _js(third)))
    return found


def catalog_messages(language: str) -> set[tuple[str | None, str, str | None]]:
    """(context, msgid, msgid_plural) of every entry of a language's djangojs.po."""
    entries, entry, field = set(), {}, None

    def close():
        if entry.get("msgid"):
            entries.add((entry.get("msgctxt"), entry["msgid"], entry.get("msgid_plural")))

    path = ROOT / "locale" / language / "LC_MESSAGES" / "djangojs.po"
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip():
            close()
            entry, field = {}, None
        elif line.startswith(("msgctxt ", "msgid ", "msgid_plural ")):
            field, _, value = line.partition(" ")
            entry[field] = ast.literal_eval(value)
        elif line.startswith("msgstr"):
            field = None
        elif line.startswith('"') and field:
            entry[field] += ast.literal_eval(line)
    close()
    return entries


@pytest.mark.django_db
def test_the_russian_catalog_is_a_script_defining_the_gettext_functions(client):
    response = client.get("/ru/jsi18n/")
    assert response.status_code == 200
    assert "javascript" in response["Content-Type"]
    body = response.content.decode()
    for name in ("gettext", "ngettext", "pgettext", "interpolate"):
        assert f"globals.{name} = django.{name};" in body
    assert "django.ngettext = function(singular, plural, count)" in body


@pytest.mark.parametrize("template", sorted(PAGES))
def test_the_pages_load_the_catalog_before_their_scripts(template):
    page = (ROOT / template).read_text()
    catalog = page.index("<script src=\"{% url 'javascript-catalog' %}\"")
    assert catalog < page.index("confman/common.js") < page.index(PAGES[template])
    assert "_strings|json_script" not in page


def test_the_scripts_words_are_all_in_every_catalog():
    for path in SCRIPTS:
        # Only literals, which makemessages can see: no variable or concatenation passed.
        text = (ROOT / path).read_text()
        calls = re.findall(r"\b(?:gettext|ngettext|pgettext|npgettext)\(", text)
        assert len(calls) == len(list(_CALL.finditer(text))), path
    used = set().union(*(script_messages(path) for path in SCRIPTS))
    assert len(used) > 60
    for language in LANGUAGES:
        missing = used - catalog_messages(language)
        assert not missing, f"{language}: not in djangojs.po, run makemessages -d djangojs"


def test_counts_in_the_scripts_have_plural_forms():
    used = set().union(*(script_messages(path) for path in SCRIPTS))
    assert (
        None,
        "%(count)s scan waiting to upload",
        "%(count)s scans waiting to upload",
    ) in used
    for language in LANGUAGES:
        catalog = (ROOT / "locale" / language / "LC_MESSAGES" / "djangojs.po").read_text()
        assert (
            'msgid "%(count)s scan waiting to upload"\n'
            'msgid_plural "%(count)s scans waiting to upload"\n'
        ) in catalog
    # A number in a string the scripts translate is a plural's: no "{count}" left to fill.
    for _context, msgid, plural in used:
        assert "{" not in msgid, msgid
        if plural is None:
            assert not re.search(r"%\((count|n|minutes|total|percent)\)s", msgid), msgid
