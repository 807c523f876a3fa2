"""Row parsing for enterprise imports (主体导入): columns, types, and Chinese reasons per row and field.

Pure: the caller passes the reference lookups and today's date. A row is valid as a whole or rejected as
a whole — never half a row.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from yingshang.enterprises.choices import EnterpriseStatus, EntityType
from yingshang.enterprises.credit_code import InvalidCreditCode, normalize_credit_code, validate_credit_code


@dataclass(frozen=True)
class Column:
    header: str  # Chinese header in the template
    field: str
    kind: str  # text | code | date | int | decimal | bool | choice | region | zone | industry | list
    required: bool = False
    max_length: int = 0
    aliases: tuple[str, ...] = ()


COLUMNS: tuple[Column, ...] = (
    Column("统一社会信用代码", "credit_code", "code", required=True, aliases=("信用代码", "社会信用代码")),
    Column("企业名称", "name", "text", required=True, max_length=200, aliases=("名称", "主体名称", "企业（主体）名称")),
    Column("主体类型", "entity_type", "choice", aliases=("市场主体类型", "类型")),
    Column("行业代码", "industry_id", "industry", aliases=("国民经济行业代码", "行业")),
    Column("成立日期", "established_on", "date", aliases=("注册日期", "成立时间")),
    Column("登记状态", "status", "choice", aliases=("经营状态", "状态")),
    Column("所属县区", "region_id", "region", aliases=("县区", "所属区县", "行政区划")),
    Column("所在园区", "zone_id", "zone", aliases=("园区",)),
    Column("住所", "address", "text", max_length=300, aliases=("地址", "注册地址")),
    Column("法定代表人", "legal_representative", "text", max_length=50, aliases=("法人", "负责人")),
    Column("从业人员", "employees", "int", aliases=("从业人数", "从业人员（人）", "职工人数")),
    Column("营业收入（万元）", "revenue_10k", "decimal", aliases=("营业收入", "营业收入(万元)")),
    Column("资产总额（万元）", "total_assets_10k", "decimal", aliases=("资产总额", "资产总额(万元)")),
    Column("注册资本（万元）", "registered_capital_10k", "decimal", aliases=("注册资本", "注册资本(万元)")),
    Column("外商投资", "foreign_invested", "bool", aliases=("是否外资", "外资企业")),
    Column("规模以上", "above_scale", "bool", aliases=("是否规上", "规上企业")),
    Column("资质", "qualifications", "list", aliases=("资质认定", "企业资质")),
    Column("标签", "tags", "list", aliases=("特色产业",)),
)
TEMPLATE_HEADERS = [c.header for c in COLUMNS]
FIELD_LABELS = {c.field: c.header for c in COLUMNS}

CHOICES = {
    "entity_type": {label: value for value, label in EntityType.choices} | {"个体户": EntityType.INDIVIDUAL,
                                                                            "合作社": EntityType.COOPERATIVE,
                                                                            "公司": EntityType.ENTERPRISE},
    "status": {label: value for value, label in EnterpriseStatus.choices} | {"在业": EnterpriseStatus.ACTIVE,
                                                                              "开业": EnterpriseStatus.ACTIVE,
                                                                              "在营": EnterpriseStatus.ACTIVE},
}
TRUE_WORDS = {"是", "y", "yes", "true", "1", "√", "有"}
FALSE_WORDS = {"否", "n", "no", "false", "0", "×", "无", ""}
LIST_SPLIT = re.compile(r"[;；,，、|/]+")
DATE_PATTERNS = (
    re.compile(r"^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})(?:[ T].*)?$"),
    re.compile(r"^(\d{4})年(\d{1,2})月(\d{1,2})日?$"),
    re.compile(r"^(\d{4})(\d{2})(\d{2})$"),
)
MAX_AMOUNT_10K = Decimal("99999999999999")  # fits max_digits=16, decimal_places=2


@dataclass(frozen=True)
class References:
    """Lookups the parser needs, built once per import from the database."""

    industries: frozenset[str]
    regions: dict[str, int]  # name or code → region id (counties)
    zones: dict[str, int]  # name or code → region id (zones)
    qualifications: dict[str, str]  # name or synonym → qualification code
    today: dt.date


@dataclass
class RowError:
    row: int
    field: str
    value: str
    reason: str

    def as_dict(self) -> dict[str, Any]:
        return {"row": self.row, "field": self.field, "value": self.value, "reason": self.reason}


@dataclass
class ParsedRow:
    row: int
    values: dict[str, Any] = field(default_factory=dict)
    errors: list[RowError] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors


@dataclass(frozen=True)
class HeaderMap:
    columns: dict[int, Column]  # spreadsheet column index → column
    unknown: list[str]


class HeaderError(ValueError):
    pass


def map_headers(headers: list[str]) -> HeaderMap:
    """Match the file's headers to our columns (exact header or an alias); both required columns must exist."""
    lookup: dict[str, Column] = {}
    for column in COLUMNS:
        for name in (column.header, *column.aliases):
            lookup[_normalise_header(name)] = column
    mapped: dict[int, Column] = {}
    unknown: list[str] = []
    seen: dict[str, str] = {}
    for index, header in enumerate(headers):
        if not header:
            continue
        match = lookup.get(_normalise_header(header))
        if match is None:
            unknown.append(header)
            continue
        if match.field in seen:
            raise HeaderError(f"表头“{header}”与“{seen[match.field]}”重复，都对应“{match.header}”。")
        seen[match.field] = header
        mapped[index] = match
    missing = [c.header for c in COLUMNS if c.required and c.field not in seen]
    if missing:
        raise HeaderError(f"缺少必填列：{'、'.join(missing)}。请使用下载的模板，第一行为表头。")
    return HeaderMap(columns=mapped, unknown=unknown)


def _normalise_header(text: str) -> str:
    return re.sub(r"[\s*＊()（）]", "", text).replace("(", "").lower()


def parse_row(number: int, raw: list[Any], header_map: HeaderMap, refs: References) -> ParsedRow:
    """Parse one data row; `number` is the spreadsheet row number shown to the user."""
    parsed = ParsedRow(row=number)
    for index, column in header_map.columns.items():
        value = raw[index] if index < len(raw) else None
        try:
            result = _parse_value(column, value, refs)
        except ValueError as exc:
            parsed.errors.append(RowError(number, column.header, _display(value), str(exc)))
            continue
        if result is _ABSENT:
            if column.required:
                parsed.errors.append(RowError(number, column.header, "", "必填项为空"))
            continue
        parsed.values[column.field] = result
    return parsed


class _Absent:
    pass


_ABSENT = _Absent()


def _display(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)[:100]


def _parse_value(column: Column, value: Any, refs: References) -> Any:
    if value is None or (isinstance(value, str) and not value.strip()):
        return _ABSENT
    text = value.strip() if isinstance(value, str) else _display(value)
    return _PARSERS[column.kind](column, value, text, refs)


def _code(column: Column, value: Any, text: str, refs: References) -> str:
    code = normalize_credit_code(text)
    try:
        validate_credit_code(code)
    except InvalidCreditCode as exc:
        raise ValueError(str(exc))
    return code


def _text(column: Column, value: Any, text: str, refs: References) -> str:
    if column.max_length and len(text) > column.max_length:
        raise ValueError(f"超过 {column.max_length} 个字符")
    return text


def _choice(column: Column, value: Any, text: str, refs: References) -> str:
    mapping = CHOICES[column.field]
    if text in mapping:
        return mapping[text]
    if text in mapping.values():
        return text
    raise ValueError(f"应为以下之一：{'、'.join(k for k in mapping if len(k) > 1)}")


def _industry(column: Column, value: Any, text: str, refs: References) -> str:
    code = text.upper()
    if re.fullmatch(r"\d+(\.0)?", code):
        code = code.removesuffix(".0")
        code = code.zfill(2) if len(code) < 2 else (code.zfill(4) if len(code) == 3 else code)
    if code not in refs.industries:
        raise ValueError("不是有效的国民经济行业代码（GB/T 4754-2017）")
    return code


def _region(column: Column, value: Any, text: str, refs: References) -> int:
    if text not in refs.regions:
        raise ValueError("不是本市的县区名称或区划代码")
    return refs.regions[text]


def _zone(column: Column, value: Any, text: str, refs: References) -> int:
    if text not in refs.zones:
        raise ValueError("不是本市已登记的园区")
    return refs.zones[text]


def _date(column: Column, value: Any, text: str, refs: References) -> dt.date:
    day = _parse_date(value, text)
    if day > refs.today:
        raise ValueError("日期晚于今天")
    if day.year < 1949:
        raise ValueError("日期过早")
    return day


def _int(column: Column, value: Any, text: str, refs: References) -> int:
    if type(value) is int:  # already a whole number (CSV cells are text; spreadsheets may give ints)
        number: Decimal | int = value
    else:
        number = _parse_decimal(value, text)
        if number != number.to_integral_value():
            raise ValueError("应为整数")
    if number < 0:
        raise ValueError("不能为负数")
    if number > 10_000_000:
        raise ValueError("数值过大")
    return int(number)


def _decimal(column: Column, value: Any, text: str, refs: References) -> Decimal:
    number = _parse_decimal(value, text)
    if number < 0:
        raise ValueError("不能为负数")
    if number > MAX_AMOUNT_10K:
        raise ValueError("数值过大")
    return number.quantize(_CENT)


def _bool(column: Column, value: Any, text: str, refs: References) -> bool:
    lowered = text.lower()
    if lowered in TRUE_WORDS:
        return True
    if lowered in FALSE_WORDS:
        return False
    raise ValueError("应填写“是”或“否”")


def _list(column: Column, value: Any, text: str, refs: References) -> list[str]:
    items = [item.strip() for item in LIST_SPLIT.split(text) if item.strip()]
    if column.field == "qualifications":
        unknown = [i for i in items if i not in refs.qualifications]
        if unknown:
            raise ValueError(f"未知的资质：{'、'.join(unknown)}")
        return sorted({refs.qualifications[i] for i in items})
    return sorted(set(items))


_CENT = Decimal("0.01")
_PARSERS = {"code": _code, "text": _text, "choice": _choice, "industry": _industry, "region": _region,
            "zone": _zone, "date": _date, "int": _int, "decimal": _decimal, "bool": _bool, "list": _list}


def _parse_date(value: Any, text: str) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    for pattern in DATE_PATTERNS:
        match = pattern.match(text)
        if match:
            try:
                return dt.date(*(int(g) for g in match.groups()))
            except ValueError:
                break
    raise ValueError("日期格式无效，应为 YYYY-MM-DD")


def _parse_decimal(value: Any, text: str) -> Decimal:
    if isinstance(value, bool):
        raise ValueError("应为数字")
    if isinstance(value, (int, float)):
        return Decimal(str(value))
    cleaned = text.replace(",", "").replace("，", "").replace(" ", "")
    try:
        number = Decimal(cleaned)
    except InvalidOperation:
        raise ValueError("应为数字")
    if not number.is_finite():
        raise ValueError("应为数字")
    return number
