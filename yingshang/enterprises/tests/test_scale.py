"""Tests for 企业划型 under 工信部联企业〔2011〕300号, at every boundary."""

import json
from decimal import Decimal
from pathlib import Path

import pytest

from yingshang.enterprises.scale import DEFAULT_THRESHOLDS_PATH, SizeResult, classify_size, load_thresholds

THRESHOLDS = load_thresholds()
# shared/ sits beside the repository (developers and CI alike).
SHARED_COPY = Path(__file__).resolve().parents[4] / "shared" / "data" / "sme-scale-2011.json"

# Transcribed independently from the regulation's 第四条 (sector: upper bounds; medium; small), so the
# data file is checked against the text rather than against itself.
OFFICIAL = {
    "农、林、牧、渔业": ({"revenue": 20000}, {"revenue": 500}, {"revenue": 50}),
    "工业": (
        {"employees": 1000, "revenue": 40000},
        {"employees": 300, "revenue": 2000},
        {"employees": 20, "revenue": 300},
    ),
    "建筑业": (
        {"revenue": 80000, "assets": 80000},
        {"revenue": 6000, "assets": 5000},
        {"revenue": 300, "assets": 300},
    ),
    "批发业": (
        {"employees": 200, "revenue": 40000},
        {"employees": 20, "revenue": 5000},
        {"employees": 5, "revenue": 1000},
    ),
    "零售业": (
        {"employees": 300, "revenue": 20000},
        {"employees": 50, "revenue": 500},
        {"employees": 10, "revenue": 100},
    ),
    "交通运输业": (
        {"employees": 1000, "revenue": 30000},
        {"employees": 300, "revenue": 3000},
        {"employees": 20, "revenue": 200},
    ),
    "仓储业": (
        {"employees": 200, "revenue": 30000},
        {"employees": 100, "revenue": 1000},
        {"employees": 20, "revenue": 100},
    ),
    "邮政业": (
        {"employees": 1000, "revenue": 30000},
        {"employees": 300, "revenue": 2000},
        {"employees": 20, "revenue": 100},
    ),
    "住宿业": (
        {"employees": 300, "revenue": 10000},
        {"employees": 100, "revenue": 2000},
        {"employees": 10, "revenue": 100},
    ),
    "餐饮业": (
        {"employees": 300, "revenue": 10000},
        {"employees": 100, "revenue": 2000},
        {"employees": 10, "revenue": 100},
    ),
    "信息传输业": (
        {"employees": 2000, "revenue": 100000},
        {"employees": 100, "revenue": 1000},
        {"employees": 10, "revenue": 100},
    ),
    "软件和信息技术服务业": (
        {"employees": 300, "revenue": 10000},
        {"employees": 100, "revenue": 1000},
        {"employees": 10, "revenue": 50},
    ),
    "房地产开发经营": (
        {"revenue": 200000, "assets": 10000},
        {"revenue": 1000, "assets": 5000},
        {"revenue": 100, "assets": 2000},
    ),
    "物业管理": (
        {"employees": 1000, "revenue": 5000},
        {"employees": 300, "revenue": 1000},
        {"employees": 100, "revenue": 500},
    ),
    "租赁和商务服务业": (
        {"employees": 300, "assets": 120000},
        {"employees": 100, "assets": 8000},
        {"employees": 10, "assets": 100},
    ),
    "其他未列明行业": ({"employees": 300}, {"employees": 100}, {"employees": 10}),
}


def classify(
    sector: str, employees: int | None = None, revenue: str | None = None, assets: str | None = None
) -> SizeResult:
    return classify_size(
        sector=sector,
        employees=employees,
        revenue_10k=None if revenue is None else Decimal(revenue),
        assets_10k=None if assets is None else Decimal(assets),
        thresholds=THRESHOLDS,
    )


def test_package_copy_is_verbatim_shared_file() -> None:
    if not SHARED_COPY.exists():
        pytest.skip("shared reference data not mounted")
    assert DEFAULT_THRESHOLDS_PATH.read_bytes() == SHARED_COPY.read_bytes()


def test_thresholds_file_agrees_with_the_regulation_text() -> None:
    for rule in THRESHOLDS["sectors"]:
        upper = rule.get("sme_upper_any") or rule["sme_upper"]
        assert (upper, rule["medium"], rule["small"]) == OFFICIAL[rule["sector"]], rule["sector"]
    assert [rule["sector"] for rule in THRESHOLDS["sectors"]] == list(OFFICIAL)


def test_brief_example_reason_for_industry() -> None:
    assert classify("工业", 350, "2500") == SizeResult(
        size="medium",
        label_zh="中型",
        reason_zh="工业：从业人员 350 人 ≥ 300 且营业收入 2500 万元 ≥ 2000 万元，属中型",
    )


INDUSTRY = [
    # employees, revenue, size
    (1000, "40000", "large"),
    (999, "40000", "medium"),  # under the headcount bound: SME although revenue is at the bound
    (1000, "39999.99", "medium"),
    (5000, "39999", "medium"),
    (300, "2000", "medium"),
    (299, "2000", "small"),
    (300, "1999.99", "small"),
    (20, "300", "small"),
    (19, "300", "micro"),
    (20, "299.99", "micro"),
    (2000, "100", "micro"),  # drops two tiers: headcount alone does not make a small enterprise
    (0, "0", "micro"),
]


@pytest.mark.parametrize(("employees", "revenue", "size"), INDUSTRY)
def test_industry_boundaries(employees: int, revenue: str, size: str) -> None:
    assert classify("工业", employees, revenue).size == size


AGRICULTURE = [
    ("20000", "large"),
    ("19999.99", "medium"),
    ("500", "medium"),
    ("499.99", "small"),
    ("50", "small"),
    ("49.99", "micro"),
    ("0", "micro"),
]


@pytest.mark.parametrize(("revenue", "size"), AGRICULTURE)
def test_agriculture_boundaries_ignore_headcount(revenue: str, size: str) -> None:
    assert classify("农、林、牧、渔业", None, revenue).size == size
    assert classify("农、林、牧、渔业", 5000, revenue).size == size


WHOLESALE = [
    (200, "40000", "large"),
    (199, "40000", "medium"),
    (200, "39999", "medium"),
    (20, "5000", "medium"),
    (19, "5000", "small"),
    (20, "4999", "small"),
    (5, "1000", "small"),
    (4, "1000", "micro"),
    (5, "999", "micro"),
]


@pytest.mark.parametrize(("employees", "revenue", "size"), WHOLESALE)
def test_wholesale_boundaries(employees: int, revenue: str, size: str) -> None:
    assert classify("批发业", employees, revenue).size == size


RETAIL = [
    (300, "20000", "large"),
    (299, "20000", "medium"),
    (300, "19999", "medium"),
    (50, "500", "medium"),
    (49, "500", "small"),
    (50, "499", "small"),
    (10, "100", "small"),
    (9, "100", "micro"),
    (10, "99", "micro"),
]


@pytest.mark.parametrize(("employees", "revenue", "size"), RETAIL)
def test_retail_boundaries(employees: int, revenue: str, size: str) -> None:
    assert classify("零售业", employees, revenue).size == size


CONSTRUCTION = [
    ("80000", "80000", "large"),
    ("79999", "80000", "medium"),
    ("80000", "79999", "medium"),
    ("6000", "5000", "medium"),
    ("5999", "5000", "small"),
    ("6000", "4999", "small"),
    ("300", "300", "small"),
    ("299", "300", "micro"),
    ("300", "299", "micro"),
]


@pytest.mark.parametrize(("revenue", "assets", "size"), CONSTRUCTION)
def test_construction_boundaries_use_revenue_and_assets(revenue: str, assets: str, size: str) -> None:
    assert classify("建筑业", None, revenue, assets).size == size


SOFTWARE = [
    (300, "10000", "large"),
    (299, "10000", "medium"),
    (300, "9999", "medium"),
    (100, "1000", "medium"),
    (99, "1000", "small"),
    (100, "999", "small"),
    (10, "50", "small"),
    (9, "50", "micro"),
    (10, "49.99", "micro"),
]


@pytest.mark.parametrize(("employees", "revenue", "size"), SOFTWARE)
def test_software_boundaries(employees: int, revenue: str, size: str) -> None:
    assert classify("软件和信息技术服务业", employees, revenue).size == size


OTHER = [
    (300, "large"),
    (299, "medium"),
    (100, "medium"),
    (99, "small"),
    (10, "small"),
    (9, "micro"),
    (0, "micro"),
]


@pytest.mark.parametrize(("employees", "size"), OTHER)
def test_other_unlisted_boundaries_use_headcount_only(employees: int, size: str) -> None:
    assert classify("其他未列明行业", employees).size == size
    assert classify("其他未列明行业", employees, "999999", "999999").size == size


def _figures(bounds: dict[str, int], delta: int) -> dict[str, int]:
    return {measure: bound + delta for measure, bound in bounds.items()}


@pytest.mark.parametrize("sector", list(OFFICIAL))
def test_every_sector_at_and_just_below_each_bound(sector: str) -> None:
    upper, medium, small = OFFICIAL[sector]

    def run(values: dict[str, int]) -> str:
        return classify(
            sector,
            values.get("employees", 0),
            str(values.get("revenue", 0)),
            str(values.get("assets", 0)),
        ).size

    assert run(_figures(upper, 0)) == "large"
    assert run(_figures(medium, 0)) == "medium"
    assert run(_figures(small, 0)) == "small"
    for measure in upper:
        assert run({**_figures(upper, 0), measure: upper[measure] - 1}) != "large"
    for measure in medium:
        assert run({**_figures(medium, 0), measure: medium[measure] - 1}) == "small"
    for measure in small:
        assert run({**_figures(small, 0), measure: small[measure] - 1}) == "micro"


@pytest.mark.parametrize(
    ("sector", "employees", "revenue", "assets", "reason"),
    [
        (
            "工业",
            1200,
            "50000",
            None,
            "工业：从业人员 1200 人 ≥ 1000 且营业收入 50000 万元 ≥ 40000 万元，属大型",
        ),
        (
            "工业",
            50,
            "500",
            None,
            "工业：从业人员 50 人 ≥ 20 且营业收入 500 万元 ≥ 300 万元，属小型（从业人员 50 人 < 300 且营业收入 500 万元 < 2000 万元，未达中型）",
        ),
        ("工业", 15, "100.50", None, "工业：从业人员 15 人 < 20 且营业收入 100.5 万元 < 300 万元，属微型"),
        ("农、林、牧、渔业", None, "600", None, "农、林、牧、渔业：营业收入 600 万元 ≥ 500 万元，属中型"),
        (
            "建筑业",
            None,
            "6000",
            "4000",
            "建筑业：营业收入 6000 万元 ≥ 300 万元 且资产总额 4000 万元 ≥ 300 万元，属小型（资产总额 4000 万元 < 5000 万元，未达中型）",
        ),
        ("租赁和商务服务业", 5, None, "200", "租赁和商务服务业：从业人员 5 人 < 10，属微型"),
        ("其他未列明行业", 120, None, None, "其他未列明行业：从业人员 120 人 ≥ 100，属中型"),
    ],
)
def test_reason_names_sector_and_figures_compared(
    sector: str, employees: int | None, revenue: str | None, assets: str | None, reason: str
) -> None:
    assert classify(sector, employees, revenue, assets).reason_zh == reason


@pytest.mark.parametrize(
    ("sector", "employees", "revenue", "assets", "size", "reason"),
    [
        # Missing figures that do not matter for the decision.
        ("工业", None, "100", None, "micro", "工业：营业收入 100 万元 < 300 万元，属微型"),
        ("工业", 10, None, None, "micro", "工业：从业人员 10 人 < 20，属微型"),
        ("零售业", 5, None, None, "micro", "零售业：从业人员 5 人 < 10，属微型"),
        (
            "农、林、牧、渔业",
            None,
            "10",
            None,
            "micro",
            "农、林、牧、渔业：营业收入 10 万元 < 50 万元，属微型",
        ),
        # Missing figures that decide.
        ("工业", None, "2500", None, "unknown", "工业：缺少从业人员，无法判断是否属于中型"),
        ("工业", 1500, None, None, "unknown", "工业：缺少营业收入，无法判断是否属于大型"),
        ("工业", None, None, None, "unknown", "工业：缺少从业人员、营业收入，无法判断是否属于大型"),
        ("建筑业", None, "500", None, "unknown", "建筑业：缺少资产总额，无法判断属于小型还是微型"),
        (
            "农、林、牧、渔业",
            30,
            None,
            None,
            "unknown",
            "农、林、牧、渔业：缺少营业收入，无法判断是否属于大型",
        ),
        ("其他未列明行业", None, "5", "5", "unknown", "其他未列明行业：缺少从业人员，无法判断是否属于大型"),
    ],
)
def test_missing_figures(
    sector: str, employees: int | None, revenue: str | None, assets: str | None, size: str, reason: str
) -> None:
    result = classify(sector, employees, revenue, assets)
    assert (result.size, result.reason_zh) == (size, reason)
    assert result.label_zh == {"micro": "微型", "unknown": "未知"}[size]


def test_unknown_sector_is_refused() -> None:
    with pytest.raises(ValueError, match="未知的划型行业：金融业"):
        classify("金融业", 10, "10")


def test_negative_and_float_figures_are_refused() -> None:
    with pytest.raises(ValueError, match="从业人员不能为负数"):
        classify("工业", -1, "10")
    with pytest.raises(TypeError):
        classify_size(sector="工业", employees=10, revenue_10k=10.5, assets_10k=None, thresholds=THRESHOLDS)  # type: ignore[arg-type]


def test_load_thresholds_reads_a_replacement_file(tmp_path: Path) -> None:
    revised = json.loads(DEFAULT_THRESHOLDS_PATH.read_text(encoding="utf-8"))
    revised["sectors"] = [
        {
            "sector": "工业",
            "sme_upper_any": {"employees": 500},
            "medium": {"employees": 100},
            "small": {"employees": 10},
        }
    ]
    path = tmp_path / "revised.json"
    path.write_text(json.dumps(revised, ensure_ascii=False), encoding="utf-8")
    result = classify_size(
        sector="工业", employees=600, revenue_10k=None, assets_10k=None, thresholds=load_thresholds(path)
    )
    assert result.size == "large"
