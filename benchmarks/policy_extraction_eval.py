"""Evaluate the policy clause extractor (政策一键解读) on the labelled set of real published clauses.

Run: `.venv/bin/python benchmarks/policy_extraction_eval.py`

Set-valued fields (support types, qualifications, industries, scale) are micro-averaged over clauses.
Amount and ratio are exact matches: precision = correct / predicted (non-null), recall = correct / gold
(non-null). Topic is single-label, so precision = recall = accuracy. Every field is reported for the
"dev" rows (the clauses the rules were written against), the "held_out" rows (labelled afterwards and
never used for tuning) and all rows, next to a naive baseline (first amount, first percentage, plain
keyword containment). One JSON line is appended to benchmarks/out/results.jsonl.
"""

from __future__ import annotations

import json
import re
import sys
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from yingshang.policies import vocab  # noqa: E402
from yingshang.policies.amounts import compact, parse_amount  # noqa: E402
from yingshang.policies.extraction import extract_clause  # noqa: E402

DATA_PATH = ROOT / "yingshang" / "policies" / "tests" / "data" / "labelled_clauses.jsonl"
OUT_PATH = ROOT / "benchmarks" / "out" / "results.jsonl"

SET_FIELDS = ("support_types", "qualifications", "industries", "scale")
SCALAR_FIELDS = ("amount_max_yuan", "ratio")
FIELDS = (*SET_FIELDS, *SCALAR_FIELDS, "topic")


@dataclass
class Counts:
    """True positives, predictions and gold items for one field."""

    correct: int = 0
    predicted: int = 0
    gold: int = 0

    def scores(self) -> dict[str, float | None]:
        """Precision, recall and F1; None when the field has neither gold items nor predictions."""
        if not self.predicted and not self.gold:
            return {"precision": None, "recall": None, "f1": None}
        precision = self.correct / self.predicted if self.predicted else 0.0
        recall = self.correct / self.gold if self.gold else 0.0
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        return {"precision": round(precision, 3), "recall": round(recall, 3), "f1": round(f1, 3)}


Prediction = dict[str, Any]


def ours(text: str) -> Prediction:
    """The extractor under test, flattened to the gold schema."""
    result = extract_clause(text).to_json_dict()
    return {
        "support_types": result["support_types"],
        "amount_max_yuan": result["amount_max_yuan"],
        "ratio": result["ratio"],
        "qualifications": result["eligibility"]["qualifications"],
        "industries": result["eligibility"]["industries"],
        "scale": result["eligibility"]["scale"],
        "topic": result["topic"],
    }


_BASELINE_TYPE_WORDS = {
    "一次性奖励": ("奖励",),
    "补贴": ("补贴", "补助"),
    "贷款贴息": ("贴息",),
    "税费减免": ("减免", "免征"),
    "融资担保": ("担保",),
    "用地": ("用地",),
    "人才": ("人才",),
    "服务": ("服务",),
}
_BASELINE_SCALE = {"中小微": ("中型", "小型", "微型"), "小微": ("小型", "微型"), "中小企业": ("中型", "小型")}


def baseline(text: str) -> Prediction:
    """Naive reader: keyword containment for sets, the first amount and the first percentage."""
    flat = compact(text)[0]
    types = [name for name, words in _BASELINE_TYPE_WORDS.items() if any(word in flat for word in words)]
    first_percent = re.search(r"(\d+(?:\.\d+)?)%", flat)
    scale: list[str] = []
    for word, classes in _BASELINE_SCALE.items():
        if word in flat:
            scale.extend(value for value in classes if value not in scale)
    topic = next(
        (
            name
            for name, keywords in vocab.TOPIC_KEYWORDS.items()
            if any(keyword in flat for keyword in keywords)
        ),
        "其他",
    )
    return {
        "support_types": types or ["其他"],
        "amount_max_yuan": parse_amount(flat),
        "ratio": float(first_percent.group(1)) / 100 if first_percent else None,
        "qualifications": [name for name in vocab.QUALIFICATION_PATTERNS if name in flat],
        "industries": [name for name in vocab.INDUSTRY_PATTERNS if name in flat],
        "scale": scale,
        "topic": topic,
    }


def _same(predicted: Any, gold: Any) -> bool:
    if isinstance(gold, float) or isinstance(predicted, float):
        return predicted is not None and gold is not None and abs(float(predicted) - float(gold)) < 1e-3
    return predicted == gold


def evaluate(rows: Iterable[dict[str, Any]], reader: Callable[[str], Prediction]) -> dict[str, Counts]:
    """Compare `reader` with the gold labels of `rows`, field by field."""
    counts = {name: Counts() for name in FIELDS}
    for row in rows:
        predicted = reader(row["text"])
        for name in SET_FIELDS:
            gold_set, predicted_set = set(row[name]), set(predicted[name])
            counts[name].correct += len(gold_set & predicted_set)
            counts[name].predicted += len(predicted_set)
            counts[name].gold += len(gold_set)
        for name in SCALAR_FIELDS:
            counts[name].predicted += predicted[name] is not None
            counts[name].gold += row[name] is not None
            counts[name].correct += row[name] is not None and _same(predicted[name], row[name])
        counts["topic"].predicted += 1
        counts["topic"].gold += 1
        counts["topic"].correct += predicted["topic"] == row["topic"]
    return counts


def micro_f1(counts: dict[str, Counts]) -> float:
    """F1 over all fields pooled together."""
    pooled = Counts(
        correct=sum(count.correct for count in counts.values()),
        predicted=sum(count.predicted for count in counts.values()),
        gold=sum(count.gold for count in counts.values()),
    )
    return pooled.scores()["f1"] or 0.0


def _cell(value: float | None, width: int) -> str:
    return f"{value:>{width}.3f}" if value is not None else f"{'n/a':>{width}}"


def _table(title: str, ours_counts: dict[str, Counts], baseline_counts: dict[str, Counts]) -> str:
    lines = [title, f"{'field':<16} {'ours P':>7} {'R':>6} {'F1':>6}   {'base P':>7} {'R':>6} {'F1':>6}"]
    for name in FIELDS:
        mine, base = ours_counts[name].scores(), baseline_counts[name].scores()
        cells = [_cell(mine[key], width) for key, width in (("precision", 7), ("recall", 6), ("f1", 6))]
        cells += [_cell(base[key], width) for key, width in (("precision", 7), ("recall", 6), ("f1", 6))]
        lines.append(f"{name:<16} {cells[0]} {cells[1]} {cells[2]}   {cells[3]} {cells[4]} {cells[5]}")
    lines.append(
        f"{'micro F1':<16} {'':>7} {'':>6} {micro_f1(ours_counts):>6.3f}   {'':>7} {'':>6} {micro_f1(baseline_counts):>6.3f}"
    )
    return "\n".join(lines)


def main() -> None:
    rows = [json.loads(line) for line in DATA_PATH.read_text(encoding="utf-8").splitlines() if line.strip()]
    splits = {
        "dev": [row for row in rows if row.get("split", "dev") == "dev"],
        "held_out": [row for row in rows if row.get("split") == "held_out"],
        "all": rows,
    }
    started = time.perf_counter()
    results: dict[str, dict[str, Any]] = {}
    for split, split_rows in splits.items():
        ours_counts, baseline_counts = evaluate(split_rows, ours), evaluate(split_rows, baseline)
        print(_table(f"\n== {split} ({len(split_rows)} clauses) ==", ours_counts, baseline_counts))
        results[split] = {
            "n": len(split_rows),
            "fields": {name: count.scores() for name, count in ours_counts.items()},
            "baseline_fields": {name: count.scores() for name, count in baseline_counts.items()},
            "micro_f1": micro_f1(ours_counts),
            "baseline_micro_f1": micro_f1(baseline_counts),
        }
    per_clause_ms = (time.perf_counter() - started) / (2 * len(rows)) * 1000
    print(
        f"\n{len(rows)} clauses from {len({row['source_url'] for row in rows})} sources; ~{per_clause_ms:.1f} ms per clause"
    )
    OUT_PATH.parent.mkdir(parents=True, exist_ok=True)
    record = {
        "name": "policy_extraction",
        "fields": results["all"]["fields"],
        "baseline_fields": results["all"]["baseline_fields"],
        "splits": results,
    }
    with OUT_PATH.open("a", encoding="utf-8") as handle:
        handle.write(json.dumps(record, ensure_ascii=False) + "\n")
    print(f"appended to {OUT_PATH.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
