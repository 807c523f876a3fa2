"""Plans API (/api/v1/plans): plans, their tasks with derived status, targets, progress reports."""

from django.utils import timezone
from ninja import File, Form, Router, Status
from ninja.files import UploadedFile

from yingshang.core.api_support import ErrorOut
from yingshang.core.errors import BusinessRuleError
from yingshang.core.permissions import require
from yingshang.plans import access, selectors, services
from yingshang.plans.models import Plan, PlanTask
from yingshang.plans.schemas import PlanOut, PlanProgressIn, PlanProgressOut, PlanTargetOut, PlanTaskOut

router = Router(tags=["任务台账"])
ERRORS = {400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut}


def _plan_out(plan: Plan) -> dict:
    return {
        "id": plan.pk,
        "title": plan.title,
        "year": plan.year,
        "status": plan.status,
        "region_code": plan.region.code if plan.region else None,
    }


def _target_out(target) -> dict:
    fields = (
        "indicator",
        "indicator_key",
        "comparator",
        "value",
        "low",
        "high",
        "unit",
        "growth",
        "soft",
        "period",
        "text",
        "effective_from",
        "effective_to",
    )
    return {
        "id": target.pk,
        "task_number": target.task.number if target.task else None,
        **{name: getattr(target, name) for name in fields},
    }


def _task_out(row) -> dict:
    task = row.task
    return {
        "id": task.pk,
        "number": task.number,
        "kind": task.kind,
        "title": task.title,
        "section": task.section.title if task.section else None,
        "lead_departments": row.leads,
        "co_departments": row.co,
        "deadline": task.deadline,
        "weight": task.weight,
        "progress": task.progress,
        "expected_progress": row.state.expected,
        "status": row.state.status,
        "status_label": row.status_label,
        "status_reason": row.state.reason,
        "light": row.state.light,
    }


@router.get("", response={200: list[PlanOut], **ERRORS}, summary="可见的行动方案")
def list_plans(request):
    require(request.user, "plan.view")
    return [_plan_out(plan) for plan in Plan.objects.visible_to(request.user).select_related("region")]


@router.post("", response={201: PlanOut, **ERRORS}, summary="上传方案文件（TXT/DOCX），导入为待核对草稿")
def import_plan(request, file: File[UploadedFile], year: Form[int | None] = None):
    require(request.user, "plan.import")
    plan = services.stage_plan_import(
        data=file.read(), filename=file.name or "plan.txt", by=request.user, now=timezone.now(), year=year
    )
    return Status(201, _plan_out(plan))


@router.get(
    "/{int:plan_id}/targets", response={200: list[PlanTargetOut], **ERRORS}, summary="方案的有效量化目标"
)
def list_targets(request, plan_id: int):
    access.require_plan_user(request.user)
    plan = access.get_plan_for_user(request.user, plan_id)
    return [_target_out(target) for target in selectors.targets_for_plan(plan)]


@router.get(
    "/{int:plan_id}/tasks", response={200: list[PlanTaskOut], **ERRORS}, summary="我可见的任务及状态、预警灯"
)
def list_tasks(request, plan_id: int):
    access.require_plan_user(request.user)
    plan = access.get_plan_for_user(request.user, plan_id)
    rows = selectors.task_rows(
        PlanTask.objects.visible_to(request.user).filter(plan=plan), today=timezone.localdate()
    )
    return [_task_out(row) for row in rows]


@router.post(
    "/tasks/{int:task_id}/progress",
    response={201: PlanProgressOut, **ERRORS},
    summary="报送任务进展（multipart 表单，可附佐证材料 evidence）",
)
def report_progress(
    request, task_id: int, payload: Form[PlanProgressIn], evidence: File[list[UploadedFile]] = None
):
    access.require_plan_user(request.user)
    task = access.get_task_for_user(request.user, task_id)
    measure = task.measures.filter(pk=payload.measure_id).first() if payload.measure_id else None
    if payload.measure_id and measure is None:
        raise BusinessRuleError("所选措施不属于该任务。", field="measure_id")
    report = services.record_progress(
        task=task,
        by=request.user,
        percent=payload.percent,
        text=payload.text,
        now=timezone.now(),
        measure=measure,
        evidence_files=evidence or [],
    )
    task.refresh_from_db(fields=["progress"])
    return Status(
        201,
        {
            "id": report.pk,
            "task_id": task.pk,
            "percent": report.percent,
            "task_progress": task.progress,
            "reported_at": report.reported_at,
        },
    )
