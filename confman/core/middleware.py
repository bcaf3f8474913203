from django.http import HttpRequest, HttpResponseBadRequest, JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from confman.core.exceptions import DomainError, out_of_range


class DomainErrorMiddleware:
    """Pages raise DomainError like services do; this renders it as a page with its 4xx status
    and the message that says what to do."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest):
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception):
        if isinstance(exception, OverflowError):
            exception = out_of_range()
        if not isinstance(exception, DomainError):
            return None
        return render(
            request,
            "error.html",
            {"status": exception.status, "message": exception.message, "code": exception.code},
            status=exception.status,
        )


class RejectNulCharactersMiddleware:
    """The NUL character cannot be stored in PostgreSQL text; refuse it in the address, the
    query string and a submitted form with a 400 rather than fail deep inside with a 500 (JSON
    bodies: confman.core.parser.JsonParser)."""

    FORMS = ("application/x-www-form-urlencoded", "multipart/form-data")

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest):
        if "\x00" in request.path or _has_nul(request.GET):
            message = _("The address contains the NUL character (%00); remove it and try again.")
        elif request.content_type in self.FORMS and _has_nul(request.POST):
            message = _("The form contains the NUL character; remove it and send it again.")
        else:
            return self.get_response(request)
        if request.path.startswith("/api/"):
            return JsonResponse({"detail": message, "code": "nul_character"}, status=400)
        return HttpResponseBadRequest(message, content_type="text/plain; charset=utf-8")


def _has_nul(query) -> bool:
    return any(
        "\x00" in key or any("\x00" in value for value in values) for key, values in query.lists()
    )
