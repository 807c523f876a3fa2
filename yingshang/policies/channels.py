"""Pluggable adapters for pushing policy messages by SMS and e-mail (精准推送的短信、邮件渠道).

The in-app message (`core.Notification`) is always written; these adapters carry the same message outside the
platform. Which adapter serves a channel is chosen by settings, so a city plugs in its own SMS gateway without
touching the code:

    POLICY_PUSH_ADAPTERS = {
        "email": {"class": "yingshang.policies.channels.DjangoEmailAdapter"},
        "sms": {"class": "yingshang.policies.channels.FileSmsAdapter",
                "options": {"path": "var/sms-outbox.jsonl"}},
    }

An adapter is any class with a `send(*, address, title, body) -> str` method that returns the provider's
reference (may be empty) and raises `ChannelError` with a Chinese reason when the message was not accepted.
Adapters never retry themselves: `services.deliver_push` records each attempt and the background queue retries.

Shipped adapters:
- `DjangoEmailAdapter` — Django's e-mail backend (`EMAIL_BACKEND`, `EMAIL_HOST`…; console/locmem in development).
- `FileSmsAdapter` (default for SMS) — writes each message as a JSON line to a file and logs it; for
  development, demos and cities without a gateway contract yet.
- `HttpSmsGatewayAdapter` — the shape of a real gateway: POST JSON `{"phone", "sign", "template", "content"}`
  with `Authorization: Bearer <token>` to `url`; a 2xx JSON answer `{"id": "..."}` is success, anything else is
  a `ChannelError`. Options: `url`, `token`, `sign`, `template`, `timeout`.
"""

from __future__ import annotations

import json
import logging
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any, Protocol

from django.conf import settings
from django.core.mail import send_mail
from django.utils.module_loading import import_string

logger = logging.getLogger("yingshang.policies.push")

DEFAULT_ADAPTERS: dict[str, dict[str, Any]] = {
    "email": {"class": "yingshang.policies.channels.DjangoEmailAdapter"},
    "sms": {"class": "yingshang.policies.channels.FileSmsAdapter"},
}
SMS_MAX_CHARS = 300


class ChannelError(Exception):
    """The channel did not accept the message; the text is a Chinese reason kept on the delivery record."""


class PushAdapter(Protocol):
    def send(self, *, address: str, title: str, body: str) -> str: ...


class DjangoEmailAdapter:
    """E-mail through Django's configured e-mail backend."""

    def __init__(self, from_email: str | None = None) -> None:
        self.from_email = from_email or settings.DEFAULT_FROM_EMAIL

    def send(self, *, address: str, title: str, body: str) -> str:
        try:
            sent = send_mail(
                subject=title, message=body, from_email=self.from_email, recipient_list=[address]
            )
        except Exception as exc:  # any backend failure (SMTP, DNS, …) is a failed attempt, retried later
            raise ChannelError(f"邮件发送失败：{type(exc).__name__}") from exc
        if sent != 1:
            raise ChannelError("邮件服务未接受该邮件")
        return ""


class FileSmsAdapter:
    """SMS written to a JSON-lines outbox file (and the log) instead of a gateway."""

    def __init__(self, path: str | Path | None = None) -> None:
        self.path = Path(path) if path else Path(settings.BASE_DIR) / "var" / "sms-outbox.jsonl"

    def send(self, *, address: str, title: str, body: str) -> str:
        text = f"【{title}】{body}"[:SMS_MAX_CHARS]
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            with self.path.open("a", encoding="utf-8") as outbox:
                outbox.write(json.dumps({"phone": address, "content": text}, ensure_ascii=False) + "\n")
                position = outbox.tell()
        except OSError as exc:
            raise ChannelError(f"短信发件箱无法写入：{exc.strerror or exc}") from exc
        logger.info("SMS to %s: %s", address, text)
        return f"file:{position}"


class HttpSmsGatewayAdapter:
    """An SMS gateway reached over HTTPS with a bearer token (the shape most provincial gateways share)."""

    def __init__(
        self, url: str, token: str = "", sign: str = "", template: str = "", timeout: float = 10
    ) -> None:
        self.url, self.token, self.sign, self.template, self.timeout = url, token, sign, template, timeout

    def send(self, *, address: str, title: str, body: str) -> str:
        payload = json.dumps(
            {
                "phone": address,
                "sign": self.sign,
                "template": self.template,
                "content": f"【{title}】{body}"[:SMS_MAX_CHARS],
            },
            ensure_ascii=False,
        ).encode("utf-8")
        headers = {"Content-Type": "application/json; charset=utf-8", "Authorization": f"Bearer {self.token}"}
        request = urllib.request.Request(self.url, data=payload, method="POST", headers=headers)  # noqa: S310
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:  # noqa: S310
                answer = json.loads(response.read(65536) or b"{}")
        except urllib.error.HTTPError as exc:
            raise ChannelError(f"短信网关拒绝：HTTP {exc.code}") from exc
        except (urllib.error.URLError, TimeoutError, OSError) as exc:
            raise ChannelError("短信网关无法连接") from exc
        except ValueError as exc:
            raise ChannelError("短信网关应答不是 JSON") from exc
        if not isinstance(answer, dict) or not answer.get("id"):
            raise ChannelError("短信网关应答缺少回执编号")
        return str(answer["id"])[:100]


def adapter_for(channel: str) -> PushAdapter:
    """The adapter configured for a channel (`POLICY_PUSH_ADAPTERS`, else the defaults above)."""
    configured = {**DEFAULT_ADAPTERS, **getattr(settings, "POLICY_PUSH_ADAPTERS", {})}
    if channel not in configured:
        raise ChannelError(f"未配置推送渠道“{channel}”")
    entry = configured[channel]
    return import_string(entry["class"])(**entry.get("options", {}))


def mask_address(address: str) -> str:
    """A phone number or e-mail address shown back to its owner without exposing it whole (138****8000, o***@x.cn)."""
    address = (address or "").strip()
    if "@" in address:
        local, _, domain = address.partition("@")
        return f"{local[:1]}***@{domain}"
    if len(address) >= 7:
        return f"{address[:3]}****{address[-4:]}"
    return "*" * len(address)
