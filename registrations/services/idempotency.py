"""Idempotent requests (the `Idempotency-Key` header, as Stripe's API takes it): a client that
sent a registration and lost the answer (a dropped connection, a worker killed after the
commit) sends it again with the same key and gets the first answer, with nothing done twice.

The key is claimed by inserting its row in the same transaction as the work and its answer, so
either all three are committed or none is: a retry after a rollback simply does the work; a
retry while the first is still running waits on the row, then gets its answer. The same key
with another request (another address, caller or body) is refused. Answers are kept a day."""

import hashlib
from collections.abc import Callable
from datetime import timedelta
from typing import Any

from django.db import IntegrityError, transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from confman.core.exceptions import DomainError
from registrations.models import IdempotentRequest

KEEP = timedelta(hours=24)
KEY_PATTERN = r"^[\x21-\x7e]{1,255}$"  # printable ASCII, as a UUID or a random token is


def request_digest(request: HttpRequest) -> str:
    caller = request.user.pk if request.user.is_authenticated else ""
    head = f"{request.method} {request.get_full_path()}\n{caller}\n".encode()
    return hashlib.sha256(head + request.body).hexdigest()


def idempotent(
    request: HttpRequest,
    operation: str,
    key: str | None,
    work: Callable[[], tuple[int, Any]],
    encode: Callable[[Any], Any],
) -> tuple[int, Any]:
    """(status, answer) of `work()`, run at most once per (operation, key) while the answer is
    kept: with a key, the answer is `encode(result)` (its JSON, kept for the retries); without
    one, `work()` as it is (nothing is encoded twice). Only answers are kept: an error leaves
    nothing, so the retry does the work (and most likely meets the same error)."""
    if not key:
        return work()
    digest = request_digest(request)
    with transaction.atomic():
        try:
            with transaction.atomic():
                claim = IdempotentRequest.objects.create(
                    operation=operation, key=key, digest=digest
                )
        except IntegrityError:
            earlier = IdempotentRequest.objects.get(operation=operation, key=key)
            if earlier.digest != digest:
                raise DomainError(
                    _(
                        "This Idempotency-Key was already used for another request; give each "
                        "new request a new key, and the same key only to a retry of the same "
                        "request."
                    ),
                    code="idempotency_key_reused",
                    status=422,
                ) from None
            return earlier.status, earlier.body
        status, result = work()
        body = encode(result)
        claim.status, claim.body = status, body
        claim.save(update_fields=["status", "body"])
    IdempotentRequest.objects.filter(created_at__lt=timezone.now() - KEEP).delete()
    return status, body
