"""Dispatch suggestion (智能派单建议): keyword rules first, then a scikit-learn text classifier.

No ORM and no clock. The model is trained on the labelled (synthetic) appeals in data/training_appeals.tsv,
once per process, in well under a second; the dispatcher always confirms the suggestion.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path

TRAINING_FILE = Path(__file__).resolve().parent / "data" / "training_appeals.tsv"


@dataclass(frozen=True)
class Suggestion:
    category_code: str
    source: str  # "keyword" or "model"
    confidence: float
    evidence: str  # the matched keywords, or the model's probability


def load_training(path: Path = TRAINING_FILE) -> list[tuple[str, str]]:
    """(text, category code) pairs from the TSV file; lines starting with # are comments."""
    pairs = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        code, text = line.split("\t", 1)
        pairs.append((text.strip(), code.strip()))
    return pairs


def keyword_suggest(text: str, rules: Iterable[tuple[str, Sequence[str]]]) -> Suggestion | None:
    """The category whose keywords occur most often in `text`; None when no keyword occurs or two tie."""
    scores = []
    for code, keywords in rules:
        hits = [k for k in keywords if k and k in text]
        if hits:
            scores.append((len(hits), code, hits))
    if not scores:
        return None
    scores.sort(key=lambda s: -s[0])
    if len(scores) > 1 and scores[0][0] == scores[1][0]:
        return None
    count, code, hits = scores[0]
    return Suggestion(code, "keyword", min(1.0, 0.5 + 0.15 * count), "、".join(hits))


class TextClassifier:
    """TF-IDF over character 1–3-grams (robust for Chinese without segmentation) + logistic regression."""

    def __init__(self) -> None:
        from sklearn.feature_extraction.text import TfidfVectorizer
        from sklearn.linear_model import LogisticRegression
        from sklearn.pipeline import make_pipeline

        self.pipeline = make_pipeline(
            TfidfVectorizer(analyzer="char_wb", ngram_range=(1, 3), sublinear_tf=True, min_df=1),
            LogisticRegression(C=10.0, max_iter=2000),
        )

    def fit(self, texts: Sequence[str], labels: Sequence[str]) -> TextClassifier:
        self.pipeline.fit(list(texts), list(labels))
        return self

    def predict(self, text: str) -> tuple[str, float]:
        probabilities = self.pipeline.predict_proba([text])[0]
        best = probabilities.argmax()
        return str(self.pipeline.classes_[best]), float(probabilities[best])

    def predict_many(self, texts: Sequence[str]) -> list[str]:
        return [str(label) for label in self.pipeline.predict(list(texts))]


@cache
def default_model() -> TextClassifier:
    pairs = load_training()
    return TextClassifier().fit([t for t, _ in pairs], [c for _, c in pairs])


def suggest(
    text: str,
    rules: Iterable[tuple[str, Sequence[str]]],
    *,
    model: TextClassifier | None = None,
    known_codes: Iterable[str] | None = None,
) -> Suggestion | None:
    """Keyword rules first; otherwise the model's best class (if it is a category the city still uses)."""
    rules = list(rules)
    by_keyword = keyword_suggest(text, rules)
    if by_keyword is not None:
        return by_keyword
    model = model or default_model()
    code, probability = model.predict(text)
    codes = set(known_codes) if known_codes is not None else {c for c, _ in rules}
    if code not in codes:
        return None
    return Suggestion(code, "model", probability, f"模型置信度 {probability:.0%}")
