"""The demo loader: every state present, escalations raised, one Open311 key, and idempotent."""

import io

from yingshang.appeals import demo_setup
from yingshang.appeals.models import Appeal, AppealEvent, Open311Client


def test_demo_covers_every_state_and_runs_twice_without_adding(cast, monkeypatch):
    monkeypatch.setattr(demo_setup, "APPEALS", 40)
    out = io.StringIO()
    demo_setup.load_demo(stdout=out, seed=7)
    states = set(Appeal.objects.values_list("status", flat=True))
    assert {"received", "refused", "dispatched", "handling", "replied", "closed", "archived"} <= states
    assert Appeal.objects.filter(rating_level__isnull=False).exists()
    assert AppealEvent.objects.filter(
        action__in=["supervise", "publicize"]
    ).exists()  # overdue ones escalated
    text = out.getvalue().strip().splitlines()
    assert text[-2] == "Open311 演示接入密钥（api_key，仅显示一次）：" and len(text[-1]) >= 40
    count = Appeal.objects.count()
    again = io.StringIO()
    demo_setup.load_demo(stdout=again, seed=7)
    assert Appeal.objects.count() == count and Open311Client.objects.count() == 1
    assert "诉求演示数据已存在，跳过。" in again.getvalue()
