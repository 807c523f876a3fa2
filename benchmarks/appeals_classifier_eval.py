"""Dispatch suggestion accuracy on a held-out split of the labelled (synthetic) appeals.

Prints the accuracy of: keyword rules alone (where they fire), the scikit-learn model alone, and the combination
used in production (keywords first, then the model), on a stratified 25 % split (fixed seed), and the accuracy
of the suggested handling function (category → department function through the default dispatch catalogue).
Run: .venv/bin/python benchmarks/appeals_classifier_eval.py
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sklearn.model_selection import StratifiedKFold, train_test_split  # noqa: E402

from yingshang.appeals import classifier  # noqa: E402
from yingshang.appeals.catalogue import CATEGORIES  # noqa: E402

SEED = 2025


def evaluate(train, test) -> dict[str, float]:
    rules = [(c.code, list(c.keywords)) for c in CATEGORIES]
    function = {c.code: c.function_key for c in CATEGORIES}
    model = classifier.TextClassifier().fit([t for t, _ in train], [c for _, c in train])
    texts, labels = [t for t, _ in test], [c for _, c in test]
    model_pred = model.predict_many(texts)
    keyword = [classifier.keyword_suggest(t, rules) for t in texts]
    fired = [(k.category_code, y) for k, y in zip(keyword, labels, strict=True) if k]
    combined = [k.category_code if k else m for k, m in zip(keyword, model_pred, strict=True)]
    return {
        "model": sum(p == y for p, y in zip(model_pred, labels, strict=True)) / len(labels),
        "keyword_coverage": len(fired) / len(labels),
        "keyword_precision": sum(p == y for p, y in fired) / max(1, len(fired)),
        "combined": sum(p == y for p, y in zip(combined, labels, strict=True)) / len(labels),
        "combined_function": sum(function[p] == function[y] for p, y in zip(combined, labels, strict=True))
        / len(labels),
    }


def main() -> None:
    pairs = classifier.load_training()
    texts, labels = [t for t, _ in pairs], [c for _, c in pairs]
    train_x, test_x, train_y, test_y = train_test_split(
        texts, labels, test_size=0.25, stratify=labels, random_state=SEED
    )
    held = evaluate(list(zip(train_x, train_y, strict=True)), list(zip(test_x, test_y, strict=True)))
    print(
        f"labelled appeals: {len(pairs)} (synthetic), categories: {len(set(labels))}, "
        f"held-out: {len(test_x)} (25%, stratified, seed {SEED})"
    )
    print(f"model accuracy (held-out): {held['model']:.1%}")
    print(
        f"keyword rules: fire on {held['keyword_coverage']:.1%} of held-out, precision {held['keyword_precision']:.1%}"
    )
    print(
        f"combined (keywords first, then model) accuracy: {held['combined']:.1%}; "
        f"handling function correct: {held['combined_function']:.1%}"
    )
    folds = StratifiedKFold(n_splits=5, shuffle=True, random_state=SEED)
    scores = []
    for train_index, test_index in folds.split(texts, labels):
        result = evaluate([pairs[i] for i in train_index], [pairs[i] for i in test_index])
        scores.append(result["combined"])
    print(
        f"5-fold cross-validation, combined accuracy: mean {sum(scores) / len(scores):.1%}, "
        f"min {min(scores):.1%}, max {max(scores):.1%}"
    )


if __name__ == "__main__":
    main()
