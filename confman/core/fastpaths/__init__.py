"""Fast paths: the few places where confman relies on Django's internals for speed.

Each one is justified by a benchmark, can be switched off (FAST_PATHS_OFF, a comma-separated
list of the names below) and has a test that holds it to Django's own behaviour, so that a
Django upgrade that breaks one is answered by switching it off until it is mended. Name (module):
its benchmark; its test.

- prepared_queries (prepared.py): bench/checkin.py; tests/core/test_prepared.py
- api_handler (handler.py): bench/checkin.py; tests/core/test_handler.py
- sqlite_pool (sqlite/, a database ENGINE): bench/checkin.py; tests/core/test_sqlite_backend.py
- collector (collector.py): bench/checkin.py, bench/live_fanout.py; tests/core/test_collector.py
- websocket_protocol (websocket.py, given to uvicorn as --ws): bench/live_fanout.py;
  tests/core/test_websocket_protocol.py

Switched off: PreparedQuery evaluates its queryset through the ORM, confman.asgi serves the API
with Django's ASGIHandler, SQLite uses django.db.backends.sqlite3, the garbage collector
keeps Python's defaults, and the WebSocket protocol is uvicorn's own."""

from django.conf import settings

NAMES = ("prepared_queries", "api_handler", "sqlite_pool", "collector", "websocket_protocol")


def enabled(name: str) -> bool:
    """Whether the fast path `name` is on (settings.FAST_PATHS, from FAST_PATHS_OFF)."""
    return settings.FAST_PATHS[name]
