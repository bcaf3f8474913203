"""What django-axes answers once an account has had too many wrong passwords from one
address (settings.AXES_*): a page in the reader's language saying how long to wait, with 429
and Retry-After; and the client's address as the rest of the site sees it (behind the TLS
proxy, the one the proxy adds, never a header the client could write)."""

import math

from axes.helpers import get_cool_off
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from ninja.throttling import BaseThrottle


def locked_out(request: HttpRequest, original_response=None, credentials=None) -> HttpResponse:
    cool_off = get_cool_off(request)
    seconds = int(cool_off.total_seconds()) if cool_off else 0
    response = render(
        request,
        "registration/locked.html",
        {"minutes": max(1, math.ceil(seconds / 60))},
        status=429,
    )
    if seconds:
        response["Retry-After"] = str(seconds)
    return response


def client_ip(request: HttpRequest) -> str | None:
    """The address the API's and pages' rate limits count by (ninja's, NINJA_NUM_PROXIES)."""
    return BaseThrottle().get_ident(request)
