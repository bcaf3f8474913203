"""Rate limits of what anyone, or a guessing device, can repeat: registering, scanning badges,
opening private links. django-ninja's throttling, counted in the cache per signed-in user or
per client address, answered 429 with Retry-After: the API's operations take ScopeThrottle
(confman/api.py words the message), pages take page_rate_limit. The rates are
settings.API_RATE_LIMITS (from the environment), read on each request; a scope without a rate
("off") is not limited. A page and an API operation of one scope share their count."""

import math
from collections.abc import Callable
from functools import wraps

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import ngettext
from ninja.throttling import SimpleRateThrottle


class ScopeThrottle(SimpleRateThrottle):
    def __init__(self, scope: str):  # the rate is read per request, not here
        self.scope = scope
        self.rate = None

    def allow_request(self, request: HttpRequest) -> bool:
        self.rate = settings.API_RATE_LIMITS.get(self.scope)
        if not self.rate:
            return True
        self.num_requests, self.duration = self.parse_rate(self.rate)
        return super().allow_request(request)

    def get_cache_key(self, request: HttpRequest) -> str:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            ident = f"user-{user.pk}"
        else:
            ident = f"addr-{self.get_ident(request)}"
        return f"throttle:{self.scope}:{ident}"


def too_many_message(seconds: int) -> str:
    return ngettext(
        "Too many requests from you in a short time; wait %(seconds)s second and try again.",
        "Too many requests from you in a short time; wait %(seconds)s seconds and try again.",
        seconds,
    ) % {"seconds": seconds}


def page_rate_limit(scope: str, methods: tuple[str, ...] = ("POST",)) -> Callable:
    """A page's view limited, for these methods, like the API's operations of `scope`."""

    def decorate(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @wraps(view)
        def limited(request: HttpRequest, *args, **kwargs) -> HttpResponse:
            if request.method in methods:
                throttle = ScopeThrottle(scope)
                if not throttle.allow_request(request):
                    seconds = max(1, math.ceil(throttle.wait() or 1))
                    response = render(
                        request,
                        "error.html",
                        {"status": 429, "message": too_many_message(seconds)},
                        status=429,
                    )
                    response["Retry-After"] = str(seconds)
                    return response
            return view(request, *args, **kwargs)

        return limited

    return decorate
