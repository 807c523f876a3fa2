"""App-local fixtures: the default catalogue, a fixed 'now', and helpers that walk an appeal through the loop."""

import datetime as dt

import pytest

from yingshang.core.workcalendar import SHANGHAI

NOW = dt.datetime(2025, 11, 26, 10, 0, tzinfo=SHANGHAI)  # a Wednesday, office hours


@pytest.fixture
def catalogue(db):
    from yingshang.appeals.services import load_appeal_catalogue

    load_appeal_catalogue()


@pytest.fixture
def now():
    return NOW


@pytest.fixture
def make_appeal(cast, catalogue):
    """make_appeal(by=cast.gz_owner, code="009", text=...) files an appeal for the given user's enterprise."""
    from yingshang.appeals import services
    from yingshang.appeals.models import AppealCategory

    def make(
        by=None,
        code="009",
        text="新厂房申请用电报装一个多月，供电公司一直没有接电，影响投产。",
        when=NOW,
        enterprise="gz",
        channel="enterprise_web",
        **extra,
    ):
        by = by or cast.gz_owner
        enterprise_obj = {"gz": cast.gz_enterprise, "lz": cast.lz_enterprise, None: None}[enterprise]
        return services.file_appeal(
            by=by,
            channel=channel,
            category=AppealCategory.objects.get(code=code),
            description=text,
            now=when,
            enterprise=enterprise_obj,
            contact_name="王经理",
            contact_phone="13812345678",
            **extra,
        )

    return make


@pytest.fixture
def market_gz(cast):
    return cast.gz_staff.department


@pytest.fixture
def dispatched(cast, make_appeal, market_gz):
    """An appeal of gz_enterprise dispatched by the operator to 甘州区市场监管局 at NOW."""
    from yingshang.appeals import services

    appeal = make_appeal(code="003", text="公司要变更法定代表人，线上办理时人脸识别一直失败，请帮忙解决。")
    return services.dispatch_appeal(appeal, department=market_gz, by=cast.operator, now=NOW)


@pytest.fixture(autouse=True)
def _fresh_cache():
    """The public form's rate limit and used captchas live in the cache: each test starts with none."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


def solve_captcha() -> dict:
    """A fresh captcha and its answer, as the public form expects them (tests know the secret key)."""
    from django.core import signing

    from yingshang.appeals import captcha

    challenge = captcha.new_challenge()
    payload = signing.loads(challenge.token, salt=captcha.SALT)
    answer = next(a for a in range(-10, 21) if captcha._digest(payload["n"], a) == payload["h"])
    return {"captcha_token": challenge.token, "captcha_answer": str(answer)}


@pytest.fixture(autouse=True)
def _fresh_catalogue():
    """Each test has its own rows (and ids): never reuse the process-level catalogue across tests."""
    from yingshang.appeals.selectors import clear_catalogue

    clear_catalogue()
    yield
    clear_catalogue()
