"""Hot topics (热点诉求): keywords, duplicate similarity and 每月一题 candidate clusters. Pure."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

_STOPWORD_TEXT = """
我们 我司 公司 企业 希望 请问 一直 没有 已经 现在 需要 什么 怎么 如何 能否 能不能 可以 不能 问题 情况 相关 部门 帮助
协调 解决 处理 办理 申请 要求 提交 目前 今年 去年 一个 多次 这个 那个 还是 但是 因为 所以 如果 以及 或者 进行 反映
对方 导致 影响 了解 咨询 请帮忙 帮忙 是否 哪些 之前 之后 以后 时候 到现在 不知道 不清楚 具体 工作人员 说要 我们的
"""
STOPWORDS = frozenset(_STOPWORD_TEXT.split())


def tokens(text: str) -> list[str]:
    """Words of two or more characters, without stopwords and numbers (rjieba segmentation)."""
    import rjieba

    return [
        w
        for w in rjieba.cut(text)
        if len(w) >= 2 and w not in STOPWORDS and not w.isdigit() and not w.isascii()
    ]


def top_keywords(texts: Iterable[str], k: int = 20) -> list[tuple[str, int]]:
    """The k words found in the most texts (document frequency, so one long text cannot dominate)."""
    counter: Counter[str] = Counter()
    for text in texts:
        counter.update(set(tokens(text)))
    return counter.most_common(k)


def bigrams(text: str) -> frozenset[str]:
    cleaned = "".join(ch for ch in text if not ch.isspace() and ch not in "，。、；：！？,.;:!?（）()“”\"'")
    return frozenset(cleaned[i : i + 2] for i in range(len(cleaned) - 1))


def similarity(a: str, b: str) -> float:
    """Jaccard similarity of character bigrams: cheap, language-agnostic, good enough to suggest 并单."""
    x, y = bigrams(a), bigrams(b)
    if not x or not y:
        return 0.0
    return len(x & y) / len(x | y)


@dataclass(frozen=True)
class TopicCandidate:
    """A cluster of similar appeals worth making the month's topic (每月一题), with its evidence."""

    category: str
    keyword: str
    count: int
    enterprises: int
    counties: int
    examples: tuple[str, ...]  # tracking numbers


def monthly_topic_candidates(
    items: Sequence[tuple[str, str, str, int | None, str]], *, minimum: int = 3, limit: int = 10
) -> list[TopicCandidate]:
    """Group appeals (tracking number, category name, text, enterprise id, county) by category and shared
    keyword; clusters raised by several enterprises rank first."""
    keyword_counts = Counter()
    per_item = []
    for number, category, text, enterprise, county in items:
        words = set(tokens(text))
        per_item.append((number, category, words, enterprise, county))
        keyword_counts.update((category, w) for w in words)
    clusters: dict[tuple[str, str], list] = defaultdict(list)
    for number, category, words, enterprise, county in per_item:
        # each appeal joins the cluster of its most frequent keyword within its category
        ranked = sorted(words, key=lambda w: (-keyword_counts[(category, w)], w))
        if ranked:
            clusters[(category, ranked[0])].append((number, enterprise, county))
    result = []
    for (category, keyword), members in clusters.items():
        if len(members) < minimum:
            continue
        enterprises = len({e for _, e, _ in members if e is not None})
        counties = len({c for _, _, c in members if c})
        result.append(
            TopicCandidate(
                category, keyword, len(members), enterprises, counties, tuple(n for n, _, _ in members[:5])
            )
        )
    result.sort(key=lambda c: (-c.enterprises, -c.count, c.category, c.keyword))
    return result[:limit]
