"""The Stripe client: its transport (a fake one in tests), and Stripe's failures as errors that
say what to do."""

import logging
from collections.abc import Callable
from functools import cache
from typing import TypeVar

import stripe
from django.conf import settings
from django.utils.translation import gettext as _

from confman.core.exceptions import DomainError
from events.models import Event

logger = logging.getLogger(__name__)

# The transport under the Stripe library. None: the library's `requests` client with our timeout;
# tests put a fake here that answers like Stripe's API.
HTTP_CLIENT: stripe.HTTPClient | None = None

HTTP_TIMEOUT = 20  # seconds for one call to Stripe

MAX_NETWORK_RETRIES = 2  # safe: every call that changes something has an idempotency key


class PaymentsNotSetUp(DomainError):
    status = 409
    code = "payments_not_set_up"


class PaymentsUnavailable(DomainError):
    """Stripe could not be reached, or asked us to slow down: try again shortly."""

    status = 503
    code = "payments_unavailable"


class PaymentProviderError(DomainError):
    """Stripe refused what we asked."""

    status = 502
    code = "payment_provider_error"


def payments_not_set_up(event: Event | None = None) -> PaymentsNotSetUp:
    if event is None:
        message = _(
            "Payments are not set up for this installation, so paid tickets cannot be bought "
            "online. Please contact the organisers."
        )
    elif event.contact_email:
        message = _(
            "Payments are not set up for this installation, so paid tickets for %(event)s cannot "
            "be bought online. Please contact the organisers (%(contact)s)."
        ) % {"event": event.title, "contact": event.contact_email}
    else:
        message = _(
            "Payments are not set up for this installation, so paid tickets for %(event)s cannot "
            "be bought online. Please contact the organisers."
        ) % {"event": event.title}
    return PaymentsNotSetUp(message)


T = TypeVar("T")


def stripe_call(call: Callable[[], T]) -> T:
    """Make one Stripe call; its failures become errors that say what to do."""
    try:
        return call()
    except (stripe.APIConnectionError, stripe.RateLimitError, stripe.APIError) as exc:
        logger.warning("Stripe unavailable: %s", exc)
        raise PaymentsUnavailable(
            _("The payment service cannot be reached at the moment; try again in a minute.")
        ) from exc
    except stripe.StripeError as exc:
        logger.error("Stripe refused a request: %s", exc)
        raise PaymentProviderError(
            _("The payment service refused the request (%(problem)s). Please tell the organisers.")
            % {"problem": exc.user_message or exc.code or type(exc).__name__}
        ) from exc


def payments_configured() -> bool:
    """Whether this installation can take payments (has a Stripe secret key)."""
    return bool(settings.STRIPE_SECRET_KEY)


@cache
def _default_http_client() -> stripe.HTTPClient:
    return stripe.RequestsClient(timeout=HTTP_TIMEOUT)


def stripe_client() -> stripe.StripeClient:
    if not payments_configured():
        raise payments_not_set_up()
    return stripe.StripeClient(
        settings.STRIPE_SECRET_KEY,
        http_client=HTTP_CLIENT or _default_http_client(),
        max_network_retries=MAX_NETWORK_RETRIES,
    )
