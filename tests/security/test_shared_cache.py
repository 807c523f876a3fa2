"""The cache that guards single-use captchas, rate limits and login throttling is shared by every process of the
site: Redis with CACHE_URL=redis://…, else a database table in production. Checked with two separate interpreters."""

from __future__ import annotations

import json
import socket
import subprocess
import sys
import uuid

import pytest

from tests.security.test_production_settings import ROOT, _production_env

PROBE = r"""
import json, sys, django
django.setup()
from django.conf import settings
from django.core.cache import cache, caches
from django.core.management import call_command
if sys.argv[2] == "migrate":
    call_command("migrate", verbosity=0)
print(json.dumps({"backend": settings.CACHES["default"]["BACKEND"].rsplit(".", 1)[-1],
                  "local": caches["local"].__class__.__name__,
                  "sessions": settings.SESSION_ENGINE.rsplit(".", 1)[-1],
                  "first_use": cache.add(sys.argv[1], 1, timeout=60)}))
"""


def _probe(key: str, env: dict[str, str], *, migrate: bool = False) -> dict:
    result = subprocess.run([sys.executable, "-c", PROBE, key, "migrate" if migrate else "-"], cwd=ROOT, env=env,
                            capture_output=True, text=True, timeout=180, check=False)
    assert result.returncode == 0, result.stderr[-3000:]
    return json.loads(result.stdout.strip().splitlines()[-1])


def _redis_running() -> bool:
    try:
        with socket.create_connection(("127.0.0.1", 6379), timeout=0.5):
            return True
    except OSError:
        return False


def test_production_without_redis_shares_one_database_cache_between_processes(tmp_path):
    env = _production_env(DATABASE_URL=f"sqlite:///{tmp_path / 'site.sqlite3'}")
    key = f"captcha-used:{uuid.uuid4().hex}"
    first = _probe(key, env, migrate=True)  # the migration creates the cache table
    second = _probe(key, env)
    assert first == {"backend": "DatabaseCache", "local": "LocMemCache", "sessions": "db", "first_use": True}
    assert second["first_use"] is False  # the other process sees the nonce as used


@pytest.mark.skipif(not _redis_running(), reason="没有在 127.0.0.1:6379 运行的 Redis（.ci/run 会启动它）")
def test_redis_cache_url_is_shared_and_carries_the_sessions(tmp_path):
    env = _production_env(DATABASE_URL=f"sqlite:///{tmp_path / 'site.sqlite3'}",
                          CACHE_URL="redis://127.0.0.1:6379/15", CACHE_KEY_PREFIX=f"test-{uuid.uuid4().hex[:8]}")
    key = f"captcha-used:{uuid.uuid4().hex}"
    first = _probe(key, env)
    second = _probe(key, env)
    assert first == {"backend": "SharedRedisCache", "local": "LocMemCache", "sessions": "cached_db", "first_use": True}
    assert second["first_use"] is False


def test_an_unknown_cache_url_stops_the_start_with_a_clear_message():
    env = _production_env(CACHE_URL="memcached://127.0.0.1:11211")
    result = subprocess.run([sys.executable, "manage.py", "check"], cwd=ROOT, env=env, capture_output=True,
                            text=True, timeout=120, check=False)
    assert result.returncode != 0
    assert "CACHE_URL 无法识别" in result.stderr


@pytest.mark.skipif(not _redis_running(), reason="没有在 127.0.0.1:6379 运行的 Redis（.ci/run 会启动它）")
def test_redis_cache_builds_one_client_per_pool_and_still_reads_its_writes():
    from yingshang.core.cache import SharedRedisCache

    cache = SharedRedisCache("redis://127.0.0.1:6379/15", {"KEY_PREFIX": f"test-{uuid.uuid4().hex[:8]}"})
    first = cache._cache.get_client(write=True)
    assert cache._cache.get_client(write=False) is first  # one server: reads and writes share the pool
    cache.set_many({"a": 1, "b": [2, "二"]}, timeout=30)
    assert cache.get_many(["a", "b", "c"]) == {"a": 1, "b": [2, "二"]}
    assert cache.add("a", 9) is False and cache.incr("a") == 2
    cache.delete_many(["a", "b"])
    assert cache.get("a") is None
    assert cache._cache.get_client() is first


@pytest.mark.skipif(not _redis_running(), reason="没有在 127.0.0.1:6379 运行的 Redis（.ci/run 会启动它）")
def test_redis_cache_set_many_without_timeout_keeps_the_values_without_expiry():
    """The data-version tokens: one MSET, readable by every process, never expiring; with a timeout, they expire."""
    from yingshang.core.cache import SharedRedisCache

    cache = SharedRedisCache("redis://127.0.0.1:6379/15", {"KEY_PREFIX": f"test-{uuid.uuid4().hex[:8]}"})
    cache.set_many({"dv:a": "0f1e2d3c4b5a", "dv:b": 7}, timeout=None)
    assert cache.get_many(["dv:a", "dv:b"]) == {"dv:a": "0f1e2d3c4b5a", "dv:b": 7}
    client = cache._cache.get_client(write=True)
    assert client.ttl(cache.make_key("dv:a")) == -1  # no expiry
    cache.set_many({"dv:a": "x"}, timeout=30)
    assert 0 < client.ttl(cache.make_key("dv:a")) <= 30
    cache.delete_many(["dv:a", "dv:b"])
