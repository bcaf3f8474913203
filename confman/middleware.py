from django.http import HttpRequest
from django.shortcuts import render

from confman.exceptions import DomainError


class DomainErrorMiddleware:
    """Pages raise DomainError like services do; this renders it as a page with its 4xx status
    and the message that says what to do."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest):
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception):
        if not isinstance(exception, DomainError):
            return None
        return render(
            request,
            "error.html",
            {"status": exception.status, "message": exception.message, "code": exception.code},
            status=exception.status,
        )
