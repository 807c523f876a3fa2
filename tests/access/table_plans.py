"""任务台账与督查督办: every page and API operation of the plans app over the objects of `world_plans.py`.

Who is who here:
- PLAN_USERS take part in task supervision (view, report or supervise); everyone else gets 403 on every plan page.
- A task is visible (else 404) to the city administrator and leader, to the departments that lead or support
  it (a department leader: their department and below), and to the county office whose county's departments
  own it or whose plan it is.
- Supervising (督办, 权重, 节点, 办结, 问题登记) needs plan.supervise and, for a county office, a task of its
  county (its plan, or led by its departments); a visible city task the county only supports is 403.
- Staged imports (草稿) are seen only by the city administrator (plan.import).

POST cases that change state reset it in their `data` callable (called before each member's request), so every
member meets the same object: a task closed by the first member is reopened for the next.
"""

from __future__ import annotations

from django.core.files.uploadedfile import SimpleUploadedFile

from tests.access.matrix import FORBIDDEN, NOT_FOUND, Case, api_expect, expect

PLAN_USERS = frozenset(
    {"city_admin", "leader", "city_staff", "city_dept_lead", "gz_admin", "gz_staff", "lz_admin", "lz_staff"}
)
PLAN_VIEWERS = frozenset({"city_admin", "leader", "gz_admin", "lz_admin"})  # plan.view (and plan.assess)
SUPERVISORS = frozenset({"city_admin", "gz_admin", "lz_admin"})  # plan.supervise
CITY_WIDE = frozenset({"city_admin", "leader"})

# Who sees each task of the world (visible_to); the rest of PLAN_USERS get 404.
SEES = {
    "task_city_market": CITY_WIDE | {"city_staff", "city_dept_lead", "gz_admin", "gz_staff"},
    "task_city_office": CITY_WIDE,
    "task_gz": CITY_WIDE | {"gz_admin", "gz_staff"},
    "task_lz": CITY_WIDE | {"lz_admin", "lz_staff"},
    "task_measure_only": CITY_WIDE | {"lz_admin", "lz_staff"},  # 临泽县 owns one measure
    "task_gz_plan": CITY_WIDE | {"gz_admin", "gz_staff"},
    "draft_task": frozenset({"city_admin"}),
}
# Who may act on each task as its department (reporting_department) or its supervisor (supervises_task).
ACTORS = {
    "task_city_market": {"city_admin", "city_staff", "city_dept_lead", "gz_staff"},
    "task_city_office": {"city_admin"},
    "task_gz": {"city_admin", "gz_admin", "gz_staff"},
    "task_lz": {"city_admin", "lz_admin", "lz_staff"},
    "task_measure_only": {
        "city_admin",
        "lz_staff",
    },  # 临泽县 reports on its measure; its office does not supervise
    "task_gz_plan": {"city_admin", "gz_admin", "gz_staff"},
}
SUPERVISES = {key: {person for person in SUPERVISORS if person in ACTORS[key]} for key in ACTORS}
# Who sees each plan.
PLAN_SEEN = {
    "plan": PLAN_USERS,
    "gz_plan": CITY_WIDE | {"gz_admin", "gz_staff"},
    "lz_plan": CITY_WIDE | {"lz_admin", "lz_staff"},
    "draft_plan": frozenset({"city_admin"}),
}


def _page(allowed, visible, *, api=False):
    """Allowed members; visible-but-not-allowed plan users 403; invisible plan users 404; other roles 403."""
    outcomes = {
        person: "allow" if person in allowed else FORBIDDEN if person in visible else NOT_FOUND
        for person in PLAN_USERS
    }
    build = api_expect if api else expect
    return build(
        allow={p for p, o in outcomes.items() if o == "allow"},
        forbidden={p for p, o in outcomes.items() if o == FORBIDDEN},
        not_found={p for p, o in outcomes.items() if o == NOT_FOUND},
        otherwise=FORBIDDEN,
    )


def _with_permission(permission_holders, allowed, visible):
    """A page behind a role permission: members without it get 403 before the object is looked at."""
    outcomes = _page(allowed, visible)
    return {
        person: (outcome if person in permission_holders or person == "anonymous" else FORBIDDEN)
        for person, outcome in outcomes.items()
    }


def _task_kwargs(key):
    return lambda w: {"task_id": w[key].pk}


def _plan_kwargs(key):
    return lambda w: {"plan_id": w[key].pk}


def _task_cases(view_allowed, key_filter=SEES):
    return [
        Case(_page(view_allowed(key), SEES[key]), kwargs=_task_kwargs(key), label=key) for key in key_filter
    ]


def _reopen(key, **fields):
    """Data callable that resets the task (closed_at, milestone done) before each member's request."""

    def data(world):
        from yingshang.plans.models import PlanMilestone, PlanTask

        PlanTask.objects.filter(pk=world[key].pk).update(closed_at=None)
        PlanMilestone.objects.filter(task=world[key]).update(done_on=None)
        return dict(fields)

    return data


def _notice_state(key, status, **fields):
    def data(world):
        from yingshang.plans.models import SupervisionNotice

        SupervisionNotice.objects.filter(pk=world[f"{key}_notice"].pk).update(status=status)
        return dict(fields)

    return data


def _issue_close(key):
    def data(world):
        from yingshang.plans.models import IssueItem

        IssueItem.objects.filter(pk=world[f"{key}_issue"].pk).update(status="open", closed_at=None)
        return {"note": "已整改", "evidence": SimpleUploadedFile("整改.pdf", b"%PDF-1.4 fixed")}

    return data


def _plan_file(world):
    text = (
        "全市优化营商环境行动方案\n一、主要任务\n1.优化市场准入。全年举办招聘活动350场次以上。"
        "〔牵头单位：市市场监管局〕\n2.提升纳税服务。电子发票推广覆盖率达到99%以上。\n"
    )
    return {"file": SimpleUploadedFile("方案.txt", text.encode())}


def _weights(world):
    return {f"weight_{world.task_gz.measures.first().pk}": "2"}


def _target(world):
    return {"indicator": "新增指标", "comparator": ">=", "value": "10", "unit": "%"}


TASK_KEYS = (
    "task_city_market",
    "task_city_office",
    "task_gz",
    "task_lz",
    "task_measure_only",
    "task_gz_plan",
)
SUPERVISED = ("task_city_market", "task_gz", "task_lz")  # enough to show 允许 / 403 (visible) / 404

CASES = {
    # -- lists ----------------------------------------------------------------------------------------------
    "plans:list": [Case(expect(allow=PLAN_VIEWERS, otherwise=FORBIDDEN))],
    "plans:import": [
        Case(expect(allow={"city_admin"}, otherwise=FORBIDDEN)),
        Case(expect(allow={"city_admin"}, otherwise=FORBIDDEN), method="post", data=_plan_file, label="上传"),
    ],
    "plans:my_tasks": [Case(expect(allow=PLAN_USERS, otherwise=FORBIDDEN))],
    "plans:notices": [Case(expect(allow=PLAN_USERS, otherwise=FORBIDDEN))],
    # -- one plan -------------------------------------------------------------------------------------------
    "plans:detail": [
        Case(_page(PLAN_SEEN[key], ()), kwargs=_plan_kwargs(key), label=key) for key in PLAN_SEEN
    ]
    + [Case(_page((), ()), kwargs=lambda w: {"plan_id": 987654321}, label="不存在的编号")],
    "plans:export": [
        Case(_page(PLAN_SEEN[key], ()), kwargs=_plan_kwargs(key), label=key)
        for key in ("plan", "gz_plan", "draft_plan")
    ],
    "plans:gantt": [
        Case(_page(PLAN_SEEN[key], ()), kwargs=_plan_kwargs(key), label=key)
        for key in ("plan", "lz_plan", "draft_plan")
    ],
    "plans:assessment": [
        Case(_with_permission(PLAN_VIEWERS, PLAN_SEEN[key], ()), kwargs=_plan_kwargs(key), label=key)
        for key in ("plan", "gz_plan", "draft_plan")
    ],
    "plans:bulletin": [
        Case(
            _with_permission(PLAN_VIEWERS, PLAN_SEEN[key], ()),
            kwargs=lambda w, key=key: {"plan_id": w[key].pk, "fmt": "docx"},
            label=key,
        )
        for key in ("plan", "lz_plan")
    ]
    + [
        Case(
            _with_permission(PLAN_VIEWERS, (), ()),
            kwargs=lambda w: {"plan_id": w.plan.pk, "fmt": "exe"},
            label="未知格式",
        )
    ],
    # -- 季度考核 / 年度评价 (view: plan.assess; compute, sign, weigh: the city office) ---------------------------
    "plans:assessment_period": [
        Case(
            _with_permission(PLAN_VIEWERS, PLAN_SEEN[key], ()),
            label=key,
            kwargs=lambda w, key=key: {"plan_id": w[key].pk, "period": "2025Q1"},
        )
        for key in ("plan", "gz_plan")
    ]
    + [
        Case(
            _with_permission(PLAN_VIEWERS, (), ()),
            kwargs=lambda w: {"plan_id": w.plan.pk, "period": "2024Q1"},
            label="他年度",
        ),
        Case(
            _with_permission(PLAN_VIEWERS, PLAN_SEEN["plan"], ()),
            kwargs=lambda w: {"plan_id": w.plan.pk, "period": "2025"},
            label="年度",
        ),
    ],
    "plans:assessment_export": [
        Case(
            _with_permission(PLAN_VIEWERS, PLAN_SEEN[key], ()),
            label=f"{key}.{fmt}",
            kwargs=lambda w, key=key, fmt=fmt: {"plan_id": w[key].pk, "period": "2025Q1", "fmt": fmt},
        )
        for key, fmt in (("plan", "xlsx"), ("lz_plan", "xlsx"), ("plan", "pdf"))
    ]
    + [
        Case(
            _with_permission(PLAN_VIEWERS, (), ()),
            kwargs=lambda w: {"plan_id": w.plan.pk, "period": "2025Q1", "fmt": "html"},
            label="未知格式",
        )
    ],
    "plans:assessment_generate": [
        Case(
            expect(allow={"city_admin"}, otherwise=FORBIDDEN),
            method="post",
            kwargs=lambda w: {"plan_id": w.plan.pk, "period": "2025Q2"},
        )
    ],
    "plans:assessment_sign": [
        Case(
            expect(allow={"city_admin"}, otherwise=FORBIDDEN),
            method="post",
            kwargs=lambda w: {"plan_id": w.plan.pk, "period": "2025Q1"},
        )
    ],
    "plans:assessment_weights": [
        Case(expect(allow=PLAN_VIEWERS, otherwise=FORBIDDEN)),
        Case(
            expect(allow={"city_admin"}, otherwise=FORBIDDEN),
            method="post",
            label="调整权重",
            data=lambda w: {
                "completion": "50",
                "timeliness": "20",
                "supervision": "15",
                "problems": "15",
                "note": "矩阵测试",
            },
        ),
    ],
    # -- review of a staged import (plan.import only) ----------------------------------------------------------
    "plans:review": [
        Case(expect(allow={"city_admin"}, otherwise=FORBIDDEN), kwargs=_plan_kwargs(key), label=key)
        for key in ("draft_plan", "plan")
    ],
    "plans:status": [
        Case(
            expect(allow={"city_admin"}, otherwise=FORBIDDEN),
            kwargs=_plan_kwargs("draft_plan"),
            method="post",
            data=lambda w: {"to": "reviewing"},
        )
    ],
    "plans:discard": [
        Case(
            expect(allow={"city_admin"}, otherwise=FORBIDDEN),
            kwargs=_plan_kwargs("draft_plan"),
            method="post",
        )
    ],
    "plans:target_add": [
        Case(
            expect(allow={"city_admin"}, otherwise=FORBIDDEN),
            kwargs=_plan_kwargs("draft_plan"),
            method="post",
            data=_target,
        )
    ],
    "plans:target_edit": [
        Case(
            expect(allow={"city_admin"}, otherwise=FORBIDDEN),
            kwargs=lambda w: {"plan_id": w.draft_plan.pk, "target_id": w.draft_targets[0].pk},
            method="post",
            data=_target,
        ),
        # A target of another plan under this plan's id: never found.
        Case(
            expect(not_found={"city_admin"}, otherwise=FORBIDDEN),
            kwargs=lambda w: {"plan_id": w.draft_plan.pk, "target_id": w.target.pk},
            method="post",
            data=_target,
            label="他方案指标",
        ),
    ],
    "plans:target_toggle": [
        Case(
            expect(allow={"city_admin"}, otherwise=FORBIDDEN),
            method="post",
            kwargs=lambda w: {"plan_id": w.draft_plan.pk, "target_id": w.draft_targets[1].pk},
        )
    ],
    "plans:conflict_resolve": [
        Case(
            expect(allow={"city_admin"}, otherwise=FORBIDDEN),
            kwargs=_plan_kwargs("draft_plan"),
            method="post",
            data=lambda w: {"keep": w.draft_targets[1].pk},
        )
    ],
    "plans:task_edit": [
        Case(
            expect(allow={"city_admin"}, otherwise=FORBIDDEN),
            kwargs=_task_kwargs(key),
            method="post",
            data=lambda w: {"title": "修改后的任务"},
            label=key,
        )
        for key in ("draft_task", "task_gz")
    ],
    "plans:task_form": [
        Case(expect(allow={"city_admin"}, otherwise=FORBIDDEN), kwargs=_task_kwargs(key), label=key)
        for key in ("draft_task", "task_gz")
    ]
    + [
        Case(
            expect(not_found={"city_admin"}, otherwise=FORBIDDEN),
            kwargs=lambda w: {"task_id": 987654321},
            label="不存在的编号",
        ),
    ],
    # -- one task -------------------------------------------------------------------------------------------
    "plans:task": [
        *_task_cases(lambda key: SEES[key]),
        Case(_page((), ()), kwargs=lambda w: {"task_id": 987654321}, label="不存在的编号"),
    ],
    "plans:task_report": [
        Case(
            _page(ACTORS[key], SEES[key]),
            kwargs=_task_kwargs(key),
            method="post",
            data=lambda w: {"percent": "100", "text": "已完成"},
            label=key,
        )
        for key in TASK_KEYS
    ],
    "plans:milestone_done": [
        Case(
            _page(ACTORS[key], SEES[key]),
            method="post",
            data=_reopen(key),
            kwargs=lambda w, key=key: {"task_id": w[key].pk, "milestone_id": w[key].milestones.first().pk},
            label=key,
        )
        for key in TASK_KEYS
    ]
    # A milestone of another task under a visible task's id: never found.
    + [
        Case(
            _page((), {"leader"}),
            method="post",
            kwargs=lambda w: {"task_id": w.task_gz.pk, "milestone_id": w.task_lz.milestones.first().pk},
            label="他任务节点",
        )
    ],
    "plans:task_weights": [
        Case(
            _with_permission(SUPERVISORS, SUPERVISES[key], SEES[key]),
            kwargs=_task_kwargs(key),
            method="post",
            data=_weights,
            label=key,
        )
        for key in ("task_gz",)
    ]
    + [
        Case(
            _with_permission(SUPERVISORS, SUPERVISES[key], SEES[key]),
            kwargs=_task_kwargs(key),
            method="post",
            label=key,
        )
        for key in ("task_city_market", "task_lz")
    ],
    "plans:task_close": [
        Case(
            _with_permission(SUPERVISORS, SUPERVISES[key], SEES[key]),
            kwargs=_task_kwargs(key),
            method="post",
            data=_reopen(key, note="办结"),
            label=key,
        )
        for key in SUPERVISED
    ],
    "plans:milestone_add": [
        Case(
            _with_permission(SUPERVISORS, SUPERVISES[key], SEES[key]),
            kwargs=_task_kwargs(key),
            method="post",
            data=lambda w: {"title": "新节点", "due_date": "2025-09-30"},
            label=key,
        )
        for key in SUPERVISED
    ],
    "plans:notice_issue": [
        Case(
            _with_permission(SUPERVISORS, SUPERVISES[key], SEES[key]),
            kwargs=_task_kwargs(key),
            method="post",
            data=lambda w: {"reason": "进度滞后，请说明"},
            label=key,
        )
        for key in SUPERVISED
    ],
    "plans:issue_raise": [
        Case(
            _with_permission(SUPERVISORS, SUPERVISES[key], SEES[key]),
            kwargs=_task_kwargs(key),
            method="post",
            data=lambda w: {"description": "台账缺少佐证"},
            label=key,
        )
        for key in SUPERVISED
    ],
    "plans:measure_edit": [
        Case(
            expect(allow={"city_admin"}, otherwise=FORBIDDEN),
            method="post",
            kwargs=lambda w: {"measure_id": w.lz_measure.pk},
            data=lambda w: {"lead": [w.lz_staff.department_id]},
        ),
        Case(
            expect(not_found={"city_admin"}, otherwise=FORBIDDEN),
            method="post",
            kwargs=lambda w: {"measure_id": 987654321},
            label="不存在的编号",
        ),
    ],
    "plans:measure_form": [
        Case(
            expect(allow={"city_admin"}, otherwise=FORBIDDEN),
            kwargs=lambda w: {"measure_id": w.lz_measure.pk},
        ),
        Case(
            expect(not_found={"city_admin"}, otherwise=FORBIDDEN),
            kwargs=lambda w: {"measure_id": 987654321},
            label="不存在的编号",
        ),
    ],
    "plans:evidence": [
        Case(
            _page(SEES[key], ()),
            kwargs=lambda w, key=key: {"evidence_id": w[f"{key}_evidence"].pk},
            label=key,
        )
        for key in ("task_city_market", "task_gz", "task_lz", "task_measure_only")
    ],
    # -- 督办 and the issue ledger ------------------------------------------------------------------------------
    "plans:notice": [
        Case(_page(SEES[key], ()), kwargs=lambda w, key=key: {"notice_id": w[f"{key}_notice"].pk}, label=key)
        for key in ("task_city_market", "task_city_office", "task_gz", "task_lz")
    ]
    + [
        Case(
            _page(ACTORS[key], SEES[key]),
            kwargs=lambda w, key=key: {"notice_id": w[f"{key}_notice"].pk},
            method="post",
            data=_notice_state(key, "open", action="reply", text="已整改完毕"),
            label=f"{key}回复",
        )
        for key in ("task_city_market", "task_gz")
    ]
    + [
        Case(
            _page(SUPERVISES[key], SEES[key]),
            kwargs=lambda w, key=key: {"notice_id": w[f"{key}_notice"].pk},
            method="post",
            data=_notice_state(key, "replied", action="follow_up", text="请补充佐证"),
            label=f"{key}跟踪督办",
        )
        for key in ("task_city_market", "task_gz")
    ],
    "plans:issue_close": [
        Case(
            _page(ACTORS[key], SEES[key]),
            method="post",
            data=_issue_close(key),
            kwargs=lambda w, key=key: {"issue_id": w[f"{key}_issue"].pk},
            label=key,
        )
        for key in ("task_city_market", "task_gz", "task_lz", "task_measure_only")
    ],
    # -- API --------------------------------------------------------------------------------------------------
    "GET /api/v1/plans": [Case(api_expect(allow=PLAN_VIEWERS, otherwise=FORBIDDEN))],
    "POST /api/v1/plans": [Case(api_expect(allow={"city_admin"}, otherwise=FORBIDDEN), data=_plan_file)],
    "GET /api/v1/plans/{plan_id}/targets": [
        Case(_page(PLAN_SEEN[key], (), api=True), kwargs=_plan_kwargs(key), label=key) for key in PLAN_SEEN
    ]
    + [Case(_page((), (), api=True), kwargs=lambda w: {"plan_id": 987654321}, label="不存在的编号")],
    "GET /api/v1/plans/{plan_id}/tasks": [
        Case(_page(PLAN_SEEN[key], (), api=True), kwargs=_plan_kwargs(key), label=key) for key in PLAN_SEEN
    ],
    "POST /api/v1/plans/tasks/{task_id}/progress": [
        Case(
            _page(ACTORS[key], SEES[key], api=True),
            kwargs=_task_kwargs(key),
            data=lambda w: {"percent": "100", "text": "已完成"},
            label=key,
        )
        for key in TASK_KEYS
    ],
}
