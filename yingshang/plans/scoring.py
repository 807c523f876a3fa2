"""Assessment scoring (考核评分): department scores from completion, timeliness and target attainment.

Pure module. The monthly formula (月通报), shown to users as FORMULA_TEXT, and the quarterly assessment (季度考核)
and annual evaluation (年度评价), shown as PERIOD_FORMULA_TEXT and ANNUAL_METHOD_TEXT, with editable weights.

The monthly formula:

    得分 = 100 × (0.5 × 完成度 + 0.3 × 及时率 + 0.2 × 指标达成率)

- 完成度 (completion): mean over the department's items of min(1, progress ÷ expected progress); an item
  not yet expected to have started counts 1. Items are the tasks it leads and the measures (具体措施) it leads
  in tasks it does not lead (a measure's expected progress runs to its own deadline, else the task's), so a
  department named only on measures is scored too.
- 及时率 (timeliness): monthly reports due so far that arrived by their due date, ÷ reports due (one report a
  month per task it leads or leads measures of).
- 指标达成率 (attainment): targets of those tasks whose latest reading meets the target, ÷ targets with a
  reading. With no reading yet the other two weights are scaled up (0.5/0.8 and 0.3/0.8).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

WEIGHTS = {"completion": Decimal("0.5"), "timeliness": Decimal("0.3"), "attainment": Decimal("0.2")}
FORMULA_TEXT = (
    "得分 = 100 ×（0.5 × 完成度 + 0.3 × 及时率 + 0.2 × 指标达成率）；"
    "完成度 = 本单位牵头的任务和牵头的具体措施（所在任务非本单位牵头）各自 min(1, 实际进度 ÷ 应完成进度) 的平均，"
    "措施的应完成进度按措施完成时限（未填的按任务时限）计算；"
    "及时率 = 按期报送的月度进展 ÷ 应报送次数（每个牵头任务、每个含本单位牵头措施的任务每月各报送一次）；"
    "指标达成率 = 牵头任务的指标中最新实际值达到目标的 ÷ 已报实际值的。"
    "尚无指标实际值时（如只牵头措施的单位），按 0.5 ÷ 0.8 与 0.3 ÷ 0.8 折算。"
)


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
    ratios = [
        Decimal(1) if expected <= 0 else min(Decimal(1), Decimal(progress) / Decimal(expected))
        for progress, expected in pairs
    ]
    return _round(sum(ratios, Decimal(0)) / len(ratios), "0.0001") if ratios else Decimal(1)


def ratio(part: int, whole: int) -> Decimal:
    return Decimal(1) if whole == 0 else _round(Decimal(part) / Decimal(whole), "0.0001")


def target_met(
    *, comparator: str, value: Decimal | None, low: Decimal | None, high: Decimal | None, actual: Decimal
) -> bool:
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
        total = (
            100 * (WEIGHTS["completion"] * completion_rate + WEIGHTS["timeliness"] * timeliness_rate) / scale
        )
    else:
        total = 100 * (
            WEIGHTS["completion"] * completion_rate
            + WEIGHTS["timeliness"] * timeliness_rate
            + WEIGHTS["attainment"] * attainment_rate
        )
    return Score(completion_rate, timeliness_rate, attainment_rate, _round(total))


# -- 季度考核 and 年度评价 ------------------------------------------------------------------------------------

PERIOD_COMPONENTS = ("completion", "timeliness", "supervision", "problems")
PERIOD_COMPONENT_LABELS = {
    "completion": "完成度",
    "timeliness": "及时率",
    "supervision": "督办响应率",
    "problems": "问题销号率",
}
DEFAULT_PERIOD_WEIGHTS = {
    "completion": Decimal(40),
    "timeliness": Decimal(20),
    "supervision": Decimal(20),
    "problems": Decimal(20),
}
PERIOD_FORMULA_TEXT = (
    "季度得分 = 100 × Σ(权重 × 分项) ÷ Σ权重。分项：完成度 = 季末各牵头任务和牵头的具体措施（所在任务非本单位牵头，"
    "应完成进度按措施完成时限计算）min(1, 实际进度 ÷ 应完成进度) 的平均；"
    "及时率 = 本季度按期报送的月度进展 ÷ 应报送次数（牵头任务和含本单位牵头措施的任务每月各一次）；"
    "督办响应率 = 本季度对牵头任务下发的督办单中在回复期限内回复的 ÷ 下发数；"
    "问题销号率 = 整改时限在季末前（无时限的按季末）的问题中按时销号的 ÷ 问题数。"
    "某分项本季度没有考核对象（如未被督办）时不计入，其权重也不计入分母。"
)
ANNUAL_METHOD_TEXT = (
    "年度评价得分 = 该单位（县区）四个季度考核得分的算术平均，保留两位小数；四个季度均已签发后才能生成。"
)


def period_score(components: dict[str, Decimal | None], weights: dict[str, Decimal]) -> Decimal:
    """The weighted score on 0–100 (two decimals) of the components present; None components are left out."""
    present = [
        (Decimal(weights[name]), Decimal(value))
        for name, value in components.items()
        if value is not None and Decimal(weights[name]) > 0
    ]
    total = sum((weight for weight, _ in present), Decimal(0))
    if total == 0:
        return Decimal("0.00")
    return _round(100 * sum((weight * value for weight, value in present), Decimal(0)) / total)


def annual_score(quarter_scores: Iterable[Decimal]) -> Decimal:
    """The annual evaluation: the arithmetic mean of the four quarterly scores."""
    scores = [Decimal(score) for score in quarter_scores]
    if len(scores) != 4:
        raise ValueError("annual evaluation needs four quarterly scores")
    return _round(sum(scores, Decimal(0)) / 4)


def parse_period(text: str) -> tuple[int, int | None] | None:
    """ "2025Q2" → (2025, 2); "2025" → (2025, None); anything else → None."""
    if len(text) == 4 and text.isdigit():
        return int(text), None
    if len(text) == 6 and text[:4].isdigit() and text[4] == "Q" and text[5] in "1234":
        return int(text[:4]), int(text[5])
    return None


def quarter_bounds(year: int, quarter: int) -> tuple[dt.date, dt.date]:
    """First and last day of a quarter."""
    start = dt.date(year, 3 * quarter - 2, 1)
    end = (dt.date(year + 1, 1, 1) if quarter == 4 else dt.date(year, 3 * quarter + 1, 1)) - dt.timedelta(
        days=1
    )
    return start, end
