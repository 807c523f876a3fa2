"""The scoring-parameter and weight forms: preview without saving, Chinese validation with nothing saved, new
versions with who and why, audited, and the index recomputed in the background after saving."""

import pytest

from yingshang.core.models import AuditEvent
from yingshang.monitoring import services
from yingshang.monitoring.models import IndexSnapshot, Indicator, ScoringParameter, WeightSet

from .conftest import at, publish

pytestmark = pytest.mark.django_db


@pytest.fixture
def scored_2026(catalogue):
    for region, value in (("620700", 80), ("620702", 60), ("620723", 95)):
        publish("online_filing_rate", region, "2026-09", value)
    services.recompute_index(now=at(2026, 10, 10))


def _index(region_code: str) -> float:
    return IndexSnapshot.objects.get(region__code=region_code, period="2026-09").index_score


def _form(**changes) -> dict:
    form = {"plan_year": "2026", "basis": "对标国内先进城市 2026 年水平"}
    for code, (best, worst) in changes.items():
        form[f"best:{code}"], form[f"worst:{code}"] = best, worst
    return form


def test_parameter_preview_shows_the_index_change_and_saves_nothing(scored_2026, cast, client_for):
    before = (_index("620702"), ScoringParameter.objects.count(), AuditEvent.objects.count())
    response = client_for(cast.city_admin).post(
        "/monitoring/parameters/?year=2026", {**_form(online_filing_rate=("90", "40")), "action": "preview"}
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "2026-09 的便利度指数（未保存）" in page and "网上立案率：最优值 90，最差值 40" in page
    assert (_index("620702"), ScoringParameter.objects.count(), AuditEvent.objects.count()) == before
    rows = services.preview_index(
        period="2026-09",
        now=at(2026, 10, 11),
        parameters={Indicator.objects.get(code="online_filing_rate").pk: (90.0, 40.0)},
    )
    gz = next(row for row in rows if row.region.code == "620702")
    assert gz.before == round(before[0], 2) and gz.after == 40.0  # (60 − 40) ÷ (90 − 40) × 100


@pytest.mark.parametrize(
    ("best", "worst", "reason"),
    [
        ("80", "80", "最优值与最差值不能相同"),
        ("40", "90", "越高越好，最优值应大于最差值"),
        ("九十", "40", "最优值不是数字"),
        ("120", "40", "是百分比，最优值和最差值应在 0–100 之间"),
        ("90", "", "最差值不是数字"),
    ],
)
def test_bad_parameters_are_refused_in_chinese_and_nothing_is_saved(
    scored_2026, cast, client_for, best, worst, reason
):
    before = (_index("620702"), ScoringParameter.objects.count(), AuditEvent.objects.count())
    for action in ("preview", "save"):
        response = client_for(cast.city_admin).post(
            "/monitoring/parameters/", {**_form(online_filing_rate=(best, worst)), "action": action}
        )
        assert response.status_code == 400 and reason in response.content.decode()
    assert (_index("620702"), ScoringParameter.objects.count(), AuditEvent.objects.count()) == before


def test_parameters_need_a_reason(scored_2026, cast, client_for):
    form = {**_form(online_filing_rate=("90", "40")), "basis": " ", "action": "save"}
    response = client_for(cast.city_admin).post("/monitoring/parameters/", form)
    assert response.status_code == 400 and "请填写调整依据" in response.content.decode()
    assert not ScoringParameter.objects.filter(plan_year=2026).exists()


def test_saving_parameters_adds_versions_audits_and_recomputes_in_the_background(
    scored_2026, cast, client_for, django_capture_on_commit_callbacks
):
    indicator = Indicator.objects.get(code="online_filing_rate")
    unchanged = {
        f"best:{code}": best for code, best in (("startup_time", "1"),)
    }  # equal to the value in force
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = client_for(cast.city_admin).post(
            "/monitoring/parameters/",
            {
                **_form(online_filing_rate=("90", "40")),
                "worst:startup_time": "",
                **unchanged,
                "action": "save",
            },
        )
    assert response.status_code == 400  # startup_time's pair is incomplete: nothing saved
    assert callbacks == [] and not ScoringParameter.objects.filter(plan_year=2026).exists()
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = client_for(cast.city_admin).post(
            "/monitoring/parameters/", {**_form(online_filing_rate=("90", "40")), "action": "save"}
        )
    assert response.status_code == 302 and len(callbacks) == 1
    saved = ScoringParameter.objects.get(indicator=indicator, plan_year=2026)
    assert (saved.version, saved.best, saved.worst, saved.created_by, saved.basis) == (
        1,
        90,
        40,
        cast.city_admin,
        "对标国内先进城市 2026 年水平",
    )
    assert (
        ScoringParameter.objects.filter(indicator=indicator, plan_year=2025).count() == 1
    )  # old version kept
    event = AuditEvent.objects.filter(action="monitoring.parameter.create").latest("id")
    assert (event.actor, event.after["best"], event.after["worst"]) == (cast.city_admin, "90.0000", "40.0000")
    assert _index("620702") == 40.0  # recomputed by the background task with the new values
    page = client_for(cast.city_admin).get("/monitoring/parameters/?year=2026").content.decode()
    assert "2026 年 v1 · city_admin" in page and "2025 年 v1（沿用）" in page


def test_weights_preview_then_save_recomputes_in_the_background(
    scored_2026, cast, client_for, django_capture_on_commit_callbacks
):
    publish("startup_time", "620702", "2026-09", 3)  # a second dimension with data: the weights matter
    services.recompute_index(now=at(2026, 10, 10))
    client = client_for(cast.city_admin)
    form = {"effective_from": "2026-01", "note": ""}
    for level, weights in WeightSet.objects.get().weights.items():
        for code, weight in weights.items():
            form[f"{level}:{code}"] = str(weight)
    form.update({"dimension:legal": "40", "dimension:market": "10"})
    preview = client.post("/monitoring/weights/", {**form, "action": "preview"})
    assert preview.status_code == 200 and "2026-09 的便利度指数（未保存）" in preview.content.decode()
    assert WeightSet.objects.count() == 1
    refused = client.post("/monitoring/weights/", {**form, "action": "save"})
    assert refused.status_code == 400 and "请填写调整原因" in refused.content.decode()
    before = _index("620702")
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        saved = client.post("/monitoring/weights/", {**form, "note": "法治化权重提高", "action": "save"})
    assert saved.status_code == 302 and len(callbacks) == 1
    latest = WeightSet.objects.latest("version")
    assert (latest.version, latest.created_by, latest.note) == (2, cast.city_admin, "法治化权重提高")
    assert IndexSnapshot.objects.get(region__code="620702", period="2026-09").weight_version == 2
    assert _index("620702") != before
