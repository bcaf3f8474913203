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
    clear = _or(False)(RedisCache.clear)
