"""Who is calling the API: an organiser's bearer token or the browser's session cookie."""

from datetime import timedelta

from django.contrib.auth.models import AnonymousUser, User
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja.security import HttpBearer, SessionAuth
from ninja.utils import check_csrf

from confman.exceptions import NotAuthenticated, PermissionDenied
from confman.prepared import PreparedQuery
from events.models import ApiToken, hash_token

# Writing last_used_at on every call would turn each read into a write.
LAST_USED_RESOLUTION = timedelta(minutes=1)

# Every API call of a check-in desk starts here (see confman.prepared).
_TOKEN = PreparedQuery(
    lambda p: ApiToken.objects.select_related("user").filter(
        token_hash=p.str("hash"), revoked_at__isnull=True
    )
)


def user_for_token(plaintext: str) -> User:
    try:
        token = _TOKEN.get(hash=hash_token(plaintext))
    except ApiToken.DoesNotExist:
        token = None
    now = timezone.now()
    if token is None or not token.user.is_active:
        raise NotAuthenticated(
            _(
                "This API token is not valid: it is unknown or was revoked. Create a new one in "
                "the back office (API tokens) or with `python manage.py create_api_token USERNAME`."
            )
        )
    if token.expires_at is not None and token.expires_at <= now:
        raise NotAuthenticated(
            _("This API token expired at %(when)s. Create a new one.")
            % {"when": token.expires_at.isoformat()}
        )
    if token.last_used_at is None or now - token.last_used_at > LAST_USED_RESOLUTION:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.user


class ApiTokenAuth(HttpBearer):
    """`Authorization: Bearer cm_…`. A wrong token is a 401 that says so, never a silent
    fallback to anonymous."""

    def authenticate(self, request: HttpRequest, token: str) -> User:
        user = user_for_token(token)
        request.user = user
        return user


class BrowserSessionAuth(SessionAuth):
    """A signed-in browser. Anonymous callers fall through to a 401 (ninja's own SessionAuth
    checks CSRF first and answers them 403); signed-in ones must send the CSRF token."""

    def _get_key(self, request: HttpRequest) -> str | None:
        if not request.user.is_authenticated:
            return None
        if check_csrf(request):
            raise PermissionDenied(
                _(
                    "The CSRF token is missing or wrong. Send the csrftoken cookie's value in "
                    "an X-CSRFToken header, or use an API token instead of the session."
                ),
                code="csrf_failed",
            )
        return request.COOKIES.get(self.param_name)


token_auth = ApiTokenAuth()
session_auth = BrowserSessionAuth()
# Operations that change things: a token or a signed-in browser (with its CSRF token).
ORGANISER_AUTH = [token_auth, session_auth]


def request_user(request: HttpRequest) -> User | AnonymousUser:
    """The caller of a read operation: the token's user if a bearer token is sent (and valid),
    else the session's user, possibly anonymous."""
    header = request.headers.get("Authorization", "")
    scheme, _, credentials = header.partition(" ")
    if scheme.lower() == "bearer" and credentials.strip():
        request.user = user_for_token(credentials.strip())
    elif header:
        raise NotAuthenticated(_("The Authorization header must be “Bearer <token>”."))
    return request.user
