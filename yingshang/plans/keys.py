"""Indicator keys (指标标识): one normalised form of an indicator name, for matching targets to indicators.

Pure module. "全市12345政务服务便民热线涉企问题处办率" and "12345 政务服务便民热线涉企问题处办率"
give the same key; a decrease keeps its "降幅" suffix so it never matches the level indicator.
"""

from __future__ import annotations

import re
import unicodedata

_SCOPE_PREFIX_RE = re.compile(r"^(?:全市|全省|全县|全区|我市|本市|各县区|各县|各区|年内|全年|今年|当年)+")
_NOISE_RE = re.compile(r"[\s“”\"'‘’《》〈〉「」（）()【】\[\]、，,。；;：:·・\-—_]")


def indicator_key(name: str) -> str:
    """The matching key of an indicator name: NFKC, lower case, punctuation and scope words removed."""
    text = unicodedata.normalize("NFKC", name).lower()
    text = _NOISE_RE.sub("", text)
    return _SCOPE_PREFIX_RE.sub("", text)[:200]
