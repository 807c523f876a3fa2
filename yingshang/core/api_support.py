"""Shared API plumbing: token and session auth, one error shape with Chinese messages, pagination."""

from __future__ import annotations

import math
from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.http.request import RawPostDataException
from django.utils import timezone
from ninja import NinjaAPI, Schema
from ninja.errors import AuthenticationError, HttpError, ValidationError
from ninja.security import HttpBearer, django_auth

from yingshang.core.errors import BusinessRuleError


class TokenAuth(HttpBearer):
    """`Authorization: Bearer <key>` for client systems; keys are stored hashed.

    The token, its user and the user's scope are read in one query on every request (no cache), so a revoked
    token or a deactivated user is refused at once in every process: see `accounts.tokens`.
    """

    def authenticate(self, request, token: str):
        from yingshang.accounts.tokens import user_for_key

        user = user_for_key(token, now=timezone.now())
        if user is None:
            return None
        request.user = user
        return user


def session_or_token() -> list:
    return [TokenAuth(), django_auth]


class ErrorOut(Schema):
    detail: str
    code: str
    errors: list[dict[str, Any]] = []


def _field_name(loc: list) -> str:
    parts = [str(p) for p in loc if p not in ("body", "query", "path", "payload", "form")]
    return ".".join(parts)


_PYDANTIC_MESSAGES = {
    "missing": "必填项缺失",
    "int_parsing": "应为整数",
    "float_parsing": "应为数字",
    "decimal_parsing": "应为数字",
    "bool_parsing": "应为是/否",
    "date_from_datetime_parsing": "应为日期（YYYY-MM-DD）",
    "date_parsing": "应为日期（YYYY-MM-DD）",
    "datetime_parsing": "应为日期时间",
    "string_too_long": "内容过长",
    "string_too_short": "内容过短",
    "greater_than_equal": "数值过小",
    "less_than_equal": "数值过大",
    "enum": "取值不在允许范围内",
    "literal_error": "取值不在允许范围内",
    "json_invalid": "请求体不是有效的 JSON",
    "model_attributes_type": "请求体格式不正确",
    "dict_type": "应为对象",
    "list_type": "应为列表",
    "string_type": "应为文本",
    "int_from_float": "应为整数",
}


def _reason(error: dict) -> str:
    """The Chinese reason for one validation error; a schema's own validator speaks for itself (its ValueError)."""
    if error.get("type") == "value_error" and (error.get("ctx") or {}).get("error") is not None:
        return str(error["ctx"]["error"])[:200]
    return _PYDANTIC_MESSAGES.get(error.get("type", ""), "取值无效")


def install_error_handlers(api: NinjaAPI) -> None:
    """Every error leaves the API as {"detail", "code", "errors"} with a Chinese message and a 4xx status."""

    @api.exception_handler(ValidationError)
    def on_validation(request, exc: ValidationError):
        errors = [{"field": _field_name(list(e.get("loc", []))), "reason": _reason(e), "type": e.get("type", "")}
                  for e in exc.errors]
        summary = "；".join(f"{e['field'] or '请求'}：{e['reason']}" for e in errors[:5])
        return api.create_response(request, {"detail": f"请求参数有误：{summary}", "code": "validation_error",
                                             "errors": errors}, status=422)

    @api.exception_handler(BusinessRuleError)
    def on_business_rule(request, exc: BusinessRuleError):
        errors = exc.details or ([{"field": exc.field, "reason": exc.message}] if exc.field else [])
        return api.create_response(request, {"detail": exc.message, "code": exc.code, "errors": errors},
                                   status=exc.status)

    @api.exception_handler(Http404)
    def on_not_found(request, exc):
        return api.create_response(request, {"detail": "未找到该记录，或您无权查看。", "code": "not_found", "errors": []},
                                   status=404)

    @api.exception_handler(PermissionDenied)
    def on_forbidden(request, exc):
        message = str(exc) or "您没有执行此操作的权限。"
        return api.create_response(request, {"detail": message, "code": "forbidden", "errors": []}, status=403)

    @api.exception_handler(AuthenticationError)
    def on_unauthenticated(request, exc):
        return api.create_response(request, {"detail": "未登录或令牌无效。", "code": "unauthenticated", "errors": []},
                                   status=401)

    @api.exception_handler(RawPostDataException)
    def on_body_already_read(request, exc):
        # A multipart form sent to an operation that reads a JSON body: the form was parsed (NUL check) first.
        return api.create_response(request, {"detail": "请求体格式与接口不符：此接口需要 JSON 请求体。",
                                             "code": "unsupported_body", "errors": []}, status=415)

    @api.exception_handler(HttpError)
    def on_http_error(request, exc: HttpError):
        return api.create_response(request, {"detail": str(exc), "code": "http_error", "errors": []},
                                   status=exc.status_code)


class PageMeta(Schema):
    page: int
    page_size: int
    count: int
    pages: int


def paginate(queryset, *, page: int, page_size: int, max_page_size: int = 100):
    """Slice a queryset into one page; returns (items, meta). Out-of-range pages are empty, never an error; when
    nothing matches (a department's list often) the page query is not run: its SQL costs more to build than the
    COUNT."""
    page_size = max(1, min(page_size, max_page_size))
    count = queryset.count()
    pages = max(1, math.ceil(count / page_size))
    page = max(1, min(page, pages + 1))  # past the end: an empty page, and no absurd OFFSET for the database
    offset = (page - 1) * page_size
    items = list(queryset[offset: offset + page_size]) if count and page <= pages else []
    return items, {"page": page, "page_size": page_size, "count": count, "pages": pages}
