"""Monitoring objects for the permission matrix: one round, submissions and values of the city's, 甘州区's and
临泽县's market regulators, an alert per county, index snapshots for the month, and a survey with one invitation.

Everything is written directly (no services, no audit): the matrix only needs the rows to exist.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from zoneinfo import ZoneInfo

PERIOD = "2026-09"
AT = dt.datetime(2026, 10, 9, 10, tzinfo=ZoneInfo("Asia/Shanghai"))


def build(world) -> None:
    from yingshang.core.models import Region
    from yingshang.monitoring.models import (
        Alert,
        IndexSnapshot,
        Indicator,
        IndicatorValue,
        Submission,
        SubmissionRound,
        Survey,
        SurveyInvitation,
    )
    from yingshang.monitoring.services import load_catalogue

    load_catalogue()
    regions = {
        key: Region.objects.get(code=code)
        for key, code in (("city", "620700"), ("gz", "620702"), ("lz", "620723"))
    }
    reporters = {"city": world.city_staff, "gz": world.gz_staff, "lz": world.lz_staff}
    collection_round = SubmissionRound.objects.create(period=PERIOD, deadline=dt.date(2026, 10, 13))
    world["monitoring_round"] = collection_round
    indicator = Indicator.objects.get(code="startup_time")
    for key, reporter in reporters.items():
        submission = Submission.objects.create(
            round=collection_round,
            department=reporter.department,
            status="submitted",
            submitted_by=reporter,
            submitted_at=AT,
        )
        world[f"{key}_monitoring_submission"] = submission
        world[f"{key}_monitoring_value"] = IndicatorValue.objects.create(
            indicator=indicator,
            region=regions[key],
            period=PERIOD,
            value=Decimal("1.5"),
            origin="form",
            department=reporter.department,
            submission=submission,
            entered_by=reporter,
            entered_at=AT,
        )
        world[f"{key}_monitoring_alert"] = Alert.objects.create(
            kind="missing_data",
            region=regions[key],
            period=PERIOD,
            department=reporter.department,
            message=f"{reporter.department.name}未报送",
            dedupe_key=f"matrix.{key}",
            created_at=AT,
        )
        IndexSnapshot.objects.create(region=regions[key], period=PERIOD, index_score=80.0, computed_at=AT)
    survey = Survey.objects.create(
        title="矩阵调查",
        period=PERIOD,
        created_by=world.city_admin,
        questions=[{"code": "overall", "text": "总体满意度", "kind": "rating"}],
    )
    world["monitoring_survey"] = survey
    world["monitoring_invitation"] = SurveyInvitation.objects.create(
        survey=survey, enterprise=world.gz_enterprise, token="matrix-token-gz", stratum="620702"
    )
