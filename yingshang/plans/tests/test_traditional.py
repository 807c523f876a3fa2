"""Traditional-character plans (繁体): converted to simplified characters (OpenCC t2s) before parsing, so that the
same plan in either script gives the same tasks, units and targets. The traditional text is the real seed plan
converted with OpenCC s2t (the reverse dictionary), in UTF-8 and in Big5."""

from __future__ import annotations

import opencc
import pytest

from yingshang.plans.importing import read_plan_upload, to_simplified

from .conftest import SEED_PATH

SEED = SEED_PATH.read_text(encoding="utf-8")
TRADITIONAL = opencc.OpenCC("s2t").convert(SEED)


def _summary(parsed):
    return (
        [(t.number, t.title, t.section, t.measures, t.lead_units, t.co_units) for t in parsed.tasks],
        [
            (t.indicator, t.comparator, t.value, t.low, t.high, t.unit, t.growth, t.soft)
            for t in parsed.targets
        ],
        len(parsed.conflicts),
    )


def test_the_traditional_seed_really_is_traditional():
    assert "優化營商環境" in TRADITIONAL and "优化营商环境" not in TRADITIONAL


def test_a_traditional_plan_parses_exactly_like_the_simplified_one():
    simplified_text, simplified = read_plan_upload(SEED.encode(), "方案.txt")
    text, traditional = read_plan_upload(TRADITIONAL.encode(), "方案.txt")
    assert text == SEED
    assert _summary(traditional) == _summary(simplified)
    assert len(traditional.tasks) >= 31 and len(traditional.targets) >= 40


def test_a_big5_traditional_plan_is_read():
    lines = [line for line in TRADITIONAL.splitlines() if _big5_encodable(line)]
    data = "\n".join(lines).encode("big5")
    text, parsed = read_plan_upload(data, "方案.txt")
    assert "优化营商环境" in text and "優化" not in text
    assert any(t.indicator == "营商环境便利度指数" for t in parsed.targets)


def _big5_encodable(line: str) -> bool:
    try:
        line.encode("big5")
    except UnicodeEncodeError:
        return False
    return True


@pytest.mark.parametrize("text", [SEED, "一、主要任务\n1.优化营商环境，推进“放管服”改革。\n"])
def test_simplified_text_is_left_alone(text):
    assert to_simplified(text) is text


def test_a_few_traditional_forms_in_a_simplified_plan_are_left_alone():
    # Names such as 乾县 or a quoted 臺 must not trigger a conversion of a simplified plan.
    text = SEED[:3000] + "（注：引自乾隆年间臺账）"
    assert to_simplified(text) is text
