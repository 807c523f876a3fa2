"""A condition the platform cannot decide never makes a clause match everyone (real clause c079 and kin).

Extraction keeps every threshold as a typed condition with its span (a 美元 amount stays in 美元); the proposal
turns the ones the platform holds (营业收入, 纳税额, 研发费用占比) into typed rules and the rest into
`manual_conditions`; matching gives a clause with a manual condition `unknown` with a hint, never `met`; and a
reviewer cannot confirm a clause whose stated threshold the rules leave out.
"""

import datetime as dt
import json
from pathlib import Path

import pytest

from yingshang.core.errors import BusinessRuleError
from yingshang.core.models import Notification
from yingshang.policies import interpretation, matching, services
from yingshang.policies.amounts import find_amounts, parse_amount
from yingshang.policies.extraction import extract_clause
from yingshang.policies.models import PolicyMatch
from yingshang.policies.rules import RuleError, describe_rules, validate_rules
from yingshang.policies.tests.conftest import NOW

TODAY = dt.date(2025, 6, 30)
DATA = Path(__file__).parent / "data" / "labelled_clauses.jsonl"
ROWS = {row["id"]: row for row in map(json.loads, DATA.read_text(encoding="utf-8").splitlines())}
C079 = ROWS["c079"]["text"]


def test_a_dollar_amount_keeps_its_currency_and_is_never_yuan():
    mentions = find_amounts(C079)

    dollars = [mention for mention in mentions if mention.currency == "USD"]
    assert [(m.value, m.role, C079[m.start : m.end]) for m in dollars] == [
        (45_000_000, "threshold", "4500万美元")
    ]
    assert not dollars[0].is_benefit
    assert parse_amount("30万美元") is None
    assert parse_amount("30万元") == 300_000


def test_c079_threshold_becomes_a_typed_manual_condition_with_its_span():
    result = extract_clause(C079).to_json_dict()

    assert result["amount_max_yuan"] == 300_000
    assert result["eligibility"]["other"] == ["上年度进出口总额≥4500万美元"]
    [condition] = result["conditions"]
    assert condition["kind"] == "threshold"
    assert (condition["subject"], condition["operator"], condition["amount"], condition["currency"]) == (
        "上年度进出口总额",
        "≥",
        45_000_000,
        "USD",
    )
    assert condition["rule_key"] is None
    start, end = condition["span"]
    assert C079[start:end] == "4500万美元"


def test_thresholds_the_platform_holds_become_typed_rules():
    text = "对上年度营业收入达到2000万元以上、研发费用占营业收入比例不低于3%的企业，给予一次性奖励10万元。"

    proposal = interpretation.propose_structure(extract_clause(text).to_json_dict(), region_codes={})

    assert proposal["rules"] == {"min_revenue_10k": 2000, "min_rd_ratio": 3}


def test_proposal_for_c079_carries_the_manual_condition():
    proposal = interpretation.propose_structure(extract_clause(C079).to_json_dict(), region_codes={})

    assert proposal["rules"] == {"manual_conditions": ["上年度进出口总额≥4500万美元"]}
    assert validate_rules(proposal["rules"]) == proposal["rules"]
    assert "平台无法自动判断" in proposal["notes"][0]


@pytest.mark.parametrize(
    ("value", "problem"),
    [
        (["条件", "x" * 201], "需人工核实的条件：第2项超过 200 字"),
        ([1, 2], "需人工核实的条件：应为文字列表，每项一个条件"),
        ([f"条件{i}" for i in range(21)], "需人工核实的条件：最多 20 项"),
    ],
)
def test_bad_manual_conditions_are_refused(value, problem):
    with pytest.raises(RuleError) as error:
        validate_rules({"manual_conditions": value})
    assert error.value.problems == [problem]


def test_manual_conditions_from_a_textarea_are_one_per_line():
    assert validate_rules({"manual_conditions": " 甲条件 \n\n乙条件\n甲条件"}) == {
        "manual_conditions": ["甲条件", "乙条件"]
    }


FACTS = matching.EnterpriseFacts(enterprise_id=1, region_code="620702", size="small", credit_class="")
RULES = {"manual_conditions": ["上年度进出口总额≥4500万美元"]}


def test_a_manual_condition_is_unknown_with_a_hint_never_met():
    result = matching.evaluate_clause(RULES, [], FACTS, today=TODAY, clause_id=9)

    assert result.status == matching.UNKNOWN
    [condition] = result.conditions
    assert (condition.label, condition.outcome, condition.requirement) == (
        "需人工核实的条件",
        "unknown",
        "上年度进出口总额≥4500万美元",
    )
    assert result.hints == ["提供“上年度进出口总额≥4500万美元”的证明材料，由受理部门核实后可确认"]
    assert not result.decidable_from_registry
    assert not matching.registry_decidable(RULES)
    assert matching.quick_status(RULES, FACTS, today=TODAY) == matching.UNKNOWN


def test_a_failed_condition_still_wins_over_a_manual_one():
    rules = {**RULES, "regions": ["620722"]}

    assert matching.evaluate_clause(rules, [], FACTS, today=TODAY).status == matching.NOT_MET
    assert matching.quick_status(rules, FACTS, today=TODAY) == matching.NOT_MET


def test_bulk_engine_agrees_manual_conditions_are_unknown_for_every_row():
    facts = [
        FACTS,
        matching.EnterpriseFacts(enterprise_id=2, region_code="620722", credit_class=""),
        matching.EnterpriseFacts(enterprise_id=3, credit_class=None, region_code=None),
    ]
    table = matching.FactTable.from_facts(facts)
    clauses = {1: RULES, 2: {**RULES, "regions": ["620702"]}, 3: {"regions": ["620702"]}}

    outcomes = matching.evaluate_many(clauses, table, today=TODAY)

    for clause_id, rules in clauses.items():
        for row, item in enumerate(facts):
            expected = matching.evaluate_clause(rules, [], item, today=TODAY, clause_id=clause_id).status
            assert matching.status_of(outcomes[clause_id], row) == expected
    assert outcomes[1].met.tolist() == [] and outcomes[1].unknown.tolist() == [0, 1, 2]
    assert outcomes[2].met.tolist() == [] and outcomes[2].unknown.tolist() == [0, 2]
    assert outcomes[3].met.tolist() == [0]


def test_the_interpretation_page_states_the_manual_condition():
    assert describe_rules(RULES) == ["上年度进出口总额≥4500万美元（需提供证明材料，由受理部门核实）"]


@pytest.mark.django_db
def test_c079_imported_published_is_unknown_for_every_enterprise(
    cast, seed_company, django_capture_on_commit_callbacks
):
    document = services.create_document(by=cast.city_dept_lead, title="外经贸政策", text=C079)
    [clause] = document.clauses.all()
    assert clause.rules == {"manual_conditions": ["上年度进出口总额≥4500万美元"]}
    services.review_clause(clause, by=cast.city_dept_lead, changes={}, benefits=None, confirm=True)

    with django_capture_on_commit_callbacks(execute=True):
        services.publish_document(document, by=cast.city_dept_lead, now=NOW)

    statuses = set(PolicyMatch.objects.filter(clause=clause).values_list("status", flat=True))
    assert statuses == {"unknown"}
    assert not Notification.objects.filter(link=f"/policies/clauses/{clause.pk}/").exists()


@pytest.mark.django_db
def test_confirming_without_the_stated_threshold_is_refused_and_nothing_changes(cast):
    document = services.create_document(by=cast.city_dept_lead, title="外经贸政策", text=C079)
    [clause] = document.clauses.all()

    with pytest.raises(BusinessRuleError) as error:
        services.review_clause(
            clause, by=cast.city_dept_lead, changes={"rules": {}}, benefits=None, confirm=True
        )

    start = C079.index("4500万美元")
    assert error.value.message == (
        f"原文第{start + 1}–{start + 7}字的条件“上年度进出口总额≥4500万美元”没有写入申报条件。"
        "请转为结构化条件，或写入“需人工核实的条件”（否则该条款会对所有企业显示为符合）。"
    )
    clause.refresh_from_db()
    assert (clause.review_status, clause.rules) == (
        "pending",
        {"manual_conditions": ["上年度进出口总额≥4500万美元"]},
    )


@pytest.mark.django_db
def test_a_reworded_manual_condition_naming_the_subject_is_accepted(cast):
    document = services.create_document(by=cast.city_dept_lead, title="外经贸政策", text=C079)
    [clause] = document.clauses.all()

    services.review_clause(
        clause,
        by=cast.city_dept_lead,
        changes={"rules": {"manual_conditions": ["上年度进出口总额达到4500万美元（海关数据）"]}},
        benefits=None,
        confirm=True,
    )

    clause.refresh_from_db()
    assert clause.review_status == "confirmed"
    assert clause.rules == {"manual_conditions": ["上年度进出口总额达到4500万美元（海关数据）"]}


def test_tiers_of_one_registry_measure_keep_the_entry_level():
    text = "对年销售额首次突破1亿元、5000万元、1000万元的工业企业，分别给予50万元、30万元、10万元奖励。"

    proposal = interpretation.propose_structure(extract_clause(text).to_json_dict(), region_codes={})

    assert proposal["rules"]["min_revenue_10k"] == 1000


def test_a_band_end_measures_what_its_start_did_and_a_goal_is_no_condition():
    band = extract_clause(ROWS["c018"]["text"]).to_json_dict()["eligibility"]["other"]
    goal = extract_clause(ROWS["c015"]["text"]).to_json_dict()["conditions"]

    assert all(text.startswith("投资") for text in band)
    assert goal == []
