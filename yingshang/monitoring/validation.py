"""Validation of submitted indicator values (pure): Chinese messages that name the row and the field."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

MAX_NOTE_LENGTH = 500
# Values are stored with 20 digits, 4 after the point: at most 16 before it.
LIMIT = Decimal("1e16")
PLACES = Decimal("0.0001")
NO_DATA_WORDS = frozenset({"无数据", "暂无数据", "无", "不适用", "/", "—", "-", "N/A", "n/a"})
YES_WORDS = frozenset({"是", "y", "yes", "true", "1", "√", "✓"})


@dataclass(frozen=True)
class IndicatorRule:
    """What a value of one indicator must satisfy."""

    code: str
    name: str
    unit: str
    min_value: Decimal | None
    max_value: Decimal | None
    jump_ratio: float


@dataclass(frozen=True)
class RowInput:
    """One submitted row as typed or read from Excel (strings or numbers)."""

    row_label: str  # "第 3 行" or the indicator name on a web form
    raw_value: object
    raw_no_data: object = ""
    unit: str | None = None  # the unit written in the row, if the template carries one
    note: str = ""


@dataclass(frozen=True)
class RowResult:
    value: Decimal | None
    no_data: bool
    errors: tuple[str, ...]


def plain(number: Decimal) -> str:
    """A Decimal without trailing zeros: 92.0000 → "92"."""
    text = f"{number:f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def parse_number(raw: object) -> Decimal | None:
    """A Decimal from a number or text ("1,234.5", "98.5%", " 3 "); None if it is not a number."""
    if isinstance(raw, bool):
        return None
    if isinstance(raw, (int, float, Decimal)):
        try:
            number = Decimal(str(raw))
        except InvalidOperation:
            return None
        return number if number.is_finite() else None
    text = str(raw).strip().replace(",", "").replace("，", "").replace("％", "%").removesuffix("%").strip()
    try:
        number = Decimal(text)
    except InvalidOperation:
        return None
    return number if number.is_finite() else None


def _blank(raw: object) -> bool:
    return raw is None or (isinstance(raw, str) and not raw.strip())


def validate_row(row: RowInput, rule: IndicatorRule, *, previous: Decimal | None) -> RowResult:
    """Check one value: no-data flag, number, unit, percent ≤ 100, allowed range, jump versus the last value.

    1. "No data" (the flag, or a value such as 无数据) is a state: it needs a note saying why.
    2. The value must be a number in the indicator's unit and allowed range (a percentage at most 100).
    3. A change larger than the jump threshold versus the previous period needs a note explaining it.
    """
    where = f"{row.row_label}“{rule.name}”"
    if len(row.note or "") > MAX_NOTE_LENGTH:
        return RowResult(
            None, False, (f"{where}：“说明”不能超过 {MAX_NOTE_LENGTH} 字（现有 {len(row.note)} 字）。",)
        )
    flagged = str(row.raw_no_data or "").strip().lower() in YES_WORDS
    text_no_data = isinstance(row.raw_value, str) and row.raw_value.strip() in NO_DATA_WORDS
    if flagged or text_no_data:
        if not _blank(row.raw_value) and not text_no_data:
            return RowResult(None, True, (f"{where}：已标记“无数据”，数值栏应留空。",))
        if not row.note.strip():
            return RowResult(None, True, (f"{where}：标记为“无数据”时必须在“说明”中写明原因。",))
        return RowResult(None, True, ())
    if _blank(row.raw_value):
        return RowResult(None, False, (f"{where}：数值为空；没有数据请标记“无数据”并说明原因，不要填 0。",))
    if row.unit is not None and row.unit.strip() and row.unit.strip() != rule.unit:
        return RowResult(None, False, (f"{where}：单位应为“{rule.unit}”，文件中为“{row.unit.strip()}”。",))
    value = parse_number(row.raw_value)
    if value is None:
        shown = str(row.raw_value)
        shown = shown if len(shown) <= 40 else shown[:40] + "…"
        return RowResult(None, False, (f"{where}：“{shown}”不是数字。",))
    if abs(value) >= LIMIT:
        return RowResult(
            None, False, (f"{where}：数值 {plain(value)[:24]} 超出可保存的范围（绝对值应小于 10¹⁶）。",)
        )
    value = value.quantize(PLACES)  # stored with 4 decimal places; validated as stored
    errors = []
    if rule.unit == "%" and value > 100:
        errors.append(f"{where}：百分比不能超过 100（填写为 {plain(value)}）。")
    elif rule.max_value is not None and value > rule.max_value:
        errors.append(f"{where}：{plain(value)} 超过允许的最大值 {plain(rule.max_value)}{rule.unit}。")
    if rule.min_value is not None and value < rule.min_value:
        errors.append(f"{where}：{plain(value)} 低于允许的最小值 {plain(rule.min_value)}{rule.unit}。")
    if not errors and previous is not None and not row.note.strip():
        base = abs(previous) if previous != 0 else Decimal(1)
        change = abs(value - previous) / base
        if change > Decimal(str(rule.jump_ratio)):
            errors.append(
                f"{where}：与上期（{plain(previous)}{rule.unit}）相比变化 {change * 100:.0f}%，"
                f"超过 {rule.jump_ratio * 100:.0f}%，请在“说明”中写明原因。"
            )
    return RowResult(value if not errors else None, False, tuple(errors))
