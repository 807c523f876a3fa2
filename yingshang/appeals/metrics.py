"""Appeal metrics (三率 and the rest) with versioned, published formulas, plan targets and anomaly flags.

Pure module: counts in, rates out. Every figure on a page is shown with the formula (and version) that made it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, fields

FORMULA_VERSION = "SQ-METRICS-v1（2025-11 发布）"
SATISFACTION_LAMBDA = 1.0  # weight of 基本满意 in 满意率
PARTLY_RESOLVED_WEIGHT = 0.5  # weight of 部分解决 in 解决率


@dataclass(frozen=True)
class Counts:
    """The monthly counts one department (or county) is measured on; AppealMonthlyStat stores the same."""

    received: int = 0
    refused: int = 0
    merged: int = 0
    dispatched: int = 0
    signed_in_time: int = 0
    contacted_in_time: int = 0
    replied: int = 0
    replied_in_time: int = 0
    overdue_open: int = 0
    finished: int = 0
    rated: int = 0
    resolved: int = 0
    partly_resolved: int = 0
    very_satisfied: int = 0
    satisfied: int = 0
    basically_satisfied: int = 0
    revisited: int = 0
    reopened: int = 0
    disputed: int = 0
    redispatched: int = 0
    contact_asked: int = 0  # rated or revisited appeals whose requester answered "承办单位是否及时联系"
    contact_confirmed: int = 0  # … and answered yes

    def __add__(self, other: Counts) -> Counts:
        return Counts(**{f.name: getattr(self, f.name) + getattr(other, f.name) for f in fields(self)})

    @classmethod
    def from_mapping(cls, values: Mapping) -> Counts:
        return cls(**{f.name: int(values.get(f.name) or 0) for f in fields(cls)})


COUNT_FIELDS = tuple(f.name for f in fields(Counts))


@dataclass(frozen=True)
class Formula:
    key: str
    name: str
    text: str
    target: float | None = None  # the plan's target (行动方案), shown beside the figure


FORMULAS: tuple[Formula, ...] = (
    Formula("response_rate", "响应率", "派单后在先行联系时限内联系诉求人的件数 ÷ 派单量（口径一：时效）"),
    Formula(
        "response_rate_revisit",
        "响应率（回访口径）",
        "评价或回访中诉求人确认承办单位及时联系的件数 ÷ 回答了该问题的件数（口径二：诉求人感受，北京接诉即办口径）",
    ),
    Formula(
        "resolution_rate",
        "解决率",
        f"（已解决 + {PARTLY_RESOLVED_WEIGHT:g}×部分解决）÷ 参评件数（诉求人评价或独立回访，剔除不予受理与并单）",
    ),
    Formula(
        "satisfaction_rate",
        "满意率",
        f"（非常满意 + 满意 + {SATISFACTION_LAMBDA:g}×基本满意）÷ 参评件数",
        target=0.99,
    ),
    Formula("handling_rate", "处办率", "已答复件数 ÷ 派单量（12345 涉企问题处办率）", target=0.99),
    Formula("timely_sign_rate", "及时签收率", "签收时限内签收的件数 ÷ 派单量"),
    Formula(
        "on_time_rate", "按时办结率", "在期限内（含批准的延期、扣除暂停）答复的件数 ÷（已答复 + 超期未答复）"
    ),
    Formula("revisit_rate", "回访率", "独立回访件数 ÷ 办结件数"),
    Formula("repeat_rate", "重复诉求率", "（并单件数 + 重办件数）÷ 受理量"),
    Formula("dispute_rate", "退单率", "退单（派单异议）件数 ÷ 派单量"),
    Formula("redispatch_rate", "改派率", "改派件数 ÷ 派单量（派单准确率 = 1 − 改派率）"),
)
FORMULAS_BY_KEY = {f.key: f for f in FORMULAS}


def _ratio(numerator: float, denominator: int) -> float | None:
    return None if denominator <= 0 else numerator / denominator


def rates(c: Counts) -> dict[str, float | None]:
    """Every rate of FORMULAS for one set of counts (None where the denominator is zero)."""
    return {
        "response_rate": _ratio(c.contacted_in_time, c.dispatched),
        "response_rate_revisit": _ratio(c.contact_confirmed, c.contact_asked),
        "resolution_rate": _ratio(c.resolved + PARTLY_RESOLVED_WEIGHT * c.partly_resolved, c.rated),
        "satisfaction_rate": _ratio(
            c.very_satisfied + c.satisfied + SATISFACTION_LAMBDA * c.basically_satisfied, c.rated
        ),
        "handling_rate": _ratio(c.replied, c.dispatched),
        "timely_sign_rate": _ratio(c.signed_in_time, c.dispatched),
        "on_time_rate": _ratio(c.replied_in_time, c.replied + c.overdue_open),
        "revisit_rate": _ratio(c.revisited, c.finished),
        "repeat_rate": _ratio(c.merged + c.reopened, c.received),
        "dispute_rate": _ratio(c.disputed, c.dispatched),
        "redispatch_rate": _ratio(c.redispatched, c.dispatched),
    }


def meets_target(key: str, value: float | None) -> bool | None:
    target = FORMULAS_BY_KEY[key].target
    if target is None or value is None:
        return None
    return value >= target


# -- anomaly flags (疑似数据异常) ----------------------------------------------------------------------

SATISFACTION_GAP = 0.30
MIN_RATED_FOR_GAP = 10
BURST_WINDOW = dt.timedelta(minutes=10)
BURST_SIZE = 10
EXCLUSION_SHARE = 0.5
MIN_EXCLUSIONS = 5


def satisfaction_gap_flag(c: Counts) -> str:
    """满意率 far above 解决率: ratings that do not match outcomes."""
    r = rates(c)
    if c.rated < MIN_RATED_FOR_GAP or r["satisfaction_rate"] is None or r["resolution_rate"] is None:
        return ""
    gap = r["satisfaction_rate"] - r["resolution_rate"]
    if gap > SATISFACTION_GAP:
        return (
            f"满意率（{r['satisfaction_rate']:.0%}）比解决率（{r['resolution_rate']:.0%}）高出 {gap:.0%}，"
            "评价可能与实际办理结果不符"
        )
    return ""


def rating_burst(times: Iterable[dt.datetime]) -> tuple[int, dt.datetime] | None:
    """The largest number of ratings inside any BURST_WINDOW, if it reaches BURST_SIZE: (count, window start)."""
    ordered = sorted(times)
    best: tuple[int, dt.datetime] | None = None
    start = 0
    for end, moment in enumerate(ordered):
        while moment - ordered[start] > BURST_WINDOW:
            start += 1
        size = end - start + 1
        if size >= BURST_SIZE and (best is None or size > best[0]):
            best = (size, ordered[start])
    return best


def concentrated_exclusions(by_unit: Mapping[str, int]) -> str:
    """The unit holding more than EXCLUSION_SHARE of all exclusions (不予受理/并单), if any."""
    total = sum(by_unit.values())
    if total < MIN_EXCLUSIONS:
        return ""
    unit, count = max(by_unit.items(), key=lambda item: item[1])
    if count / total > EXCLUSION_SHARE and len(by_unit) > 1:
        return f"{unit} 的剔除件数（{count} 件）占全部剔除的 {count / total:.0%}，请核查剔除理由"
    return ""
