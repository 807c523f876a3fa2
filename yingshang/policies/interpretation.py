"""From machine reading to reviewed structure, and from reviewed structure to a plain-language reading.

Pure module. `propose_structure` turns one clause's extraction (`ExtractedClause.to_json_dict()`) into the
rules and benefits a reviewer confirms or corrects (never published without a person); `interpret` writes the
一键解读 page from the confirmed structure only, every sentence citing its clause.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from yingshang.policies import taxonomy
from yingshang.policies.choices import BENEFIT_TYPE_BY_LABEL, BenefitType, DeliveryMode

_MARKER_RE = re.compile(
    r"^\s*(?:第[一二三四五六七八九十百零〇\d]+条|[一二三四五六七八九十]+、|[（(][一二三四五六七八九十\d]+[）)]"
    r"|\d{1,2}\s*[.．、])\s*"
)


def clause_title(text: str, limit: int = 24) -> str:
    """A short name for a clause: its heading if it has one, else the opening words."""
    body = _MARKER_RE.sub("", text.strip())
    head = re.split(r"[。；;\n]", body, maxsplit=1)[0]
    head = re.split(r"[，,：:]", head, maxsplit=1)[0] if len(head) > limit else head
    return head[:limit] or body[:limit]


def propose_structure(extracted: Mapping[str, Any], *, region_codes: Mapping[str, str]) -> dict[str, Any]:
    """Rules and benefits suggested from an extraction; `notes` lists what could not be mapped to a rule."""
    eligibility = extracted.get("eligibility", {})
    rules: dict[str, Any] = {}
    notes: list[str] = []
    for name in eligibility.get("qualifications", []):
        if name == "规上企业":
            rules["above_scale"] = True
        elif name in taxonomy.QUALIFICATION_CODES:
            rules.setdefault("qualifications_any", []).append(taxonomy.QUALIFICATION_CODES[name])
        else:
            notes.append(f"资质“{name}”没有对应的资质代码，请人工判断")
    for name in eligibility.get("industries", []):
        if name in taxonomy.INDUSTRY_RULES:
            key, code = taxonomy.INDUSTRY_RULES[name]
            if code not in rules.get(key, []):
                rules.setdefault(key, []).append(code)
        else:
            notes.append(f"行业“{name}”没有对应的行业代码，请人工判断")
    sizes = [taxonomy.SIZE_CODES[s] for s in eligibility.get("scale", []) if s in taxonomy.SIZE_CODES]
    if sizes:
        rules["sizes"] = list(dict.fromkeys(sizes))
    for place in eligibility.get("regions", []):
        code = region_codes.get(place)
        if code:
            rules.setdefault("regions", []).append(code)
    conditions = extracted.get("conditions")
    if conditions is None:  # an extraction stored before conditions were typed: its texts only
        conditions = [{"text": text, "rule_key": None} for text in eligibility.get("other", [])]
    for condition in conditions:
        key, value = condition.get("rule_key"), condition.get("rule_value")
        if key and value is not None:
            # Tiers of one measure (年销售额1000万元、5000万元、1亿元以上) keep the loosest bound: the entry level.
            loosest = min if key.startswith("min_") else max
            rules[key] = loosest(rules[key], value) if key in rules else value
            notes.append(f"条件“{condition['text']}”已转为结构化条件，请核对")
            continue
        # The platform holds no fact for it: keep it as a condition a person checks, never drop it.
        manual = rules.setdefault("manual_conditions", [])
        if condition["text"] not in manual:
            manual.append(condition["text"])
        notes.append(f"条件“{condition['text']}”平台无法自动判断，已列为需人工核实的条件")
    if "regions" in rules:
        rules["regions"] = list(dict.fromkeys(rules["regions"]))
    support_types = list(extracted.get("support_types", [])) or ["其他"]
    benefit_type = BENEFIT_TYPE_BY_LABEL.get(support_types[0], BenefitType.OTHER)
    amount = extracted.get("amount_max_yuan")
    ratio = extracted.get("ratio")
    benefit = {
        "benefit_type": benefit_type,
        "max_amount_yuan": amount if ratio is None else None,
        "ratio": ratio,
        "cap_yuan": amount if ratio is not None else None,
        "per_year_limit_yuan": None,
    }
    text = str(extracted.get("text", ""))
    if "免申即享" in text or "免申报" in text:
        delivery_mode = DeliveryMode.AUTOMATIC
    elif "即申即享" in text or "即申即办" in text:
        delivery_mode = DeliveryMode.INSTANT
    else:
        delivery_mode = DeliveryMode.APPLICATION
    return {
        "title": clause_title(text),
        "topic": extracted.get("topic") or "其他",
        "support_types": support_types,
        "rules": rules,
        "benefits": [benefit],
        "delivery_mode": delivery_mode,
        "notes": notes,
    }


def uncaptured_conditions(
    conditions: Sequence[Mapping[str, Any]], rules: Mapping[str, Any]
) -> list[Mapping[str, Any]]:
    """Conditions stated in the text that the rules hold neither as a typed rule nor as a manual condition.

    A condition counts as held when its typed rule key is present, or when a manual condition names what it
    measures (its subject) or repeats it. Confirming a clause with any left over would let it match everyone.
    """
    manual = list(rules.get("manual_conditions", []))
    left = []
    for condition in conditions:
        if condition.get("rule_key") and condition["rule_key"] in rules:
            continue
        words = [word for word in (condition.get("text"), condition.get("subject")) if word]
        if any(word in text for word in words for text in manual):
            continue
        left.append(condition)
    return left


@dataclass(frozen=True)
class ClauseFacts:
    """What the interpretation page needs of one confirmed clause."""

    anchor: str
    cite: str
    title: str
    who: Sequence[str]
    benefits: Sequence[Mapping[str, Any]]
    delivery_mode_label: str
    opens_on: str | None
    closes_on: str | None
    materials: Sequence[str]
    department: str | None
    contact: str | None
    service_days: int | None


@dataclass(frozen=True)
class Sentence:
    """One sentence of the interpretation and the clause it comes from."""

    text: str
    anchor: str
    cite: str


def yuan(amount: int | None) -> str:
    """30万元, 1.2亿元, 5000元."""
    if amount is None:
        return ""
    if amount >= 100_000_000 and amount % 1_000_000 == 0:
        return f"{amount / 100_000_000:g}亿元"
    if amount >= 10_000 and amount % 100 == 0:
        return f"{amount / 10_000:g}万元"
    return f"{amount}元"


def benefit_phrase(benefit: Mapping[str, Any]) -> str:
    """给予…: the benefit in words."""
    label = dict(BenefitType.choices).get(benefit.get("benefit_type") or benefit.get("type") or "", "支持")
    parts = [label]
    if benefit.get("ratio"):
        parts.append(f"按{benefit['ratio'] * 100:g}%给予")
    if benefit.get("max_amount_yuan"):
        parts.append(f"最高{yuan(benefit['max_amount_yuan'])}")
    if benefit.get("cap_yuan"):
        parts.append(f"封顶{yuan(benefit['cap_yuan'])}")
    if benefit.get("per_year_limit_yuan"):
        parts.append(f"每年不超过{yuan(benefit['per_year_limit_yuan'])}")
    return "，".join(parts)


def interpret(clauses: Sequence[ClauseFacts]) -> dict[str, list[Sentence]]:
    """The 一键解读 sections (谁能享受/能享受什么/什么时候申报/要准备什么/找谁办), each sentence cited."""
    sections: dict[str, list[Sentence]] = {
        "谁能享受": [],
        "能享受什么": [],
        "什么时候申报": [],
        "要准备什么": [],
        "找谁办": [],
    }
    for clause in clauses:

        def add(section: str, text: str, clause: ClauseFacts = clause) -> None:
            sections[section].append(Sentence(text, clause.anchor, clause.cite))

        who = "；".join(clause.who) if clause.who else "符合条款条件的经营主体均可"
        add("谁能享受", f"{clause.title}：{who}。")
        if clause.benefits:
            add(
                "能享受什么",
                f"{clause.title}："
                + "；".join(benefit_phrase(b) for b in clause.benefits)
                + f"（{clause.delivery_mode_label}）。",
            )
        if clause.closes_on or clause.opens_on:
            window = f"{clause.opens_on or '即日'}起至{clause.closes_on or '政策有效期内'}"
            add("什么时候申报", f"{clause.title}：申报时间为{window}。")
        elif clause.delivery_mode_label == "免申即享":
            add("什么时候申报", f"{clause.title}：无需申报，符合条件的企业确认意愿后直接兑现。")
        if clause.materials:
            add("要准备什么", f"{clause.title}：" + "、".join(clause.materials) + "。")
        if clause.department or clause.contact:
            promise = f"，承诺{clause.service_days}个工作日内办结" if clause.service_days else ""
            contact = f"（电话 {clause.contact}）" if clause.contact else ""
            add("找谁办", f"{clause.title}：由{clause.department or '受理部门'}受理{contact}{promise}。")
    return {name: items for name, items in sections.items() if items}
