"""The REST API: one NinjaAPI at /api/, a Router per app, one way to report errors."""

import json
import logging
import math

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.db import OperationalError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils.translation import gettext as _
from django.views import defaults
from ninja import NinjaAPI
from ninja.errors import (
    AuthenticationError,
    AuthorizationError,
    HttpError,
    Throttled,
    ValidationError,
)
from ninja.renderers import JSONRenderer

from confman.core.exceptions import DomainError, InvalidInput, out_of_range
from confman.core.input_errors import input_error_message
from confman.core.parser import JsonParser
from confman.core.throttling import too_many_message
from events.api import router as events_router
from livestream.api import router as live_router
from registrations.api import router as registrations_router
from registrations.checkin.api import router as checkin_router
from sessions.api import router as sessions_router


class Utf8JSONRenderer(JSONRenderer):
    # Names in Chinese, Russian or Arabic stay readable (and shorter) instead of \uXXXX escapes.
    json_dumps_params = {"ensure_ascii": False}


# The error body every 4xx and 5xx answer carries (DomainError.as_dict), and when each occurs.
ERROR_SCHEMA = {
    "title": "Error",
    "type": "object",
    "properties": {
        "detail": {"type": "string", "description": "What was wrong and how to fix it"},
        "code": {"type": "string", "description": "Machine-readable, e.g. sold_out"},
        "errors": {
            "type": "array",
            "description": "422 only: each field and what is wrong with it",
            "items": {
                "type": "object",
                "properties": {
                    "field": {"type": "string"},
                    "message": {"type": "string"},
                    "type": {"type": "string"},
                },
                "required": ["field", "message"],
            },
        },
    },
    "required": ["detail", "code"],
}
ERRORS = {
    400: "The request cannot be read: not JSON, a NUL character in the address, another Host",
    401: "A bearer token that is wrong, revoked or expired, or none where one is needed",
    403: "Not allowed for this caller (or a session call without its CSRF token)",
    404: "No such event or item, or not one this caller may see",
    409: "In conflict with the current state (sold out, a clash, a transition not allowed)",
    422: "The input is not valid; `errors` names each field",
    429: "Too many requests; wait for Retry-After seconds",
    503: "Busy or a service away for a moment; try again (Retry-After when known)",
}
WRITES = {"post", "put", "patch", "delete"}


class ConfmanAPI(NinjaAPI):
    def get_openapi_operation_id(self, operation) -> str:
        # The operation's own name (create_registration), not its module's path: moving code
        # between modules must not rename what generated API clients call.
        return operation.view_func.__name__

    def get_openapi_schema(self, *, path_prefix=None, path_params=None):
        """Ninja's schema, with the errors each operation can answer documented (the Error
        body), so that generated clients and fuzzers expect them."""
        schema = super().get_openapi_schema(path_prefix=path_prefix, path_params=path_params)
        schema.setdefault("components", {}).setdefault("schemas", {})["Error"] = ERROR_SCHEMA
        operations = {
            operation.view_func.__name__: operation
            for router in _routers(router for _prefix, router in self._routers)
            for path_view in router.path_operations.values()
            for operation in path_view.operations
        }
        for path, methods in schema["paths"].items():
            for method, spec in methods.items():
                operation = operations.get(spec.get("operationId"))
                for status in _error_statuses(path, method, operation):
                    spec.setdefault("responses", {}).setdefault(
                        str(status),
                        {
                            "description": ERRORS[status],
                            "content": {
                                "application/json": {
                                    "schema": {"$ref": "#/components/schemas/Error"}
                                }
                            },
                        },
                    )
        return schema


def _routers(routers):
    """Each router and, depth first, the routers mounted in it."""
    for router in routers:
        yield router
        yield from _routers(child for _prefix, child, _tags in router._routers)  # noqa: SLF001


def _error_statuses(path: str, method: str, operation) -> list[int]:
    statuses = [400, 401, 422, 503]
    if "{" in path:
        statuses.append(404)
    guarded = operation is not None and operation.auth_callbacks
    if guarded or method in WRITES:
        statuses.append(403)
    if method in WRITES:
        statuses.append(409)
    if operation is not None and operation.throttle_objects:
        statuses.append(429)
    return sorted(statuses)


logger = logging.getLogger(__name__)

api = ConfmanAPI(
    title="confman API",
    version="1",
    description=(
        "Events, agenda, registrations and check-in of confman. Read operations are public for "
        "published events; a bearer token or session also shows the caller's drafts. "
        "Operations that change things need an organiser API token "
        "(`Authorization: Bearer cm_…`, created in the back office or with "
        "`python manage.py create_api_token USERNAME`) or a signed-in browser session with its "
        'CSRF token. Errors are JSON: `{"detail": message, "code": machine-readable code}`, '
        'and invalid input (422) adds `errors`: `[{"field", "message", "type"}]`.'
    ),
    urls_namespace="api",
    docs_url="/docs",
    openapi_url="/openapi.json",
    parser=JsonParser(),
    renderer=Utf8JSONRenderer(),
)
api.add_router("/", events_router)
api.add_router("/", sessions_router)
api.add_router("/", registrations_router)
api.add_router("/", checkin_router)
api.add_router("/", live_router)


def error_response(request: HttpRequest, exc: DomainError):
    return api.create_response(request, exc.as_dict(), status=exc.status)


@api.exception_handler(DomainError)
def on_domain_error(request: HttpRequest, exc: DomainError):
    return error_response(request, exc)


def _field(loc: list) -> str:
    # Drop the parameter source ("body", "query", "path"), ninja's argument name and pydantic's
    # union branch labels ("function-wrap[…]", "literal['']", "constrained-str").
    parts = [str(part) for part in loc]
    if parts and parts[0] in {"body", "query", "path", "header", "cookie", "form", "file"}:
        parts = parts[1:]
        if parts and parts[0] in {"payload", "filters", "query"}:
            parts = parts[1:]
    parts = [part for part in parts if "[" not in part and not part.startswith("constrained-")]
    return ".".join(parts) or "request"


def _whole_body_field(message: str) -> tuple[str, str]:
    """A check on the whole body (a model validator) names its field as "field: message"."""
    name, sep, rest = message.partition(": ")
    if sep and name.isidentifier():
        return name, rest
    return "request", message


@api.exception_handler(ValidationError)
def on_validation_error(request: HttpRequest, exc: ValidationError):
    errors, seen = [], set()
    for error in exc.errors:
        field = _field(error.get("loc", []))
        message = input_error_message(error)
        if field == "request":
            field, message = _whole_body_field(message)
        if field in seen:  # one message per field: a union reports each branch
            continue
        seen.add(field)
        errors.append({"field": field, "message": message, "type": error.get("type", "")})
    return error_response(request, InvalidInput.from_errors(errors))


@api.exception_handler(Throttled)
def on_throttled(request: HttpRequest, exc: Throttled):
    # ninja adds Retry-After to this answer.
    seconds = max(1, math.ceil(exc.wait or 1))
    return error_response(
        request, DomainError(too_many_message(seconds), code="rate_limited", status=429)
    )


@api.exception_handler(HttpError)
def on_http_error(request: HttpRequest, exc: HttpError):
    cause = exc.__cause__
    if isinstance(cause, DomainError):  # raised by our parser
        return error_response(request, cause)
    if isinstance(cause, json.JSONDecodeError | UnicodeDecodeError | ValueError):
        return error_response(
            request,
            DomainError(
                _(
                    "The body is not valid JSON (%(error)s). Send a JSON object with "
                    "“Content-Type: application/json”."
                )
                % {"error": cause},
                code="invalid_json",
            ),
        )
    if exc.status_code == 405:
        code = "method_not_allowed"
    else:
        code = "bad_request" if exc.status_code == 400 else "error"
    return error_response(request, DomainError(str(exc), code=code, status=exc.status_code))


@api.exception_handler(OperationalError)
def on_database_busy(request: HttpRequest, exc: OperationalError):
    """The database cannot be reached or has no connection free: a clear 503 to retry, not a
    500 (nothing was written: the request's transaction did not commit)."""
    logger.warning("Database unavailable for %s", request.path, exc_info=True)
    response = error_response(
        request,
        DomainError(
            _("The service is very busy or its database is unavailable; try again in a moment."),
            code="busy_try_again",
            status=503,
        ),
    )
    response["Retry-After"] = "5"
    return response


@api.exception_handler(OverflowError)
def on_overflow(request: HttpRequest, exc: OverflowError):
    return error_response(request, out_of_range())


@api.exception_handler(RequestDataTooBig)
def on_too_big(request: HttpRequest, exc: RequestDataTooBig):
    limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE // 1024
    return error_response(
        request,
        DomainError(
            _("The request body is larger than %(limit)d KB; send less at a time.")
            % {"limit": limit},
            code="too_large",
            status=413,
        ),
    )


@api.exception_handler(AuthenticationError)
def on_authentication_error(request: HttpRequest, exc: AuthenticationError):
    return api.create_response(
        request,
        {
            "detail": _(
                "This operation needs an organiser: send “Authorization: Bearer <token>” "
                "(create a token with `python manage.py create_api_token USERNAME`) or sign in."
            ),
            "code": "not_authenticated",
        },
        status=401,
    )


@api.exception_handler(AuthorizationError)
def on_authorization_error(request: HttpRequest, exc: AuthorizationError):
    return api.create_response(
        request,
        {"detail": str(exc) or _("You may not do this."), "code": "permission_denied"},
        status=403,
    )


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """Django's answer to a request it refuses before any view runs (a Host header the site does
    not answer to, too many fields): in JSON under /api/, like the rest of the API."""
    if not request.path.startswith("/api/"):
        return defaults.bad_request(request, exception)
    return JsonResponse(
        {
            "detail": _(
                "The request cannot be served as sent (for example, its Host header names "
                "another site); check the address and the headers."
            ),
            "code": "bad_request",
        },
        status=400,
    )


def server_error(request: HttpRequest) -> HttpResponse:
    """A bug (logged with its traceback): in JSON under /api/, like the rest of the API."""
    if not request.path.startswith("/api/"):
        return defaults.server_error(request)
    # The sentence of 500.html, in every language already.
    message = _("The error has been logged. Please try again in a moment.")
    return JsonResponse({"detail": message, "code": "server_error"}, status=500)


def api_not_found(request: HttpRequest, rest: str = "") -> JsonResponse:
    """Unknown addresses under /api/ answer in JSON like the rest of the API."""
    return JsonResponse(
        {
            "detail": _("There is no API operation at %(path)s. The list is at /api/docs.")
            % {"path": request.path},
            "code": "not_found",
        },
        status=404,
    )
