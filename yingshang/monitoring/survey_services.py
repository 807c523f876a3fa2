"""经营主体满意度 surveys: definition, stratified sample, invitations (link/QR), answers, the published rate."""

from __future__ import annotations

import datetime as dt
import io
import secrets
from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction

from yingshang.core.audit import record_change
from yingshang.core.errors import BusinessRuleError, ConflictError
from yingshang.monitoring import sampling, selectors
from yingshang.monitoring.choices import (
    DISSATISFIED_RATINGS,
    SATISFIED_RATINGS,
    SURVEY_TRANSITIONS,
    SurveyStatus,
    ValueOrigin,
)
from yingshang.monitoring.models import Indicator, Survey, SurveyInvitation, SurveyResponse
from yingshang.monitoring.periods import parse_period

SMALL_SAMPLE = 30  # fewer valid answers than this: the rate is flagged as unreliable
DEFAULT_QUESTIONS = [
    {"code": "overall", "text": "您对本地营商环境的总体满意度", "kind": "rating"},
    {"code": "services", "text": "政务服务（办事便捷、一次办成）", "kind": "rating"},
    {"code": "policies", "text": "惠企政策（获取、申报、兑现）", "kind": "rating"},
    {"code": "legal", "text": "法治环境（公正执法、权益保护）", "kind": "rating"},
    {"code": "appeals", "text": "诉求办理（响应速度、解决效果）", "kind": "rating"},
    {"code": "comment", "text": "您的意见和建议", "kind": "text"},
]


def _transition(survey: Survey, to: str) -> None:
    if to not in SURVEY_TRANSITIONS[survey.status]:
        raise ConflictError(
            f"调查当前为“{survey.get_status_display()}”，不能变为“{SurveyStatus(to).label}”。",
            code="transition_not_allowed",
        )


MAX_SAMPLE_SIZE = 100_000


@transaction.atomic
def create_survey(
    *, title: str, period: str, sample_size: int, by, questions: list[dict] | None = None
) -> Survey:
    """Define a survey (调查问卷); the first question is the overall satisfaction rating."""
    parse_period(period)
    questions = questions or DEFAULT_QUESTIONS
    if not title.strip():
        raise BusinessRuleError("请填写调查标题。", field="title")
    if len(title.strip()) > 200:
        raise BusinessRuleError("调查标题不能超过 200 字。", field="title")
    if not 1 <= sample_size <= MAX_SAMPLE_SIZE:
        raise BusinessRuleError(f"样本量应在 1 至 {MAX_SAMPLE_SIZE} 之间。", field="sample_size")
    if not questions or questions[0].get("kind") != "rating":
        raise BusinessRuleError("第一题必须是总体满意度评分题。", field="questions")
    survey = Survey.objects.create(
        title=title.strip(), period=period, questions=questions, sample_size=sample_size, created_by=by
    )
    record_change(
        actor=by,
        action="monitoring.survey.create",
        obj=survey,
        after={"title": survey.title, "period": period, "sample_size": sample_size},
    )
    return survey


@transaction.atomic
def draw_sample(*, survey: Survey, seed: int, by) -> int:
    """Draw the stratified sample (county × industry section × size) and create one invitation each.

    The pool (enterprise ids, sorted) and the seed are stored with the survey, so the draw can be repeated.
    """
    from yingshang.enterprises.models import Enterprise

    if not 0 <= seed < 2**63:
        raise BusinessRuleError("随机种子应为 0 至 9223372036854775807 之间的整数。", field="seed")
    if survey.status != SurveyStatus.DRAFT:
        raise ConflictError("只能在草稿阶段抽样。", code="not_draft")
    if survey.invitations.exists():
        raise ConflictError("该调查已抽样。", code="already_sampled")
    frame = (
        Enterprise.objects.filter(status="active", entity_type="enterprise", region__isnull=False)
        .order_by("id")
        .values_list("id", "region__name", "industry_section", "size")
    )
    units = [
        sampling.Unit(id=pk, stratum=f"{region}|{section or '未知'}|{size}")
        for pk, region, section, size in frame
    ]
    if not units:
        raise BusinessRuleError("经营主体库中没有可抽样的企业。")
    drawn, allocation = sampling.stratified_sample(units, sample_size=survey.sample_size, seed=seed)
    SurveyInvitation.objects.bulk_create(
        [
            SurveyInvitation(
                survey=survey, enterprise_id=unit.id, stratum=unit.stratum, token=secrets.token_urlsafe(24)
            )
            for unit in drawn
        ]
    )
    survey.sample_seed, survey.pool, survey.strata = seed, [unit.id for unit in units], allocation
    survey.save(update_fields=["sample_seed", "pool", "strata"])
    record_change(
        actor=by,
        action="monitoring.survey.sample",
        obj=survey,
        after={"seed": seed, "pool_size": len(units), "drawn": len(drawn)},
    )
    return len(drawn)


@transaction.atomic
def open_survey(*, survey: Survey, by, now: dt.datetime) -> Survey:
    """Start the survey: invitation links and QR codes become answerable."""
    _transition(survey, SurveyStatus.OPEN)
    if not survey.invitations.exists():
        raise BusinessRuleError("请先抽取样本再发放。")
    survey.status, survey.opened_at = SurveyStatus.OPEN, now
    survey.save(update_fields=["status", "opened_at"])
    record_change(
        actor=by,
        action="monitoring.survey.open",
        obj=survey,
        before={"status": "draft"},
        after={"status": "open"},
    )
    return survey


@transaction.atomic
def close_survey(*, survey: Survey, by, now: dt.datetime) -> Survey:
    _transition(survey, SurveyStatus.CLOSED)
    survey.status, survey.closed_at = SurveyStatus.CLOSED, now
    survey.save(update_fields=["status", "closed_at"])
    record_change(
        actor=by,
        action="monitoring.survey.close",
        obj=survey,
        before={"status": "open"},
        after={"status": "closed"},
    )
    return survey


@transaction.atomic
def submit_survey_response(
    *, invitation: SurveyInvitation, answers: dict, comment: str, now: dt.datetime
) -> SurveyResponse:
    """Record an enterprise's answers once; every rating question needs 1–5."""
    invitation = SurveyInvitation.objects.select_for_update().select_related("survey").get(pk=invitation.pk)
    if invitation.survey.status != SurveyStatus.OPEN:
        raise ConflictError("该调查未在进行中，不能作答。", code="survey_not_open")
    if invitation.responded_at is not None:
        raise ConflictError("您已提交过答卷，感谢参与。", code="already_answered")
    clean = {}
    for question in invitation.survey.questions:
        if question["kind"] != "rating":
            continue
        raw = answers.get(question["code"])
        try:
            rating = int(raw)
        except (TypeError, ValueError):
            rating = 0
        if not 1 <= rating <= 5:
            raise BusinessRuleError(f"请为“{question['text']}”选择 1–5 分的评价。", field=question["code"])
        clean[question["code"]] = rating
    overall = clean[invitation.survey.questions[0]["code"]]
    response = SurveyResponse.objects.create(
        invitation=invitation,
        answers=clean,
        overall=overall,
        comment=comment.strip()[:2000],
        submitted_at=now,
    )
    invitation.responded_at = now
    invitation.save(update_fields=["responded_at"])
    record_change(actor=None, action="monitoring.survey.respond", obj=response, after={"overall": overall})
    if overall in DISSATISFIED_RATINGS and response.comment:
        response.appeal_ref = dissatisfied_to_appeal_hook(response=response, now=now)
        if response.appeal_ref:
            response.save(update_fields=["appeal_ref"])
    return response


def dissatisfied_to_appeal_hook(*, response: SurveyResponse, now: dt.datetime) -> str:
    """Turn a dissatisfied answer with a comment into an appeal (诉求) if the appeals app offers a service.

    Calls `yingshang.appeals.services.file_appeal_from_survey(enterprise=, text=, source=, now=)` and returns
    its id; returns "" (the answer stays listed under 不满意意见 for manual follow-up) when it does not exist.
    """
    try:
        from yingshang.appeals import services as appeal_services
    except ImportError:
        return ""
    service = getattr(appeal_services, "file_appeal_from_survey", None)
    if service is None:
        return ""
    appeal = service(
        enterprise=response.invitation.enterprise,
        text=response.comment,
        source=f"monitoring.survey_response:{response.pk}",
        now=now,
    )
    return str(appeal.pk) if appeal is not None else ""


@dataclass(frozen=True)
class SatisfactionResult:
    """The satisfaction rate of a group of answers, with its definition and 95% Wilson interval."""

    group: str
    invited: int
    answered: int
    satisfied: int
    rate: float | None
    interval: tuple[float, float] | None
    small_sample: bool

    definition = (
        "总体满意度评 4 分（满意）或 5 分（非常满意）的答卷数 ÷ 有效答卷数；区间为 95% Wilson 置信区间。"
    )


def satisfaction(survey: Survey) -> list[SatisfactionResult]:
    """Overall satisfaction for the city and each county, flagged when fewer than 30 answers."""
    rows = list(survey.invitations.select_related("enterprise__region", "response").order_by("id"))
    groups: dict[str, list[SurveyInvitation]] = {"全市": rows}
    for invitation in rows:
        groups.setdefault(invitation.enterprise.region.name, []).append(invitation)
    results = []
    for name, invitations in groups.items():
        answers = [i.response.overall for i in invitations if hasattr(i, "response")]
        satisfied = sum(1 for a in answers if a in SATISFIED_RATINGS)
        results.append(
            SatisfactionResult(
                group=name,
                invited=len(invitations),
                answered=len(answers),
                satisfied=satisfied,
                rate=round(100 * satisfied / len(answers), 2) if answers else None,
                interval=sampling.wilson_interval(satisfied, len(answers)),
                small_sample=len(answers) < SMALL_SAMPLE,
            )
        )
    return results


@transaction.atomic
def publish_satisfaction(*, survey: Survey, by, now: dt.datetime) -> int:
    """Write the survey's rates as 经营主体总体满意率 values (city and counties with answers), published."""
    from yingshang.monitoring.services import _write_version

    indicator = Indicator.objects.get(code="entity_satisfaction")
    regions = {r.name: r for r in selectors.monitored_regions()}
    regions["全市"] = next(r for r in regions.values() if r.kind == "city")
    written = 0
    for result in satisfaction(survey):
        region = regions.get(result.group)
        if region is None or result.rate is None:
            continue
        interval = f"{result.interval[0]:.1f}%–{result.interval[1]:.1f}%" if result.interval else ""
        computation = (
            f"《{survey.title}》有效答卷 {result.answered} 份，满意 {result.satisfied} 份，"
            f"95% 置信区间 {interval}{'（样本不足 30，仅供参考）' if result.small_sample else ''}"
        )
        new = _write_version(
            indicator=indicator,
            region=region,
            period=survey.period,
            value=Decimal(str(result.rate)),
            no_data=False,
            note="",
            origin=ValueOrigin.SURVEY,
            department=None,
            submission=None,
            by=by,
            now=now,
            computation=computation,
            publish=True,
        )
        record_change(
            actor=by,
            action="monitoring.survey.publish",
            obj=new,
            after={"value": str(result.rate)},
            region_code=region.code,
        )
        written += 1
    return written


def qr_png(url: str) -> bytes:
    """A QR code (PNG) of an invitation link, for printing or sharing in chat groups."""
    import qrcode

    image = qrcode.make(url, box_size=6, border=2)
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()
