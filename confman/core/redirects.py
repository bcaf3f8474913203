"""Where to send someone back to after a form: the `next` they posted, if it is on this site."""

from django.http import HttpRequest
from django.utils.http import url_has_allowed_host_and_scheme


def next_or(request: HttpRequest, default: str) -> str:
    """The `next` given (posted, or in the query of a GET) when it is a safe address on this
    host (never an open redirect), else `default`."""
    target = (request.POST if request.method == "POST" else request.GET).get("next", "")
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return default
