"""The anonymous public form (公众诉求表单): arithmetic captcha and per-address rate limit."""

import random

import pytest

from yingshang.appeals import captcha
from yingshang.appeals.models import Appeal, AppealCategory

from .conftest import solve_captcha


@pytest.fixture
def form(catalogue):
    def make(**extra):
        return {
            "category": AppealCategory.objects.get(code="016").pk,
            "urgency": "normal",
            "anonymous": "on",
            "description": "政务服务中心窗口说要开具的证明属于已经取消的证明事项，跑了三趟。",
            **extra,
        }

    return make


def test_challenge_is_arithmetic_in_chinese_and_hides_its_answer():
    challenge = captcha.new_challenge(random.Random(3))
    assert challenge.question.endswith("等于几？（填阿拉伯数字）") and (
        "加" in challenge.question or "减" in challenge.question
    )
    from django.core import signing

    # The token carries a nonce, an HMAC of the answer and the question: never the answer itself.
    payload = signing.loads(challenge.token, salt=captcha.SALT)
    assert set(payload) == {"n", "h", "q"} and len(payload["h"]) == 64


def test_public_form_asks_the_captcha_of_anonymous_visitors_only(client, client_for, cast, form):
    assert "验证码：" in client.get("/appeals/public/").content.decode()
    assert "验证码：" not in client_for(cast.gz_owner).get("/appeals/public/").content.decode()
    response = client_for(cast.gz_owner).post("/appeals/public/", form(contact_phone="13900000000"))
    assert response.status_code == 302 and Appeal.objects.count() == 1


@pytest.mark.parametrize(
    ("answer", "reason"),
    [
        ("", "请填写验证码（计算结果）。"),
        ("99", "验证码计算结果不正确，请重新计算。"),
        ("abc", "验证码计算结果不正确，请重新计算。"),
    ],
)
def test_missing_or_wrong_answer_is_a_400_with_a_new_question_and_nothing_saved(client, form, answer, reason):
    solved = solve_captcha()
    response = client.post(
        "/appeals/public/", form(captcha_token=solved["captcha_token"], captcha_answer=answer)
    )
    body = response.content.decode()
    assert response.status_code == 400 and reason in body
    assert solved["captcha_token"] not in body and "验证码：" in body
    assert Appeal.objects.count() == 0


def test_forged_expired_and_replayed_tokens_are_refused(client, form, monkeypatch):
    forged = client.post("/appeals/public/", form(captcha_token="forged:token", captcha_answer="3"))
    assert forged.status_code == 400 and "验证码无效，请刷新页面后重试。" in forged.content.decode()
    solved = solve_captcha()
    assert client.post("/appeals/public/", form(**solved)).status_code == 302
    replayed = client.post("/appeals/public/", form(**solved))
    assert replayed.status_code == 400 and "该验证码已使用过，请计算新的题目。" in replayed.content.decode()
    monkeypatch.setattr(captcha, "MAX_AGE", -1)
    expired = client.post("/appeals/public/", form(**solve_captcha()))
    assert expired.status_code == 400 and "验证码已过期，请计算新的题目。" in expired.content.decode()
    assert Appeal.objects.count() == 1


def test_rate_limit_per_address_is_a_429_and_other_addresses_still_pass(client, form):
    for _ in range(captcha.RATE_LIMIT):
        assert client.post("/appeals/public/", form(**solve_captcha())).status_code == 302
    blocked = client.post("/appeals/public/", form(**solve_captcha()))
    assert blocked.status_code == 429 and "提交过于频繁" in blocked.content.decode()
    assert Appeal.objects.count() == captcha.RATE_LIMIT
    other = client.post("/appeals/public/", form(**solve_captcha()), REMOTE_ADDR="10.1.2.3")
    assert other.status_code == 302 and Appeal.objects.count() == captcha.RATE_LIMIT + 1
