"""Rate limits of the API's writes that anyone, or a guessing device, can repeat (registering,
scanning badges): django-ninja's throttling, counted in the cache per signed-in user or per
client address, answered 429 with Retry-After (confman/api.py words the message). The rates
are settings.API_RATE_LIMITS (from the environment), read on each request; a scope without a
rate is not limited."""

from django.conf import settings
from django.http import HttpRequest
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
