"""统一社会信用代码 (unified social credit identifier, GB 32100-2015): normalise, validate, describe, generate.

Pure module: no ORM, no clock. Randomness comes only from the `random.Random` the caller passes in.

Structure of the 18 characters:

    1      登记管理部门代码 (registration authority), e.g. 9 = 工商 (market regulation)
    2      机构类别代码 (category under that authority), e.g. 91 = 企业
    3-8    登记管理机关行政区划码 (GB/T 2260 region of the registering office)
    9-17   主体标识码 (GB 11714 organisation code: 8 body characters + its own check character)
    18     校验码 (GB/T 17710 MOD 31 check character over the first 17)

Alphabet: digits and upper-case letters except I, O, Z, S, V (31 characters, values 0..30).

Known limitation: a few codes issued by early pilot regions (e.g. some 厦门 codes such as
``91350100M0001TGQXM``) are lawful but do not satisfy the check character; `validate_credit_code`
rejects them, so an import should let an operator override the check for such records.
"""

from __future__ import annotations

import random
import unicodedata
from dataclasses import dataclass

ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
FORBIDDEN_LETTERS = "IOZSV"
LENGTH = 18
_VALUES = {character: value for value, character in enumerate(ALPHABET)}
# Weight of position i (0-based) is 3**i mod 31 (GB 32100-2015, 附录 B).
_WEIGHTS = tuple(pow(3, position, 31) for position in range(LENGTH - 1))
# GB 11714-1997 organisation code weights for the 8 body characters.
_ORGANIZATION_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)

# 登记管理部门 -> (name, {机构类别 -> name}). GB 32100-2015 表1 plus the categories the code centre
# added later (N 农业农村 2018, G 公安, J 住建, Q 侨联, 村/居民委员会 ...). Kept as data so a new
# amendment is a one-line change.
REGISTRATION_AUTHORITIES: dict[str, tuple[str, dict[str, str]]] = {
    "1": ("机构编制", {"1": "机关", "2": "事业单位", "3": "中央编办直接管理机构编制的群众团体", "9": "其他"}),
    "2": ("外交", {"1": "外国常驻新闻机构", "9": "其他"}),
    "3": (
        "司法行政",
        {
            "1": "律师执业机构",
            "2": "公证处",
            "3": "基层法律服务所",
            "4": "司法鉴定机构",
            "5": "仲裁委员会",
            "6": "商事调解组织",
            "9": "其他",
        },
    ),
    "4": ("文化", {"1": "外国在华文化中心", "9": "其他"}),
    "5": (
        "民政",
        {
            "1": "社会团体",
            "2": "民办非企业单位",
            "3": "基金会",
            "4": "村民委员会",
            "5": "居民委员会",
            "9": "其他",
        },
    ),
    "6": (
        "旅游",
        {"1": "外国旅游部门常驻代表机构", "2": "港澳台地区旅游部门常驻内地（大陆）代表机构", "9": "其他"},
    ),
    "7": ("宗教", {"1": "宗教活动场所", "2": "宗教院校", "9": "其他"}),
    "8": ("工会", {"1": "基层工会", "2": "非法人工会组织", "9": "其他"}),
    "9": ("工商", {"1": "企业", "2": "个体工商户", "3": "农民专业合作社"}),
    "A": ("中央军委改革和编制办公室", {"1": "军队事业单位", "9": "其他"}),
    "G": ("公安", {"1": "境外非政府组织代表机构", "9": "其他"}),
    "J": ("住房和城乡建设", {"1": "业主大会", "9": "其他"}),
    "N": (
        "农业农村",
        {"1": "组级集体经济组织", "2": "村级集体经济组织", "3": "乡镇级集体经济组织", "9": "其他"},
    ),
    "Q": ("侨联", {"1": "区县级侨联组织", "2": "乡镇级侨联组织", "3": "村级侨联组织", "9": "其他"}),
    "Y": ("其他", {"1": "其他"}),
}

# Kinds `generate_credit_code` can produce: kind -> first two characters.
GENERATED_KINDS: dict[str, str] = {
    "enterprise": "91",
    "individual_business": "92",
    "farmer_cooperative": "93",
    "government_agency": "11",
    "public_institution": "12",
    "social_group": "51",
    "private_non_enterprise": "52",
    "foundation": "53",
    "group_collective": "N1",
    "village_collective": "N2",
    "township_collective": "N3",
    "other": "Y1",
}
# Since late 2015 the market-regulation authority assigns organisation codes beginning with "MA".
_MARKET_REGULATION_PREFIX = "MA"


class InvalidCreditCode(ValueError):
    """Raised when a string is not a valid 统一社会信用代码; the message is Chinese and user-facing."""

    def __init__(self, message_zh: str) -> None:
        super().__init__(message_zh)
        self.message_zh = message_zh


@dataclass(frozen=True)
class CreditCodeInfo:
    """What the parts of a valid code mean."""

    code: str
    authority_zh: str
    category_zh: str
    region_code: str
    organization_code: str


def normalize_credit_code(raw: str) -> str:
    """Remove all whitespace, turn full-width characters into half-width ones, and upper-case."""
    half_width = unicodedata.normalize("NFKC", raw)
    return "".join(half_width.split()).upper()


def check_character(first17: str) -> str:
    """Return the 18th (check) character for the first 17 characters of a code."""
    if len(first17) != LENGTH - 1:
        raise ValueError(f"需要前17位，实际为{len(first17)}位")
    try:
        total = sum(_VALUES[character] * weight for character, weight in zip(first17, _WEIGHTS, strict=True))
    except KeyError as error:
        raise ValueError(f"含有不允许的字符：{error.args[0]}") from None
    return ALPHABET[(31 - total % 31) % 31]


def organization_code_check_character(body: str) -> str:
    """Return the GB 11714 check character for the 8-character body of an organisation code."""
    if len(body) != 8 or not all(character.isdigit() or "A" <= character <= "Z" for character in body):
        raise ValueError("组织机构代码本体应为8位数字或大写字母")
    # Letters count as A=10 .. Z=35 in GB 11714.
    total = sum(
        int(character, 36) * weight for character, weight in zip(body, _ORGANIZATION_WEIGHTS, strict=True)
    )
    remainder = 11 - total % 11
    return {10: "X", 11: "0"}.get(remainder, str(remainder))


def validate_credit_code(code: str) -> None:
    """Raise `InvalidCreditCode` with the first precise reason the code is invalid; return None if valid.

    The code is checked as given; call `normalize_credit_code` first for user input.
    """
    # 1. Length.
    if len(code) != LENGTH:
        raise InvalidCreditCode(f"长度不是18位（实际为{len(code)}位）")
    # 2. Alphabet, naming the first offending character and its position.
    for position, character in enumerate(code, start=1):
        if character not in _VALUES:
            raise InvalidCreditCode(
                f"含有不允许的字符“{character}”（第{position}位）；只能使用数字和大写字母，且不使用 I、O、Z、S、V"
            )
    # 3. Registration authority and the category under it.
    authority = REGISTRATION_AUTHORITIES.get(code[0])
    if authority is None:
        raise InvalidCreditCode(f"登记管理部门代码无效：{code[0]}")
    authority_zh, categories = authority
    if code[1] not in categories:
        raise InvalidCreditCode(
            f"机构类别代码无效：登记管理部门“{authority_zh}”（{code[0]}）下没有机构类别 {code[1]}"
        )
    # 4. Region: six digits (GB/T 2260).
    if not code[2:8].isdigit():
        raise InvalidCreditCode(f"登记管理机关行政区划码应为6位数字，实际为{code[2:8]}")
    # 5. Check character.
    expected = check_character(code[:17])
    if code[17] != expected:
        raise InvalidCreditCode(f"校验码错误，应为{expected}")


def is_valid_credit_code(code: str) -> bool:
    """Return whether `validate_credit_code` accepts the code."""
    try:
        validate_credit_code(code)
    except InvalidCreditCode:
        return False
    return True


def describe_credit_code(code: str) -> CreditCodeInfo:
    """Split a valid code into its named parts (raises `InvalidCreditCode` otherwise)."""
    validate_credit_code(code)
    authority_zh, categories = REGISTRATION_AUTHORITIES[code[0]]
    return CreditCodeInfo(
        code=code,
        authority_zh=authority_zh,
        category_zh=categories[code[1]],
        region_code=code[2:8],
        organization_code=code[8:17],
    )


def generate_credit_code(rng: random.Random, *, kind: str = "enterprise", region_code: str = "620702") -> str:
    """Return a random valid code of the given kind (see `GENERATED_KINDS`) registered in `region_code`.

    Steps: 1. prefix from the kind; 2. organisation-code body ("MA" + 6 characters for 工商 kinds, as
    issued since 2015, otherwise 8 digits); 3. its GB 11714 check character; 4. the GB 32100 check character.
    """
    if kind not in GENERATED_KINDS:
        raise ValueError(f"未知的主体类型：{kind}")
    if len(region_code) != 6 or not region_code.isdigit():
        raise ValueError(f"行政区划码应为6位数字：{region_code}")
    prefix = GENERATED_KINDS[kind]
    if prefix[0] == "9":
        body = _MARKET_REGULATION_PREFIX + "".join(rng.choice(ALPHABET) for _ in range(6))
    else:
        body = "".join(rng.choice("0123456789") for _ in range(8))
    first17 = prefix + region_code + body + organization_code_check_character(body)
    return first17 + check_character(first17)
