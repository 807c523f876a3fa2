"""Policy "一键解读": split a policy document into clauses and read each clause's terms.

Pure module, no Django and no ORM. Input is plain text (DOCX/PDF readers produce it); output is
dataclasses whose every field carries the span it was read from (offsets into the clause text) and a
confidence in 0..1, so a reviewer can see and correct what the machine read.

    clauses = split_clauses(document_text)
    extracted = extract_clause(clauses[0].text)
    extracted.to_json_dict()

Vocabularies live in `vocab.py`; amount and ratio reading in `amounts.py`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cache
from typing import Any

import rjieba

from yingshang.policies import vocab
from yingshang.policies.amounts import (
    compact,
    find_amounts,
    max_benefit_ratio,
    original_span,
)

Span = tuple[int, int]

# ---------------------------------------------------------------------------------------------------------
# Results
# ---------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ClauseSpan:
    """One clause (条款) of a document: offsets into the document, its numbering and its section heading."""

    start: int
    end: int
    text: str
    number: str | None = None
    section: str | None = None


@dataclass(frozen=True)
class Finding:
    """One value read from the text, with the span it came from and how sure the reader is."""

    value: str
    start: int
    end: int
    confidence: float


@dataclass(frozen=True)
class SetField:
    """A set-valued field (support types, qualifications …): its findings and a field-level confidence."""

    findings: tuple[Finding, ...] = ()
    confidence: float = 0.0

    @property
    def values(self) -> list[str]:
        """Distinct values in order of first appearance."""
        return list(dict.fromkeys(finding.value for finding in self.findings))

    @property
    def spans(self) -> list[list[int]]:
        """Distinct [start, end] spans in text order."""
        return [list(span) for span in sorted({(finding.start, finding.end) for finding in self.findings})]


@dataclass(frozen=True)
class ScalarField[T]:
    """A single-valued field (amount, ratio, topic) with its spans and confidence."""

    value: T | None
    spans: tuple[Span, ...] = ()
    confidence: float = 0.0


@dataclass(frozen=True)
class Condition:
    """A condition stated in the clause (门槛/其他条件), typed: what it measures, how, and the rule key that can hold it.

    `rule_key` names the typed rule the platform can decide (营业收入 → min_revenue_10k); None means the platform
    holds no such fact (进出口总额, 美元 amounts, 研发投入…), so the condition needs a person or the enterprise's
    own evidence. Amounts keep their currency: a 美元 threshold is never read as yuan.
    """

    text: str
    start: int
    end: int
    kind: str  # threshold / ratio / status
    subject: str
    operator: str = ""
    amount: int | None = None
    currency: str = ""
    rule_key: str | None = None
    rule_value: float | None = None

    def to_json_dict(self) -> dict[str, Any]:
        return {
            "text": self.text,
            "span": [self.start, self.end],
            "kind": self.kind,
            "subject": self.subject,
            "operator": self.operator,
            "amount": self.amount,
            "currency": self.currency,
            "rule_key": self.rule_key,
            "rule_value": self.rule_value,
        }


@dataclass(frozen=True)
class Eligibility:
    """Who may apply (申报条件): qualifications, industries, scale, regions and other conditions."""

    qualifications: SetField = field(default_factory=SetField)
    industries: SetField = field(default_factory=SetField)
    scale: SetField = field(default_factory=SetField)
    regions: SetField = field(default_factory=SetField)
    other: SetField = field(default_factory=SetField)
    conditions: tuple[Condition, ...] = ()


@dataclass(frozen=True)
class ExtractedClause:
    """What one clause offers and to whom (条款解读结果)."""

    text: str
    support_types: SetField
    amount_max_yuan: ScalarField[int]
    ratio: ScalarField[float]
    eligibility: Eligibility
    topic: ScalarField[str]

    def to_json_dict(self) -> dict[str, Any]:
        """Plain JSON-ready dict: values, then `spans` and `confidence` keyed by field path."""
        eligibility_fields = {
            name: getattr(self.eligibility, name)
            for name in ("qualifications", "industries", "scale", "regions", "other")
        }
        spans: dict[str, list[list[int]]] = {
            "support_types": self.support_types.spans,
            "amount_max_yuan": [list(span) for span in self.amount_max_yuan.spans],
            "ratio": [list(span) for span in self.ratio.spans],
            "topic": [list(span) for span in self.topic.spans],
        }
        confidence: dict[str, float] = {
            "support_types": self.support_types.confidence,
            "amount_max_yuan": self.amount_max_yuan.confidence,
            "ratio": self.ratio.confidence,
            "topic": self.topic.confidence,
        }
        for name, set_field in eligibility_fields.items():
            spans[f"eligibility.{name}"] = set_field.spans
            confidence[f"eligibility.{name}"] = set_field.confidence
        return {
            "text": self.text,
            "support_types": self.support_types.values,
            "amount_max_yuan": self.amount_max_yuan.value,
            "ratio": self.ratio.value,
            "eligibility": {name: set_field.values for name, set_field in eligibility_fields.items()},
            "topic": self.topic.value,
            "conditions": [condition.to_json_dict() for condition in self.eligibility.conditions],
            "spans": spans,
            "confidence": {key: round(value, 2) for key, value in confidence.items()},
        }


# ---------------------------------------------------------------------------------------------------------
# Clause splitting
# ---------------------------------------------------------------------------------------------------------

_CN_DIGITS = "一二三四五六七八九十百零〇"
_MARKER_RE = re.compile(
    rf"第\s*[{_CN_DIGITS}\d][{_CN_DIGITS}\d\s]{{0,6}}条"
    rf"|[{_CN_DIGITS}]+、"
    rf"|[（(][{_CN_DIGITS}]+[）)]"
    r"|\d{1,2}\s*[.．、](?!\d)"
    r"|[（(]\d{1,2}[）)]"
)
_TERMINAL = "。！？；：!?;:"
_BOILERPLATE_LINE_RES = tuple(
    re.compile(pattern)
    for pattern in (
        r"^[\u4e00-\u9fa5]{1,12}[〔\[［(（]\d{4}[〕\]］)）]\d+号$",  # 发文字号
        r"^附件",
        r"^(?:抄送|主送|抄报)",
        r"印发$",
        r"^[（(]?(?:\d{4}|[〇零一二三四五六七八九]{4})年[\d〇零一二三四五六七八九十]{1,2}月[\d〇零一二三四五六七八九十]{1,3}日[）)]?$",
        r"^[-—–]\s*\d+\s*[-—–]$",  # page numbers
        r"^[（(]此件.{0,8}[）)]$",
        r"^(?:公开方式|联系人|联系电话)",
        r"^各.{0,40}[：:]$",  # addressee line: 各县区人民政府，市直各部门：
    )
)
_BOILERPLATE_CLAUSE_RE = re.compile(
    r"就高不重复|之日起(?:施行|执行)|负责解释|相抵触|同时废止|有效期|暂定[一二三四五\d]+年"
)
_POLICY_CUE_RE = re.compile(
    "|".join(pattern for patterns in vocab.SUPPORT_TYPE_PATTERNS.values() for pattern in patterns)
    + r"|享受|一事一议|支持|优先"
)


@dataclass
class _Block:
    start: int
    end: int
    marker: str | None


def _line_starts(text: str) -> list[int]:
    """Line starts plus virtual ones where a numbered item follows 。/；/： on the same line."""
    starts = {0}
    for index, character in enumerate(text):
        after_break = character in "。；：" and _MARKER_RE.match(text, index + 1) is not None
        if character == "\n" or after_break:
            starts.add(index + 1)
    return sorted(start for start in starts if start < len(text))


def _blocks(text: str) -> list[_Block]:
    """Paragraphs: lines joined until one ends a sentence or the next starts with a marker."""
    starts = _line_starts(text)
    blocks: list[_Block] = []
    for position, start in enumerate(starts):
        end = starts[position + 1] if position + 1 < len(starts) else len(text)
        line = text[start:end]
        stripped = line.strip(" \t\r\n\u00a0\u3000")
        if not stripped or any(pattern.search(stripped) for pattern in _BOILERPLATE_LINE_RES):
            continue
        lead = len(line) - len(line.lstrip(" \t\r\n\u00a0\u3000"))
        content_start = start + lead
        content_end = content_start + len(stripped)
        marker_match = _MARKER_RE.match(text, content_start)
        marker = re.sub(r"\s", "", marker_match.group(0)) if marker_match else None
        previous = blocks[-1] if blocks else None
        joins = (
            previous is not None
            and marker is None
            and text[previous.end - 1] not in _TERMINAL
            and previous.end >= start - 2  # adjacent lines only
        )
        if joins and previous is not None:
            previous.end = content_end
        else:
            blocks.append(_Block(content_start, content_end, marker))
    return blocks


def _is_heading(text: str, block: _Block) -> bool:
    body = text[block.start : block.end]
    marker_match = _MARKER_RE.match(body)
    body = body[marker_match.end() :] if marker_match else body
    body = body.strip().rstrip("。")
    return len(body) <= 30 and not re.search(r"[，,；;。]", body) and not find_amounts(body)


def split_clauses(text: str) -> list[ClauseSpan]:
    """Split a policy document into clauses, one support measure each, dropping headers and boilerplate.

    Steps: 1. cut lines into paragraphs (joining PDF line breaks); 2. a short numbered heading followed by
    an unnumbered paragraph becomes one clause, a heading followed by numbered items becomes the section
    of those items; 3. keep numbered paragraphs that carry any policy cue and unnumbered ones that offer
    a benefit; 4. drop closing boilerplate (施行日期, 解释权, 就高不重复) that offers nothing.
    """
    blocks = _blocks(text)
    clauses: list[ClauseSpan] = []
    section: str | None = None
    index = 0
    while index < len(blocks):
        block = blocks[index]
        following = blocks[index + 1] if index + 1 < len(blocks) else None
        start, end, number = block.start, block.end, block.marker
        if block.marker is not None and _is_heading(text, block):
            if following is not None and following.marker is None:
                end = following.end  # 2. heading + its body
                index += 1
            else:
                section = re.sub(r"\s+", "", text[block.start : block.end])
                index += 1
                continue
        index += 1
        clause_text = text[start:end]
        compact_text = compact(clause_text)[0]
        if not _POLICY_CUE_RE.search(compact_text):
            continue
        if number is None and not _offers_benefit(compact_text):
            continue
        if _BOILERPLATE_CLAUSE_RE.search(compact_text) and not any(
            mention.is_benefit for mention in find_amounts(clause_text)
        ):
            continue
        clauses.append(ClauseSpan(start=start, end=end, text=clause_text, number=number, section=section))
    return clauses


_SUPPORT_RE = re.compile(
    "|".join(pattern for patterns in vocab.SUPPORT_TYPE_PATTERNS.values() for pattern in patterns)
)


def _offers_benefit(compact_text: str) -> bool:
    """An unnumbered paragraph counts as a clause only if it names a support; titles and preambles do not."""
    if re.match(r"^为(?:了)?[^。]{0,60}(?:制定|特制定)", compact_text):
        return False
    return bool(_SUPPORT_RE.search(compact_text)) or any(
        mention.is_benefit for mention in find_amounts(compact_text)
    )


# ---------------------------------------------------------------------------------------------------------
# Clause extraction
# ---------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Prepared:
    """A clause in compact form, with the zones that eligibility readers must skip."""

    text: str
    compact: str
    offsets: list[int]
    titles: tuple[Span, ...]  # 《…》 document titles
    exclusions: tuple[Span, ...]  # 不含…/除…外 exclusions

    def span(self, start: int, end: int) -> Span:
        return original_span(self.offsets, start, end)


def _prepare(text: str) -> _Prepared:
    compact_text, offsets = compact(text)
    titles = tuple(match.span() for match in re.finditer(r"《[^》]*》", compact_text))
    exclusions = tuple(
        match.span()
        for match in re.finditer(r"[（(]不含[^）)]*[）)]|不含[^，。；）)]*|除[^，。；]{1,20}外", compact_text)
    )
    return _Prepared(text, compact_text, offsets, titles, exclusions)


def _overlaps(span: Span, zones: Iterable[Span]) -> bool:
    return any(span[0] < zone_end and zone_start < span[1] for zone_start, zone_end in zones)


def _find(patterns: Iterable[str], text: str) -> list[Span]:
    return [match.span() for pattern in patterns for match in re.finditer(pattern, text)]


def _set_field(findings: list[Finding], empty_confidence: float) -> SetField:
    if not findings:
        return SetField((), empty_confidence)
    return SetField(
        tuple(findings), round(sum(finding.confidence for finding in findings) / len(findings), 2)
    )


def _fund_setup(clause: _Prepared) -> Span | None:
    """Span of a fund being set up at the start of the clause (设立…引导资金), which is no benefit itself."""
    body = re.sub(rf"^(?:{_MARKER_RE.pattern})", "", clause.compact)
    match = re.match(vocab.FUND_SETUP_PATTERN, body)
    if match is None:
        return None
    offset = len(clause.compact) - len(body)
    return offset, offset + match.end()


def _support_types(clause: _Prepared, fund_setup: Span | None) -> SetField:
    if fund_setup is not None:
        return SetField((Finding("其他", *clause.span(*fund_setup), 0.6),), 0.6)
    recurring = bool(_find(vocab.RECURRING_AWARD_PATTERNS, clause.compact)) and not _find(
        vocab.ONE_OFF_MARKERS, clause.compact
    )
    findings: list[Finding] = []
    for support_type, patterns in vocab.SUPPORT_TYPE_PATTERNS.items():
        name = "补贴" if support_type == "一次性奖励" and recurring else support_type
        for start, end in _find(patterns, clause.compact):
            findings.append(Finding(name, *clause.span(start, end), 0.85))
    if not findings:
        return SetField((Finding("其他", 0, len(clause.text), 0.4),), 0.4)
    return _set_field(sorted(findings, key=lambda finding: finding.start), 0.0)


def _amount(clause: _Prepared, fund_setup: Span | None) -> ScalarField[int]:
    mentions = find_amounts(clause.text)
    if not mentions:
        return ScalarField(None, (), 0.9)
    benefits = [] if fund_setup is not None else [mention for mention in mentions if mention.is_benefit]
    if not benefits:
        unknown = any(mention.role == "unknown" for mention in mentions)
        return ScalarField(None, (), 0.5 if unknown else 0.75)
    best = max(benefits, key=lambda mention: mention.value)
    confidence = {"cap": 0.9, "benefit": 0.8}.get(best.role, 0.5) - (0.15 if best.per_unit else 0.0)
    return ScalarField(best.value, ((best.start, best.end),), confidence)


def _ratio(clause: _Prepared) -> ScalarField[float]:
    best = max_benefit_ratio(clause.text)
    if best is None:
        return ScalarField(None, (), 0.8)
    return ScalarField(best.value, ((best.start, best.end),), 0.8)


def _qualifications(clause: _Prepared) -> tuple[SetField, list[Span]]:
    claimed: list[Span] = []
    findings: list[Finding] = []
    for name, patterns in vocab.QUALIFICATION_PATTERNS.items():
        for span in _find(patterns, clause.compact):
            if _overlaps(span, claimed) or _overlaps(span, clause.titles):
                continue
            claimed.append(span)
            findings.append(Finding(name, *clause.span(*span), 0.9))
    findings.sort(key=lambda finding: finding.start)
    return _set_field(findings, 0.7), claimed


def _industries(clause: _Prepared) -> SetField:
    findings: list[Finding] = []
    for name, patterns in vocab.INDUSTRY_PATTERNS.items():
        for span in _find(patterns, clause.compact):
            if _overlaps(span, clause.exclusions) or _overlaps(span, clause.titles):
                continue
            findings.append(Finding(name, *clause.span(*span), 0.75))
    findings.sort(key=lambda finding: finding.start)
    return _set_field(findings, 0.6)


def _scale(clause: _Prepared, qualification_spans: list[Span]) -> SetField:
    claimed = list(qualification_spans) + list(clause.titles)
    findings: list[Finding] = []
    for pattern, classes in vocab.SCALE_PATTERNS:
        for span in _find((pattern,), clause.compact):
            if _overlaps(span, claimed):
                continue
            claimed.append(span)
            findings.extend(Finding(scale, *clause.span(*span), 0.9) for scale in classes)
    findings.sort(key=lambda finding: finding.start)
    return _set_field(findings, 0.7)


@cache
def _segmenter() -> rjieba.Jieba:
    """A private rjieba instance that knows Zhangye's place names (no global dictionary changes)."""
    segmenter = rjieba.Jieba()
    for name in vocab.PLACE_NAMES:
        segmenter.add_word(name, None, "ns")
    return segmenter


def _regions(clause: _Prepared) -> SetField:
    findings: list[Finding] = []
    position = 0
    for word, tag in _segmenter().tag(clause.compact):
        start, position = position, position + len(word)
        if tag != "ns" or _overlaps((start, position), clause.titles):
            continue
        known = word in vocab.PLACE_NAMES
        administrative = (
            len(word) >= 3
            and word[-1] in "省市县区州旗镇乡"
            and not word.startswith(vocab.PLACE_STOP_PREFIXES)
        )
        if known or administrative:
            findings.append(Finding(word, *clause.span(start, position), 0.8 if known else 0.65))
    return _set_field(findings, 0.7)


_RATIO_CONDITION_RE = re.compile(
    r"(?P<subject>[\u4e00-\u9fa5]{2,6}?)(?:占[\u4e00-\u9fa5]{0,10}?(?:比例|比重)|占比)"
    r"(?:不低于|达到|不少于|超过|≥|>=)(?P<percent>\d+(?:\.\d+)?%)"
)


_SUBJECT_TAIL_RE = re.compile(r"(?:达到|不低于|不少于|超过|高于|在|为|累计|实现|完成|计)+$")
_SUBJECT_HEAD_RE = re.compile(r"^(?:[一二三四五六七八九十\d]+[、.．]|对|凡|其|且|的|和|及|企业|项目)+")
_BOUND_AFTER_RE = re.compile(r"^(?:[（(]含[）)])?(?:及|或)?(?:以下|以内)")


def _threshold_subject(before: str, previous: str | None) -> str | None:
    """What a threshold measures: a known noun if one is near, else the words just before the amount.

    The upper end of a band (1000万元及以上至5000万元) measures what its lower end did (`previous`); words
    that name no measure (为中小微企业提供1亿元以上的担保) make no condition at all (None).
    """
    known = [(before.rfind(subject), subject) for subject in vocab.THRESHOLD_SUBJECTS if subject in before]
    if known:
        return max(known, key=lambda item: (item[0], len(item[1])))[1]
    segment = re.split(r"[，,；;。：:、（）()〔〕【】\[\]]", before)[-1]
    if re.search(r"\d", segment):
        return previous
    segment = _SUBJECT_HEAD_RE.sub("", _SUBJECT_TAIL_RE.sub("", segment))[-10:]
    if any(noun in segment for noun in vocab.MEASURE_NOUNS):
        return segment
    return previous


def _registry_rule(
    subject: str, operator: str, amount: int, currency: str
) -> tuple[str | None, float | None]:
    """The typed rule a yuan threshold maps to when the platform holds the fact (营业收入, 纳税额); else none."""
    if currency != "CNY" or "亩均" in subject:
        return None, None
    value = amount / 10_000
    value = int(value) if value == int(value) else value
    if any(word in subject for word in vocab.REVENUE_SUBJECTS):
        return ("min_revenue_10k" if operator == "≥" else "max_revenue_10k"), value
    if any(word in subject for word in vocab.TAX_SUBJECTS) and operator == "≥":
        return "min_tax_paid_10k", value
    return None, None


def _other_conditions(clause: _Prepared) -> tuple[SetField, tuple[Condition, ...]]:
    """Conditions besides qualification, industry, scale and region: status words, ratios and thresholds.

    Every threshold becomes a condition, whatever it measures: one the platform cannot decide is kept (with its
    currency) for the reviewer and the enterprise rather than dropped, so it never turns into "no condition".
    """
    findings: list[Finding] = []
    conditions: list[Condition] = []
    for name, patterns in vocab.OTHER_CONDITION_PATTERNS.items():
        for span in _find(patterns, clause.compact):
            start, end = clause.span(*span)
            findings.append(Finding(name, start, end, 0.7))
            conditions.append(Condition(name, start, end, "status", name))
    for match in _RATIO_CONDITION_RE.finditer(clause.compact):
        subject = match.group("subject").lstrip("对的且其和及")
        text = f"{subject}占比≥{match.group('percent')}"
        start, end = clause.span(*match.span())
        findings.append(Finding(text, start, end, 0.7))
        percent = float(match.group("percent").rstrip("%"))
        is_rd = subject.startswith("研发")
        conditions.append(
            Condition(
                text,
                start,
                end,
                "ratio",
                subject,
                "≥",
                rule_key="min_rd_ratio" if is_rd else None,
                rule_value=(int(percent) if percent == int(percent) else percent) if is_rd else None,
            )
        )
    previous: str | None = None
    for mention in find_amounts(clause.compact):  # compact text is its own compact form
        if mention.role != "threshold":
            continue
        before = clause.compact[max(0, mention.start - 20) : mention.start]
        if re.search(r"[。；;]", before):
            previous = None  # a new sentence: no band continues
        subject = previous = _threshold_subject(before, previous)
        if subject is None:
            continue
        after = clause.compact[mention.end : mention.end + 8]
        operator = "≤" if _BOUND_AFTER_RE.match(after) or "不超过" in before[-6:] else "≥"
        amount_text = clause.compact[mention.start : mention.end]
        text = f"{subject}{operator}{amount_text}"
        start, end = clause.span(mention.start, mention.end)
        findings.append(Finding(text, start, end, 0.6))
        rule_key, rule_value = _registry_rule(subject, operator, mention.value, mention.currency)
        conditions.append(
            Condition(
                text,
                start,
                end,
                "threshold",
                subject,
                operator,
                mention.value,
                mention.currency,
                rule_key,
                rule_value,
            )
        )
    findings.sort(key=lambda finding: finding.start)
    conditions.sort(key=lambda condition: condition.start)
    return _set_field(findings, 0.5), tuple(conditions)


# Values read from other fields that also point at a topic: value → (topic, weight).
_TOPIC_BOOSTS: dict[str, tuple[str, float]] = {
    "贷款贴息": ("金融信贷", 2),
    "融资担保": ("金融信贷", 2),
    "税费减免": ("税费", 2),
    "人才": ("人才就业", 1),
    "文化旅游": ("文旅", 1),
    "住宿和餐饮业": ("文旅", 1),
    "农林牧渔业": ("农业", 1),
}


def _topic(clause: _Prepared, support_types: SetField, industries: SetField) -> ScalarField[str]:
    scores = dict.fromkeys(vocab.TOPICS, 0.0)
    spans: dict[str, list[Span]] = {topic: [] for topic in vocab.TOPICS}
    for topic, keywords in vocab.TOPIC_KEYWORDS.items():
        for keyword, weight in keywords.items():
            for match in re.finditer(re.escape(keyword), clause.compact):
                scores[topic] += weight
                spans[topic].append(clause.span(*match.span()))
    for value in support_types.values + industries.values:
        if value in _TOPIC_BOOSTS:
            topic, weight = _TOPIC_BOOSTS[value]
            scores[topic] += weight
    best = max(vocab.TOPICS, key=lambda topic: (scores[topic], -vocab.TOPICS.index(topic)))
    total = sum(scores.values())
    if total == 0:
        return ScalarField("其他", (), 0.3)
    confidence = min(0.95, max(0.3, scores[best] / total))
    return ScalarField(best, tuple(sorted(set(spans[best]))), round(confidence, 2))


def extract_clause(text: str) -> ExtractedClause:
    """Read one clause: support types, the largest benefit amount, the benefit ratio, eligibility, topic."""
    clause = _prepare(text)
    fund_setup = _fund_setup(clause)
    support_types = _support_types(clause, fund_setup)
    qualifications, qualification_spans = _qualifications(clause)
    industries = _industries(clause)
    other, conditions = _other_conditions(clause)
    eligibility = Eligibility(
        qualifications=qualifications,
        industries=industries,
        scale=_scale(clause, qualification_spans),
        regions=_regions(clause),
        other=other,
        conditions=conditions,
    )
    return ExtractedClause(
        text=text,
        support_types=support_types,
        amount_max_yuan=_amount(clause, fund_setup),
        ratio=_ratio(clause),
        eligibility=eligibility,
        topic=_topic(clause, support_types, industries),
    )


def extract_document(text: str) -> list[tuple[ClauseSpan, ExtractedClause]]:
    """Split a document and read every clause."""
    return [(clause, extract_clause(clause.text)) for clause in split_clauses(text)]
