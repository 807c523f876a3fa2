"""12345 work-order rows (工单) → appeal fields, with a Chinese reason per bad field. Pure."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from yingshang.core.workcalendar import SHANGHAI

# column header → field; several spellings accepted
HEADERS: dict[str, str] = {
    "工单号": "external_id",
    "工单编号": "external_id",
    "受理时间": "received_at",
    "来电时间": "received_at",
    "诉求类别": "category",
    "类别": "category",
    "类别代码": "category",
    "诉求内容": "description",
    "内容": "description",
    "问题描述": "description",
    "联系人": "contact_name",
    "来电人": "contact_name",
    "联系电话": "contact_phone",
    "来电号码": "contact_phone",
    "企业名称": "enterprise_name",
    "统一社会信用代码": "credit_code",
    "县区": "region",
    "所在县区": "region",
    "地点": "address",
    "地址": "address",
    "紧急程度": "urgency",
}
REQUIRED = ("external_id", "category", "description")
TEMPLATE_HEADERS = [
    "工单号",
    "受理时间",
    "诉求类别",
    "诉求内容",
    "联系人",
    "联系电话",
    "企业名称",
    "统一社会信用代码",
    "县区",
    "地点",
    "紧急程度",
]
LABELS = {
    "external_id": "工单号",
    "received_at": "受理时间",
    "category": "诉求类别",
    "description": "诉求内容",
    "urgency": "紧急程度",
    "region": "县区",
    "credit_code": "统一社会信用代码",
}


@dataclass
class ParsedRow:
    row: int
    values: dict[str, Any] = field(default_factory=dict)
    errors: list[tuple[str, str, str]] = field(default_factory=list)  # (field label, value, reason)


def map_headers(headers: Sequence[str]) -> tuple[dict[int, str], list[str]]:
    """Column index → field, and the Chinese names of required columns that are missing."""
    mapping = {i: HEADERS[h.strip()] for i, h in enumerate(headers) if h and h.strip() in HEADERS}
    missing = [LABELS[f] for f in REQUIRED if f not in mapping.values()]
    return mapping, missing


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).replace("\x00", "").strip()  # a NUL deep inside a CSV would be refused by PostgreSQL


def parse_row(
    number: int,
    raw: Sequence[Any],
    mapping: Mapping[int, str],
    *,
    categories: Mapping[str, str],
    regions: Mapping[str, str],
    default_time: dt.datetime,
) -> ParsedRow:
    """One spreadsheet row → values (category → code, region → code, aware received_at) or errors."""
    parsed = ParsedRow(row=number)
    values = {name: _text(raw[i]) if i < len(raw) else "" for i, name in mapping.items()}
    for name in REQUIRED:
        if not values.get(name):
            parsed.errors.append((LABELS[name], "", "必填项为空"))
    category = values.get("category", "")
    if category and category not in categories:
        parsed.errors.append(("诉求类别", category, "不是平台的诉求类别（名称或代码）"))
    region = values.get("region", "")
    if region and region not in regions:
        parsed.errors.append(("县区", region, "不是本市的县区"))
    urgency = {"": "normal", "一般": "normal", "普通": "normal", "紧急": "urgent"}.get(
        values.get("urgency", "")
    )
    if urgency is None:
        parsed.errors.append(("紧急程度", values.get("urgency", ""), "应为“一般”或“紧急”"))
    received = _when(raw, mapping, default_time, parsed)
    if parsed.errors:
        return parsed
    parsed.values = {
        **values,
        "category": categories[category],
        "region": regions.get(region) if region else None,
        "urgency": urgency,
        "received_at": received,
    }
    return parsed


def _when(raw, mapping, default_time: dt.datetime, parsed: ParsedRow) -> dt.datetime:
    index = next((i for i, name in mapping.items() if name == "received_at"), None)
    value = raw[index] if index is not None and index < len(raw) else None
    if value in (None, ""):
        return default_time
    if isinstance(value, dt.datetime):
        return value if value.tzinfo else value.replace(tzinfo=SHANGHAI)
    if isinstance(value, dt.date):
        return dt.datetime.combine(value, dt.time(9), SHANGHAI)
    text = str(value).strip().replace("/", "-")
    for pattern in ("%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M", "%Y-%m-%d"):
        try:
            return dt.datetime.strptime(text, pattern).replace(tzinfo=SHANGHAI)
        except ValueError:
            continue
    parsed.errors.append(("受理时间", text, "应为日期时间，例如 2025-11-26 10:30"))
    return default_time
