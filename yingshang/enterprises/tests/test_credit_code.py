"""Tests for the 统一社会信用代码 module, against real published codes."""

import random

import pytest
from hypothesis import given
from hypothesis import strategies as st

from yingshang.enterprises.credit_code import (
    GENERATED_KINDS,
    InvalidCreditCode,
    check_character,
    describe_credit_code,
    generate_credit_code,
    is_valid_credit_code,
    normalize_credit_code,
    organization_code_check_character,
    validate_credit_code,
)

# Real codes as published for these organisations (business-registry extracts quoted in public repositories).
REAL_CODES = [
    ("91110000802100433B", "北京百度网讯科技有限公司"),
    ("914403001922038216", "华为技术有限公司"),
    ("9144030071526726XG", "腾讯科技（深圳）有限公司"),
    ("91330100716105852F", "阿里巴巴（中国）网络技术有限公司"),
    ("91520000214434146R", "中航重机股份有限公司"),
    ("91110108551385082Q", "小米科技有限责任公司"),
    ("91370000728611939A", "山东步长制药股份有限公司"),
    ("91110108795101314G", "谷歌信息技术（中国）有限公司"),
    ("9135020026015919XW", "厦门象屿集团有限公司"),
    ("91120222MA0699U071", "天津锤子科技有限公司"),
    ("91310000MA1K35Y38P", "锤子科贸（上海）有限公司"),
    ("91350100M000100Y43", "GB 32100-2015 标准示例"),
    ("531000005000160090", "中国红十字基金会"),
    ("52410000663412719U", "河南省嵩山少林寺文化院"),
]


@pytest.mark.parametrize(("code", "holder"), REAL_CODES)
def test_real_published_codes_validate(code: str, holder: str) -> None:
    validate_credit_code(code)
    assert is_valid_credit_code(code)


@pytest.mark.parametrize(("code", "holder"), [row for row in REAL_CODES if row[0][8:10] != "M0"])
def test_real_codes_carry_a_valid_organization_code(code: str, holder: str) -> None:
    # The early Fujian pilot example (M000100Y4) predates GB 11714 check characters in the body.
    assert organization_code_check_character(code[8:16]) == code[16]


def test_check_character_of_baidu_code_is_b() -> None:
    assert check_character("91110000802100433") == "B"


def test_check_character_rejects_wrong_length() -> None:
    with pytest.raises(ValueError):
        check_character("9111000080210043")


def test_organization_code_check_character_maps_10_to_x_and_11_to_0() -> None:
    assert organization_code_check_character("71526726") == "X"  # 腾讯科技（深圳）: 71526726-X
    assert organization_code_check_character("MA008DDL") == "0"


def test_early_pilot_code_fails_the_national_check() -> None:
    # Lawful code from an early 厦门 pilot that does not satisfy GB 32100; documented limitation.
    with pytest.raises(InvalidCreditCode, match="校验码错误，应为1"):
        validate_credit_code("91350100M0001TGQXM")


@pytest.mark.parametrize(
    ("code", "message"),
    [
        ("91110000802100433", "长度不是18位（实际为17位）"),
        ("91110000802100433BB", "长度不是18位（实际为19位）"),
        ("", "长度不是18位（实际为0位）"),
        (
            "91110000802100433b",
            "含有不允许的字符“b”（第18位）；只能使用数字和大写字母，且不使用 I、O、Z、S、V",
        ),
        ("9111000080210O433B", "含有不允许的字符“O”（第14位）"),
        ("9111000080210I433B", "含有不允许的字符“I”（第14位）"),
        ("9111000080210Z433B", "含有不允许的字符“Z”（第14位）"),
        ("9111000080210S433B", "含有不允许的字符“S”（第14位）"),
        ("9111000080210V433B", "含有不允许的字符“V”（第14位）"),
        ("9111000080210-433B", "含有不允许的字符“-”（第14位）"),
        ("B1110000802100433B", "登记管理部门代码无效：B"),
        ("0T110000802100433B", "登记管理部门代码无效：0"),
        ("94110000802100433B", "机构类别代码无效：登记管理部门“工商”（9）下没有机构类别 4"),
        ("N4110000802100433B", "机构类别代码无效：登记管理部门“农业农村”（N）下没有机构类别 4"),
        ("Y2110000802100433B", "机构类别代码无效：登记管理部门“其他”（Y）下没有机构类别 2"),
        ("911A0000802100433B", "登记管理机关行政区划码应为6位数字，实际为1A0000"),
        ("91110000802100433C", "校验码错误，应为B"),
        ("91110000802100434B", "校验码错误，应为"),
        ("91110000802100343B", "校验码错误，应为"),  # two adjacent digits swapped
        ("92110000802100433B", "校验码错误，应为"),  # category changed, check not recomputed
    ],
)
def test_mutated_codes_fail_with_the_precise_reason(code: str, message: str) -> None:
    with pytest.raises(InvalidCreditCode) as raised:
        validate_credit_code(code)
    assert raised.value.message_zh.startswith(message)
    assert str(raised.value) == raised.value.message_zh


def test_wrong_check_character_names_the_expected_one() -> None:
    with pytest.raises(InvalidCreditCode) as raised:
        validate_credit_code("91110000802100434B")
    assert raised.value.message_zh == f"校验码错误，应为{check_character('91110000802100434')}"


@pytest.mark.parametrize(
    ("raw", "normalized"),
    [
        ("  91110000802100433B\n", "91110000802100433B"),
        ("91110000802100433b", "91110000802100433B"),
        ("９１１１００００８０２１００４３３Ｂ", "91110000802100433B"),
        ("9111 0000 8021 0043 3B", "91110000802100433B"),
        ("\u300091110000802100433b\u3000", "91110000802100433B"),
        ("9144030071526726ｘｇ", "9144030071526726XG"),
    ],
)
def test_normalize_strips_widens_and_uppercases(raw: str, normalized: str) -> None:
    assert normalize_credit_code(raw) == normalized
    validate_credit_code(normalize_credit_code(raw))


def test_describe_names_the_parts() -> None:
    info = describe_credit_code("531000005000160090")
    assert (info.authority_zh, info.category_zh, info.region_code, info.organization_code) == (
        "民政",
        "基金会",
        "100000",
        "500016009",
    )


def test_generated_enterprise_code_for_ganzhou_looks_like_an_issued_one() -> None:
    code = generate_credit_code(random.Random(20240501))
    assert code[:8] == "91620702"
    assert code[8:10] == "MA"
    validate_credit_code(code)


def test_generation_is_reproducible_from_the_seed() -> None:
    assert generate_credit_code(random.Random(7), kind="village_collective") == generate_credit_code(
        random.Random(7), kind="village_collective"
    )


@pytest.mark.parametrize(("kind", "prefix"), sorted(GENERATED_KINDS.items()))
def test_every_kind_generates_its_prefix(kind: str, prefix: str) -> None:
    code = generate_credit_code(random.Random(1), kind=kind, region_code="620721")
    assert code[:2] == prefix
    assert describe_credit_code(code).region_code == "620721"


def test_generate_rejects_unknown_kind_and_bad_region() -> None:
    with pytest.raises(ValueError, match="未知的主体类型"):
        generate_credit_code(random.Random(1), kind="company")
    with pytest.raises(ValueError, match="行政区划码"):
        generate_credit_code(random.Random(1), region_code="62070")


@given(
    seed=st.integers(min_value=0, max_value=2**64),
    kind=st.sampled_from(sorted(GENERATED_KINDS)),
    region_code=st.from_regex(r"[1-8][0-9]{5}", fullmatch=True),
)
def test_generated_codes_always_validate(seed: int, kind: str, region_code: str) -> None:
    code = generate_credit_code(random.Random(seed), kind=kind, region_code=region_code)
    validate_credit_code(code)
    assert organization_code_check_character(code[8:16]) == code[16]
    assert code[:2] == GENERATED_KINDS[kind]


@given(seed=st.integers(min_value=0, max_value=2**64), position=st.integers(min_value=0, max_value=16))
def test_any_single_character_substitution_is_caught(seed: int, position: int) -> None:
    # MOD 31 with weights coprime to 31 detects every single-character substitution.
    rng = random.Random(seed)
    code = generate_credit_code(rng)
    alphabet = "0123456789ABCDEFGHJKLMNPQRTUWXY"
    replacement = rng.choice([c for c in alphabet if c != code[position]])
    mutated = code[:position] + replacement + code[position + 1 :]
    assert not is_valid_credit_code(mutated)
