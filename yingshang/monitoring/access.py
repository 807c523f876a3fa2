"""The only way interfaces fetch one monitoring record by id: 404 for both 'missing' and 'not yours'."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404

from yingshang.accounts.roles import DataScope
from yingshang.core.models import Region
from yingshang.monitoring.models import (
    Alert,
    IndicatorValue,
    Submission,
    SubmissionRound,
    Survey,
    SurveyInvitation,
)


def _monitoring_user(user) -> bool:
    return user.is_authenticated and (user.can("monitoring.view") or user.can("monitoring.submit"))


def get_round_for_user(user, round_id: int) -> SubmissionRound:
    """A collection round; any user taking part in monitoring may open it."""
    if not _monitoring_user(user):
        raise Http404
    return get_object_or_404(SubmissionRound, pk=round_id)


def get_submission_for_user(user, submission_id: int) -> Submission:
    """A department's submission within the user's scope (own department, county, or city-wide)."""
    return get_object_or_404(
        Submission.objects.visible_to(user).select_related("round", "department__region"), pk=submission_id
    )


def get_submission_for_review(user, submission_id: int) -> Submission:
    """A submission the user may approve or return (city office only)."""
    submission = get_submission_for_user(user, submission_id)
    if not user.can("monitoring.review"):
        raise PermissionDenied("只有市营商局可以审核监测数据。")
    return submission


def get_value_for_user(user, value_id: int) -> IndicatorValue:
    """One value version within the user's scope."""
    return get_object_or_404(
        IndicatorValue.objects.visible_to(user).select_related(
            "indicator", "region", "department", "submission", "entered_by"
        ),
        pk=value_id,
    )


def get_value_for_revision(user, value_id: int) -> IndicatorValue:
    """A value the user may correct: the reporting department's staff, or the city office."""
    value = get_value_for_user(user, value_id)
    own = value.department_id is not None and value.department_id == user.department_id
    if not (user.can("monitoring.review") or (own and user.can("monitoring.submit"))):
        raise PermissionDenied("只有报送部门或市营商局可以更正该数值。")
    return value


def get_region_for_user(user, region_code: str) -> Region:
    """A monitored region whose submitted values the user may read: any for city-wide roles, the own county for
    county roles, the regions the own department reports for otherwise (404 for the rest)."""
    region = Region.objects.filter(code=region_code, kind__in=["city", "county"]).first()
    if region is None or not _monitoring_user(user):
        raise Http404
    if user.is_superuser or user.data_scope == DataScope.ALL:
        return region
    if user.data_scope == DataScope.REGION and user.scope_region is not None:
        if region.pk != user.scope_region.pk:
            raise Http404
        return region
    if user.department is None:
        raise Http404
    from yingshang.monitoring.selectors import reporting_regions

    if region not in reporting_regions(user.department):
        raise Http404
    return region


def get_alert_for_action(user, alert_id: int) -> Alert:
    """An alert the user may acknowledge: the responsible department (or county) or the city office."""
    alert = get_alert_for_user(user, alert_id)
    if not (user.can("monitoring.review") or user.can("monitoring.submit")):
        raise PermissionDenied("只读账号不能处理预警。")
    return alert


def get_alert_for_user(user, alert_id: int) -> Alert:
    """An alert (预警) within the user's scope."""
    return get_object_or_404(
        Alert.objects.visible_to(user).select_related("indicator", "region", "department"), pk=alert_id
    )


def get_survey_for_configuration(user, survey_id: int) -> Survey:
    """A survey the user may sample, open, close or publish (city office only)."""
    survey = get_survey_for_user(user, survey_id)
    if not user.can("monitoring.configure"):
        raise PermissionDenied("只有市营商局可以管理满意度调查。")
    return survey


def get_survey_for_user(user, survey_id: int) -> Survey:
    """A survey; surveys are run by the city office (monitoring.configure) and read by monitoring viewers."""
    if not user.is_authenticated or not (
        user.can("monitoring.configure") or (user.can("monitoring.view") and user.scope_region is None)
    ):
        raise Http404
    return get_object_or_404(Survey, pk=survey_id)


def get_invitation_by_token(token: str) -> SurveyInvitation:
    """The invitation behind a survey link; the secret token is the credential."""
    return get_object_or_404(SurveyInvitation.objects.select_related("survey", "enterprise"), token=token)
