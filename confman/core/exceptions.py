"""The one error type our services raise. The API's exception handler and the HTML views'
helper both turn it into a 4xx whose message says what was wrong and how to fix it."""

from typing import Any

from django.utils.translation import gettext as _


class DomainError(Exception):
    status = 400
    code = "invalid"

    def __init__(
        self,
        message: str,
        *,
        code: str | None = None,
        status: int | None = None,
        details: dict[str, Any] | None = None,
        errors: list[dict[str, str]] | None = None,
    ):
        super().__init__(message)
        self.message = str(message)
        if code is not None:
            self.code = code
        if status is not None:
            self.status = status
        self.details = details or {}
        # Per-field problems, in the shape the API uses for invalid input:
        # [{"field": "end_date", "message": "...", "type": "..."}]
        self.errors = errors or []

    def as_dict(self) -> dict[str, Any]:
        payload: dict[str, Any] = {"detail": self.message, "code": self.code}
        if self.errors:
            payload["errors"] = self.errors
        if self.details:
            payload["details"] = self.details
        return payload


class InvalidInput(DomainError):
    status = 422
    code = "validation_error"

    @classmethod
    def from_errors(cls, errors: list[dict[str, str]]) -> "InvalidInput":
        summary = "; ".join(f"{error['field']}: {error['message']}" for error in errors)
        return cls(
            _("The request is not valid. %(problems)s") % {"problems": summary}, errors=errors
        )

    @classmethod
    def for_fields(cls, problems: dict[str, list[str]]) -> "InvalidInput":
        return cls.from_errors(
            [
                {"field": field, "message": message, "type": "invalid"}
                for field, messages in problems.items()
                for message in messages
            ]
        )


class NotAuthenticated(DomainError):
    status = 401
    code = "not_authenticated"


class PermissionDenied(DomainError):
    status = 403
    code = "permission_denied"


class NotFound(DomainError):
    status = 404
    code = "not_found"


class Conflict(DomainError):
    status = 409
    code = "conflict"


def out_of_range() -> InvalidInput:
    """A number too large for the database, or a date past year 9999 once a zone is applied:
    always something the caller typed, so a 422 rather than a 500."""
    return InvalidInput(
        _(
            "A number or a date in the request is out of range. Use ids as listed by the API "
            "and dates between the years 1 and 9999."
        ),
        code="out_of_range",
    )
