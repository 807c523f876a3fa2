"""Appeals tagged to a policy clause show up as pain points in that policy's evaluation."""

import datetime as dt

from yingshang.policies import selectors


def test_evaluation_counts_appeals_tagged_to_the_policys_clauses(cast):
    from yingshang.appeals.models import AppealCategory
    from yingshang.appeals.services import file_appeal
    from yingshang.core.models import Region
    from yingshang.policies.models import Clause, PolicyDocument

    document = PolicyDocument.objects.create(title="示例政策", region=Region.objects.get(code="620700"))
    clause = Clause.objects.create(document=document, title="一次性奖励", text="给予一次性奖励。", position=1)
    category = AppealCategory.objects.create(code="P01", name="政策兑现", function_key="science")
    moment = dt.datetime(2025, 6, 2, 10, tzinfo=dt.UTC)
    for _ in range(2):
        file_appeal(
            by=None,
            channel="api",
            category=category,
            description="奖励申请了半年还没到账，请帮忙催一下。",
            now=moment,
            enterprise=cast.gz_enterprise,
            policy_clause_id=clause.pk,
            policy_clause_title="一次性奖励",
        )
    figures, _ = selectors.evaluation([document], today=dt.date(2025, 6, 30))
    assert figures[0].pain_points == [("政策兑现", 2)]
    assert "企业诉求 2 件" in figures[0].flags
