"""Conditional GET: does the client already hold this version (If-None-Match)?"""

from django.http import HttpRequest
from django.utils.http import parse_etags


def etag_matches(request: HttpRequest, etag: str) -> bool:
    """`etag` quoted, as sent in the ETag header. Weak tags (W/) compare equal, as RFC 9110
    asks for If-None-Match; `*` matches anything."""
    wanted = parse_etags(request.headers.get("If-None-Match", ""))
    return "*" in wanted or any(tag.removeprefix("W/") == etag for tag in wanted)
