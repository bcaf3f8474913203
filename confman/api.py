"""The REST API: one NinjaAPI at /api/, a Router per app, one way to report errors."""

from django.http import HttpRequest
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, AuthorizationError, ValidationError

from confman.exceptions import DomainError, InvalidInput
from events.api import router as events_router

api = NinjaAPI(
    title="confman API",
    version="1",
    description=(
        "Events, agenda, registrations and check-in of confman. Read operations are public for "
        "published events. Operations that change things need an organiser API token "
        "(`Authorization: Bearer cm_…`, created in the back office or with "
        "`python manage.py create_api_token USERNAME`) or a signed-in browser session. "
        'Errors are JSON: `{"detail": message, "code": machine-readable code}`.'
    ),
    urls_namespace="api",
    docs_url="/docs",
    openapi_url="/openapi.json",
)
api.add_router("/", events_router)


@api.exception_handler(DomainError)
def on_domain_error(request: HttpRequest, exc: DomainError):
    return api.create_response(request, exc.as_dict(), status=exc.status)


def _field(loc: list) -> str:
    # Drop the parameter source ("body", "query", "path") and ninja's argument name.
    parts = [str(part) for part in loc]
    if parts and parts[0] in {"body", "query", "path", "header", "cookie", "form", "file"}:
        parts = parts[1:]
        if len(parts) > 1 and parts[0] in {"payload", "filters"}:
            parts = parts[1:]
    return ".".join(parts) or "request"


@api.exception_handler(ValidationError)
def on_validation_error(request: HttpRequest, exc: ValidationError):
    errors = [
        {
            "field": _field(error.get("loc", [])),
            "message": str(error.get("msg", "")).removeprefix("Value error, "),
            "type": error.get("type", ""),
        }
        for error in exc.errors
    ]
    return on_domain_error(request, InvalidInput.from_errors(errors))


@api.exception_handler(AuthenticationError)
def on_authentication_error(request: HttpRequest, exc: AuthenticationError):
    return api.create_response(
        request,
        {
            "detail": "This operation needs an organiser: send “Authorization: Bearer <token>” "
            "(create a token with `python manage.py create_api_token USERNAME`) or sign in.",
            "code": "not_authenticated",
        },
        status=401,
    )


@api.exception_handler(AuthorizationError)
def on_authorization_error(request: HttpRequest, exc: AuthorizationError):
    return api.create_response(
        request,
        {"detail": str(exc) or "You may not do this.", "code": "permission_denied"},
        status=403,
    )
