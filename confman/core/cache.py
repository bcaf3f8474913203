"""The cache, kept optional: when Redis is away, every cache call is a miss (or does nothing),
logged once a minute, and the pages and exports are built from the database as if the cache
were empty. Nothing confman keeps in the cache is needed for correctness: exports rebuild,
the ETag is recomputed from the database."""

import logging
import time
from functools import wraps

from django.core.cache.backends.redis import RedisCache
from redis.exceptions import RedisError

logger = logging.getLogger(__name__)

LOG_EVERY = 60.0  # seconds between two warnings while Redis stays away
_last_warning = 0.0


def _warn(exc: Exception) -> None:
    global _last_warning
    now = time.monotonic()
    if now - _last_warning >= LOG_EVERY:
        _last_warning = now
        logger.warning("The cache is unavailable; serving from the database: %r", exc)


def _or(fallback):
    """The cache operation, or `fallback` (a value, or a function of the call's arguments)
    when Redis cannot be reached."""

    def decorate(method):
        @wraps(method)
        def call(self, *args, **kwargs):
            try:
                return method(self, *args, **kwargs)
            except (RedisError, OSError) as exc:
                _warn(exc)
                return fallback(*args, **kwargs) if callable(fallback) else fallback

        return call

    return decorate


def _default(key, default=None, *args, **kwargs):
    return default


def _clear_own(cache: RedisCache) -> bool:
    """Delete this cache's keys only (those under its KEY_PREFIX), not the whole Redis
    database as Django's clear() does: the channel layer, the live ring and the viewer counts
    live beside them, and so may another site's or test worker's cache."""
    if not cache.key_prefix:
        return RedisCache.clear(cache)
    client = cache._cache.get_client(None, write=True)  # noqa: SLF001 - the cache's own client
    batch = []
    for key in client.scan_iter(match=f"{cache.key_prefix}:*", count=1000):
        batch.append(key)
        if len(batch) == 1000:
            client.delete(*batch)
            batch = []
    if batch:
        client.delete(*batch)
    return True


class ResilientRedisCache(RedisCache):
    """Django's Redis cache whose failures are cache misses (settings.CACHES, with REDIS_URL)."""

    get = _or(_default)(RedisCache.get)
    get_many = _or({})(RedisCache.get_many)
    has_key = _or(False)(RedisCache.has_key)
    set = _or(None)(RedisCache.set)
    add = _or(False)(RedisCache.add)
    touch = _or(False)(RedisCache.touch)
    set_many = _or([])(RedisCache.set_many)
    delete = _or(False)(RedisCache.delete)
    delete_many = _or(None)(RedisCache.delete_many)
    clear = _or(False)(_clear_own)
