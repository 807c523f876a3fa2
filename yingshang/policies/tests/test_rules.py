"""The rule schema: normalisation, unknown codes and contradictions with Chinese messages."""

import pytest

from yingshang.policies.rules import (
    RuleError,
    RuleVocabulary,
    describe_rules,
    validate_benefit,
    validate_rules,
)


def test_validate_rules_normalises_lists_numbers_and_dates():
    rules = validate_rules(
        {
            "sizes": "small，micro",
            "min_employees": "10",
            "min_rd_ratio": 2.5,
            "established_from": "2020-01-01",
            "industries": ["A", "13"],
            "regions": [],
            "above_scale": True,
        }
    )
    assert rules == {
        "sizes": ["small", "micro"],
        "min_employees": 10,
        "min_rd_ratio": 2.5,
        "established_from": "2020-01-01",
        "industries": ["A", "13"],
        "above_scale": True,
    }


@pytest.mark.parametrize(
    ("raw", "problem"),
    [
        (
            {"min_employees": 300, "max_employees": 10},
            "条件互相矛盾：从业人员下限（人）（300）大于从业人员上限（人）（10）",
        ),
        (
            {"min_age_years": 5, "max_age_years": 3},
            "条件互相矛盾：成立年限下限（年）（5）大于成立年限上限（年）（3）",
        ),
        (
            {"established_from": "2024-01-01", "established_to": "2023-01-01"},
            "条件互相矛盾：成立日期不早于（2024-01-01）大于成立日期不晚于（2023-01-01）",
        ),
        ({"above_scale": True, "sizes": ["micro"]}, "条件互相矛盾：要求规模以上企业，但只允许微型企业"),
        ({"sizes": ["tiny"]}, "企业规模：未知的规模“tiny”（可选 large、medium、small、micro）"),
        ({"industries": ["制造"]}, "行业：“制造”不是 GB/T 4754 门类字母或 2–4 位行业代码"),
        ({"min_employees": "很多"}, "从业人员下限（人）：“很多”不是数字"),
        ({"color": "red"}, "未知的条件“color”"),
        ({"min_rd_ratio": 120}, "研发费用占比下限不能超过 100%"),
        ({"established_from": "2024-13-01"}, "成立日期不早于：“2024-13-01”不是日期（YYYY-MM-DD）"),
    ],
)
def test_validate_rules_rejects_with_a_reason(raw, problem):
    with pytest.raises(RuleError) as error:
        validate_rules(raw)
    assert error.value.problems == [problem]


def test_validate_rules_checks_codes_against_the_vocabulary():
    vocabulary = RuleVocabulary(qualifications=frozenset({"hnte"}), regions=frozenset({"620702"}))
    with pytest.raises(RuleError) as error:
        validate_rules({"qualifications_any": ["hnte", "gaoqi"], "regions": ["620799"]}, vocabulary)
    assert error.value.problems == [
        "资质（具备其一）：未知的资质代码“gaoqi”",
        "所在县区/园区：未知的区划“620799”",
    ]


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (
            {"max_amount_yuan": "300,000"},
            {"max_amount_yuan": 300000, "cap_yuan": None, "per_year_limit_yuan": None, "ratio": None},
        ),
        (
            {"ratio": "0.5", "cap_yuan": 1000000},
            {"max_amount_yuan": None, "cap_yuan": 1000000, "per_year_limit_yuan": None, "ratio": 0.5},
        ),
    ],
)
def test_validate_benefit(raw, expected):
    assert validate_benefit(raw) == expected


@pytest.mark.parametrize(
    ("raw", "problem"),
    [
        ({"max_amount_yuan": "三十万"}, "最高金额（元）：“三十万”无法识别为金额，请填写整数元"),
        ({"ratio": 50}, "比例：应在 0 到 1 之间（例如 0.5 表示 50%）"),
        ({"cap_yuan": 100}, "封顶金额只适用于按比例给予的支持，请同时填写比例"),
    ],
)
def test_validate_benefit_rejects(raw, problem):
    with pytest.raises(RuleError) as error:
        validate_benefit(raw)
    assert error.value.problems == [problem]


def test_describe_rules_gives_one_sentence_per_condition():
    sentences = describe_rules(
        {
            "regions": ["620702"],
            "qualifications_any": ["hnte"],
            "min_employees": 10,
            "exclude_credit_classes": ["C", "D"],
        },
        {"regions": {"620702": "甘州区"}, "qualifications": {"hnte": "高新技术企业"}},
    )
    assert sentences == [
        "注册（或入驻）在甘州区的主体",
        "具备高新技术企业资质",
        "从业人员不少于10人",
        "信用等级不是C、D类（失信主体不能享受）",
    ]
