"""The indicator catalogue (指标目录) shipped as reference data in `data/catalogue.json` (pure reading)."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

CATALOGUE_PATH = Path(__file__).resolve().parent / "data" / "catalogue.json"
FIRST_PLAN_YEAR = 2025


@dataclass(frozen=True)
class Catalogue:
    version: str
    dimensions: tuple[dict, ...]
    topics: tuple[dict, ...]
    indicators: tuple[dict, ...]
    tiers: tuple[dict, ...]

    def topics_by_dimension(self) -> dict[str, list[str]]:
        result: dict[str, list[str]] = {d["code"]: [] for d in self.dimensions}
        for topic in self.topics:
            result[topic["dimension"]].append(topic["code"])
        return result

    def indicators_by_topic(self) -> dict[str, list[str]]:
        result: dict[str, list[str]] = {t["code"]: [] for t in self.topics}
        for indicator in self.indicators:
            if indicator.get("in_index", True):
                result[indicator["topic"]].append(indicator["code"])
        return result


@cache
def load(path: str = str(CATALOGUE_PATH)) -> Catalogue:
    data = json.loads(Path(path).read_text(encoding="utf-8"))
    return Catalogue(
        version=data["version"],
        dimensions=tuple(data["dimensions"]),
        topics=tuple(data["topics"]),
        indicators=tuple(data["indicators"]),
        tiers=tuple(data["tiers"]),
    )


_NAME_NOISE = re.compile(r"[\s“”\"‘’'「」《》]")


def name_key(name: str) -> str:
    """A plan indicator name without quotes and spaces, for matching plan targets to indicators."""
    return _NAME_NOISE.sub("", name)
