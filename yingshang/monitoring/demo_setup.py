"""Demo data for monitoring: a clearly synthetic, deterministic run of values for the city and each county from
January of the plan year to the last complete month, on the plan the plans demo imported (one source of truth),
with reviewed submissions, one correction after publication, a satisfaction survey with answers, the latest
month's computed indicators from the platform's own data, the index and alerts, one lagging indicator turned
into a 督办. Idempotent: a second run adds nothing."""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.db import transaction
from django.utils import timezone

from yingshang.monitoring import selectors, services, survey_services
from yingshang.monitoring.choices import SubmissionStatus, ValueOrigin
from yingshang.monitoring.models import (
    Indicator,
    IndicatorValue,
    Submission,
    Survey,
)
from yingshang.monitoring.periods import format_period, is_due, months_between, parse_period, shift

TZ = ZoneInfo("Asia/Shanghai")
DEMO_NOTE = "演示数据（合成）"
# Indicators shaped on purpose so the demo shows every status: (city level as a share of best−worst, monthly drift).
SHAPES = {
    "insolvency_closure_rate": (0.55, 0.01),  # far below 85% → 预计难以完成
    "hotline_handling_rate": (0.88, 0.002),  # just under 99% → 有风险
    "online_filing_rate": (0.80, 0.03),  # rising fast → 预计可完成
    "power_time_no_external": (0.70, -0.01),  # slipping → 有风险/难以完成
}


def demo_months(today: dt.date) -> tuple[str, str]:
    """(first, last): January of the plan year (this year) to the last complete month before `today`."""
    last = shift(format_period(today.year, today.month), -1)
    return f"{parse_period(last)[0]}-01", last


def survey_title(last: str) -> str:
    year, month = parse_period(last)
    return f"{year}年{(month - 1) // 3 + 1}季度经营主体满意度调查（演示）"


def load_demo(*, stdout, seed: int, today: dt.date | None = None) -> None:
    today = today or timezone.localdate()
    first, last = demo_months(today)
    services.load_catalogue()
    plan = _plan_of_the_plans_demo(stdout, seed, year=parse_period(last)[0])
    linked = services.link_plan_targets()
    if IndicatorValue.objects.filter(origin=ValueOrigin.DEMO, period__gte=first, period__lte=last).exists():
        stdout.write(f"  营商监测：演示数据已存在（{first} 至 {last}；新关联方案目标 {linked} 个），跳过。")
        return
    with transaction.atomic():
        _values(seed, first, last)
        _survey(seed, last)
        after = dt.datetime.combine(services.open_round(period=last).deadline, dt.time(10), tzinfo=TZ)
        now = min(after + dt.timedelta(days=1), timezone.now())
        _revision(now, last)
        computed = services.refresh_computed_values(period=last, now=now)
        services.recompute_index(now=now)
        alerts = services.generate_alerts(period=last, now=now)
        supervised = _supervise_lagging(alerts, now)
    stdout.write(
        f"  营商监测：{IndicatorValue.objects.filter(period__gte=first).count()} 个数值（{first} 至 {last}，"
        f"合成数据；{last} 的 {computed} 个自动计算指标取自平台数据），"
        f"方案《{plan.title if plan else '无'}》目标关联 {linked} 个，预警 {len(alerts)} 条"
        f"（{supervised}）。"
    )


def _plan_of_the_plans_demo(stdout, seed: int, *, year: int):
    """The official plan the plans demo imported for this year (it is run first when missing; it is idempotent).

    Targets are read from that plan only; monitoring never imports a plan of its own."""
    from yingshang.plans import demo_setup as plans_demo
    from yingshang.plans.selectors import official_plan

    plan = official_plan(year)
    if plan is None:
        plans_demo.load_demo(stdout=stdout, seed=seed)
        plan = official_plan(year)
    if plan is None:
        stdout.write(
            f"  营商监测：未找到 {year} 年正式行动方案，指标暂无目标；请在“任务督办”中导入并确认方案后，"
            "在指标目录点击“按名称重新关联”。"
        )
    return plan


def _level(
    rng: random.Random,
    indicator: Indicator,
    best: float,
    worst: float,
    quality: float,
    month_index: int,
    city: bool,
) -> float:
    base = random.Random(f"{indicator.code}-{quality:.3f}").uniform(
        0.72, 1.04
    )  # stable per indicator and region
    share, drift = SHAPES.get(
        indicator.code, (base if city else 0.45 + 0.45 * quality + 0.1 * (base - 0.88), 0.006)
    )
    share = share + drift * month_index + rng.gauss(0, 0.03)
    share = max(-0.1, min(1.08, share))
    value = worst + (best - worst) * share
    if indicator.unit == "%":
        value = max(0.0, min(100.0, value))
    return max(float(indicator.min_value or 0) if indicator.min_value is not None else value, value)


def _values(seed: int, first: str, last: str) -> None:
    """Published values for every due manual/computed indicator, region and month, with approved submissions."""
    from yingshang.accounts.models import User

    rng = random.Random(seed)
    reviewer = User.objects.filter(username="shiji").first()
    regions = selectors.monitored_regions()
    quality = {region.pk: (0.92 if region.kind == "city" else rng.uniform(0.45, 1.0)) for region in regions}
    parameters = selectors.parameters_for(parse_period(last)[0])
    indicators = list(Indicator.objects.filter(in_index=True).exclude(source="survey").order_by("sort_order"))
    staff = {
        u.department_id: u
        for u in User.objects.filter(role__in=["dept_staff", "dept_leader"], department__isnull=False)
    }
    rows = []
    for month_index, period in enumerate(months_between(first, last)):
        collection_round = services.open_round(period=period, by=reviewer)
        year, month = parse_period(period)
        entered = dt.datetime.combine(collection_round.deadline, dt.time(10), tzinfo=TZ) - dt.timedelta(
            days=2
        )
        published = entered + dt.timedelta(days=1)
        submissions: dict[int, Submission] = {}
        for indicator in indicators:
            if not is_due(indicator.frequency, period):
                continue
            best, worst = parameters[indicator.pk]
            for region in regions:
                department = selectors.responsible_department(indicator.function_key, region)
                skip = (
                    period == last
                    and department is not None
                    and department.function_key == "natural_resources"
                )
                if skip:
                    continue  # one department misses the last deadline → 截止未报 alert
                if indicator.aggregation == "cumulative":
                    factor = (
                        month
                        / 12
                        * (0.7 + 0.45 * quality[region.pk])
                        * (1 if region.kind == "city" else 0.16)
                    )
                    value = best * factor * (1 + rng.gauss(0, 0.03))
                else:
                    value = _level(
                        rng, indicator, best, worst, quality[region.pk], month_index, region.kind == "city"
                    )
                submission = None
                if indicator.source == "manual" and department is not None:
                    submission = submissions.get(department.pk)
                    if submission is None:
                        submission = Submission.objects.create(
                            round=collection_round,
                            department=department,
                            status=SubmissionStatus.APPROVED,
                            submitted_by=staff.get(department.pk),
                            submitted_at=entered,
                            reviewed_by=reviewer,
                            reviewed_at=published,
                            review_note="演示：审核通过",
                        )
                        submissions[department.pk] = submission
                rows.append(
                    IndicatorValue(
                        indicator=indicator,
                        region=region,
                        period=period,
                        value=Decimal(str(round(value, 2))),
                        origin=ValueOrigin.DEMO,
                        note=DEMO_NOTE,
                        department=department if indicator.source == "manual" else None,
                        submission=submission,
                        entered_by=staff.get(department.pk) if department else None,
                        entered_at=entered,
                        computation=""
                        if indicator.source == "manual"
                        else f"{DEMO_NOTE}：代替{indicator.get_source_display()}",
                        is_current=True,
                        is_published=True,
                        published_at=published,
                        published_by=reviewer,
                    )
                )
    IndicatorValue.objects.bulk_create(rows, batch_size=2000)


def _survey(seed: int, last: str) -> None:
    """One survey: stratified sample, about two thirds answered, a few dissatisfied with comments."""
    from yingshang.accounts.models import User

    title = survey_title(last)
    if Survey.objects.filter(title=title).exists():
        return
    year, month = parse_period(last)
    by = User.objects.filter(username="shiji").first()
    survey = survey_services.create_survey(title=title, period=last, sample_size=240, by=by)
    try:
        survey_services.draw_sample(survey=survey, seed=seed, by=by)
    except Exception:  # noqa: BLE001 — no enterprises in this database: keep the survey as a draft
        return
    survey_services.open_survey(survey=survey, by=by, now=dt.datetime(year, month, 1, 9, tzinfo=TZ))
    rng = random.Random(seed + 7)
    comments = [
        "办理施工许可时材料反复补正，希望一次告知。",
        "政策兑现资金到账慢。",
        "窗口人员态度好，办事快。",
        "",
    ]
    for number, invitation in enumerate(survey.invitations.order_by("id")):
        if rng.random() > 0.7:
            continue
        overall = rng.choices([5, 4, 3, 2, 1], weights=[52, 34, 8, 4, 2])[0]
        answers = {
            q["code"]: max(1, min(5, overall + rng.choice([-1, 0, 0, 1])))
            for q in survey.questions
            if q["kind"] == "rating"
        }
        answers["overall"] = overall
        comment = comments[number % 2] if overall <= 2 else comments[2 + number % 2]
        survey_services.submit_survey_response(
            invitation=invitation,
            answers=answers,
            comment=comment,
            now=dt.datetime(year, month, 10, 9, tzinfo=TZ) + dt.timedelta(hours=number),
        )
    survey_services.close_survey(survey=survey, by=by, now=dt.datetime(year, month, 27, 17, tzinfo=TZ))
    survey_services.publish_satisfaction(
        survey=survey, by=by, now=dt.datetime(year, month, 28, 9, tzinfo=TZ)
    )  # every month has a 28th


def _supervise_lagging(alerts, now: dt.datetime) -> str:
    """The city office turns the 破产案件结案率 alert (shaped to lag) into a 督办 on the plan task owning its target."""
    from yingshang.accounts.models import User
    from yingshang.core.errors import BusinessRuleError

    alert = next(
        (
            a
            for a in alerts
            if a.indicator is not None
            and a.indicator.code == "insolvency_closure_rate"
            and a.kind in ("off_track", "below_target")
        ),
        None,
    )
    by = User.objects.filter(username="shiji").first()
    if alert is None or by is None:
        return "未转督办"
    try:
        services.escalate_alert(alert=alert, by=by, now=now)
    except BusinessRuleError as exc:
        return f"转督办未成功：{exc.message}"
    return f"“{alert.indicator.name}”已转督办"


def _revision(now: dt.datetime, last: str) -> None:
    """A city figure corrected after publication (keeps the old value and reason; raises an alert)."""
    from yingshang.accounts.models import User

    value = IndicatorValue.objects.filter(
        indicator__code="startup_time", region__kind="city", period=last, is_current=True
    ).first()
    if value is None:
        return
    by = User.objects.filter(username="bumen").first() or User.objects.filter(username="shiji").first()
    new = services.revise_value(
        value=value,
        raw_value=str(value.value + Decimal("0.3")),
        no_data=False,
        reason="演示：补录两笔线下办理业务后重新计算平均用时",
        by=by,
        now=now,
    )
    reviewer = User.objects.filter(username="shiji").first()
    services.approve_value(value=new, by=reviewer, now=now)
