"""A self-hosted arithmetic captcha (验证码) and a per-IP rate limit for the anonymous public form (公众诉求表单).

No external service. The challenge travels in a signed token holding a nonce and an HMAC of the answer (never the
answer itself); a solved token is remembered in the cache until it expires, so it cannot be replayed. The rate limit
counts submissions per client address in Django's cache (a fixed window); with several server processes configure
a shared cache backend (database or Redis) so that the count is shared too.
"""

from __future__ import annotations

import hashlib
import hmac
import random
import secrets
from dataclasses import dataclass

from django.conf import settings
from django.core import signing
from django.core.cache import cache

SALT = "yingshang.appeals.captcha"
MAX_AGE = 15 * 60  # seconds a challenge stays valid
DIGITS = "零一二三四五六七八九十"
RATE_LIMIT = 5  # public submissions per address per window
RATE_WINDOW = 10 * 60  # seconds


class CaptchaError(ValueError):
    """The answer is missing, wrong, expired or already used (message in Chinese)."""


@dataclass(frozen=True)
class Challenge:
    question: str
    token: str


def _number(n: int) -> str:
    return DIGITS[n] if n <= 10 else f"十{DIGITS[n - 10]}" if n < 20 else str(n)


def _digest(nonce: str, answer: int) -> str:
    return hmac.new(settings.SECRET_KEY.encode(), f"{nonce}:{answer}".encode(), hashlib.sha256).hexdigest()


def new_challenge(rng: random.Random | None = None) -> Challenge:
    """A question such as “七加五等于几？” and its signed token."""
    rng = rng or random.SystemRandom()
    a, b = rng.randint(1, 10), rng.randint(1, 10)
    if rng.random() < 0.5 and a >= b:
        question, answer = f"{_number(a)}减{_number(b)}等于几？（填阿拉伯数字）", a - b
    else:
        question, answer = f"{_number(a)}加{_number(b)}等于几？（填阿拉伯数字）", a + b
    nonce = secrets.token_hex(8)
    return Challenge(
        question, signing.dumps({"n": nonce, "h": _digest(nonce, answer), "q": question}, salt=SALT)
    )


def question_of(token: str) -> str:
    """The question a (possibly expired) token asks, to show it again after a failed submission."""
    try:
        return signing.loads(token, salt=SALT)["q"]
    except (signing.BadSignature, KeyError, TypeError):
        return ""


def check(token: str, answer: str) -> None:
    """Accept a correct, fresh, unused answer; raise CaptchaError otherwise. Marks the token used."""
    text = (answer or "").strip()
    if not text:
        raise CaptchaError("请填写验证码（计算结果）。")
    try:
        payload = signing.loads(token or "", salt=SALT, max_age=MAX_AGE)
        nonce, digest = payload["n"], payload["h"]
    except signing.SignatureExpired as exc:
        raise CaptchaError("验证码已过期，请计算新的题目。") from exc
    except (signing.BadSignature, KeyError, TypeError) as exc:
        raise CaptchaError("验证码无效，请刷新页面后重试。") from exc
    if not text.lstrip("-").isdigit() or not hmac.compare_digest(digest, _digest(nonce, int(text))):
        raise CaptchaError("验证码计算结果不正确，请重新计算。")
    if not cache.add(f"captcha-used:{nonce}", 1, timeout=MAX_AGE):
        raise CaptchaError("该验证码已使用过，请计算新的题目。")


def client_address(request) -> str:
    """The address the rate limit counts (REMOTE_ADDR; a proxy in front must set it, e.g. via the server)."""
    return request.META.get("REMOTE_ADDR", "") or "unknown"


def over_rate_limit(address: str, *, limit: int = RATE_LIMIT, window: int = RATE_WINDOW) -> bool:
    """Count one submission from `address`; True once it exceeds `limit` within the window."""
    key = f"public-appeal-rate:{address}"
    if cache.add(key, 1, timeout=window):
        return False
    try:
        return cache.incr(key) > limit
    except ValueError:  # expired between add and incr
        cache.add(key, 1, timeout=window)
        return False
