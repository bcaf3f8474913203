"""The attendee's private link to their registration: signed, expiring, no account needed."""

from datetime import timedelta

from django.core import signing
from django.utils.translation import gettext as _

from confman.core.exceptions import DomainError, NotFound
from registrations.models import Registration

MAGIC_LINK_SALT = "confman.registration"
# Long enough for someone who registers months ahead to use it at and after the event.
MAGIC_LINK_DAYS = 400


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
