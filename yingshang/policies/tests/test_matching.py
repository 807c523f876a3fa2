"""The eligibility engine: per-pair explanations (table-driven) and the vectorised engine agreeing with it."""

import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from yingshang.policies.matching import (
    MET,
    NOT_MET,
    UNKNOWN,
    EnterpriseFacts,
    FactTable,
    age_cutoff,
    combine,
    estimate_max_benefit,
    evaluate_clause,
    evaluate_many,
    quick_status,
    status_of,
)

TODAY = dt.date(2025, 6, 30)
SEED_COMPANY = EnterpriseFacts(
    enterprise_id=7,
    entity_type="enterprise",
    industry_code="0511",
    industry_section="A",
    region_code="620702",
    size="small",
    established_on=dt.date(2019, 5, 20),
    employees=56,
    revenue_10k=3200,
    rd_ratio=None,
    tax_paid_10k=None,
    above_scale=True,
    qualifications=frozenset({"hnte"}),
    tags=frozenset({"玉米制种"}),
    credit_class="A",
    sources={"employees": "市场监管局年报（2024）", "qualifications": "科技局认定名单"},
)


@pytest.mark.parametrize(
    ("rules", "status", "outcomes"),
    [
        ({}, MET, []),
        ({"qualifications_any": ["hnte", "tech_sme"]}, MET, [MET]),
        ({"qualifications_all": ["hnte", "tech_sme"]}, NOT_MET, [NOT_MET]),
        ({"industries": ["A"]}, MET, [MET]),
        ({"industries": ["05"]}, MET, [MET]),
        ({"industries": ["13", "C"]}, NOT_MET, [NOT_MET]),
        ({"tags_any": ["肉牛", "玉米制种"]}, MET, [MET]),
        ({"sizes": ["small", "micro"]}, MET, [MET]),
        ({"sizes": ["large"]}, NOT_MET, [NOT_MET]),
        ({"regions": ["620723"]}, NOT_MET, [NOT_MET]),
        ({"entity_types": ["enterprise"]}, MET, [MET]),
        ({"min_age_years": 6}, MET, [MET]),
        ({"min_age_years": 7}, NOT_MET, [NOT_MET]),
        ({"max_age_years": 5}, NOT_MET, [NOT_MET]),
        ({"min_employees": 56, "max_employees": 56}, MET, [MET, MET]),
        ({"min_employees": 57}, NOT_MET, [NOT_MET]),
        ({"min_rd_ratio": 3}, UNKNOWN, [UNKNOWN]),
        ({"min_rd_ratio": 3, "min_employees": 100}, NOT_MET, [NOT_MET, UNKNOWN]),
        ({"min_tax_paid_10k": 10}, UNKNOWN, [UNKNOWN]),
        ({"above_scale": True}, MET, [MET]),
        ({"established_from": "2020-01-01"}, NOT_MET, [NOT_MET]),
        ({"established_to": "2020-01-01"}, MET, [MET]),
        ({"exclude_credit_classes": ["C", "D"]}, MET, [MET]),
        ({"exclude_credit_classes": ["A"]}, NOT_MET, [NOT_MET]),
    ],
)
def test_evaluate_clause_outcomes(rules, status, outcomes):
    result = evaluate_clause(rules, [], SEED_COMPANY, today=TODAY)
    assert result.status == status
    assert [c.outcome for c in result.conditions] == outcomes


def test_each_condition_names_the_deciding_fact_and_its_source():
    result = evaluate_clause(
        {"min_employees": 50, "qualifications_any": ["hnte"]},
        [],
        SEED_COMPANY,
        today=TODAY,
        names={"qualifications": {"hnte": "高新技术企业"}},
    )
    by_key = {c.key: c for c in result.conditions}
    assert by_key["min_employees"].fact == "56人"
    assert by_key["min_employees"].requirement == "≥50人"
    assert by_key["min_employees"].source == "市场监管局年报（2024）"
    assert by_key["qualifications_any"].fact == "高新技术企业"
    assert by_key["qualifications_any"].source == "科技局认定名单"


def test_unknown_conditions_say_what_to_add():
    result = evaluate_clause({"min_rd_ratio": 3, "min_tax_paid_10k": 20}, [], SEED_COMPANY, today=TODAY)
    assert result.status == UNKNOWN
    assert result.hints == ["补充研发费用占比可确认", "补充上年纳税额可确认"]
    assert result.conditions[0].source == "暂无数据"


def test_already_benefited_excludes_only_that_clause():
    facts = EnterpriseFacts(benefited_clause_ids=frozenset({5}))
    assert (
        evaluate_clause({"exclude_already_benefited": True}, [], facts, today=TODAY, clause_id=5).status
        == NOT_MET
    )
    assert (
        evaluate_clause({"exclude_already_benefited": True}, [], facts, today=TODAY, clause_id=6).status
        == MET
    )


def test_entity_type_requirement_reads_in_chinese_without_a_vocabulary():
    result = evaluate_clause(
        {"entity_types": ["enterprise", "individual"]},
        [],
        EnterpriseFacts(entity_type="individual"),
        today=TODAY,
    )
    condition = result.conditions[0]
    assert (condition.outcome, condition.requirement, condition.fact) == (
        MET,
        "企业、个体工商户",
        "个体工商户",
    )


def test_registry_unknown_size_is_unknown_not_a_mismatch():
    facts = EnterpriseFacts(size="unknown")
    assert evaluate_clause({"sizes": ["small"]}, [], facts, today=TODAY).status == UNKNOWN


@pytest.mark.parametrize(
    ("benefits", "expected"),
    [
        ([], None),
        ([{"max_amount_yuan": 300000}], 300000),
        ([{"ratio": 0.5, "cap_yuan": 1000000}], 1000000),
        ([{"ratio": 0.5}], None),
        ([{"max_amount_yuan": 100000}, {"per_year_limit_yuan": 50000}], 150000),
    ],
)
def test_estimate_max_benefit(benefits, expected):
    assert estimate_max_benefit(benefits) == expected


@pytest.mark.parametrize(
    ("outcomes", "expected"),
    [
        ([], MET),
        ([MET, MET], MET),
        ([MET, UNKNOWN], UNKNOWN),
        ([UNKNOWN, NOT_MET], NOT_MET),
    ],
)
def test_combine_is_three_valued_and(outcomes, expected):
    assert combine(outcomes) == expected


@pytest.mark.parametrize(
    ("today", "years", "expected"),
    [
        (dt.date(2025, 6, 30), 3, dt.date(2022, 6, 30)),
        (dt.date(2024, 2, 29), 1, dt.date(2023, 2, 28)),
        (dt.date(2025, 6, 30), 0.5, dt.date(2024, 12, 30)),  # 182 days
    ],
)
def test_age_cutoff(today, years, expected):
    assert age_cutoff(today, years) == expected


# -- the vectorised engine gives the per-pair engine's answer ------------------------------------------

optional = st.none() | st.just(1)
facts_strategy = st.builds(
    EnterpriseFacts,
    enterprise_id=st.integers(1, 10_000),
    entity_type=st.none() | st.sampled_from(["enterprise", "individual", "cooperative"]),
    industry_code=st.sampled_from(["0511", "1351", "5212", "6110"]),
    industry_section=st.sampled_from(["A", "C", "F", "H"]),
    region_code=st.none() | st.sampled_from(["620702", "620723", "620724"]),
    zone_code=st.none() | st.just("620700Z01"),
    size=st.none() | st.sampled_from(["large", "medium", "small", "micro", "unknown"]),
    established_on=st.none() | st.dates(dt.date(2000, 1, 1), dt.date(2025, 6, 30)),
    employees=st.none() | st.integers(0, 500),
    revenue_10k=st.none() | st.floats(0, 50000, allow_nan=False),
    rd_ratio=st.none() | st.floats(0, 20, allow_nan=False),
    tax_paid_10k=st.none() | st.floats(0, 500, allow_nan=False),
    above_scale=st.none() | st.booleans(),
    qualifications=st.none() | st.frozensets(st.sampled_from(["hnte", "tech_sme", "srdi_sme"])),
    tags=st.none() | st.frozensets(st.sampled_from(["玉米制种", "肉牛", "新能源"])),
    credit_class=st.none() | st.sampled_from(["", "A", "B", "C", "D"]),
    benefited_clause_ids=st.frozensets(st.sampled_from([1, 2])),
)
rules_strategy = st.fixed_dictionaries(
    {},
    optional={
        "qualifications_any": st.lists(
            st.sampled_from(["hnte", "tech_sme", "little_giant"]), min_size=1, unique=True
        ),
        "qualifications_all": st.lists(
            st.sampled_from(["hnte", "tech_sme", "little_giant"]), min_size=1, unique=True
        ),
        "industries": st.lists(st.sampled_from(["A", "C", "05", "13", "6110"]), min_size=1, unique=True),
        "tags_any": st.lists(st.sampled_from(["玉米制种", "肉牛", "文化旅游"]), min_size=1, unique=True),
        "sizes": st.lists(st.sampled_from(["medium", "small", "micro"]), min_size=1, unique=True),
        "regions": st.lists(st.sampled_from(["620702", "620700Z01"]), min_size=1, unique=True),
        "entity_types": st.lists(st.sampled_from(["enterprise", "cooperative"]), min_size=1, unique=True),
        "min_age_years": st.integers(0, 10),
        "max_age_years": st.integers(0, 30),
        "min_employees": st.integers(0, 300),
        "max_employees": st.integers(0, 300),
        "min_revenue_10k": st.integers(0, 40000),
        "min_rd_ratio": st.integers(0, 10),
        "min_tax_paid_10k": st.integers(0, 300),
        "above_scale": st.booleans(),
        "established_from": st.dates(dt.date(2005, 1, 1), dt.date(2024, 1, 1)).map(dt.date.isoformat),
        "exclude_credit_classes": st.lists(st.sampled_from(["C", "D"]), min_size=1, unique=True),
        "exclude_already_benefited": st.booleans(),
    },
)


@settings(max_examples=200, deadline=None)
@given(
    facts=st.lists(facts_strategy, min_size=1, max_size=8),
    rules=st.lists(rules_strategy, min_size=1, max_size=3),
)
def test_vectorised_engine_agrees_with_per_pair_engine(facts, rules):
    table = FactTable.from_facts(facts)
    clauses = dict(enumerate(rules, start=1))
    outcomes = evaluate_many(clauses, table, today=TODAY)
    for clause_id, clause_rules in clauses.items():
        for row, enterprise in enumerate(facts):
            expected = evaluate_clause(clause_rules, [], enterprise, today=TODAY, clause_id=clause_id).status
            assert status_of(outcomes[clause_id], row) == expected, (clause_rules, enterprise)
            assert quick_status(clause_rules, enterprise, today=TODAY, clause_id=clause_id) == expected


def test_requirement_texts_follow_the_vocabulary_given_not_a_cached_one():
    rules = {"qualifications_any": ["hnte", "tech_sme"], "regions": ["620702"]}
    facts = EnterpriseFacts(qualifications=frozenset({"hnte"}), region_code="620702")
    first = {
        "qualifications": {"hnte": "高新技术企业", "tech_sme": "科技型中小企业"},
        "regions": {"620702": "甘州区"},
    }
    second = {"qualifications": {"hnte": "高企"}, "regions": {}}

    texts = [
        [c.requirement for c in evaluate_clause(rules, [], facts, today=TODAY, names=names).conditions]
        for names in (first, second, first)
    ]

    assert texts == [
        ["甘州区", "高新技术企业或科技型中小企业"],
        ["620702", "高企或tech_sme"],
        ["甘州区", "高新技术企业或科技型中小企业"],
    ]
