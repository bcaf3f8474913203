"""The time each HTTP request takes, for Prometheus (the endpoint and the figures read from the
database are the project's: confman/metrics.py).

Labelled by the URL pattern that answered (`events/<slug:slug>/agenda/`, never the address
itself, so the number of series stays bounded), the method and the status class. The time is
up to the response's headers: a stream's body (the live page's events, an export) is not
counted. Pages and the API alike: the API's fast path (confman.core.fastpaths.handler) runs the
same middleware list in its thread."""

import time

from django.http import HttpRequest, HttpResponse
from prometheus_client import Histogram

from confman.core.language import site_languages
from confman.core.middleware import AroundMiddleware

REQUEST_SECONDS = Histogram(
    "confman_http_request_duration_seconds",
    "Time to answer an HTTP request up to its headers, by URL pattern, method and status "
    "class (per web process, summed over processes in multiprocess mode).",
    ["route", "method", "status"],
)
METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})
# Answered before an address was matched: static files, redirects, an address with no page.
UNMATCHED = "unmatched"


def route_of(request: HttpRequest) -> str:
    """The URL pattern that answered, without the language prefix (`ru/events/…` is
    `events/…`: one series per page, not per page and language)."""
    match = getattr(request, "resolver_match", None)
    if match is None or not match.route:
        return UNMATCHED
    route = match.route
    for code in site_languages()[1:]:
        if route.startswith(f"{code}/"):
            return route.removeprefix(f"{code}/")
    return route


def observe(request: HttpRequest, response: HttpResponse, seconds: float) -> None:
    method = request.method if request.method in METHODS else "other"
    status = f"{response.status_code // 100}xx"
    REQUEST_SECONDS.labels(route_of(request), method, status).observe(seconds)


class RequestMetricsMiddleware(AroundMiddleware):
    """Times every request; first in MIDDLEWARE, so that the others' time counts too. Runs
    on the event loop for pages and in the API's thread for the API, never hopping between
    them."""

    def before(self, request: HttpRequest) -> float:
        return time.perf_counter()

    def after(self, request: HttpRequest, response: HttpResponse, before: float) -> None:
        observe(request, response, time.perf_counter() - before)
