"""Assessment scoring (考核评分): department scores from completion, timeliness and target attainment.

Pure module. The formula, shown to users as FORMULA_TEXT:

    得分 = 100 × (0.5 × 完成度 + 0.3 × 及时率 + 0.2 × 指标达成率)

- 完成度 (completion): mean over the department's lead tasks of min(1, progress ÷ expected progress);
  a task not yet expected to have started counts 1.
- 及时率 (timeliness): monthly reports due so far that arrived by their due date, ÷ reports due.
- 指标达成率 (attainment): targets of those tasks whose latest reading meets the target, ÷ targets with a
  reading. With no reading yet the other two weights are scaled up (0.5/0.8 and 0.3/0.8).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

WEIGHTS = {"completion": Decimal("0.5"), "timeliness": Decimal("0.3"), "attainment": Decimal("0.2")}
FORMULA_TEXT = ("得分 = 100 ×（0.5 × 完成度 + 0.3 × 及时率 + 0.2 × 指标达成率）；完成度 = 各牵头任务 min(1, 实际进度 ÷ 应完成进度) 的平均；"
                "及时率 = 按期报送的月度进展 ÷ 应报送次数；指标达成率 = 最新实际值达到目标的指标 ÷ 已报实际值的指标。"
                "尚无指标实际值时，按 0.5 ÷ 0.8 与 0.3 ÷ 0.8 折算。")


@dataclass(frozen=True)
class Score:
    completion: Decimal
    timeliness: Decimal
    attainment: Decimal | None
    total: Decimal


def _round(value: Decimal, places: str = "0.01") -> Decimal:
    return value.quantize(Decimal(places), rounding=ROUND_HALF_UP)


def completion(pairs: Iterable[tuple[Decimal, Decimal]]) -> Decimal:
    """Mean of min(1, progress / expected) over (progress, expected) pairs; 1 when there are none."""
    ratios = [Decimal(1) if expected <= 0 else min(Decimal(1), Decimal(progress) / Decimal(expected))
              for progress, expected in pairs]
    return _round(sum(ratios, Decimal(0)) / len(ratios), "0.0001") if ratios else Decimal(1)


def ratio(part: int, whole: int) -> Decimal:
    return Decimal(1) if whole == 0 else _round(Decimal(part) / Decimal(whole), "0.0001")


def target_met(*, comparator: str, value: Decimal | None, low: Decimal | None, high: Decimal | None,
               actual: Decimal) -> bool:
    """Whether an actual value meets a target; "=" (达到) and ranges count as reached from the (lower) value on."""
    if comparator == "<=":
        return actual <= value
    if comparator == "range":
        return actual >= low
    return actual >= value


def score(*, completion_rate: Decimal, timeliness_rate: Decimal, attainment_rate: Decimal | None) -> Score:
    """The department score on 0–100 with two decimals."""
    if attainment_rate is None:
        scale = WEIGHTS["completion"] + WEIGHTS["timeliness"]
        total = 100 * (WEIGHTS["completion"] * completion_rate + WEIGHTS["timeliness"] * timeliness_rate) / scale
    else:
        total = 100 * (WEIGHTS["completion"] * completion_rate + WEIGHTS["timeliness"] * timeliness_rate
                       + WEIGHTS["attainment"] * attainment_rate)
    return Score(completion_rate, timeliness_rate, attainment_rate, _round(total))
