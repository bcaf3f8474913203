"""Which language a request is answered in, and the language prefix of the pages' addresses.

Pages have one address per language: English, the source language, without a prefix
(`/events/shenzhen/agenda/`), every other language with its code first
(`/zh-hans/events/shenzhen/agenda/`), so that a link shared in Chinese opens in Chinese. The
language of a request, first match wins:

1. the prefix of the address;
2. `?lang=` (calendar feeds and exports, which calendar apps fetch without cookies);
3. the language the visitor chose with the switcher (Django's language cookie);
4. the browser's `Accept-Language`;
5. English.

A browser that opens an English address of a page while it prefers another language (3 or 4)
is sent to that language's address. The API, the back office, feeds and files are not
redirected: they answer in the language found.

Django's own `i18n_patterns(prefix_default_language=False)` serves every unprefixed address in
English whatever the browser asks, and resolves an unprefixed page only while English is active;
the pattern below also resolves it in any other language, which is what lets 2-4 apply to it.
"""

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.middleware.locale import LocaleMiddleware
from django.urls import URLResolver, is_valid_path
from django.urls.resolvers import LocalePrefixPattern
from django.utils import translation
from django.utils.cache import patch_vary_headers

LANGUAGE_QUERY_PARAMETER = "lang"


def site_languages() -> list[str]:
    """The codes of the languages the site speaks, English (the source) first."""
    return [code for code, _name in settings.LANGUAGES]


class LanguagePrefixPattern(LocalePrefixPattern):
    """Reversed, `<code>/` for the active language except English. Matched, any language's
    prefix, or none, whatever language is active: so `translate_url()` (the switcher's) turns
    `/ru/…` into `/fr/…` from any request."""

    def __init__(self):
        super().__init__(prefix_default_language=False)

    def match(self, path: str):
        for code, _name in settings.LANGUAGES:
            if code != settings.LANGUAGE_CODE and path.startswith(f"{code}/"):
                return path.removeprefix(f"{code}/"), (), {}
        return path, (), {}


def language_patterns(*urls) -> list[URLResolver]:
    """Like `i18n_patterns(*urls, prefix_default_language=False)`, with the pattern above."""
    return [URLResolver(LanguagePrefixPattern(), list(urls))]


def language_from_query(request: HttpRequest) -> str | None:
    code = request.GET.get(LANGUAGE_QUERY_PARAMETER)
    if not code:
        return None
    try:
        return translation.get_supported_language_variant(code)
    except LookupError:
        return None


class LanguageMiddleware(LocaleMiddleware):
    """Django's LocaleMiddleware, choosing the language as this module's docstring says."""

    def process_request(self, request: HttpRequest) -> HttpResponse | None:
        from_path = translation.get_language_from_path(request.path_info)
        from_query = None if from_path else language_from_query(request)
        language = (
            from_path
            or from_query
            or translation.get_language_from_request(request, check_path=False)
        )
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()
        if from_path or from_query or language == settings.LANGUAGE_CODE:
            return None
        if request.method not in {"GET", "HEAD"} or "text/html" not in request.headers.get(
            "Accept", ""
        ):
            return None
        prefixed = f"/{language}{request.path_info}"
        urlconf = getattr(request, "urlconf", settings.ROOT_URLCONF)
        if not is_valid_path(prefixed, urlconf):
            return None  # not a page: the API, the back office, a file
        query = request.META.get("QUERY_STRING", "")
        location = request.META.get("SCRIPT_NAME", "") + prefixed + (f"?{query}" if query else "")
        response = HttpResponseRedirect(location)
        patch_vary_headers(response, ("Accept-Language", "Cookie"))
        return response

    def process_response(self, request: HttpRequest, response: HttpResponse) -> HttpResponse:
        response = super().process_response(request, response)
        if not translation.get_language_from_path(request.path_info):
            patch_vary_headers(response, ("Cookie",))
        return response


def said_in(languages: list[str], say) -> list[str]:
    """What `say` (a text, or a function returning one) is in each of `languages`, each
    different wording once: for what is printed in two languages, a badge's role or a
    certificate's lines."""
    said: list[str] = []
    for language in languages:
        with translation.override(language):
            text = str(say() if callable(say) else say)
        if text and text not in said:
            said.append(text)
    return said
