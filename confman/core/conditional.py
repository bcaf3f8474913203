"""Conditional GET: does the client already hold this version (If-None-Match)?"""

from django.http import HttpRequest
from django.utils.http import parse_etags


def etag_matches(request: HttpRequest, etag: str) -> bool:
    """`etag` quoted, as sent in the ETag header. Weak tags (W/) compare equal, as RFC 9110
    asks for If-None-Match; `*` matches anything."""
    wanted = parse_etags(request.headers.get("If-None-Match", ""))
    return "*" in wanted or any(tag.removeprefix("W/") == etag for tag in wanted)


def accepts_gzip(request: HttpRequest) -> bool:
    """Whether the client takes gzip: named in Accept-Encoding, and not with q=0 (which Django's
    own check, a search for the word, reads as yes)."""
    for item in request.META.get("HTTP_ACCEPT_ENCODING", "").split(","):
        coding, _sep, params = item.strip().partition(";")
        if coding.strip().lower() == "gzip":
            return params.replace(" ", "") not in ("q=0", "q=0.0", "q=0.00", "q=0.000")
    return False
