"""The shared cache on Redis, with one client object per connection pool.

Django's RedisCache builds a new `redis.Redis` for every cache operation, and each one registers some 190 response
callbacks in a case-insensitive dict: measured on the registry page, that construction cost more CPU than the
round trips themselves (about a third of a cached page's time). A `redis.Redis` is safe to share between threads
(it takes a connection from its pool per command), so one per pool is kept and reused.

`set_many` without expiry (the data-version tokens renewed after every committed write) sends one MSET: Django
wraps it in a MULTI … EXEC pipeline, three commands to pack and three replies to parse for what MSET alone does
atomically (about 40 % less client CPU per call).
"""

from __future__ import annotations

from django.core.cache.backends.redis import RedisCache, RedisCacheClient


class ReusingRedisCacheClient(RedisCacheClient):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients: dict[int, object] = {}

    def get_client(self, key=None, *, write=False):
        pool = self._get_connection_pool(write)
        client = self._clients.get(id(pool))
        if client is None:
            client = self._clients[id(pool)] = self._client(connection_pool=pool)
        return client

    def set_many(self, data, timeout):
        if timeout is not None:
            return super().set_many(data, timeout)
        self.get_client(None, write=True).mset({key: self._serializer.dumps(value) for key, value in data.items()})
        return None


class SharedRedisCache(RedisCache):
    """`django.core.cache.backends.redis.RedisCache` whose Redis client objects are built once per pool."""

    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = ReusingRedisCacheClient
