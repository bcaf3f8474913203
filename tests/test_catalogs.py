"""The interface catalogs: every entry translated in every language, nothing fuzzy, the same
placeholders as the English, each language's plural forms, the glossary applied."""

import csv
import re
from pathlib import Path

import polib
import pytest
from django.conf import settings
from django.utils import translation

LOCALE = Path(settings.BASE_DIR) / "locale"
LANGUAGES = {"zh_Hans": 1, "ru": 3, "fr": 2, "es": 2, "ar": 6}  # gettext code -> plural forms
DOMAINS = ["django", "djangojs"]
PLACEHOLDER = re.compile(r"%\(\w+\)[sd]|%[sd]|\{\w+\}")
TAG = re.compile(r"</?[a-z]+\b")


def catalog(language: str, domain: str) -> polib.POFile:
    return polib.pofile(str(LOCALE / language / "LC_MESSAGES" / f"{domain}.po"))


def entries(language: str):
    for domain in DOMAINS:
        for entry in catalog(language, domain):
            if not entry.obsolete:
                yield domain, entry


def placeholders(text: str) -> set[str]:
    return set(PLACEHOLDER.findall(text))


def test_every_language_has_both_catalogs_compiled():
    for language in LANGUAGES:
        for domain in DOMAINS:
            assert (LOCALE / language / "LC_MESSAGES" / f"{domain}.po").exists()
            assert (LOCALE / language / "LC_MESSAGES" / f"{domain}.mo").exists()


def test_the_catalogs_hold_the_same_messages_in_every_language():
    for domain in DOMAINS:
        ids = {
            language: {(e.msgctxt, e.msgid) for e in catalog(language, domain)}
            for language in LANGUAGES
        }
        assert len({frozenset(v) for v in ids.values()}) == 1, domain
        assert ids["ru"], f"the {domain} catalog is empty"


@pytest.mark.parametrize("language", LANGUAGES)
def test_no_entry_is_empty_or_fuzzy(language):
    missing = [
        f"{domain}: {entry.msgid!r}"
        for domain, entry in entries(language)
        if entry.fuzzy
        or (entry.msgid_plural and not all(entry.msgstr_plural.values()))
        or (not entry.msgid_plural and not entry.msgstr)
    ]
    assert missing == []


@pytest.mark.parametrize("language", LANGUAGES)
def test_plural_entries_have_the_languages_forms(language):
    forms = LANGUAGES[language]
    for domain in DOMAINS:
        po = catalog(language, domain)
        assert f"nplurals={forms};" in po.metadata["Plural-Forms"].replace(" ", "")
        for entry in po:
            if entry.msgid_plural:
                assert sorted(entry.msgstr_plural) == list(range(forms)), entry.msgid


@pytest.mark.parametrize("language", LANGUAGES)
def test_translations_keep_the_placeholders_and_tags_of_the_english(language):
    wrong = []
    for _domain, entry in entries(language):
        if entry.msgid_plural:
            expected = placeholders(entry.msgid_plural)
            translations = list(entry.msgstr_plural.values())
        else:
            expected = placeholders(entry.msgid)
            translations = [entry.msgstr]
        for text in translations:
            if placeholders(text) != expected:
                wrong.append((entry.msgid, text))
            if sorted(TAG.findall(text)) != sorted(TAG.findall(entry.msgid)):
                wrong.append((entry.msgid, text))
    assert wrong == []


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_compiled_catalog_is_the_one_django_uses(language):
    code = translation.to_language(language)
    with translation.override(code):
        assert translation.gettext("Language") != "Language"
        assert translation.ngettext("%(count)s seat left", "%(count)s seats left", 5) != (
            "%(count)s seats left"
        )


@pytest.mark.parametrize(
    ("language", "form_of"),
    [
        ("ru", {1: 0, 21: 0, 3: 1, 24: 1, 5: 2, 11: 2, 0: 2}),
        ("ar", {0: 0, 1: 1, 2: 2, 3: 3, 10: 3, 11: 4, 99: 4, 100: 5, 102: 5}),
        ("fr", {0: 0, 1: 0, 2: 1}),
        ("es", {0: 1, 1: 0, 2: 1}),
        ("zh_Hans", {1: 0, 5: 0}),
    ],
)
def test_counts_take_the_languages_own_plural_form(language, form_of):
    entry = catalog(language, "django").find("%(count)s seats left", by="msgid_plural")
    with translation.override(translation.to_language(language)):
        for n, form in form_of.items():
            chosen = translation.ngettext("%(count)s seat left", "%(count)s seats left", n)
            assert chosen == entry.msgstr_plural[form], (n, form)


@pytest.mark.parametrize("language", LANGUAGES)
def test_each_language_has_a_glossary_of_the_domain_words(language):
    with open(LOCALE / language / "glossary.csv", encoding="utf-8", newline="") as f:
        glossary = {row["source"]: row["target"] for row in csv.DictReader(f)}

    for word in ["registration", "badge", "check-in (noun)", "waiting list", "rapporteur"]:
        assert glossary.get(word), f"{language}: {word}"
