"""What the live channel reads when a socket connects, done once and shared by every socket of
the process: the event (its summary, encoded) for a few seconds, and the snapshot, which is the
same for every viewer with the same access at the same update number, built once, encoded once,
and reused for FRESH seconds or until a later update. Sockets that connect together (a storm of
reconnections after a restart) wait for the one build in flight instead of each making their
own. Built in a worker thread of its own (not the one thread shared by every consumer's
database work), so that a build does not queue behind the rest."""

import asyncio
import json
import time
from collections import OrderedDict
from dataclasses import dataclass

from channels.db import database_sync_to_async
from django.core.serializers.json import DjangoJSONEncoder

from events.models import Event
from events.selectors import event_with_venue
from livestream.access import Access
from livestream.broadcast import event_payload
from livestream.schemas import LiveSnapshotOut
from livestream.selectors import for_viewer, snapshot

FRESH = 5.0  # seconds a snapshot or an event is reused: now and next move on with the clock


def encode(content) -> str:
    return json.dumps(content, cls=DjangoJSONEncoder, ensure_ascii=False)


@dataclass(frozen=True)
class Built:
    sequence: int
    text: str  # the snapshot as JSON, ready to splice into the hello frame
    at: float  # time.monotonic() when built


@dataclass(frozen=True)
class Found:
    event: Event
    payload_text: str  # its summary (EventSummaryOut) as JSON
    at: float


_snapshots: dict[tuple[int, str], Built] = {}
_events: dict[str, Found] = {}
# Builds in flight, per event loop (a future cannot cross loops; tests run several).
_flights: dict[tuple[int, tuple], asyncio.Future] = {}


def _build(event: Event, access: Access) -> Built:
    state = LiveSnapshotOut.model_validate(snapshot(event, access)).model_dump(mode="json")
    return Built(sequence=state["sequence"], text=encode(state), at=time.monotonic())


_build_async = database_sync_to_async(_build, thread_sensitive=False)


async def snapshot_text(event: Event, access: Access, at_least: int = 0) -> Built:
    """The snapshot for this access, at update `at_least` or later, built at most FRESH
    seconds ago."""
    key = (event.pk, access.key)
    found = _snapshots.get(key)
    if found and found.sequence >= at_least and time.monotonic() - found.at < FRESH:
        return found
    flight_key = (id(asyncio.get_running_loop()), key)
    for _attempt in range(2):
        flight = _flights.get(flight_key)
        if flight is None:
            break
        built = await asyncio.shield(flight)
        if built.sequence >= at_least:
            return built
        # Built before the update this socket must see: the next build reads it.
    built = await _fly(flight_key, _build_async(event, access))
    _snapshots[key] = built
    return built


async def _fly(flight_key, reading):
    """Await `reading` with every socket that asks meanwhile (_flights[flight_key]) waiting
    for its one result."""
    flight = asyncio.get_running_loop().create_future()
    _flights[flight_key] = flight
    try:
        result = await reading
    except BaseException as exc:
        flight.set_exception(exc)
        flight.exception()  # retrieved: no "never retrieved" warning without waiters
        raise
    finally:
        if _flights.get(flight_key) is flight:
            del _flights[flight_key]
    flight.set_result(result)
    return result


def _event_of(slug: str) -> Found | None:
    event = event_with_venue(slug=slug)
    if event is None:
        return None
    return Found(event=event, payload_text=encode(event_payload(event)), at=time.monotonic())


_event_async = database_sync_to_async(_event_of, thread_sensitive=False)


async def event_found(slug: str) -> Found | None:
    """The event and its summary, read at most FRESH seconds ago (a draft's return to draft is
    broadcast to the open sockets at once; a new socket may see it that much later). Sockets
    that connect together wait for the one read in flight."""
    found = _events.get(slug)
    if found is not None and time.monotonic() - found.at < FRESH:
        return found
    flight_key = (id(asyncio.get_running_loop()), ("event", slug))
    flight = _flights.get(flight_key)
    if flight is not None:
        return await asyncio.shield(flight)
    found = await _fly(flight_key, _event_async(slug))
    if found is None:
        _events.pop(slug, None)
    else:
        _events[slug] = found
    return found


# Each update as each kind of viewer receives it, encoded once per process: a message reaches
# thousands of sockets here, and all those with the same access send the same text.
_updates: OrderedDict[tuple[int, int, str], str] = OrderedDict()
UPDATES_KEPT = 256


def update_text(event_id: int, message: dict, access: Access) -> str:
    key = (event_id, message["sequence"], access.key)
    text = _updates.get(key)
    if text is None:
        text = encode(for_viewer(message, access))
        _updates[key] = text
        if len(_updates) > UPDATES_KEPT:
            _updates.popitem(last=False)
    return text


def forget_event(slug: str) -> None:
    """The event changed (its status, its details): read it again on the next connect."""
    _events.pop(slug, None)


def forget_all() -> None:
    """Tests: nothing reused from another test's database."""
    _snapshots.clear()
    _events.clear()
    _updates.clear()
