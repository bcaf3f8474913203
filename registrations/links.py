"""The links that open something without a password: the attendee's private link to their
registration (signed, expiring, no account needed), and the sign-in link mailed to an address
(signed, single use, short-lived)."""

from datetime import timedelta

from django.contrib.auth.models import User
from django.core import signing
from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.translation import gettext as _

from confman.core.exceptions import DomainError, NotFound
from registrations.models import Registration

MAGIC_LINK_SALT = "confman.registration"
# Long enough for someone who registers months ahead to use it at and after the event.
MAGIC_LINK_DAYS = 400
SIGN_IN_SALT = "confman.email-sign-in"
SIGN_IN_MINUTES = 30


def magic_token(registration: Registration) -> str:
    """The secret part of the attendee's self-service link: signed, expiring, no account."""
    return signing.dumps(
        {"r": registration.pk, "ref": registration.reference}, salt=MAGIC_LINK_SALT
    )


def registration_for_token(token: str) -> Registration:
    try:
        data = signing.loads(token, salt=MAGIC_LINK_SALT, max_age=timedelta(days=MAGIC_LINK_DAYS))
    except signing.SignatureExpired:
        raise DomainError(
            _("This link has expired. Ask the organisers for a new one."),
            code="link_expired",
            status=410,
        ) from None
    except signing.BadSignature:
        raise NotFound(_("This link is not valid; check that it was copied whole.")) from None
    registration = (
        Registration.objects.select_related("event", "ticket", "organization")
        .filter(pk=data.get("r"), reference=data.get("ref"))
        .first()
    )
    if registration is None:
        raise NotFound(_("This registration no longer exists."))
    return registration


def _state(user: User) -> str:
    """Changes when the user signs in (last_login) or changes password or address: a link
    works once."""
    raw = f"{user.pk}|{user.password}|{user.last_login}|{user.email}"
    return salted_hmac(SIGN_IN_SALT, raw).hexdigest()[:32]


def sign_in_token(user: User) -> str:
    return signing.dumps({"u": user.pk, "s": _state(user)}, salt=SIGN_IN_SALT)


def user_for_sign_in_token(token: str) -> User | None:
    """The account a sign-in link opens, or None when it is not valid, was used, or is older
    than SIGN_IN_MINUTES."""
    try:
        data = signing.loads(token, salt=SIGN_IN_SALT, max_age=timedelta(minutes=SIGN_IN_MINUTES))
    except signing.BadSignature:  # SignatureExpired is one too
        return None
    user = User.objects.filter(pk=data.get("u"), is_active=True).first()
    if user is None or not constant_time_compare(str(data.get("s", "")), _state(user)):
        return None
    return user


# --- unsubscribing from change notices (the link in each notice and its List-Unsubscribe) ---

UNSUBSCRIBE_SALT = "confman.notices.unsubscribe"


def unsubscribe_token(email: str, event_id: int, kind: str = "") -> str:
    """For one address, one event, one kind of notice ("" for all): no expiry, as the mail
    that carries it may be read months later."""
    return signing.dumps(
        {"e": email.strip().lower(), "v": event_id, "k": kind}, salt=UNSUBSCRIBE_SALT
    )


def unsubscribe_for_token(token: str) -> tuple[str, int, str] | None:
    try:
        data = signing.loads(token, salt=UNSUBSCRIBE_SALT)
    except signing.BadSignature:
        return None
    if not isinstance(data, dict) or not isinstance(data.get("v"), int):
        return None
    return str(data.get("e", "")), data["v"], str(data.get("k", ""))
