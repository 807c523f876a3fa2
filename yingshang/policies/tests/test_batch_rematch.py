"""Batched re-match (精准推送 after a registry import): vectorised, equal to the per-pair engine, one push each."""

import datetime as dt
import random
import re

import pytest
from django.tasks import default_task_backend
from django.urls import reverse

from conftest import make_enterprise
from yingshang.core.models import Notification
from yingshang.enterprises.credit_code import generate_credit_code
from yingshang.enterprises.models import Enterprise, EnterpriseQualification
from yingshang.enterprises.services import import_enterprises
from yingshang.policies import matching, selectors, services, tasks
from yingshang.policies.models import Benefit, Clause, EnterpriseDeclaration, PolicyApplication, PolicyMatch
from yingshang.policies.tests.conftest import NOW

pytestmark = pytest.mark.django_db

COUNTIES = ["620702", "620721", "620722", "620723", "620724", "620725"]


@pytest.fixture(autouse=True)
def _immediate_tasks(settings):
    """Run tasks in-process whether or not the settings saw YINGSHANG_TESTING (a plain `pytest` run does not)."""
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}


def _import(rows):
    data = "\n".join(",".join(row) for row in rows).encode("utf-8")
    return import_enterprises(data=data, filename="registry.csv", by=None, today=dt.date(2025, 6, 30))


def _matches():
    return sorted(
        PolicyMatch.objects.values_list(
            "enterprise_id", "clause_id", "status", "estimated_max_yuan", "decidable_from_registry"
        )
    )


class _Recorder:
    """Stands in for a task: records what would have been enqueued."""

    def __init__(self, calls: list) -> None:
        self.calls = calls

    def enqueue(self, **kwargs) -> None:
        self.calls.append(kwargs)

    def get_backend(self):
        return default_task_backend  # the configured one (immediate in tests): queued after COMMIT


@pytest.fixture
def varied(cast, policy, seed_company):
    """40 enterprises with every kind of fact known or unknown, and clauses using every kind of rule."""
    rng = random.Random(7)
    for index in range(40):
        enterprise = make_enterprise(
            name=f"测试企业{index}",
            county_code=rng.choice(COUNTIES),
            seed=100 + index,
            entity_type=rng.choice(["enterprise", "enterprise", "individual"]),
            industry_id=rng.choice(["0511", "0311", "1371", "6110", None]),
            established_on=rng.choice([None, dt.date(2012, 5, 1), dt.date(2023, 1, 9)]),
            employees=rng.choice([None, 5, 40, 300]),
            revenue_10k=rng.choice([None, 80, 3000]),
            size=rng.choice(["small", "micro", "medium", "unknown"]),
            tags=rng.choice([[], ["玉米制种"], ["肉牛"]]),
            credit_class=rng.choice(["", "A", "C"]),
            above_scale=rng.choice([True, False]),
            status=rng.choice(["active"] * 9 + ["revoked"]),
        )
        enterprise.industry_section = {"0511": "A", "0311": "A", "1371": "C", "6110": "H"}.get(
            enterprise.industry_id, ""
        )
        enterprise.save(update_fields=["industry_section"])
        if index % 3 == 0:
            EnterpriseQualification.objects.create(
                enterprise=enterprise,
                qualification_id="hnte",
                expires_on=rng.choice([None, dt.date(2020, 1, 1)]),
            )
        if index % 4 == 0:
            EnterpriseDeclaration.objects.create(enterprise=enterprise, rd_ratio=rng.choice([None, 1, 4]))
    more = [
        {"min_employees": 20, "regions": ["620702", "620723"]},
        {"max_age_years": 5, "entity_types": ["enterprise"]},
        {"min_revenue_10k": 500, "above_scale": True},
        {"industries": ["C"], "exclude_already_benefited": True},
        {"qualifications_all": ["hnte"], "min_rd_ratio": 3},
    ]
    for position, rules in enumerate(more, start=4):
        clause = Clause.objects.create(
            document=policy,
            position=position,
            title=f"条款{position}",
            text="示例",
            rules=rules,
            review_status="confirmed",
        )
        Benefit.objects.create(clause=clause, benefit_type="award", max_amount_yuan=10_000 * position)
    benefited = Enterprise.objects.filter(industry_id="1371").first()
    if benefited is not None:
        PolicyApplication.objects.create(
            enterprise=benefited,
            clause=Clause.objects.get(position=7),
            status="approved",
            submitted_at=NOW,
            year=2025,
        )
    return policy


def _per_pair_engine() -> list[tuple]:
    """What the explained per-pair engine says, one enterprise at a time (the pages' reader and engine)."""
    rows = []
    clauses = selectors.active_clauses()
    for enterprise in Enterprise.objects.active().select_related("region", "zone", "industry"):
        for live in selectors.live_matches(
            selectors.enterprise_facts(enterprise), today=NOW.date(), clauses=clauses
        ):
            if live.result.status != matching.NOT_MET:
                rows.append(
                    (
                        enterprise.pk,
                        live.clause.pk,
                        live.result.status,
                        live.result.estimated_max_yuan,
                        live.result.decidable_from_registry,
                    )
                )
    return sorted(rows)


def test_bulk_rematch_stores_exactly_what_the_per_pair_engine_decides(varied):
    expected = _per_pair_engine()

    totals = services.refresh_enterprises_matches(
        list(Enterprise.objects.values_list("pk", flat=True)), now=NOW, push=False, chunk_size=7
    )

    assert _matches() == expected
    assert {row[2] for row in expected} == {"met", "unknown"}
    assert totals["met"] == sum(r[2] == "met" for r in expected)
    assert totals["unknown"] == sum(r[2] == "unknown" for r in expected)
    assert totals["enterprises"] == Enterprise.objects.active().count()


def test_publication_and_enterprise_paths_store_the_same_rows(varied):
    services.refresh_enterprises_matches(
        list(Enterprise.objects.values_list("pk", flat=True)), now=NOW, push=False
    )
    by_enterprise = _matches()
    PolicyMatch.objects.all().delete()

    services.refresh_clause_matches(selectors.active_clauses(), now=NOW, push=False)

    assert _matches() == by_enterprise == _per_pair_engine()


def test_rematch_replaces_changed_rows_and_drops_gone_ones(cast, policy, seed_company):
    ids = [cast.gz_enterprise.pk, cast.lz_enterprise.pk]
    services.refresh_enterprises_matches(ids, now=NOW, push=False)
    award = policy.clauses.get(position=1)
    assert PolicyMatch.objects.get(enterprise=seed_company, clause=award).status == "met"

    seed_company.credit_class = "D"
    seed_company.save(update_fields=["credit_class"])
    EnterpriseDeclaration.objects.create(enterprise=seed_company, rd_ratio=5)
    later = NOW + dt.timedelta(hours=1)
    services.refresh_enterprises_matches(ids, now=later, push=False)

    assert not PolicyMatch.objects.filter(enterprise=seed_company, clause=award).exists()
    assert (
        PolicyMatch.objects.get(enterprise=seed_company, clause=policy.clauses.get(position=2)).status
        == "met"
    )
    assert set(PolicyMatch.objects.values_list("computed_at", flat=True)) == {later}
    assert _matches() == _per_pair_engine()


def test_guide_page_reads_the_same_after_either_path(cast, varied, client_for):
    assignment = services.assign_guide(
        enterprise=cast.gz_enterprise, guide=cast.gz_staff, by=cast.gz_admin, now=NOW
    )
    url = reverse("policies:guide_detail", args=[assignment.pk])

    def matched_card() -> str:
        response = client_for(cast.gz_admin).get(url)
        assert response.status_code == 200
        return re.search(r"<h2>该企业符合的政策</h2>.*?</div>", response.content.decode(), re.S).group(0)

    services.refresh_clause_matches(selectors.active_clauses(), now=NOW, push=False)
    after_publication = matched_card()
    PolicyMatch.objects.all().delete()
    services.refresh_enterprises_matches([cast.gz_enterprise.pk], now=NOW, push=False)
    after_profile_change = matched_card()

    assert after_publication == after_profile_change
    assert "高新技术企业认定奖励" in after_publication
    assert (
        "为什么符合" in after_publication and "市科技局认定名单" in after_publication
    )  # the deciding fact's source


def test_import_enqueues_batches_for_created_and_updated_enterprises(
    cast, policy, monkeypatch, django_capture_on_commit_callbacks
):
    single, batch = [], []
    monkeypatch.setattr(tasks, "rematch_enterprise", _Recorder(single))
    monkeypatch.setattr(tasks, "rematch_enterprises", _Recorder(batch))
    gz, lz = cast.gz_enterprise, cast.lz_enterprise
    new_code = generate_credit_code(random.Random(99), region_code="620702")

    with django_capture_on_commit_callbacks(execute=True):
        report = _import(
            [
                ["统一社会信用代码", "企业名称", "从业人员"],
                [gz.credit_code, gz.name, "81"],
                [lz.credit_code, lz.name, "31"],
                [new_code, "张掖市新建种业有限公司", "12"],
            ]
        )

    assert (report.updated, report.created) == (2, 1)
    assert single == []
    new = Enterprise.objects.get(credit_code=new_code)
    assert batch == [{"enterprise_ids": sorted([gz.pk, lz.pk, new.pk])}]


def test_new_enterprise_from_an_import_is_matched_and_its_user_told_once(
    cast, policy, django_capture_on_commit_callbacks
):
    award = policy.clauses.get(position=1)
    award.rules = {"max_employees": 50}
    award.save(update_fields=["rules"])
    new_code = generate_credit_code(random.Random(99), region_code="620702")
    rows = [["统一社会信用代码", "企业名称", "从业人员"], [new_code, "张掖市新建种业有限公司", "12"]]

    with django_capture_on_commit_callbacks(execute=True):
        _import(rows)
    new = Enterprise.objects.get(credit_code=new_code)
    assert PolicyMatch.objects.get(enterprise=new, clause=award).status == "met"

    from yingshang.enterprises.choices import MembershipStatus
    from yingshang.enterprises.models import EnterpriseMembership

    EnterpriseMembership.objects.create(user=cast.stranger, enterprise=new, status=MembershipStatus.VERIFIED)
    services.refresh_enterprises_matches([new.pk], now=NOW)
    services.refresh_enterprises_matches([new.pk], now=NOW)
    with django_capture_on_commit_callbacks(execute=True):
        _import([rows[0], [new_code, "张掖市新建种业有限公司", "13"]])

    links = list(Notification.objects.filter(recipient=cast.stranger).values_list("link", flat=True))
    assert links == [f"/policies/clauses/{award.pk}/"]
    assert PolicyMatch.objects.get(enterprise=new, clause=award).notified_at == NOW


def test_batch_task_after_import_pushes_each_match_once(
    cast, policy, seed_company, django_capture_on_commit_callbacks
):
    gz, lz = cast.gz_enterprise, cast.lz_enterprise
    rows = [
        ["统一社会信用代码", "企业名称", "从业人员"],
        [gz.credit_code, gz.name, "90"],
        [lz.credit_code, lz.name, "40"],
    ]

    with django_capture_on_commit_callbacks(execute=True):
        _import(rows)
    pushed = list(Notification.objects.filter(recipient=cast.gz_owner).values_list("link", flat=True))
    with django_capture_on_commit_callbacks(execute=True):
        _import([rows[0], [gz.credit_code, gz.name, "95"], [lz.credit_code, lz.name, "45"]])

    award = policy.clauses.get(position=1)
    assert f"/policies/clauses/{award.pk}/" in pushed
    assert sorted(
        Notification.objects.filter(recipient=cast.gz_owner).values_list("link", flat=True)
    ) == sorted(pushed)
    assert PolicyMatch.objects.get(enterprise=gz, clause=award).status == "met"


def test_empty_batch_does_nothing(db):
    assert services.refresh_enterprises_matches([], now=NOW) == {
        "enterprises": 0,
        "met": 0,
        "unknown": 0,
        "pushed": 0,
    }
