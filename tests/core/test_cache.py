"""The Redis cache's clear() empties the cache, and only the cache: the channel layer, the live
ring and the viewer counts share its Redis database."""

import pytest
import redis
from django.conf import settings

from confman.core.cache import ResilientRedisCache


@pytest.fixture
def redis_url():
    if not settings.REDIS_URL:
        pytest.skip("needs REDIS_URL (the PostgreSQL + Redis leg of CI)")
    return settings.REDIS_URL


def test_clear_deletes_the_caches_keys_and_nothing_else(redis_url):
    prefix = f"{settings.REDIS_PREFIX}:clear-test"
    cache = ResilientRedisCache(redis_url, {"KEY_PREFIX": f"{prefix}:cache"})
    neighbour = f"{prefix}:live:1:latest"
    client = redis.Redis.from_url(redis_url)
    try:
        cache.set_many({f"export-{n}": n for n in range(1500)})  # more than one batch
        client.set(neighbour, "7")

        assert cache.clear() is True

        assert cache.get("export-1") is None
        assert not list(client.scan_iter(match=f"{prefix}:cache:*"))
        assert client.get(neighbour) == b"7"
    finally:
        client.delete(neighbour)
