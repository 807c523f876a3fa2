"""Reporting periods (所属期) written "YYYY-MM" (pure)."""

from __future__ import annotations

import calendar
import datetime as dt
import re

from yingshang.core.errors import BusinessRuleError

_PERIOD_RE = re.compile(r"^(\d{4})-(\d{2})$", re.ASCII)  # "２０２５-03" is not a period


def parse_period(text: str, *, field: str = "period") -> tuple[int, int]:
    """(year, month) of "YYYY-MM"; BusinessRuleError with a Chinese message otherwise."""
    match = _PERIOD_RE.match((text or "").strip())
    if not match or not 1 <= int(match.group(2)) <= 12 or not 2000 <= int(match.group(1)) <= 2100:
        raise BusinessRuleError(
            f"所属期“{text}”格式不正确，应为 YYYY-MM（如 2025-03）。", code="invalid_period", field=field
        )
    return int(match.group(1)), int(match.group(2))


def format_period(year: int, month: int) -> str:
    return f"{year:04d}-{month:02d}"


def month_end(period: str) -> dt.date:
    year, month = parse_period(period)
    return dt.date(year, month, calendar.monthrange(year, month)[1])


def shift(period: str, months: int) -> str:
    year, month = parse_period(period)
    index = year * 12 + (month - 1) + months
    return format_period(index // 12, index % 12 + 1)


def months_between(first: str, last: str) -> list[str]:
    """Every period from `first` to `last` inclusive."""
    periods = []
    current = first
    while current <= last:
        periods.append(current)
        current = shift(current, 1)
    return periods


def is_due(frequency: str, period: str) -> bool:
    """Whether an indicator of this frequency is reported for this month (quarter ends, December)."""
    _, month = parse_period(period)
    if frequency == "quarterly":
        return month % 3 == 0
    if frequency == "annual":
        return month == 12
    return True


def label(period: str) -> str:
    year, month = parse_period(period)
    return f"{year}年{month}月"
