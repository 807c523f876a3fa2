"""企业划型 (enterprise size classification) under 《中小企业划型标准规定》 (工信部联企业〔2011〕300号).

Pure module: thresholds come in as data (`load_thresholds`), figures as plain values; no ORM, no clock.

The rule, as written in the thresholds file and in the regulation:

1. An enterprise is 中小微型 (SME) if ANY of the sector's upper-bound measures is below its bound
   ("从业人员1000人以下或营业收入40000万元以下"); otherwise (all at or above) it is 大型.
2. Within SMEs it is 中型 if it meets ALL of the medium lower bounds ("X及以上，且Y及以上"), else
   小型 if it meets ALL of the small lower bounds, else 微型.

"以下" is strict (<) and "及以上" inclusive (≥): the regulation defines 微型 as "20人以下或300万元以下",
the exact complement of 小型's "20人及以上，且300万元及以上".

Missing figures are handled three-valued: a missing measure only makes the result 未知 when the
decision actually depends on it (e.g. 工业 with revenue 100 万元 is 微型 whatever the headcount).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any, Literal

DEFAULT_THRESHOLDS_PATH = Path(__file__).parent / "data" / "sme-scale-2011.json"

Size = Literal["large", "medium", "small", "micro", "unknown"]
SIZE_LABELS_ZH: dict[Size, str] = {
    "large": "大型",
    "medium": "中型",
    "small": "小型",
    "micro": "微型",
    "unknown": "未知",
}
_MEASURE_NAMES_ZH = {"employees": "从业人员", "revenue": "营业收入", "assets": "资产总额"}


@dataclass(frozen=True)
class SizeResult:
    """Outcome of a classification with the Chinese explanation shown to users."""

    size: Size
    label_zh: str
    reason_zh: str


def load_thresholds(path: Path | str = DEFAULT_THRESHOLDS_PATH) -> dict[str, Any]:
    """Load a thresholds document shaped like `data/sme-scale-2011.json`."""
    with Path(path).open(encoding="utf-8") as handle:
        document: dict[str, Any] = json.load(handle)
    return document


def _format_number(value: Decimal | int) -> str:
    if isinstance(value, int):
        return str(value)
    text = format(value.normalize(), "f")
    return text


def _comparison(measure: str, value: Decimal | int, operator: str, bound: int) -> str:
    name = _MEASURE_NAMES_ZH[measure]
    if measure == "employees":
        return f"{name} {_format_number(value)} 人 {operator} {bound}"
    return f"{name} {_format_number(value)} 万元 {operator} {bound} 万元"


@dataclass(frozen=True)
class _Test:
    """Three-valued result of 'all measures ≥ their bounds': True, False, or None (depends on a missing figure)."""

    met: bool | None
    met_texts: list[str]
    failed_texts: list[str]
    missing: list[str]


def _all_at_least(bounds: dict[str, int], figures: dict[str, Decimal | int | None]) -> _Test:
    met_texts: list[str] = []
    failed_texts: list[str] = []
    missing: list[str] = []
    for measure, bound in bounds.items():
        value = figures[measure]
        if value is None:
            missing.append(_MEASURE_NAMES_ZH[measure])
        elif value >= bound:
            met_texts.append(_comparison(measure, value, "≥", bound))
        else:
            failed_texts.append(_comparison(measure, value, "<", bound))
    met = False if failed_texts else (None if missing else True)
    return _Test(met=met, met_texts=met_texts, failed_texts=failed_texts, missing=missing)


def _result(size: Size, sector: str, text: str) -> SizeResult:
    return SizeResult(size=size, label_zh=SIZE_LABELS_ZH[size], reason_zh=f"{sector}：{text}")


def _unknown(sector: str, test: _Test, question_zh: str) -> SizeResult:
    return _result("unknown", sector, f"缺少{'、'.join(test.missing)}，无法判断{question_zh}")


def _sector_rule(sector: str, thresholds: dict[str, Any]) -> dict[str, Any]:
    for rule in thresholds["sectors"]:
        if rule["sector"] == sector:
            return dict(rule)
    raise ValueError(f"未知的划型行业：{sector}")


def _as_figure(name: str, value: Decimal | int | None) -> Decimal | int | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, Decimal | int):
        raise TypeError(f"{name} must be int or Decimal, not {type(value).__name__}")
    if value < 0:
        raise ValueError(f"{_MEASURE_NAMES_ZH[name]}不能为负数")
    return value


def classify_size(
    *,
    sector: str,
    employees: int | None,
    revenue_10k: Decimal | None,
    assets_10k: Decimal | None,
    thresholds: dict[str, Any],
) -> SizeResult:
    """Classify an enterprise as 大型/中型/小型/微型 (or 未知) for a 划型 sector such as "工业".

    `revenue_10k` and `assets_10k` are in 万元; `thresholds` is a document from `load_thresholds`.
    """
    rule = _sector_rule(sector, thresholds)
    figures: dict[str, Decimal | int | None] = {
        "employees": _as_figure("employees", employees),
        "revenue": _as_figure("revenue", revenue_10k),
        "assets": _as_figure("assets", assets_10k),
    }
    upper_bounds: dict[str, int] = rule.get("sme_upper_any") or rule["sme_upper"]

    # 1. 大型 iff every upper-bound measure is at or above its bound.
    large = _all_at_least(upper_bounds, figures)
    if large.met is None:
        return _unknown(sector, large, "是否属于大型")
    if large.met:
        return _result("large", sector, f"{' 且'.join(large.met_texts)}，属大型")

    # 2. 中型 iff every medium lower bound is met.
    medium = _all_at_least(rule["medium"], figures)
    if medium.met is None:
        return _unknown(sector, medium, "是否属于中型")
    if medium.met:
        return _result("medium", sector, f"{' 且'.join(medium.met_texts)}，属中型")
    not_medium = f"（{' 且'.join(medium.failed_texts)}，未达中型）"

    # 3. 小型 iff every small lower bound is met; otherwise 微型.
    small = _all_at_least(rule["small"], figures)
    if small.met is None:
        return _unknown(sector, small, "属于小型还是微型")
    if small.met:
        return _result("small", sector, f"{' 且'.join(small.met_texts)}，属小型{not_medium}")
    return _result("micro", sector, f"{' 且'.join(small.failed_texts)}，属微型")
