"""Chinese full-text search over policies (政策检索) behind one interface.

Text is segmented with rjieba plus the domain dictionary (`taxonomy.DOMAIN_WORDS`) in search mode, so that
both 高新技术企业 and 高新/技术 are indexed. Each query word is expanded with its synonyms (高企 → 高新技术企业).
SQLite uses an FTS5 table (`policies_search_fts`, rowid = SearchEntry id, ranked by bm25); PostgreSQL a GIN
index over to_tsvector('simple', segmented) ranked by ts_rank. Facet counts and highlighted snippets are
computed the same way on both.
"""

from __future__ import annotations

import html
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import cache

import rjieba
from django.db import connection
from django.utils.safestring import SafeString, mark_safe

from yingshang.policies import taxonomy
from yingshang.policies.choices import DeliveryMode, PolicyLevel
from yingshang.policies.models import Clause, PolicyDocument, SearchEntry

_WORD_RE = re.compile(r"[\w\u4e00-\u9fff]+")
_STOP_WORDS = frozenset(
    ["的", "了", "和", "与", "及", "或", "对", "在", "给予", "按", "为", "是", "有", "等", "政策", "企业"]
)


@cache
def _segmenter() -> rjieba.Jieba:
    segmenter = rjieba.Jieba()
    for word in taxonomy.DOMAIN_WORDS:
        segmenter.add_word(word, None, None)
    return segmenter


def segment_for_index(text: str) -> str:
    """Space-joined search-mode tokens (whole words and their parts)."""
    return " ".join(token for token in _segmenter().cut_for_search(text) if _WORD_RE.fullmatch(token))


def query_terms(query: str) -> list[list[str]]:
    """The query as AND-groups of synonyms: [['高企', '高新技术企业', …], ['补助', '补贴', …]]."""
    groups: list[list[str]] = []
    for token in _segmenter().cut(query):
        if not _WORD_RE.fullmatch(token) or token in _STOP_WORDS:
            continue
        group = [word for word in taxonomy.synonyms_of(token) if _WORD_RE.fullmatch(word)]
        if group not in groups:
            groups.append(group)
    return groups


class SearchBackend:
    """Index and query; one implementation per database vendor."""

    def replace(self, entries: Sequence[SearchEntry]) -> None:
        raise NotImplementedError

    def remove(self, entry_ids: Sequence[int]) -> None:
        raise NotImplementedError

    def matching_ids(self, groups: list[list[str]], candidates: Iterable[int]) -> list[int]:
        raise NotImplementedError


class SqliteFtsBackend(SearchBackend):
    def replace(self, entries: Sequence[SearchEntry]) -> None:
        self.remove([entry.pk for entry in entries])
        with connection.cursor() as cursor:
            cursor.executemany(
                "INSERT INTO policies_search_fts(rowid, segmented) VALUES (%s, %s)",
                [(entry.pk, entry.segmented) for entry in entries],
            )

    def remove(self, entry_ids: Sequence[int]) -> None:
        if not entry_ids:
            return
        with connection.cursor() as cursor:
            cursor.executemany(
                "DELETE FROM policies_search_fts WHERE rowid = %s", [(pk,) for pk in entry_ids]
            )

    def matching_ids(self, groups: list[list[str]], candidates: Iterable[int]) -> list[int]:
        expression = " AND ".join(
            "(" + " OR ".join('"' + word.replace('"', "") + '"' for word in group) + ")" for group in groups
        )
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT rowid FROM policies_search_fts WHERE policies_search_fts MATCH %s "
                "ORDER BY bm25(policies_search_fts)",
                [expression],
            )
            ranked = [row[0] for row in cursor.fetchall()]
        allowed = set(candidates)
        return [pk for pk in ranked if pk in allowed]


class PostgresBackend(SearchBackend):
    def replace(self, entries: Sequence[SearchEntry]) -> None:
        """The GIN index follows the table; nothing else to write."""

    def remove(self, entry_ids: Sequence[int]) -> None:
        """Rows are deleted with their SearchEntry."""

    def matching_ids(self, groups: list[list[str]], candidates: Iterable[int]) -> list[int]:
        tsquery = " & ".join(
            "(" + " | ".join("'" + word.replace("'", "") + "'" for word in group) + ")" for group in groups
        )
        candidate_ids = list(candidates)
        if not candidate_ids:
            return []
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT id FROM policies_searchentry WHERE to_tsvector('simple', segmented) @@ to_tsquery('simple', %s)"
                " AND id = ANY(%s) ORDER BY ts_rank(to_tsvector('simple', segmented), to_tsquery('simple', %s)) DESC,"
                " id",
                [tsquery, candidate_ids, tsquery],
            )
            return [row[0] for row in cursor.fetchall()]


class LikeBackend(SearchBackend):
    """Fallback for other databases: every group must appear in the segmented text."""

    def replace(self, entries: Sequence[SearchEntry]) -> None:
        pass

    def remove(self, entry_ids: Sequence[int]) -> None:
        pass

    def matching_ids(self, groups: list[list[str]], candidates: Iterable[int]) -> list[int]:
        result = []
        for pk, segmented in SearchEntry.objects.filter(pk__in=list(candidates)).values_list(
            "pk", "segmented"
        ):
            words = set(segmented.split())
            if all(words & set(group) for group in groups):
                result.append(pk)
        return result


def backend() -> SearchBackend:
    """The backend for the current database."""
    return {"sqlite": SqliteFtsBackend, "postgresql": PostgresBackend}.get(connection.vendor, LikeBackend)()


def index_document(document: PolicyDocument) -> int:
    """(Re)build the entries of one document and its confirmed clauses; a non-published document is removed."""
    old = list(SearchEntry.objects.filter(document=document).values_list("pk", flat=True))
    backend().remove(old)
    SearchEntry.objects.filter(pk__in=old).delete()
    if document.status != "published":
        return 0
    region_code = document.region.code if document.region_id else ""
    entries = [
        SearchEntry(
            document=document,
            title=document.title,
            body=f"{document.title}\n{document.document_number}\n{document.summary}",
            segmented=segment_for_index(f"{document.title} {document.issuer} {document.summary}"),
            level=document.level,
            region_code=region_code,
        )
    ]
    for clause in document.clauses.filter(review_status="confirmed"):
        entries.append(
            SearchEntry(
                document=document,
                clause=clause,
                title=clause.title,
                body=clause.text,
                segmented=segment_for_index(f"{clause.title} {clause.text} {' '.join(clause.support_types)}"),
                topic=clause.topic,
                support_types=",".join(clause.support_types),
                level=document.level,
                delivery_mode=clause.delivery_mode,
                region_code=region_code,
            )
        )
    SearchEntry.objects.bulk_create(entries)
    created = list(SearchEntry.objects.filter(document=document))
    backend().replace(created)
    return len(created)


def highlight(text: str, words: Iterable[str], *, width: int = 80) -> SafeString:
    """An escaped snippet around the first hit with every query word wrapped in <mark>."""
    words = sorted({w for w in words if w}, key=len, reverse=True)
    first = min((text.find(w) for w in words if w in text), default=0)
    start = max(0, first - width // 3)
    piece = text[start : start + width]
    escaped = html.escape(piece)
    if words:
        pattern = re.compile("|".join(re.escape(html.escape(w)) for w in words))
        escaped = pattern.sub(lambda m: f"<mark>{m.group(0)}</mark>", escaped)
    prefix = "…" if start > 0 else ""
    suffix = "…" if start + width < len(text) else ""
    return mark_safe(prefix + escaped + suffix)  # noqa: S308 - escaped above


@dataclass
class SearchFilters:
    """Facet filters from the query string."""

    q: str = ""
    topic: str = ""
    support_type: str = ""
    level: str = ""
    delivery_mode: str = ""

    @classmethod
    def from_mapping(cls, data) -> SearchFilters:
        return cls(
            **{
                name: str(data.get(name, "") or "").strip()[:100]
                for name in ("q", "topic", "support_type", "level", "delivery_mode")
            }
        )


@dataclass
class SearchHit:
    entry: SearchEntry
    snippet: SafeString
    clause: Clause | None
    document: PolicyDocument


@dataclass
class SearchResult:
    hits: list[SearchHit]
    total: int
    facets: dict[str, list[tuple[str, str, int]]] = field(default_factory=dict)
    terms: list[list[str]] = field(default_factory=list)


# What a hit shows (the results list and the API); clause rules, extraction and full texts are not read.
_HIT_FIELDS = (
    "id", "title", "body", "topic", "document_id", "clause_id",
    "document__id", "document__title", "document__is_example", "clause__id", "clause__delivery_mode",
)


def search_policies(filters: SearchFilters, *, limit: int = 50) -> SearchResult:
    """Published documents and clauses matching the words and facets, ranked, with facet counts and snippets."""
    entries = SearchEntry.objects.filter(document__status="published")
    if filters.level:
        entries = entries.filter(level=filters.level)
    if filters.topic:
        entries = entries.filter(topic=filters.topic)
    if filters.delivery_mode:
        entries = entries.filter(delivery_mode=filters.delivery_mode)
    if filters.support_type:
        entries = entries.filter(support_types__contains=filters.support_type)
    groups = query_terms(filters.q) if filters.q else []
    if groups:
        ids = backend().matching_ids(groups, entries.values_list("pk", flat=True))
    else:
        ids = list(
            entries.filter(clause__isnull=False)
            .order_by("-document__published_on", "pk")
            .values_list("pk", flat=True)
        )
    rows = SearchEntry.objects.filter(pk__in=ids).values_list(
        "pk", "topic", "support_types", "level", "delivery_mode"
    )
    facet_counts: dict[str, Counter] = {
        "topic": Counter(),
        "support_type": Counter(),
        "level": Counter(),
        "delivery_mode": Counter(),
    }
    for _, topic, support_types, level, mode in rows:
        if topic:
            facet_counts["topic"][topic] += 1
        for support_type in filter(None, support_types.split(",")):
            facet_counts["support_type"][support_type] += 1
        facet_counts["level"][level] += 1
        if mode:
            facet_counts["delivery_mode"][mode] += 1
    labels = {"level": dict(PolicyLevel.choices), "delivery_mode": dict(DeliveryMode.choices)}
    facets = {
        name: [
            (value, labels.get(name, {}).get(value, value), count) for value, count in counter.most_common()
        ]
        for name, counter in facet_counts.items()
    }
    page_ids = ids[:limit]
    loaded = (
        SearchEntry.objects.select_related("document", "clause").only(*_HIT_FIELDS).in_bulk(page_ids)
    )
    words = [word for group in groups for word in group]
    hits = [
        SearchHit(
            entry=loaded[pk],
            snippet=highlight(loaded[pk].body, words),
            clause=loaded[pk].clause,
            document=loaded[pk].document,
        )
        for pk in page_ids
        if pk in loaded
    ]
    return SearchResult(hits=hits, total=len(ids), facets=facets, terms=groups)
