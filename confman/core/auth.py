"""Who is calling the API: an organiser's bearer token or the browser's session cookie."""

from functools import cache

from django.conf import settings
from django.contrib.auth.models import AnonymousUser, User
from django.http import HttpRequest
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _
from ninja.security import HttpBearer, SessionAuth
from ninja.utils import check_csrf

from confman.core.exceptions import NotAuthenticated, PermissionDenied

SAFE_METHODS = ("GET", "HEAD", "OPTIONS", "TRACE")


@cache
def _authenticate_token():
    # The events app keeps the tokens; settings.API_TOKEN_AUTHENTICATE names its function, so
    # that this floor imports no app.
    return import_string(settings.API_TOKEN_AUTHENTICATE)


def user_for_token(plaintext: str) -> User:
    """The active user whose API token this is, or NotAuthenticated saying why not."""
    return _authenticate_token()(plaintext)


class ApiTokenAuth(HttpBearer):
    """`Authorization: Bearer cm_…`. A wrong token is a 401 that says so, never a silent
    fallback to anonymous."""

    def authenticate(self, request: HttpRequest, token: str) -> User:
        user = user_for_token(token)
        request.user = user
        return user


def require_csrf(request: HttpRequest) -> None:
    """A call that acts as the browser session's signed-in user must carry the CSRF token,
    whatever its content type (a text/plain form post from another site carries the cookie
    but cannot read the token)."""
    if check_csrf(request):
        raise PermissionDenied(
            _(
                "The CSRF token is missing or wrong. Send the csrftoken cookie's value in "
                "an X-CSRFToken header, or use an API token instead of the session."
            ),
            code="csrf_failed",
        )


class BrowserSessionAuth(SessionAuth):
    """A signed-in browser. Anonymous callers fall through to a 401 (ninja's own SessionAuth
    checks CSRF first and answers them 403); signed-in ones must send the CSRF token."""

    def _get_key(self, request: HttpRequest) -> str | None:
        if not request.user.is_authenticated:
            return None
        require_csrf(request)
        return request.COOKIES.get(self.param_name)


token_auth = ApiTokenAuth()
session_auth = BrowserSessionAuth()
# Operations that change things: a token or a signed-in browser (with its CSRF token).
ORGANISER_AUTH = [token_auth, session_auth]


def request_user(request: HttpRequest) -> User | AnonymousUser:
    """The caller of an operation open to everyone: the token's user if a bearer token is sent
    (and valid), else the session's user, possibly anonymous. A write as the session's
    signed-in user needs the CSRF token, as ORGANISER_AUTH's do."""
    header = request.headers.get("Authorization", "")
    scheme, _, credentials = header.partition(" ")
    if scheme.lower() == "bearer" and credentials.strip():
        request.user = user_for_token(credentials.strip())
    elif header:
        raise NotAuthenticated(_("The Authorization header must be “Bearer <token>”."))
    elif request.method not in SAFE_METHODS and request.user.is_authenticated:
        require_csrf(request)
    return request.user
