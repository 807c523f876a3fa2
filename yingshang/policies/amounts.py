"""Chinese money amounts and ratios in policy text (金额、比例解析).

Pure module, no Django. Two layers:

* `parse_amount("1.2亿元") -> 120000000` reads one amount written with Arabic digits, Chinese numerals
  (五十万元, 两千元) or a mix (3千万元, 1.5万元).
* `find_amounts(text)` finds every amount in a clause and gives it a role from its context: a benefit
  (给予20万元奖励), a cap (最高不超过500万元), a threshold the applicant must reach (投资1000万元以上),
  or the size of a fund (设立1亿元引导资金). `max_benefit_amount` picks the largest benefit or cap.
* `find_ratios(text)` finds the shares paid as a benefit (按…的50%给予补助, 全额补贴, 2/3) and skips
  percentages that are conditions (裁员率、占比、费率).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

AmountRole = Literal["benefit", "cap", "threshold", "fund", "unknown"]

_DIGITS = {
    "零": 0,
    "〇": 0,
    "一": 1,
    "二": 2,
    "两": 2,
    "三": 3,
    "四": 4,
    "五": 5,
    "六": 6,
    "七": 7,
    "八": 8,
    "九": 9,
}
_SMALL_UNITS = {"十": 10, "百": 100, "千": 1000}
_BIG_UNITS = {"万": 10_000, "亿": 100_000_000}
_MAGNITUDES = {**_SMALL_UNITS, **_BIG_UNITS}

_CN_NUMERAL = "零〇一二两三四五六七八九十百千万亿"
_ARABIC = r"\d+(?:,\d{3})*(?:\.\d+)?"

# An amount: Arabic digits with an optional magnitude (3千万), or a run of Chinese numerals; then 元.
# Without 元, a magnitude of 万/亿 still counts when the next character is not a counting unit
# ("1千万以上" is money, "1万人次" is not).
_AMOUNT_RE = re.compile(
    rf"(?P<number>{_ARABIC}(?P<magnitude>[十百千万亿]*)|[{_CN_NUMERAL}]+)"
    r"(?:(?P<yuan>元|块钱)|(?P<foreign>美元|美金|欧元|港元|港币|日元|英镑)"
    r"|(?<=[万亿])(?![人亩平次件个户家名台张批间吨位项所座层年月日天周条床元美欧港日英]))"
)
# Foreign currencies are kept as written, never read as yuan (4500万美元 is no 4500万元).
CURRENCIES = {
    "美元": "USD",
    "美金": "USD",
    "欧元": "EUR",
    "港元": "HKD",
    "港币": "HKD",
    "日元": "JPY",
    "英镑": "GBP",
}

# Stop characters that end the local context of an amount or ratio (a clause inside the clause).
_SEGMENT_BREAK = "，,；;。！？!?"
_SENTENCE_BREAK = "；;。！？!?"

_CAP_CUES = ("最高不超过", "最高不高于", "不超过", "不高于", "上限", "最高", "最多", "封顶", "以内")
_THRESHOLD_NOUNS = (
    "投资",
    "投入",
    "销售",
    "营业",
    "产值",
    "纳税",
    "税收",
    "税金",
    "贡献",
    "收入",
    "营收",
    "总额",
    "资产",
    "合同额",
    "出口额",
    "进出口",
    "交易额",
    "成交额",
    "贷款金额",
    "单笔贷款",
    "面积",
    "注册资本",
    "规模",
)
_THRESHOLD_VERBS = ("达到", "不低于", "不少于", "超过", "突破", "以上", "高于")
_FUND_CUES = ("设立", "安排", "引导资金", "专项资金", "基金", "资金池", "铺底资金")
_BENEFIT_CUES = (
    "给予",
    "奖励",
    "补贴",
    "补助",
    "贴息",
    "资助",
    "奖补",
    "资金支持",
    "支持",
    "一次性",
    "每人",
    "每户",
    "每家",
    "每个",
    "每间",
    "每块",
    "标准为",
    "返还",
)
_RANGE_JOINERS = ("—", "-", "－", "~", "～", "至", "到")
_TRAILING_THRESHOLD_RE = re.compile(
    r"^\s*(?:[（(][^）)]{0,6}[）)])?\s*(?:及|或)?(?:以上|以下|（含）以上|\(含\)以上)"
)
_PER_UNIT_RE = re.compile(r"^\s*/\s*([\u4e00-\u9fa5]{1,2})")


@dataclass(frozen=True)
class AmountMention:
    """One money amount in a text, in yuan, with its offsets and the role its context gives it."""

    value: int
    start: int
    end: int
    role: AmountRole
    per_unit: str | None = None
    currency: str = "CNY"

    @property
    def is_benefit(self) -> bool:
        """True for yuan amounts that describe what the applicant receives (a benefit or a cap)."""
        return self.role in ("benefit", "cap") and self.currency == "CNY"


@dataclass(frozen=True)
class RatioMention:
    """One proportion paid as a benefit (0..1], with its offsets."""

    value: float
    start: int
    end: int


_SPACES = " \t\u00a0\u3000\r\n"  # PDF readers also break lines mid-sentence
_FULLWIDTH = str.maketrans("０１２３４５６７８９．％，", "0123456789.%,")


def compact(text: str) -> tuple[str, list[int]]:
    """Drop spaces and line breaks (PDF text puts them inside numbers: "20 万元"); fold full-width digits.

    Returns the compact text and, for each of its characters, the offset of that character in `text`.
    """
    characters: list[str] = []
    offsets: list[int] = []
    for offset, character in enumerate(text.translate(_FULLWIDTH)):
        if character in _SPACES:
            continue
        characters.append(character)
        offsets.append(offset)
    return "".join(characters), offsets


def original_span(offsets: list[int], start: int, end: int) -> tuple[int, int]:
    """Map a [start, end) span of compact text back to the text `compact` was given."""
    if start >= end:
        position = offsets[start] if start < len(offsets) else (offsets[-1] + 1 if offsets else 0)
        return position, position
    return offsets[start], offsets[end - 1] + 1


def parse_chinese_integer(numerals: str) -> int:
    """Read an integer written in Chinese numerals: 五十 → 50, 一千二百万 → 12000000, 两亿 → 200000000."""
    if not numerals or any(
        character not in _DIGITS and character not in _MAGNITUDES for character in numerals
    ):
        raise ValueError(f"无法识别的中文数字：{numerals}")
    total = 0
    section = 0  # the part below the current 万/亿
    digit = 0
    for character in numerals:
        if character in _DIGITS:
            digit = _DIGITS[character]
        elif character in _SMALL_UNITS:
            section += (digit or 1) * _SMALL_UNITS[character]
            digit = 0
        else:
            unit = _BIG_UNITS[character]
            section += digit
            digit = 0
            if unit == 100_000_000:
                total = (total + section) * unit
            else:
                total += section * unit
            section = 0
    return total + section + digit


def _magnitude(suffix: str) -> int:
    factor = 1
    for character in suffix:
        factor *= _MAGNITUDES[character]
    return factor


def parse_amount(text: str) -> int | None:
    """Parse one amount such as "30万元", "1.2亿元", "五十万元", "3千万元" or "5000元" into whole yuan."""
    match = _AMOUNT_RE.search(compact(text)[0])
    if match is None or match.group("foreign"):
        return None
    return _value(match)


def _value(match: re.Match[str]) -> int | None:
    number = match.group("number")
    if number[0].isdigit():
        magnitude = match.group("magnitude") or ""
        digits = number[: len(number) - len(magnitude)].replace(",", "")
        return round(float(digits) * _magnitude(magnitude))
    try:
        return parse_chinese_integer(number)
    except ValueError:
        return None


def _segment_before(text: str, index: int, breaks: str = _SEGMENT_BREAK) -> str:
    start = index
    while start > 0 and text[start - 1] not in breaks:
        start -= 1
    return text[start:index]


def _classify(text: str, start: int, end: int, previous: AmountMention | None) -> AmountRole:
    """Give an amount its role from the words around it (steps numbered in order of precedence)."""
    before = _segment_before(text, start)
    after = text[end : end + 12]
    # 1. The second half of a range (10万元—100万元) shares the first half's role.
    if previous is not None and text[previous.end : start].strip() in _RANGE_JOINERS:
        return previous.role
    near = before[-8:]
    # 2. A fund being set up is not a benefit to an applicant.
    if any(cue in before for cue in _FUND_CUES) and not any(cue in near for cue in ("给予", "奖励", "补助")):
        return "fund"
    # 3. "…投资1000万元以上", "年销售额达到5000万元": a condition on the applicant.
    last_benefit = max((before.rfind(cue) for cue in _BENEFIT_CUES), default=-1)
    last_noun = max((before.rfind(noun) for noun in _THRESHOLD_NOUNS), default=-1)
    if last_noun > last_benefit:
        return "threshold"
    if _TRAILING_THRESHOLD_RE.match(after) and not any(cue in near for cue in _CAP_CUES):
        return "threshold"
    # 4. Caps ("不高于" is a cap although "高于" alone marks a threshold), then benefits.
    if any(cue in near for cue in _CAP_CUES):
        return "cap"
    if any(verb in near[-4:] for verb in _THRESHOLD_VERBS):
        return "threshold"
    if last_benefit >= 0 or any(cue in after[:6] for cue in ("奖励", "补贴", "补助", "的奖励", "资金支持")):
        return "benefit"
    return "unknown"


def find_amounts(text: str) -> list[AmountMention]:
    """Every money amount in `text`, in order, with roles; offsets point into `text`."""
    compact_text, offsets = compact(text)
    return [
        AmountMention(
            mention.value,
            *original_span(offsets, mention.start, mention.end),
            mention.role,
            mention.per_unit,
            mention.currency,
        )
        for mention in _find_amounts_compact(compact_text)
    ]


def _find_amounts_compact(text: str) -> list[AmountMention]:
    mentions: list[AmountMention] = []
    for match in _AMOUNT_RE.finditer(text):
        value = _value(match)
        if value is None or value == 0:
            continue
        number = match.group("number")
        if not number[0].isdigit() and len(number) == 1 and number in _MAGNITUDES:
            continue  # a lone 万/亿 is a word, not an amount
        previous = mentions[-1] if mentions else None
        role = _classify(text, match.start(), match.end(), previous)
        unit_match = _PER_UNIT_RE.match(text[match.end() :])
        mentions.append(
            AmountMention(
                value=value,
                start=match.start(),
                end=match.end(),
                role=role,
                per_unit=unit_match.group(1) if unit_match else None,
                currency=CURRENCIES.get(match.group("foreign") or "", "CNY"),
            )
        )
    return mentions


def max_benefit_amount(text: str) -> AmountMention | None:
    """The largest amount that is a benefit or a cap; thresholds and fund sizes are ignored."""
    benefits = [mention for mention in find_amounts(text) if mention.is_benefit]
    return max(benefits, key=lambda mention: mention.value, default=None)


_PERCENT_RE = re.compile(
    r"(?P<number>\d+(?:\.\d+)?)\s*[%％]|百分之(?P<chinese>[零〇一二两三四五六七八九十百]+)"
)
_FRACTION_RE = re.compile(
    r"(?P<num>\d+)\s*/\s*(?P<den>\d+)(?!\s*[\u4e00-\u9fa5]?/)|(?P<cden>[一二三四五六七八九十]+)分之(?P<cnum>[一二三四五六七八九十]+)"
)
_FULL_RE = re.compile(r"全额(?:补贴|补助|返还|奖励|贴息|资助)|减半")
_RATIO_CONDITION_NOUNS = ("率", "占比", "比重", "增长", "增幅", "增速", "留用")
_RATIO_BENEFIT_CUES = (
    "给予",
    "奖励",
    "补贴",
    "补助",
    "贴息",
    "返还",
    "资金支持",
    "奖补",
    "资助",
    "减免",
    "减按",
    "予以",
    # A share of a cost the applicant paid is the benefit itself ("贷款利息的50%").
    "利息",
    "保费",
    "担保费",
    "租金",
    "展位费",
)


def _is_condition(text: str, start: int, end: int) -> bool:
    before = _segment_before(text, start)[-6:]
    after = text[end : end + 4]
    if before.endswith(("含", "（含", "(含")):
        return True
    if any(noun in before for noun in _RATIO_CONDITION_NOUNS):
        return True
    return after.lstrip().startswith(("以上", "以下", "及以上", "及以下", "比例进行分配"))


def find_ratios(text: str) -> list[RatioMention]:
    """Proportions paid as a benefit: "按…的50%给予补助" → 0.5, "全额补贴" → 1.0, "减半征收" → 0.5."""
    compact_text, offsets = compact(text)
    return [
        RatioMention(mention.value, *original_span(offsets, mention.start, mention.end))
        for mention in _find_ratios_compact(compact_text)
    ]


def _find_ratios_compact(text: str) -> list[RatioMention]:
    mentions: list[RatioMention] = []
    for match in _PERCENT_RE.finditer(text):
        if match.group("number") is not None:
            value = float(match.group("number")) / 100
        else:
            value = parse_chinese_integer(match.group("chinese")) / 100
        mentions.append(RatioMention(value=value, start=match.start(), end=match.end()))
    for match in _FRACTION_RE.finditer(text):
        if match.group("num") is not None:
            numerator, denominator = int(match.group("num")), int(match.group("den"))
        else:
            numerator = parse_chinese_integer(match.group("cnum"))
            denominator = parse_chinese_integer(match.group("cden"))
        if denominator == 0 or numerator >= denominator or denominator > 10:
            continue  # dates and codes look like fractions too; real shares have small denominators
        mentions.append(
            RatioMention(value=round(numerator / denominator, 4), start=match.start(), end=match.end())
        )
    for match in _FULL_RE.finditer(text):
        value = 0.5 if match.group(0) == "减半" else 1.0
        mentions.append(RatioMention(value=value, start=match.start(), end=match.end()))
    benefit: list[RatioMention] = []
    for mention in sorted(mentions, key=lambda item: item.start):
        if not 0 < mention.value <= 1 or _is_condition(text, mention.start, mention.end):
            continue
        sentence_start = mention.start - len(_segment_before(text, mention.start, _SENTENCE_BREAK))
        sentence_end = mention.end
        while sentence_end < len(text) and text[sentence_end] not in _SENTENCE_BREAK:
            sentence_end += 1
        sentence = text[sentence_start:sentence_end]
        if any(cue in sentence for cue in _RATIO_BENEFIT_CUES):
            benefit.append(mention)
    return benefit


def max_benefit_ratio(text: str) -> RatioMention | None:
    """The largest proportion paid as a benefit, or None."""
    return max(find_ratios(text), key=lambda mention: mention.value, default=None)
