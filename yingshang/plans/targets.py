"""Quantitative targets (量化指标) in action-plan sentences, and conflicts between them.

Pure module: no ORM, no clock. Input sentences are already normalised by `parsing.normalise_line`
(half-width digits and %, Chinese punctuation full-width). One sentence can hold several targets:
"网上立案率和在线庭审率分别达75%、30%以上" gives two, "处办率、办件满意率均达到99%以上" gives two.

Conventions, chosen so that nothing is invented that the plan does not say:
- `comparator` is ">=" (以上, 不低于, 不少于 …), "<=" (以内, 不超过, 压缩至 …), "range" (10%-15%) and
  "=" when the plan states a value with no direction (达到225家, 增长20%); "左右" (approximately, 2000名左右)
  is "=" too: the stated value is the target and the word stays in `text`.
- `growth` marks a change rather than a level (增长20%, 提升30%-50%; not 提升至90%). A decrease
  (降低10%-15%) keeps its written numbers and gets "降幅" appended to the indicator, so the direction is
  never lost.
- `soft` marks 力争-style aspirations. `period` is "2025" for a stated year, or 年内 / 全年 / 每年 / 5年内 /
  2012年起5年内 … as the sentence writes it; None when the sentence states none.
- Numbers inside quoted names (“10 + N”), dates, document numbers (〔2024〕23号) and ordinals (第2次) are never
  targets; a quotation holding whole clauses (“…达到2000名左右，…达到40%”) is read. A bare number needs a unit,
  and a weak unit (家, 个, 天 …) also needs a comparator word, 以上/以内, or — for counts (名, 家, 个, 套 …) — a
  delivery verb governing it (引进, 培养, 建设 …: "5年内重点引进100名市管企业中高级经营管理人才").
- A count is named by its verb and what it counts, without period, administrative level, field or adverb
  ("引进市管企业中高级经营管理人才"); list items share the verb ("选拔100名正职…、200名副职…").
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass
from decimal import Decimal

Number = int | float

GREATER_OR_EQUAL = ">="
LESS_OR_EQUAL = "<="
EQUAL = "="
RANGE = "range"

DECREASE_SUFFIX = "降幅"


@dataclass(frozen=True)
class Target:
    """One quantitative target (量化目标) stated in a plan."""

    indicator: str
    comparator: str
    value: Number | None
    low: Number | None
    high: Number | None
    unit: str
    growth: bool
    soft: bool
    period: str | None
    text: str
    task_number: str | None = None

    def to_json_dict(self) -> dict[str, object]:
        return asdict(self)


@dataclass(frozen=True)
class Conflict:
    """The same indicator given different targets in one plan (指标冲突)."""

    indicator: str
    targets: tuple[Target, ...]

    def to_json_dict(self) -> dict[str, object]:
        return {"indicator": self.indicator, "targets": [target.to_json_dict() for target in self.targets]}


# -- tables -------------------------------------------------------------------------------------------

# (as written, canonical unit, strong). A strong unit makes an Arabic number a target on its own
# ("帮助实现就业4500人次"); a weak one needs a comparator word or 以上/以内 ("达到225家", "5个工作日内").
UNITS: tuple[tuple[str, str, bool], ...] = (
    ("个工作日", "工作日", False),
    ("个百分点", "百分点", True),
    ("百分点", "百分点", True),
    ("平方米", "平方米", False),
    ("工作日", "工作日", False),
    ("个月", "个月", False),
    ("场次", "场次", True),
    ("人次", "人次", True),
    ("户次", "户次", True),
    ("件次", "件次", True),
    ("家次", "家次", True),
    ("小时", "小时", False),
    ("分钟", "分钟", False),
    ("万元", "万元", False),
    ("亿元", "亿元", False),
    ("千元", "千元", False),
    ("公里", "公里", False),
    ("%", "%", True),
    ("‰", "‰", True),
    ("天", "天", False),
    ("日", "日", False),
    ("元", "元", False),
    ("分", "分", False),
    ("家", "家", False),
    ("户", "户", False),
    ("人", "人", False),
    ("个", "个", False),
    ("项", "项", False),
    ("件", "件", False),
    ("名", "名", False),
    ("套", "套", False),
    ("次", "次", False),
    ("场", "场", False),
    ("所", "所", False),
    ("条", "条", False),
    ("亩", "亩", False),
    ("吨", "吨", False),
)
_UNIT_CANONICAL = {written: canonical for written, canonical, _ in UNITS}
_STRONG_UNITS = frozenset(canonical for _, canonical, strong in UNITS if strong)
# "日" is only a duration in "10日内"; elsewhere it is part of a date.
_UNITS_NEEDING_WITHIN = frozenset({"日"})

MULTIPLIERS: dict[str, int] = {"千万": 10_000_000, "百万": 1_000_000, "万": 10_000, "亿": 100_000_000}


def _words(text: str) -> tuple[str, ...]:
    """A word table written as one space-separated string."""
    return tuple(text.split())


# Comparator words before a number: (words, comparator hint, change direction or None).
CUES: tuple[tuple[tuple[str, ...], str, str | None], ...] = (
    (_words("不低于 不少于 不小于 至少 超过 高于 大于 多于 突破"), GREATER_OR_EQUAL, None),
    (
        _words(
            "不超过 不高于 不大于 不多于 低于 少于 小于 控制在 压缩至 压缩到 压减至 压减到 缩短至 缩短到"
            " 降低至 降低到 下降至 下降到 减少至 减少到 降至 降到 减至"
        ),
        LESS_OR_EQUAL,
        None,
    ),
    (
        _words("达到 提升至 提升到 提高至 提高到 增长至 增长到 增加至 增加到 增至 保持在 稳定在 占到 达"),
        EQUAL,
        None,
    ),
    (_words("增长 提升 提高 增加 上升 扩大"), EQUAL, "increase"),
    (_words("降低 下降 减少 压减 压缩 缩短 缩减"), EQUAL, "decrease"),
)
_CUE_TABLE = {word: (hint, change) for words, hint, change in CUES for word in words}
_CUE_RE = re.compile("|".join(sorted(map(re.escape, _CUE_TABLE), key=len, reverse=True)))
# What may stand between a comparator word and its number: "要力争达到", "占到全部交易数量的30%".
_CUE_FILLER_RE = re.compile(r"^(?:要|均|都|分别|力争|约|共|累计|全部|可)*$|^[^，；：]{1,15}的$")

QUALIFIERS: dict[str, str] = {
    "及以上": GREATER_OR_EQUAL,
    "以上": GREATER_OR_EQUAL,
    "及以下": LESS_OR_EQUAL,
    "以下": LESS_OR_EQUAL,
    "以内": LESS_OR_EQUAL,
    "之内": LESS_OR_EQUAL,
    "内": LESS_OR_EQUAL,
    "左右": EQUAL,
}
_QUALIFIER_RE = re.compile(r"\s*(" + "|".join(sorted(QUALIFIERS, key=len, reverse=True)) + ")")

# Spans that look numeric but are never targets; they are blanked before scanning.
NON_TARGET_PATTERNS: tuple[re.Pattern[str], ...] = (
    # Quoted names (“10 + N”, “一村两名大学生村官”); a quotation holding whole clauses is read (see `_mask`).
    re.compile(r"“[^”，；]*”|‘[^’，；]*’|「[^」，；]*」|《[^》]*》|〈[^〉]*〉|\"[^\"，；]*\""),
    re.compile(r"[〔\[（]\s*(?:19|20)\d{2}\s*[〕\]）]\s*\d+\s*号"),  # document numbers: 〔2024〕23号
    re.compile(r"\d+\s*号"),  # 国务院令第722号
    re.compile(r"(?:19|20)\d{2}\s*[-/—–~至到]\s*(?:19|20)\d{2}\s*年?"),  # 2024-2026年
    re.compile(r"(?:19|20)\d{2}-\d{1,2}-\d{1,2}"),
    re.compile(r"(?:19|20)\d{2}\s*年(?:\d{1,2}\s*月)?(?:\d{1,2}\s*日)?"),  # 2025年6月30日
    re.compile(r"\d{1,2}\s*月(?:\d{1,2}\s*日)?(?:[底末初中]|份)?"),  # 6月底前
    re.compile(r"第[\d零〇一二两三四五六七八九十百千]+"),  # 第2次
    re.compile(r"[一两]次性"),  # 一次性奖励: one-off, not a count
    re.compile(r"\d+\s*\+\s*[A-Za-z\d]+"),  # 10 + N
    re.compile(r"[A-Za-z]+\d+|\d+[A-Za-z]+"),  # 5G, G20
)

_ARABIC = r"\d+(?:,\d{3})*(?:\.\d+)?"
_CHINESE = r"[零〇一二两三四五六七八九十百千]+"
_VALUE_RE = re.compile(
    rf"(?P<number>{_ARABIC}|{_CHINESE})\s*(?P<multiplier>千万|百万|万|亿)?\s*"
    rf"(?P<unit>{'|'.join(re.escape(written) for written, _, _ in UNITS)})?"
)
_RANGE_SEPARATOR_RE = re.compile(r"\s*[-~—–至到]\s*")
_LIST_SEPARATOR_RE = re.compile(r"\s*[、和及与]\s*")
_CLAUSE_BOUNDARY = "，；：,;:。"

_SOFT_RE = re.compile(r"力争|力求|争取(?:达到|实现)|努力(?:达到|实现)")
_PERIOD_RE = re.compile(
    r"(?P<span>(?:(?:19|20)\d{2}\s*年起)?\d{1,2}\s*年内)|(?P<year>(?:19|20)\d{2})\s*年"
    r"|(?P<word>年内|全年|年底前|每年|今年|当年)"
)

# Verbs of delivering a count ("引进100名…", "建设30家…", "培训新型农民达到40000名"). A count with a weak unit
# is a target when such a verb governs it; the indicator is then the verb and what is counted.
DELIVERY_VERBS = _words(
    "引进 培养 产生 选拔 资助 扶持 培训 建设 筹建 筹集 设立 评选 遴选 评定 认定 选派 发动 组织 服务 转化 培育"
    " 创办 支持 跟踪 开展 举办 新建 新增 建成 招聘 招收 吸引 选聘 孵化 引育"
)
_VERB = "(?:" + "|".join(sorted(DELIVERY_VERBS, key=len, reverse=True)) + ")"
# A run of verbs ending a span: "引进和培养", "引进、培养和扶持", "选拔资助", "组织和发动".
_VERB_CHAIN_END_RE = re.compile(rf"{_VERB}(?:(?:和|、|及|与|并|以及)?{_VERB})*$")
_VERB_CHAIN_START_RE = re.compile(rf"^{_VERB}(?:(?:和|、|及|与|并|以及)?{_VERB})*")
# Adverbs before a verb that are not part of an indicator: "重点引进", "直接服务", "择优设立".
_ADVERB_RE = re.compile(rf"^(?:重点|直接|择优|大力|积极|着力|优先)(?={_VERB})")
# Who and where before the verb: "市、区（县级市）两级", "在战略性主导产业领域", "面向全市高校…".
_LEVELS_RE = re.compile(r"^(?:[省市州县区乡镇村](?:（[^）]{1,6}）)?、?){2,4}[两三四五]级")
_FIELD_RE = re.compile(r"^在[^，；。]{1,40}?(?:领域|方面|行业)(?=[^，；。]*?" + _VERB + ")")
_PERIOD_PREFIX_RE = re.compile(r"^(?:(?:19|20)\d{2}\s*年起)?\d{1,2}\s*年内")
_PERIOD_WORD_RE = re.compile(r"^(?:年内|全年|每年|今年|当年|年底前)")
_VERB_SEARCH_RE = re.compile(_VERB)
# Units that count things; only counts name what they count after the number ("100名…人才").
COUNT_UNITS = frozenset(_words("名 人 家 个 项 套 场 场次 人次 户次 件次 家次 件 次 所 条 户"))
_LIST_SEPARATOR_IN_OBJECT_RE = re.compile(r"[、和及与]")
# An object starts with a word or a quoted name, not with punctuation, a unit or a comparator.
_OBJECT_START_RE = re.compile(r"^[“（\u4e00-\u9fff]")

# Words around an indicator that are not part of its name; stripped repeatedly.
LEADING_NOISE: tuple[re.Pattern[str], ...] = (
    re.compile(r"^(?:并且|同时|其中|另外)"),
    # "并" only as a connective before a verb: "并联审批率" keeps it.
    re.compile(r"^[并且](?=力争|确保|实现|完成|推动|推进|开展|举办|组织|累计|要)"),
    re.compile(r"^(?:力争|力求|争取|努力|确保|要|需)"),
    re.compile(r"^(?:到|至|在)?(?:19|20)\d{2}\s*年(?:底|末)?(?:前)?"),
    re.compile(r"^(?:年内|全年|每年|今年|当年|年底前)"),
    _PERIOD_PREFIX_RE,
    _LEVELS_RE,
    _FIELD_RE,
    _ADVERB_RE,
    re.compile(r"^(?:全市|全省|全州|全县|全区|全盟|我市|本市|我省|本省|我州|我县|我区)"),
    re.compile(r"^(?:组织开展|开展|举办|组织|帮助实现|实现|完成|推动|推进|累计)"),
)
TRAILING_NOISE = re.compile(r"(?:要力争|力争|要|均|都|分别|应|将|需|须|可)$")
# How an indicator name ends; a list item without such a head shares the next item's head
# ("小额诉讼程序和简易程序适用率") or is part of it ("民事一、二审涉企案件结案率").
INDICATOR_HEAD_RE = re.compile(
    r"(?:率|数|量|额|比例|比重|占比|指数|时间|时长|天数|次数|面|度|值|规模|成本|效率|水平|人次|场次|收入|企业)$"
)

_OPENERS = "（〔【[《“‘「(<"
_CLOSERS = "）〕】]》”’」)>"


# -- public functions ---------------------------------------------------------------------------------


def extract_targets(sentence: str, *, task_number: str | None = None) -> list[Target]:
    """Every quantitative target stated in one normalised sentence (measure).

    1. Find the numeric expressions; for each, the span naming it (since the clause start or the previous
       target) and the comparator word before it.
    2. A count followed by what is counted ("引进100名市管企业中高级经营管理人才") is named by its verb and
       that object; a list item naming only the object shares the verb ("100名正职后备人才、200名副职…").
    3. Otherwise the name is the span before the number ("破产案件结案率达85%以上"); in a list of counts led
       by a verb, an item naming only what is counted shares that verb ("选拔认定教育专家10名、名校长100名").
    """
    masked = _mask(sentence)
    period = _period(sentence)
    targets: list[Target] = []
    expressions = _expressions(masked)
    previous_end = 0
    previous_indicator: str | None = None
    previous_count: tuple[str, str] | None = None  # (verb, unit) of the last count target led by a verb
    for position, expression in enumerate(expressions):
        clause_start = _clause_start(masked, expression.start)
        start = max(clause_start, previous_end)
        cue = _cue_before(masked, start, expression.start)
        name_end = cue.start if cue else expression.start
        raw_span = sentence[start:name_end]
        # The next number with a unit ("一流大学" holds a numeral but is no count).
        following = next((e for e in expressions[position + 1 :] if all(v.unit for v in e.values)), None)
        is_count = all(value.unit in COUNT_UNITS for value in expression.values)
        counted, counted_end = _counted(sentence, masked, expression, following) if is_count else ("", 0)
        verb = _verb_chain_before(raw_span) if is_count else ""
        continues = is_count and previous_count is not None and not raw_span.strip(" 、，和及与并以")
        if not _is_target(
            expression,
            masked,
            clause_text=sentence[clause_start : expression.start],
            governed=bool(verb) or continues or bool(_VERB_SEARCH_RE.search(counted)),
        ):
            continue
        hint, change = _CUE_TABLE[cue.word] if cue else (EQUAL, None)
        comparator = RANGE if expression.is_range else (expression.qualifier_comparator or hint)
        soft = bool(_SOFT_RE.search(sentence, 0, expression.start))
        shared_by_all = "均" in masked[start : expression.start] or "都" in masked[start : expression.start]
        value_count = 1 if expression.is_range else len(expression.values)
        unit = expression.values[-1].unit
        if counted:
            if not verb and continues and previous_count is not None:
                verb = previous_count[0]
            name = _balanced_quotes(verb + counted) if verb else clean_indicator(raw_span + counted)
            indicators = [name] * value_count
            verb = verb or _verb_chain_start(name)
        else:
            indicators = _indicators(raw_span, value_count, shared_by_all, previous_indicator)
            verb = _verb_chain_start(indicators[0]) if is_count and len(indicators) == 1 else ""
            if is_count and not verb and _shares_verb(indicators, unit, previous_count):
                verb = previous_count[0] if previous_count else ""
                indicators = [verb + indicators[0]]
        if change == "decrease":
            indicators = [indicator + DECREASE_SUFFIX for indicator in indicators]
        for indicator, value in zip(indicators, _values_for(expression, indicators), strict=True):
            targets.append(
                Target(
                    indicator=indicator,
                    comparator=comparator,
                    value=None if expression.is_range else value.amount,
                    low=expression.values[0].amount if expression.is_range else None,
                    high=expression.values[1].amount if expression.is_range else None,
                    unit=value.unit,
                    growth=change is not None,
                    soft=soft,
                    period=period,
                    text=sentence,
                    task_number=task_number,
                )
            )
        previous_end = max(expression.end, counted_end)
        previous_indicator = indicators[-1] if indicators else previous_indicator
        previous_count = (verb, unit) if is_count and verb else None
    return targets


def find_conflicts(targets: Iterable[Target]) -> tuple[Conflict, ...]:
    """Indicators that one plan gives different targets for in the same period.

    1. Group the targets by (indicator, period), keeping the order of first appearance.
    2. A group is a conflict when its targets disagree on comparator, value, range, unit or growth.
    """
    groups: dict[tuple[str, str | None], list[Target]] = {}
    for target in targets:
        groups.setdefault((target.indicator, target.period), []).append(target)
    conflicts = []
    for (indicator, _), group in groups.items():
        signatures = {(t.comparator, t.value, t.low, t.high, t.unit, t.growth) for t in group}
        if len(signatures) > 1:
            conflicts.append(Conflict(indicator=indicator, targets=tuple(group)))
    return tuple(conflicts)


def parse_number(number: str, multiplier: str | None = None) -> Decimal:
    """The value of an Arabic ("1.2", "1,200") or Chinese ("十五", "两") numeral, times 万/亿 if given."""
    value = Decimal(number.replace(",", "")) if number[0].isdigit() else Decimal(_chinese_numeral(number))
    return value * MULTIPLIERS[multiplier] if multiplier else value


# -- expressions: numbers with units, lists and ranges ------------------------------------------------


@dataclass(frozen=True)
class _Value:
    amount: Number
    unit: str
    arabic: bool


@dataclass(frozen=True)
class _Expression:
    start: int
    end: int  # after the qualifier, if any
    values: tuple[_Value, ...]
    is_range: bool
    qualifier: str | None

    @property
    def qualifier_comparator(self) -> str | None:
        return QUALIFIERS[self.qualifier] if self.qualifier else None


@dataclass(frozen=True)
class _Cue:
    word: str
    start: int


def _mask(sentence: str) -> str:
    """The sentence with quotes, dates, document numbers and ordinals blanked to NUL (same length)."""
    masked = sentence
    for pattern in NON_TARGET_PATTERNS:
        masked = pattern.sub(lambda match: "\0" * len(match.group()), masked)
    return masked


def _expressions(masked: str) -> list[_Expression]:
    """Numbers grouped into lists ("75%、30%") and ranges ("10%-15%"), with their trailing qualifier.

    1. Find every number with its multiplier and unit.
    2. Join numbers separated only by a range or list separator.
    3. Lend units backwards inside a group ("10-15%"), scale by 万/亿, and read the qualifier (以上 …).
    """
    matches = [m for m in _VALUE_RE.finditer(masked) if m.group("number")]
    expressions: list[_Expression] = []
    index = 0
    while index < len(matches):
        group = [matches[index]]
        is_range = False
        while index + 1 < len(matches):
            gap = masked[group[-1].end() : matches[index + 1].start()]
            if _RANGE_SEPARATOR_RE.fullmatch(gap) and len(group) == 1 and gap.strip() and not is_range:
                is_range = True
            elif _LIST_SEPARATOR_RE.fullmatch(gap) and not is_range:
                pass
            else:
                break
            index += 1
            group.append(matches[index])
        index += 1
        expressions.append(_build_expression(group, is_range, masked))
    return expressions


def _build_expression(group: list[re.Match[str]], is_range: bool, masked: str) -> _Expression:
    units: list[str | None] = [m.group("unit") for m in group]
    for position in range(len(units) - 2, -1, -1):
        units[position] = units[position] or units[position + 1]
    values = []
    for match, unit in zip(group, units, strict=True):
        multiplier = match.group("multiplier")
        canonical = _UNIT_CANONICAL.get(unit or "", "")
        if multiplier and canonical in {"元"}:
            canonical, multiplier = multiplier + "元", None
        amount = parse_number(match.group("number"), multiplier)
        values.append(
            _Value(amount=_plain(amount), unit=canonical, arabic=match.group("number")[0].isdigit())
        )
    end = group[-1].end()
    qualifier_match = _QUALIFIER_RE.match(masked, end)
    qualifier = qualifier_match.group(1) if qualifier_match else None
    if qualifier_match:
        end = qualifier_match.end()
    return _Expression(
        start=group[0].start(), end=end, values=tuple(values), is_range=is_range, qualifier=qualifier
    )


def _is_target(expression: _Expression, masked: str, *, clause_text: str, governed: bool) -> bool:
    """Whether a numeric expression is a target rather than a name, count or slogan.

    `clause_text` is the clause before the number; `governed` says a delivery verb governs a count
    ("引进100名…", a list item after one, or "与1000家企业开展…").
    """
    if any(not value.unit for value in expression.values):
        return False
    needs_within = any(value.unit in _UNITS_NEEDING_WITHIN for value in expression.values)
    if needs_within and expression.qualifier not in {"内", "以内", "之内"}:
        return False
    if expression.qualifier or _cue_before(masked, _clause_start(masked, expression.start), expression.start):
        return True
    if all(value.arabic and value.unit in _STRONG_UNITS for value in expression.values):
        return True
    if all(value.unit in COUNT_UNITS for value in expression.values):
        return governed or bool(_verb_chain_start(_strip_scope(clause_text)))
    return False


def _counted(
    sentence: str, masked: str, expression: _Expression, following: _Expression | None
) -> tuple[str, int]:
    """What a count counts, when the plan names it after the number, and where that name ends.

    "100名正职后备人才、200名副职后备人才": the object runs to the end of the clause, or to the list
    separator before the next number of the same clause. Returns ("", 0) when the number ends its clause.
    """
    boundaries = [masked.find(mark, expression.end) for mark in _CLAUSE_BOUNDARY]
    end = min([index for index in boundaries if index >= 0], default=len(masked))
    if following is not None and following.start < end:
        separator = _LIST_SEPARATOR_IN_OBJECT_RE.search(masked, expression.end, following.start)
        if separator:
            end = separator.start()
    text = sentence[expression.end : end]
    stripped = text.strip(" 、和及与")
    if not stripped or not _OBJECT_START_RE.match(stripped):
        return "", 0
    return stripped, expression.end + len(text.rstrip(" 、和及与"))


def _shares_verb(indicators: list[str], unit: str, previous_count: tuple[str, str] | None) -> bool:
    """Whether a count named only by what it counts ("名校长") shares the verb of the count before it.

    Only in a run of counts of the same unit led by a verb, and never for a measure's own name
    ("人才资源总量", "…率"), which has a head noun of its own.
    """
    return (
        previous_count is not None
        and previous_count[1] == unit
        and len(indicators) == 1
        and bool(indicators[0])
        and not INDICATOR_HEAD_RE.search(indicators[0])
    )


def _verb_chain_before(span: str) -> str:
    """The delivery verbs right before a number ("重点引进和培养" → "引进和培养"), or ""."""
    match = _VERB_CHAIN_END_RE.search(span.rstrip())
    return match.group() if match else ""


def _verb_chain_start(name: str) -> str:
    match = _VERB_CHAIN_START_RE.match(name)
    return match.group() if match else ""


def _strip_scope(clause: str) -> str:
    """A clause without its period, levels, field and adverbs: "5年内市、区（县级市）两级重点评选…" → "评选…"."""
    text = clause.strip(" ，、")
    changed = True
    while changed and text:
        before = text
        for pattern in (_PERIOD_PREFIX_RE, _PERIOD_WORD_RE, _LEVELS_RE, _FIELD_RE, _ADVERB_RE):
            text = pattern.sub("", text).strip(" ，、")
        changed = text != before
    return text


def _balanced_quotes(name: str) -> str:
    """A name ending in a quoted term loses the quotes (as `clean_indicator` does): “大学生创业能手”."""
    if name.endswith("”") and "“" in name:
        opening = name.rfind("“")
        return name[:opening] + name[opening + 1 : -1]
    return name


def _clause_start(masked: str, position: int) -> int:
    """Where the clause holding `position` begins (after the last ，；： before it)."""
    boundary = max(masked.rfind(mark, 0, position) for mark in _CLAUSE_BOUNDARY)
    return boundary + 1


def _cue_before(masked: str, start: int, position: int) -> _Cue | None:
    """The comparator word nearest before a number, if only a filler separates them."""
    prefix = masked[start:position]
    found = None
    for match in _CUE_RE.finditer(prefix):
        filler = prefix[match.end() :]
        if _CUE_FILLER_RE.match(filler) and "\0" not in filler:
            found = _Cue(word=match.group(), start=start + match.start())
    return found


def _values_for(expression: _Expression, indicators: Sequence[str]) -> list[_Value]:
    """One value per indicator: pairwise for 分别 lists, the same value for 均 lists."""
    if expression.is_range:
        return [expression.values[1]] * len(indicators)
    if len(expression.values) == len(indicators):
        return list(expression.values)
    return [expression.values[0]] * len(indicators)


# -- indicator names ----------------------------------------------------------------------------------


def _indicators(raw_span: str, value_count: int, shared_by_all: bool, previous: str | None) -> list[str]:
    """Indicator names for the values of one expression.

    1. Clean the span before the comparator word (drop 力争, 2025年, 全市, 开展 … and trailing 要/均).
    2. An elliptical name ending in 的 ("涉及电力外线工程的") borrows the head of the previous indicator.
    3. A list of values (分别) or a shared value (均) splits the name into one item per indicator.
    """
    name = clean_indicator(raw_span)
    if name.endswith("的") and previous:
        name += previous.rsplit("的", 1)[-1]
    elif not name and previous:
        name = previous
    name = name.removesuffix("的")
    if value_count > 1:
        items = split_indicator_items(name)
        return items if len(items) == value_count else [name] * value_count
    if shared_by_all:
        return split_indicator_items(name)
    return [name]


def clean_indicator(span: str) -> str:
    """An indicator name without surrounding scope words, periods, verbs and fillers."""
    name = span.strip(" 、，和及与")
    changed = True
    while changed and name:
        before = name
        for pattern in LEADING_NOISE:
            name = pattern.sub("", name).strip(" 、，")
        name = TRAILING_NOISE.sub("", name).strip(" 、，")
        # A quotation cut at a clause boundary leaves one mark: "实现“重点引进…" → "重点引进…".
        if name.startswith("“") and "”" not in name:
            name = name[1:]
        changed = name != before
    return _balanced_quotes(name)


def split_indicator_items(name: str) -> list[str]:
    """Split "A、B和C" into indicator names, repairing items that lack a head noun.

    1. Split at 、 和 及 与 outside quotes and brackets.
    2. An item without a head noun either takes the next item's head after a shared word
       ("小额诉讼程序" + "简易程序适用率" → "小额诉讼程序适用率") or is merged into the next item
       ("民事一" + "二审涉企案件结案率" → "民事一、二审涉企案件结案率").
    """
    pieces, separators = _split_top_level(name, "、和及与")
    position = 0
    while position < len(pieces) - 1:
        piece, following = pieces[position], pieces[position + 1]
        if INDICATOR_HEAD_RE.search(piece):
            position += 1
            continue
        suffix = _shared_suffix(piece, following)
        if suffix:
            pieces[position] = piece + suffix
            position += 1
        else:
            pieces[position : position + 2] = [piece + separators[position] + following]
            del separators[position]
    return [piece for piece in pieces if piece]


def _shared_suffix(piece: str, following: str) -> str:
    """The part of `following` after the longest tail word it shares with `piece` (at least 2 chars)."""
    for length in range(min(len(piece), 6), 1, -1):
        tail = piece[-length:]
        found = following.find(tail)
        if found >= 0 and found + length < len(following):
            return following[found + length :]
    return ""


def _split_top_level(text: str, separators: str) -> tuple[list[str], list[str]]:
    pieces: list[str] = []
    found: list[str] = []
    current: list[str] = []
    depth = 0
    for char in text:
        if char in _OPENERS:
            depth += 1
        elif char in _CLOSERS:
            depth = max(depth - 1, 0)
        if char in separators and depth == 0:
            pieces.append("".join(current).strip())
            found.append(char)
            current = []
        else:
            current.append(char)
    pieces.append("".join(current).strip())
    return pieces, found


# -- small helpers ------------------------------------------------------------------------------------


def _period(sentence: str) -> str | None:
    match = _PERIOD_RE.search(sentence)
    if not match:
        return None
    if match.group("span"):
        return re.sub(r"\s+", "", match.group("span"))
    return match.group("year") or match.group("word")


def _plain(amount: Decimal) -> Number:
    return int(amount) if amount == amount.to_integral_value() else float(amount)


def _chinese_numeral(text: str) -> int:
    digits = {char: index for index, char in enumerate("零一二三四五六七八九")} | {"〇": 0, "两": 2}
    scales = {"十": 10, "百": 100, "千": 1000}
    if not any(char in scales for char in text):  # 二〇二五 is read digit by digit
        return int("".join(str(digits[char]) for char in text))
    total, current = 0, 0
    for char in text:
        if char in digits:
            current = digits[char]
        else:
            total += (current or 1) * scales[char]
            current = 0
    return total + current
