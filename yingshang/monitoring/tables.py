"""The tables monitoring pages show, read once for the page and for its XLSX export (导出 Excel).

Each `*_rows` function is the page's read (the view renders it); each `*_sheet` function turns the same rows into a
Chinese header row and cells for `enterprises.spreadsheets.write_xlsx`: numbers stay numbers, units go in the header,
"no data" is an empty cell beside a 无数据 column, never a zero. Scope is the page's: callers pass objects already
fetched through `access` and querysets bounded by `visible_to(user)`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal

from yingshang.monitoring import dashboard, selectors, services, survey_services
from yingshang.monitoring.models import (
    Alert,
    Dimension,
    IndexSnapshot,
    Indicator,
    IndicatorValue,
    Submission,
    SubmissionRound,
    Survey,
    WeightSet,
)

VALUES_SHOWN = 200  # the values page shows the newest 200 versions; the export has the same rows


@dataclass(frozen=True)
class Sheet:
    """One exported table: header row, rows, the worksheet title and the file's name (without .xlsx)."""

    headers: list[str]
    rows: list[list]
    title: str
    filename: str


def _unit(unit: str) -> str:
    return f"（{unit}）" if unit else ""


def _number(value) -> float | None:
    """A stored number as a spreadsheet number (Decimal '65.0200' → 65.02); None stays empty."""
    if value is None:
        return None
    return float(value) if isinstance(value, Decimal) else value


SHEET_TITLE_FORBIDDEN = re.compile(r"[\\/*?:\[\]]")
FILE_NAME_FORBIDDEN = re.compile(r'[\\/:*?"<>|\x00-\x1f]')


def sheet_title(title: str) -> str:
    """A worksheet title Excel accepts: no []:*?/\\, at most 31 characters."""
    return SHEET_TITLE_FORBIDDEN.sub("_", title)[:31] or "Sheet1"


def file_name(name: str) -> str:
    """A download name without path separators or control characters."""
    return FILE_NAME_FORBIDDEN.sub("_", name)[:120]


def _yes(flag: bool) -> str:
    return "是" if flag else ""


def _person(user) -> str:
    return "" if user is None else str(user)


# 1. Dimension page: topics and indicators, city and counties side by side.


def region_snapshots(period: str) -> list[IndexSnapshot]:
    return list(
        IndexSnapshot.objects.filter(period=period)
        .select_related("region")
        .order_by("region__sort_order", "region__code")
    )


def dimension_rows(dimension: Dimension, snapshots: list[IndexSnapshot]) -> list[dict]:
    """Topic rows (scores) followed by their indexed indicators (score and value per region)."""
    rows = []
    for topic in dimension.topics.prefetch_related("indicators").order_by("sort_order"):
        rows.append(
            {
                "topic": topic,
                "cells": [
                    (s.topic_scores.get(topic.code), dashboard.heat_class(s.topic_scores.get(topic.code)))
                    for s in snapshots
                ],
            }
        )
        for indicator in topic.indicators.all():
            if not indicator.in_index:
                continue
            cells = []
            for s in snapshots:
                data = s.indicator_scores.get(indicator.code) or {}
                score = data.get("score")
                cells.append((score, data.get("value"), dashboard.heat_class(score), s.region))
            rows.append({"indicator": indicator, "cells": cells})
    return rows


def dimension_sheet(dimension: Dimension, *, period: str) -> Sheet:
    snapshots = region_snapshots(period)
    headers = ["层级", "一级指标 / 指标", "单位"]
    for s in snapshots:
        headers += [f"{s.region.name}得分（分）", f"{s.region.name}数值"]
    rows = []
    for row in dimension_rows(dimension, snapshots):
        if "topic" in row:
            cells = []
            for score, _css in row["cells"]:
                cells += [score, None]
            rows.append(["一级指标", row["topic"].name, "分", *cells])
        else:
            cells = []
            for score, value, _css, _region in row["cells"]:
                cells += [score, value]
            rows.append(["指标", row["indicator"].name, row["indicator"].unit, *cells])
    return Sheet(headers, rows, dimension.name, f"监测-{dimension.name}-{period}")


# 2. Indicator page: every region's value, best/worst and score for a month.


def indicator_region_rows(indicator: Indicator, snapshots: list[IndexSnapshot]) -> list[dict]:
    return [{"snapshot": s, "data": s.indicator_scores.get(indicator.code) or {}} for s in snapshots]


def indicator_sheet(indicator: Indicator, *, period: str) -> Sheet:
    unit = _unit(indicator.unit)
    headers = ["区划", "区划代码", f"数值{unit}", f"最优值{unit}", f"最差值{unit}", "得分（分）"]
    rows = [
        [
            row["snapshot"].region.name,
            row["snapshot"].region.code,
            row["data"].get("value"),
            row["data"].get("best"),
            row["data"].get("worst"),
            row["data"].get("score"),
        ]
        for row in indicator_region_rows(indicator, region_snapshots(period))
    ]
    return Sheet(headers, rows, indicator.name, f"监测-{indicator.name}-{period}")


# 3. Values page: every version of a region's value with its provenance (the user's scope).


def value_versions(user, indicator: Indicator, region) -> list[IndicatorValue]:
    return list(
        IndicatorValue.objects.visible_to(user)
        .filter(indicator=indicator, region=region)
        .select_related("entered_by", "department", "published_by", "submission", "replaces")
        .order_by("-period", "-id")[:VALUES_SHOWN]
    )


def value_state(value: IndicatorValue) -> str:
    if value.is_published:
        return "已发布"
    return "待审核" if value.is_current else "历史版本"


def values_sheet(user, indicator: Indicator, region) -> Sheet:
    unit = _unit(indicator.unit)
    headers = [
        "所属期",
        f"数值{unit}",
        "无数据",
        "说明",
        "状态",
        "来源方式",
        "来源文件",
        "计算来源",
        "报送部门",
        "经办人",
        "填报时间",
        f"替代的数值{unit}",
        "修改原因",
        "审核发布人",
        "发布时间",
    ]
    rows = []
    for v in value_versions(user, indicator, region):
        entered_by = _person(v.entered_by) or ("平台自动计算" if v.origin == "computed" else "")
        rows.append(
            [
                v.period,
                None if v.no_data else _number(v.value),
                _yes(v.no_data),
                v.note,
                value_state(v),
                v.get_origin_display(),
                v.source_file,
                v.computation,
                v.department.name if v.department else "",
                entered_by,
                v.entered_at,
                None if v.replaces is None or v.replaces.no_data else _number(v.replaces.value),
                v.revision_reason,
                _person(v.published_by) or ("系统" if v.published_at else ""),
                v.published_at,
            ]
        )
    return Sheet(headers, rows, "报送记录", f"监测-{indicator.name}-{region.name}-报送记录")


# 4. Indicator catalogue (指标目录) with the year's plan targets.


def catalogue_rows(year: int) -> list[dict]:
    targets = selectors.targets_by_indicator(year)
    owners = selectors.department_names_by_function()
    return [
        {"indicator": i, "targets": targets.get(i.pk, []), "owner": owners.get(i.function_key, "未配置")}
        for i in Indicator.objects.select_related("topic__dimension").order_by("sort_order")
    ]


def catalogue_sheet(*, year: int) -> Sheet:
    headers = [
        "维度",
        "一级指标",
        "指标",
        "标识",
        "计入指数",
        "定义",
        "公式",
        "单位",
        "方向",
        "频次",
        "来源",
        "责任部门",
        f"{year}年方案目标",
    ]
    rows = []
    for row in catalogue_rows(year):
        i = row["indicator"]
        rows.append(
            [
                i.topic.dimension.name,
                i.topic.name,
                i.name,
                i.code,
                "是" if i.in_index else "否（不计分）",
                i.definition,
                i.formula,
                i.unit,
                i.get_direction_display(),
                i.get_frequency_display(),
                i.get_source_display(),
                row["owner"],
                "；".join(
                    t.label + (f"（任务 {t.task_number}）" if t.task_number else "") for t in row["targets"]
                ),
            ]
        )
    return Sheet(headers, rows, "指标目录", f"监测-指标目录-{year}")


# 5. Alerts (预警) in the user's scope.

ALERTS_SHOWN = 200


def visible_alerts(user) -> list[Alert]:
    return list(
        Alert.objects.visible_to(user).select_related("indicator", "region", "department")[:ALERTS_SHOWN]
    )


def alerts_sheet(user) -> Sheet:
    headers = ["时间", "所属期", "类型", "内容", "指标", "区划", "责任部门", "状态", "督办编号"]
    rows = [
        [
            a.created_at,
            a.period,
            a.get_kind_display(),
            a.message,
            a.indicator.name if a.indicator else "",
            a.region.name if a.region else "",
            a.department.name if a.department else "",
            a.get_status_display(),
            a.supervision_ref,
        ]
        for a in visible_alerts(user)
    ]
    return Sheet(headers, rows, "监测预警", "监测-预警")


# 6. Rounds and their submissions (填报轮次, 报送情况).

ROUNDS_SHOWN = 24


def round_rows(user) -> list[dict]:
    """The newest rounds with the user's own department's submission, as the rounds page shows them."""
    rounds = list(SubmissionRound.objects.order_by("-period")[:ROUNDS_SHOWN])
    mine = {}
    if user.department_id:
        mine = {s.round_id: s for s in Submission.objects.filter(department_id=user.department_id)}
    return [{"round": r, "mine": mine.get(r.pk)} for r in rounds]


def rounds_sheet(user) -> Sheet:
    headers = ["所属期", "截止日期", "本部门状态", "本部门逾期"]
    rows = [
        [
            row["round"].period,
            row["round"].deadline,
            row["mine"].get_status_display() if row["mine"] else "未提交",
            _yes(bool(row["mine"] and row["mine"].late)),
        ]
        for row in round_rows(user)
    ]
    return Sheet(headers, rows, "填报轮次", "监测-填报轮次")


def round_submissions(user, collection_round: SubmissionRound):
    return (
        Submission.objects.visible_to(user)
        .filter(round=collection_round)
        .select_related("department__region", "submitted_by")
    )


def round_owing(user, collection_round: SubmissionRound) -> list:
    """Departments that still owe figures; only the city office (monitoring.review) sees this list."""
    return services.departments_owing(collection_round) if user.can("monitoring.review") else []


def round_sheet(user, collection_round: SubmissionRound) -> Sheet:
    headers = ["部门", "区划", "状态", "逾期", "提交人", "提交时间"]
    rows = [
        [
            s.department.name,
            s.department.region.name if s.department.region else "",
            s.get_status_display(),
            _yes(s.late),
            _person(s.submitted_by),
            s.submitted_at,
        ]
        for s in round_submissions(user, collection_round)
    ]
    rows += [
        [d.name, d.region.name if d.region else "", "尚未报送", "", "", None]
        for d in round_owing(user, collection_round)
    ]
    return Sheet(
        headers, rows, f"{collection_round.period}报送情况", f"监测-{collection_round.period}-报送情况"
    )


def submission_values(submission: Submission):
    return submission.values.select_related("indicator", "region", "entered_by").order_by(
        "indicator__sort_order", "region__sort_order", "-id"
    )


def submission_sheet(submission: Submission) -> Sheet:
    headers = ["指标", "区划", "数值", "单位", "无数据", "说明", "来源方式", "来源文件", "版本"]
    rows = [
        [
            v.indicator.name,
            v.region.name,
            None if v.no_data else _number(v.value),
            v.indicator.unit,
            _yes(v.no_data),
            v.note,
            v.get_origin_display(),
            v.source_file,
            "已发布" if v.is_published else ("最新" if v.is_current else "历史"),
        ]
        for v in submission_values(submission)
    ]
    name = submission.department.short_name or submission.department.name
    return Sheet(headers, rows, "报送数据", f"监测-{submission.round.period}-{name}-报送数据")


# 7. Survey results (满意率 with its interval).


def survey_sheet(survey: Survey) -> Sheet:
    headers = [
        "范围",
        "邀请（家）",
        "有效答卷（份）",
        "满意（份）",
        "满意率（%）",
        "95%置信区间下限（%）",
        "95%置信区间上限（%）",
        "样本不足 30",
    ]
    rows = [
        [
            r.group,
            r.invited,
            r.answered,
            r.satisfied,
            r.rate,
            round(r.interval[0], 1) if r.interval else None,
            round(r.interval[1], 1) if r.interval else None,
            _yes(r.small_sample),
        ]
        for r in survey_services.satisfaction(survey)
    ]
    return Sheet(headers, rows, "满意率", f"监测-{survey.title}-满意率")


SURVEYS_SHOWN = 50
INVITATIONS_SHOWN = 500


def survey_list() -> list[Survey]:
    return list(Survey.objects.all()[:SURVEYS_SHOWN])


def surveys_sheet() -> Sheet:
    headers = ["标题", "所属期", "状态", "样本量（家）"]
    rows = [[s.title, s.period, s.get_status_display(), s.sample_size] for s in survey_list()]
    return Sheet(headers, rows, "满意度调查", "监测-满意度调查")


def survey_invitations(survey: Survey) -> list:
    return list(
        survey.invitations.select_related("enterprise__region", "response").order_by("id")[:INVITATIONS_SHOWN]
    )


def survey_sample_sheet(survey: Survey) -> Sheet:
    """The sample (样本与邀请) without the answer links: a link's token is the enterprise's credential."""
    headers = ["企业", "层", "状态", "答卷时间"]
    rows = [
        [i.enterprise.name, i.stratum, "已答" if i.responded_at else "未答", i.responded_at]
        for i in survey_invitations(survey)
    ]
    return Sheet(headers, rows, "样本与邀请", f"监测-{survey.title}-样本")


# 8. Scoring parameters (评分参数) and weight versions (权重版本): the city office's configuration pages.


def parameters_sheet(*, year: int) -> Sheet:
    headers = [
        "指标",
        "一级指标",
        "方向",
        "单位",
        "最优值（100 分）",
        "最差值（0 分）",
        "参数年度",
        "版本",
        "沿用其他年度",
        "调整人",
        "调整时间",
        "取值依据",
    ]
    rows = []
    for row in selectors.parameter_rows(year):
        i, p = row.indicator, row.parameter
        rows.append(
            [
                i.name,
                i.topic.name,
                i.get_direction_display(),
                i.unit,
                _number(p.best) if p else None,
                _number(p.worst) if p else None,
                p.plan_year if p else None,
                p.version if p else None,
                _yes(row.inherited),
                (_person(p.created_by) or "指标目录") if p else "",
                p.created_at if p else None,
                p.basis if p else "未设置",
            ]
        )
    return Sheet(headers, rows, f"评分参数{year}", f"监测-评分参数-{year}")


WEIGHT_VERSIONS_SHOWN = 10


def weight_versions() -> list[WeightSet]:
    return list(WeightSet.objects.select_related("created_by").order_by("-version")[:WEIGHT_VERSIONS_SHOWN])


def weights_sheet() -> Sheet:
    headers = ["版本", "生效期", "调整人", "时间", "原因"]
    rows = [
        [v.version, v.effective_from, _person(v.created_by) or "系统", v.created_at, v.note]
        for v in weight_versions()
    ]
    return Sheet(headers, rows, "权重版本", "监测-权重版本")
