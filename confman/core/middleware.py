import re
import secrets
import struct
import zlib
from collections.abc import AsyncIterable, AsyncIterator, Iterable, Iterator
from typing import Any

from asgiref.sync import iscoroutinefunction, markcoroutinefunction
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest, JsonResponse
from django.middleware.gzip import GZipMiddleware
from django.shortcuts import render
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _

from confman.core.conditional import accepts_gzip
from confman.core.exceptions import DomainError, out_of_range

# What is worth compressing: text, JSON, JavaScript, XML and SVG. Images, fonts, PDFs and
# archives are compressed already; an event stream is never (see CompressionMiddleware).
COMPRESSIBLE = re.compile(
    r"^(text/(?!event-stream)|application/(json|javascript|xml|[\w.+-]+\+(json|xml))|image/svg\+xml)",
    re.IGNORECASE,
)


class AroundMiddleware:
    """A middleware that works around the view on whichever side Django calls it: in the API's
    thread (synchronously) and on the event loop for pages, without the trips to a thread that
    Django's MiddlewareMixin makes for its hooks there. `before` returns what `after` needs."""

    sync_capable = True
    async_capable = True

    def __init__(self, get_response):
        self.get_response = get_response
        self.is_async = iscoroutinefunction(get_response)
        if self.is_async:
            markcoroutinefunction(self)

    def before(self, request: HttpRequest) -> Any:
        return None

    def after(self, request: HttpRequest, response: HttpResponse, before: Any) -> None:
        pass

    def __call__(self, request: HttpRequest):
        if self.is_async:
            return self.__acall__(request)
        before = self.before(request)
        response = self.get_response(request)
        self.after(request, response, before)
        return response

    async def __acall__(self, request: HttpRequest) -> HttpResponse:
        before = self.before(request)
        response = await self.get_response(request)
        self.after(request, response, before)
        return response


class DomainErrorMiddleware:
    """Pages raise DomainError like services do; this renders it as a page with its 4xx status
    and the message that says what to do."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest):
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception):
        if isinstance(exception, OverflowError):
            exception = out_of_range()
        if not isinstance(exception, DomainError):
            return None
        return render(
            request,
            "error.html",
            {"status": exception.status, "message": exception.message, "code": exception.code},
            status=exception.status,
        )


class RejectNulCharactersMiddleware:
    """The NUL character cannot be stored in PostgreSQL text; refuse it in the address, the
    query string and a submitted form with a 400 rather than fail deep inside with a 500 (JSON
    bodies: confman.core.parser.JsonParser)."""

    FORMS = ("application/x-www-form-urlencoded", "multipart/form-data")

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest):
        if "\x00" in request.path or _has_nul(request.GET):
            message = _("The address contains the NUL character (%00); remove it and try again.")
        elif request.content_type in self.FORMS and _has_nul(request.POST):
            message = _("The form contains the NUL character; remove it and send it again.")
        else:
            return self.get_response(request)
        if request.path.startswith("/api/"):
            return JsonResponse({"detail": message, "code": "nul_character"}, status=400)
        return HttpResponseBadRequest(message, content_type="text/plain; charset=utf-8")


def _has_nul(query) -> bool:
    return any(
        "\x00" in key or any("\x00" in value for value in values) for key, values in query.lists()
    )


# A streamed answer shorter than this (a small icon, a short script) is sent as it is: gzip's
# header, trailer and random name would take most of what it saves.
MIN_STREAMED = 1024


class CompressionMiddleware(GZipMiddleware):
    """Django's GZipMiddleware, with its BREACH mitigation (random bytes in each gzip header),
    for the pages, the API's JSON and, in development, the static files (in production
    whitenoise serves the copies collectstatic compressed; in DEBUG there are none).

    Three changes. Only text is compressed: images, fonts and PDFs are compressed already.
    Never an event stream (the live page's: gzip would hold small events back), a partial
    (206) or an empty answer. And a streamed answer is compressed piece by piece, each flushed
    at once, so that a CSV export still arrives as it is written (Django 5.2 holds the pieces
    back until zlib has a block to give).

    A compressed answer's ETag is weak (RFC 9110). A client sends it back as it got it;
    If-None-Match compares weakly anyway, so the W/ is taken off the request's tags for
    whitenoise, which compares them as plain strings."""

    async def __acall__(self, request: HttpRequest) -> HttpResponse:
        # Both steps are quick and read no database: they run on the event loop, not through
        # MiddlewareMixin's two thread hops per request, which cost a check-in scan ~1.5 ms of
        # server CPU (bench/checkin.py).
        self.process_request(request)
        response = await self.get_response(request)
        return self.process_response(request, response)

    def process_request(self, request: HttpRequest) -> None:
        tags = request.META.get("HTTP_IF_NONE_MATCH")
        if tags and "W/" in tags:
            request.META["HTTP_IF_NONE_MATCH"] = tags.replace('W/"', '"')
            request.__dict__.pop("headers", None)  # read again from META
            request.weak_etags = True

    def process_response(self, request: HttpRequest, response: HttpResponse) -> HttpResponse:
        etag = response.get("ETag", "")
        if response.status_code == 304 and getattr(request, "weak_etags", False):
            # Confirms the compressed copy the client holds: its tag as the client has it (a
            # client that takes no gzip holds the plain copy, whose tag stays strong).
            if etag.startswith('"') and accepts_gzip(request):
                response["ETag"] = "W/" + etag
            patch_vary_headers(response, ("Accept-Encoding",))
            return response
        if (
            response.status_code in (204, 206, 304)
            or response.has_header("Content-Range")
            or not COMPRESSIBLE.match(response.get("Content-Type", ""))
        ):
            return response
        if not accepts_gzip(request):
            if not response.has_header("Content-Encoding"):
                patch_vary_headers(response, ("Accept-Encoding",))
            return response
        if not response.streaming:
            return super().process_response(request, response)
        if response.has_header("Content-Encoding") or (
            int(response.get("Content-Length") or MIN_STREAMED) < MIN_STREAMED
        ):
            return response
        patch_vary_headers(response, ("Accept-Encoding",))
        gzip = _GzipStream(self.max_random_bytes)
        response.streaming_content = (
            gzip.async_pieces(response.streaming_content)
            if response.is_async
            else gzip.pieces(response.streaming_content)
        )
        del response["Content-Length"]
        if etag.startswith('"'):
            response["ETag"] = "W/" + etag
        response["Content-Encoding"] = "gzip"
        return response


class _GzipStream:
    """One gzip member, written as the pieces come, each flushed (Z_SYNC_FLUSH) so that the
    client can read it at once; the header names a file of random length (BREACH), as
    Django's compress_string does."""

    def __init__(self, max_random_bytes: int):
        name = b"a" * secrets.randbelow(max_random_bytes) + b"\x00"
        # Magic, deflate, FNAME flag, no mtime, no extra flags, unknown OS; then the name.
        self.header = b"\x1f\x8b\x08\x08\x00\x00\x00\x00\x00\xff" + name
        self.deflate = zlib.compressobj(6, zlib.DEFLATED, -zlib.MAX_WBITS)
        self.crc = 0
        self.size = 0

    def piece(self, chunk: bytes | str | memoryview) -> bytes:
        data = chunk.encode() if isinstance(chunk, str) else bytes(chunk)
        self.crc = zlib.crc32(data, self.crc)
        self.size += len(data)
        out = self.header + self.deflate.compress(data) + self.deflate.flush(zlib.Z_SYNC_FLUSH)
        self.header = b""
        return out

    def end(self) -> bytes:
        tail = self.deflate.flush() + struct.pack("<II", self.crc, self.size & 0xFFFFFFFF)
        return self.header + tail

    def pieces(self, chunks: Iterable) -> Iterator[bytes]:
        for chunk in chunks:
            yield self.piece(chunk)
        yield self.end()

    async def async_pieces(self, chunks: AsyncIterable) -> AsyncIterator[bytes]:
        async for chunk in chunks:
            yield self.piece(chunk)
        yield self.end()
