"""一码通 QR codes are drawn once per URL and then served from the shared cache."""

from unittest import mock

from yingshang.policies import exports


def test_qr_svg_is_drawn_once_per_url():
    url = "https://zy.example.gov.cn/policies/clauses/7/"
    first = exports.qr_svg(url)
    assert first.startswith("<?xml") or "<svg" in first[:200]
    with mock.patch.object(exports, "draw_qr_svg", side_effect=AssertionError("drawn again")):
        assert exports.qr_svg(url) == first
    # Another URL is another code.
    assert exports.qr_svg(url.replace("7", "8")) != first
