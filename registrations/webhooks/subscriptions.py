"""Which event types an event's active endpoints want, asked on every registration change,
scan and programme update, so it must cost next to nothing: each process keeps the answer for
MEMO_SECONDS; behind that, the shared cache (Redis), kept current by the endpoints' writes, or
one query when the cache is per process. Most events have no endpoint.

So a change to an endpoint (added, paused, resumed, deleted) is seen at once by the process that
made it (its writes forget the answer, and so does any save of an endpoint, post_save and
post_delete), and by the others within MEMO_SECONDS. A delivery checks its endpoint again when
it is sent, so a paused or deleted endpoint is never sent to."""

import time

from django.core.cache import caches
from django.core.cache.backends.locmem import LocMemCache

from registrations.models import WebhookEndpoint

CACHE_SECONDS = 60  # bounds how long a read racing with a change can keep it stale
MEMO_SECONDS = 10  # how long another process may go on with an answer it read

# event id -> (until, types), this process's own
_memo: dict[int, tuple[float, frozenset[str]]] = {}


def _key(event_id: int) -> str:
    return f"webhooks:types:{event_id}"


def _shared() -> bool:
    # A per-process cache would keep another process's change from this one: not used.
    return not isinstance(caches["default"], LocMemCache)


def _read(event_id: int) -> frozenset[str]:
    wanted: set[str] = set()
    for types in WebhookEndpoint.objects.filter(
        event_id=event_id, paused_at__isnull=True
    ).values_list("event_types", flat=True):
        wanted.update(types)
    return frozenset(wanted)


def _cached(event_id: int) -> frozenset[str]:
    if not _shared():
        return _read(event_id)
    found = caches["default"].get(_key(event_id))
    if found is None:
        found = _read(event_id)
        caches["default"].set(_key(event_id), found, CACHE_SECONDS)
    return found


def subscribed_types(event_id: int) -> frozenset[str]:
    now = time.monotonic()
    memo = _memo.get(event_id)
    if memo is not None and memo[0] > now:
        return memo[1]
    found = _cached(event_id)
    _memo[event_id] = (now + MEMO_SECONDS, found)
    return found


def subscribed_forget(event_id: int) -> None:
    _memo.pop(event_id, None)
    if _shared():
        caches["default"].delete(_key(event_id))


def on_endpoint_saved(sender, instance: WebhookEndpoint, **kwargs) -> None:
    """post_save and post_delete of an endpoint, however it was written."""
    subscribed_forget(instance.event_id)
