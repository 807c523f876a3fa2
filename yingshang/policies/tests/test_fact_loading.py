"""The column loader (`selectors.load_fact_table`) builds exactly the facts the per-enterprise reader gives."""

import datetime as dt
import math
from decimal import Decimal

import pytest

from conftest import make_enterprise
from yingshang.policies import matching, selectors

pytestmark = pytest.mark.django_db


def _decoded(table: matching.FactTable) -> dict[int, tuple]:
    """Each row as plain values (code tables may number codes differently; the facts must be the same)."""

    def number(value):
        return None if math.isnan(value) else float(value)

    def codes(bits, table_codes):
        return frozenset(code for index, code in enumerate(table_codes) if int(bits) >> index & 1)

    benefited = {int(table.ids[row]): set() for row in range(len(table))}
    for clause_id, rows in table.benefited.items():
        for row in rows.tolist():
            benefited[int(table.ids[row])].add(clause_id)
    return {
        int(table.ids[row]): (
            int(table.entity[row]),
            table.industry_codes[table.industry[row]],
            table.region_codes[table.region[row]],
            table.region_codes[table.zone[row]],
            int(table.size[row]),
            number(table.founded[row]),
            number(table.employees[row]),
            number(table.revenue[row]),
            number(table.rd_ratio[row]),
            number(table.tax_paid[row]),
            int(table.above_scale[row]),
            codes(table.qualification_bits[row], table.qualification_codes),
            bool(table.qualifications_known[row]),
            codes(table.tag_bits[row], table.tag_codes),
            bool(table.tags_known[row]),
            int(table.credit[row]),
            frozenset(benefited[int(table.ids[row])]),
        )
        for row in range(len(table))
    }


def test_column_loader_equals_facts_read_one_enterprise_at_a_time(cast, policy, seed_company):
    from yingshang.core.models import Region
    from yingshang.enterprises.models import Enterprise, EnterpriseQualification
    from yingshang.policies.models import EnterpriseDeclaration, PolicyApplication

    # given enterprises covering every kind of fact, known and unknown
    zone = Region.objects.filter(code__startswith="620702").exclude(code="620702").first()
    bare = make_enterprise(
        name="空白信息企业",
        county_code="620723",
        seed=11,
        entity_type="individual",
        credit_class="",
        size="unknown",
    )
    bare.region = None
    bare.save()
    rich = make_enterprise(
        name="信息齐全企业",
        county_code="620722",
        seed=12,
        industry_id="1351",
        industry_section="C",
        established_on=dt.date(2001, 2, 28),
        employees=250,
        revenue_10k=Decimal("12345.67"),
        above_scale=True,
        tags=["肉牛", "新能源"],
        credit_class="C",
        size="medium",
        zone=zone,
    )
    make_enterprise(name="已注销企业", county_code="620702", seed=13, status="cancelled")
    EnterpriseQualification.objects.create(enterprise=rich, qualification_id="tech_sme")
    EnterpriseQualification.objects.create(enterprise=rich, qualification_id="hnte")
    # an expired qualification is not held (both readers must drop it)
    EnterpriseQualification.objects.create(
        enterprise=rich, qualification_id="srdi_sme", expires_on=dt.date.today() - dt.timedelta(days=1)
    )
    EnterpriseDeclaration.objects.create(
        enterprise=rich, rd_ratio=Decimal("3.25"), tax_paid_10k=Decimal("80")
    )
    EnterpriseDeclaration.objects.create(enterprise=bare, rd_ratio=None, tax_paid_10k=Decimal("1.5"))
    clause = policy.clauses.order_by("position").first()
    PolicyApplication.objects.create(
        enterprise=rich,
        clause=clause,
        status="approved",
        tracking_number="T-1",
        year=2025,
        submitted_at=dt.datetime(2025, 5, 1, tzinfo=dt.UTC),
    )
    active = list(Enterprise.objects.active().select_related("region", "zone").order_by("pk"))

    # when the table is loaded from columns and, separately, built from per-enterprise facts
    loaded = selectors.load_fact_table()
    expected = matching.FactTable.from_facts([selectors.enterprise_facts(e) for e in active])

    # then both hold the same facts for the same enterprises, in the same order
    assert [int(i) for i in loaded.ids] == [e.pk for e in active]
    assert _decoded(loaded) == _decoded(expected)
    assert _decoded(loaded)[rich.pk][7] == 12345.67
    assert _decoded(loaded)[rich.pk][11] == frozenset({"tech_sme", "hnte"})
    assert _decoded(loaded)[rich.pk][16] == frozenset({clause.pk})
    assert loaded.row_of == expected.row_of


def test_column_loader_for_some_enterprises_reads_only_those(cast, seed_company):
    table = selectors.load_fact_table([cast.lz_enterprise.pk])
    assert [int(i) for i in table.ids] == [cast.lz_enterprise.pk]
    assert table.region_codes[table.region[0]] == "620723"


def test_column_loader_with_no_enterprises_is_empty(db):
    table = selectors.load_fact_table([])
    assert len(table) == 0
    assert (
        matching.evaluate_many({1: {"sizes": ["small"]}}, table, today=dt.date(2025, 6, 30))[1].met.size == 0
    )


def test_encode_columns_refuses_ids_out_of_order():
    with pytest.raises(ValueError):
        matching.encode_columns(
            ids=[2, 1],
            entity_types=["", ""],
            industry_codes=[None, None],
            industry_sections=[None, None],
            region_codes=[None, None],
            zone_codes=[None, None],
            sizes=[None, None],
            founded=[None, None],
            employees=[None, None],
            revenue_10k=[None, None],
            above_scale=[None, None],
            tags=[(), ()],
            credit_classes=["", ""],
        )
