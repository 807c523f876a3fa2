"""The production profile (YINGSHANG_PRODUCTION=1), checked in a fresh interpreter: `check --deploy` is clean,
HSTS and secure cookies are on, and secrets come only from the environment."""

from __future__ import annotations

import json
import os
import secrets
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _production_env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("DJANGO_", "YINGSHANG_", "DATABASE_URL", "PYTEST", "SESSION_COOKIE"))}
    env.update({"YINGSHANG_PRODUCTION": "1", "DJANGO_SECRET_KEY": secrets.token_urlsafe(64),
                "DJANGO_ALLOWED_HOSTS": "yingshang.zhangye.gov.cn", "DJANGO_SETTINGS_MODULE": "config.settings",
                "DATABASE_URL": "sqlite:///:memory:"})
    env.update(extra)
    return env


def _run(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120,
                          check=False)


def test_check_deploy_is_clean_with_production_settings():
    result = _run(["manage.py", "check", "--deploy", "--fail-level", "WARNING"], _production_env())
    assert result.returncode == 0, result.stderr + result.stdout
    assert "System check identified no issues" in result.stdout


def test_production_refuses_to_start_without_a_secret_key():
    env = _production_env()
    del env["DJANGO_SECRET_KEY"]
    result = _run(["manage.py", "check"], env)
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY" in result.stderr


PROBE = r"""
import json, django
django.setup()
from django.conf import settings
from django.core.management import call_command
from django.test import Client, override_settings
call_command("migrate", verbosity=0)
# Headers and cookies are what is probed here; static files would need collectstatic first (manifest storage).
override_settings(STORAGES={**settings.STORAGES, "staticfiles": {
    "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}).enable()
client = Client(HTTP_HOST="yingshang.zhangye.gov.cn")
plain = client.get("/accounts/login/")
secure = client.get("/accounts/login/", secure=True)
print(json.dumps({
    "debug": settings.DEBUG,
    "redirect": [plain.status_code, plain.get("Location", "")],
    "hsts": secure.get("Strict-Transport-Security", ""),
    "csrf_cookie_secure": bool(secure.cookies["csrftoken"]["secure"]) if "csrftoken" in secure.cookies else None,
    "session_cookie_secure": settings.SESSION_COOKIE_SECURE,
    "secret_from_env": settings.SECRET_KEY == __import__("os").environ["DJANGO_SECRET_KEY"],
    "wrong_host": Client(HTTP_HOST="evil.example").get("/", secure=True).status_code,
}))
"""


def test_production_serves_https_only_with_hsts_and_secure_cookies():
    result = _run(["-c", PROBE], _production_env())
    assert result.returncode == 0, result.stderr[-3000:]
    facts = json.loads(result.stdout.strip().splitlines()[-1])
    assert facts["debug"] is False
    assert facts["redirect"] == [301, "https://yingshang.zhangye.gov.cn/accounts/login/"]
    assert facts["hsts"] == "max-age=31536000; includeSubDomains; preload"
    assert facts["csrf_cookie_secure"] is True
    assert facts["session_cookie_secure"] is True
    assert facts["secret_from_env"] is True
    assert facts["wrong_host"] == 400


def test_api_docs_use_no_cdn(db):
    import re

    from django.test import Client

    body = Client().get("/api/v1/docs").content.decode()
    assert re.findall(r'(?:src|href)="(https?://[^"]+)"', body) == []
