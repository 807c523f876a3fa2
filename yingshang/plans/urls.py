from django.urls import path

from yingshang.plans import views

app_name = "plans"

urlpatterns = [
    path("", views.plan_list, name="list"),
    path("import/", views.plan_import, name="import"),
    path("mine/", views.my_tasks, name="my_tasks"),
    path("notices/", views.notice_list, name="notices"),
    path("notices/<int:notice_id>/", views.notice_detail, name="notice"),
    path("issues/<int:issue_id>/close/", views.issue_close, name="issue_close"),
    path("<int:plan_id>/", views.plan_detail, name="detail"),
    path("<int:plan_id>/review/", views.plan_review, name="review"),
    path("<int:plan_id>/status/", views.plan_status, name="status"),
    path("<int:plan_id>/discard/", views.plan_discard, name="discard"),
    path("<int:plan_id>/targets/add/", views.target_add, name="target_add"),
    path("<int:plan_id>/targets/<int:target_id>/", views.target_edit, name="target_edit"),
    path("<int:plan_id>/targets/<int:target_id>/toggle/", views.target_toggle, name="target_toggle"),
    path("<int:plan_id>/conflicts/", views.conflict_resolve, name="conflict_resolve"),
    path("<int:plan_id>/export.xlsx", views.plan_export, name="export"),
    path("<int:plan_id>/gantt/", views.plan_gantt, name="gantt"),
    path("<int:plan_id>/assessment/", views.plan_assessment, name="assessment"),
    path("<int:plan_id>/bulletin.<str:fmt>", views.plan_bulletin, name="bulletin"),
    path("<int:plan_id>/assessments/<str:period>/", views.assessment_period, name="assessment_period"),
    path(
        "<int:plan_id>/assessments/<str:period>/generate/",
        views.assessment_generate,
        name="assessment_generate",
    ),
    path("<int:plan_id>/assessments/<str:period>/sign/", views.assessment_sign, name="assessment_sign"),
    path(
        "<int:plan_id>/assessments/<str:period>.<str:fmt>", views.assessment_export, name="assessment_export"
    ),
    path("assessment-weights/", views.assessment_weights, name="assessment_weights"),
    path("measures/<int:measure_id>/", views.measure_edit, name="measure_edit"),
    path("measures/<int:measure_id>/form/", views.measure_form, name="measure_form"),
    path("evidence/<int:evidence_id>/", views.evidence_download, name="evidence"),
    path("tasks/<int:task_id>/", views.task_detail, name="task"),
    path("tasks/<int:task_id>/edit/", views.task_edit, name="task_edit"),
    path("tasks/<int:task_id>/form/", views.task_form, name="task_form"),
    path("tasks/<int:task_id>/report/", views.task_report, name="task_report"),
    path("tasks/<int:task_id>/weights/", views.task_weights, name="task_weights"),
    path("tasks/<int:task_id>/close/", views.task_close, name="task_close"),
    path("tasks/<int:task_id>/milestones/", views.milestone_add, name="milestone_add"),
    path(
        "tasks/<int:task_id>/milestones/<int:milestone_id>/done/", views.milestone_done, name="milestone_done"
    ),
    path("tasks/<int:task_id>/notices/", views.notice_issue, name="notice_issue"),
    path("tasks/<int:task_id>/issues/", views.issue_raise, name="issue_raise"),
]
